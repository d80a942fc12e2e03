// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP decap on the uplink: the fast path on NICs with native XDP. Decapsulated frames are
 * redirected into the hidden end of the overlay veth pair and so arrive on the overlay
 * device, which carries xt_pass because a veth only accepts redirected XDP frames when
 * its peer has an XDP program.
 */
#include "common.h"
#include "stats.h"
#include "vxlan.h"

SEC("xdp")
int xt_decap_xdp(struct xdp_md *ctx)
{
	struct xt_rx rx = {};
	__u32 len;
	int verdict;

	verdict = xt_rx_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end,
			      ctx->data_end - ctx->data, &rx);
	if (verdict == XT_RX_PASS) {
		xt_count(rx.reason);
		return XDP_PASS;
	}
	if (verdict == XT_RX_DROP) {
		xt_count(rx.reason);
		return XDP_DROP;
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
