// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A view read from the maps (view.h): every peer and route, indexed, and what an
 * interrupted command left behind (routes without a peer, a peer twice under one id,
 * routes that name another endpoint than their peer's) settled, with a warning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "errmsg.h"
#include "netlink.h"
#include "routes.h"
#include "view.h"

/* An entry of xt_peers under an id another entry has: what a `peer set endpoint` stopped
 * between writing the new key and removing the old one leaves. */
struct peer_entry {
	struct xt_peer_key key;
	struct xt_peer val;
};

struct leftovers {
	struct peer_entry *twins;
	uint32_t n_twins;
	struct xt_route_key *orphans; /* routes whose peer id has no entry */
	uint32_t n_orphans;
	uint32_t *astray; /* ids of peers with a route that names another endpoint or port */
	uint32_t n_astray;
};

/* Room for element n of an array that doubles: it is full when n is 0 or a power of 2. */
static int grow(void **array, uint32_t n, size_t size)
{
	void *grown;

	if (n & (n - 1))
		return 0;
	grown = realloc(*array, (n ? (size_t)n * 2 : 1) * size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	return 0;
}

/* Every peer, with BPF_MAP_LOOKUP_BATCH: a few syscalls for thousands of them. */
static int read_peers(struct xt_view *v, struct leftovers *l)
{
	enum { CHUNK = 1024 };
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct xt_peer_key *keys = calloc(CHUNK, sizeof(*keys));
	struct xt_peer *vals = calloc(CHUNK, sizeof(*vals));
	uint32_t batch = 0, count, i;
	bool first = true, last = false;
	int err = 0;

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	while (!last) {
		count = CHUNK;
		if (bpf_map_lookup_batch(v->ov.fd[XT_MAP_PEERS], first ? NULL : &batch, &batch,
					 keys, vals, &count, &opts)) {
			if (errno != ENOENT) { /* ENOENT: that was the last of them */
				err = -errno;
				goto out;
			}
			last = true;
		}
		first = false;
		for (i = 0; i < count; i++) {
			vals[i].name[XT_PEER_NAME_LEN - 1] = '\0';
			if (vals[i].id >= v->ov.cfg.max_peers)
				continue; /* no peer xtunnel made: left alone */
			if (!v->by_id[vals[i].id]) {
				err = xt_view_index_peer(v, &keys[i], &vals[i]);
				if (err == -EEXIST) /* a name twice: no peer xtunnel made */
					err = 0;
				if (err)
					goto out;
				continue;
			}
			err = grow((void **)&l->twins, l->n_twins, sizeof(*l->twins));
			if (err)
				goto out;
			l->twins[l->n_twins].key = keys[i];
			l->twins[l->n_twins++].val = vals[i];
		}
	}
out:
	free(keys);
	free(vals);
	return err;
}

/* Every route, from the trie, which holds them all (include/xtunnel_shared.h). */
static int read_routes(struct xt_view *v, struct leftovers *l)
{
	struct xt_route_key key, next;
	struct xt_view_peer *p;
	struct xt_route r;
	void *prev = NULL;
	int err;

	while (!bpf_map_get_next_key(v->ov.fd[XT_MAP_ROUTES], prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(v->ov.fd[XT_MAP_ROUTES], &key, &r))
			continue;
		p = r.peer_id < v->ov.cfg.max_peers ? v->by_id[r.peer_id] : NULL;
		if (!p || key.prefixlen >= XT_KEY_LENS) {
			err = grow((void **)&l->orphans, l->n_orphans, sizeof(*l->orphans));
			if (err)
				return err;
			l->orphans[l->n_orphans++] = key;
			continue;
		}
		err = xt_view_index_route(v, &key, &r);
		if (err)
			return err;
		if (!memcmp(r.endpoint, p->key.endpoint, XT_ADDR_LEN) && r.port == p->val.port)
			continue;
		err = grow((void **)&l->astray, l->n_astray, sizeof(*l->astray));
		if (err)
			return err;
		l->astray[l->n_astray++] = r.peer_id;
	}
	return 0;
}

static void format_key(const struct xt_route_key *k, char *buf, size_t len)
{
	struct xt_prefix p;

	xt_prefix_from_key(&p, k->prefixlen, k->addr);
	xt_format_prefix(&p, buf, len);
}

/*
 * Routes whose peer has no entry: a `peer add` of an older version stopped before its
 * peer entry, or a `peer del` after it. Such a route is usable (encap sends to its
 * endpoint, decap takes its prefix from it) and holds its prefix against every other peer:
 * it goes, with its kernel route.
 */
static void clean_orphans(struct xt_view *v, const struct leftovers *l)
{
	struct xt_route_maps m = xt_route_maps_of(&v->ov);
	char first[INET6_ADDRSTRLEN + 4] = "";
	struct xt_prefix p;
	uint32_t i;

	for (i = 0; i < l->n_orphans; i++) {
		xt_prefix_from_key(&p, l->orphans[i].prefixlen, l->orphans[i].addr);
		xt_nl_route(false, v->ov.ifindex, &p);
		/* A route the hash never got (a write stopped half-way) is in the trie alone. */
		if (xt_route_del(&m, &l->orphans[i]))
			bpf_map_delete_elem(v->ov.fd[XT_MAP_ROUTES], &l->orphans[i]);
	}
	if (!l->n_orphans)
		return;
	format_key(&l->orphans[0], first, sizeof(first));
	xt_warn("%s: removed %u route(s) whose peer is gone (%s%s), left by an interrupted "
		"command, and their kernel routes",
		v->ov.dev, l->n_orphans, first, l->n_orphans > 1 ? ", ..." : "");
}

/* Every route of peer p names p's endpoint and port, as the data path needs. Returns how
 * many it rewrote, or -errno. */
static int settle_routes(struct xt_view *v, struct xt_view_peer *p)
{
	struct xt_route_maps m = xt_route_maps_of(&v->ov);
	int err, rewritten = 0;
	uint32_t j;

	for (j = 0; j < p->n_routes; j++) {
		struct xt_route *r = xt_view_indexed_route(v, &p->routes[j]);

		if (!memcmp(r->endpoint, p->key.endpoint, XT_ADDR_LEN) && r->port == p->val.port)
			continue;
		memcpy(r->endpoint, p->key.endpoint, XT_ADDR_LEN);
		r->port = p->val.port;
		err = xt_route_put(&m, &p->routes[j], r, BPF_EXIST);
		if (err)
			return err;
		rewritten++;
	}
	return rewritten;
}

/*
 * A peer under two endpoints: the one most of its routes point to stays (the move had not
 * begun, or was over), the other entry goes, and the routes that point elsewhere are
 * rewritten to it. A route that names another endpoint or port than its peer's (a move
 * stopped between its routes) is rewritten too.
 */
static int settle_peers(struct xt_view *v, const struct leftovers *l)
{
	char a[INET6_ADDRSTRLEN];
	struct xt_ip ip;
	uint32_t i, j;
	int err;

	for (i = 0; i < l->n_twins; i++) {
		struct xt_view_peer *p = v->by_id[l->twins[i].val.id];
		uint32_t here = 0, there = 0;

		if (!p)
			continue;
		for (j = 0; j < p->n_routes; j++) {
			const struct xt_route *r = xt_view_indexed_route(v, &p->routes[j]);

			here += !memcmp(r->endpoint, p->key.endpoint, XT_ADDR_LEN);
			there += !memcmp(r->endpoint, l->twins[i].key.endpoint, XT_ADDR_LEN);
		}
		if (there > here) {
			bpf_map_delete_elem(v->ov.fd[XT_MAP_PEERS], &p->key);
			p->key = l->twins[i].key;
			p->val.port = l->twins[i].val.port;
		} else {
			bpf_map_delete_elem(v->ov.fd[XT_MAP_PEERS], &l->twins[i].key);
		}
		xt_ip_from_bytes(&ip, p->key.endpoint);
		xt_format_ip(&ip, a, sizeof(a));
		xt_warn("%s: peer %s had two endpoints (an interrupted 'peer set'): kept %s",
			v->ov.dev, p->val.name, a);
		err = settle_routes(v, p);
		if (err < 0)
			return err;
	}
	for (i = 0; i < l->n_astray; i++) {
		struct xt_view_peer *p = v->by_id[l->astray[i]];

		err = settle_routes(v, p);
		if (err < 0)
			return err;
		if (err)
			xt_warn("%s: %d route(s) of peer %s named another endpoint than the peer's "
				"(an interrupted 'peer set'): rewritten",
				v->ov.dev, err, p->val.name);
	}
	return 0;
}

int xt_view_load(struct xt_view *v)
{
	struct leftovers l = { 0 };
	int err;

	v->by_id = calloc(v->ov.cfg.max_peers, sizeof(*v->by_id));
	if (!v->by_id)
		return -ENOMEM;
	err = read_peers(v, &l);
	if (!err)
		err = read_routes(v, &l);
	if (!err)
		err = settle_peers(v, &l);
	if (!err)
		clean_orphans(v, &l);
	if (!err)
		err = xt_nl_addrs(v->ov.ifindex, &v->own, &v->n_own);
	free(l.twins);
	free(l.orphans);
	free(l.astray);
	return err;
}

int xt_view_open(const char *dev, struct xt_view **out)
{
	struct xt_view *v = xt_view_new();
	int err;

	if (!v)
		return xt_err(-ENOMEM, "out of memory");
	err = xt_overlay_open(dev, &v->ov);
	if (err) {
		xt_view_free(v);
		return err;
	}
	err = xt_view_load(v);
	if (err) {
		err = xt_err(err, "reading the peers and routes of %s: %s", v->ov.dev,
			     strerror(-err));
		xt_view_free(v);
		return err;
	}
	*out = v;
	return 0;
}
