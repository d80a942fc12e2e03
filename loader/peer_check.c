// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The checks of a peer request against the overlay's view (peer_check.h): an endpoint the
 * overlay can send to, and allowed-ips that are no other peer's or overlay's, hold none of
 * this host's overlay addresses, and fit the route table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "dev.h"
#include "errmsg.h"
#include "peer_check.h"

static const char *family_name(uint8_t family)
{
	return family == XT_FAMILY_V4 ? "IPv4" : "IPv6";
}

/* The endpoint must be reachable the way this overlay sends: same underlay family, and a
 * port only where the encapsulation has one (UDP). */
int xt_peer_check_endpoint(const struct xt_overlay *ov, const struct xt_ip *ep, uint16_t port)
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

/* Only flags xtunnel knows: a bit it does not know could mean anything to a later version.
 * A zero outer UDP checksum only where there is one to leave out: over IPv4 it is always 0
 * (RFC 768), and GRE and IPIP have no UDP header. L2 overlays do not send it (yet). */
int xt_peer_check_flags(const struct xt_overlay *ov, uint16_t flags)
{
	unsigned int bit;

	for (bit = 0; bit < 16; bit++)
		if ((flags & (1u << bit)) && !xt_peer_flag_name((uint16_t)(1u << bit)))
			return xt_err_input(-EINVAL, "peer flag 0x%x: not one xtunnel knows",
					    1u << bit);
	if (!(flags & XT_PEER_F_UDP6_ZERO_CSUM))
		return 0;
	if (!xt_encap_is_udp(ov->cfg.encap))
		return xt_err_input(-EINVAL,
				    "udp6-zero-csum: overlay %s is %s, which has no UDP header "
				    "(only VXLAN and GENEVE)",
				    ov->dev, xt_encap_name((enum xt_encap)ov->cfg.encap));
	if (ov->cfg.family != XT_FAMILY_V6)
		return xt_err_input(
			-EINVAL,
			"udp6-zero-csum: overlay %s's underlay is IPv4, where the outer "
			"UDP checksum is always 0",
			ov->dev);
	if (ov->mode == XT_MODE_L2)
		return xt_err_input(-EINVAL,
				    "udp6-zero-csum: overlay %s is an L2 overlay, "
				    "which does not send it",
				    ov->dev);
	return 0;
}

uint16_t xt_peer_flags_wanted(const struct xt_peer_spec *o, uint16_t now)
{
	uint16_t flags = o->has & XT_PEER_FLAGS ? o->flags : now;

	if (o->has & XT_PEER_UDP6_ZERO_CSUM)
		flags = o->udp6_zero_csum ? flags | XT_PEER_F_UDP6_ZERO_CSUM
					  : flags & ~XT_PEER_F_UDP6_ZERO_CSUM;
	return flags;
}

/*
 * What an IPv6 prefix needs here: an overlay device that can carry IPv6, for its kernel
 * route. What it needs on any overlay is xt_allowed_ip_check's.
 */
static int prefix_ipv6_validate(const struct xt_overlay *ov, const struct xt_prefix *p)
{
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
	return xt_allowed_ip_check(p);
}

static void peer_name_of(const struct xt_view *v, uint32_t id, char *buf, size_t len)
{
	if (id < v->ov.cfg.max_peers && v->by_id[id])
		snprintf(buf, len, "%s", v->by_id[id]->val.name);
	else
		snprintf(buf, len, "#%u", id);
}

/* A peer's allowed-ips never hold an address of the overlay device itself: the peer could
 * then send as this host, to this host, and claim its address in ARP or ND. */
static int prefix_own_validate(const struct xt_view *v, const struct xt_prefix *p)
{
	char a[INET6_ADDRSTRLEN + 4], own[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < v->n_own; i++) {
		if (v->own[i].ip.family != p->ip.family ||
		    !xt_bits_equal(v->own[i].ip.addr, p->ip.addr, xt_prefix_key_len(p)))
			continue;
		xt_format_prefix(p, a, sizeof(a));
		xt_format_ip(&v->own[i].ip, own, sizeof(own));
		return xt_err_input(-EINVAL,
				    "allowed-ips %s holds %s, an address of %s itself: a peer's "
				    "allowed-ips must leave out this host's overlay addresses",
				    a, own, v->ov.dev);
	}
	return 0;
}

/* The refusal of allowed-ips p, which overlap q of peer `id` of v; `why` ends the message. */
static int overlap_refused(const struct xt_view *v, const struct xt_prefix *p,
			   const struct xt_prefix *q, uint32_t id, const char *why)
{
	char a[INET6_ADDRSTRLEN + 4], b[INET6_ADDRSTRLEN + 4], owner[XT_PEER_NAME_LEN + 8];

	xt_format_prefix(p, a, sizeof(a));
	xt_format_prefix(q, b, sizeof(b));
	peer_name_of(v, id, owner, sizeof(owner));
	return xt_err_input(-EEXIST, "allowed-ips %s overlaps %s of peer %s%s", a, b, owner, why);
}

/*
 * Another overlay of this host holds none of the prefixes: the kernel routes a prefix
 * through one device, so the second overlay would get no kernel route, and two overlays
 * would take the same sources from their peers. `move` does not apply across overlays.
 */
static int other_overlay_validate(struct xt_view *other, void *ctx)
{
	const struct xt_peer_spec *o = ctx;
	char why[IF_NAMESIZE + 40];
	struct xt_prefix q;
	struct xt_route r;
	int i;

	snprintf(why, sizeof(why), " of overlay %s: one prefix, one overlay", other->ov.dev);
	for (i = 0; i < o->n_allowed; i++)
		if (xt_view_overlap(other, &o->allowed[i], -1, &q, &r))
			return overlap_refused(other, &o->allowed[i], &q, r.peer_id, why);
	return 0;
}

/*
 * A prefix that overlaps another peer's (the same, inside it, or around it) is refused
 * unless the request says `move`: then an identical prefix changes owner and an
 * overlapping one is added beside it (the longest prefix wins, as in any route table).
 */
int xt_peer_check_allowed(struct xt_view *v, const struct xt_peer_spec *o, bool move, int self_id)
{
	struct xt_prefix q;
	struct xt_route r;
	uint32_t adding = 0;
	int i, err;

	for (i = 0; i < o->n_allowed; i++) {
		err = prefix_ipv6_validate(&v->ov, &o->allowed[i]);
		if (err)
			return err;
		if (!move && xt_view_overlap(v, &o->allowed[i], self_id, &q, &r))
			return overlap_refused(v, &o->allowed[i], &q, r.peer_id,
					       " (add 'move' to take it)");
		err = prefix_own_validate(v, &o->allowed[i]);
		if (err)
			return err;
		if (!xt_view_route(v, &o->allowed[i]))
			adding++;
	}
	if (v->routes.count + adding > v->ov.cfg.max_routes)
		return xt_err_input(
			-ENOSPC, "route table full (%u prefixes): attach with a larger max-routes",
			v->ov.cfg.max_routes);
	return xt_view_each_other(v, other_overlay_validate, (void *)o);
}

int xt_peer_check_new(struct xt_view *v, const struct xt_peer_spec *o, uint32_t *id)
{
	struct xt_peer_key key = {};
	char a[INET6_ADDRSTRLEN];
	struct xt_peer pv;

	if (xt_view_peer_named(v, o->name))
		return xt_err_input(-EEXIST, "peer %s exists already (use 'peer set')", o->name);
	memcpy(key.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	if (!bpf_map_lookup_elem(v->ov.fd[XT_MAP_PEERS], &key, &pv)) {
		xt_format_ip(&o->endpoint, a, sizeof(a));
		return xt_err_input(-EEXIST, "endpoint %s is peer %.*s's already", a,
				    XT_PEER_NAME_LEN, pv.name);
	}
	*id = xt_view_free_id(v);
	if (*id >= v->ov.cfg.max_peers)
		return xt_err_input(-ENOSPC,
				    "peer table full (%u peers): attach with a larger max-peers",
				    v->ov.cfg.max_peers);
	return 0;
}
