/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The route table (routes.c): the trie, its index by length and the lengths in use. Every
 * route is written and removed through these; put_batch takes new prefixes only. The
 * tests, tools and bench write routes through them too, as the loader does.
 */
#ifndef XT_ROUTES_H
#define XT_ROUTES_H

#include <stdint.h>
#include "xtunnel_shared.h"

struct bpf_object;

struct xt_route_maps {
	int routes_fd, prefixes_fd, lens_fd;
};
int xt_route_put(const struct xt_route_maps *m, const struct xt_route_key *k,
		 const struct xt_route *val, uint64_t flags);
int xt_route_del(const struct xt_route_maps *m, const struct xt_route_key *k);
int xt_route_put_batch(const struct xt_route_maps *m, const struct xt_route_key *keys,
		       const struct xt_route *vals, uint32_t n);

/* Waits for an RCU grace period before a list of prefix lengths is rewritten; 0, or -errno
 * if the kernel cannot (routes.c says what happens then). A variable so that the tests can
 * take the path of a kernel that cannot. */
extern int (*xt_lens_grace_period)(void);

/* The route maps of a loaded object (a skeleton's obj), found by name. */
struct xt_route_maps xt_route_maps_of_obj(const struct bpf_object *obj);

#endif
