/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The view of an overlay: its peers and routes read from the maps once, indexed in memory
 * (by name, by id, and every route by prefix), and kept in step with the maps by the only
 * functions that change them. A peer command works on the view instead of reading the
 * tables again, so its cost follows what it changes; a batch keeps the view from one
 * command to the next (xt_batch_begin), which holds the lock for the whole batch so that
 * nothing else of xtunnel's changes the maps meanwhile.
 *
 * Building a view also finds what an interrupted command left behind (routes without a
 * peer, a peer twice under one id) and cleans it up, with a warning.
 */
#ifndef XT_VIEW_H
#define XT_VIEW_H

#include "critbit.h"
#include "overlay.h"

struct xt_view_peer {
	struct xt_peer_key key;
	struct xt_peer val;
	struct xt_route_key *routes; /* its prefixes, as the maps key them */
	uint32_t n_routes, cap_routes;
};

struct xt_view {
	struct xt_overlay ov;	     /* open; owned by the view */
	struct xt_critbit names;     /* name (XT_PEER_NAME_LEN bytes) -> struct xt_view_peer * */
	struct xt_view_peer **by_id; /* max_peers of them */
	uint32_t n_peers, free_id;   /* free_id: no id below it is free */
	struct xt_critbit routes;    /* (prefix, length) -> struct xt_route */
	uint32_t len_count[XT_KEY_LENS]; /* routes of each key length */
	struct xt_prefix *own;		 /* the overlay device's own addresses */
	int n_own;
};

/* Under the lock (batch.c): the overlay dev (NULL: the only one) and its view, the batch's
 * if one runs. Give it back with xt_view_put. */
int xt_view_get(const char *dev, struct xt_view **out);
void xt_view_put(struct xt_view *v);
/* fn for the view of every overlay of this network namespace but `except` (may be NULL),
 * until fn returns non-zero. */
int xt_view_each_other(const struct xt_view *except, int (*fn)(struct xt_view *v, void *ctx),
		       void *ctx);
/* The overlays themselves changed (attach, detach, reload): the batch forgets its views. */
void xt_views_forget(void);
/* fn(arg) under the one lock, the batch's views forgotten first: for the commands that
 * change the overlays themselves (attach, detach, reload). */
int xt_run_locked(int (*fn)(const void *arg), const void *arg);

struct xt_view_peer *xt_view_peer_named(const struct xt_view *v, const char *name);
/* The route of exactly this prefix, or NULL. */
const struct xt_route *xt_view_route(const struct xt_view *v, const struct xt_prefix *p);
/* A route that overlaps p (holds it, lies in it, or is it) and is not peer skip_id's
 * (-1: anybody's): true, and its prefix and route in *q and *r. */
bool xt_view_overlap(const struct xt_view *v, const struct xt_prefix *p, int skip_id,
		     struct xt_prefix *q, struct xt_route *r);
/* The lowest id no peer has; max_peers if none is free. */
uint32_t xt_view_free_id(struct xt_view *v);

/* The changes, to the maps and the view together. 0 or -errno; nothing changed on error. */
int xt_view_peer_add(struct xt_view *v, const struct xt_peer_key *key, const struct xt_peer *val);
int xt_view_peer_del(struct xt_view *v, struct xt_view_peer *p);
/* The peer's entry under another endpoint (and port): new key first, then the old one goes,
 * so the data path always finds it. */
int xt_view_peer_rekey(struct xt_view *v, struct xt_view_peer *p, const struct xt_peer_key *key,
		       uint16_t port);
/* The peer's entry with other flags (XT_PEER_F_*), in place. */
int xt_view_peer_flags(struct xt_view *v, struct xt_view_peer *p, uint16_t flags);
int xt_view_route_put(struct xt_view *v, const struct xt_prefix *p, const struct xt_route *r,
		      uint64_t flags);
int xt_view_route_del(struct xt_view *v, const struct xt_prefix *p);

/* A view of nothing yet (view.c), NULL without memory; freed with what it holds. */
struct xt_view *xt_view_new(void);
void xt_view_free(struct xt_view *v);
/* A view of overlay dev read from the maps (view_load.c): xt_view_new, the overlay opened,
 * then xt_view_load. */
int xt_view_open(const char *dev, struct xt_view **out);
int xt_view_load(struct xt_view *v);
/* The index alone, for xt_view_load: the maps have these already. */
int xt_view_index_peer(struct xt_view *v, const struct xt_peer_key *key, const struct xt_peer *val);
int xt_view_index_route(struct xt_view *v, const struct xt_route_key *k, const struct xt_route *r);
/* The indexed route of key k, or NULL. */
struct xt_route *xt_view_indexed_route(const struct xt_view *v, const struct xt_route_key *k);

#endif
