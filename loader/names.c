// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Names: printable names of enum values, as the man page documents them, and back; and the
 * rules for a device name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "errmsg.h"
#include "xtunnel.h"

static const char *const reason_names[XT_REASON_COUNT] = {
	[XT_OK_ENCAP] = "encap",
	[XT_OK_DECAP] = "decap",
	[XT_OK_SEGMENT] = "segment",
	[XT_OK_VXLAN_DEV] = "vxlan-device",
	[XT_OK_FWD_ENCAP] = "forward-encap",
	[XT_OK_FWD_DECAP] = "forward-decap",
	[XT_PASS_NOT_IP] = "pass-not-ip",
	[XT_PASS_FRAGMENT] = "pass-fragment",
	[XT_PASS_NOT_LOCAL] = "pass-not-local",
	[XT_PASS_OTHER_PROTO] = "pass-other-proto",
	[XT_PASS_OTHER_PORT] = "pass-other-port",
	[XT_PASS_OTHER_VNI] = "pass-other-vni",
	[XT_PASS_OTHER_KEY] = "pass-other-key",
	[XT_PASS_UNKNOWN_PEER] = "pass-unknown-peer",
	[XT_PASS_SLOW_PATH] = "pass-slow-path",
	[XT_PASS_OTHER_HOST] = "pass-other-host",
	[XT_DROP_MALFORMED] = "drop-malformed",
	[XT_DROP_VXLAN_FLAGS] = "drop-vxlan-flags",
	[XT_DROP_GENEVE_HEADER] = "drop-geneve-header",
	[XT_DROP_GENEVE_CRITICAL] = "drop-geneve-critical",
	[XT_DROP_GRE_FLAGS] = "drop-gre-flags",
	[XT_DROP_SPOOFED] = "drop-spoofed",
	[XT_DROP_LINK_LOCAL] = "drop-link-local",
	[XT_DROP_INNER_PROTO] = "drop-inner-proto",
	[XT_DROP_NO_ROUTE] = "drop-no-route",
	[XT_DROP_RELAY] = "drop-relay",
	[XT_DROP_KERNEL_SOCKET] = "drop-kernel-socket",
	[XT_DROP_ENCAP_FAILED] = "drop-encap-failed",
	[XT_DROP_DECAP_FAILED] = "drop-decap-failed",
	[XT_DROP_OUTER_CHECKSUM] = "drop-outer-checksum",
	[XT_DROP_EXT_HEADERS] = "drop-ext-headers",
};

static const char *const encap_names[XT_ENCAP_COUNT] = {
	[XT_ENCAP_VXLAN] = "vxlan",
	[XT_ENCAP_GENEVE] = "geneve",
	[XT_ENCAP_GRE] = "gre",
	[XT_ENCAP_IPIP] = "ipip",
};

const char *xt_reason_name(enum xt_reason reason)
{
	if ((unsigned int)reason >= XT_REASON_COUNT || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}

const char *xt_encap_name(enum xt_encap encap)
{
	if ((unsigned int)encap >= XT_ENCAP_COUNT || !encap_names[encap])
		return "unknown";
	return encap_names[encap];
}

int xt_parse_encap(const char *s, enum xt_encap *out)
{
	unsigned int i;

	for (i = 0; s && i < XT_ENCAP_COUNT; i++) {
		if (encap_names[i] && !strcmp(s, encap_names[i])) {
			*out = (enum xt_encap)i;
			return 0;
		}
	}
	return xt_err_input(-EINVAL, "'%s' is not vxlan, geneve, gre or ipip", s ? s : "");
}

const char *xt_rx_mode_name(enum xt_rx_mode mode)
{
	switch (mode) {
	case XT_RX_AUTO:
		return "auto";
	case XT_RX_XDP:
		return "xdp";
	case XT_RX_TC:
		return "tc";
	}
	return "unknown";
}

/* Whitespace as the kernel's ctype has it: isspace() there is true for 0xa0 (NBSP) too. */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/*
 * The kernel's dev_valid_name() (net/core/dev.c): not empty, shorter than IFNAMSIZ, not "."
 * or "..", and no '/', ':' or whitespace. Control characters are refused too: the kernel
 * takes them, but a name is printed in messages and show. A name is checked here before it
 * is looked up or used in a path: the pin directory is /sys/fs/bpf/xtunnel/[netns/NS/]NAME,
 * and "xt0/../xt0" or "../../.." would otherwise lead out of it.
 */
int xt_dev_name_check(const char *what, const char *name)
{
	const unsigned char *c;

	if (!name || !*name)
		return xt_err_input(-EINVAL, "%s: a device name cannot be empty", what);
	for (c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return xt_err_input(-EINVAL,
					    "%s: a device name cannot contain control characters",
					    what);
	if (strlen(name) >= IF_NAMESIZE)
		return xt_err_input(-EINVAL, "%s '%s': a device name has at most %d characters",
				    what, name, IF_NAMESIZE - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return xt_err_input(-EINVAL, "%s '%s': not a device name", what, name);
	for (c = (const unsigned char *)name; *c; c++)
		if (*c == '/' || *c == ':' || kernel_isspace(*c))
			return xt_err_input(-EINVAL, "%s '%s': a device name cannot contain %s",
					    what, name,
					    *c == '/'	? "'/'"
					    : *c == ':' ? "':'"
							: "whitespace");
	return 0;
}

const char *xt_gso_path_name(enum xt_gso_path path)
{
	switch (path) {
	case XT_GSO_ENCAP:
		return "encap";
	case XT_GSO_SEGMENT:
		return "segment";
	case XT_GSO_VXLAN_DEV:
		return "vxlan-device";
	}
	return "unknown";
}
