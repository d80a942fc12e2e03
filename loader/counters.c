// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-CPU counters, summed for the reader. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "counters.h"

/* A zeroed buffer for one value per possible CPU; sets *ncpu, or *err and NULL. */
static void *percpu_values(size_t size, int *ncpu, int *err)
{
	void *vals;

	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu < 0) {
		*err = *ncpu;
		return NULL;
	}
	vals = calloc((size_t)*ncpu, size);
	if (!vals)
		*err = -ENOMEM;
	return vals;
}

int xt_reasons_read(int fd, uint64_t *out)
{
	int ncpu, c, err = 0;
	uint64_t *vals = percpu_values(sizeof(*vals), &ncpu, &err);
	uint32_t r;

	if (!vals)
		return err;
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
	int ncpu, c, err = 0;
	struct xt_peer_stats *vals = percpu_values(sizeof(*vals), &ncpu, &err);

	if (!vals)
		return err;
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
		/* A time, not a count: the CPU that saw the peer last has it. */
		if (vals[c].latest_rx_ns > out->latest_rx_ns)
			out->latest_rx_ns = vals[c].latest_rx_ns;
	}
out:
	free(vals);
	return err;
}

int xt_peer_drops_read(int fd, uint32_t id, uint64_t out[XT_DROP_COUNT])
{
	int ncpu, c, r, err = 0;
	struct xt_peer_drops *vals = percpu_values(sizeof(*vals), &ncpu, &err);

	if (!vals)
		return err;
	memset(out, 0, XT_DROP_COUNT * sizeof(*out));
	/* No entry: the peer never dropped anything (it is made at the first drop). */
	if (bpf_map_lookup_elem(fd, &id, vals)) {
		err = errno == ENOENT ? 0 : -errno;
		goto out;
	}
	for (c = 0; c < ncpu; c++)
		for (r = 0; r < XT_DROP_COUNT; r++)
			out[r] += vals[c].count[r];
out:
	free(vals);
	return err;
}

/* A new peer must not inherit the counters of the peer that had its id before: its totals
 * start from zero and its drops by reason from no entry. */
int xt_peer_stats_reset(int stats_fd, int drops_fd, uint32_t id)
{
	int ncpu, err = 0;
	struct xt_peer_stats *vals = percpu_values(sizeof(*vals), &ncpu, &err);

	if (!vals)
		return err;
	if (bpf_map_update_elem(stats_fd, &id, vals, BPF_ANY))
		err = -errno;
	else if (bpf_map_delete_elem(drops_fd, &id) && errno != ENOENT)
		err = -errno;
	free(vals);
	return err;
}
