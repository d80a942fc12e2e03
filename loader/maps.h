/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The maps of an overlay, in one list (maps.c): discovery, the check that an overlay is
 * whole, pinning, reuse by a second object and closing all go by it.
 *
 * X(ID, name, key, value, kinds): XT_MAP_ID; "xt_" name in the BPF objects (bpf/common.h,
 * route.h, fwd.h, l2.h), name as the pin under the overlay's pin directory; the key and
 * value types this build reads and writes it with (a map of other sizes is another
 * version's: a lookup copies value_size bytes, whatever the struct it is read into); and the
 * kinds of overlay (enum xt_mode) that have it: XT_KINDS_L3, XT_KINDS_L2 or both. An overlay
 * is whole when it has every map of its kind; the others' fds stay -1.
 */
#ifndef XT_MAPS_H
#define XT_MAPS_H

#include <stdint.h>
#include "xtunnel_l2.h"
#include "xtunnel_shared.h"

struct bpf_object;

#define XT_KINDS_L3 0x1u /* 1 << XT_MODE_L3 */
#define XT_KINDS_L2 0x2u /* 1 << XT_MODE_L2 */
#define XT_KINDS_ANY (XT_KINDS_L3 | XT_KINDS_L2)
#define XT_KINDS_OF(mode) (1u << (mode))

/* What a ring buffer has of a key and a value: nothing (sizeof is 0, a GNU C extension). */
struct xt_no_data {
};

#define XT_MAPS(X)                                                                                 \
	X(PEERS, peers, struct xt_peer_key, struct xt_peer, XT_KINDS_ANY)                          \
	X(ROUTES, routes, struct xt_route_key, struct xt_route, XT_KINDS_L3)                       \
	X(PREFIXES, prefixes, struct xt_route_key, struct xt_route, XT_KINDS_L3)                   \
	X(LENS, lens, __u32, struct xt_lens, XT_KINDS_L3)                                          \
	X(PEER_STATS, peer_stats, __u32, struct xt_peer_stats, XT_KINDS_ANY) /* per CPU */         \
	X(REASONS, reasons, __u32, __u64, XT_KINDS_ANY)			     /* per CPU */         \
	X(PORTS, ports, __u32, __u32, XT_KINDS_L3)                                                 \
	X(PEER_DROPS, peer_drops, __u32, struct xt_peer_drops, XT_KINDS_ANY) /* per CPU */         \
	X(TRACE, trace, __u32, struct xt_trace_cfg, XT_KINDS_ANY)                                  \
	X(TRACE_CPU, trace_cpu, __u32, struct xt_trace_cpu, XT_KINDS_ANY)     /* per CPU */        \
	X(EVENTS, events, struct xt_no_data, struct xt_no_data, XT_KINDS_ANY) /* ring buffer */    \
	X(FDB, fdb, struct xt_fdb_key, struct xt_fdb, XT_KINDS_L2)                                 \
	X(NEIGH, neigh, struct xt_neigh_key, struct xt_neigh, XT_KINDS_L2)                         \
	X(L2_PEERS, l2_peers, __u32, struct xt_l2_peer, XT_KINDS_L2)                               \
	X(L2_LEARNED, l2_learned, __u32, struct xt_l2_learned, XT_KINDS_L2)                        \
	X(FLOOD, flood, __u32, struct xt_flood, XT_KINDS_L2)                                       \
	X(L2_STATE, l2_state, __u32, struct xt_l2_state, XT_KINDS_L2)

/* clang-format off */
enum xt_map {
#define XT_MAP_ENUM(id, name, key, value, kinds) XT_MAP_##id,
	XT_MAPS(XT_MAP_ENUM)
#undef XT_MAP_ENUM
	XT_MAP_COUNT
};
/* clang-format on */

struct xt_map_desc {
	const char *name; /* in the BPF objects */
	const char *pin;  /* under the pin directory */
	uint32_t key_size, value_size;
	unsigned int kinds; /* XT_KINDS_* */
};

extern const struct xt_map_desc xt_maps[XT_MAP_COUNT];

/* The map of that name in the BPF objects: its XT_MAP_*, or -1. */
int xt_map_named(const char *name);
/* Every fd -1: no map. */
void xt_maps_init(int fd[XT_MAP_COUNT]);
/* Closes those that are open, and makes them -1. */
void xt_maps_close(int fd[XT_MAP_COUNT]);
/* The fds of obj's maps (loaded), not owned; -1 for a map obj lacks. */
void xt_maps_of_obj(const struct bpf_object *obj, int fd[XT_MAP_COUNT]);
/* Each map of obj (opened, not loaded) takes the fd of that name: obj then shares them.
 * -ENOENT if obj has a map that fd lacks. */
int xt_maps_reuse(struct bpf_object *obj, const int fd[XT_MAP_COUNT]);
/* The kernel's id of each map there is (0 for the others). */
int xt_maps_ids(const int fd[XT_MAP_COUNT], uint32_t id[XT_MAP_COUNT]);

#endif
