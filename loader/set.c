// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * overlay set: the settings a running overlay takes without being made again
 * (XT_OV_LIVE): the overlay device's addresses and MTU, and the forward-from ports while
 * it forwards. The others are the programs' configuration (rodata, which the kernel froze
 * at load), the maps' sizes, or the devices the programs are attached to: fixed at attach.
 * A failure undoes what the call changed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "addr.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "netlink.h"
#include "overlay.h"
#include "view.h"

struct set_request {
	const struct xt_overlay_spec *spec;
	unsigned int flags;
};

/* What the call changed, to undo it. */
struct set_undo {
	uint32_t mtu;		 /* 0: unchanged */
	struct xt_prefix *addrs; /* the addresses before */
	int n_addrs;
	bool addrs_changed;
};

static bool addr_listed(const struct xt_prefix *list, int n, const struct xt_prefix *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i].ip.family == p->ip.family && list[i].len == p->len &&
		    !memcmp(list[i].ip.addr, p->ip.addr, XT_ADDR_LEN))
			return true;
	return false;
}

static bool any_ipv6(const struct xt_prefix *list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i].ip.family == XT_FAMILY_V6)
			return true;
	return false;
}

/* Bits of `has` a running overlay cannot take, named in one message. */
static int refuse_fixed(const char *dev, uint32_t fixed)
{
	char names[256] = "";
	size_t len = 0;
	uint32_t bit;

	for (bit = 1; bit && len < sizeof(names); bit <<= 1)
		if (fixed & bit)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? ", " : "", xt_setting_name(bit));
	return xt_err_input(-EINVAL,
			    "%s: cannot change on running overlay %s (detach and attach it "
			    "again)",
			    names, dev);
}

/*
 * The MTU: what the uplink carries, and never across 1280. Below 1280 the kernel takes IPv6
 * off the device (RFC 8200 section 5), and brings it back above with the namespace's
 * defaults: a link-local address and router advertisements, which attach turned off.
 */
static int check_mtu(const struct xt_overlay *ov, uint32_t mtu, uint32_t now,
		     const struct xt_prefix *addrs, int n_addrs)
{
	uint32_t overhead = xt_encap_overhead(ov->cfg.encap, ov->cfg.family, ov->cfg.has_key);
	char uplink[IF_NAMESIZE] = "?";
	uint32_t uplink_mtu;
	int err;

	if_indextoname(ov->cfg.uplink_ifindex, uplink);
	err = xt_dev_mtu(uplink, &uplink_mtu);
	if (err)
		return xt_err(err, "uplink %s: reading its MTU: %s", uplink, strerror(-err));
	if (mtu < 68 || mtu + overhead > uplink_mtu)
		return xt_err_input(
			-EINVAL, "mtu %u: must be 68 to %u (uplink %s MTU %u minus %u for %s)", mtu,
			uplink_mtu > overhead ? uplink_mtu - overhead : 0, uplink, uplink_mtu,
			overhead, xt_encap_name((enum xt_encap)ov->cfg.encap));
	if ((mtu < 1280) != (now < 1280))
		return xt_err_input(-EINVAL,
				    "mtu %u: from %u it would cross 1280, below which the kernel "
				    "takes IPv6 off %s; detach and attach it again",
				    mtu, now, ov->dev);
	if (mtu < 1280 && any_ipv6(addrs, n_addrs))
		return xt_err_input(-EINVAL, "mtu %u: an IPv6 address needs at least 1280", mtu);
	return 0;
}

static int check_addrs(const struct xt_overlay_spec *s)
{
	char a[INET6_ADDRSTRLEN];
	int i, j;

	if (s->n_addrs < 0 || s->n_addrs > XT_MAX_ADDRS)
		return xt_err_input(-EINVAL, "address: %d of them, at most %d", s->n_addrs,
				    XT_MAX_ADDRS);
	for (i = 0; i < s->n_addrs; i++) {
		xt_format_ip(&s->addrs[i].ip, a, sizeof(a));
		if (s->addrs[i].ip.family != XT_FAMILY_V4 && s->addrs[i].ip.family != XT_FAMILY_V6)
			return xt_err_input(-EINVAL, "address: no address family");
		for (j = 0; j < i; j++)
			if (s->addrs[j].ip.family == s->addrs[i].ip.family &&
			    !memcmp(s->addrs[j].ip.addr, s->addrs[i].ip.addr, XT_ADDR_LEN))
				return xt_err_input(-EEXIST, "address %s: given twice", a);
	}
	return 0;
}

/* No peer's allowed-ips hold an address of the device (the rule peer add keeps too). */
static int check_addrs_peers(struct xt_view *v, const struct xt_prefix *addrs, int n)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN + 4];
	struct xt_prefix host, q;
	struct xt_route r;
	int i;

	for (i = 0; i < n; i++) {
		host.ip = addrs[i].ip;
		host.len = addrs[i].ip.family == XT_FAMILY_V4 ? 32 : 128;
		if (!xt_view_overlap(v, &host, -1, &q, &r))
			continue;
		xt_format_ip(&host.ip, a, sizeof(a));
		xt_format_prefix(&q, b, sizeof(b));
		return xt_err_input(-EINVAL,
				    "address %s lies in allowed-ips %s of peer %s: a peer's "
				    "allowed-ips must leave out this host's overlay addresses",
				    a, b,
				    r.peer_id < v->ov.cfg.max_peers && v->by_id[r.peer_id]
					    ? v->by_id[r.peer_id]->val.name
					    : "?");
	}
	return 0;
}

/* The forward-from ports: while the overlay forwards, any list that forwards. */
static int check_forward(const struct xt_overlay *ov, const struct xt_overlay_spec *s,
			 struct xt_overlay_spec *ports)
{
	uint32_t now[XT_MAX_FWD_PORTS];
	int n_now;

	xt_fwd_ports(ov, now, XT_MAX_FWD_PORTS, &n_now);
	if ((n_now > 0) != (s->n_forward > 0))
		return xt_err_input(-EINVAL,
				    "forward-from: turning forwarding %s changes the programs' "
				    "configuration of %s; detach and attach it again",
				    n_now ? "off" : "on", ov->dev);
	if (s->n_forward < 0 || s->n_forward > XT_MAX_FWD_PORTS)
		return xt_err_input(-EINVAL, "forward-from: %d of them, at most %d", s->n_forward,
				    XT_MAX_FWD_PORTS);
	*ports = *s;
	ports->xdp_mode = (enum xt_xdp_mode)ov->cfg.xdp_mode;
	if (!if_indextoname(ov->cfg.uplink_ifindex, ports->uplink))
		return xt_err_input(-ENODEV, "the uplink of %s is gone", ov->dev);
	return xt_fwd_validate(ports);
}

/* Both ends of the pair: the receiving end first when the MTU grows, last when it shrinks,
 * so that no end sends what the other would refuse (veth drops what exceeds its peer's). */
static int apply_mtu(const struct xt_overlay *ov, uint32_t mtu, uint32_t now)
{
	int ends[2] = { (int)ov->cfg.overlay_peer_ifindex, ov->ifindex }, i, err;

	if (mtu < now) {
		ends[0] = ov->ifindex;
		ends[1] = (int)ov->cfg.overlay_peer_ifindex;
	}
	for (i = 0; i < 2; i++) {
		err = xt_nl_link_mtu(ends[i], mtu);
		if (err) {
			if (i)
				xt_nl_link_mtu(ends[0], now);
			return xt_err(err, "setting the MTU of %s to %u: %s", ov->dev, mtu,
				      strerror(-err));
		}
	}
	return 0;
}

/*
 * The addresses made s's: those to go first (removing an IPv4 primary address takes its
 * secondaries along, unless promote_secondaries), then those missing, read again.
 */
static int apply_addrs(const struct xt_overlay *ov, const struct xt_overlay_spec *s,
		       const struct xt_prefix *now, int n_now)
{
	char a[INET6_ADDRSTRLEN + 4];
	struct xt_prefix *left;
	int i, n_left, err;

	for (i = 0; i < n_now; i++) {
		if (addr_listed(s->addrs, s->n_addrs, &now[i]))
			continue;
		err = xt_nl_addr(false, ov->ifindex, &now[i]);
		if (err && err != -EADDRNOTAVAIL) {
			xt_format_prefix(&now[i], a, sizeof(a));
			return xt_err(err, "removing address %s from %s: %s", a, ov->dev,
				      strerror(-err));
		}
	}
	err = xt_nl_addrs(ov->ifindex, &left, &n_left);
	if (err)
		return xt_err(err, "reading the addresses of %s: %s", ov->dev, strerror(-err));
	for (i = 0; i < s->n_addrs && !err; i++) {
		if (addr_listed(left, n_left, &s->addrs[i]))
			continue;
		err = xt_nl_addr(true, ov->ifindex, &s->addrs[i]);
		if (err) {
			xt_format_prefix(&s->addrs[i], a, sizeof(a));
			err = xt_err(err, "adding address %s to %s: %s", a, ov->dev,
				     strerror(-err));
		}
	}
	free(left);
	return err;
}

/* Puts back what the call changed; the error that made it stop stays the one reported. */
static void undo(const struct xt_overlay *ov, const struct set_undo *u, uint32_t mtu)
{
	struct xt_overlay_spec before = {};
	bool input = xt_err_is_input();
	struct xt_prefix *now;
	char msg[512];
	int n_now;

	snprintf(msg, sizeof(msg), "%s", xt_errmsg());
	if (u->addrs_changed && !xt_nl_addrs(ov->ifindex, &now, &n_now)) {
		memcpy(before.addrs, u->addrs, (size_t)u->n_addrs * sizeof(*u->addrs));
		before.n_addrs = u->n_addrs;
		apply_addrs(ov, &before, now, n_now);
		free(now);
	}
	if (u->mtu)
		apply_mtu(ov, u->mtu, mtu);
	if (input)
		xt_err_input(0, "%s", msg);
	else
		xt_err(0, "%s", msg);
}

static int set_locked(const void *arg)
{
	const struct set_request *req = arg;
	const struct xt_overlay_spec *s = req->spec;
	bool check_only = req->flags & XT_SET_CHECK;
	struct xt_overlay_spec ports;
	struct set_undo u = {};
	struct xt_view *v = NULL;
	struct xt_overlay ov;
	const struct xt_prefix *addrs;
	uint32_t now, mtu;
	int n_addrs, err;

	xt_overlay_init(&ov);
	if (!memchr(s->dev, 0, IF_NAMESIZE))
		return xt_err_input(-EINVAL, "dev: a name without its end");
	err = xt_dev_name_check("dev", s->dev);
	if (err)
		return err;
	if (s->has & ~(uint32_t)XT_OV_LIVE)
		return refuse_fixed(s->dev, s->has & ~(uint32_t)XT_OV_LIVE);
	err = xt_overlay_open(s->dev, &ov);
	if (err)
		return err;
	err = xt_nl_addrs(ov.ifindex, &u.addrs, &u.n_addrs);
	if (!err)
		err = xt_dev_mtu(ov.dev, &now);
	if (err) {
		err = xt_err(err, "reading %s: %s", ov.dev, strerror(-err));
		goto out;
	}
	addrs = s->has & XT_OV_ADDRS ? s->addrs : u.addrs;
	n_addrs = s->has & XT_OV_ADDRS ? s->n_addrs : u.n_addrs;
	mtu = s->has & XT_OV_MTU ? s->mtu : now;
	err = s->has & XT_OV_ADDRS ? check_addrs(s) : 0;
	if (!err)
		err = check_mtu(&ov, mtu, now, addrs, n_addrs);
	if (!err && (s->has & XT_OV_FORWARD_FROM))
		err = check_forward(&ov, s, &ports);
	if (!err && !check_only && (s->has & XT_OV_ADDRS)) {
		err = xt_view_get(ov.dev, &v);
		if (!err)
			err = check_addrs_peers(v, addrs, n_addrs);
		if (v)
			xt_view_put(v);
	}
	if (err || check_only)
		goto out;

	if (mtu != now) {
		err = apply_mtu(&ov, mtu, now);
		if (err)
			goto out;
		u.mtu = now;
	}
	if (s->has & XT_OV_ADDRS) {
		u.addrs_changed = true;
		err = apply_addrs(&ov, s, u.addrs, u.n_addrs);
	}
	if (!err && (s->has & XT_OV_FORWARD_FROM))
		err = xt_fwd_set(&ov, &ports);
	if (err)
		undo(&ov, &u, mtu);
out:
	/* The views of a batch hold the device's addresses: read them again next time. */
	xt_views_forget();
	free(u.addrs);
	xt_overlay_close(&ov);
	return err;
}

int xt_overlay_set(const struct xt_overlay_spec *spec, unsigned int flags)
{
	struct set_request req = { spec, flags };

	return xt_run_locked(set_locked, &req);
}
