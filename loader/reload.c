// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * reload: the overlay's programs replaced by the ones built into this library, keeping the
 * maps (peers, routes, counters) and the flows: the upgrade path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "overlay.h"
#include "view.h"
#include "objects.h"
#include "vxlan_dev.h"

static bool same_vxlan_dev(const struct xt_config *a, const struct xt_config *b)
{
	return a->vxlan_dev && b->vxlan_dev && a->vxlan_dev_ifindex == b->vxlan_dev_ifindex;
}

static int reload_locked(const void *arg)
{
	const char *dev = arg;
	struct xt_objects obj = {};
	struct xt_config cfg;
	struct xt_overlay ov;
	bool tc_rx;
	int err;

	err = xt_overlay_open(dev, &ov);
	if (err)
		return err;
	tc_rx = xt_tc_query(xt_tc_filter_at((int)ov.cfg.uplink_ifindex, BPF_TC_INGRESS,
					    (uint32_t)ov.ifindex)) != 0;
	/* The GSO path is chosen again: the vxlan device comes back if somebody deleted it,
	 * and an overlay attached by an older version gets it. */
	cfg = ov.cfg;
	xt_gso_path_choose(&cfg, ov.dev);
	err = xt_objects_load_tc(&obj, &ov, &cfg, true);
	if (!err)
		err = xt_overlay_bind_maps(xt_objects_prog(&obj, XT_ROLE_ENCAP), &ov);
	if (err) {
		err = xt_err(err, "loading the new programs: %s (nothing was changed)",
			     strerror(-err));
		goto out;
	}
	if (!tc_rx) {
		err = xt_objects_open_xdp(&obj, &ov, &cfg);
		if (!err)
			err = xt_xdp_multi_replace((int)ov.cfg.uplink_ifindex,
						   ov.map_id[XT_MAP_PEERS], xt_objects_xdp(&obj),
						   xt_role_name(ov.mode, XT_ROLE_DECAP_XDP));
		if (err) {
			err = xt_err(err,
				     "replacing the XDP program on the uplink: %s (nothing was "
				     "changed)",
				     strerror(-err));
			goto out;
		}
	} else {
		err = xt_tc_attach(xt_tc_filter_at((int)ov.cfg.uplink_ifindex, BPF_TC_INGRESS,
						   (uint32_t)ov.ifindex),
				   xt_objects_prog(&obj, XT_ROLE_DECAP_TC), XT_TC_REPLACE, NULL);
		if (err) {
			err = xt_err(err, "replacing the decap program: %s (nothing was changed)",
				     strerror(-err));
			goto out;
		}
	}
	err = xt_fwd_reload(&ov);
	if (err) {
		err = xt_err(err, "replacing the forward programs: %s (decap was replaced)",
			     strerror(-err));
		goto out;
	}
	if (xt_needs_segment_path(&ov.cfg)) {
		err = xt_tc_attach(xt_tc_filter_at((int)ov.cfg.overlay_peer_ifindex, BPF_TC_INGRESS,
						   XT_TC_HANDLE),
				   xt_objects_prog(&obj, XT_ROLE_ENCAP_SEG), XT_TC_REPLACE, NULL);
		if (err) {
			err = xt_err(err,
				     "replacing the segment encap program: %s (decap was replaced)",
				     strerror(-err));
			goto out;
		}
	}
	if (cfg.vxlan_dev) {
		err = xt_vxlan_dev_use((int)cfg.vxlan_dev_ifindex, (uint32_t)ov.ifindex,
				       xt_objects_prog(&obj, XT_ROLE_SOCK_DROP));
		if (err) {
			err = xt_err(err,
				     "attaching the drop filter to the vxlan device: %s (decap was "
				     "replaced)",
				     strerror(-err));
			goto out;
		}
	}
	/* Encap last: if it fails, the new decap program already runs on the same maps, and
	 * the old encap program keeps working. */
	err = xt_tc_attach(xt_tc_filter_at(ov.ifindex, BPF_TC_EGRESS, XT_TC_HANDLE),
			   xt_objects_prog(&obj, XT_ROLE_ENCAP), XT_TC_REPLACE, NULL);
	if (err)
		err = xt_err(err, "replacing the encap program: %s (decap was replaced)",
			     strerror(-err));
out:
	/* Of the vxlan devices before and after, the one the running encap program does not
	 * use (the new one after a failure, the old one after a success) goes, unless another
	 * overlay uses it. */
	if (err && cfg.vxlan_dev && !same_vxlan_dev(&cfg, &ov.cfg))
		xt_vxlan_dev_release((int)cfg.vxlan_dev_ifindex, cfg.port, (uint32_t)ov.ifindex);
	if (!err && ov.cfg.vxlan_dev && !same_vxlan_dev(&cfg, &ov.cfg))
		xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
				     (uint32_t)ov.ifindex);
	xt_objects_free(&obj);
	xt_overlay_close(&ov);
	return err;
}

int xt_reload(const char *dev)
{
	return xt_run_locked(reload_locked, dev);
}
