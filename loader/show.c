// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * show: an overlay's state read from its configuration, its maps and its devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "bpffs.h"
#include "counters.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "overlay.h"
#include "vxlan_dev.h"

static void rx_describe(const struct xt_overlay *ov, struct xt_overlay_info *info)
{
	char uplink[IF_NAMESIZE] = "?", driver[32] = "?";
	int ifindex = (int)ov->cfg.uplink_ifindex;

	if_indextoname((unsigned int)ifindex, uplink);
	xt_dev_driver(uplink, driver, sizeof(driver));
	info->rx_request = (enum xt_rx_mode)ov->cfg.rx_request;
	if (xt_tc_query(xt_tc_filter_at(ifindex, BPF_TC_INGRESS, (uint32_t)ov->ifindex))) {
		info->rx = XT_RX_TC;
	} else if (xt_xdp_multi_find(ifindex, ov->map_id[XT_MAP_PEERS])) {
		info->rx = XT_RX_XDP;
	} else {
		info->rx = XT_RX_AUTO;
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "no decap program on the uplink: detach and attach again");
		return;
	}
	if (info->rx_request != XT_RX_AUTO)
		snprintf(info->rx_reason, sizeof(info->rx_reason), "requested");
	else if (info->rx == XT_RX_TC && !strcmp(driver, "veth"))
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "auto: veth uplink, TC keeps checksum and GSO state");
	else if (info->rx == XT_RX_TC)
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "auto: no native XDP on driver %s", driver);
	else
		snprintf(info->rx_reason, sizeof(info->rx_reason), "auto: native XDP on driver %s",
			 driver);
}

/* Each route to its peer's list, through an index by peer id: one pass over the routes. */
static int routes_of_peers(const struct xt_overlay *ov, struct xt_overlay_info *info)
{
	uint32_t max = ov->cfg.max_peers;
	struct xt_route_key key, next;
	struct xt_route route;
	void *prev = NULL;
	int *by_id = malloc((max ? max : 1) * sizeof(*by_id)), i, err = 0;

	if (!by_id)
		return -ENOMEM;
	for (i = 0; i < (int)max; i++)
		by_id[i] = -1;
	for (i = 0; i < info->n_peers; i++)
		if (info->peers[i].id < max && by_id[info->peers[i].id] < 0)
			by_id[info->peers[i].id] = i;
	info->n_routes = 0;
	while (!bpf_map_get_next_key(ov->fd[XT_MAP_ROUTES], prev, &next)) {
		struct xt_peer_info *p;
		struct xt_prefix *grown;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ov->fd[XT_MAP_ROUTES], &key, &route))
			continue;
		info->n_routes++;
		if (route.peer_id >= max || by_id[route.peer_id] < 0)
			continue;
		p = &info->peers[by_id[route.peer_id]];
		/* Grown by doubling: a peer may have thousands of prefixes. */
		if (!(p->n_allowed & (p->n_allowed - 1))) {
			grown = realloc(p->allowed, (size_t)(p->n_allowed ? p->n_allowed * 2 : 1) *
							    sizeof(*grown));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			p->allowed = grown;
		}
		xt_prefix_from_key(&p->allowed[p->n_allowed++], key.prefixlen, key.addr);
	}
	free(by_id);
	return err;
}

static int peer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xt_peer_info *)a)->name,
		      ((const struct xt_peer_info *)b)->name);
}

static int overlay_info(const struct xt_overlay *ov, struct xt_overlay_info *info)
{
	struct xt_peer_key key, next;
	struct xt_peer peer;
	char pin_dir[256], path[300];
	void *prev = NULL;
	int cap = 0;

	snprintf(info->dev, sizeof(info->dev), "%s", ov->dev);
	if (!if_indextoname(ov->cfg.uplink_ifindex, info->uplink))
		snprintf(info->uplink, sizeof(info->uplink), "(gone)");
	info->encap = (enum xt_encap)ov->cfg.encap;
	info->vni = ov->cfg.vni;
	info->port = ov->cfg.port;
	info->has_key = ov->cfg.has_key;
	info->key = ov->cfg.key;
	xt_ip_from_bytes(&info->local, ov->cfg.local);
	xt_dev_mtu(ov->dev, &info->mtu);
	info->xdp_mode = (enum xt_xdp_mode)ov->cfg.xdp_mode;
	info->max_peers = ov->cfg.max_peers;
	info->max_routes = ov->cfg.max_routes;
	rx_describe(ov, info);
	xt_gso_path_describe(&ov->cfg, info);
	xt_fwd_port_names(ov, info->forward_from, XT_MAX_FWD_PORTS, &info->n_forward);
	if (!xt_pin_dir(ov->dev, pin_dir, sizeof(pin_dir), false)) {
		snprintf(path, sizeof(path), "%s/peers", pin_dir);
		if (!access(path, F_OK))
			snprintf(info->pin_dir, sizeof(info->pin_dir), "%s", pin_dir);
	}
	xt_reasons_read(ov->fd[XT_MAP_REASONS], info->reasons);

	while (!bpf_map_get_next_key(ov->fd[XT_MAP_PEERS], prev, &next)) {
		struct xt_peer_info *p;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ov->fd[XT_MAP_PEERS], &key, &peer))
			continue;
		if (info->n_peers == cap) {
			void *grown;

			cap = cap ? cap * 2 : 8;
			grown = realloc(info->peers, (size_t)cap * sizeof(*info->peers));
			if (!grown)
				return -ENOMEM;
			info->peers = grown;
		}
		p = &info->peers[info->n_peers++];
		memset(p, 0, sizeof(*p));
		memcpy(p->name, peer.name, sizeof(p->name));
		p->name[sizeof(p->name) - 1] = '\0';
		p->id = peer.id;
		xt_ip_from_bytes(&p->endpoint, key.endpoint);
		p->port = peer.port;
		xt_peer_stats_read(ov->fd[XT_MAP_PEER_STATS], peer.id, &p->stats);
	}
	if (routes_of_peers(ov, info))
		return -ENOMEM;
	if (info->n_peers)
		qsort(info->peers, (size_t)info->n_peers, sizeof(*info->peers), peer_cmp);
	return 0;
}

int xt_show(const char *dev, struct xt_overlay_info **out, int *n)
{
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	struct xt_overlay_info *ovs;
	struct xt_overlay ov;
	int count = 1, i, err;

	xt_libs_quiet();
	if (!dev) {
		err = xt_overlay_names(names, XT_MAX_OVERLAYS, &count, true);
		if (err)
			return err;
	} else {
		snprintf(names[0], IF_NAMESIZE, "%s", dev);
	}
	ovs = calloc((size_t)(count ? count : 1), sizeof(*ovs));
	if (!ovs)
		return xt_err(-ENOMEM, "out of memory");
	for (i = 0; i < count; i++) {
		err = xt_overlay_open(names[i], &ov);
		if (!err) {
			err = overlay_info(&ov, &ovs[i]);
			xt_overlay_close(&ov);
			if (err)
				xt_err(err, "reading overlay %s: %s", names[i], strerror(-err));
		}
		if (err) {
			xt_overlays_free(ovs, i + 1);
			return err;
		}
	}
	*out = ovs;
	*n = count;
	return 0;
}

void xt_overlays_free(struct xt_overlay_info *ovs, int n)
{
	int i, j;

	if (!ovs)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < ovs[i].n_peers; j++)
			free(ovs[i].peers[j].allowed);
		free(ovs[i].peers);
	}
	free(ovs);
}
