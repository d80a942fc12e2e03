/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The receive side of an L2 overlay, shared by its TC and XDP decap programs: the outer
 * headers (outer.h), then the peer, which must be a configured one, then what the inner
 * frame teaches the FDB and the neighbour table. Unlike an L3 overlay, which passes what an
 * unknown address sends on to the stack (it may be another tunnel's), an L2 overlay drops
 * what comes for its VNI from any address that is no peer's: the kernel's own vxlan would
 * learn from anyone, and only configured VTEPs may inject frames here.
 */
#ifndef XT_BPF_L2_RX_H
#define XT_BPF_L2_RX_H

#include "l2.h"
#include "ageing.h"
#include "fdb.h"
#include "neigh.h"
#include "outer.h"
#include "stats.h"

/* The shortest inner frame TC can take the outer headers off: bpf_skb_adjust_room keeps
 * the base header of the family its DECAP flag names behind the Ethernet header at least
 * (xt_tc_strip: IPv6's 40 bytes for IPv6, IPv4's 20 for anything else). A shorter frame (an
 * STP topology change notice is 21 bytes) is padded with zeros to Ethernet's minimum, as a
 * NIC sends it, by both decap programs, so that the two deliver the same frame. */
static __always_inline __u32 xt_l2_min_inner(__u16 inner_proto)
{
	return ETH_HLEN + (inner_proto == ETH_P_IPV6 ? IPV6_HLEN : 20);
}

/* A frame from a known peer that is not delivered: dropped and counted against it. */
static __always_inline int xt_l2_rx_drop(struct xt_rx *rx, enum xt_reason reason)
{
	xt_count_peer_drop(rx->peer_id, reason);
	return xt_rx_verdict(rx, XT_RX_DROP, reason);
}

/* What to do with a frame received on the uplink: XT_RX_DECAP (the inner frame starts at
 * rx->outer_len, from peer rx->peer_id), XT_RX_PASS or XT_RX_DROP, rx->reason saying why;
 * XT_RX_NEED when an skb's headers run past its linear area (make rx->need bytes readable,
 * parse again). */
static __always_inline int xt_l2_rx(void *data, void *data_end, __u32 frame_len, struct xt_rx *rx)
{
	struct iphdr *ip4 = NULL;
	struct xt_peer *peer;
	struct ethhdr *eth;
	enum xt_reason learned;
	__u64 now;
	int v;

	v = xt_rx_outer(data, data_end, frame_len, rx, &ip4);
	if (v != XT_RX_CONTINUE)
		return v;
	peer = bpf_map_lookup_elem(&xt_peers, rx->endpoint);
	if (!peer)
		return xt_rx_verdict(rx, XT_RX_DROP, XT_DROP_UNKNOWN_VTEP);
	rx->peer_id = peer->id;
	rx->peer_known = true;
	/* Not counted against the peer: who sent a damaged header cannot be told. */
	if (ip4) {
		v = xt_ipv4_header_fault(ip4, data_end);
		if (v)
			return xt_rx_verdict(rx, XT_RX_DROP, v);
	}
	eth = data + (rx->outer_len & 0x3ff);
	if ((void *)(eth + 1) > data_end) {
		v = xt_rx_cut(rx, data, eth + 1, XT_RX_DROP, XT_DROP_MALFORMED);
		return v == XT_RX_NEED ? v : xt_l2_rx_drop(rx, XT_DROP_MALFORMED);
	}
	rx->inner_proto = bpf_ntohs(eth->h_proto);
	rx->inner_off = rx->outer_len + ETH_HLEN;
	now = bpf_ktime_get_ns();
	learned = xt_fdb_learn(eth->h_source, rx->peer_id, now);
	if (learned != XT_OK_DECAP)
		return xt_l2_rx_drop(rx, learned);
	xt_neigh_learn(eth, data_end, rx->peer_id, now);
	xt_l2_age(now);
	return xt_rx_verdict(rx, XT_RX_DECAP, XT_OK_DECAP);
}

#endif
