// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * reload: the overlay's programs replaced by the ones built into this library, keeping the
 * maps (peers, routes, counters) and the flows: the upgrade path. And the way back onto an
 * uplink that was deleted and made again: the same, loaded for the new device, with the
 * receive path attached anew.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpffs.h"
#include "decap.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "objects.h"
#include "overlay.h"
#include "view.h"
#include "vxlan_dev.h"

static bool same_vxlan_dev(const struct xt_config *a, const struct xt_config *b)
{
	return a->vxlan_dev && b->vxlan_dev && a->vxlan_dev_ifindex == b->vxlan_dev_ifindex;
}

/*
 * The new configuration, in ov->cfg: the uplink found again, and the GSO path chosen again.
 * The uplink is the device the programs were loaded for, or, if that one was deleted (its
 * programs went with it), the one that has its name now: the new programs are loaded with
 * its ifindex, which they redirect to. The vxlan device comes back if somebody deleted it,
 * and an overlay attached by an older version gets it.
 */
static int reload_config(struct xt_overlay *ov)
{
	char uplink[IF_NAMESIZE];
	int ifindex = xt_overlay_uplink(ov, uplink);

	if (!ifindex)
		return xt_err_input(
			-ENODEV,
			"uplink %s was deleted: make it again, then reload (nothing was "
			"changed)",
			uplink);
	memcpy(ov->uplink, uplink, IF_NAMESIZE);
	ov->cfg.uplink_ifindex = (uint32_t)ifindex;
	xt_gso_path_choose(&ov->cfg, ov->dev);
	return 0;
}

/* Decap replaced where it is, or attached where it is not: on an uplink made again, or
 * one somebody took ours off. obj: the new objects, of the overlay's kind; the XDP one is
 * opened here if XDP decap is replaced. */
static int reload_decap(struct xt_overlay *ov, struct xt_objects *obj, struct xt_decap *fresh)
{
	int uplink = (int)ov->cfg.uplink_ifindex, err;
	struct xt_tc_filter decap_tc =
		xt_tc_filter_at(uplink, BPF_TC_INGRESS, (uint32_t)ov->ifindex);

	if (xt_tc_query(decap_tc)) {
		err = xt_tc_attach(decap_tc, xt_objects_prog(obj, XT_ROLE_DECAP_TC), XT_TC_REPLACE,
				   NULL);
		if (err)
			return xt_err(err, "replacing the decap program: %s (nothing was changed)",
				      strerror(-err));
		return 0;
	}
	if (xt_xdp_multi_find(uplink, ov->map_id[XT_MAP_PEERS])) {
		err = xt_objects_open_xdp(obj, ov, &ov->cfg);
		if (!err)
			err = xt_xdp_multi_replace(uplink, ov->map_id[XT_MAP_PEERS],
						   xt_objects_xdp(obj),
						   xt_role_name(ov->mode, XT_ROLE_DECAP_XDP));
		if (err)
			return xt_err(err,
				      "replacing the XDP program on the uplink: %s (nothing was "
				      "changed)",
				      strerror(-err));
		return 0;
	}
	err = xt_decap_attach(ov, &ov->cfg, xt_objects_prog(obj, XT_ROLE_DECAP_TC), fresh);
	if (err)
		xt_decap_rollback(ov, &ov->cfg, fresh);
	return err;
}

static int reload_locked(const void *arg)
{
	const char *dev = arg;
	struct xt_objects obj = {};
	struct xt_decap fresh = {};
	struct xt_config old;
	struct xt_overlay ov;
	int err;

	err = xt_overlay_open(dev, &ov);
	if (err)
		return err;
	old = ov.cfg;
	err = reload_config(&ov);
	if (err)
		goto out;
	err = xt_objects_load_tc(&obj, &ov, &ov.cfg, true);
	if (!err)
		err = xt_overlay_bind_maps(xt_objects_prog(&obj, XT_ROLE_ENCAP), &ov);
	if (err) {
		err = xt_err(err, "loading the new programs: %s (nothing was changed)",
			     strerror(-err));
		goto out;
	}
	err = reload_decap(&ov, &obj, &fresh);
	if (err)
		goto out;
	/* A deleted uplink left xt_ports with it (a devmap drops a device that goes); the one
	 * made again takes its place, as attach put it there. */
	if (ov.cfg.forward && bpf_map_update_elem(ov.fd[XT_MAP_PORTS], &ov.cfg.uplink_ifindex,
						  &ov.cfg.uplink_ifindex, BPF_ANY)) {
		err = xt_err(-errno, "adding the uplink to xt_ports: %s (decap was replaced)",
			     strerror(errno));
		goto out;
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
	if (ov.cfg.vxlan_dev) {
		err = xt_vxlan_dev_use((int)ov.cfg.vxlan_dev_ifindex, (uint32_t)ov.ifindex,
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
	/* The pins anew (doctor's fix for missing ones): attach may have pinned into a bpffs
	 * that died with it (ip netns exec), or somebody removed them. Only a view, so a
	 * failure is a warning. */
	if (!err && xt_pins_create(ov.dev, ov.fd))
		xt_warn("the programs were replaced, but the maps could not be pinned: %s",
			xt_errmsg());
out:
	/* Of the vxlan devices before and after, the one the running encap program does not
	 * use (the new one after a failure, the old one after a success) goes, unless another
	 * overlay uses it. */
	if (err && ov.cfg.vxlan_dev && !same_vxlan_dev(&ov.cfg, &old))
		xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
				     (uint32_t)ov.ifindex);
	if (!err && old.vxlan_dev && !same_vxlan_dev(&ov.cfg, &old))
		xt_vxlan_dev_release((int)old.vxlan_dev_ifindex, old.port, (uint32_t)ov.ifindex);
	xt_decap_free(&fresh);
	xt_objects_free(&obj);
	xt_overlay_close(&ov);
	return err;
}

int xt_reload(const char *dev)
{
	return xt_run_locked(reload_locked, dev);
}
