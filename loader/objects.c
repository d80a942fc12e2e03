// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The BPF objects of an overlay, of its kind (objects.h). */
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "dev.h"
#include "objects.h"
#include "xt_l2.skel.h"
#include "xt_l2_xdp.skel.h"
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"

static const char *const role_names[XT_MODE_COUNT][XT_ROLE_COUNT] = {
	[XT_MODE_L3] = { "xt_encap", "xt_encap_seg", "xt_decap_tc", "xt_sock_drop", "xt_decap_xdp",
			 "xt_pass" },
	[XT_MODE_L2] = { "xt_l2_encap", "xt_l2_encap_seg", "xt_l2_decap_tc", "xt_sock_drop",
			 "xt_l2_decap_xdp", "xt_pass" },
};

const char *xt_role_name(enum xt_mode mode, enum xt_role role)
{
	return role_names[mode][role];
}

struct bpf_object *xt_objects_tc(const struct xt_objects *o)
{
	if (o->mode == XT_MODE_L2)
		return o->l2 ? o->l2->obj : NULL;
	return o->tc ? o->tc->obj : NULL;
}

struct bpf_object *xt_objects_xdp(const struct xt_objects *o)
{
	if (o->mode == XT_MODE_L2)
		return o->l2_xdp ? o->l2_xdp->obj : NULL;
	return o->xdp ? o->xdp->obj : NULL;
}

/* New maps, sized as the overlay asks. The L2 tables keep their defaults. */
static void maps_size(struct bpf_object *obj, const struct xt_config *cfg)
{
	static const char *const by_peers[] = { "xt_peers", "xt_peer_stats", "xt_peer_drops",
						"xt_l2_peers", "xt_l2_learned" };
	static const char *const by_routes[] = { "xt_routes", "xt_prefixes" };
	struct bpf_map *map;
	size_t i;

	for (i = 0; i < sizeof(by_peers) / sizeof(by_peers[0]); i++)
		if ((map = bpf_object__find_map_by_name(obj, by_peers[i])))
			bpf_map__set_max_entries(map, cfg->max_peers);
	for (i = 0; i < sizeof(by_routes) / sizeof(by_routes[0]); i++)
		if ((map = bpf_object__find_map_by_name(obj, by_routes[i])))
			bpf_map__set_max_entries(map, cfg->max_routes);
}

int xt_objects_load_tc(struct xt_objects *o, const struct xt_overlay *ov,
		       const struct xt_config *cfg, bool reuse)
{
	struct bpf_object *obj;
	int err;

	o->mode = ov->mode;
	if (ov->mode == XT_MODE_L2) {
		o->l2 = xt_l2_bpf__open();
		if (!o->l2)
			return -errno;
		o->l2->rodata->xt_cfg = *cfg;
		o->l2->rodata->xt_l2_cfg = ov->l2;
		memcpy(o->l2->rodata->xt_uplink_name, ov->uplink, IF_NAMESIZE);
	} else {
		o->tc = xt_tc_bpf__open();
		if (!o->tc)
			return -errno;
		o->tc->rodata->xt_cfg = *cfg;
		memcpy(o->tc->rodata->xt_uplink_name, ov->uplink, IF_NAMESIZE);
	}
	obj = xt_objects_tc(o);
	err = reuse ? xt_reuse_maps(obj, ov) : 0;
	if (!reuse)
		maps_size(obj, cfg);
	if (!err)
		err = ov->mode == XT_MODE_L2 ? xt_l2_bpf__load(o->l2) : xt_tc_bpf__load(o->tc);
	return err;
}

int xt_objects_open_xdp(struct xt_objects *o, const struct xt_overlay *ov,
			const struct xt_config *cfg)
{
	int err;

	o->mode = ov->mode;
	if (ov->mode != XT_MODE_L2)
		return xt_overlay_xdp_object(ov, cfg, &o->xdp);
	o->l2_xdp = xt_l2_xdp_bpf__open();
	if (!o->l2_xdp)
		return -errno;
	o->l2_xdp->rodata->xt_cfg = *cfg;
	o->l2_xdp->rodata->xt_l2_cfg = ov->l2;
	memcpy(o->l2_xdp->rodata->xt_uplink_name, ov->uplink, IF_NAMESIZE);
	/* As xt_overlay_xdp_object: the uplink's MAC, read each time. */
	err = xt_dev_mac_of(cfg->uplink_ifindex, o->l2_xdp->rodata->xt_uplink_mac);
	return err ? err : xt_reuse_maps(o->l2_xdp->obj, ov);
}

int xt_objects_prog(const struct xt_objects *o, enum xt_role role)
{
	struct bpf_object *obj = role >= XT_ROLE_DECAP_XDP ? xt_objects_xdp(o) : xt_objects_tc(o);
	struct bpf_program *p;

	p = obj ? bpf_object__find_program_by_name(obj, role_names[o->mode][role]) : NULL;
	return p ? bpf_program__fd(p) : -ENOENT;
}

void xt_objects_free(struct xt_objects *o)
{
	xt_xdp_bpf__destroy(o->xdp);
	xt_tc_bpf__destroy(o->tc);
	xt_l2_xdp_bpf__destroy(o->l2_xdp);
	xt_l2_bpf__destroy(o->l2);
	memset(o, 0, sizeof(*o));
}
