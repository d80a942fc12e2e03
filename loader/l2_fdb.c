// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * An L2 overlay's FDB and neighbour table (l2.h): read straight from the maps, changed
 * through xt_l2_ctl so that a static entry that takes a learned one's place gives its
 * peer's count back (include/xtunnel_l2.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "errmsg.h"
#include "l2.h"
#include "lock.h"
#include "privileges.h"

#define NS_PER_SEC 1000000000ull

/* The overlay dev (NULL: the only one), which must be an L2 overlay. Reading it takes
 * what show takes; changes have been checked for more by xt_lock. */
static int l2_open(const char *dev, struct xt_overlay *ov)
{
	int err = xt_privileges_check(false);

	if (!err)
		err = xt_overlay_open(dev, ov);
	if (err)
		return err;
	if (ov->mode != XT_MODE_L2) {
		err = xt_err_input(-EINVAL,
				   "overlay %s is an L3 overlay: it has no FDB and no neighbour "
				   "table (attach ... mode l2)",
				   ov->dev);
		xt_overlay_close(ov);
	}
	return err;
}

/* Peer names by id, max_peers of them ("" for an id that is no peer's). */
static char (*peer_names(const struct xt_overlay *ov))[XT_PEER_NAME_LEN]
{
	char(*names)[XT_PEER_NAME_LEN] =
		calloc(ov->cfg.max_peers ? ov->cfg.max_peers : 1, XT_PEER_NAME_LEN);
	struct xt_peer_key key, *prev = NULL;
	struct xt_peer peer;

	if (!names)
		return NULL;
	while (!bpf_map_get_next_key(ov->fd[XT_MAP_PEERS], prev, &key)) {
		prev = &key;
		if (!bpf_map_lookup_elem(ov->fd[XT_MAP_PEERS], &key, &peer) &&
		    peer.id < ov->cfg.max_peers)
			snprintf(names[peer.id], XT_PEER_NAME_LEN, "%.*s", XT_PEER_NAME_LEN - 1,
				 peer.name);
	}
	return names;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns's clock */
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* A learned entry seen at seen: its age in seconds, false if it is older than the ageing
 * time (the data path takes it for absent, the sweep will remove it). */
static bool learned_age(const struct xt_overlay *ov, uint64_t now, uint64_t seen, uint32_t *age)
{
	int64_t d = (int64_t)(now - seen);

	if (d < 0)
		d = 0;
	if (ov->l2.ageing_ns && (uint64_t)d > ov->l2.ageing_ns)
		return false;
	*age = (uint32_t)((uint64_t)d / NS_PER_SEC);
	return true;
}

static int grow(void **list, int n, size_t size)
{
	void *grown;

	if (n & (n - 1))
		return 0;
	grown = realloc(*list, (size_t)(n ? n * 2 : 1) * size);
	if (!grown)
		return -ENOMEM;
	*list = grown;
	return 0;
}

/* A row of the FDB or the neighbour table as the maps hold it. */
union l2_key {
	struct xt_fdb_key fdb;
	struct xt_neigh_key neigh;
};
union l2_value {
	struct xt_fdb fdb;
	struct xt_neigh neigh;
};

/* What is listed of one table: its map, the size of a listed entry, how one is made of a
 * row (false: the row is not listed), and the order of the list. */
struct l2_table {
	enum xt_map map;
	const char *what;
	size_t entry_size;
	bool (*entry)(const struct xt_overlay *ov, uint64_t now,
		      const char (*names)[XT_PEER_NAME_LEN], const union l2_key *key,
		      const union l2_value *v, void *entry);
	int (*cmp)(const void *a, const void *b);
};

/* The entries of table t of overlay dev, sorted; free *out. */
static int l2_list(const char *dev, const struct l2_table *t, void **out, int *n)
{
	union l2_key key, *prev = NULL;
	char(*names)[XT_PEER_NAME_LEN];
	uint64_t now = now_ns();
	struct xt_overlay ov;
	union l2_value v;
	char *list = NULL;
	int err;

	*n = 0;
	err = l2_open(dev, &ov);
	if (err)
		return err;
	names = peer_names(&ov);
	err = names ? 0 : -ENOMEM;
	while (!err && !bpf_map_get_next_key(ov.fd[t->map], prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(ov.fd[t->map], &key, &v))
			continue;
		err = grow((void **)&list, *n, t->entry_size);
		if (err)
			break;
		memset(list + (size_t)*n * t->entry_size, 0, t->entry_size);
		if (t->entry(&ov, now, (const char(*)[XT_PEER_NAME_LEN])names, &key, &v,
			     list + (size_t)*n * t->entry_size))
			(*n)++;
	}
	free(names);
	xt_overlay_close(&ov);
	if (err) {
		free(list);
		*n = 0;
		return xt_err(err, "reading the %s: %s", t->what, strerror(-err));
	}
	if (*n)
		qsort(list, (size_t)*n, t->entry_size, t->cmp);
	*out = list;
	return 0;
}

/* A learned entry is listed until it is older than the ageing time. */
static bool fdb_entry(const struct xt_overlay *ov, uint64_t now,
		      const char (*names)[XT_PEER_NAME_LEN], const union l2_key *key,
		      const union l2_value *v, void *entry)
{
	struct xt_fdb_entry *e = entry;
	uint32_t age = 0;

	if (v->fdb.peer_id == XT_L2_PEER_NONE ||
	    (!(v->fdb.flags & XT_L2_STATIC) && !learned_age(ov, now, v->fdb.seen_ns, &age)))
		return false;
	memcpy(e->mac, key->fdb.mac, 6);
	if (v->fdb.peer_id < ov->cfg.max_peers)
		memcpy(e->peer, names[v->fdb.peer_id], XT_PEER_NAME_LEN);
	e->is_static = v->fdb.flags & XT_L2_STATIC;
	e->age = age;
	return true;
}

static int fdb_cmp(const void *a, const void *b)
{
	return memcmp(((const struct xt_fdb_entry *)a)->mac, ((const struct xt_fdb_entry *)b)->mac,
		      6);
}

int xt_fdb_list(const char *dev, struct xt_fdb_entry **out, int *n)
{
	static const struct l2_table fdb = { XT_MAP_FDB, "FDB", sizeof(struct xt_fdb_entry),
					     fdb_entry, fdb_cmp };

	return l2_list(dev, &fdb, (void **)out, n);
}

/* A static entry names no peer; a learned one is listed until it is older than the ageing
 * time. */
static bool neigh_entry(const struct xt_overlay *ov, uint64_t now,
			const char (*names)[XT_PEER_NAME_LEN], const union l2_key *key,
			const union l2_value *v, void *entry)
{
	struct xt_neigh_entry *e = entry;
	uint32_t age = 0;

	if (!(v->neigh.flags & XT_L2_STATIC) &&
	    (v->neigh.peer_id == XT_L2_PEER_NONE || !learned_age(ov, now, v->neigh.seen_ns, &age)))
		return false;
	xt_ip_from_bytes(&e->ip, key->neigh.addr);
	memcpy(e->mac, v->neigh.mac, 6);
	if (!(v->neigh.flags & XT_L2_STATIC) && v->neigh.peer_id < ov->cfg.max_peers)
		memcpy(e->peer, names[v->neigh.peer_id], XT_PEER_NAME_LEN);
	e->is_static = v->neigh.flags & XT_L2_STATIC;
	e->age = age;
	return true;
}

static int neigh_cmp(const void *a, const void *b)
{
	const struct xt_neigh_entry *x = a, *y = b;

	return x->ip.family != y->ip.family ? x->ip.family - y->ip.family
					    : memcmp(x->ip.addr, y->ip.addr, XT_ADDR_LEN);
}

int xt_neigh_list(const char *dev, struct xt_neigh_entry **out, int *n)
{
	static const struct l2_table neigh = { XT_MAP_NEIGH, "neighbour table",
					       sizeof(struct xt_neigh_entry), neigh_entry,
					       neigh_cmp };

	return l2_list(dev, &neigh, (void **)out, n);
}

/* c run on overlay dev under the lock; *ov_name gets the overlay's name for messages. */
static int ctl_on(const char *dev, struct xt_l2_ctl *c, char ov_name[IF_NAMESIZE], const char *peer)
{
	struct xt_overlay ov;
	int lock, err;

	lock = xt_lock();
	if (lock < 0)
		return lock;
	err = l2_open(dev, &ov);
	if (err)
		goto out;
	memcpy(ov_name, ov.dev, IF_NAMESIZE);
	if (peer) {
		char(*names)[XT_PEER_NAME_LEN] = peer_names(&ov);
		uint32_t id;

		err = names ? -ENOENT : xt_err(-ENOMEM, "out of memory");
		for (id = 0; names && id < ov.cfg.max_peers; id++)
			if (names[id][0] && !strcmp(names[id], peer)) {
				c->peer_id = id;
				err = 0;
				break;
			}
		free(names);
		if (err == -ENOENT)
			err = xt_err_input(err, "no peer named %s on %s", peer, ov.dev);
	}
	if (!err)
		err = xt_l2_ctl(&ov, c);
	xt_overlay_close(&ov);
out:
	xt_unlock(lock);
	return err;
}

int xt_fdb_add(const char *dev, const uint8_t mac[6], const char *peer)
{
	struct xt_l2_ctl c = { .op = XT_L2_FDB_ADD };
	char name[IF_NAMESIZE] = "", m[18];
	int err;

	err = xt_peer_name_check(peer);
	if (err)
		return err;
	memcpy(c.mac, mac, 6);
	xt_format_mac(mac, m, sizeof(m));
	err = ctl_on(dev, &c, name, peer);
	if (err == -EINVAL && c.result == -EINVAL)
		return xt_err_input(err, "fdb add %s: must be a unicast MAC, not zero", m);
	if (err == -E2BIG)
		return xt_err(err, "fdb add %s: the FDB of %s is full", m, name);
	if (err && c.result == err)
		return xt_err(err, "fdb add %s: %s", m, strerror(-err));
	return err;
}

int xt_fdb_del(const char *dev, const uint8_t mac[6])
{
	struct xt_l2_ctl c = { .op = XT_L2_FDB_DEL };
	char name[IF_NAMESIZE] = "", m[18];
	int err;

	memcpy(c.mac, mac, 6);
	xt_format_mac(mac, m, sizeof(m));
	err = ctl_on(dev, &c, name, NULL);
	if (err == -ENOENT && c.result == -ENOENT)
		return xt_err_input(err, "fdb del %s: %s has no such entry", m, name);
	if (err && c.result == err)
		return xt_err(err, "fdb del %s: %s", m, strerror(-err));
	return err;
}

int xt_neigh_add(const char *dev, const struct xt_ip *ip, const uint8_t mac[6])
{
	struct xt_l2_ctl c = { .op = XT_L2_NEIGH_ADD };
	char name[IF_NAMESIZE] = "", a[INET6_ADDRSTRLEN];
	int err;

	if (!xt_ip_is_unicast(ip)) {
		xt_format_ip(ip, a, sizeof(a));
		return xt_err_input(-EINVAL, "neigh add %s: must be a unicast address", a);
	}
	memcpy(c.addr, ip->addr, XT_ADDR_LEN);
	memcpy(c.mac, mac, 6);
	xt_format_ip(ip, a, sizeof(a));
	err = ctl_on(dev, &c, name, NULL);
	if (err == -E2BIG)
		return xt_err(err, "neigh add %s: the neighbour table of %s is full", a, name);
	if (err && c.result == err)
		return xt_err(err, "neigh add %s: %s", a, strerror(-err));
	return err;
}

int xt_neigh_del(const char *dev, const struct xt_ip *ip)
{
	struct xt_l2_ctl c = { .op = XT_L2_NEIGH_DEL };
	char name[IF_NAMESIZE] = "", a[INET6_ADDRSTRLEN];
	int err;

	memcpy(c.addr, ip->addr, XT_ADDR_LEN);
	xt_format_ip(ip, a, sizeof(a));
	err = ctl_on(dev, &c, name, NULL);
	if (err == -ENOENT && c.result == -ENOENT)
		return xt_err_input(err, "neigh del %s: %s has no such entry", a, name);
	if (err && c.result == err)
		return xt_err(err, "neigh del %s: %s", a, strerror(-err));
	return err;
}
