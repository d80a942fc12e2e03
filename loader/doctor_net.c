// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * doctor's checks of the host's network around an overlay: IP forwarding and rp_filter for
 * forward-from, and kernel routes that shadow allowed-ips, asked of the kernel itself by
 * rtnetlink (`ip route get`) where its rules and tables decide.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include "addr.h"
#include "dev.h"
#include "doctor.h"
#include "errmsg.h"
#include "netlink.h"

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
void xt_doctor_check_forwarding(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_FORWARDING, p->ov.dev);
	const struct xt_overlay_spec *o = &p->st->spec;
	char path[128];
	int i, on = 0;

	if (!f)
		return;
	if (!o->n_forward) {
		xt_doctor_say(f, XT_STATUS_OK,
			      "no forward-from ports: the host forwards nothing for the "
			      "overlay");
		return;
	}
	if (xt_sysctl_read("/proc/sys/net/ipv4/ip_forward", &on) || on != 1) {
		xt_doctor_say(
			f, XT_STATUS_FAIL,
			"IPv4 forwarding is off in this network namespace: nothing is forwarded "
			"between the forward-from ports (%s%s) and %s, by XDP or by the kernel",
			o->forward_from[0], o->n_forward > 1 ? ", ..." : "", p->ov.dev);
		xt_doctor_fix(f, "sysctl -w net.ipv4.ip_forward=1");
		return;
	}
	for (i = -1; i < o->n_forward; i++) {
		const char *dev = i < 0 ? p->ov.dev : o->forward_from[i];

		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", dev);
		if (!xt_sysctl_read(path, &on) && on != 1) {
			xt_doctor_say(f, XT_STATUS_FAIL,
				      "IPv4 forwarding is off on %s: nothing is forwarded from it",
				      dev);
			xt_doctor_fix(f, "sysctl -w net.ipv4.conf.%s.forwarding=1", dev);
			return;
		}
	}
	if (spec_has_ipv6(p->st) &&
	    (xt_sysctl_read("/proc/sys/net/ipv6/conf/all/forwarding", &on) || on != 1)) {
		xt_doctor_say(
			f, XT_STATUS_FAIL,
			"IPv6 forwarding is off, and the overlay carries IPv6: IPv6 between the "
			"forward-from ports and %s is not forwarded",
			p->ov.dev);
		xt_doctor_fix(f, "sysctl -w net.ipv6.conf.all.forwarding=1");
		return;
	}
	xt_doctor_say(f, XT_STATUS_OK, "forwarding is on for %s and its %d forward-from port%s",
		      p->ov.dev, o->n_forward, o->n_forward > 1 ? "s" : "");
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
void xt_doctor_check_rp_filter(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_RP_FILTER, p->ov.dev);
	const struct xt_overlay_state *st = p->st;
	int i, j, all = 0, dev = 0, oif, err, checked = 0;
	struct xt_ip to, from;
	char path[128], a[INET6_ADDRSTRLEN + 4];

	if (!f)
		return;
	if (!st->spec.n_forward) {
		xt_doctor_say(f, XT_STATUS_OK,
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
		xt_doctor_say(f, XT_STATUS_OK,
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
			xt_doctor_say(
				f, XT_STATUS_FAIL,
				"rp_filter (net.ipv4.conf.all.rp_filter %d, .%s.rp_filter %d: %s) "
				"drops what peer %s sends from %s to the forward-from ports: the "
				"way "
				"back to %s does not leave by %s",
				all, p->ov.dev, dev,
				(all > dev ? all : dev) == 1 ? "strict" : "loose",
				st->peers[i].spec.name, a, a, p->ov.dev);
			xt_doctor_fix(
				f,
				"route %s into the overlay ('ip route replace %s dev %s'), or make "
				"rp_filter loose ('sysctl -w net.ipv4.conf.all.rp_filter=2 "
				"net.ipv4.conf.%s.rp_filter=2')",
				a, a, p->ov.dev, p->ov.dev);
			return;
		}
	}
	xt_doctor_say(
		f, XT_STATUS_OK,
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
void xt_doctor_check_routes(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_ROUTES, p->ov.dev);
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
				xt_doctor_say(
					f, XT_STATUS_FAIL,
					"the kernel route %s (%s) shadows peer %s's allowed-ip %s: "
					"packets to it leave by %s, not %s",
					r, dev_name(p->others[k].oif, out), peer, a, out,
					p->ov.dev);
				xt_doctor_fix(
					f,
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
			xt_doctor_say(f, XT_STATUS_FAIL,
				      "no route sends peer %s's allowed-ip %s into the overlay: "
				      "the kernel "
				      "%s",
				      peer, a,
				      err ? "has no route to it" : "sends it elsewhere, by ");
			if (!err)
				snprintf(f->what + strlen(f->what),
					 sizeof(f->what) - strlen(f->what),
					 "%s (a policy rule, or a wider route)",
					 dev_name(oif, out));
			xt_doctor_fix(f, "ip route replace %s dev %s", a, p->ov.dev);
		}
	}
	if (bad > 1)
		snprintf(f->what + strlen(f->what), sizeof(f->what) - strlen(f->what),
			 " (and %d more)", bad - 1);
	if (!bad)
		xt_doctor_say(f, XT_STATUS_OK, "all %d allowed-ips are routed into %s", checked,
			      p->ov.dev);
}

static int master_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_MASTER)
			*(int *)data = (int)mnl_attr_get_u32(a);
	}
	return MNL_CB_OK;
}

/* The device ifindex is a port of (a bridge, a bond), or 0. */
static int link_master(int ifindex, int *master)
{
	*master = 0;
	return xt_nl_get_link(ifindex, master_cb, master);
}

/* L2: the frames of VMs and containers reach the overlay through the bridge it is a port
 * of, and the frames it receives leave through that bridge. Alone, the device carries only
 * what the host itself sends on it. */
void xt_doctor_check_bridge(struct findings *fs, const struct patient *p)
{
	struct xt_finding *f = xt_doctor_finding(fs, XT_CHECK_BRIDGE, p->ov.dev);
	char name[IF_NAMESIZE];
	int master, err;

	if (!f)
		return;
	err = link_master(p->ov.ifindex, &master);
	if (err) {
		xt_doctor_say(f, XT_STATUS_WARN, "%s's master device cannot be read: %s", p->ov.dev,
			      strerror(-err));
		return;
	}
	if (!master) {
		xt_doctor_say(f, XT_STATUS_WARN,
			      "%s is no bridge's port: an L2 overlay carries the frames of what "
			      "is bridged to it, and only the host's own here",
			      p->ov.dev);
		xt_doctor_fix(f, "ip link set %s master BRIDGE", p->ov.dev);
		return;
	}
	xt_doctor_say(f, XT_STATUS_OK, "%s is a port of %s", p->ov.dev, dev_name(master, name));
}
