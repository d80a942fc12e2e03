/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The route trie: inner IPv4 address -> peer. Serves egress routing and ingress filtering. */
#ifndef XT_BPF_ROUTE_H
#define XT_BPF_ROUTE_H

#include "common.h"

static __always_inline struct xt_route *xt_route_lookup(__be32 addr)
{
	struct xt_route_key key = { .prefixlen = 32 };

	__builtin_memcpy(key.addr, &addr, sizeof(addr));
	return bpf_map_lookup_elem(&xt_routes, &key);
}

/* WireGuard's rule (cryptokey routing): a peer may only send from its own allowed-ips. */
static __always_inline bool xt_source_allowed(__be32 src, __u32 peer_id)
{
	struct xt_route *r = xt_route_lookup(src);

	return r && r->peer_id == peer_id;
}

#endif
