// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The view of an overlay (view.h): its index, and every change of a peer or a route the
 * peer commands make: the maps first, then the index, so that the index never holds what
 * the maps refused. Reading the maps into a view is view_load.c's; keeping views from one
 * command to the next, batch.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "errmsg.h"
#include "routes.h"
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

int xt_view_index_peer(struct xt_view *v, const struct xt_peer_key *key, const struct xt_peer *val)
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
int xt_view_index_route(struct xt_view *v, const struct xt_route_key *k, const struct xt_route *r)
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

struct xt_route *xt_view_indexed_route(const struct xt_view *v, const struct xt_route_key *k)
{
	struct route_index_key ik = index_key(k);

	return xt_critbit_find(&v->routes, &ik);
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
	if (bpf_map_update_elem(v->ov.fd[XT_MAP_PEERS], key, val, BPF_NOEXIST))
		return -errno;
	err = xt_view_index_peer(v, key, val);
	if (err)
		bpf_map_delete_elem(v->ov.fd[XT_MAP_PEERS], key);
	return err;
}

int xt_view_peer_del(struct xt_view *v, struct xt_view_peer *p)
{
	if (bpf_map_delete_elem(v->ov.fd[XT_MAP_PEERS], &p->key))
		return -errno;
	unindex_peer(v, p);
	return 0;
}

int xt_view_peer_rekey(struct xt_view *v, struct xt_view_peer *p, const struct xt_peer_key *key,
		       uint16_t port)
{
	bool same = !memcmp(p->key.endpoint, key->endpoint, XT_ADDR_LEN);
	struct xt_peer val = p->val;
	int fd = v->ov.fd[XT_MAP_PEERS], err;

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

int xt_view_peer_flags(struct xt_view *v, struct xt_view_peer *p, uint16_t flags)
{
	struct xt_peer val = p->val;

	val.flags = flags;
	if (bpf_map_update_elem(v->ov.fd[XT_MAP_PEERS], &p->key, &val, BPF_EXIST))
		return -errno;
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
	return err ? err : xt_view_index_route(v, &k, r);
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

/* ---- opening and closing ---- */

void xt_view_free(struct xt_view *v)
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

struct xt_view *xt_view_new(void)
{
	struct xt_view *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	xt_overlay_init(&v->ov);
	xt_critbit_init(&v->names, XT_PEER_NAME_LEN, sizeof(struct xt_view_peer *));
	xt_critbit_init(&v->routes, sizeof(struct route_index_key), sizeof(struct xt_route));
	return v;
}
