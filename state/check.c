// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The checks of a state as it will be (plan.h): what the loader would refuse peer by peer,
 * found for the whole state at once and before anything changes, so that a reconcile never
 * stops half-way for a reason the request held from the start. Each is sorting and one pass,
 * never a pair of loops over the peers: a state may have 100,000 of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "plan.h"

#define PREFIX_TEXT (INET6_ADDRSTRLEN + 4)

/* The length of p as the maps key it: IPv4 /N is ::ffff:a.b.c.d/(96 + N). */
static unsigned int key_len(const struct xt_prefix *p)
{
	return p->ip.family == XT_FAMILY_V4 ? XT_V4_MAPPED_BITS + p->len : p->len;
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - rest)));
}

int xt_prefix_cmp(const struct xt_prefix *a, const struct xt_prefix *b)
{
	int c = memcmp(a->ip.addr, b->ip.addr, XT_ADDR_LEN);

	if (c)
		return c;
	return (int)key_len(a) - (int)key_len(b);
}

bool xt_prefix_holds(const struct xt_prefix *a, const struct xt_prefix *b)
{
	return key_len(a) <= key_len(b) && bits_equal(a->ip.addr, b->ip.addr, key_len(a));
}

/* One prefix of one peer: owner >= 0 is a wanted peer, owner < 0 the fixed peer -owner-1. */
struct item {
	const struct xt_prefix *prefix;
	int owner, index;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = xt_prefix_cmp(x->prefix, y->prefix);

	if (c)
		return c;
	return x->owner != y->owner ? (x->owner < y->owner ? -1 : 1) : x->index - y->index;
}

struct checker {
	const struct xt_check *c;
	struct xt_desired_fault *fault;
};

static const struct xt_peer_spec *owner_spec(const struct checker *k, int owner)
{
	return owner >= 0 ? &k->c->peers[owner] : k->c->fixed[-owner - 1].spec;
}

/* "peer NAME", "peer NAME of overlay DEV" for a fixed peer of another overlay. */
static void owner_text(const struct checker *k, int owner, char *buf, size_t len)
{
	const char *overlay = owner < 0 ? k->c->fixed[-owner - 1].overlay : NULL;

	snprintf(buf, len, "peer %s%s%s", owner_spec(k, owner)->name, overlay ? " of overlay " : "",
		 overlay ? overlay : "");
}

static int fault(const struct checker *k, int peer, enum xt_desired_item item, int prefix,
		 int other_peer, int other_prefix)
{
	if (k->fault) {
		k->fault->peer = peer;
		k->fault->item = item;
		k->fault->prefix = prefix;
		k->fault->other_peer = other_peer;
		k->fault->other_prefix = other_prefix;
	}
	return -EINVAL;
}

/*
 * Two items clash when they overlap (the first holds the second), belong to different
 * peers, and one of them is wanted: fixed peers may overlap each other ('peer add ... move'
 * allows it), that is not this request's doing. Within one peer, only the same prefix twice.
 * The fault names the later of the two wanted items, the one a reader of the file meets
 * second.
 */
static int clash(const struct checker *k, const struct item *outer, const struct item *inner)
{
	char a[PREFIX_TEXT], b[PREFIX_TEXT], who_a[XT_PEER_NAME_LEN + 40], who_b[sizeof(who_a)];
	const struct item *at = inner, *other = outer;

	if (outer->owner < 0 && inner->owner < 0)
		return 0;
	if (outer->owner == inner->owner && xt_prefix_cmp(outer->prefix, inner->prefix))
		return 0;
	if (other->owner > at->owner || (other->owner == at->owner && other->index > at->index) ||
	    at->owner < 0) {
		at = outer;
		other = inner;
	}
	xt_format_prefix(at->prefix, a, sizeof(a));
	xt_format_prefix(other->prefix, b, sizeof(b));
	owner_text(k, at->owner, who_a, sizeof(who_a));
	owner_text(k, other->owner, who_b, sizeof(who_b));
	if (at->owner == other->owner)
		xt_err_input(-EINVAL, "%s: allowed-ips %s is listed twice", who_a, a);
	else
		xt_err_input(-EINVAL, "%s: allowed-ips %s overlaps %s of %s%s", who_a, a, b, who_b,
			     other->owner < 0 && k->c->fixed[-other->owner - 1].overlay
				     ? ": one prefix, one overlay"
				     : "");
	return fault(k, at->owner, XT_ITEM_ALLOWED, at->index,
		     other->owner >= 0 ? other->owner : -1, other->owner >= 0 ? other->index : -1);
}

/* Every prefix of the wanted and the fixed peers, sorted, walked once with the chain of
 * those that hold the current one: a prefix clashes with one of its chain, and the chain
 * is at most 129 deep (one per length) but for equal prefixes, which clash at once. */
static int check_prefixes(const struct checker *k, struct item *items, size_t n)
{
	const struct item **chain = NULL;
	size_t depth = 0, cap = 0, i, j;
	int err = 0;

	qsort(items, n, sizeof(*items), item_cmp);
	for (i = 0; i < n && !err; i++) {
		while (depth && !xt_prefix_holds(chain[depth - 1]->prefix, items[i].prefix))
			depth--;
		for (j = 0; j < depth && !err; j++)
			err = clash(k, chain[j], &items[i]);
		if (depth == cap) {
			const struct item **grown;

			cap = cap ? cap * 2 : 32;
			grown = realloc(chain, cap * sizeof(*chain));
			if (!grown) {
				err = xt_err(-ENOMEM, "out of memory");
				break;
			}
			chain = grown;
		}
		chain[depth++] = &items[i];
	}
	free(chain);
	return err;
}

/* Names and endpoints: sorted, so that equal ones are neighbours. */
struct key {
	const struct xt_peer_spec *spec;
	int owner;
};

static int name_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->spec->name, y->spec->name);

	return c ? c : x->owner - y->owner;
}

static int endpoint_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = memcmp(x->spec->endpoint.addr, y->spec->endpoint.addr, XT_ADDR_LEN);

	return c ? c : x->owner - y->owner;
}

/* The wanted peers of keys (and this overlay's fixed ones) two by two: the same name or
 * endpoint twice is refused, naming the later wanted one. */
static int check_unique(const struct checker *k, struct key *keys, size_t n, bool names)
{
	char a[INET6_ADDRSTRLEN], who[XT_PEER_NAME_LEN + 40], other[sizeof(who)];
	const struct key *at, *before;
	size_t i;

	qsort(keys, n, sizeof(*keys), names ? name_cmp : endpoint_cmp);
	for (i = 1; i < n; i++) {
		if (names ? strcmp(keys[i - 1].spec->name, keys[i].spec->name)
			  : memcmp(keys[i - 1].spec->endpoint.addr, keys[i].spec->endpoint.addr,
				   XT_ADDR_LEN))
			continue;
		at = &keys[i];
		before = &keys[i - 1];
		if (at->owner < 0 || (before->owner >= 0 && before->owner > at->owner)) {
			at = &keys[i - 1];
			before = &keys[i];
		}
		if (at->owner < 0)
			continue; /* two fixed peers: not this request's doing */
		owner_text(k, at->owner, who, sizeof(who));
		owner_text(k, before->owner, other, sizeof(other));
		xt_format_ip(&at->spec->endpoint, a, sizeof(a));
		if (names && before->owner < 0)
			xt_err_input(-EEXIST,
				     "%s exists already and is not managed: it is left as it is",
				     who);
		else if (names)
			xt_err_input(-EEXIST, "%s is named twice", who);
		else
			xt_err_input(-EEXIST, "%s: endpoint %s is %s's already", who, a, other);
		return fault(k, at->owner, names ? XT_ITEM_NAME : XT_ITEM_ENDPOINT, -1,
			     before->owner >= 0 ? before->owner : -1, -1);
	}
	return 0;
}

/* A wanted peer by itself, against the overlay's settings as far as they are known. */
static int check_peer(const struct checker *k, int i)
{
	const struct xt_overlay_spec *ov = k->c->overlay;
	const struct xt_peer_spec *p = &k->c->peers[i];
	char a[INET6_ADDRSTRLEN], local[INET6_ADDRSTRLEN];
	int j, err;

	if (xt_peer_name_check(p->name))
		return fault(k, i, XT_ITEM_NAME, -1, -1, -1);
	if (!(p->has & XT_PEER_ENDPOINT)) {
		xt_err_input(-EINVAL, "peer %s has no endpoint", p->name);
		return fault(k, i, XT_ITEM_NAME, -1, -1, -1);
	}
	xt_format_ip(&p->endpoint, a, sizeof(a));
	if (ov->has & XT_OV_LOCAL) {
		xt_format_ip(&ov->local, local, sizeof(local));
		if (p->endpoint.family != ov->local.family)
			err = xt_err_input(
				-EINVAL,
				"peer %s: endpoint %s is IPv%d but the underlay is IPv%d "
				"(local %s)",
				p->name, a, p->endpoint.family == XT_FAMILY_V4 ? 4 : 6,
				ov->local.family == XT_FAMILY_V4 ? 4 : 6, local);
		else if (!memcmp(p->endpoint.addr, ov->local.addr, XT_ADDR_LEN))
			err = xt_err_input(-EINVAL, "peer %s: endpoint %s is the overlay's own",
					   p->name, a);
		else
			err = 0;
		if (err)
			return fault(k, i, XT_ITEM_ENDPOINT, -1, -1, -1);
	}
	if (p->port && (ov->has & XT_OV_ENCAP) && !xt_encap_is_udp(ov->encap)) {
		xt_err_input(-EINVAL, "peer %s: endpoint %s port %u: encap %s has no port", p->name,
			     a, p->port, xt_encap_name(ov->encap));
		return fault(k, i, XT_ITEM_ENDPOINT, -1, -1, -1);
	}
	/* As the loader's xt_peer_check_flags, as far as the settings say (the underlay's
	 * family is known here only from Local). */
	if ((p->flags & XT_PEER_F_UDP6_ZERO_CSUM) &&
	    (((ov->has & XT_OV_ENCAP) && !xt_encap_is_udp(ov->encap)) ||
	     ((ov->has & XT_OV_LOCAL) && ov->local.family != XT_FAMILY_V6))) {
		xt_err_input(-EINVAL,
			     "peer %s: udp6-zero-csum: only VXLAN and GENEVE over an IPv6 underlay "
			     "have an outer UDP checksum to leave out",
			     p->name);
		return fault(k, i, XT_ITEM_FLAGS, -1, -1, -1);
	}
	for (j = 0; j < p->n_allowed; j++) {
		xt_format_prefix(&p->allowed[j], a, sizeof(a));
		if (xt_allowed_ip_check(&p->allowed[j])) {
			char why[512];

			snprintf(why, sizeof(why), "%s", xt_errmsg());
			xt_err_input(-EINVAL, "peer %s: %s", p->name, why);
		} else if (p->allowed[j].ip.family == XT_FAMILY_V6 && (ov->has & XT_OV_MTU) &&
			   ov->mtu < 1280) {
			xt_err_input(-EINVAL,
				     "peer %s: allowed-ips %s: an MTU of %u carries no IPv6 (1280 "
				     "at least)",
				     p->name, a, ov->mtu);
		} else {
			continue;
		}
		return fault(k, i, XT_ITEM_ALLOWED, j, -1, -1);
	}
	return 0;
}

/* No peer of this overlay may hold one of its own addresses: it could send as this host. */
static int check_own(const struct checker *k, const struct item *items, size_t n)
{
	const struct xt_overlay_spec *ov = k->c->overlay;
	char a[INET6_ADDRSTRLEN], b[PREFIX_TEXT], who[XT_PEER_NAME_LEN + 40];
	struct xt_prefix host;
	size_t i;
	int j;

	if (!(ov->has & XT_OV_ADDRS))
		return 0;
	for (j = 0; j < ov->n_addrs; j++) {
		host.ip = ov->addrs[j].ip;
		host.len = host.ip.family == XT_FAMILY_V4 ? 32 : 128;
		for (i = 0; i < n; i++) {
			if ((items[i].owner < 0 && k->c->fixed[-items[i].owner - 1].overlay) ||
			    !xt_prefix_holds(items[i].prefix, &host))
				continue;
			xt_format_ip(&host.ip, a, sizeof(a));
			xt_format_prefix(items[i].prefix, b, sizeof(b));
			owner_text(k, items[i].owner, who, sizeof(who));
			xt_err_input(-EINVAL,
				     "%s: allowed-ips %s holds %s, an address of %s itself", who, b,
				     a, *ov->dev ? ov->dev : "the overlay");
			if (items[i].owner < 0)
				return fault(k, -1, XT_ITEM_ALLOWED, -1, -1, -1);
			return fault(k, items[i].owner, XT_ITEM_ALLOWED, items[i].index, -1, -1);
		}
	}
	return 0;
}

/* max-peers and max-routes, as given or by default: the fault names the first peer or
 * prefix beyond them. */
static int check_capacity(const struct checker *k)
{
	const struct xt_overlay_spec *ov = k->c->overlay;
	uint32_t max_peers = ov->has & XT_OV_MAX_PEERS ? ov->max_peers : XT_DEFAULT_MAX_PEERS;
	uint32_t max_routes = ov->has & XT_OV_MAX_ROUTES ? ov->max_routes : XT_DEFAULT_MAX_ROUTES;
	uint64_t peers = 0, routes = 0;
	int i;

	for (i = 0; i < k->c->n_fixed; i++)
		if (!k->c->fixed[i].overlay) {
			peers++;
			routes += (uint64_t)k->c->fixed[i].spec->n_allowed;
		}
	for (i = 0; i < k->c->n_peers; i++) {
		const struct xt_peer_spec *p = &k->c->peers[i];

		if (++peers > max_peers) {
			xt_err_input(-ENOSPC, "peer %s: more than max-peers %u", p->name,
				     max_peers);
			return fault(k, i, XT_ITEM_NAME, -1, -1, -1);
		}
		if (routes + (uint64_t)p->n_allowed > max_routes) {
			xt_err_input(-ENOSPC, "peer %s: more allowed-ips than max-routes %u",
				     p->name, max_routes);
			return fault(k, i, XT_ITEM_ALLOWED,
				     routes < max_routes ? (int)(max_routes - routes) : 0, -1, -1);
		}
		routes += (uint64_t)p->n_allowed;
	}
	return 0;
}

int xt_check_state(const struct xt_check *c, struct xt_desired_fault *fault_out)
{
	struct checker k = { c, fault_out };
	size_t n_items = 0, n_keys = 0, i;
	struct item *items = NULL;
	struct key *keys = NULL;
	int err = 0, j;

	for (j = 0; j < c->n_peers && !err; j++) {
		if (c->peers[j].n_allowed < 0 || (c->peers[j].n_allowed && !c->peers[j].allowed))
			err = xt_err_input(-EINVAL, "peer %d: a list without its prefixes", j);
		else
			err = check_peer(&k, j);
		n_items += (size_t)c->peers[j].n_allowed;
	}
	for (j = 0; j < c->n_fixed; j++)
		n_items += (size_t)c->fixed[j].spec->n_allowed;
	if (!err)
		err = check_capacity(&k);
	if (err)
		return err;
	items = calloc(n_items + 1, sizeof(*items));
	keys = calloc((size_t)c->n_peers + (size_t)c->n_fixed + 1, sizeof(*keys));
	if (!items || !keys) {
		err = xt_err(-ENOMEM, "out of memory");
		goto out;
	}
	n_items = 0;
	for (j = 0; j < c->n_peers; j++) {
		keys[n_keys++] = (struct key){ &c->peers[j], j };
		for (i = 0; i < (size_t)c->peers[j].n_allowed; i++)
			items[n_items++] = (struct item){ &c->peers[j].allowed[i], j, (int)i };
	}
	for (j = 0; j < c->n_fixed; j++) {
		if (!c->fixed[j].overlay) /* names and endpoints are per overlay */
			keys[n_keys++] = (struct key){ c->fixed[j].spec, -j - 1 };
		for (i = 0; i < (size_t)c->fixed[j].spec->n_allowed; i++)
			items[n_items++] =
				(struct item){ &c->fixed[j].spec->allowed[i], -j - 1, (int)i };
	}
	err = check_unique(&k, keys, n_keys, true);
	if (!err)
		err = check_unique(&k, keys, n_keys, false);
	if (!err)
		err = check_own(&k, items, n_items);
	if (!err)
		err = check_prefixes(&k, items, n_items);
out:
	free(items);
	free(keys);
	return err;
}

int xt_desired_check(const struct xt_desired *d, struct xt_desired_fault *fault_out)
{
	struct xt_check c = { &d->overlay, d->peers, d->n_peers, NULL, 0 };

	if (d->n_peers < 0 || (d->n_peers && !d->peers))
		return xt_err_input(-EINVAL, "a desired state without its peers");
	return xt_check_state(&c, fault_out);
}

void xt_desired_free(struct xt_desired *d)
{
	int i;

	for (i = 0; i < d->n_peers; i++)
		xt_peer_spec_free(&d->peers[i]);
	free(d->peers);
	d->peers = NULL;
	d->n_peers = 0;
}
