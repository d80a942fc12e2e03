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
#include "xdp.h"

SEC("xdp")
int xt_l2_decap_xdp(struct xdp_md *ctx)
{
	struct xt_rx rx = {};
	__u32 len;
	int verdict;

	if (xt_xdp_other_host(ctx)) {
		xt_count(XT_PASS_OTHER_HOST);
		return XDP_PASS;
	}
	verdict = xt_l2_rx((void *)(long)ctx->data, (void *)(long)ctx->data_end,
			   ctx->data_end - ctx->data, &rx);
	if (verdict != XT_RX_DECAP) {
		xt_count(rx.reason);
		return verdict == XT_RX_PASS ? XDP_PASS : XDP_DROP;
	}
	len = ctx->data_end - ctx->data - rx.outer_len;
	if (bpf_xdp_adjust_head(ctx, rx.outer_len)) {
		xt_count(XT_DROP_DECAP_FAILED);
		xt_count_peer_drop(rx.peer_id);
		return XDP_DROP;
	}
	xt_count(XT_OK_DECAP);
	xt_count_rx(rx.peer_id, 1, len);
	return bpf_redirect(xt_cfg.overlay_peer_ifindex, 0);
}

SEC("xdp")
int xt_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
