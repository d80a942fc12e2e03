/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the XDP programs of every overlay share. */
#ifndef XT_BPF_XDP_H
#define XT_BPF_XDP_H

#include "common.h"

/* A frame the stack would take for another host's (eth_type_trans makes it
 * PACKET_OTHERHOST, ip_rcv drops it): a unicast destination MAC that is not the uplink's.
 * Broadcast and multicast frames are the stack's too: it accepts unicast IP in them unless
 * drop_unicast_in_l2_multicast is set, which is not the default. */
static __always_inline bool xt_xdp_other_host(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return false; /* the parser passes it as not IP */
	return !(eth->h_dest[0] & 1) && !xt_mac_is(eth->h_dest, xt_uplink_mac);
}

#endif
