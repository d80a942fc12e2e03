// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * doctor: what runs, checked against the kernel around it, each finding with what to do.
 * It only reads: the overlay as show reads it and through its programs, the devices by
 * ethtool, /proc/sys, bpffs, and the kernel's routes and its own route lookups by
 * rtnetlink (`ip route get`), which apply the rules, every table and rp_filter as a
 * received packet meets them.
 */
#include <errno.h>
#include <stdarg.h>
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
#include "dev.h"
#include "errmsg.h"
#include "hooks.h"
#include "netlink.h"
#include "overlay.h"
#include "privileges.h"

/* Near capacity: a map this full (in percent) is a warning, a full one a failure. */
#define XT_CAPACITY_WARN_PCT 90

struct findings {
	struct xt_finding *list;
	int n, cap;
};

/* What the checks of one overlay read. */
struct patient {
	const struct xt_overlay_state *st;
	struct xt_overlay ov;
	char uplink[IF_NAMESIZE];
	int uplink_ifindex; /* 0: gone */
	char hidden[IF_NAMESIZE];
	struct xt_nl_route *others; /* main-table routes not by the overlay device */
	int n_others;
};

static struct xt_finding *finding(struct findings *fs, enum xt_doctor_check check, const char *dev)
{
	struct xt_finding *f;

	if (fs->n == fs->cap) {
		void *grown = realloc(fs->list, (size_t)(fs->cap ? fs->cap * 2 : 16) * sizeof(*f));

		if (!grown)
			return NULL;
		fs->list = grown;
		fs->cap = fs->cap ? fs->cap * 2 : 16;
	}
	f = &fs->list[fs->n++];
	memset(f, 0, sizeof(*f));
	f->check = check;
	f->status = XT_STATUS_OK;
	snprintf(f->dev, sizeof(f->dev), "%s", dev);
	return f;
}

static void say(struct xt_finding *f, enum xt_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct xt_finding *f, enum xt_status status, const char *fmt, ...)
{
	va_list ap;

	f->status = status;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
}

static void fix(struct xt_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fix(struct xt_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->fix, sizeof(f->fix), fmt, ap);
	va_end(ap);
}

static const char *family_name(uint8_t family)
{
	return family == XT_FAMILY_V6 ? "IPv6" : "IPv4";
}

/* The overlay's MTU and its hidden end's against what the uplink carries: its MTU less
 * the outer headers (xt_encap_overhead, the one sum attach and set use). */
static void check_mtu(struct findings *fs, const struct patient *p)
{
	const struct xt_config *cfg = &p->ov.cfg;
	struct xt_finding *f = finding(fs, XT_CHECK_MTU, p->ov.dev);
	uint32_t overhead = xt_encap_overhead(cfg->encap, cfg->family, cfg->has_key);
	uint32_t mtu = p->st->spec.mtu, uplink_mtu = 0, hidden_mtu = 0, room;

	if (!f)
		return;
	if (!p->uplink_ifindex || xt_dev_mtu(p->uplink, &uplink_mtu)) {
		say(f, XT_STATUS_FAIL, "the uplink %s the programs were loaded for is gone%s",
		    p->uplink,
		    p->st->uplink == XT_UPLINK_RECREATED ? " (a device of its name is there)" : "");
		fix(f, "%s'xtunnel reload %s'",
		    p->st->uplink == XT_UPLINK_RECREATED ? "" : "make the uplink again, then ",
		    p->ov.dev);
		return;
	}
	room = uplink_mtu > overhead ? uplink_mtu - overhead : 0;
	if (mtu > room) {
		say(f, XT_STATUS_FAIL,
		    "%s has MTU %u, above the %u the uplink %s carries (MTU %u less %u bytes of "
		    "%s over %s): encapsulated packets above %u bytes are too big for the uplink "
		    "and lost, so TCP with full-sized segments stalls",
		    p->ov.dev, mtu, room, p->uplink, uplink_mtu, overhead,
		    xt_encap_name((enum xt_encap)cfg->encap), family_name(cfg->family), room);
		fix(f,
		    "lower the overlay's MTU to %u: 'MTU = %u' in its config file, then "
		    "'xtunnel sync'",
		    room, room);
		return;
	}
	if (!xt_dev_mtu(p->hidden, &hidden_mtu) && hidden_mtu != mtu) {
		say(f, XT_STATUS_FAIL,
		    "the hidden end %s has MTU %u, %s %u: frames the XDP receive path or the "
		    "segment path hand across the pair are dropped above the smaller",
		    p->hidden, hidden_mtu, p->ov.dev, mtu);
		fix(f, "ip link set dev %s mtu %u", p->hidden, mtu);
		return;
	}
	say(f, XT_STATUS_OK, "%s MTU %u%s the uplink %s's %u less %u bytes of %s over %s",
	    p->ov.dev, mtu, mtu == room ? ":" : ", below", p->uplink, uplink_mtu, overhead,
	    xt_encap_name((enum xt_encap)cfg->encap), family_name(cfg->family));
}

/* The receive path: attached, and if XDP, native. */
static void check_rx(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_RX, p->ov.dev);
	char driver[32] = "?";
	uint32_t flags = 0;

	if (!f)
		return;
	if (p->st->rx == XT_RX_AUTO) {
		say(f, XT_STATUS_FAIL, "%s: nothing is decapsulated", p->st->rx_reason);
		if (p->st->uplink == XT_UPLINK_GONE)
			fix(f, "make the uplink %s again, then 'xtunnel reload %s'", p->uplink,
			    p->ov.dev);
		else
			fix(f, "xtunnel reload %s", p->ov.dev);
		return;
	}
	xt_dev_driver(p->uplink, driver, sizeof(driver));
	if (p->st->rx == XT_RX_TC) {
		say(f, XT_STATUS_OK, "tc ingress on %s (%s)", p->uplink, p->st->rx_reason);
		return;
	}
	/* Through libxdp's dispatcher the mode is the dispatcher's, which is ours. */
	if (xt_xdp_query(p->uplink_ifindex, &flags) && flags == XDP_FLAGS_SKB_MODE) {
		say(f, XT_STATUS_WARN,
		    "generic XDP on %s (driver %s): it runs on the skb the kernel has already "
		    "built (and linearised), so it saves nothing over tc ingress, and it loses "
		    "the GSO and checksum state tc keeps",
		    p->uplink, driver);
		fix(f,
		    "attach again with 'rx tc' (RX = tc in the config file: 'xtunnel down', "
		    "then 'xtunnel up'), or 'xdp-mode native' if driver %s has native XDP",
		    driver);
		return;
	}
	say(f, XT_STATUS_OK, "native XDP on %s (driver %s)", p->uplink, driver);
}

/* Offloads that break a path: on the segment path the overlay device's segmentation and
 * the hidden end's GRO (attach turned them off); on the XDP receive path a veth uplink,
 * whose sender leaves checksums to the receiver, and GRO on the overlay device. */
static void check_offloads(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_OFFLOADS, p->ov.dev);
	char feature[ETH_GSTRING_LEN + 1], driver[32] = "";

	if (!f)
		return;
	if (p->st->gso == XT_GSO_SEGMENT) {
		if (xt_dev_feature_on(p->ov.dev, xt_feature_is_segmentation, feature) == 1) {
			say(f, XT_STATUS_FAIL,
			    "%s is on on %s: GSO packets reach the hidden end %s whole, and "
			    "xt_encap_seg drops them (drop-encap-failed): TCP over the overlay "
			    "stalls",
			    feature, p->ov.dev, p->hidden);
			fix(f, "ethtool -K %s %s off", p->ov.dev, feature);
			return;
		}
		if (xt_dev_feature_on(p->hidden, xt_feature_is_gro, feature) == 1) {
			say(f, XT_STATUS_FAIL,
			    "%s is on on the hidden end %s: it merges the segments back into GSO "
			    "packets, which xt_encap_seg drops (drop-encap-failed)",
			    feature, p->hidden);
			fix(f, "ethtool -K %s %s off", p->hidden, feature);
			return;
		}
	}
	if (p->st->rx == XT_RX_XDP) {
		if (xt_dev_feature_on(p->ov.dev, xt_feature_is_rx_gro, feature) == 0) {
			say(f, XT_STATUS_WARN,
			    "GRO is off on %s: TCP that XDP decapsulates arrives one segment at a "
			    "time (slower)",
			    p->ov.dev);
			fix(f, "ethtool -K %s gro on", p->ov.dev);
			return;
		}
		xt_dev_driver(p->uplink, driver, sizeof(driver));
		if (!strcmp(driver, "veth")) {
			say(f, XT_STATUS_WARN,
			    "XDP receives on the veth uplink %s: a veth sender leaves checksums to "
			    "the receiver (CHECKSUM_PARTIAL), which XDP cannot see, so "
			    "decapsulated TCP arrives with bad checksums and is dropped unless the "
			    "far end of %s sends with transmit checksum offload off",
			    p->uplink, p->uplink);
			fix(f,
			    "attach again with 'rx tc' (correct on a veth, and faster), or "
			    "'ethtool -K IF tx off' on the far end of %s",
			    p->uplink);
			return;
		}
	}
	say(f, XT_STATUS_OK, "none that breaks the %s receive path%s", xt_rx_mode_name(p->st->rx),
	    p->st->gso == XT_GSO_SEGMENT ? " or the segment path" : "");
}

/* The maps pinned where show says, each pin the map the programs use. */
static void check_pins(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_PINS, p->ov.dev);
	char dir[256], path[300], missing[160] = "", stale[160] = "";
	size_t lm = 0, ls = 0;
	int m, n_maps = 0, n_missing = 0, n_stale = 0;
	struct statfs sfs;

	if (!f)
		return;
	if (statfs("/sys/fs/bpf", &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		if (xt_mount_ns_is_private()) {
			say(f, XT_STATUS_WARN,
			    "no bpffs on /sys/fs/bpf in this command's mount namespace (ip netns "
			    "exec gives each command a /sys of its own): the pins cannot be seen "
			    "from here");
			fix(f, "run doctor with 'nsenter --net=/run/netns/NS', which keeps the "
			       "host's /sys/fs/bpf");
		} else {
			say(f, XT_STATUS_FAIL,
			    "no bpffs on /sys/fs/bpf: the maps are pinned nowhere, and bpftool "
			    "cannot find them by path");
			fix(f, "mount -t bpf bpf /sys/fs/bpf, then 'xtunnel reload %s' pins them",
			    p->ov.dev);
		}
		return;
	}
	if (xt_pin_dir(p->ov.dev, dir, sizeof(dir), false)) {
		say(f, XT_STATUS_FAIL, "no pin directory for %s: %s", p->ov.dev, xt_errmsg());
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
			say(f, XT_STATUS_FAIL,
			    "%d of %d pins missing in %s (%s)%s: bpftool and scripts that read "
			    "them find nothing",
			    n_missing, n_maps, dir, missing,
			    n_missing == n_maps ? "; attach ran where bpffs was private "
						  "(ip netns exec)?"
						: "");
		else
			say(f, XT_STATUS_FAIL,
			    "%d pin%s in %s %s not the map%s the programs use (%s): bpftool "
			    "would read other maps",
			    n_stale, n_stale > 1 ? "s" : "", dir, n_stale > 1 ? "are" : "is",
			    n_stale > 1 ? "s" : "", stale);
		fix(f, "xtunnel reload %s (it pins the maps again)", p->ov.dev);
		return;
	}
	say(f, XT_STATUS_OK, "%d maps pinned in %s", n_maps, dir);
}

static bool spec_has_ipv6(const struct xt_overlay_state *st)
{
	int i, j;

	for (i = 0; i < st->spec.n_addrs; i++)
		if (st->spec.addrs[i].ip.family == XT_FAMILY_V6)
			return true;
	for (i = 0; i < st->n_peers; i++)
		for (j = 0; j < st->peers[i].spec.n_allowed; j++)
			if (st->peers[i].spec.allowed[j].ip.family == XT_FAMILY_V6)
				return true;
	return false;
}

/* forward-from: IP forwarding on, in the namespace and on each device it crosses
 * (bpf_fib_lookup answers BPF_FIB_LKUP_RET_FWD_DISABLED otherwise, and so does the kernel's
 * own forwarding). */
static void check_forwarding(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_FORWARDING, p->ov.dev);
	const struct xt_overlay_spec *o = &p->st->spec;
	char path[128];
	int i, on = 0;

	if (!f)
		return;
	if (!o->n_forward) {
		say(f, XT_STATUS_OK,
		    "no forward-from ports: the host forwards nothing for the "
		    "overlay");
		return;
	}
	if (xt_sysctl_read("/proc/sys/net/ipv4/ip_forward", &on) || on != 1) {
		say(f, XT_STATUS_FAIL,
		    "IPv4 forwarding is off in this network namespace: nothing is forwarded "
		    "between the forward-from ports (%s%s) and %s, by XDP or by the kernel",
		    o->forward_from[0], o->n_forward > 1 ? ", ..." : "", p->ov.dev);
		fix(f, "sysctl -w net.ipv4.ip_forward=1");
		return;
	}
	for (i = -1; i < o->n_forward; i++) {
		const char *dev = i < 0 ? p->ov.dev : o->forward_from[i];

		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", dev);
		if (!xt_sysctl_read(path, &on) && on != 1) {
			say(f, XT_STATUS_FAIL,
			    "IPv4 forwarding is off on %s: nothing is forwarded from it", dev);
			fix(f, "sysctl -w net.ipv4.conf.%s.forwarding=1", dev);
			return;
		}
	}
	if (spec_has_ipv6(p->st) &&
	    (xt_sysctl_read("/proc/sys/net/ipv6/conf/all/forwarding", &on) || on != 1)) {
		say(f, XT_STATUS_FAIL,
		    "IPv6 forwarding is off, and the overlay carries IPv6: IPv6 between the "
		    "forward-from ports and %s is not forwarded",
		    p->ov.dev);
		fix(f, "sysctl -w net.ipv6.conf.all.forwarding=1");
		return;
	}
	say(f, XT_STATUS_OK, "forwarding is on for %s and its %d forward-from port%s", p->ov.dev,
	    o->n_forward, o->n_forward > 1 ? "s" : "");
}

/* An address inside p to ask the kernel about: its first but one (the first of a
 * network is no host's), and never in 0.0.0.0/8, which the kernel takes for no address. */
static struct xt_ip probe_addr(const struct xt_prefix *p)
{
	struct xt_ip ip = p->ip;
	uint8_t full = p->ip.family == XT_FAMILY_V4 ? 32 : 128;

	if (p->len < full)
		ip.addr[XT_ADDR_LEN - 1] |= 1;
	if (ip.family == XT_FAMILY_V4 && ip.addr[12] == 0)
		ip.addr[12] = 1;
	return ip;
}

/*
 * forward-from: a decapsulated packet that the fast path leaves to the kernel arrives on
 * the overlay device, where rp_filter (IPv4) checks that the way back to its source leaves
 * by the overlay device (strict) or by anywhere (loose). The kernel answers that itself:
 * `ip route get PORT_ADDR from SOURCE iif DEV` fails when rp_filter refuses, with EXDEV
 * (fib_validate_source's error) or, since route input returns drop reasons (6.13), EINVAL
 * for every martian source. probe_addr never picks a source martian for other reasons.
 */
static void check_rp_filter(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_RP_FILTER, p->ov.dev);
	const struct xt_overlay_state *st = p->st;
	int i, j, all = 0, dev = 0, oif, err, checked = 0;
	struct xt_ip to, from;
	char path[128], a[INET6_ADDRSTRLEN + 4];

	if (!f)
		return;
	if (!st->spec.n_forward) {
		say(f, XT_STATUS_OK,
		    "no forward-from ports: the host forwards nothing for the "
		    "overlay");
		return;
	}
	xt_sysctl_read("/proc/sys/net/ipv4/conf/all/rp_filter", &all);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", p->ov.dev);
	xt_sysctl_read(path, &dev);
	/* Where the decapsulated packet goes: a forward-from port's own address. */
	for (i = 0; i < st->spec.n_forward; i++)
		if (!xt_nl_first_addr((int)if_nametoindex(st->spec.forward_from[i]), XT_FAMILY_V4,
				      &to))
			break;
	if (i == st->spec.n_forward) {
		say(f, XT_STATUS_OK,
		    "no forward-from port has an IPv4 address: rp_filter "
		    "(IPv4 only) has nothing to refuse");
		return;
	}
	for (i = 0; i < st->n_peers; i++) {
		for (j = 0; j < st->peers[i].spec.n_allowed; j++) {
			const struct xt_prefix *q = &st->peers[i].spec.allowed[j];

			if (q->ip.family != XT_FAMILY_V4)
				continue;
			from = probe_addr(q);
			checked++;
			err = xt_nl_route_get(&to, &from, p->ov.ifindex, &oif);
			if (err != -EXDEV && err != -EINVAL)
				continue;
			xt_format_prefix(q, a, sizeof(a));
			say(f, XT_STATUS_FAIL,
			    "rp_filter (net.ipv4.conf.all.rp_filter %d, .%s.rp_filter %d: %s) "
			    "drops what peer %s sends from %s to the forward-from ports: the way "
			    "back to %s does not leave by %s",
			    all, p->ov.dev, dev, (all > dev ? all : dev) == 1 ? "strict" : "loose",
			    st->peers[i].spec.name, a, a, p->ov.dev);
			fix(f,
			    "route %s into the overlay ('ip route replace %s dev %s'), or make "
			    "rp_filter loose ('sysctl -w net.ipv4.conf.all.rp_filter=2 "
			    "net.ipv4.conf.%s.rp_filter=2')",
			    a, a, p->ov.dev, p->ov.dev);
			return;
		}
	}
	say(f, XT_STATUS_OK,
	    "rp_filter (all %d, %s %d) lets what the peers send from their %d IPv4 allowed-ips "
	    "through",
	    all, p->ov.dev, dev, checked);
}

/* Route r lies in q (or is q): it takes that part of q wherever it leads. */
static bool route_in(const struct xt_nl_route *r, const struct xt_prefix *q)
{
	return r->dst.ip.family == q->ip.family && r->dst.len >= q->len &&
	       xt_bits_equal(r->dst.ip.addr, q->ip.addr, xt_prefix_key_len(q));
}

static const char *dev_name(int ifindex, char buf[IF_NAMESIZE])
{
	if (!ifindex || !if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "%s", "no device");
	return buf;
}

/*
 * Every allowed-ip must be routed into the overlay, or the host sends nothing to the peer:
 * no main-table route as specific as it or more may lead elsewhere (peer add adds its
 * own route by the overlay device, and leaves one that exists alone), and the kernel's
 * own lookup of an address in it, rules and all, must answer the overlay device.
 */
static void check_routes(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_ROUTES, p->ov.dev);
	const struct xt_overlay_state *st = p->st;
	char a[INET6_ADDRSTRLEN + 4], r[INET6_ADDRSTRLEN + 4], out[IF_NAMESIZE];
	int i, j, k, oif, err, bad = 0, checked = 0;

	if (!f)
		return;
	for (i = 0; i < st->n_peers; i++) {
		for (j = 0; j < st->peers[i].spec.n_allowed; j++) {
			const struct xt_prefix *q = &st->peers[i].spec.allowed[j];
			struct xt_ip probe = probe_addr(q);
			const char *peer = st->peers[i].spec.name;

			checked++;
			for (k = 0; k < p->n_others && !route_in(&p->others[k], q); k++)
				;
			if (k < p->n_others) {
				if (bad++)
					continue;
				xt_format_prefix(q, a, sizeof(a));
				xt_format_prefix(&p->others[k].dst, r, sizeof(r));
				say(f, XT_STATUS_FAIL,
				    "the kernel route %s (%s) shadows peer %s's allowed-ip %s: "
				    "packets to it leave by %s, not %s",
				    r, dev_name(p->others[k].oif, out), peer, a, out, p->ov.dev);
				fix(f,
				    "ip route del %s (or, if it is right, take %s out of peer "
				    "%s's allowed-ips)",
				    r, r, peer);
				continue;
			}
			err = xt_nl_route_get(&probe, NULL, 0, &oif);
			if (!err && oif == p->ov.ifindex)
				continue;
			if (bad++)
				continue;
			xt_format_prefix(q, a, sizeof(a));
			say(f, XT_STATUS_FAIL,
			    "no route sends peer %s's allowed-ip %s into the overlay: the kernel "
			    "%s",
			    peer, a, err ? "has no route to it" : "sends it elsewhere, by ");
			if (!err)
				snprintf(f->what + strlen(f->what),
					 sizeof(f->what) - strlen(f->what),
					 "%s (a policy rule, or a wider route)",
					 dev_name(oif, out));
			fix(f, "ip route replace %s dev %s", a, p->ov.dev);
		}
	}
	if (bad > 1)
		snprintf(f->what + strlen(f->what), sizeof(f->what) - strlen(f->what),
			 " (and %d more)", bad - 1);
	if (!bad)
		say(f, XT_STATUS_OK, "all %d allowed-ips are routed into %s", checked, p->ov.dev);
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
	say(f, s, "%s: %u of %u%s", what, used, max,
	    s == XT_STATUS_FAIL ? ", full: the next one is refused" : ", nearly full");
	fix(f,
	    "attach again with a larger %s (%s in the config file: 'xtunnel down', then "
	    "'xtunnel up'; it cannot change live)",
	    setting, key);
}

static void check_capacity(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = finding(fs, XT_CHECK_CAPACITY, p->ov.dev);
	const struct xt_overlay_state *st = p->st;

	if (!f)
		return;
	capacity_say(f, "peers", (uint32_t)st->n_peers, st->spec.max_peers, "MaxPeers",
		     "max-peers");
	capacity_say(f, "routes", st->n_routes, st->spec.max_routes, "MaxRoutes", "max-routes");
	if (f->status == XT_STATUS_OK)
		say(f, XT_STATUS_OK, "peers %d of %u, routes %u of %u", st->n_peers,
		    st->spec.max_peers, st->n_routes, st->spec.max_routes);
}

static void version_other(struct findings *fs, const char *dev)
{
	struct xt_finding *f = finding(fs, XT_CHECK_VERSION, dev);

	if (!f)
		return;
	say(f, XT_STATUS_FAIL,
	    "%s runs the programs of another version of xtunnel, whose maps or configuration "
	    "this one (%s) cannot read: no command of this version can change it",
	    dev, XT_VERSION);
	fix(f, "xtunnel detach %s (this version removes it), then attach it again", dev);
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

	f = finding(fs, XT_CHECK_VERSION, dev);
	if (f)
		say(f, XT_STATUS_OK, "programs of this version (%s)", XT_VERSION);
	check_mtu(fs, &p);
	check_rx(fs, &p);
	check_offloads(fs, &p);
	check_pins(fs, &p);
	check_forwarding(fs, &p);
	check_rp_filter(fs, &p);
	check_routes(fs, &p);
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
	if (!err && fs.n < n_others + n_names * XT_CHECK_COUNT)
		err = xt_err(-ENOMEM, "out of memory");
	if (err) {
		free(fs.list);
		return err;
	}
	*out = fs.list;
	*n = fs.n;
	return 0;
}
