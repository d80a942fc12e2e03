/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Routes: inner address -> peer, both families in one table (IPv4 as IPv4-mapped IPv6, see
 * include/xtunnel_shared.h). Serves egress routing and ingress filtering.
 */
#ifndef XT_BPF_ROUTE_H
#define XT_BPF_ROUTE_H

#include "common.h"

/* The routes: the trie, and the hash and lists of lengths that index it (see
 * include/xtunnel_shared.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XT_DEFAULT_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xt_route_key);
	__type(value, struct xt_route);
} xt_routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XT_DEFAULT_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xt_route_key);
	__type(value, struct xt_route);
} xt_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xt_lens);
} xt_lens SEC(".maps");

/* The key xt_prefixes holds a prefix of len bits of addr under: the rest of it zero. */
static __always_inline void xt_prefix_key(struct xt_route_key *k, const __u32 *addr, __u32 len)
{
	__u32 *out = (__u32 *)k->addr;
	int i;

	k->prefixlen = len;
	for (i = 0; i < XT_ADDR_LEN / 4; i++) {
		__u32 bits = len > 32 * i ? len - 32 * i : 0;

		if (bits >= 32)
			out[i] = addr[i];
		else if (bits == 0)
			out[i] = 0;
		else
			out[i] = addr[i] & bpf_htonl(~0u << (32 - bits));
	}
}

/* The longest match for key->addr: one exact lookup per prefix length in use, longest
 * first (xt_prefixes, see include/xtunnel_shared.h); the trie when too many are in use. */
static __always_inline struct xt_route *xt_route_find(struct xt_route_key *key)
{
	struct xt_len_list *list;
	struct xt_route_key k;
	struct xt_lens *lens;
	struct xt_route *r;
	__u32 zero = 0, n, i;

	lens = bpf_map_lookup_elem(&xt_lens, &zero);
	if (!lens)
		return NULL;
	list = &lens->list[lens->cur & 1];
	n = list->n;
	if (n > XT_MAX_LENS)
		return bpf_map_lookup_elem(&xt_routes, key);
	for (i = 0; i < XT_MAX_LENS && i < n; i++) {
		xt_prefix_key(&k, (const __u32 *)key->addr, list->len[i]);
		r = bpf_map_lookup_elem(&xt_prefixes, &k);
		if (r)
			return r;
	}
	return NULL;
}

static __always_inline struct xt_route *xt_route_lookup(const __u8 *addr)
{
	struct xt_route_key key = { .prefixlen = 128 };

	__builtin_memcpy(key.addr, addr, XT_ADDR_LEN);
	return xt_route_find(&key);
}

static __always_inline struct xt_route *xt_route_lookup4(__be32 addr)
{
	struct xt_route_key key = { .prefixlen = 128 };

	xt_addr_from_ipv4(key.addr, addr);
	return xt_route_find(&key);
}

/* Whether src is one of peer peer_id's allowed-ips (a neighbour advertisement's target). */
static __always_inline bool xt_source_allowed(const __u8 *src, __u32 peer_id)
{
	struct xt_route *r = xt_route_lookup(src);

	return r && r->peer_id == peer_id;
}

#endif
