// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Peers: add, set, del. A peer is an endpoint (xt_peers) and its allowed-ips, which are
 * both its routes in the trie (egress) and the sources it may send from (ingress), plus
 * one kernel route per prefix through the overlay device. Prefixes of both families share
 * the one route trie, IPv4 as IPv4-mapped IPv6 (see include/xtunnel_shared.h).
 *
 * Order matters for failing closed: routes go in before the peer entry and out before it,
 * so the data path never sees a peer without its prefixes, and a prefix whose peer is gone
 * has no route left (its traffic is dropped by encap, never sent in the clear). Any
 * failure undoes what the command did.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "internal.h"

struct route_entry {
	struct xt_route_key key;
	struct xt_route val;
};

struct routes {
	struct route_entry *e;
	int n;
};

static int routes_load(const struct xt_overlay *ov, struct routes *rs)
{
	struct xt_route_key key, next;
	void *prev = NULL;
	int cap = 0;

	rs->e = NULL;
	rs->n = 0;
	while (!bpf_map_get_next_key(ov->routes_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (rs->n == cap) {
			void *grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(rs->e, (size_t)cap * sizeof(*rs->e));
			if (!grown) {
				free(rs->e);
				return -ENOMEM;
			}
			rs->e = grown;
		}
		if (bpf_map_lookup_elem(ov->routes_fd, &key, &rs->e[rs->n].val))
			continue;
		rs->e[rs->n++].key = key;
	}
	return 0;
}

static struct xt_route_key route_key(const struct xt_prefix *p)
{
	struct xt_route_key k = { .prefixlen = xt_prefix_key_len(p) };

	memcpy(k.addr, p->ip.addr, XT_ADDR_LEN);
	return k;
}

static const struct route_entry *routes_find(const struct routes *rs, const struct xt_prefix *p)
{
	struct xt_route_key k = route_key(p);
	int i;

	for (i = 0; i < rs->n; i++)
		if (!memcmp(&rs->e[i].key, &k, sizeof(k)))
			return &rs->e[i];
	return NULL;
}

static struct xt_prefix entry_prefix(const struct route_entry *e)
{
	struct xt_prefix p;

	xt_prefix_from_key(&p, e->key.prefixlen, e->key.addr);
	return p;
}

struct peer_entry {
	struct xt_peer_key key;
	struct xt_peer val;
};

/*
 * Every peer, read with BPF_MAP_LOOKUP_BATCH: a few syscalls instead of two per peer,
 * which is what lets `xtunnel batch` make about a thousand changes a second.
 */
static int peers_load(const struct xt_overlay *ov, struct xt_peer_key **keys, struct xt_peer **vals,
		      uint32_t *n)
{
	uint32_t cap = ov->cfg.max_peers, batch = 0, count;
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	bool first = true;
	int err = 0;

	*n = 0;
	*keys = calloc(cap + 1, sizeof(**keys));
	*vals = calloc(cap + 1, sizeof(**vals));
	if (!*keys || !*vals)
		return -ENOMEM;
	while (*n < cap) {
		count = cap - *n;
		err = bpf_map_lookup_batch(ov->peers_fd, first ? NULL : &batch, &batch, *keys + *n,
					   *vals + *n, &count, &opts);
		first = false;
		*n += count;
		if (err) {
			err = errno == ENOENT ? 0 : -errno; /* ENOENT: that was the last one */
			break;
		}
	}
	return err;
}

/* 0 and the entry if found; -ENOENT if not. ids (max_peers bools) marks ids in use. */
static int peer_find(const struct xt_overlay *ov, const char *name, struct peer_entry *out,
		     bool *ids, int *count)
{
	struct xt_peer_key *keys;
	struct xt_peer *vals;
	uint32_t n, i;
	int err = peers_load(ov, &keys, &vals, &n);

	if (!err)
		err = -ENOENT;
	if (count)
		*count = (int)n;
	for (i = 0; i < n; i++) {
		if (ids && vals[i].id < ov->cfg.max_peers)
			ids[vals[i].id] = true;
		if (name && !strncmp(vals[i].name, name, XT_PEER_NAME_LEN)) {
			out->key = keys[i];
			out->val = vals[i];
			err = 0;
		}
	}
	free(keys);
	free(vals);
	return err;
}

static int name_validate(const char *name)
{
	const char *c;

	if (!name || !*name)
		return xt_err_input(-EINVAL, "a peer needs a name");
	if (strlen(name) >= XT_PEER_NAME_LEN)
		return xt_err_input(-EINVAL, "peer name '%s' is longer than %d characters", name,
				    XT_PEER_NAME_LEN - 1);
	for (c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			return xt_err_input(-EINVAL,
					    "peer name '%s': use letters, digits, '.', '_' and '-'",
					    name);
	return 0;
}

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

/* Overlap as the trie sees it: the shorter prefix contains the longer one. An IPv4 and an
 * IPv6 prefix never overlap, since allowed_validate keeps IPv6 out of the mapped range. */
static bool prefixes_overlap(const struct xt_prefix *a, const struct route_entry *e)
{
	struct xt_route_key k = route_key(a);
	uint32_t len = k.prefixlen < e->key.prefixlen ? k.prefixlen : e->key.prefixlen;

	return xt_bits_equal(k.addr, e->key.addr, len);
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

static void peer_name_of(const struct xt_overlay *ov, uint32_t id, char *buf, size_t len)
{
	struct xt_peer_key *keys;
	struct xt_peer *vals;
	uint32_t n = 0, i;

	snprintf(buf, len, "#%u", id);
	peers_load(ov, &keys, &vals, &n);
	for (i = 0; i < n; i++)
		if (vals[i].id == id) {
			snprintf(buf, len, "%.*s", XT_PEER_NAME_LEN, vals[i].name);
			break;
		}
	free(keys);
	free(vals);
}

/*
 * A prefix that overlaps another peer's (the same, inside it, or around it) is refused
 * unless the request says `move`: then an identical prefix changes owner and an
 * overlapping one is added beside it (the longest prefix wins, as in any route table).
 */
static int allowed_validate(const struct xt_overlay *ov, const struct routes *rs,
			    const struct xt_peer_opts *o, int self_id)
{
	char a[INET6_ADDRSTRLEN + 4], b[INET6_ADDRSTRLEN + 4], owner[XT_PEER_NAME_LEN + 8];
	int i, j, adding = 0, err;

	for (i = 0; i < o->n_allowed; i++) {
		const struct route_entry *e = routes_find(rs, &o->allowed[i]);

		err = prefix_ipv6_validate(ov, &o->allowed[i]);
		if (err)
			return err;

		for (j = 0; j < rs->n && !o->move; j++) {
			struct xt_prefix p = entry_prefix(&rs->e[j]);

			if ((int)rs->e[j].val.peer_id == self_id ||
			    !prefixes_overlap(&o->allowed[i], &rs->e[j]))
				continue;
			xt_format_prefix(&o->allowed[i], a, sizeof(a));
			xt_format_prefix(&p, b, sizeof(b));
			peer_name_of(ov, rs->e[j].val.peer_id, owner, sizeof(owner));
			return xt_err_input(-EEXIST,
					    "allowed-ips %s overlaps %s of peer %s (add 'move' to "
					    "take it)",
					    a, b, owner);
		}
		if (!e)
			adding++;
	}
	if ((uint32_t)(rs->n + adding) > ov->cfg.max_routes)
		return xt_err_input(
			-ENOSPC, "route table full (%u prefixes): attach with a larger max-routes",
			ov->cfg.max_routes);
	return 0;
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

static int route_write(const struct xt_overlay *ov, const struct xt_route_key *k,
		       const struct xt_route *val, uint64_t flags)
{
	struct xt_route_maps m = xt_route_maps_of(ov);

	return xt_route_put(&m, k, val, flags);
}

static void route_delete(const struct xt_overlay *ov, const struct xt_route_key *k)
{
	struct xt_route_maps m = xt_route_maps_of(ov);

	xt_route_del(&m, k);
}

static int route_insert(const struct xt_overlay *ov, const struct xt_prefix *p,
			const struct xt_route *val, uint64_t flags)
{
	struct xt_route_key k = route_key(p);
	char a[INET6_ADDRSTRLEN + 4];
	int err = route_write(ov, &k, val, flags);

	if (err) {
		xt_format_prefix(p, a, sizeof(a));
		return xt_err(err, "adding %s to the route map: %s", a, strerror(-err));
	}
	return 0;
}

static void route_remove(const struct xt_overlay *ov, const struct xt_prefix *p)
{
	struct xt_route_key k = route_key(p);

	route_delete(ov, &k);
}

/* Undo route_insert: give a moved prefix back to its owner, or remove it. */
static void route_restore(const struct xt_overlay *ov, const struct routes *rs,
			  const struct xt_prefix *p)
{
	const struct route_entry *e = routes_find(rs, p);

	if (e)
		route_write(ov, &e->key, &e->val, BPF_ANY);
	else
		route_remove(ov, p);
}

static int peer_add_locked(const struct xt_peer_opts *o, struct xt_overlay *ov)
{
	struct xt_peer_key key = {};
	struct xt_route rv = {};
	struct xt_peer pv = {};
	struct peer_entry found;
	struct routes rs = { 0 };
	bool *ids = NULL;
	int err, i, added = 0, kadded = 0, count;
	uint32_t id;
	char a[INET6_ADDRSTRLEN];

	err = name_validate(o->name);
	if (err)
		return err;
	if (!o->has_endpoint || !o->has_allowed)
		return xt_err_input(-EINVAL, "peer add needs 'endpoint' and 'allowed-ips'");
	err = endpoint_validate(ov, &o->endpoint, o->port);
	if (err)
		return err;
	ids = calloc(ov->cfg.max_peers, sizeof(*ids));
	if (!ids)
		return xt_err(-ENOMEM, "out of memory");
	if (!peer_find(ov, o->name, &found, ids, &count)) {
		err = xt_err_input(-EEXIST, "peer %s exists already (use 'peer set')", o->name);
		goto out;
	}
	memcpy(key.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	if (!bpf_map_lookup_elem(ov->peers_fd, &key, &pv)) {
		xt_format_ip(&o->endpoint, a, sizeof(a));
		err = xt_err_input(-EEXIST, "endpoint %s is peer %.*s's already", a,
				   XT_PEER_NAME_LEN, pv.name);
		goto out;
	}
	if ((uint32_t)count >= ov->cfg.max_peers) {
		err = xt_err_input(-ENOSPC,
				   "peer table full (%u peers): attach with a larger max-peers",
				   ov->cfg.max_peers);
		goto out;
	}
	for (id = 0; id < ov->cfg.max_peers && ids[id]; id++)
		;
	err = routes_load(ov, &rs);
	if (err)
		goto out;
	err = allowed_validate(ov, &rs, o, -1);
	if (err)
		goto out;

	err = xt_peer_stats_reset(ov->peer_stats_fd, id);
	if (err) {
		err = xt_err(err, "resetting counters: %s", strerror(-err));
		goto out;
	}
	rv.peer_id = id;
	memcpy(rv.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	rv.port = o->port ? o->port : ov->cfg.port;
	for (added = 0; added < o->n_allowed; added++) {
		err = route_insert(ov, &o->allowed[added], &rv, o->move ? BPF_ANY : BPF_NOEXIST);
		if (err)
			goto undo;
	}
	memset(&pv, 0, sizeof(pv));
	snprintf(pv.name, sizeof(pv.name), "%s", o->name);
	pv.id = id;
	pv.port = rv.port;
	if (bpf_map_update_elem(ov->peers_fd, &key, &pv, BPF_NOEXIST)) {
		err = xt_err(-errno, "adding peer %s: %s", o->name, strerror(errno));
		goto undo;
	}
	for (kadded = 0; kadded < o->n_allowed; kadded++) {
		if (routes_find(&rs, &o->allowed[kadded]))
			continue; /* moved from another peer: its kernel route is there */
		err = kernel_route_add(ov, &o->allowed[kadded]);
		if (err)
			goto undo_peer;
	}
	goto out;

undo_peer:
	bpf_map_delete_elem(ov->peers_fd, &key);
	for (i = 0; i < kadded; i++)
		if (!routes_find(&rs, &o->allowed[i]))
			kernel_route_del(ov, &o->allowed[i]);
undo:
	for (i = 0; i < added; i++)
		route_restore(ov, &rs, &o->allowed[i]);
out:
	free(rs.e);
	free(ids);
	return err;
}

/* Moves a peer to a new endpoint/port: new key first, then its routes, then the old key. */
static int peer_move(struct xt_overlay *ov, struct peer_entry *pe, const struct routes *rs,
		     const struct xt_ip *ep, uint16_t port)
{
	struct xt_peer_key key = {};
	struct xt_peer other, val = pe->val;
	bool same = !memcmp(pe->key.endpoint, ep->addr, XT_ADDR_LEN);
	char a[INET6_ADDRSTRLEN];
	int i;

	memcpy(key.endpoint, ep->addr, XT_ADDR_LEN);
	if (!same && !bpf_map_lookup_elem(ov->peers_fd, &key, &other)) {
		xt_format_ip(ep, a, sizeof(a));
		return xt_err_input(-EEXIST, "endpoint %s is peer %.*s's already", a,
				    XT_PEER_NAME_LEN, other.name);
	}
	val.port = port;
	if (bpf_map_update_elem(ov->peers_fd, &key, &val, same ? BPF_EXIST : BPF_NOEXIST)) {
		int err = -errno;

		/* A full map has no room for the new key next to the old one: move it by
		 * delete then insert (packets from either endpoint pass untouched meanwhile). */
		if (err != -E2BIG || bpf_map_delete_elem(ov->peers_fd, &pe->key))
			return xt_err(err, "updating peer %s: %s", val.name, strerror(-err));
		if (bpf_map_update_elem(ov->peers_fd, &key, &val, BPF_NOEXIST)) {
			err = -errno;
			bpf_map_update_elem(ov->peers_fd, &pe->key, &pe->val, BPF_NOEXIST);
			return xt_err(err, "updating peer %s: %s", val.name, strerror(-err));
		}
		same = true; /* the old key is gone already */
	}
	for (i = 0; i < rs->n; i++) {
		struct xt_route rv = rs->e[i].val;

		if (rv.peer_id != val.id)
			continue;
		memcpy(rv.endpoint, ep->addr, XT_ADDR_LEN);
		rv.port = port;
		route_write(ov, &rs->e[i].key, &rv, BPF_EXIST);
	}
	if (!same)
		bpf_map_delete_elem(ov->peers_fd, &pe->key);
	pe->key = key;
	pe->val = val;
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

/* Replaces the peer's allowed-ips: new prefixes are added before old ones go. */
static int peer_set_allowed(struct xt_overlay *ov, const struct peer_entry *pe,
			    const struct routes *rs, const struct xt_peer_opts *o)
{
	struct xt_route rv = { .peer_id = pe->val.id, .port = pe->val.port };
	struct xt_prefix added[XT_MAX_ALLOWED];
	int i, n_added = 0, err = 0;

	memcpy(rv.endpoint, pe->key.endpoint, XT_ADDR_LEN);
	for (i = 0; i < o->n_allowed; i++) {
		const struct route_entry *e = routes_find(rs, &o->allowed[i]);

		if (e && e->val.peer_id == pe->val.id)
			continue;
		/* An existing entry is another peer's, taken with 'move' (validated). */
		err = route_insert(ov, &o->allowed[i], &rv, e ? BPF_ANY : BPF_NOEXIST);
		if (!err && !e) {
			err = kernel_route_add(ov, &o->allowed[i]);
			if (err)
				route_remove(ov, &o->allowed[i]);
		}
		if (err)
			goto undo;
		added[n_added++] = o->allowed[i];
	}
	for (i = 0; i < rs->n; i++) {
		struct xt_prefix p = entry_prefix(&rs->e[i]);

		if (rs->e[i].val.peer_id != pe->val.id ||
		    prefix_listed(o->allowed, o->n_allowed, &p))
			continue;
		kernel_route_del(ov, &p);
		route_remove(ov, &p);
	}
	return 0;
undo:
	for (i = 0; i < n_added; i++) {
		if (!routes_find(rs, &added[i]))
			kernel_route_del(ov, &added[i]);
		route_restore(ov, rs, &added[i]);
	}
	return err;
}

static int peer_set_locked(const struct xt_peer_opts *o, struct xt_overlay *ov)
{
	struct peer_entry pe, orig;
	struct routes rs = { 0 };
	struct xt_ip ep;
	uint16_t port;
	int err;

	if (peer_find(ov, o->name, &pe, NULL, NULL))
		return xt_err_input(-ENOENT, "no peer named %s", o->name ? o->name : "");
	if (!o->has_endpoint && !o->has_allowed)
		return xt_err_input(-EINVAL, "peer set needs 'endpoint' or 'allowed-ips'");
	orig = pe;
	xt_ip_from_bytes(&ep, pe.key.endpoint);
	port = pe.val.port;
	if (o->has_endpoint) {
		err = endpoint_validate(ov, &o->endpoint, o->port);
		if (err)
			return err;
		ep = o->endpoint;
		port = o->port ? o->port : ov->cfg.port;
	}
	err = routes_load(ov, &rs);
	if (err)
		return xt_err(err, "reading routes: %s", strerror(-err));
	if (o->has_allowed) {
		err = allowed_validate(ov, &rs, o, (int)pe.val.id);
		if (err)
			goto out;
	}
	if (o->has_endpoint) {
		err = peer_move(ov, &pe, &rs, &ep, port);
		if (err)
			goto out;
	}
	if (o->has_allowed) {
		err = peer_set_allowed(ov, &pe, &rs, o);
		if (err && o->has_endpoint) {
			struct xt_ip back;

			xt_ip_from_bytes(&back, orig.key.endpoint);
			peer_move(ov, &pe, &rs, &back, orig.val.port);
		}
		if (err)
			goto out;
	}
out:
	free(rs.e);
	return err;
}

static int peer_del_locked(const char *name, struct xt_overlay *ov)
{
	struct peer_entry pe;
	struct routes rs = { 0 };
	int err, i;

	if (peer_find(ov, name, &pe, NULL, NULL))
		return xt_err_input(-ENOENT, "no peer named %s", name ? name : "");
	err = routes_load(ov, &rs);
	if (err)
		return xt_err(err, "reading routes: %s", strerror(-err));
	for (i = 0; i < rs.n; i++) {
		struct xt_prefix p = entry_prefix(&rs.e[i]);

		if (rs.e[i].val.peer_id != pe.val.id)
			continue;
		kernel_route_del(ov, &p);
		route_remove(ov, &p);
	}
	if (bpf_map_delete_elem(ov->peers_fd, &pe.key))
		err = xt_err(-errno, "removing peer %s: %s", name, strerror(errno));
	free(rs.e);
	return err;
}

enum peer_op { PEER_ADD, PEER_SET, PEER_DEL };

static int peer_op(enum peer_op op, const struct xt_peer_opts *o, const char *dev, const char *name)
{
	struct xt_overlay ov;
	int lock, err;

	lock = xt_lock();
	if (lock < 0)
		return lock;
	err = xt_overlay_open(dev, &ov);
	if (err)
		goto out;
	if (op == PEER_ADD)
		err = peer_add_locked(o, &ov);
	else if (op == PEER_SET)
		err = peer_set_locked(o, &ov);
	else
		err = peer_del_locked(name, &ov);
	xt_overlay_close(&ov);
out:
	xt_unlock(lock);
	return err;
}

int xt_peer_add(const struct xt_peer_opts *o)
{
	return peer_op(PEER_ADD, o, o->dev, o->name);
}

int xt_peer_set(const struct xt_peer_opts *o)
{
	return peer_op(PEER_SET, o, o->dev, o->name);
}

int xt_peer_del(const char *dev, const char *name)
{
	return peer_op(PEER_DEL, NULL, dev, name);
}
