// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * XDP decap on the uplink: the fast path on NICs with native XDP. Decapsulated frames are
 * redirected into the hidden end of the overlay veth pair and so arrive on the overlay
 * device, which carries xt_pass because a veth only accepts redirected XDP frames when
 * its peer has an XDP program.
 */
#include "common.h"
#include "stats.h"
#include "tunnel.h"
#include "rx.h"

SEC("xdp")
int xt_decap_xdp(struct xdp_md *ctx)
{
	struct xt_rx rx = {};
	struct ethhdr *eth;
	__u32 len, cut;
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
	/* L2: the inner frame starts at outer_len. L3: keep room for an Ethernet header. */
	cut = xt_encap_is_l2(xt_cfg.encap) ? rx.outer_len : rx.outer_len - ETH_HLEN;
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
	return bpf_redirect(xt_cfg.overlay_peer_ifindex, 0);
fail:
	xt_count(XT_DROP_DECAP_FAILED);
	xt_count_peer_drop(rx.peer_id);
	return XDP_DROP;
}

SEC("xdp")
int xt_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
