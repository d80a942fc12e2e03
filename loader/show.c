// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * show: an overlay's state read from its configuration, its maps and its devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "bpffs.h"
#include "counters.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "l2.h"
#include "lock.h"
#include "netlink.h"
#include "overlay.h"
#include "privileges.h"
#include "vxlan_dev.h"

static void rx_describe(const struct xt_overlay *ov, struct xt_overlay_state *info)
{
	char uplink[IF_NAMESIZE] = "?", driver[32] = "?";
	int ifindex = (int)ov->cfg.uplink_ifindex;

	if_indextoname((unsigned int)ifindex, uplink);
	xt_dev_driver(uplink, driver, sizeof(driver));
	if (info->uplink != XT_UPLINK_OK) {
		info->rx = XT_RX_AUTO;
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "no decap program: the uplink was deleted%s",
			 info->uplink == XT_UPLINK_GONE ? "" : "; 'xtunnel reload' attaches one");
		return;
	}
	if (xt_tc_query(xt_tc_filter_at(ifindex, BPF_TC_INGRESS, (uint32_t)ov->ifindex))) {
		info->rx = XT_RX_TC;
	} else if (xt_xdp_multi_find(ifindex, ov->map_id[XT_MAP_PEERS])) {
		info->rx = XT_RX_XDP;
	} else {
		info->rx = XT_RX_AUTO;
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "no decap program on the uplink: 'xtunnel reload' attaches one");
		return;
	}
	if (info->spec.rx != XT_RX_AUTO)
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
static int routes_of_peers(const struct xt_overlay *ov, struct xt_overlay_state *info)
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
		struct xt_prefix prefix;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ov->fd[XT_MAP_ROUTES], &key, &route))
			continue;
		info->n_routes++;
		if (route.peer_id >= max || by_id[route.peer_id] < 0)
			continue;
		xt_prefix_from_key(&prefix, key.prefixlen, key.addr);
		err = xt_peer_spec_allow(&info->peers[by_id[route.peer_id]].spec, &prefix);
		if (err)
			break;
	}
	free(by_id);
	return err;
}

static int peer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xt_peer_state *)a)->spec.name,
		      ((const struct xt_peer_state *)b)->spec.name);
}

/* The settings of ov as they are, every one that the overlay has (see struct
 * xt_overlay_spec), and what became of its uplink. */
static int overlay_spec(const struct xt_overlay *ov, struct xt_overlay_spec *spec,
			enum xt_uplink_state *uplink)
{
	struct xt_prefix *addrs;
	int ifindex, n, i, err;

	memcpy(spec->dev, ov->dev, sizeof(spec->dev));
	spec->has = XT_OV_ENCAP | XT_OV_LOCAL | XT_OV_ADDRS | XT_OV_MTU | XT_OV_RX |
		    XT_OV_XDP_MODE | XT_OV_MAX_PEERS | XT_OV_MODE | XT_OV_MAC;
	spec->mode = ov->mode;
	if (ov->mode == XT_MODE_L2) {
		spec->has |= XT_OV_MAX_MACS | XT_OV_AGEING;
		spec->max_macs = ov->l2.max_macs;
		spec->ageing = (uint32_t)(ov->l2.ageing_ns / 1000000000ull);
	} else {
		spec->has |= XT_OV_MAX_ROUTES | XT_OV_FORWARD_FROM;
	}
	xt_dev_mac(ov->dev, spec->mac);
	ifindex = xt_overlay_uplink(ov, spec->uplink);
	if (spec->uplink[0])
		spec->has |= XT_OV_UPLINK;
	*uplink = !ifindex					? XT_UPLINK_GONE
		  : (uint32_t)ifindex != ov->cfg.uplink_ifindex ? XT_UPLINK_RECREATED
								: XT_UPLINK_OK;
	spec->encap = (enum xt_encap)ov->cfg.encap;
	if (xt_encap_is_udp(ov->cfg.encap)) {
		spec->has |= XT_OV_VNI | XT_OV_PORT;
		spec->vni = ov->cfg.vni;
		spec->port = ov->cfg.port;
	}
	if (ov->cfg.has_key) {
		spec->has |= XT_OV_KEY;
		spec->key = ov->cfg.key;
	}
	xt_ip_from_bytes(&spec->local, ov->cfg.local);
	xt_dev_mtu(ov->dev, &spec->mtu);
	spec->rx = (enum xt_rx_mode)ov->cfg.rx_request;
	spec->xdp_mode = (enum xt_xdp_mode)ov->cfg.xdp_mode;
	spec->max_peers = ov->cfg.max_peers;
	spec->max_routes = ov->cfg.max_routes;
	xt_fwd_port_names(ov, spec->forward_from, XT_MAX_FWD_PORTS, &spec->n_forward);
	/* The device's addresses as they are: those attach gave, and any added since. */
	err = xt_nl_addrs(ov->ifindex, &addrs, &n);
	if (err)
		return err;
	for (i = 0; i < n && spec->n_addrs < XT_MAX_ADDRS; i++)
		spec->addrs[spec->n_addrs++] = addrs[i];
	free(addrs);
	return 0;
}

static uint64_t clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The data path stamps a peer's latest packet with CLOCK_MONOTONIC (bpf_ktime_get_coarse_ns,
 * the cheap clock: the time of the last tick, no clock source read); wall-clock time is
 * now minus its age. CLOCK_MONOTONIC stops while the machine is suspended, so across a
 * suspend the age is short by the time it slept.
 */
static void peer_liveness(struct xt_peer_state *p, uint64_t mono_ms, uint64_t wall_ms)
{
	uint64_t at_ms = p->stats.latest_rx_ns / 1000000;

	p->latest_rx_ms = 0;
	p->latest_rx_age_ms = 0;
	p->silent = true;
	if (!p->stats.latest_rx_ns)
		return;
	p->latest_rx_age_ms = mono_ms > at_ms ? mono_ms - at_ms : 0;
	p->latest_rx_ms = (int64_t)(wall_ms - p->latest_rx_age_ms);
	p->silent = p->latest_rx_age_ms > XT_PEER_SILENT_S * 1000ull;
}

/* Who traces: a tracer whose lease ran out is gone (loader/trace.c), whatever the flag says
 * until the next packet turns it off. */
static void trace_state(const struct xt_overlay *ov, struct xt_overlay_state *info,
			uint64_t mono_ms)
{
	struct xt_trace_cfg cfg;
	uint32_t zero = 0;

	info->trace_pid = 0;
	if (!bpf_map_lookup_elem(ov->fd[XT_MAP_TRACE], &zero, &cfg) && cfg.on &&
	    cfg.lease_end_ns / 1000000 > mono_ms)
		info->trace_pid = cfg.owner_pid;
}

static int overlay_state(const struct xt_overlay *ov, struct xt_overlay_state *info)
{
	uint64_t mono_ms = clock_ms(CLOCK_MONOTONIC), wall_ms = clock_ms(CLOCK_REALTIME);
	struct xt_peer_key key, next;
	struct xt_peer peer;
	char pin_dir[256], path[300];
	void *prev = NULL;
	int cap = 0, err;

	err = overlay_spec(ov, &info->spec, &info->uplink);
	if (err)
		return err;
	rx_describe(ov, info);
	xt_gso_path_describe(&ov->cfg, info);
	if (!xt_pin_dir(ov->dev, pin_dir, sizeof(pin_dir), false)) {
		snprintf(path, sizeof(path), "%s/peers", pin_dir);
		if (!access(path, F_OK))
			snprintf(info->pin_dir, sizeof(info->pin_dir), "%s", pin_dir);
	}
	xt_reasons_read(ov->fd[XT_MAP_REASONS], info->reasons);
	trace_state(ov, info, mono_ms);

	while (!bpf_map_get_next_key(ov->fd[XT_MAP_PEERS], prev, &next)) {
		struct xt_peer_state *p;

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
		p->spec.has = XT_PEER_ENDPOINT | XT_PEER_FLAGS |
			      (ov->mode == XT_MODE_L2 ? XT_PEER_FLOOD : XT_PEER_ALLOWED);
		p->spec.flags = peer.flags;
		p->spec.flood = peer.flags & XT_PEER_F_FLOOD;
		p->spec.udp6_zero_csum = peer.flags & XT_PEER_F_UDP6_ZERO_CSUM;
		memcpy(p->spec.name, peer.name, sizeof(p->spec.name));
		p->spec.name[sizeof(p->spec.name) - 1] = '\0';
		p->id = peer.id;
		xt_ip_from_bytes(&p->spec.endpoint, key.endpoint);
		p->spec.port = peer.port;
		xt_peer_stats_read(ov->fd[XT_MAP_PEER_STATS], peer.id, &p->stats);
		xt_peer_drops_read(ov->fd[XT_MAP_PEER_DROPS], peer.id, p->drops);
		peer_liveness(p, mono_ms, wall_ms);
	}
	if (ov->mode == XT_MODE_L2)
		xt_l2_counts(ov, &info->n_fdb, &info->n_neigh);
	else if (routes_of_peers(ov, info))
		return -ENOMEM;
	if (info->n_peers)
		qsort(info->peers, (size_t)info->n_peers, sizeof(*info->peers), peer_cmp);
	return 0;
}

int xt_show(const char *dev, struct xt_overlay_state **out, int *n)
{
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	struct xt_overlay_state *ovs;
	struct xt_overlay ov;
	int count = 1, i, err, lock;

	xt_libs_quiet();
	err = xt_privileges_check(false);
	if (err)
		return err;
	/* show takes the lock only if it is free, for the sweep of stale pins that comes
	 * with it: it only reads, and never waits for a command that changes things. */
	lock = xt_lock_try();
	if (lock >= 0)
		xt_unlock(lock);
	if (!dev) {
		err = xt_overlay_names(names, XT_MAX_OVERLAYS, &count, true);
		if (err)
			return err;
	} else {
		/* Checked before it is cut to fit: a longer name is no device's. */
		err = xt_dev_name_check("device", dev);
		if (err)
			return err;
		snprintf(names[0], IF_NAMESIZE, "%s", dev);
	}
	ovs = calloc((size_t)(count ? count : 1), sizeof(*ovs));
	if (!ovs)
		return xt_err(-ENOMEM, "out of memory");
	for (i = 0; i < count; i++) {
		err = xt_overlay_open(names[i], &ov);
		if (!err) {
			err = overlay_state(&ov, &ovs[i]);
			xt_overlay_close(&ov);
			if (err)
				xt_err(err, "reading overlay %s: %s", names[i], strerror(-err));
		}
		if (err) {
			xt_overlay_states_free(ovs, i + 1);
			return err;
		}
	}
	*out = ovs;
	*n = count;
	return 0;
}

void xt_overlay_states_free(struct xt_overlay_state *ovs, int n)
{
	int i, j;

	if (!ovs)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < ovs[i].n_peers; j++)
			xt_peer_spec_free(&ovs[i].peers[j].spec);
		free(ovs[i].peers);
	}
	free(ovs);
}
