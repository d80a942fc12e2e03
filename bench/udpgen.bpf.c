// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The packet generator's program: every frame BPF_PROG_RUN hands it (live frames) leaves
 * through the given device. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 out_ifindex = 0;

SEC("xdp")
int udpgen_xmit(struct xdp_md *ctx)
{
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
