// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The plan (plan.h): from what runs and what is wanted, the loader calls that make one the
 * other, in an order in which none of them fails for a reason the final state does not
 * have. Peers are matched by name. A peer whose endpoint, flags or allowed-ips differ is
 * changed in place with peer set: its entry, id and counters stay. Unchanged peers get no
 * call at all.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "plan.h"

struct plan_ctx {
	const struct xt_plan_input *in;
	const struct xt_overlay_spec *ov; /* as it will be */
	const struct xt_peer_spec *want;
	int n_want;
	const struct xt_peer_state **run; /* the running peers that are the reconciler's */
	int n_run;
	int *run_of;  /* [n_want]: its running peer, -1 for a new one */
	int *want_of; /* [n_run]: its wanted peer, -1 for one that goes */
	/* Each peer's allowed-ips in xt_prefix_cmp's order, for set operations by merging. */
	struct xt_prefix **want_sorted, **run_sorted;
	struct xt_prefix *want_store, *run_store;
	uint16_t *flags; /* [n_want]: as they will be */
	uint16_t *port;	 /* [n_want]: the port in use, as show has it */
	/* Prefixes one peer takes whole from another that stays: the giver keeps them until
	 * the taker has them (one map update changes the owner). Sorted by giver. */
	struct transit {
		const struct xt_prefix *prefix;
		int from; /* running peer */
		int to;	  /* wanted peer */
	} * transit;
	int n_transit;
	bool *takes;   /* [n_want]: it takes a prefix from another peer (XT_PEER_MOVE) */
	int *grow_seq; /* [n_want]: its place among the peers that gain prefixes; INT_MAX new */
	struct xt_plan *out;
};

/* ---- sorted prefix lists ---- */

static int prefix_qsort_cmp(const void *a, const void *b)
{
	return xt_prefix_cmp(a, b);
}

static bool sorted_has(const struct xt_prefix *list, int n, const struct xt_prefix *p)
{
	return n && bsearch(p, list, (size_t)n, sizeof(*list), prefix_qsort_cmp);
}

/* Copies of each peer's list, sorted, in one store. */
static int sort_lists(const struct xt_peer_spec *const *specs, int n, struct xt_prefix ***lists,
		      struct xt_prefix **store)
{
	size_t total = 0, at = 0;
	int i;

	for (i = 0; i < n; i++)
		total += (size_t)specs[i]->n_allowed;
	*lists = calloc((size_t)n + 1, sizeof(**lists));
	*store = calloc(total + 1, sizeof(**store));
	if (!*lists || !*store)
		return xt_err(-ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		(*lists)[i] = *store + at;
		memcpy((*lists)[i], specs[i]->allowed,
		       (size_t)specs[i]->n_allowed * sizeof(**store));
		qsort((*lists)[i], (size_t)specs[i]->n_allowed, sizeof(**store), prefix_qsort_cmp);
		at += (size_t)specs[i]->n_allowed;
	}
	return 0;
}

/* ---- steps ---- */

static struct xt_step *step_new(struct plan_ctx *c, enum xt_step_kind kind, const char *name)
{
	struct xt_plan *p = c->out;
	struct xt_step *s;

	if (!(p->n_steps & (p->n_steps - 1))) {
		void *grown =
			realloc(p->steps, (size_t)(p->n_steps ? p->n_steps * 2 : 1) * sizeof(*s));

		if (!grown)
			return NULL;
		p->steps = grown;
	}
	s = &p->steps[p->n_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	if (name)
		snprintf(s->peer.name, sizeof(s->peer.name), "%s", name);
	return s;
}

/* A step's own list of prefixes, room for n. */
static int step_list(struct xt_step *s, int n)
{
	s->peer.allowed = calloc((size_t)n + 1, sizeof(*s->peer.allowed));
	if (!s->peer.allowed)
		return xt_err(-ENOMEM, "out of memory");
	s->peer.has |= XT_PEER_ALLOWED;
	return 0;
}

static int change_new(struct plan_ctx *c, enum xt_peer_change_op op, const char *name,
		      uint32_t what)
{
	struct xt_reconcile_result *r = &c->out->result;
	struct xt_peer_change *ch;

	if (!(r->n_peers & (r->n_peers - 1))) {
		void *grown =
			realloc(r->peers, (size_t)(r->n_peers ? r->n_peers * 2 : 1) * sizeof(*ch));

		if (!grown)
			return xt_err(-ENOMEM, "out of memory");
		r->peers = grown;
	}
	ch = &r->peers[r->n_peers++];
	memset(ch, 0, sizeof(*ch));
	ch->op = op;
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	ch->what = what;
	return 0;
}

/* ---- settings ---- */

static bool addr_in(const struct xt_prefix *list, int n, const struct xt_prefix *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (!xt_prefix_cmp(&list[i], p) && list[i].len == p->len)
			return true;
	return false;
}

static bool same_addrs(const struct xt_overlay_spec *a, const struct xt_overlay_spec *b)
{
	int i;

	if (a->n_addrs != b->n_addrs)
		return false;
	for (i = 0; i < a->n_addrs; i++)
		if (!addr_in(b->addrs, b->n_addrs, &a->addrs[i]))
			return false;
	return true;
}

static bool same_ports(const struct xt_overlay_spec *a, const struct xt_overlay_spec *b)
{
	int i, j;

	if (a->n_forward != b->n_forward)
		return false;
	for (i = 0; i < a->n_forward; i++) {
		for (j = 0; j < b->n_forward; j++)
			if (!strcmp(a->forward_from[i], b->forward_from[j]))
				break;
		if (j == b->n_forward)
			return false;
	}
	return true;
}

void xt_settings_diff(const struct xt_overlay_spec *want, const struct xt_overlay_spec *run,
		      bool local_given, uint32_t *live, uint32_t *fixed)
{
	uint32_t f = 0, l = 0;

	if (!(run->has & XT_OV_UPLINK) || strcmp(want->uplink, run->uplink))
		f |= XT_OV_UPLINK;
	if (want->encap != run->encap)
		f |= XT_OV_ENCAP;
	if ((want->has ^ run->has) & XT_OV_VNI ||
	    ((want->has & XT_OV_VNI) && want->vni != run->vni))
		f |= XT_OV_VNI;
	if ((want->has ^ run->has) & XT_OV_PORT ||
	    ((want->has & XT_OV_PORT) && want->port != run->port))
		f |= XT_OV_PORT;
	if ((want->has ^ run->has) & XT_OV_KEY ||
	    ((want->has & XT_OV_KEY) && want->key != run->key))
		f |= XT_OV_KEY;
	if (local_given && (want->local.family != run->local.family ||
			    memcmp(want->local.addr, run->local.addr, XT_ADDR_LEN)))
		f |= XT_OV_LOCAL;
	if (want->rx != run->rx)
		f |= XT_OV_RX;
	if (want->xdp_mode != run->xdp_mode)
		f |= XT_OV_XDP_MODE;
	if (want->max_peers != run->max_peers)
		f |= XT_OV_MAX_PEERS;
	if (want->max_routes != run->max_routes)
		f |= XT_OV_MAX_ROUTES;
	if (!same_addrs(want, run))
		l |= XT_OV_ADDRS;
	if (want->mtu != run->mtu)
		l |= XT_OV_MTU;
	if (!same_ports(want, run))
		l |= XT_OV_FORWARD_FROM;
	*live = l;
	*fixed = f;
}

/* A setting's value as the man page writes it, for the refusal that names it. */
static void setting_text(const struct xt_overlay_spec *s, uint32_t bit, char *buf, size_t len)
{
	switch (bit) {
	case XT_OV_UPLINK:
		snprintf(buf, len, "%s", s->has & XT_OV_UPLINK ? s->uplink : "(gone)");
		break;
	case XT_OV_ENCAP:
		snprintf(buf, len, "%s", xt_encap_name(s->encap));
		break;
	case XT_OV_VNI:
	case XT_OV_PORT:
	case XT_OV_KEY:
		if (s->has & bit)
			snprintf(buf, len, "%u",
				 bit == XT_OV_VNI    ? s->vni
				 : bit == XT_OV_PORT ? s->port
						     : s->key);
		else
			snprintf(buf, len, "none");
		break;
	case XT_OV_LOCAL:
		xt_format_ip(&s->local, buf, len);
		break;
	case XT_OV_RX:
		snprintf(buf, len, "%s", xt_rx_mode_name(s->rx));
		break;
	case XT_OV_XDP_MODE:
		snprintf(buf, len, "%s", xt_xdp_mode_name(s->xdp_mode));
		break;
	default:
		snprintf(buf, len, "%u", bit == XT_OV_MAX_PEERS ? s->max_peers : s->max_routes);
	}
}

static int refuse_settings(const struct xt_overlay_spec *want, const struct xt_overlay_spec *run,
			   uint32_t fixed)
{
	char text[400] = "", from[INET6_ADDRSTRLEN], to[INET6_ADDRSTRLEN];
	size_t len = 0;
	uint32_t bit;

	for (bit = 1; bit && len < sizeof(text); bit <<= 1) {
		if (!(fixed & bit))
			continue;
		setting_text(run, bit, from, sizeof(from));
		setting_text(want, bit, to, sizeof(to));
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s %s -> %s",
					len ? ", " : "", xt_setting_name(bit), from, to);
	}
	return xt_err_input(-EINVAL,
			    "%s: cannot change on running overlay %s; take it down and up again "
			    "to change %s",
			    text, run->dev, __builtin_popcount(fixed) > 1 ? "them" : "it");
}

/*
 * Settings in two steps around the peers: before them what frees something a peer may need
 * (addresses that go, which a new prefix may hold; an MTU that grows); after them what a
 * peer that goes may be in the way of (new addresses, an MTU that shrinks, the ports).
 */
static int settings_steps(struct plan_ctx *c, uint32_t live, bool after)
{
	const struct xt_overlay_spec *run = &c->in->running->spec, *want = c->ov;
	struct xt_overlay_spec s = {};
	struct xt_step *step;
	int i;

	memcpy(s.dev, run->dev, sizeof(s.dev));
	if (live & XT_OV_ADDRS) {
		if (after) {
			memcpy(s.addrs, want->addrs, sizeof(s.addrs));
			s.n_addrs = want->n_addrs;
		} else {
			for (i = 0; i < run->n_addrs; i++)
				if (addr_in(want->addrs, want->n_addrs, &run->addrs[i]))
					s.addrs[s.n_addrs++] = run->addrs[i];
		}
		/* Before: only if one goes; after: only if one comes. */
		for (i = 0; after && i < want->n_addrs; i++)
			if (!addr_in(run->addrs, run->n_addrs, &want->addrs[i]))
				s.has |= XT_OV_ADDRS;
		if (!after && s.n_addrs != run->n_addrs)
			s.has |= XT_OV_ADDRS;
	}
	if ((live & XT_OV_MTU) && (want->mtu > run->mtu) != after) {
		s.has |= XT_OV_MTU;
		s.mtu = want->mtu;
	}
	if ((live & XT_OV_FORWARD_FROM) && after) {
		s.has |= XT_OV_FORWARD_FROM;
		memcpy(s.forward_from, want->forward_from, sizeof(s.forward_from));
		s.n_forward = want->n_forward;
	}
	if (!s.has)
		return 0;
	step = step_new(c, XT_STEP_SETTINGS, NULL);
	if (!step)
		return xt_err(-ENOMEM, "out of memory");
	step->settings = s;
	return 0;
}

/* ---- peers ---- */

struct by_name {
	const char *name;
	int index;
};

static int by_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct by_name *)a)->name, ((const struct by_name *)b)->name);
}

/* The wanted peers in name order, matched with the running ones (sorted by name too). */
static int match(struct plan_ctx *c, int **order)
{
	struct by_name *names = calloc((size_t)c->n_want + 1, sizeof(*names));
	int i, j = 0, k;

	*order = calloc((size_t)c->n_want + 1, sizeof(**order));
	if (!*order || !names) {
		free(names);
		return xt_err(-ENOMEM, "out of memory");
	}
	for (i = 0; i < c->n_want; i++)
		names[i] = (struct by_name){ c->want[i].name, i };
	qsort(names, (size_t)c->n_want, sizeof(*names), by_name_cmp);
	for (k = 0; k < c->n_want; k++) {
		i = (*order)[k] = names[k].index;
		while (j < c->n_run && strcmp(c->run[j]->spec.name, c->want[i].name) < 0)
			j++;
		if (j < c->n_run && !strcmp(c->run[j]->spec.name, c->want[i].name)) {
			c->run_of[i] = j;
			c->want_of[j] = i;
		}
	}
	free(names);
	return 0;
}

/* The running peer (of the reconciler's) that holds exactly p, or -1. */
struct owner {
	const struct xt_prefix *prefix;
	int run;
};

static int owner_cmp(const void *a, const void *b)
{
	return xt_prefix_cmp(((const struct owner *)a)->prefix, ((const struct owner *)b)->prefix);
}

static int transit_cmp(const void *a, const void *b)
{
	const struct transit *x = a, *y = b;

	return x->from != y->from ? (x->from < y->from ? -1 : 1)
				  : xt_prefix_cmp(x->prefix, y->prefix);
}

/* Prefixes taken whole from a peer that stays; *takes of the taker. */
static int find_transit(struct plan_ctx *c)
{
	struct owner *owners, key, *hit;
	size_t n = 0, cap = 0;
	int i, j, k, err = 0;

	for (j = 0; j < c->n_run; j++)
		n += (size_t)c->run[j]->spec.n_allowed;
	owners = calloc(n + 1, sizeof(*owners));
	if (!owners)
		return xt_err(-ENOMEM, "out of memory");
	n = 0;
	for (j = 0; j < c->n_run; j++)
		for (k = 0; k < c->run[j]->spec.n_allowed; k++)
			owners[n++] = (struct owner){ &c->run[j]->spec.allowed[k], j };
	qsort(owners, n, sizeof(*owners), owner_cmp);
	for (i = 0; i < c->n_want && !err; i++) {
		for (k = 0; k < c->want[i].n_allowed; k++) {
			key.prefix = &c->want_sorted[i][k];
			hit = n ? bsearch(&key, owners, n, sizeof(*owners), owner_cmp) : NULL;
			if (!hit || hit->run == c->run_of[i] || c->want_of[hit->run] < 0)
				continue; /* its own, nobody's, or a peer's that goes first */
			if ((size_t)c->n_transit == cap) {
				void *grown;

				cap = cap ? cap * 2 : 16;
				grown = realloc(c->transit, cap * sizeof(*c->transit));
				if (!grown) {
					err = xt_err(-ENOMEM, "out of memory");
					break;
				}
				c->transit = grown;
			}
			c->transit[c->n_transit++] = (struct transit){ key.prefix, hit->run, i };
			c->takes[i] = true;
		}
	}
	free(owners);
	if (c->n_transit)
		qsort(c->transit, (size_t)c->n_transit, sizeof(*c->transit), transit_cmp);
	return err;
}

/* The prefixes running peer j gives away whole: transit[*first .. *first + *n). */
static void transit_of(const struct plan_ctx *c, int j, int *first, int *n)
{
	int lo = 0, hi = c->n_transit;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (c->transit[mid].from < j)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (*n = 0; lo + *n < c->n_transit && c->transit[lo + *n].from == j; (*n)++)
		;
}

static int prefix_of_transit_cmp(const void *key, const void *t)
{
	return xt_prefix_cmp(key, ((const struct transit *)t)->prefix);
}

static bool gives(const struct plan_ctx *c, int j, const struct xt_prefix *p)
{
	int first, n;

	transit_of(c, j, &first, &n);
	return n && bsearch(p, c->transit + first, (size_t)n, sizeof(*c->transit),
			    prefix_of_transit_cmp);
}

/* Peers that lose prefixes lose them first, but for those another peer takes whole. */
static int shrink_steps(struct plan_ctx *c, const int *order)
{
	int k, i, j, m, dropped;

	for (k = 0; k < c->n_want; k++) {
		const struct xt_peer_spec *run;
		struct xt_step *s;

		i = order[k];
		j = c->run_of[i];
		if (j < 0)
			continue;
		run = &c->run[j]->spec;
		dropped = 0;
		for (m = 0; m < run->n_allowed; m++)
			if (!sorted_has(c->want_sorted[i], c->want[i].n_allowed,
					&c->run_sorted[j][m]) &&
			    !gives(c, j, &c->run_sorted[j][m]))
				dropped++;
		if (!dropped)
			continue;
		s = step_new(c, XT_STEP_PEER_SET, run->name);
		if (!s || step_list(s, run->n_allowed))
			return xt_err(-ENOMEM, "out of memory");
		for (m = 0; m < run->n_allowed; m++)
			if (sorted_has(c->want_sorted[i], c->want[i].n_allowed,
				       &c->run_sorted[j][m]) ||
			    gives(c, j, &c->run_sorted[j][m]))
				s->peer.allowed[s->peer.n_allowed++] = c->run_sorted[j][m];
	}
	return 0;
}

static bool endpoint_moves(const struct plan_ctx *c, int i)
{
	const struct xt_peer_state *r = c->run[c->run_of[i]];

	return memcmp(r->spec.endpoint.addr, c->want[i].endpoint.addr, XT_ADDR_LEN) ||
	       r->spec.port != c->port[i];
}

struct endpoint_ref {
	const uint8_t *addr;
	int run;
};

static int endpoint_ref_cmp(const void *a, const void *b)
{
	return memcmp(((const struct endpoint_ref *)a)->addr,
		      ((const struct endpoint_ref *)b)->addr, XT_ADDR_LEN);
}

/*
 * Endpoints and flags, in place. An endpoint another peer holds now is free once that peer
 * moved off it (the check made sure it does): that peer goes first. Peers that would swap
 * endpoints would each wait for the other; they are refused.
 */
static int endpoint_steps(struct plan_ctx *c, const int *order)
{
	struct endpoint_ref *refs = calloc((size_t)c->n_run + 1, sizeof(*refs)), key, *hit;
	int *dep = calloc((size_t)c->n_run + 1, sizeof(*dep));
	char *state = calloc((size_t)c->n_run + 1, 1);
	int *path = calloc((size_t)c->n_run + 1, sizeof(*path));
	int k, i, j, x, n_path, err = 0;

	if (!refs || !dep || !state || !path) {
		err = xt_err(-ENOMEM, "out of memory");
		goto out;
	}
	for (j = 0; j < c->n_run; j++) {
		refs[j] = (struct endpoint_ref){ c->run[j]->spec.endpoint.addr, j };
		dep[j] = -1;
	}
	qsort(refs, (size_t)c->n_run, sizeof(*refs), endpoint_ref_cmp);
	for (j = 0; j < c->n_run; j++) {
		i = c->want_of[j];
		if (i < 0 ||
		    !memcmp(c->run[j]->spec.endpoint.addr, c->want[i].endpoint.addr, XT_ADDR_LEN))
			continue;
		key.addr = c->want[i].endpoint.addr;
		hit = c->n_run ? bsearch(&key, refs, (size_t)c->n_run, sizeof(*refs),
					 endpoint_ref_cmp)
			       : NULL;
		if (hit && c->want_of[hit->run] >= 0)
			dep[j] = hit->run;
	}
	for (k = 0; k < c->n_want && !err; k++) {
		i = order[k];
		j = c->run_of[i];
		if (j < 0 || state[j] ||
		    (!endpoint_moves(c, i) && c->run[j]->spec.flags == c->flags[i]))
			continue;
		/* Each peer waits for one other at most: follow the chain, then go back. */
		n_path = 0;
		for (x = j; x >= 0 && !state[x]; x = dep[x]) {
			state[x] = 1;
			path[n_path++] = x;
		}
		if (x >= 0 && state[x] == 1) {
			err = xt_err_input(
				-EINVAL,
				"peers %s and %s would take each other's endpoint: each one moves "
				"only "
				"to an address no other peer holds; go through a state in between "
				"(one of them on another address first)",
				c->run[x]->spec.name, c->run[dep[x]]->spec.name);
			break;
		}
		while (n_path--) {
			const struct xt_peer_spec *w;
			struct xt_step *s;

			x = path[n_path];
			state[x] = 2;
			w = &c->want[c->want_of[x]];
			s = step_new(c, XT_STEP_PEER_SET, w->name);
			if (!s) {
				err = xt_err(-ENOMEM, "out of memory");
				break;
			}
			if (endpoint_moves(c, c->want_of[x])) {
				s->peer.has |= XT_PEER_ENDPOINT;
				s->peer.endpoint = w->endpoint;
				s->peer.port = w->port;
			}
			if (c->run[x]->spec.flags != c->flags[c->want_of[x]]) {
				s->peer.has |= XT_PEER_FLAGS;
				s->peer.flags = c->flags[c->want_of[x]];
			}
		}
	}
out:
	free(refs);
	free(dep);
	free(state);
	free(path);
	return err;
}

/* When wanted peer i takes its prefixes: its place among the peers that gain some. */
static int takes_at(const struct plan_ctx *c, int i)
{
	return c->run_of[i] < 0 ? INT_MAX : c->grow_seq[i];
}

/*
 * Peers that gain prefixes, then new peers. A peer keeps what it gives away whole until the
 * taker's step, which moves it in one update (XT_PEER_MOVE).
 */
static int grow_and_add_steps(struct plan_ctx *c, const int *order)
{
	int k, i, j, m, first, n, seq = 0, added;
	struct xt_step *s;

	for (k = 0; k < c->n_want; k++) {
		i = order[k];
		j = c->run_of[i];
		c->grow_seq[i] = -1;
		if (j < 0)
			continue;
		for (m = 0, added = 0; m < c->want[i].n_allowed && !added; m++)
			added = !sorted_has(c->run_sorted[j], c->run[j]->spec.n_allowed,
					    &c->want_sorted[i][m]);
		if (added)
			c->grow_seq[i] = seq++;
	}
	for (k = 0; k < c->n_want; k++) {
		i = order[k];
		j = c->run_of[i];
		if (j < 0 || c->grow_seq[i] < 0)
			continue;
		transit_of(c, j, &first, &n);
		s = step_new(c, XT_STEP_PEER_SET, c->want[i].name);
		if (!s || step_list(s, c->want[i].n_allowed + n))
			return xt_err(-ENOMEM, "out of memory");
		memcpy(s->peer.allowed, c->want_sorted[i],
		       (size_t)c->want[i].n_allowed * sizeof(*s->peer.allowed));
		s->peer.n_allowed = c->want[i].n_allowed;
		for (m = first; m < first + n; m++)
			if (takes_at(c, c->transit[m].to) > c->grow_seq[i])
				s->peer.allowed[s->peer.n_allowed++] = *c->transit[m].prefix;
		s->flags = c->takes[i] ? XT_PEER_MOVE : 0;
	}
	for (k = 0; k < c->n_want; k++) {
		i = order[k];
		if (c->run_of[i] >= 0)
			continue;
		s = step_new(c, XT_STEP_PEER_ADD, c->want[i].name);
		if (!s || step_list(s, c->want[i].n_allowed))
			return xt_err(-ENOMEM, "out of memory");
		s->peer.has |= XT_PEER_ENDPOINT | XT_PEER_FLAGS;
		s->peer.endpoint = c->want[i].endpoint;
		s->peer.port = c->want[i].port;
		s->peer.flags = c->flags[i];
		memcpy(s->peer.allowed, c->want_sorted[i],
		       (size_t)c->want[i].n_allowed * sizeof(*s->peer.allowed));
		s->peer.n_allowed = c->want[i].n_allowed;
		s->flags = c->takes[i] ? XT_PEER_MOVE : 0;
	}
	return 0;
}

/* Peers that go: first of all, so that their endpoints and prefixes are free. */
static int del_steps(struct plan_ctx *c)
{
	int j;

	for (j = 0; j < c->n_run; j++) {
		if (c->want_of[j] >= 0)
			continue;
		if (!step_new(c, XT_STEP_PEER_DEL, c->run[j]->spec.name) ||
		    change_new(c, XT_PEER_REMOVED, c->run[j]->spec.name, 0))
			return xt_err(-ENOMEM, "out of memory");
		c->out->result.removed++;
	}
	return 0;
}

/* What happens to each wanted peer, in name order. */
static int changes(struct plan_ctx *c, const int *order)
{
	const struct xt_peer_spec *run;
	int k, i, j, m;
	uint32_t what;

	for (k = 0; k < c->n_want; k++) {
		i = order[k];
		j = c->run_of[i];
		if (j < 0) {
			c->out->result.added++;
			if (change_new(c, XT_PEER_ADDED, c->want[i].name, 0))
				return -ENOMEM;
			continue;
		}
		run = &c->run[j]->spec;
		what = 0;
		if (endpoint_moves(c, i))
			what |= XT_PEER_ENDPOINT;
		if (run->flags != c->flags[i])
			what |= XT_PEER_FLAGS;
		if (run->n_allowed != c->want[i].n_allowed)
			what |= XT_PEER_ALLOWED;
		for (m = 0; m < run->n_allowed && !(what & XT_PEER_ALLOWED); m++)
			if (xt_prefix_cmp(&c->run_sorted[j][m], &c->want_sorted[i][m]))
				what |= XT_PEER_ALLOWED;
		if (!what) {
			c->out->result.unchanged++;
			continue;
		}
		c->out->result.changed++;
		if (change_new(c, XT_PEER_CHANGED, c->want[i].name, what))
			return -ENOMEM;
	}
	return 0;
}

/* The peers as they will be, checked with the peers that stay and the other overlays'. */
static int check(struct plan_ctx *c)
{
	const struct xt_overlay_state *running = c->in->running;
	struct xt_fixed_peer *fixed;
	size_t n = 0;
	int i, j, err;

	for (i = 0; running && i < running->n_peers; i++)
		n++;
	for (i = 0; i < c->in->n_others; i++)
		n += (size_t)c->in->others[i].n_peers;
	fixed = calloc(n + 1, sizeof(*fixed));
	if (!fixed)
		return xt_err(-ENOMEM, "out of memory");
	n = 0;
	for (i = 0; running && i < running->n_peers; i++)
		if ((c->in->flags & XT_RECONCILE_MANAGED_ONLY) &&
		    !(running->peers[i].spec.flags & XT_PEER_F_MANAGED))
			fixed[n++] = (struct xt_fixed_peer){ &running->peers[i].spec, NULL };
	for (i = 0; i < c->in->n_others; i++)
		for (j = 0; j < c->in->others[i].n_peers; j++)
			fixed[n++] = (struct xt_fixed_peer){ &c->in->others[i].peers[j].spec,
							     c->in->others[i].spec.dev };
	err = xt_check_state(&(struct xt_check){ c->ov, c->want, c->n_want, fixed, (int)n }, NULL);
	free(fixed);
	return err;
}

static int prepare(struct plan_ctx *c)
{
	const struct xt_overlay_state *running = c->in->running;
	const struct xt_peer_spec **specs;
	int i, n = c->n_want + (running ? running->n_peers : 0), err;

	c->run = calloc((size_t)n + 1, sizeof(*c->run));
	c->run_of = calloc((size_t)c->n_want + 1, sizeof(*c->run_of));
	c->want_of = calloc((size_t)n + 1, sizeof(*c->want_of));
	c->flags = calloc((size_t)c->n_want + 1, sizeof(*c->flags));
	c->port = calloc((size_t)c->n_want + 1, sizeof(*c->port));
	c->takes = calloc((size_t)c->n_want + 1, sizeof(*c->takes));
	c->grow_seq = calloc((size_t)c->n_want + 1, sizeof(*c->grow_seq));
	specs = calloc((size_t)n + 1, sizeof(*specs));
	if (!c->run || !c->run_of || !c->want_of || !c->flags || !c->port || !c->takes ||
	    !c->grow_seq || !specs) {
		free(specs);
		return xt_err(-ENOMEM, "out of memory");
	}
	for (i = 0; running && i < running->n_peers; i++)
		if (!(c->in->flags & XT_RECONCILE_MANAGED_ONLY) ||
		    (running->peers[i].spec.flags & XT_PEER_F_MANAGED))
			c->run[c->n_run++] = &running->peers[i];
	for (i = 0; i < c->n_run; i++)
		c->want_of[i] = -1;
	for (i = 0; i < c->n_want; i++) {
		c->run_of[i] = -1;
		c->flags[i] = c->want[i].has & XT_PEER_FLAGS ? c->want[i].flags : 0;
		if (c->in->flags & XT_RECONCILE_MANAGED_ONLY)
			c->flags[i] |= XT_PEER_F_MANAGED;
		c->port[i] = c->want[i].port		     ? c->want[i].port
			     : xt_encap_is_udp(c->ov->encap) ? c->ov->port
							     : 0;
		specs[i] = &c->want[i];
	}
	err = sort_lists(specs, c->n_want, &c->want_sorted, &c->want_store);
	for (i = 0; i < c->n_run; i++)
		specs[i] = &c->run[i]->spec;
	if (!err)
		err = sort_lists(specs, c->n_run, &c->run_sorted, &c->run_store);
	free(specs);
	return err;
}

static void ctx_free(struct plan_ctx *c)
{
	free(c->run);
	free(c->run_of);
	free(c->want_of);
	free(c->flags);
	free(c->port);
	free(c->takes);
	free(c->grow_seq);
	free(c->want_sorted);
	free(c->want_store);
	free(c->run_sorted);
	free(c->run_store);
	free(c->transit);
}

int xt_plan_make(const struct xt_plan_input *in, struct xt_plan *out)
{
	struct plan_ctx c = { .in = in, .ov = in->overlay, .out = out };
	uint32_t live = 0, fixed = 0;
	int *order = NULL, err;

	memset(out, 0, sizeof(*out));
	c.want = in->want->peers;
	c.n_want = in->want->n_peers;
	if (c.n_want < 0 || (c.n_want && !c.want))
		return xt_err_input(-EINVAL, "a desired state without its peers");
	err = check(&c);
	if (err)
		return err;
	if (in->running && !(in->flags & XT_RECONCILE_PEERS_ONLY)) {
		xt_settings_diff(in->overlay, &in->running->spec,
				 in->want->overlay.has & XT_OV_LOCAL, &live, &fixed);
		if (fixed)
			return refuse_settings(in->overlay, &in->running->spec, fixed);
	}
	out->settings = live;
	out->result.settings = live;
	out->result.created = !in->running;
	err = prepare(&c);
	if (!err)
		err = match(&c, &order);
	if (!err)
		err = find_transit(&c);
	if (!err && live)
		err = settings_steps(&c, live, false);
	if (!err)
		err = del_steps(&c);
	if (!err)
		err = shrink_steps(&c, order);
	if (!err)
		err = endpoint_steps(&c, order);
	if (!err)
		err = grow_and_add_steps(&c, order);
	if (!err && live)
		err = settings_steps(&c, live, true);
	if (!err)
		err = changes(&c, order);
	free(order);
	ctx_free(&c);
	if (err)
		xt_plan_free(out);
	return err;
}

void xt_plan_free(struct xt_plan *plan)
{
	int i;

	for (i = 0; i < plan->n_steps; i++)
		free(plan->steps[i].peer.allowed);
	free(plan->steps);
	xt_reconcile_result_free(&plan->result);
	memset(plan, 0, sizeof(*plan));
}

/* Here, not in reconcile.c: the plan makes the result and frees it when it fails. */
void xt_reconcile_result_free(struct xt_reconcile_result *result)
{
	free(result->peers);
	memset(result, 0, sizeof(*result));
}
