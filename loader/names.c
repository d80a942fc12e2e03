// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Printable names of enum values, as the man page documents them, and back. */
#include <errno.h>
#include <string.h>
#include "internal.h"

static const char *const reason_names[XT_REASON_COUNT] = {
	[XT_OK_ENCAP] = "encap",
	[XT_OK_DECAP] = "decap",
	[XT_OK_SEGMENT] = "segment",
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
