// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Peers: add, set, del. A peer is an endpoint (xt_peers) and its allowed-ips, which are
 * both its routes in the trie (egress) and the sources it may send from (ingress), plus
 * one kernel route per prefix through the overlay device. Prefixes of both families share
 * the one route trie, IPv4 as IPv4-mapped IPv6 (see include/xtunnel_shared.h). The
 * commands read and change both through the overlay's view (view.h).
 *
 * Order matters, for a command that fails and for one that is killed: the data path uses
 * routes alone (encap sends to the route's endpoint, decap takes an inner source only from
 * the endpoint its route names), so a peer entry without routes can do nothing, while a
 * route without its peer entry is usable and hidden from `show`. So the peer entry goes in
 * first and its routes after it, and on removal the routes go first and the entry last:
 * whenever a command stops, nothing is usable that a finished command would not have
 * left. What such a stop leaves behind the next command cleans up (view.c). Any failure
 * undoes what the command did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "counters.h"
#include "dev.h"
#include "errmsg.h"
#include "lock.h"
#include "netlink.h"
#include "view.h"

static const char *family_name(uint8_t family)
{
	return family == XT_FAMILY_V4 ? "IPv4" : "IPv6";
}

/* The endpoint must be reachable the way this overlay sends: same underlay family, and a
 * port only where the encapsulation has one (UDP). */
static int endpoint_validate(const struct xt_overlay *ov, const struct xt_ip *ep, uint16_t port)
{
	char a[INET6_ADDRSTRLEN], local[INET6_ADDRSTRLEN];
	struct xt_ip own;

	xt_format_ip(ep, a, sizeof(a));
	xt_ip_from_bytes(&own, ov->cfg.local);
	xt_format_ip(&own, local, sizeof(local));
	if (ep->family != ov->cfg.family)
		return xt_err_input(
			-EINVAL, "endpoint %s is %s but overlay %s's underlay is %s (local %s)", a,
			family_name(ep->family), ov->dev, family_name(ov->cfg.family), local);
	if (port && !xt_encap_is_udp(ov->cfg.encap))
		return xt_err_input(-EINVAL, "endpoint %s port %u: encap %s has no port", a, port,
				    xt_encap_name((enum xt_encap)ov->cfg.encap));
	if (!memcmp(ep->addr, ov->cfg.local, XT_ADDR_LEN))
		return xt_err_input(-EINVAL, "endpoint %s is this overlay's own address", a);
	return 0;
}

/*
 * What an IPv6 prefix needs. An overlay device that can carry IPv6, for its kernel route.
 * And to stay clear of ::ffff:0:0/96: a prefix that covers it (::/0 does) would also be the
 * longest match of every IPv4 address no IPv4 prefix holds, so IPv4 traffic without a
 * route would go to that peer, and the peer could send from any such IPv4 source. Refused
 * until the data path can tell the families apart in a match.
 */
static int prefix_ipv6_validate(const struct xt_overlay *ov, const struct xt_prefix *p)
{
	static const uint8_t mapped[XT_ADDR_LEN] = { [10] = 0xff, [11] = 0xff };
	char a[INET6_ADDRSTRLEN + 4];
	uint32_t mtu;

	if (p->ip.family != XT_FAMILY_V6)
		return 0;
	xt_format_prefix(p, a, sizeof(a));
	/* Below 1280 bytes the kernel gives a device no IPv6 at all (RFC 8200 section 5), so
	 * the prefix could have no kernel route through it. */
	if (!xt_dev_mtu(ov->dev, &mtu) && mtu < 1280)
		return xt_err_input(-EINVAL,
				    "allowed-ips %s: overlay %s has MTU %u, below the 1280 IPv6 "
				    "needs, so it carries no IPv6",
				    a, ov->dev, mtu);
	if (!xt_bits_equal(p->ip.addr, mapped, p->len < 96 ? p->len : 96))
		return 0;
	return xt_err_input(-EINVAL,
			    "allowed-ips %s covers ::ffff:0:0/96, where xtunnel keeps IPv4 "
			    "prefixes: list IPv6 prefixes outside it (all global and unique-local "
			    "IPv6 is 2000::/3,fc00::/7)",
			    a);
}

static void peer_name_of(const struct xt_view *v, uint32_t id, char *buf, size_t len)
{
	if (id < v->ov.cfg.max_peers && v->by_id[id])
		snprintf(buf, len, "%s", v->by_id[id]->val.name);
	else
		snprintf(buf, len, "#%u", id);
}

/* A peer's allowed-ips never hold an address of the overlay device itself: the peer could
 * then send as this host, to this host, and claim its address in ARP or ND. */
static int prefix_own_validate(const struct xt_view *v, const struct xt_prefix *p)
{
	char a[INET6_ADDRSTRLEN + 4], own[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < v->n_own; i++) {
		if (v->own[i].ip.family != p->ip.family ||
		    !xt_bits_equal(v->own[i].ip.addr, p->ip.addr, xt_prefix_key_len(p)))
			continue;
		xt_format_prefix(p, a, sizeof(a));
		xt_format_ip(&v->own[i].ip, own, sizeof(own));
		return xt_err_input(-EINVAL,
				    "allowed-ips %s holds %s, an address of %s itself: a peer's "
				    "allowed-ips must leave out this host's overlay addresses",
				    a, own, v->ov.dev);
	}
	return 0;
}

/* The refusal of allowed-ips p, which overlap q of peer `id` of v; `why` ends the message. */
static int overlap_refused(const struct xt_view *v, const struct xt_prefix *p,
			   const struct xt_prefix *q, uint32_t id, const char *why)
{
	char a[INET6_ADDRSTRLEN + 4], b[INET6_ADDRSTRLEN + 4], owner[XT_PEER_NAME_LEN + 8];

	xt_format_prefix(p, a, sizeof(a));
	xt_format_prefix(q, b, sizeof(b));
	peer_name_of(v, id, owner, sizeof(owner));
	return xt_err_input(-EEXIST, "allowed-ips %s overlaps %s of peer %s%s", a, b, owner, why);
}

/*
 * Another overlay of this host holds none of the prefixes: the kernel routes a prefix
 * through one device, so the second overlay would get no kernel route, and two overlays
 * would take the same sources from their peers. `move` does not apply across overlays.
 */
static int other_overlay_validate(struct xt_view *other, void *ctx)
{
	const struct xt_peer_spec *o = ctx;
	char why[IF_NAMESIZE + 40];
	struct xt_prefix q;
	struct xt_route r;
	int i;

	snprintf(why, sizeof(why), " of overlay %s: one prefix, one overlay", other->ov.dev);
	for (i = 0; i < o->n_allowed; i++)
		if (xt_view_overlap(other, &o->allowed[i], -1, &q, &r))
			return overlap_refused(other, &o->allowed[i], &q, r.peer_id, why);
	return 0;
}

/*
 * A prefix that overlaps another peer's (the same, inside it, or around it) is refused
 * unless the request says `move`: then an identical prefix changes owner and an
 * overlapping one is added beside it (the longest prefix wins, as in any route table).
 */
static int allowed_validate(struct xt_view *v, const struct xt_peer_spec *o, bool move, int self_id)
{
	struct xt_prefix q;
	struct xt_route r;
	uint32_t adding = 0;
	int i, err;

	for (i = 0; i < o->n_allowed; i++) {
		err = prefix_ipv6_validate(&v->ov, &o->allowed[i]);
		if (err)
			return err;
		if (!move && xt_view_overlap(v, &o->allowed[i], self_id, &q, &r))
			return overlap_refused(v, &o->allowed[i], &q, r.peer_id,
					       " (add 'move' to take it)");
		err = prefix_own_validate(v, &o->allowed[i]);
		if (err)
			return err;
		if (!xt_view_route(v, &o->allowed[i]))
			adding++;
	}
	if (v->routes.count + adding > v->ov.cfg.max_routes)
		return xt_err_input(
			-ENOSPC, "route table full (%u prefixes): attach with a larger max-routes",
			v->ov.cfg.max_routes);
	return xt_view_each_other(v, other_overlay_validate, (void *)o);
}

static int kernel_route_add(const struct xt_overlay *ov, const struct xt_prefix *p)
{
	char a[INET6_ADDRSTRLEN + 4];
	int err = xt_nl_route(true, ov->ifindex, p);

	xt_format_prefix(p, a, sizeof(a));
	if (err == -EEXIST) {
		/* Usually the overlay's own connected subnet; if it points elsewhere the user
		 * has a reason, and we do not take it over. */
		xt_warn("a kernel route to %s exists already; xtunnel left it as it is", a);
		return 0;
	}
	if (err)
		return xt_err(err, "adding route %s dev %s: %s", a, ov->dev, strerror(-err));
	return 0;
}

static void kernel_route_del(const struct xt_overlay *ov, const struct xt_prefix *p)
{
	xt_nl_route(false, ov->ifindex, p); /* ours carry XT_RTPROT; others do not match */
}

static int route_insert(struct xt_view *v, const struct xt_prefix *p, const struct xt_route *val,
			uint64_t flags)
{
	char a[INET6_ADDRSTRLEN + 4];
	int err = xt_view_route_put(v, p, val, flags);

	if (err) {
		xt_format_prefix(p, a, sizeof(a));
		return xt_err(err, "adding %s to the route map: %s", a, strerror(-err));
	}
	return 0;
}

/* What a prefix's route was before a command changed it, to undo the change. */
struct route_before {
	bool existed;
	struct xt_route route;
};

static struct route_before route_before(const struct xt_view *v, const struct xt_prefix *p)
{
	const struct xt_route *r = xt_view_route(v, p);
	struct route_before b = { .existed = r != NULL };

	if (r)
		b.route = *r;
	return b;
}

/* Undo route_insert: give a moved prefix back to its owner, or remove it. */
static void route_restore(struct xt_view *v, const struct xt_prefix *p,
			  const struct route_before *b)
{
	if (b->existed)
		xt_view_route_put(v, p, &b->route, BPF_ANY);
	else
		xt_view_route_del(v, p);
}

static int peer_add_locked(const struct xt_peer_spec *o, bool move, struct xt_view *v)
{
	struct route_before *before = NULL;
	struct xt_peer_key key = {};
	struct xt_route rv = {};
	struct xt_peer pv = {};
	int err, i, added = 0, kadded = 0;
	char a[INET6_ADDRSTRLEN];
	uint32_t id;

	err = xt_peer_name_check(o->name);
	if (err)
		return err;
	if (!(o->has & XT_PEER_ENDPOINT) || !(o->has & XT_PEER_ALLOWED))
		return xt_err_input(-EINVAL, "peer add needs 'endpoint' and 'allowed-ips'");
	err = endpoint_validate(&v->ov, &o->endpoint, o->port);
	if (err)
		return err;
	if (xt_view_peer_named(v, o->name))
		return xt_err_input(-EEXIST, "peer %s exists already (use 'peer set')", o->name);
	memcpy(key.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	if (!bpf_map_lookup_elem(v->ov.fd[XT_MAP_PEERS], &key, &pv)) {
		xt_format_ip(&o->endpoint, a, sizeof(a));
		return xt_err_input(-EEXIST, "endpoint %s is peer %.*s's already", a,
				    XT_PEER_NAME_LEN, pv.name);
	}
	id = xt_view_free_id(v);
	if (id >= v->ov.cfg.max_peers)
		return xt_err_input(-ENOSPC,
				    "peer table full (%u peers): attach with a larger max-peers",
				    v->ov.cfg.max_peers);
	err = allowed_validate(v, o, move, -1);
	if (err)
		return err;
	before = calloc((size_t)o->n_allowed + 1, sizeof(*before));
	if (!before)
		return xt_err(-ENOMEM, "out of memory");

	err = xt_peer_stats_reset(v->ov.fd[XT_MAP_PEER_STATS], id);
	if (err) {
		err = xt_err(err, "resetting counters: %s", strerror(-err));
		goto out;
	}
	rv.peer_id = id;
	memcpy(rv.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	rv.port = o->port ? o->port : v->ov.cfg.port;
	memset(&pv, 0, sizeof(pv));
	snprintf(pv.name, sizeof(pv.name), "%s", o->name);
	pv.id = id;
	pv.port = rv.port;
	/* The peer first, its routes after it (see the top of this file). */
	err = xt_view_peer_add(v, &key, &pv);
	if (err) {
		err = xt_err(err, "adding peer %s: %s", o->name, strerror(-err));
		goto out;
	}
	for (added = 0; added < o->n_allowed; added++) {
		before[added] = route_before(v, &o->allowed[added]);
		err = route_insert(v, &o->allowed[added], &rv, move ? BPF_ANY : BPF_NOEXIST);
		if (err)
			goto undo;
	}
	for (kadded = 0; kadded < o->n_allowed; kadded++) {
		if (before[kadded].existed)
			continue; /* moved from another peer: its kernel route is there */
		err = kernel_route_add(&v->ov, &o->allowed[kadded]);
		if (err)
			goto undo;
	}
	goto out;

undo:
	for (i = 0; i < kadded; i++)
		if (!before[i].existed)
			kernel_route_del(&v->ov, &o->allowed[i]);
	for (i = 0; i < added; i++)
		route_restore(v, &o->allowed[i], &before[i]);
	xt_view_peer_del(v, xt_view_peer_named(v, o->name));
out:
	free(before);
	return err;
}

/* The prefix of the i-th route of a peer. */
static struct xt_prefix peer_route(const struct xt_view_peer *pe, uint32_t i)
{
	struct xt_prefix p;

	xt_prefix_from_key(&p, pe->routes[i].prefixlen, pe->routes[i].addr);
	return p;
}

/* Moves a peer to a new endpoint/port: its entry first (view.c), then its routes. */
static int peer_move(struct xt_view *v, struct xt_view_peer *pe, const struct xt_ip *ep,
		     uint16_t port)
{
	struct xt_peer_key key = {};
	struct xt_peer other;
	struct xt_route rv = { .peer_id = pe->val.id, .port = port };
	char a[INET6_ADDRSTRLEN];
	uint32_t i;
	int err;

	memcpy(key.endpoint, ep->addr, XT_ADDR_LEN);
	if (memcmp(pe->key.endpoint, ep->addr, XT_ADDR_LEN) &&
	    !bpf_map_lookup_elem(v->ov.fd[XT_MAP_PEERS], &key, &other)) {
		xt_format_ip(ep, a, sizeof(a));
		return xt_err_input(-EEXIST, "endpoint %s is peer %.*s's already", a,
				    XT_PEER_NAME_LEN, other.name);
	}
	err = xt_view_peer_rekey(v, pe, &key, port);
	if (err)
		return xt_err(err, "updating peer %s: %s", pe->val.name, strerror(-err));
	memcpy(rv.endpoint, ep->addr, XT_ADDR_LEN);
	for (i = 0; i < pe->n_routes; i++) {
		struct xt_prefix p = peer_route(pe, i);

		xt_view_route_put(v, &p, &rv, BPF_EXIST);
	}
	return 0;
}

static bool prefix_listed(const struct xt_prefix *list, int n, const struct xt_prefix *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (xt_prefix_equal(&list[i], p))
			return true;
	return false;
}

/* The peer's prefixes, copied: removing routes changes the peer's list. */
static struct xt_prefix *peer_prefixes(const struct xt_view_peer *pe)
{
	struct xt_prefix *list = calloc(pe->n_routes ? pe->n_routes : 1, sizeof(*list));
	uint32_t i;

	for (i = 0; list && i < pe->n_routes; i++)
		list[i] = peer_route(pe, i);
	return list;
}

/* Replaces the peer's allowed-ips: new prefixes are added before old ones go. */
static int peer_set_allowed(struct xt_view *v, struct xt_view_peer *pe,
			    const struct xt_peer_spec *o)
{
	struct xt_route rv = { .peer_id = pe->val.id, .port = pe->val.port };
	struct route_before *before = calloc((size_t)o->n_allowed + 1, sizeof(*before));
	struct xt_prefix *added = calloc((size_t)o->n_allowed + 1, sizeof(*added)), *old;
	uint32_t n_old, j;
	int i, n_added = 0, err = 0;

	if (!before || !added) {
		err = xt_err(-ENOMEM, "out of memory");
		goto out;
	}
	memcpy(rv.endpoint, pe->key.endpoint, XT_ADDR_LEN);
	for (i = 0; i < o->n_allowed; i++) {
		struct route_before b = route_before(v, &o->allowed[i]);

		if (b.existed && b.route.peer_id == pe->val.id)
			continue;
		/* An existing entry is another peer's, taken with 'move' (validated). */
		err = route_insert(v, &o->allowed[i], &rv, b.existed ? BPF_ANY : BPF_NOEXIST);
		if (!err && !b.existed) {
			err = kernel_route_add(&v->ov, &o->allowed[i]);
			if (err)
				xt_view_route_del(v, &o->allowed[i]);
		}
		if (err)
			goto undo;
		before[n_added] = b;
		added[n_added++] = o->allowed[i];
	}
	old = peer_prefixes(pe);
	if (!old) {
		err = xt_err(-ENOMEM, "out of memory");
		goto undo;
	}
	n_old = pe->n_routes;
	for (j = 0; j < n_old; j++) {
		if (prefix_listed(o->allowed, o->n_allowed, &old[j]))
			continue;
		kernel_route_del(&v->ov, &old[j]);
		xt_view_route_del(v, &old[j]);
	}
	free(old);
	goto out;
undo:
	for (i = 0; i < n_added; i++) {
		if (!before[i].existed)
			kernel_route_del(&v->ov, &added[i]);
		route_restore(v, &added[i], &before[i]);
	}
out:
	free(before);
	free(added);
	return err;
}

static int peer_set_locked(const struct xt_peer_spec *o, bool move, struct xt_view *v)
{
	struct xt_view_peer *pe = xt_view_peer_named(v, o->name);
	struct xt_ip ep, orig_ep;
	uint16_t port, orig_port;
	int err;

	if (!pe)
		return xt_err_input(-ENOENT, "no peer named %s", o->name);
	if (!(o->has & (XT_PEER_ENDPOINT | XT_PEER_ALLOWED)))
		return xt_err_input(-EINVAL, "peer set needs 'endpoint' or 'allowed-ips'");
	xt_ip_from_bytes(&orig_ep, pe->key.endpoint);
	orig_port = pe->val.port;
	ep = orig_ep;
	port = orig_port;
	if (o->has & XT_PEER_ENDPOINT) {
		err = endpoint_validate(&v->ov, &o->endpoint, o->port);
		if (err)
			return err;
		ep = o->endpoint;
		port = o->port ? o->port : v->ov.cfg.port;
	}
	if (o->has & XT_PEER_ALLOWED) {
		err = allowed_validate(v, o, move, (int)pe->val.id);
		if (err)
			return err;
	}
	if (o->has & XT_PEER_ENDPOINT) {
		err = peer_move(v, pe, &ep, port);
		if (err)
			return err;
	}
	if (o->has & XT_PEER_ALLOWED) {
		err = peer_set_allowed(v, pe, o);
		if (err && (o->has & XT_PEER_ENDPOINT))
			peer_move(v, pe, &orig_ep, orig_port);
		if (err)
			return err;
	}
	return 0;
}

/* The routes first, then the peer (see the top of this file). */
static int peer_del_locked(const char *name, struct xt_view *v)
{
	struct xt_view_peer *pe = xt_view_peer_named(v, name);
	struct xt_prefix *prefixes;
	uint32_t i, n;
	int err;

	if (!pe)
		return xt_err_input(-ENOENT, "no peer named %s", name ? name : "");
	prefixes = peer_prefixes(pe);
	if (!prefixes)
		return xt_err(-ENOMEM, "out of memory");
	n = pe->n_routes;
	for (i = 0; i < n; i++) {
		kernel_route_del(&v->ov, &prefixes[i]);
		xt_view_route_del(v, &prefixes[i]);
	}
	free(prefixes);
	err = xt_view_peer_del(v, pe);
	if (err)
		return xt_err(err, "removing peer %s: %s", name, strerror(-err));
	return 0;
}

enum peer_op { PEER_ADD, PEER_SET, PEER_DEL };

static int peer_op(enum peer_op op, const char *dev, const struct xt_peer_spec *o,
		   unsigned int flags, const char *name)
{
	bool move = flags & XT_PEER_MOVE;
	struct xt_view *v;
	int lock, err;

	/* What the spec holds must be readable: a name with its end, a list of its length. */
	if (o &&
	    (!memchr(o->name, 0, sizeof(o->name)) ||
	     ((o->has & XT_PEER_ALLOWED) && (o->n_allowed < 0 || (o->n_allowed && !o->allowed)))))
		return xt_err_input(-EINVAL, "peer: a name without its end, or a list without "
					     "its prefixes");
	lock = xt_lock();
	if (lock < 0)
		return lock;
	err = xt_view_get(dev, &v);
	if (err)
		goto out;
	if (op == PEER_ADD)
		err = peer_add_locked(o, move, v);
	else if (op == PEER_SET)
		err = peer_set_locked(o, move, v);
	else
		err = peer_del_locked(name, v);
	xt_view_put(v);
out:
	xt_unlock(lock);
	return err;
}

int xt_peer_add(const char *dev, const struct xt_peer_spec *peer, unsigned int flags)
{
	return peer_op(PEER_ADD, dev, peer, flags, NULL);
}

int xt_peer_set(const char *dev, const struct xt_peer_spec *peer, unsigned int flags)
{
	return peer_op(PEER_SET, dev, peer, flags, NULL);
}

int xt_peer_del(const char *dev, const char *name)
{
	return peer_op(PEER_DEL, dev, NULL, 0, name);
}
