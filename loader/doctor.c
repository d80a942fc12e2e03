// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * doctor: what runs, checked against the kernel around it, each finding with what to do.
 * It only reads: the overlay as show reads it and through its programs, the devices by
 * ethtool, /proc/sys, bpffs, and the kernel's routes and its own route lookups by
 * rtnetlink (`ip route get`), which apply the rules, every table and rp_filter as a
 * received packet meets them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/rtnetlink.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "bpffs.h"
#include "doctor.h"
#include "dev.h"
#include "errmsg.h"
#include "hooks.h"
#include "netlink.h"
#include "overlay.h"
#include "privileges.h"

/* Near capacity: a map this full (in percent) is a warning, a full one a failure. */
#define XT_CAPACITY_WARN_PCT 90

static const char *family_name(uint8_t family)
{
	return family == XT_FAMILY_V6 ? "IPv6" : "IPv4";
}

/* The overlay's MTU and its hidden end's against what the uplink carries: its MTU less
 * the outer headers (xt_encap_overhead, the one sum attach and set use). */
static void check_mtu(struct findings *fs, const struct patient *p)
{
	const struct xt_config *cfg = &p->ov.cfg;
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_MTU, p->ov.dev);
	uint32_t overhead = xt_encap_overhead(cfg->encap, cfg->family, cfg->has_key);
	uint32_t mtu = p->st->spec.mtu, uplink_mtu = 0, hidden_mtu = 0, room;

	if (!f)
		return;
	if (!p->uplink_ifindex || xt_dev_mtu(p->uplink, &uplink_mtu)) {
		xt_doctor_say(f, XT_STATUS_FAIL,
			      "the uplink %s the programs were loaded for is gone%s", p->uplink,
			      p->st->uplink == XT_UPLINK_RECREATED
				      ? " (a device of its name is there)"
				      : "");
		xt_doctor_fix(f, "%s'xtunnel reload %s'",
			      p->st->uplink == XT_UPLINK_RECREATED ? ""
								   : "make the uplink again, then ",
			      p->ov.dev);
		return;
	}
	room = uplink_mtu > overhead ? uplink_mtu - overhead : 0;
	if (mtu > room) {
		xt_doctor_say(f, XT_STATUS_FAIL,
			      "%s has MTU %u, above the %u the uplink %s carries (MTU %u less %u "
			      "bytes of "
			      "%s over %s): encapsulated packets above %u bytes are too big for "
			      "the uplink "
			      "and lost, so TCP with full-sized segments stalls",
			      p->ov.dev, mtu, room, p->uplink, uplink_mtu, overhead,
			      xt_encap_name((enum xt_encap)cfg->encap), family_name(cfg->family),
			      room);
		xt_doctor_fix(f,
			      "lower the overlay's MTU to %u: 'MTU = %u' in its config file, then "
			      "'xtunnel sync'",
			      room, room);
		return;
	}
	if (!xt_dev_mtu(p->hidden, &hidden_mtu) && hidden_mtu != mtu) {
		xt_doctor_say(
			f, XT_STATUS_FAIL,
			"the hidden end %s has MTU %u, %s %u: frames the XDP receive path or the "
			"segment path hand across the pair are dropped above the smaller",
			p->hidden, hidden_mtu, p->ov.dev, mtu);
		xt_doctor_fix(f, "ip link set dev %s mtu %u", p->hidden, mtu);
		return;
	}
	xt_doctor_say(f, XT_STATUS_OK, "%s MTU %u%s the uplink %s's %u less %u bytes of %s over %s",
		      p->ov.dev, mtu, mtu == room ? ":" : ", below", p->uplink, uplink_mtu,
		      overhead, xt_encap_name((enum xt_encap)cfg->encap), family_name(cfg->family));
}

/* The receive path: attached, and if XDP, native. */
static void check_rx(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_RX, p->ov.dev);
	char driver[32] = "?";
	uint32_t flags = 0;

	if (!f)
		return;
	if (p->st->rx == XT_RX_AUTO) {
		xt_doctor_say(f, XT_STATUS_FAIL, "%s: nothing is decapsulated", p->st->rx_reason);
		if (p->st->uplink == XT_UPLINK_GONE)
			xt_doctor_fix(f, "make the uplink %s again, then 'xtunnel reload %s'",
				      p->uplink, p->ov.dev);
		else
			xt_doctor_fix(f, "xtunnel reload %s", p->ov.dev);
		return;
	}
	xt_dev_driver(p->uplink, driver, sizeof(driver));
	if (p->st->rx == XT_RX_TC) {
		xt_doctor_say(f, XT_STATUS_OK, "tc ingress on %s (%s)", p->uplink,
			      p->st->rx_reason);
		return;
	}
	/* Through libxdp's dispatcher the mode is the dispatcher's, which is ours. */
	if (xt_xdp_query(p->uplink_ifindex, &flags) && flags == XDP_FLAGS_SKB_MODE) {
		xt_doctor_say(
			f, XT_STATUS_WARN,
			"generic XDP on %s (driver %s): it runs on the skb the kernel has already "
			"built (and linearised), so it saves nothing over tc ingress, and it loses "
			"the GSO and checksum state tc keeps",
			p->uplink, driver);
		xt_doctor_fix(
			f,
			"attach again with 'rx tc' (RX = tc in the config file: 'xtunnel down', "
			"then 'xtunnel up'), or 'xdp-mode native' if driver %s has native XDP",
			driver);
		return;
	}
	xt_doctor_say(f, XT_STATUS_OK, "native XDP on %s (driver %s)", p->uplink, driver);
}

/* Offloads that break a path: on the segment path the overlay device's segmentation and
 * the hidden end's GRO (attach turned them off); on the XDP receive path a veth uplink,
 * whose sender leaves checksums to the receiver, and GRO on the overlay device. */
static void check_offloads(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_OFFLOADS, p->ov.dev);
	char feature[ETH_GSTRING_LEN + 1], driver[32] = "";

	if (!f)
		return;
	if (p->st->gso == XT_GSO_SEGMENT) {
		if (xt_dev_feature_on(p->ov.dev, xt_feature_is_segmentation, feature) == 1) {
			xt_doctor_say(
				f, XT_STATUS_FAIL,
				"%s is on on %s: GSO packets reach the hidden end %s whole, and "
				"xt_encap_seg drops them (drop-encap-failed): TCP over the overlay "
				"stalls",
				feature, p->ov.dev, p->hidden);
			xt_doctor_fix(f, "ethtool -K %s %s off", p->ov.dev, feature);
			return;
		}
		if (xt_dev_feature_on(p->hidden, xt_feature_is_gro, feature) == 1) {
			xt_doctor_say(f, XT_STATUS_FAIL,
				      "%s is on on the hidden end %s: it merges the segments back "
				      "into GSO "
				      "packets, which xt_encap_seg drops (drop-encap-failed)",
				      feature, p->hidden);
			xt_doctor_fix(f, "ethtool -K %s %s off", p->hidden, feature);
			return;
		}
	}
	if (p->st->rx == XT_RX_XDP) {
		if (xt_dev_feature_on(p->ov.dev, xt_feature_is_rx_gro, feature) == 0) {
			xt_doctor_say(f, XT_STATUS_WARN,
				      "GRO is off on %s: TCP that XDP decapsulates arrives one "
				      "segment at a "
				      "time (slower)",
				      p->ov.dev);
			xt_doctor_fix(f, "ethtool -K %s gro on", p->ov.dev);
			return;
		}
		xt_dev_driver(p->uplink, driver, sizeof(driver));
		if (!strcmp(driver, "veth")) {
			xt_doctor_say(f, XT_STATUS_WARN,
				      "XDP receives on the veth uplink %s: a veth sender leaves "
				      "checksums to "
				      "the receiver (CHECKSUM_PARTIAL), which XDP cannot see, so "
				      "decapsulated TCP arrives with bad checksums and is dropped "
				      "unless the "
				      "far end of %s sends with transmit checksum offload off",
				      p->uplink, p->uplink);
			xt_doctor_fix(
				f,
				"attach again with 'rx tc' (correct on a veth, and faster), or "
				"'ethtool -K IF tx off' on the far end of %s",
				p->uplink);
			return;
		}
	}
	xt_doctor_say(f, XT_STATUS_OK, "none that breaks the %s receive path%s",
		      xt_rx_mode_name(p->st->rx),
		      p->st->gso == XT_GSO_SEGMENT ? " or the segment path" : "");
}

/* The maps pinned where show says, each pin the map the programs use. */
static void check_pins(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_PINS, p->ov.dev);
	char dir[256], path[300], missing[160] = "", stale[160] = "";
	size_t lm = 0, ls = 0;
	int m, n_maps = 0, n_missing = 0, n_stale = 0;
	struct statfs sfs;

	if (!f)
		return;
	if (statfs("/sys/fs/bpf", &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (xt_mount_ns_is_private()) {
			xt_doctor_say(f, XT_STATUS_WARN,
				      "no bpffs on /sys/fs/bpf in this command's mount namespace "
				      "(ip netns "
				      "exec gives each command a /sys of its own): the pins cannot "
				      "be seen "
				      "from here");
			xt_doctor_fix(
				f, "run doctor with 'nsenter --net=/run/netns/NS', which keeps the "
				   "host's /sys/fs/bpf");
		} else {
			xt_doctor_say(
				f, XT_STATUS_FAIL,
				"no bpffs on /sys/fs/bpf: the maps are pinned nowhere, and bpftool "
				"cannot find them by path");
			xt_doctor_fix(
				f,
				"mount -t bpf bpf /sys/fs/bpf, then 'xtunnel reload %s' pins them",
				p->ov.dev);
		}
		return;
	}
	if (xt_pin_dir(p->ov.dev, dir, sizeof(dir), false)) {
		xt_doctor_say(f, XT_STATUS_FAIL, "no pin directory for %s: %s", p->ov.dev,
			      xt_errmsg());
		return;
	}
	for (m = 0; m < XT_MAP_COUNT; m++) {
		struct bpf_map_info info = {};
		uint32_t len = sizeof(info);
		int fd;

		if (!(xt_maps[m].kinds & XT_KINDS_OF(p->ov.mode)))
			continue; /* a map of the other kind of overlay: never pinned */
		n_maps++;
		snprintf(path, sizeof(path), "%s/%s", dir, xt_maps[m].pin);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			n_missing++;
			lm += (size_t)snprintf(missing + lm,
					       lm < sizeof(missing) ? sizeof(missing) - lm : 0,
					       "%s%s", n_missing > 1 ? ", " : "", xt_maps[m].pin);
			continue;
		}
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.id != p->ov.map_id[m]) {
			n_stale++;
			ls += (size_t)snprintf(stale + ls,
					       ls < sizeof(stale) ? sizeof(stale) - ls : 0, "%s%s",
					       n_stale > 1 ? ", " : "", xt_maps[m].pin);
		}
		close(fd);
	}
	if (n_missing || n_stale) {
		if (n_missing)
			xt_doctor_say(
				f, XT_STATUS_FAIL,
				"%d of %d pins missing in %s (%s)%s: bpftool and scripts that read "
				"them find nothing",
				n_missing, n_maps, dir, missing,
				n_missing == n_maps ? "; attach ran where bpffs was private "
						      "(ip netns exec)?"
						    : "");
		else
			xt_doctor_say(
				f, XT_STATUS_FAIL,
				"%d pin%s in %s %s not the map%s the programs use (%s): bpftool "
				"would read other maps",
				n_stale, n_stale > 1 ? "s" : "", dir, n_stale > 1 ? "are" : "is",
				n_stale > 1 ? "s" : "", stale);
		xt_doctor_fix(f, "xtunnel reload %s (it pins the maps again)", p->ov.dev);
		return;
	}
	xt_doctor_say(f, XT_STATUS_OK, "%d maps pinned in %s", n_maps, dir);
}

static void capacity_say(struct xt_finding *f, const char *what, uint32_t used, uint32_t max,
			 const char *key, const char *setting)
{
	enum xt_status s = used >= max ? XT_STATUS_FAIL
			   : (uint64_t)used * 100 >= (uint64_t)max * XT_CAPACITY_WARN_PCT
				   ? XT_STATUS_WARN
				   : XT_STATUS_OK;

	if (s == XT_STATUS_OK || s <= f->status)
		return;
	xt_doctor_say(f, s, "%s: %u of %u%s", what, used, max,
		      s == XT_STATUS_FAIL ? ", full: the next one is refused" : ", nearly full");
	xt_doctor_fix(f,
		      "attach again with a larger %s (%s in the config file: 'xtunnel down', then "
		      "'xtunnel up'; it cannot change live)",
		      setting, key);
}

static void check_capacity(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_CAPACITY, p->ov.dev);
	const struct xt_overlay_state *st = p->st;

	if (!f)
		return;
	capacity_say(f, "peers", (uint32_t)st->n_peers, st->spec.max_peers, "MaxPeers",
		     "max-peers");
	if (p->ov.mode == XT_MODE_L2) {
		/* No routes: what is learned is capped per peer (max-macs), as a flood from
		 * one peer must not take the others' room. */
		if (f->status == XT_STATUS_OK)
			xt_doctor_say(f, XT_STATUS_OK,
				      "peers %d of %u, FDB %u entries (max-macs %u learned per "
				      "peer), neighbour table %u entries",
				      st->n_peers, st->spec.max_peers, st->n_fdb, st->spec.max_macs,
				      st->n_neigh);
		return;
	}
	capacity_say(f, "routes", st->n_routes, st->spec.max_routes, "MaxRoutes", "max-routes");
	if (f->status == XT_STATUS_OK)
		xt_doctor_say(f, XT_STATUS_OK, "peers %d of %u, routes %u of %u", st->n_peers,
			      st->spec.max_peers, st->n_routes, st->spec.max_routes);
}

static void version_other(struct findings *fs, const char *dev)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_VERSION, dev);

	if (!f)
		return;
	xt_doctor_say(
		f, XT_STATUS_FAIL,
		"%s runs the programs of another version of xtunnel, whose maps or configuration "
		"this one (%s) cannot read: no command of this version can change it",
		dev, XT_VERSION);
	xt_doctor_fix(f, "xtunnel detach %s (this version removes it), then attach it again", dev);
}

/* The checks of one overlay of this version. */
static int examine(struct findings *fs, const char *dev, const struct xt_nl_route *routes,
		   int n_routes)
{
	struct xt_overlay_state *st = NULL;
	struct patient p = {};
	struct xt_finding *f;
	int n = 0, i, err;

	err = xt_show(dev, &st, &n);
	if (err)
		return err;
	err = xt_overlay_open(dev, &p.ov);
	if (err)
		goto out;
	p.st = st;
	p.uplink_ifindex = xt_overlay_uplink(&p.ov, p.uplink);
	if (p.uplink_ifindex != (int)p.ov.cfg.uplink_ifindex)
		p.uplink_ifindex = 0; /* made again: not what the programs were loaded for */
	if (!if_indextoname(p.ov.cfg.overlay_peer_ifindex, p.hidden))
		snprintf(p.hidden, sizeof(p.hidden), "%.*s%s", XT_DEV_NAME_MAX, p.ov.dev,
			 XT_PEER_SUFFIX);
	p.others = calloc((size_t)(n_routes ? n_routes : 1), sizeof(*p.others));
	if (!p.others) {
		err = xt_err(-ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n_routes; i++)
		if (routes[i].oif != p.ov.ifindex)
			p.others[p.n_others++] = routes[i];

	f = xt_doctor_finding(fs, XT_CHECK_VERSION, dev);
	if (f)
		xt_doctor_say(f, XT_STATUS_OK, "programs of this version (%s)", XT_VERSION);
	check_mtu(fs, &p);
	check_rx(fs, &p);
	check_offloads(fs, &p);
	check_pins(fs, &p);
	if (p.ov.mode == XT_MODE_L2) {
		/* forward-from, rp_filter and allowed-ips are an L3 overlay's. */
		xt_doctor_check_bridge(fs, &p);
	} else {
		xt_doctor_check_forwarding(fs, &p);
		xt_doctor_check_rp_filter(fs, &p);
		xt_doctor_check_routes(fs, &p);
	}
	check_capacity(fs, &p);
	err = 0;
out:
	free(p.others);
	xt_overlay_close(&p.ov);
	xt_overlay_states_free(st, n);
	return err;
}

int xt_doctor(const char *dev, struct xt_finding **out, int *n)
{
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE], others[XT_MAX_OVERLAYS][IF_NAMESIZE];
	struct findings fs = {};
	struct xt_nl_route *routes = NULL;
	struct xt_overlay ov;
	int n_names = 0, n_others = 0, n_routes = 0, i, err;

	xt_libs_quiet();
	err = xt_privileges_check(false);
	if (err)
		return err;
	if (dev) {
		err = xt_overlay_open(dev, &ov);
		if (err == -EPROTO) {
			snprintf(others[n_others++], IF_NAMESIZE, "%s", dev);
		} else if (err) {
			return err;
		} else {
			snprintf(names[n_names++], IF_NAMESIZE, "%s", ov.dev);
			xt_overlay_close(&ov);
		}
	} else {
		err = xt_overlay_names_all(names, XT_MAX_OVERLAYS, &n_names, others,
					   XT_MAX_OVERLAYS, &n_others);
		if (err)
			return err;
		if (!n_names && !n_others)
			return xt_err_input(-ENODEV,
					    "no overlay here (create one with 'xtunnel attach')");
	}
	err = xt_nl_routes(&routes, &n_routes);
	if (err)
		return xt_err(err, "reading the routes: %s", strerror(-err));
	for (i = 0; i < n_others; i++)
		version_other(&fs, others[i]);
	for (i = 0; i < n_names && !err; i++)
		err = examine(&fs, names[i], routes, n_routes);
	free(routes);
	if (!err && fs.no_memory)
		err = xt_err(-ENOMEM, "out of memory");
	if (err) {
		free(fs.list);
		return err;
	}
	*out = fs.list;
	*n = fs.n;
	return 0;
}
