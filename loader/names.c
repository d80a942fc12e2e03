// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Printable names of enum values, as the man page documents them. */
#include "xtunnel.h"

static const char *const reason_names[XT_REASON_COUNT] = {
	[XT_OK_ENCAP] = "encap",
	[XT_OK_DECAP] = "decap",
	[XT_PASS_NOT_IPV4] = "pass-not-ipv4",
	[XT_PASS_FRAGMENT] = "pass-fragment",
	[XT_PASS_NOT_LOCAL] = "pass-not-local",
	[XT_PASS_NOT_UDP] = "pass-not-udp",
	[XT_PASS_OTHER_PORT] = "pass-other-port",
	[XT_PASS_OTHER_VNI] = "pass-other-vni",
	[XT_PASS_UNKNOWN_PEER] = "pass-unknown-peer",
	[XT_DROP_MALFORMED] = "drop-malformed",
	[XT_DROP_VXLAN_FLAGS] = "drop-vxlan-flags",
	[XT_DROP_SPOOFED] = "drop-spoofed",
	[XT_DROP_INNER_PROTO] = "drop-inner-proto",
	[XT_DROP_NO_ROUTE] = "drop-no-route",
	[XT_DROP_RELAY] = "drop-relay",
	[XT_DROP_ENCAP_FAILED] = "drop-encap-failed",
	[XT_DROP_DECAP_FAILED] = "drop-decap-failed",
};

const char *xt_reason_name(enum xt_reason reason)
{
	if ((unsigned int)reason >= XT_REASON_COUNT || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
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
