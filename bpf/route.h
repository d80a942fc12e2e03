/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The route trie: inner address -> peer, both families in one trie (IPv4 as IPv4-mapped
 * IPv6, see include/xtunnel_shared.h). Serves egress routing and ingress filtering.
 */
#ifndef XT_BPF_ROUTE_H
#define XT_BPF_ROUTE_H

#include "common.h"

/* ::ffff:a.b.c.d, the form every IPv4 address takes in the maps. */
static __always_inline void xt_addr_from_ipv4(__u8 *out, __be32 addr)
{
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(out + 12, &addr, 4);
}

/* Host routes first (xt_hosts, see include/xtunnel_shared.h), then the trie. */
static __always_inline struct xt_route *xt_route_find(struct xt_route_key *key)
{
	struct xt_route *r = bpf_map_lookup_elem(&xt_hosts, key->addr);

	return r ? r : bpf_map_lookup_elem(&xt_routes, key);
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

/* WireGuard's rule (cryptokey routing): a peer may only send from its own allowed-ips. */
static __always_inline bool xt_source_allowed(const __u8 *src, __u32 peer_id)
{
	struct xt_route *r = xt_route_lookup(src);

	return r && r->peer_id == peer_id;
}

static __always_inline bool xt_source_allowed4(__be32 src, __u32 peer_id)
{
	struct xt_route *r = xt_route_lookup4(src);

	return r && r->peer_id == peer_id;
}

#endif
