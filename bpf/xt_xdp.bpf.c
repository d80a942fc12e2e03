// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP decap on the uplink: the fast path on NICs with native XDP. Decapsulated frames are
 * redirected into the hidden end of the overlay veth pair and so arrive on the overlay
 * device, which carries xt_pass because a veth only accepts redirected XDP frames when
 * its peer has an XDP program. With forward-from ports (fwd.h), a decapsulated packet the
 * FIB routes out of one of them goes there directly, and xt_fwd_xdp on those ports
 * encapsulates what the FIB routes into the overlay.
 */
#include "common.h"
#include "stats.h"
#include "tunnel.h"
#include "rx.h"
#include "fwd.h"
#include "trace.h"
#include "xdp.h"

static __always_inline int xt_fwd_slow(void)
{
	xt_count(XT_PASS_SLOW_PATH);
	return XDP_PASS;
}

/*
 * A decapsulated IP packet the FIB routes out of a forward-from port: straight there, one
 * hop less. -1: not this way (the overlay device gets it, and the kernel decides). As if it
 * had arrived on the overlay device (fwd.h): an inner frame addressed to the device's MAC
 * (the L3 encapsulations have no inner MAC), from a source routed back through it.
 */
static __always_inline int xt_fwd_decap(struct xdp_md *ctx, const struct xt_rx *rx, __u32 cut)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib, rev;
	__u8 dst[XT_ADDR_LEN];
	struct ethhdr *eth;
	__u32 len;
	void *l3;

	l3 = data + ((cut + ETH_HLEN) & 0x3ff);
	eth = data + (cut & 0x3ff);
	if ((void *)(eth + 1) > data_end)
		return -1;
	if (xt_encap_is_l2(xt_cfg.encap) && !xt_mac_is(eth->h_dest, xt_cfg.overlay_mac))
		return -1;
	if (!xt_fwd_lookup(ctx, l3, data_end, rx->inner_proto, xt_cfg.overlay_ifindex, &fib, dst,
			   false) ||
	    !xt_fwd_is_port(&fib) ||
	    !xt_fwd_reverse_ok(ctx, l3, data_end, rx->inner_proto, xt_cfg.overlay_ifindex,
			       BPF_FIB_LOOKUP_SKIP_NEIGH, &rev))
		return -1;
	len = data_end - data - cut;
	if (bpf_xdp_adjust_head(ctx, cut))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	/* Cannot fail: the parser saw all of it. The frame has lost its outer headers by now,
	 * so it is dropped, not passed (and counted by the caller). */
	if ((void *)(eth + 1) > data_end || !xt_fwd_ttl(eth + 1, data_end, rx->inner_proto))
		return XDP_DROP;
	xt_fwd_macs(eth, &fib);
	eth->h_proto = bpf_htons(rx->inner_proto);
	xt_count(XT_OK_FWD_DECAP);
	xt_count_rx(rx->peer_id, 1, len);
	return bpf_redirect_map(&xt_ports, fib.ifindex, 0);
}

/* Counted, and traced as the packet was received. */
static __always_inline void xt_decap_xdp_count(struct xdp_md *ctx, enum xt_reason reason,
					       __u32 peer_id)
{
	xt_count(reason);
	xt_trace_xdp_at(ctx, XT_TRACE_DECAP_XDP, reason, peer_id, XT_TRACE_HEAD_OUTER);
}

SEC("xdp")
int xt_decap_xdp(struct xdp_md *ctx)
{
	struct xt_rx rx = {};
	struct ethhdr *eth;
	__u32 len, cut;
	bool traced;
	int verdict;

	if (xt_xdp_other_host(ctx)) {
		xt_decap_xdp_count(ctx, XT_PASS_OTHER_HOST, XT_TRACE_NO_PEER);
		return XDP_PASS;
	}
	verdict = xt_rx_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end,
			      ctx->data_end - ctx->data, &rx);
	/* Cannot be: XDP reads the whole frame (no multi-buffer), so what it cannot read is not
	 * there. Kept for the verifier, and closed. */
	if (verdict == XT_RX_NEED)
		verdict = xt_rx_peer_drop(&rx, rx.reason);
	if (verdict == XT_RX_PASS || verdict == XT_RX_DROP) {
		xt_decap_xdp_count(ctx, rx.reason, xt_rx_peer(&rx));
		return verdict == XT_RX_PASS ? XDP_PASS : XDP_DROP;
	}
	/* The frame changes from here on: a trace keeps it as it came. */
	traced = xt_tracing() && xt_trace_keep_xdp(ctx);
	if (rx.trim && bpf_xdp_adjust_tail(ctx, -(int)rx.trim))
		goto fail;
	/* L2: the inner frame starts at outer_len. L3: keep room for an Ethernet header. */
	cut = xt_encap_is_l2(xt_cfg.encap) ? rx.outer_len : rx.outer_len - ETH_HLEN;
	if (xt_cfg.forward && rx.inner_proto != ETH_P_ARP) {
		verdict = xt_fwd_decap(ctx, &rx, cut);
		if (verdict == XDP_DROP)
			goto fail;
		if (verdict >= 0) {
			if (traced)
				xt_trace_kept(XT_TRACE_DECAP_XDP, XT_OK_FWD_DECAP, rx.peer_id);
			return verdict;
		}
	}
	len = ctx->data_end - ctx->data - cut;
	if (bpf_xdp_adjust_head(ctx, cut))
		goto fail;
	if (!xt_encap_is_l2(xt_cfg.encap)) {
		eth = (void *)(long)ctx->data;
		if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
			goto fail;
		xt_overlay_eth(eth, rx.inner_proto);
	}
	xt_count(XT_OK_DECAP);
	xt_count_rx(rx.peer_id, 1, len);
	if (traced)
		xt_trace_kept(XT_TRACE_DECAP_XDP, XT_OK_DECAP, rx.peer_id);
	return bpf_redirect(xt_cfg.overlay_peer_ifindex, 0);
fail:
	xt_count(XT_DROP_DECAP_FAILED);
	xt_count_peer_drop(rx.peer_id, XT_DROP_DECAP_FAILED);
	if (traced)
		xt_trace_kept(XT_TRACE_DECAP_XDP, XT_DROP_DECAP_FAILED, rx.peer_id);
	return XDP_DROP;
}

/*
 * On each forward-from port: what the FIB routes out of the overlay device is encapsulated
 * here and sent out of the uplink to the peer that owns the destination, both next hops'
 * MACs from the FIB. Everything else goes on to the kernel untouched (fwd.h).
 */
SEC("xdp")
int xt_fwd_xdp(struct xdp_md *ctx)
{
	__u32 overhead = xt_encap_overhead(xt_cfg.encap, xt_cfg.family, xt_cfg.has_key);
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib, out;
	struct ethhdr *eth = data, inner;
	struct xt_route r, *rp;
	__u8 dst[XT_ADDR_LEN];
	union xt_outer b;
	__u64 inner_sum = 0;
	__u32 len, n;
	__u16 proto;
	void *l3;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	proto = bpf_ntohs(eth->h_proto);
	l3 = eth + 1;
	if (proto != ETH_P_IP && proto != ETH_P_IPV6) {
		xt_count(XT_PASS_NOT_IP);
		return XDP_PASS;
	}
	/* Broadcast and multicast frames are not forwarded (fwd.h). */
	if (eth->h_dest[0] & 1)
		return xt_fwd_slow();
	if (!xt_fwd_lookup(ctx, l3, data_end, proto, ctx->ingress_ifindex, &fib, dst, false) ||
	    fib.ifindex != xt_cfg.overlay_ifindex)
		return xt_fwd_slow();
	rp = xt_route_lookup(dst);
	if (!rp)
		return xt_fwd_slow(); /* the overlay device counts it as drop-no-route */
	r = *rp;
	/* The way back through this port, whose own MAC the frame must be addressed to: the
	 * reverse lookup gives both, the MAC as the source of the way back. `out` is free
	 * until the underlay lookup below. */
	if (!xt_fwd_reverse_ok(ctx, l3, data_end, proto, ctx->ingress_ifindex, 0, &out) ||
	    !xt_mac_is(eth->h_dest, out.smac))
		return xt_fwd_slow();
	len = data_end - data;

	/* The underlay next hop: out of the uplink, with its MAC known. */
	__builtin_memset(&out, 0, sizeof(out));
	out.ifindex = xt_cfg.uplink_ifindex;
	out.tot_len = len + overhead - ETH_HLEN;
	out.l4_protocol = xt_outer_proto(proto);
	if (xt_cfg.family == XT_FAMILY_V6) {
		out.family = AF_INET6;
		xt_cfg_copy32(out.ipv6_src, xt_cfg.local, XT_ADDR_LEN / 4);
		__builtin_memcpy(out.ipv6_dst, r.endpoint, XT_ADDR_LEN);
	} else {
		out.family = AF_INET;
		out.ipv4_src = xt_local4();
		__builtin_memcpy(&out.ipv4_dst, r.endpoint + 12, 4);
	}
	if (bpf_fib_lookup(ctx, &out, sizeof(out), BPF_FIB_LOOKUP_OUTPUT) !=
		    BPF_FIB_LKUP_RET_SUCCESS ||
	    out.ifindex != xt_cfg.uplink_ifindex)
		return xt_fwd_slow();
	if (xt_udp6_csum(&r)) {
		if (xt_inner_sum_known(l3, data_end, proto, &inner_sum))
			return xt_fwd_slow(); /* would need a byte-by-byte sum */
		/* The sum covers the IPv6 header, whose hop limit is one less when it leaves:
		 * subtract 1 from its 16-bit word, in the memory order the sum is kept in. */
		if (proto == ETH_P_IPV6)
			inner_sum += 0xffff - bpf_htons(1);
	}

	/* Everything is known: build the outer headers, then change the packet. */
	__builtin_memcpy(&inner, eth, ETH_HLEN);
	xt_fwd_macs(&inner, &fib);
	n = xt_outer_build(&b, &r, len, proto, &inner, xt_flow_hash(l3, data_end, proto),
			   inner_sum);
	xt_fwd_macs(&b.v4.eth, &out);
	if (bpf_xdp_adjust_head(ctx, -(int)overhead))
		return xt_fwd_slow(); /* no headroom: unchanged */
	if (bpf_xdp_store_bytes(ctx, 0, &b.v4.eth, n))
		goto fail;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (!xt_fwd_ttl(data + ETH_HLEN + overhead, data_end, proto))
		goto fail;
	xt_count(XT_OK_FWD_ENCAP);
	xt_count_tx(r.peer_id, 1, len);
	xt_trace_xdp_at(ctx, XT_TRACE_FWD_XDP, XT_OK_FWD_ENCAP, r.peer_id, XT_TRACE_HEAD_OUTER);
	return bpf_redirect_map(&xt_ports, xt_cfg.uplink_ifindex, 0);
fail:
	xt_count(XT_DROP_ENCAP_FAILED);
	xt_trace_xdp_at(ctx, XT_TRACE_FWD_XDP, XT_DROP_ENCAP_FAILED, r.peer_id, XT_TRACE_HEAD_NONE);
	return XDP_DROP;
}

SEC("xdp")
int xt_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
