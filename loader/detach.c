// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * detach: everything attach made goes, and what an overlay deleted behind our back left on
 * its uplink, its forward-from ports and the vxlan device (its orphans).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "bpffs.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "netlink.h"
#include "overlay.h"
#include "view.h"
#include "vxlan_dev.h"

/* The decap filter of the overlay with ifindex `overlay` off the uplink's ingress, and the
 * clsact with it if it was the last filter there. */
static int decap_tc_detach(int uplink, uint32_t overlay)
{
	int err = xt_tc_detach(xt_tc_filter_at(uplink, BPF_TC_INGRESS, overlay));

	xt_tc_hook_release(uplink);
	return err;
}

/*
 * The overlay device was deleted behind our back (ip link del): its encap program went
 * with it, but the decap program (an L3 or an L2 overlay's) stays on the uplink. Find such orphans
 * among all loaded programs by name, read their configuration, and remove those attached here whose
 * overlay device no longer exists. Program ids are global, ifindexes are per namespace:
 * a program counts only if the query on this namespace's uplink returns that very id.
 */
static int detach_orphans(int *removed)
{
	uint32_t id = 0;

	*removed = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		struct xt_overlay ov;
		uint32_t map_ids[XT_PROG_MAPS_MAX], i, flags;
		int fd = bpf_prog_get_fd_by_id(id), uplink;
		bool decap_tc, decap_xdp;

		if (fd < 0)
			continue;
		xt_overlay_init(&ov);
		if (xt_prog_info(fd, &info, map_ids, XT_PROG_MAPS_MAX))
			goto next;
		decap_tc =
			!strcmp(info.name, "xt_decap_tc") || !strcmp(info.name, "xt_l2_decap_tc");
		decap_xdp =
			!strcmp(info.name, "xt_decap_xdp") || !strcmp(info.name, "xt_l2_decap_xdp");
		if (!decap_tc && !decap_xdp && strcmp(info.name, "xt_fwd_xdp") &&
		    strcmp(info.name, "xt_sock_drop"))
			goto next;
		for (i = 0; i < info.nr_map_ids && i < XT_PROG_MAPS_MAX; i++) {
			struct bpf_map_info minfo = {};
			uint32_t len = sizeof(minfo);
			int mfd = bpf_map_get_fd_by_id(map_ids[i]);
			bool same;

			if (mfd < 0)
				continue;
			if (!bpf_obj_get_info_by_fd(mfd, &minfo, &len)) {
				/* Any version's: what it says is checked against the uplink below.
				 */
				if (xt_map_is_rodata(minfo.name))
					xt_config_read(mfd, &minfo, &ov.cfg, NULL, &same);
				if (xt_map_named(minfo.name) == XT_MAP_PEERS)
					ov.map_id[XT_MAP_PEERS] = minfo.id;
			}
			close(mfd);
		}
		uplink = (int)ov.cfg.uplink_ifindex;
		if (!uplink || !ov.cfg.overlay_ifindex) /* no config read: not ours to judge */
			goto next;
		{
			char name[IF_NAMESIZE];

			if (if_indextoname(ov.cfg.overlay_ifindex, name))
				goto next; /* the overlay is alive */
		}
		if (!strcmp(info.name, "xt_fwd_xdp")) {
			*removed += xt_fwd_detach_prog(id);
		} else if (!strcmp(info.name, "xt_sock_drop") &&
			   xt_tc_query(xt_tc_filter_at((int)ov.cfg.vxlan_dev_ifindex,
						       BPF_TC_INGRESS, ov.cfg.overlay_ifindex)) ==
				   id) {
			xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
					     ov.cfg.overlay_ifindex);
			(*removed)++;
		} else if (decap_tc && xt_tc_query(xt_tc_filter_at(uplink, BPF_TC_INGRESS,
								   ov.cfg.overlay_ifindex)) == id) {
			if (!decap_tc_detach(uplink, ov.cfg.overlay_ifindex))
				(*removed)++;
		} else if (decap_xdp && xt_xdp_query(uplink, &flags)) {
			if (xt_xdp_multi_detach(uplink, ov.map_id[XT_MAP_PEERS]) == 0)
				(*removed)++;
		}
	next:
		close(fd);
	}
	return 0;
}

static int detach_locked(const void *arg)
{
	const char *dev = arg;
	struct xt_overlay ov;
	int uplink, err;

	err = xt_overlay_open(dev, &ov);
	if (err == -EPROTO && dev) {
		/* Another version's overlay: its device goes, and what it left on the uplink
		 * and the ports is then cleaned up as an orphan's. */
		int e = xt_nl_link_del((int)if_nametoindex(dev));

		if (e && e != -ENODEV)
			return xt_err(e, "deleting device %s: %s", dev, strerror(-e));
	}
	if (err && dev && !if_nametoindex(dev)) {
		int removed;

		/* Gone behind our back: clean up what it left on the uplink and in bpffs. */
		detach_orphans(&removed);
		xt_pins_remove(dev);
		if (err == -EPROTO) {
			xt_warn("%s was attached by another version of xtunnel: deleted it, and "
				"removed %d program(s) it left on its uplink and forward-from "
				"ports",
				dev, removed);
			return 0;
		}
		if (removed) {
			xt_warn("%s was already deleted; removed %d program(s) it left on its "
				"uplink and forward-from ports",
				dev, removed);
			return 0;
		}
		return err;
	}
	if (err)
		return err;
	uplink = (int)ov.cfg.uplink_ifindex;
	if (xt_tc_query(xt_tc_filter_at(uplink, BPF_TC_INGRESS, (uint32_t)ov.ifindex)))
		decap_tc_detach(uplink, (uint32_t)ov.ifindex);
	err = xt_xdp_multi_detach(uplink, ov.map_id[XT_MAP_PEERS]);
	if (err)
		xt_warn("detaching XDP from uplink ifindex %d: %s", uplink, strerror(-err));
	xt_fwd_detach(&ov); /* warns itself */
	if (ov.cfg.vxlan_dev)
		xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
				     (uint32_t)ov.ifindex);
	err = xt_nl_link_del(ov.ifindex);
	if (err && err != -ENODEV) {
		xt_overlay_close(&ov);
		return xt_err(err, "deleting device %s: %s", ov.dev, strerror(-err));
	}
	xt_pins_remove(ov.dev);
	xt_overlay_close(&ov);
	return 0;
}

int xt_detach(const char *dev)
{
	/* Before anything: a name that is not a device's must not reach the pin paths. */
	int err = xt_dev_name_check("device", dev);

	if (err)
		return err;
	return xt_run_locked(detach_locked, dev);
}
