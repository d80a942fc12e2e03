// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The route table as the data path reads it: the LPM trie (xt_routes), its index by
 * prefix length (xt_prefixes), and the lengths in use (xt_lens); see
 * include/xtunnel_shared.h. Every write of a route goes through here, so the three never
 * disagree: the trie is written first and the list of lengths last, and a removal goes the
 * other way, so that no lookup misses a route that exists. The caller holds the overlay
 * lock (the counts in xt_lens are read, changed and written back).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include "maps.h"
#include "routes.h"

/* membarrier(MEMBARRIER_CMD_GLOBAL) returns once every CPU has passed an RCU grace period
 * (it is synchronize_rcu(), kernel/sched/membarrier.c). Every BPF program runs inside an
 * RCU read-side critical section (softirq for XDP and TC ingress, rcu_read_lock_bh for TC
 * egress, rcu_read_lock for BPF_PROG_TEST_RUN), so no lookup that began before the call is
 * still running when it returns. It fails on a kernel booted with nohz_full (EINVAL). */
static int rcu_grace_period(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		return -errno;
	return 0;
}

int (*xt_lens_grace_period)(void) = rcu_grace_period;

/*
 * The lengths with a prefix, longest first, in the list not in use; then that list is made
 * the one in use (bpf/route.h reads cur once, then list[cur]).
 *
 * The list not in use was in use until the last flip, and a lookup that read cur just
 * before it may still be reading it: rewriting it under that lookup could show it a list
 * torn between two versions, in which a length present in both has moved and is missed,
 * and the lookup would take a shorter prefix than the longest match (another peer's
 * route). So the list is written only after an RCU grace period, when no such lookup is
 * left. Each bpf_map_update_elem copies the whole value and is not atomic, but rewrites
 * the list in use and cur with the bytes they already hold, except the one write of cur
 * that flips it, which changes its low byte only: a reader never sees a list in use
 * change.
 *
 * Without a grace period (nohz_full), the list not in use keeps its lengths as a late
 * reader may be reading them and gets only n = XT_MAX_LENS + 1, "walk the trie", which
 * changes n's low byte alone: that reader sees the old count or the trie. Once both lists
 * say so, every lookup takes the trie: slower, never wrong.
 */
static int lens_publish(int fd, struct xt_lens *l)
{
	uint32_t zero = 0, next = !(l->cur & 1);
	struct xt_len_list *list = &l->list[next];
	int len;

	if (xt_lens_grace_period()) {
		list->n = XT_MAX_LENS + 1;
	} else {
		memset(list, 0, sizeof(*list));
		for (len = XT_KEY_LENS - 1; len >= 0; len--) {
			if (!l->count[len])
				continue;
			if (list->n == XT_MAX_LENS) {
				list->n = XT_MAX_LENS + 1; /* too many: the trie */
				break;
			}
			list->len[list->n++] = (uint8_t)len;
		}
	}
	if (bpf_map_update_elem(fd, &zero, l, BPF_ANY))
		return -errno;
	l->cur = next;
	if (bpf_map_update_elem(fd, &zero, l, BPF_ANY))
		return -errno;
	return 0;
}

/* Adds delta to the count of prefixes of length len; publishes the list if the length
 * appears or goes. */
static int lens_count(int fd, uint32_t len, int delta)
{
	struct xt_lens l;
	uint32_t zero = 0, before;

	if (len >= XT_KEY_LENS)
		return -EINVAL;
	if (bpf_map_lookup_elem(fd, &zero, &l))
		return -errno;
	before = l.count[len];
	if (delta < 0 && before == 0)
		return -EINVAL;
	l.count[len] += (uint32_t)delta;
	if (!before != !l.count[len])
		return lens_publish(fd, &l);
	if (bpf_map_update_elem(fd, &zero, &l, BPF_ANY))
		return -errno;
	return 0;
}

int xt_route_put(const struct xt_route_maps *m, const struct xt_route_key *k,
		 const struct xt_route *val, uint64_t flags)
{
	struct xt_route old;
	/* Whether the prefix is there is asked of the hash: a trie lookup is a longest match,
	 * and would answer for a shorter prefix that covers this one. */
	bool existed = !bpf_map_lookup_elem(m->prefixes_fd, k, &old);
	int err;

	if (bpf_map_update_elem(m->routes_fd, k, val, flags))
		return -errno;
	if (bpf_map_update_elem(m->prefixes_fd, k, val, BPF_ANY)) {
		err = -errno;
		goto undo;
	}
	if (existed)
		return 0;
	err = lens_count(m->lens_fd, k->prefixlen, 1);
	if (!err)
		return 0;
	bpf_map_delete_elem(m->prefixes_fd, k);
undo:
	/* Back to what it was: the old value, or nothing. */
	if (existed) {
		bpf_map_update_elem(m->routes_fd, k, &old, BPF_EXIST);
		bpf_map_update_elem(m->prefixes_fd, k, &old, BPF_ANY);
	} else {
		bpf_map_delete_elem(m->routes_fd, k);
	}
	return err;
}

int xt_route_del(const struct xt_route_maps *m, const struct xt_route_key *k)
{
	struct xt_route old;
	int err;

	if (bpf_map_lookup_elem(m->prefixes_fd, k, &old))
		return -ENOENT;
	err = lens_count(m->lens_fd, k->prefixlen, -1);
	if (err)
		return err;
	bpf_map_delete_elem(m->prefixes_fd, k);
	bpf_map_delete_elem(m->routes_fd, k);
	return 0;
}

int xt_route_put_batch(const struct xt_route_maps *m, const struct xt_route_key *keys,
		       const struct xt_route *vals, uint32_t n)
{
	uint32_t zero = 0, count = n, i;
	struct xt_lens l;

	if (bpf_map_update_batch(m->routes_fd, keys, vals, &count, NULL))
		return -errno;
	count = n;
	if (bpf_map_update_batch(m->prefixes_fd, keys, vals, &count, NULL))
		return -errno;
	if (bpf_map_lookup_elem(m->lens_fd, &zero, &l))
		return -errno;
	for (i = 0; i < n; i++) {
		if (keys[i].prefixlen >= XT_KEY_LENS)
			return -EINVAL;
		l.count[keys[i].prefixlen]++;
	}
	return lens_publish(m->lens_fd, &l);
}

struct xt_route_maps xt_route_maps_of_obj(const struct bpf_object *obj)
{
	int fd[XT_MAP_COUNT];
	struct xt_route_maps m;

	xt_maps_of_obj(obj, fd);
	m.routes_fd = fd[XT_MAP_ROUTES];
	m.prefixes_fd = fd[XT_MAP_PREFIXES];
	m.lens_fd = fd[XT_MAP_LENS];
	return m;
}
