// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The packet generator's program: every frame BPF_PROG_RUN hands it (live frames) leaves
 * through the given device, written afresh from the template first. The kernel recycles a
 * live frame's page without restoring its bytes, and a receiver that forwards rewrites
 * them in place (MACs, TTL, an encapsulation): without the copy, the next frames would
 * carry the last receiver's edits. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define UDPGEN_FRAME_MAX 128

const volatile __u32 out_ifindex = 0;
const volatile __u32 frame_len = 0;
const volatile __u8 frame[UDPGEN_FRAME_MAX] = {};

SEC("xdp")
int udpgen_xmit(struct xdp_md *ctx)
{
	if (frame_len && frame_len <= UDPGEN_FRAME_MAX &&
	    bpf_xdp_store_bytes(ctx, 0, (void *)frame, frame_len))
		return XDP_ABORTED;
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
