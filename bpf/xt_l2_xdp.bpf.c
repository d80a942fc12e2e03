// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP decap of an L2 overlay on the uplink: the receive side of xt_l2.bpf.c (l2_rx.h) at
 * the earliest hook, with the same learning; decapsulated frames are redirected into the
 * hidden end of the overlay veth pair and so arrive on the overlay device, which carries
 * xt_pass (a veth only accepts redirected XDP frames when its peer runs XDP).
 */
#include "common.h"
#include "l2_rx.h"
#include "stats.h"
#include "trace.h"
#include "xdp.h"

/* Counted, and traced as the packet was received. */
static __always_inline void xt_l2_decap_xdp_count(struct xdp_md *ctx, enum xt_reason reason,
						  __u32 peer_id)
{
	xt_count(reason);
	xt_trace_xdp_at(ctx, XT_TRACE_L2_DECAP_XDP, reason, peer_id, XT_TRACE_HEAD_OUTER);
}

SEC("xdp")
int xt_l2_decap_xdp(struct xdp_md *ctx)
{
	struct xt_rx rx = {};
	__u64 frame;
	__u32 len;
	bool traced;
	int verdict;

	if (xt_xdp_other_host(ctx)) {
		xt_l2_decap_xdp_count(ctx, XT_PASS_OTHER_HOST, XT_TRACE_NO_PEER);
		return XDP_PASS;
	}
	verdict = xt_l2_rx((void *)(long)ctx->data, (void *)(long)ctx->data_end,
			   ctx->data_end - ctx->data, &rx);
	if (verdict != XT_RX_DECAP) {
		xt_l2_decap_xdp_count(ctx, rx.reason, xt_rx_peer(&rx));
		return verdict == XT_RX_PASS ? XDP_PASS : XDP_DROP;
	}
	/* The frame changes from here on: a trace keeps it as it came. */
	traced = xt_tracing() && xt_trace_keep_xdp(ctx);
	/* The frame's length first, apart: clang would add outer_len to the 32-bit data field,
	 * and the verifier refuses 32-bit arithmetic on a packet pointer. */
	frame = (void *)(long)ctx->data_end - (void *)(long)ctx->data;
	barrier_var(frame);
	len = frame - rx.outer_len;
	if (len < xt_l2_min_inner(rx.inner_proto)) {
		if (bpf_xdp_adjust_tail(ctx, (int)(ETH_ZLEN - len)))
			goto fail;
		len = ETH_ZLEN;
	}
	if (bpf_xdp_adjust_head(ctx, rx.outer_len))
		goto fail;
	xt_count(XT_OK_DECAP);
	xt_count_rx(rx.peer_id, 1, len);
	if (traced)
		xt_trace_kept(XT_TRACE_L2_DECAP_XDP, XT_OK_DECAP, rx.peer_id);
	return bpf_redirect(xt_cfg.overlay_peer_ifindex, 0);
fail:
	xt_count(XT_DROP_DECAP_FAILED);
	xt_count_peer_drop(rx.peer_id, XT_DROP_DECAP_FAILED);
	if (traced)
		xt_trace_kept(XT_TRACE_L2_DECAP_XDP, XT_DROP_DECAP_FAILED, rx.peer_id);
	return XDP_DROP;
}

SEC("xdp")
int xt_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
