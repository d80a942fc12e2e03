// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The nodes of a network and the peers they make (fleet.h). Conflicts are found by the
 * checks the config file uses (xt_desired_check), on the nodes in the order they were
 * written: its fault names the later of two clashing items, which is the one the rule
 * "first writer keeps it" drops. A check is sorting and one pass, and each conflict costs
 * one more, so a fleet without conflicts costs one check.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fleet.h"

static int find(const struct xt_fleet *f, const char *name, bool *found)
{
	int lo = 0, hi = f->n_nodes;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2, c = strcmp(f->nodes[mid].name, name);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

struct xt_node *xt_fleet_find(struct xt_fleet *f, const char *name)
{
	bool found;
	int i = find(f, name, &found);

	return found ? &f->nodes[i] : NULL;
}

static void node_free(struct xt_node *n)
{
	free(n->name);
	free(n->value);
	free(n->prefixes);
	memset(n, 0, sizeof(*n));
}

int xt_fleet_put(struct xt_fleet *f, const char *name, const char *value, int64_t create_revision,
		 int64_t lease)
{
	struct xt_node fresh = {}, *n;
	bool found;
	int i = find(f, name, &found);
	char why[256];

	fresh.name = strdup(name);
	fresh.value = strdup(value);
	if (!fresh.name || !fresh.value) {
		node_free(&fresh);
		return -ENOMEM;
	}
	fresh.create_revision = create_revision;
	fresh.lease = lease;
	if (xt_node_parse(name, value, &fresh, why, sizeof(why)) == -ENOMEM) {
		node_free(&fresh);
		return -ENOMEM;
	}
	if (found) {
		node_free(&f->nodes[i]);
		f->nodes[i] = fresh;
		return 0;
	}
	if (f->n_nodes == f->cap) {
		int cap = f->cap ? f->cap * 2 : 64;

		n = realloc(f->nodes, (size_t)cap * sizeof(*n));
		if (!n) {
			node_free(&fresh);
			return -ENOMEM;
		}
		f->nodes = n;
		f->cap = cap;
	}
	memmove(&f->nodes[i + 1], &f->nodes[i], (size_t)(f->n_nodes - i) * sizeof(*f->nodes));
	f->nodes[i] = fresh;
	f->n_nodes++;
	return 0;
}

void xt_fleet_del(struct xt_fleet *f, const char *name)
{
	bool found;
	int i = find(f, name, &found);

	if (!found)
		return;
	node_free(&f->nodes[i]);
	memmove(&f->nodes[i], &f->nodes[i + 1], (size_t)(f->n_nodes - i - 1) * sizeof(*f->nodes));
	f->n_nodes--;
}

void xt_fleet_clear(struct xt_fleet *f)
{
	int i;

	for (i = 0; i < f->n_nodes; i++)
		node_free(&f->nodes[i]);
	free(f->nodes);
	memset(f, 0, sizeof(*f));
}

static void say(void (*log)(const char *msg), const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(void (*log)(const char *msg), const char *fmt, ...)
{
	char line[768];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log(line);
}

/* The order of writing: the lower create_revision first; a tie (the snapshot's nodes carry
 * theirs too, so none should tie) by name. */
static int by_creation(const void *a, const void *b)
{
	const struct xt_node *x = *(const struct xt_node *const *)a;
	const struct xt_node *y = *(const struct xt_node *const *)b;

	if (x->create_revision != y->create_revision)
		return x->create_revision < y->create_revision ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A peer's prefix left out: moved off the end of its list. */
static void drop_prefix(struct xt_peer_spec *p, int i)
{
	memmove(&p->allowed[i], &p->allowed[i + 1],
		(size_t)(p->n_allowed - i - 1) * sizeof(*p->allowed));
	p->n_allowed--;
}

/*
 * Checks d against ov until it passes, leaving out what a fault names: a prefix, or the
 * whole peer. nodes[i] is peer i's node; removed peers are moved out of both arrays.
 */
static int settle(struct xt_desired *d, struct xt_node **nodes, const char *prefix_of,
		  void (*log)(const char *msg))
{
	struct xt_desired_fault fault;
	char a[INET6_ADDRSTRLEN + 4];
	int guard = 0;

	while (xt_desired_check(d, &fault)) {
		struct xt_node *n;
		struct xt_peer_spec *p;

		if (fault.peer < 0 || fault.peer >= d->n_peers || ++guard > 1000000)
			return -EINVAL; /* the overlay's own settings: nothing a node did */
		n = nodes[fault.peer];
		p = &d->peers[fault.peer];
		if (fault.item == XT_ITEM_ALLOWED && fault.prefix >= 0 &&
		    fault.prefix < p->n_allowed) {
			xt_format_prefix(&p->allowed[fault.prefix], a, sizeof(a));
			if (!n->reported) {
				if (fault.other_peer >= 0)
					say(log,
					    "node %s%s: prefix %s left out: it clashes with node "
					    "%s%s, which came first (create_revision %lld < %lld)",
					    prefix_of, n->name, a, prefix_of,
					    nodes[fault.other_peer]->name,
					    (long long)nodes[fault.other_peer]->create_revision,
					    (long long)n->create_revision);
				else
					say(log, "node %s%s: prefix %s left out: %s", prefix_of,
					    n->name, a, xt_errmsg());
			}
			drop_prefix(p, fault.prefix);
			continue;
		}
		if (!n->reported)
			say(log, "node %s%s skipped: %s", prefix_of, n->name, xt_errmsg());
		free(p->allowed);
		memmove(p, p + 1, (size_t)(d->n_peers - fault.peer - 1) * sizeof(*p));
		memmove(&nodes[fault.peer], &nodes[fault.peer + 1],
			(size_t)(d->n_peers - fault.peer - 1) * sizeof(*nodes));
		d->n_peers--;
	}
	return 0;
}

int xt_fleet_desired(struct xt_fleet *f, const char *self, const struct xt_overlay_spec *ov,
		     const char *key_prefix, void (*log)(const char *msg), struct xt_desired *out)
{
	struct xt_node **order = calloc((size_t)f->n_nodes + 1, sizeof(*order));
	struct xt_overlay_spec loose = *ov;
	int i, n = 0, self_at = -1, err;

	memset(out, 0, sizeof(*out));
	out->overlay = *ov;
	out->peers = calloc((size_t)f->n_nodes + 1, sizeof(*out->peers));
	if (!order || !out->peers) {
		free(order);
		free(out->peers);
		out->peers = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < f->n_nodes; i++) {
		struct xt_node *node = &f->nodes[i];

		if (!node->valid) {
			if (!node->reported) {
				char why[256];
				struct xt_node copy = {};

				/* parse again for the words: the table keeps no text */
				xt_node_parse(node->name, node->value, &copy, why, sizeof(why));
				free(copy.prefixes);
				say(log, "node %s%s skipped: malformed: %s", key_prefix, node->name,
				    why);
				node->reported = true;
			}
			continue;
		}
		order[n++] = node;
	}
	qsort(order, (size_t)n, sizeof(*order), by_creation);
	err = 0;
	for (i = 0; i < n && !err; i++) {
		struct xt_peer_spec *p = &out->peers[i];

		snprintf(p->name, sizeof(p->name), "%s", order[i]->name);
		p->has = XT_PEER_ENDPOINT | XT_PEER_ALLOWED;
		p->endpoint = order[i]->endpoint;
		p->port = order[i]->port;
		p->allowed = calloc((size_t)order[i]->n_prefixes + 1, sizeof(*p->allowed));
		if (!p->allowed)
			err = -ENOMEM;
		else
			memcpy(p->allowed, order[i]->prefixes,
			       (size_t)order[i]->n_prefixes * sizeof(*p->allowed));
		p->n_allowed = order[i]->n_prefixes;
		out->n_peers++;
	}
	/* First the nodes among themselves, this host's among them, as every host sees them:
	 * without this host's own endpoint and addresses, which only this host refuses. */
	loose.has &= ~(uint32_t)(XT_OV_LOCAL | XT_OV_ADDRS);
	out->overlay = loose;
	if (!err)
		settle(out, order, key_prefix, log);
	/* Then this host's own node is no peer, and the rest meets the overlay. */
	for (i = 0; i < out->n_peers && !err; i++)
		if (!strcmp(out->peers[i].name, self))
			self_at = i;
	if (self_at >= 0) {
		free(out->peers[self_at].allowed);
		memmove(&out->peers[self_at], &out->peers[self_at + 1],
			(size_t)(out->n_peers - self_at - 1) * sizeof(*out->peers));
		memmove(&order[self_at], &order[self_at + 1],
			(size_t)(out->n_peers - self_at - 1) * sizeof(*order));
		out->n_peers--;
	}
	out->overlay = *ov;
	if (!err && settle(out, order, key_prefix, log))
		err = -EINVAL;
	for (i = 0; i < n; i++)
		order[i]->reported = true;
	free(order);
	if (err) {
		xt_desired_free(out);
		return err;
	}
	return 0;
}
