// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Peers: add, set, del; those of an L2 overlay are l2_peer.c's. A peer is an endpoint
 * (xt_peers) and its allowed-ips, which are
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
#include "errmsg.h"
#include "l2.h"
#include "lock.h"
#include "netlink.h"
#include "peer_check.h"
#include "view.h"

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
	uint16_t flags = xt_peer_flags_wanted(o, 0);
	struct route_before *before = NULL;
	struct xt_peer_key key = {};
	struct xt_route rv = {};
	struct xt_peer pv = {};
	int err, i, added = 0, kadded = 0;
	uint32_t id;

	err = xt_peer_name_check(o->name);
	if (err)
		return err;
	if (!(o->has & XT_PEER_ENDPOINT) || !(o->has & XT_PEER_ALLOWED))
		return xt_err_input(-EINVAL, "peer add needs 'endpoint' and 'allowed-ips'");
	err = xt_peer_check_endpoint(&v->ov, &o->endpoint, o->port);
	if (!err)
		err = xt_peer_check_flags(&v->ov, flags);
	if (err)
		return err;
	err = xt_peer_check_new(v, o, &id);
	if (err)
		return err;
	memcpy(key.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	err = xt_peer_check_allowed(v, o, move, -1);
	if (err)
		return err;
	before = calloc((size_t)o->n_allowed + 1, sizeof(*before));
	if (!before)
		return xt_err(-ENOMEM, "out of memory");

	err = xt_peer_stats_reset(v->ov.fd[XT_MAP_PEER_STATS], v->ov.fd[XT_MAP_PEER_DROPS], id);
	if (err) {
		err = xt_err(err, "resetting counters: %s", strerror(-err));
		goto out;
	}
	rv.peer_id = id;
	memcpy(rv.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	rv.port = o->port ? o->port : v->ov.cfg.port;
	rv.flags = flags & XT_PEER_F_UDP6_ZERO_CSUM;
	memset(&pv, 0, sizeof(pv));
	snprintf(pv.name, sizeof(pv.name), "%s", o->name);
	pv.id = id;
	pv.port = rv.port;
	pv.flags = flags;
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

/* The route of each of the peer's prefixes, as its entry now says: the endpoint and port,
 * and the flag encap reads. */
static struct xt_route peer_route_value(const struct xt_view_peer *pe)
{
	struct xt_route rv = { .peer_id = pe->val.id, .port = pe->val.port };

	memcpy(rv.endpoint, pe->key.endpoint, XT_ADDR_LEN);
	rv.flags = pe->val.flags & XT_PEER_F_UDP6_ZERO_CSUM;
	return rv;
}

/* Writes every route of the peer again from its entry (peer_route_value), in place. */
static void peer_routes_rewrite(struct xt_view *v, const struct xt_view_peer *pe)
{
	struct xt_route rv = peer_route_value(pe);
	uint32_t i;

	for (i = 0; i < pe->n_routes; i++) {
		struct xt_prefix p = peer_route(pe, i);

		xt_view_route_put(v, &p, &rv, BPF_EXIST);
	}
}

/* Moves a peer to a new endpoint/port: its entry first (view.c), then its routes. */
static int peer_move(struct xt_view *v, struct xt_view_peer *pe, const struct xt_ip *ep,
		     uint16_t port)
{
	struct xt_peer_key key = {};
	struct xt_peer other;
	char a[INET6_ADDRSTRLEN];
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
	peer_routes_rewrite(v, pe);
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
	struct xt_route rv = peer_route_value(pe);
	struct route_before *before = calloc((size_t)o->n_allowed + 1, sizeof(*before));
	struct xt_prefix *added = calloc((size_t)o->n_allowed + 1, sizeof(*added)), *old;
	uint32_t n_old, j;
	int i, n_added = 0, err = 0;

	if (!before || !added) {
		err = xt_err(-ENOMEM, "out of memory");
		goto out;
	}
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
	uint16_t port, orig_port, orig_flags, flags;
	int err;

	if (!pe)
		return xt_err_input(-ENOENT, "no peer named %s", o->name);
	if (!(o->has &
	      (XT_PEER_ENDPOINT | XT_PEER_ALLOWED | XT_PEER_FLAGS | XT_PEER_UDP6_ZERO_CSUM)))
		return xt_err_input(-EINVAL, "peer set needs 'endpoint', 'allowed-ips' or flags");
	xt_ip_from_bytes(&orig_ep, pe->key.endpoint);
	orig_port = pe->val.port;
	orig_flags = pe->val.flags;
	flags = xt_peer_flags_wanted(o, orig_flags);
	ep = orig_ep;
	port = orig_port;
	if (o->has & XT_PEER_ENDPOINT) {
		err = xt_peer_check_endpoint(&v->ov, &o->endpoint, o->port);
		if (err)
			return err;
		ep = o->endpoint;
		port = o->port ? o->port : v->ov.cfg.port;
	}
	if (o->has & (XT_PEER_FLAGS | XT_PEER_UDP6_ZERO_CSUM)) {
		err = xt_peer_check_flags(&v->ov, flags);
		if (err)
			return err;
	}
	if (o->has & XT_PEER_ALLOWED) {
		err = xt_peer_check_allowed(v, o, move, (int)pe->val.id);
		if (err)
			return err;
	}
	/* The flags first: one update of the entry in place, undone if what follows fails;
	 * then the routes, which carry the one encap reads (peer_move writes them anyway). */
	if (flags != orig_flags) {
		err = xt_view_peer_flags(v, pe, flags);
		if (err)
			return xt_err(err, "updating peer %s: %s", pe->val.name, strerror(-err));
		if ((flags ^ orig_flags) & XT_PEER_F_UDP6_ZERO_CSUM)
			peer_routes_rewrite(v, pe);
	}
	if (o->has & XT_PEER_ENDPOINT) {
		err = peer_move(v, pe, &ep, port);
		if (err)
			goto undo;
	}
	if (o->has & XT_PEER_ALLOWED) {
		err = peer_set_allowed(v, pe, o);
		if (err && (o->has & XT_PEER_ENDPOINT))
			peer_move(v, pe, &orig_ep, orig_port);
		if (err)
			goto undo;
	}
	return 0;
undo:
	if (pe->val.flags != orig_flags && !xt_view_peer_flags(v, pe, orig_flags))
		peer_routes_rewrite(v, pe);
	return err;
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
	if (v->ov.mode == XT_MODE_L2 && o &&
	    (xt_peer_flags_wanted(o, 0) & XT_PEER_F_UDP6_ZERO_CSUM))
		err = xt_peer_check_flags(&v->ov, XT_PEER_F_UDP6_ZERO_CSUM);
	else if (v->ov.mode == XT_MODE_L2)
		err = op == PEER_ADD   ? xt_l2_peer_add(v, o)
		      : op == PEER_SET ? xt_l2_peer_set(v, o)
				       : xt_l2_peer_del(v, name);
	else if (o && (o->has & XT_PEER_FLOOD))
		err = xt_err_input(-EINVAL,
				   "flood: overlay %s is an L3 overlay, whose peers "
				   "are reached by their allowed-ips",
				   v->ov.dev);
	else if (op == PEER_ADD)
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
