/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hooks (hooks.c): every TC and XDP attach, replace, query and detach of the library. What
 * attaches where is the callers' business; how (clsact filters with libbpf, libxdp's
 * dispatcher, XDP by netlink) is this module's, so that tcx links (libbpf 1.3) can come in
 * one place. All return 0 or -errno unless said otherwise.
 */
#ifndef XT_HOOKS_H
#define XT_HOOKS_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xtunnel_shared.h"

/* Room for the map ids of one of our programs: its maps (maps.h) and its .rodata. */
#define XT_PROG_MAPS_MAX 32

/* A program's info with up to n_ids of its map ids. */
int xt_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t n_ids);
/* The program uses the map of that id: how our programs are told apart from others. */
bool xt_prog_uses_map(int prog_fd, uint32_t map_id);

/* A mount namespace of our own that our parent does not share (e.g. `ip netns exec`):
 * whatever we mount in it (libxdp's pins, a bpffs) vanishes when this command exits. */
bool xt_mount_ns_is_private(void);

/* ---- TC: filters on the clsact qdisc ---- */

/* One of our filters: the device and direction, and the priority and handle that make it
 * ours (include/xtunnel_shared.h says which handle each program has). */
struct xt_tc_filter {
	int ifindex;
	enum bpf_tc_attach_point point; /* BPF_TC_INGRESS or BPF_TC_EGRESS */
	uint32_t priority, handle;
};

/* The filter with XT_TC_PRIORITY, the priority of all but one of ours. */
static inline struct xt_tc_filter xt_tc_filter_at(int ifindex, enum bpf_tc_attach_point point,
						  uint32_t handle)
{
	struct xt_tc_filter f = { ifindex, point, XT_TC_PRIORITY, handle };

	return f;
}

/* The id of the filter's program, 0 if there is no such filter. */
uint32_t xt_tc_query(struct xt_tc_filter f);

#define XT_TC_CREATE 0x1  /* make the clsact qdisc if the device has none */
#define XT_TC_REPLACE 0x2 /* a filter already there gets the new program, atomically */
/* Attaches prog_fd as filter f. *created (may be NULL) is set when XT_TC_CREATE made the
 * qdisc. Without XT_TC_REPLACE, a filter already there is -EEXIST. */
int xt_tc_attach(struct xt_tc_filter f, int prog_fd, unsigned int flags, bool *created);
int xt_tc_detach(struct xt_tc_filter f);
/* The clsact qdisc goes if no filter is left on it, which then does nothing: so detach
 * leaves a device as attach found it. */
void xt_tc_hook_release(int ifindex);
/* The handles of the filters with that priority on the hook. */
int xt_tc_handles(int ifindex, enum bpf_tc_attach_point point, uint32_t priority, uint32_t *handles,
		  int max, int *n);

/* ---- XDP, one program per device (forward-from ports, the overlay device) ---- */

/* XDP_FLAGS_SKB_MODE or XDP_FLAGS_DRV_MODE. */
uint32_t xt_xdp_mode_flags(enum xt_xdp_mode mode);
/* The id of the XDP program on ifindex and how it is attached (*flags: its mode flag); 0 if
 * there is none. */
uint32_t xt_xdp_query(int ifindex, uint32_t *flags);
/* flags: XDP_FLAGS_* (a mode, and XDP_FLAGS_UPDATE_IF_NOEXIST to leave another's alone). */
int xt_xdp_attach(int ifindex, int prog_fd, uint32_t flags);
/* prog_fd takes the place of program old_id, only if that one is still there. */
int xt_xdp_replace(int ifindex, int prog_fd, uint32_t old_id, uint32_t flags);
/* Takes program id off ifindex, only if it is still the one there. */
int xt_xdp_detach_expected(int ifindex, uint32_t id, uint32_t flags);

/* ---- XDP on the uplink, through libxdp's dispatcher: other programs can share it ---- */

/* Attaches program prog_name of obj (opened; libxdp loads it). Where the dispatcher could
 * not outlive this command, the program is attached alone, with a warning. */
int xt_xdp_multi_attach(int ifindex, struct bpf_object *obj, const char *prog_name,
			enum xt_xdp_mode mode);
/* Ours among the programs on ifindex: the one using map map_id. */
bool xt_xdp_multi_find(int ifindex, uint32_t map_id);
int xt_xdp_multi_detach(int ifindex, uint32_t map_id);
/* Program prog_name of obj (opened, not loaded) takes the place of ours: atomically where
 * ours is attached alone, else added to the dispatcher before ours leaves it. */
int xt_xdp_multi_replace(int ifindex, uint32_t map_id, struct bpf_object *obj,
			 const char *prog_name);

#endif
