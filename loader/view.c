// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The view of an overlay (view.h), and the batch that keeps views from one command to the
 * next. Every change of a peer or a route the peer commands make goes through here: the
 * maps first, then the index, so that the index never holds what the maps refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "errmsg.h"
#include "lock.h"
#include "netlink.h"
#include "view.h"

/* How the index keys a route: the prefix's bits first, so that every prefix inside another
 * lies under it in the tree, then its length as the trie counts it (0 to 128). */
struct route_index_key {
	uint8_t addr[XT_ADDR_LEN];
	uint8_t len;
};

static struct route_index_key index_key(const struct xt_route_key *k)
{
	struct route_index_key ik;

	memcpy(ik.addr, k->addr, XT_ADDR_LEN);
	ik.len = (uint8_t)k->prefixlen;
	return ik;
}

static void name_key(const char *name, char key[XT_PEER_NAME_LEN])
{
	size_t len = strnlen(name, XT_PEER_NAME_LEN - 1);

	memset(key, 0, XT_PEER_NAME_LEN);
	memcpy(key, name, len);
}

/* ---- the index ---- */

static int peer_routes_add(struct xt_view_peer *p, const struct xt_route_key *k)
{
	if (p->n_routes == p->cap_routes) {
		uint32_t cap = p->cap_routes ? p->cap_routes * 2 : 4;
		void *grown = realloc(p->routes, cap * sizeof(*p->routes));

		if (!grown)
			return -ENOMEM;
		p->routes = grown;
		p->cap_routes = cap;
	}
	p->routes[p->n_routes++] = *k;
	return 0;
}

static void peer_routes_remove(struct xt_view_peer *p, const struct xt_route_key *k)
{
	uint32_t i;

	for (i = 0; i < p->n_routes; i++)
		if (!memcmp(&p->routes[i], k, sizeof(*k))) {
			p->routes[i] = p->routes[--p->n_routes];
			return;
		}
}

static int index_peer(struct xt_view *v, const struct xt_peer_key *key, const struct xt_peer *val)
{
	struct xt_view_peer *p = calloc(1, sizeof(*p));
	char nk[XT_PEER_NAME_LEN];
	int err;

	if (!p)
		return -ENOMEM;
	p->key = *key;
	p->val = *val;
	name_key(val->name, nk);
	err = xt_critbit_insert(&v->names, nk, &p);
	if (err) {
		free(p);
		return err;
	}
	v->by_id[val->id] = p;
	v->n_peers++;
	return 0;
}

static void unindex_peer(struct xt_view *v, struct xt_view_peer *p)
{
	char nk[XT_PEER_NAME_LEN];

	name_key(p->val.name, nk);
	xt_critbit_delete(&v->names, nk);
	v->by_id[p->val.id] = NULL;
	v->n_peers--;
	if (p->val.id < v->free_id)
		v->free_id = p->val.id;
	free(p->routes);
	free(p);
}

/* The route of k is r, whose peer is indexed. */
static int index_route(struct xt_view *v, const struct xt_route_key *k, const struct xt_route *r)
{
	struct route_index_key ik = index_key(k);
	struct xt_view_peer *owner = v->by_id[r->peer_id];
	struct xt_route *old;
	int err;

	err = peer_routes_add(owner, k);
	if (err)
		return err;
	err = xt_critbit_insert(&v->routes, &ik, r);
	if (!err) {
		v->len_count[k->prefixlen]++;
		return 0;
	}
	peer_routes_remove(owner, k);
	if (err != -EEXIST)
		return err;
	/* The prefix is there: a new value, and maybe another owner. */
	old = xt_critbit_find(&v->routes, &ik);
	if (old->peer_id != r->peer_id) {
		err = peer_routes_add(owner, k);
		if (err)
			return err;
		if (v->by_id[old->peer_id])
			peer_routes_remove(v->by_id[old->peer_id], k);
	}
	*old = *r;
	return 0;
}

static void unindex_route(struct xt_view *v, const struct xt_route_key *k)
{
	struct route_index_key ik = index_key(k);
	struct xt_route *old = xt_critbit_find(&v->routes, &ik);

	if (!old)
		return;
	if (v->by_id[old->peer_id])
		peer_routes_remove(v->by_id[old->peer_id], k);
	xt_critbit_delete(&v->routes, &ik);
	v->len_count[k->prefixlen]--;
}

struct xt_view_peer *xt_view_peer_named(const struct xt_view *v, const char *name)
{
	char nk[XT_PEER_NAME_LEN];
	struct xt_view_peer **p;

	if (!name || strlen(name) >= XT_PEER_NAME_LEN)
		return NULL;
	name_key(name, nk);
	p = xt_critbit_find(&v->names, nk);
	return p ? *p : NULL;
}

const struct xt_route *xt_view_route(const struct xt_view *v, const struct xt_prefix *p)
{
	struct xt_route_key k = xt_route_key_of(p);
	struct route_index_key ik = index_key(&k);

	return xt_critbit_find(&v->routes, &ik);
}

struct overlap {
	int skip_id;
	struct route_index_key key;
	struct xt_route route;
};

static int overlap_found(const void *key, void *value, void *ctx)
{
	const struct xt_route *r = value;
	struct overlap *o = ctx;

	if (o->skip_id >= 0 && r->peer_id == (uint32_t)o->skip_id)
		return 0;
	memcpy(&o->key, key, sizeof(o->key));
	o->route = *r;
	return 1;
}

/*
 * Two prefixes overlap when the shorter holds the longer. Those that p holds, and those
 * that start where p starts, lie under p's bits in the tree: one walk. Those that hold p
 * from further out are p cut to a shorter length: one lookup per length in use.
 */
bool xt_view_overlap(const struct xt_view *v, const struct xt_prefix *p, int skip_id,
		     struct xt_prefix *q, struct xt_route *r)
{
	struct xt_route_key k = xt_route_key_of(p);
	struct overlap o = { .skip_id = skip_id };
	struct route_index_key cut;
	const struct xt_route *found;
	uint32_t len;
	int i;

	o.key = index_key(&k);
	if (xt_critbit_walk_prefix(&v->routes, &o.key, k.prefixlen, overlap_found, &o))
		goto found;
	for (len = 0; len < k.prefixlen; len++) {
		if (!v->len_count[len])
			continue;
		cut = index_key(&k);
		cut.len = (uint8_t)len;
		for (i = 0; i < XT_ADDR_LEN; i++)
			if (len <= (uint32_t)i * 8)
				cut.addr[i] = 0;
			else if (len < (uint32_t)i * 8 + 8)
				cut.addr[i] &= (uint8_t)(0xff << (8 - (len - (uint32_t)i * 8)));
		found = xt_critbit_find(&v->routes, &cut);
		if (found && (skip_id < 0 || found->peer_id != (uint32_t)skip_id)) {
			o.key = cut;
			o.route = *found;
			goto found;
		}
	}
	return false;
found:
	xt_prefix_from_key(q, o.key.len, o.key.addr);
	*r = o.route;
	return true;
}

uint32_t xt_view_free_id(struct xt_view *v)
{
	while (v->free_id < v->ov.cfg.max_peers && v->by_id[v->free_id])
		v->free_id++;
	return v->free_id;
}

/* ---- changes: the maps, then the index ---- */

int xt_view_peer_add(struct xt_view *v, const struct xt_peer_key *key, const struct xt_peer *val)
{
	int err;

	if (val->id >= v->ov.cfg.max_peers)
		return -ENOSPC;
	if (bpf_map_update_elem(v->ov.peers_fd, key, val, BPF_NOEXIST))
		return -errno;
	err = index_peer(v, key, val);
	if (err)
		bpf_map_delete_elem(v->ov.peers_fd, key);
	return err;
}

int xt_view_peer_del(struct xt_view *v, struct xt_view_peer *p)
{
	if (bpf_map_delete_elem(v->ov.peers_fd, &p->key))
		return -errno;
	unindex_peer(v, p);
	return 0;
}

int xt_view_peer_rekey(struct xt_view *v, struct xt_view_peer *p, const struct xt_peer_key *key,
		       uint16_t port)
{
	bool same = !memcmp(p->key.endpoint, key->endpoint, XT_ADDR_LEN);
	struct xt_peer val = p->val;
	int fd = v->ov.peers_fd, err;

	val.port = port;
	if (bpf_map_update_elem(fd, key, &val, same ? BPF_EXIST : BPF_NOEXIST)) {
		err = -errno;
		/* A full map has no room for the new key next to the old one: move it by
		 * delete then insert (packets from either endpoint pass untouched meanwhile). */
		if (err != -E2BIG || bpf_map_delete_elem(fd, &p->key))
			return err;
		if (bpf_map_update_elem(fd, key, &val, BPF_NOEXIST)) {
			err = -errno;
			bpf_map_update_elem(fd, &p->key, &p->val, BPF_NOEXIST);
			return err;
		}
		same = true; /* the old key is gone already */
	}
	if (!same)
		bpf_map_delete_elem(fd, &p->key);
	p->key = *key;
	p->val = val;
	return 0;
}

int xt_view_route_put(struct xt_view *v, const struct xt_prefix *p, const struct xt_route *r,
		      uint64_t flags)
{
	struct xt_route_maps m = xt_route_maps_of(&v->ov);
	struct xt_route_key k = xt_route_key_of(p);
	int err;

	if (r->peer_id >= v->ov.cfg.max_peers || !v->by_id[r->peer_id])
		return -ENOENT;
	err = xt_route_put(&m, &k, r, flags);
	return err ? err : index_route(v, &k, r);
}

int xt_view_route_del(struct xt_view *v, const struct xt_prefix *p)
{
	struct xt_route_maps m = xt_route_maps_of(&v->ov);
	struct xt_route_key k = xt_route_key_of(p);
	int err = xt_route_del(&m, &k);

	if (!err)
		unindex_route(v, &k);
	return err;
}

/* ---- building a view ---- */

static void view_free(struct xt_view *v)
{
	uint32_t i;

	if (!v)
		return;
	for (i = 0; v->by_id && i < v->ov.cfg.max_peers; i++)
		if (v->by_id[i]) {
			free(v->by_id[i]->routes);
			free(v->by_id[i]);
		}
	free(v->by_id);
	xt_critbit_free(&v->names);
	xt_critbit_free(&v->routes);
	free(v->own);
	xt_overlay_close(&v->ov);
	free(v);
}

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
		if (bpf_map_lookup_batch(v->ov.peers_fd, first ? NULL : &batch, &batch, keys, vals,
					 &count, &opts)) {
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
				err = index_peer(v, &keys[i], &vals[i]);
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

	while (!bpf_map_get_next_key(v->ov.routes_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(v->ov.routes_fd, &key, &r))
			continue;
		p = r.peer_id < v->ov.cfg.max_peers ? v->by_id[r.peer_id] : NULL;
		if (!p || key.prefixlen >= XT_KEY_LENS) {
			err = grow((void **)&l->orphans, l->n_orphans, sizeof(*l->orphans));
			if (err)
				return err;
			l->orphans[l->n_orphans++] = key;
			continue;
		}
		err = index_route(v, &key, &r);
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
			bpf_map_delete_elem(v->ov.routes_fd, &l->orphans[i]);
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
		struct route_index_key ik = index_key(&p->routes[j]);
		struct xt_route *r = xt_critbit_find(&v->routes, &ik);

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
			struct route_index_key ik = index_key(&p->routes[j]);
			const struct xt_route *r = xt_critbit_find(&v->routes, &ik);

			here += !memcmp(r->endpoint, p->key.endpoint, XT_ADDR_LEN);
			there += !memcmp(r->endpoint, l->twins[i].key.endpoint, XT_ADDR_LEN);
		}
		if (there > here) {
			bpf_map_delete_elem(v->ov.peers_fd, &p->key);
			p->key = l->twins[i].key;
			p->val.port = l->twins[i].val.port;
		} else {
			bpf_map_delete_elem(v->ov.peers_fd, &l->twins[i].key);
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

static int view_build(struct xt_view *v)
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

/* ---- the batch ---- */

static struct {
	int depth, lock;
	struct xt_view *views[XT_MAX_OVERLAYS];
	int n_views;
	bool listed; /* names holds every overlay of the namespace */
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	int n_names;
} batch;

int xt_batch_begin(void)
{
	int lock;

	if (batch.depth)
		return xt_err(-EBUSY, "a batch runs already");
	lock = xt_lock();
	if (lock < 0)
		return lock;
	batch.lock = lock;
	batch.depth = 1;
	return 0;
}

void xt_batch_end(void)
{
	if (!batch.depth)
		return;
	xt_views_forget();
	batch.depth = 0;
	xt_unlock(batch.lock);
}

void xt_views_forget(void)
{
	int i;

	for (i = 0; i < batch.n_views; i++)
		view_free(batch.views[i]);
	batch.n_views = 0;
	batch.listed = false;
}

static bool kept(const struct xt_view *v)
{
	int i;

	for (i = 0; i < batch.n_views; i++)
		if (batch.views[i] == v)
			return true;
	return false;
}

/* Every overlay of the namespace: listed once per batch, else once per call. */
static int overlay_names(char (**names)[IF_NAMESIZE], int *n, char (*local)[IF_NAMESIZE])
{
	int err;

	if (batch.depth && batch.listed) {
		*names = batch.names;
		*n = batch.n_names;
		return 0;
	}
	*names = batch.depth ? batch.names : local;
	err = xt_overlay_names(*names, XT_MAX_OVERLAYS, n, false);
	if (err)
		return err;
	if (batch.depth) {
		batch.n_names = *n;
		batch.listed = true;
	}
	return 0;
}

int xt_view_get(const char *dev, struct xt_view **out)
{
	char local[XT_MAX_OVERLAYS][IF_NAMESIZE], (*names)[IF_NAMESIZE] = local;
	struct xt_view *v;
	unsigned int ifindex;
	int i, n = 0, err;

	if (!dev) {
		err = overlay_names(&names, &n, local);
		if (err)
			return err;
	}
	err = xt_overlay_pick(dev, names, n, &dev);
	if (err)
		return err;
	ifindex = if_nametoindex(dev);
	for (i = 0; ifindex && batch.depth && i < batch.n_views; i++)
		if ((unsigned int)batch.views[i]->ov.ifindex == ifindex) {
			*out = batch.views[i];
			return 0;
		}
	v = calloc(1, sizeof(*v));
	if (!v)
		return xt_err(-ENOMEM, "out of memory");
	xt_critbit_init(&v->names, XT_PEER_NAME_LEN, sizeof(struct xt_view_peer *));
	xt_critbit_init(&v->routes, sizeof(struct route_index_key), sizeof(struct xt_route));
	err = xt_overlay_open(dev, &v->ov);
	if (err) {
		free(v);
		return err;
	}
	err = view_build(v);
	if (err) {
		err = xt_err(err, "reading the peers and routes of %s: %s", v->ov.dev,
			     strerror(-err));
		view_free(v);
		return err;
	}
	if (batch.depth && batch.n_views < XT_MAX_OVERLAYS)
		batch.views[batch.n_views++] = v;
	*out = v;
	return 0;
}

void xt_view_put(struct xt_view *v)
{
	if (!kept(v))
		view_free(v);
}

int xt_view_each_other(const struct xt_view *except, int (*fn)(struct xt_view *v, void *ctx),
		       void *ctx)
{
	char local[XT_MAX_OVERLAYS][IF_NAMESIZE], (*names)[IF_NAMESIZE];
	struct xt_view *v;
	int i, n, err;

	err = overlay_names(&names, &n, local);
	for (i = 0; !err && i < n; i++) {
		if (except && if_nametoindex(names[i]) == (unsigned int)except->ov.ifindex)
			continue;
		err = xt_view_get(names[i], &v);
		if (err)
			break;
		err = fn(v, ctx);
		xt_view_put(v);
	}
	return err;
}
