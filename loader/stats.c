// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-CPU counters, summed for the reader. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "internal.h"

int xt_reasons_read(int fd, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	uint64_t *vals;
	uint32_t r;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (r = 0; r < XT_REASON_COUNT; r++) {
		out[r] = 0;
		if (bpf_map_lookup_elem(fd, &r, vals))
			continue;
		for (c = 0; c < ncpu; c++)
			out[r] += vals[c];
	}
	free(vals);
	return 0;
}

int xt_peer_stats_read(int fd, uint32_t id, struct xt_peer_stats *out)
{
	int ncpu = libbpf_num_possible_cpus(), c, err = 0;
	struct xt_peer_stats *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(fd, &id, vals)) {
		err = -errno;
		goto out;
	}
	for (c = 0; c < ncpu; c++) {
		out->rx_packets += vals[c].rx_packets;
		out->rx_bytes += vals[c].rx_bytes;
		out->tx_packets += vals[c].tx_packets;
		out->tx_bytes += vals[c].tx_bytes;
		out->drops += vals[c].drops;
	}
out:
	free(vals);
	return err;
}

/* A new peer must not inherit the counters of the peer that had its id before. */
int xt_peer_stats_reset(int fd, uint32_t id)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct xt_peer_stats *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &id, vals, BPF_ANY))
		err = -errno;
	free(vals);
	return err;
}
