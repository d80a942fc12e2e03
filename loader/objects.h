/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF objects of an overlay, of its kind (objects.c): an L3 overlay's (bpf/xt_tc.bpf.c,
 * bpf/xt_xdp.bpf.c) or an L2 overlay's (bpf/xt_l2.bpf.c, bpf/xt_l2_xdp.bpf.c). attach and
 * reload open and load them here and find their programs by role, so that what they then
 * put on the hooks is the same code for both kinds.
 */
#ifndef XT_OBJECTS_H
#define XT_OBJECTS_H

#include "overlay.h"

struct xt_l2_bpf;
struct xt_l2_xdp_bpf;

/* What a program does, whichever kind's it is. */
enum xt_role {
	XT_ROLE_ENCAP,	   /* TC egress of the overlay device */
	XT_ROLE_ENCAP_SEG, /* TC ingress of the hidden end (the segment path) */
	XT_ROLE_DECAP_TC,  /* TC ingress of the uplink */
	XT_ROLE_SOCK_DROP, /* TC ingress of the kernel's vxlan device */
	XT_ROLE_DECAP_XDP, /* XDP on the uplink */
	XT_ROLE_PASS,	   /* XDP on the overlay device */
	XT_ROLE_COUNT,
};

/* One kind's skeletons: tc and xdp, or l2 and l2_xdp. */
struct xt_objects {
	enum xt_mode mode;
	struct xt_tc_bpf *tc;
	struct xt_xdp_bpf *xdp;
	struct xt_l2_bpf *l2;
	struct xt_l2_xdp_bpf *l2_xdp;
};

/* The name of the program of that role in the objects of that kind. */
const char *xt_role_name(enum xt_mode mode, enum xt_role role);

/*
 * The TC object of ov's kind, configured with cfg (and ov->l2 for an L2 overlay), opened and
 * loaded. With ov's maps if reuse (reload), else maps of its own sized from cfg and max_fdb
 * (attach, whose ov then gets them: xt_overlay_of_object).
 */
int xt_objects_load_tc(struct xt_objects *o, const struct xt_overlay *ov,
		       const struct xt_config *cfg, bool reuse);
/* The XDP object of ov's kind, configured with cfg, sharing ov's maps: opened, not loaded
 * (libxdp loads it). */
int xt_objects_open_xdp(struct xt_objects *o, const struct xt_overlay *ov,
			const struct xt_config *cfg);
struct bpf_object *xt_objects_tc(const struct xt_objects *o);
struct bpf_object *xt_objects_xdp(const struct xt_objects *o);
/* The fd of the loaded program of that role (-ENOENT if its object is not loaded). */
int xt_objects_prog(const struct xt_objects *o, enum xt_role role);
void xt_objects_free(struct xt_objects *o);

#endif
