// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fuzzing the programs under BPF_PROG_TEST_RUN, on every overlay (VXLAN, GENEVE, GRE with
 * and without a key, IPIP, each over IPv4 and IPv6): packets that start valid (what peers A
 * and B send, carrying IPv4, IPv6 or ARP, for decap; IPv4, IPv6, ARP and neighbour
 * solicitation frames for encap) are mutated: bytes set at random, bits flipped, header
 * fields set to values near their edges, frames cut and grown, headers spliced in from other
 * packets, removed or repeated (a tunnel in the tunnel). After most mutations the outer IP
 * and UDP lengths are made to fit again, so that the packets get past the length check to
 * the rules behind it. Each iteration picks one overlay.
 *
 * Every run is checked, not only for surviving it:
 * - the verdict is one the program may give (TC: TC_ACT_UNSPEC, TC_ACT_SHOT,
 *   TC_ACT_REDIRECT, and TC_ACT_OK for xt_encap's GSO hand-off; XDP: XDP_PASS, XDP_DROP,
 *   XDP_REDIRECT; encap never passes, it fails closed);
 * - exactly one reason counter moves, by one, and its kind matches the verdict (pass-*
 *   with a pass, decap or encap with a redirect, segment with TC_ACT_OK, drop-* with a
 *   drop);
 * - a pass (and a GSO hand-off) leaves the packet byte for byte; no output is longer than
 *   the input plus the encapsulation's overhead; decap's output is exactly what follows the
 *   outer headers (behind an Ethernet header to the overlay MAC for GRE and IPIP), encap's
 *   exactly the packet expected_encap_on builds around the input, its outer UDP checksum
 *   over IPv6 as model_inner_sum says;
 * - what decap delivers has a source (IPv4 or IPv6 source, ARP sender) within the sending
 *   peer's allowed-ips;
 * - per-peer counters: rx only on a decap redirect and only the sender's, tx only on an
 *   encap redirect and only the routed peer's, drops by at most one and only the sender's;
 *   no other peer id ever counts anything;
 * - the verdict and reason are those of the rules (bpf/rx.h for decap, xt_encap and
 *   xt_encap_seg in bpf/xt_tc.bpf.c for encap, as their comments state them), which
 *   model_decap and model_encap below restate on the packet's bytes.
 *
 * The seeds include inner IPv6 extension-header chains (neighbour advertisements behind a
 * Destination Options header, behind Hop-by-Hop, Routing and Authentication headers, in a
 * first fragment, and behind the longest outer IPv4 header), frames padded to Ethernet's
 * minimum, and a neighbour solicitation behind a Hop-by-Hop header for encap; the model
 * walks the chains as bpf/ipv6.h says it does. BPF_PROG_TEST_RUN gives TC programs linear
 * skbs only on this kernel (it refuses ctx->data_end and frames above a page), so what TC
 * does with bytes beyond its linear area is tested with real non-linear skbs in
 * tests/e2e/hostile_frames.sh.
 *
 * The L2 overlays' programs (bpf/xt_l2.bpf.c, bpf/xt_l2_xdp.bpf.c) run on the VXLAN and
 * GENEVE overlays with their own rules and invariants (see "The L2 overlays" below): nothing
 * from an unknown VTEP is delivered or learned, the FDB after every run is exactly the
 * rules' own, counts add up, and the two receive paths agree.
 *
 * Every case runs XT_FUZZ_ITERS iterations (default FUZZ_DEFAULT_ITERS; the L2 cases a
 * quarter, L2_SLOWER) from a seed printed at the start; XT_FUZZ_SEED=<that seed> replays
 * the same packets. `make fuzz` runs 2,000,000 iterations per case.
 */
#include <time.h>
#include <unistd.h>
#include "l2_harness.h"

#define FUZZ_DEFAULT_ITERS 30000 /* about 7 s for the L3 cases on 2 cores, 10 for the L2 */
#define FUZZ_MAX_LEN 1600	 /* well inside what XDP's test run takes in one piece (3520) */
#define TEST_MOVED_HOST "10.10.2.200" /* inside peer A's /24, moved to peer B */
#define TEST_MOVED_HOST6 "fd00:10:2::200"
#define N_PROGS 4	  /* enum test_prog: the L3 overlays' */
#define N_L2_PROGS 4	  /* and the L2 overlays', from TEST_PROG_L2_ENCAP */
#define N_L2_OVERLAYS 4	  /* the first of fuzz_overlays: VXLAN and GENEVE */
#define L2_RESET_EVERY 32 /* iterations: the tables hold 4 learned MACs a peer */
/* The L2 cases read both tables back after every run: a quarter of the iterations take
 * about as long as the L3 cases' all. */
#define L2_SLOWER 4

/* SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): tiny, fast, and every seed is good. */
struct rng {
	uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-32). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static bool rng_chance(struct rng *r, uint32_t one_in)
{
	return rng_below(r, one_in) == 0;
}

#define PICK(r, array) ((array)[rng_below((r), sizeof(array) / sizeof((array)[0]))])

static uint64_t fuzz_seed, fuzz_iters;

/* The overlay as the programs see it: topology_add_on's two peers with their /24s and /64s,
 * and one address of each of A's prefixes moved to B, so that the longest match decides. */
struct model_route {
	const char *prefix;
	uint32_t prefixlen; /* in the family's own terms */
	uint32_t peer_id;
	uint8_t addr[16]; /* as the maps keep it: filled in by model_routes_init */
	uint32_t maplen;  /* the prefix length of addr */
};

#define MODEL_ROUTE(p, len, id)                                                                    \
	{                                                                                          \
		.prefix = (p), .prefixlen = (len), .peer_id = (id)                                 \
	}

static struct model_route model_routes[] = {
	MODEL_ROUTE(TEST_PEER_A_PREFIX, 24, TEST_PEER_A_ID),
	MODEL_ROUTE(TEST_PEER_B_PREFIX, 24, TEST_PEER_B_ID),
	MODEL_ROUTE(TEST_MOVED_HOST, 32, TEST_PEER_B_ID),
	MODEL_ROUTE(TEST_PEER_A_PREFIX6, 64, TEST_PEER_A_ID),
	MODEL_ROUTE(TEST_PEER_B_PREFIX6, 64, TEST_PEER_B_ID),
	MODEL_ROUTE(TEST_MOVED_HOST6, 128, TEST_PEER_B_ID),
};

#define N_ROUTES (sizeof(model_routes) / sizeof(model_routes[0]))

static void model_routes_init(void)
{
	size_t i;

	for (i = 0; i < N_ROUTES; i++) {
		struct model_route *r = &model_routes[i];

		r->maplen = r->prefixlen;
		if (map_addr(r->prefix, r->addr) == XT_FAMILY_V4)
			r->maplen += XT_V4_MAPPED_BITS;
	}
}

static void mapped4(const uint8_t *v4, uint8_t out[16])
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

static bool prefix_match(const uint8_t *a, const uint8_t *prefix, uint32_t bits)
{
	uint32_t whole = bits / 8, rest = bits % 8;

	if (memcmp(a, prefix, whole))
		return false;
	return !rest || ((a[whole] ^ prefix[whole]) & (0xff00 >> rest)) == 0;
}

/* The longest match of a 16-byte address (IPv4 mapped). */
static const struct model_route *model_route_lookup(const uint8_t *addr)
{
	const struct model_route *best = NULL;
	size_t i;

	for (i = 0; i < N_ROUTES; i++) {
		const struct model_route *r = &model_routes[i];

		if (prefix_match(addr, r->addr, r->maplen) && (!best || r->maplen > best->maplen))
			best = r;
	}
	return best;
}

static const struct model_route *model_route_lookup4(const uint8_t *v4)
{
	uint8_t a[16];

	mapped4(v4, a);
	return model_route_lookup(a);
}

/* The peer whose endpoint (16 bytes) this is, on an underlay of family. */
static uint32_t model_peer_of(uint8_t family, const uint8_t *endpoint)
{
	const struct test_addrs *u = test_addrs(family);
	uint8_t a[16];

	map_addr(u->peer_a_endpoint, a);
	if (!memcmp(a, endpoint, 16))
		return TEST_PEER_A_ID;
	map_addr(u->peer_b_endpoint, a);
	if (!memcmp(a, endpoint, 16))
		return TEST_PEER_B_ID;
	return 0;
}

/* What the rules make of a packet. */
struct model_out {
	enum test_verdict verdict;
	enum xt_reason reason;
	uint32_t sender;     /* decap: the peer the outer source belongs to, once looked up */
	bool peer_drop;	     /* decap: the drop is held against the sender */
	size_t outer_len;    /* decap: bytes in front of the inner frame (L2) or packet (L3) */
	size_t end;	     /* decap: where the outer IP packet ends (the frame's end unless
			      * Ethernet padding follows it) */
	uint16_t inner_type; /* decap: of the inner packet */
	const struct model_route *route; /* encap: where the frame goes */
	enum xt_reason outer_fault;	 /* decap: what is wrong with the outer IPv4 header */
};

static struct model_out model_pass(enum xt_reason reason)
{
	struct model_out m = { .verdict = TEST_PASS, .reason = reason };

	return m;
}

static struct model_out model_drop(enum xt_reason reason)
{
	struct model_out m = { .verdict = TEST_DROP, .reason = reason };

	return m;
}

static struct model_out model_peer_drop(struct model_out m, enum xt_reason reason)
{
	m.verdict = TEST_DROP;
	m.reason = reason;
	m.peer_drop = true;
	return m;
}

/* BPF_PROG_TEST_RUN refuses frames shorter than Ethernet, and for TC also IPv4 (IPv6)
 * frames shorter than their IP header (see corpus.c). */
static bool kernel_refuses(enum test_prog prog, const struct pkt *in)
{
	uint16_t type;

	if (in->len < 14)
		return true;
	if (prog == TEST_PROG_DECAP_XDP || prog == TEST_PROG_L2_DECAP_XDP)
		return false;
	type = get16(in, 12);
	return (type == ETHERTYPE_IPV4 && in->len < 14 + 20) ||
	       (type == ETHERTYPE_IPV6 && in->len < 14 + 40);
}

static bool model_proto_ours(const struct xt_config *cfg, uint8_t proto)
{
	if (xt_encap_is_udp(cfg->encap))
		return proto == IP_PROTO_UDP;
	if (cfg->encap == XT_ENCAP_GRE)
		return proto == IP_PROTO_GRE;
	return proto == IP_PROTO_IPIP || proto == IP_PROTO_IPV6;
}

static uint32_t get24(const struct pkt *p, size_t off)
{
	return (uint32_t)p->b[off] << 16 | p->b[off + 1] << 8 | p->b[off + 2];
}

/* The encapsulation headers, from off, where the outer IP header's payload starts (UDP's
 * behind it for VXLAN and GENEVE). false: the rules stop here, with *m; true: the inner
 * frame (L2) or packet (L3, of type *m->inner_type) starts at m->outer_len. */
static bool model_vxlan(const struct xt_config *cfg, const struct pkt *in, size_t off,
			struct model_out *m)
{
	if (in->len < off + 8) {
		*m = model_drop(XT_DROP_MALFORMED);
		return false;
	}
	if (!(in->b[off] & VXLAN_FLAG_I)) {
		*m = model_drop(XT_DROP_VXLAN_FLAGS);
		return false;
	}
	if (get24(in, off + 4) != cfg->vni) {
		*m = model_pass(XT_PASS_OTHER_VNI);
		return false;
	}
	m->outer_len = off + 8;
	return true;
}

static bool model_geneve(const struct xt_config *cfg, const struct pkt *in, size_t off,
			 struct model_out *m)
{
	const uint8_t *g = in->b + off;
	size_t opt_len, o = 0, i;

	if (in->len < off + 8) {
		*m = model_drop(XT_DROP_MALFORMED);
		return false;
	}
	if (g[0] >> GENEVE_VERSION_SHIFT) {
		*m = model_drop(XT_DROP_GENEVE_HEADER);
		return false;
	}
	if (get24(in, off + 4) != cfg->vni) {
		*m = model_pass(XT_PASS_OTHER_VNI);
		return false;
	}
	if (g[1] & (GENEVE_FLAG_OAM | GENEVE_FLAG_CRITICAL)) {
		*m = model_drop(g[1] & GENEVE_FLAG_OAM ? XT_DROP_GENEVE_HEADER
						       : XT_DROP_GENEVE_CRITICAL);
		return false;
	}
	opt_len = (g[0] & 0x3f) * 4;
	for (i = 0; i < 63 && o < opt_len; i++) {
		if (in->len < off + 8 + o + 4) {
			*m = model_drop(XT_DROP_MALFORMED);
			return false;
		}
		if (g[8 + o + 2] & GENEVE_OPTION_CRITICAL) {
			*m = model_drop(XT_DROP_GENEVE_CRITICAL);
			return false;
		}
		o += 4 + (g[8 + o + 3] & 0x1f) * 4;
	}
	if (o != opt_len) {
		*m = model_drop(XT_DROP_GENEVE_HEADER);
		return false;
	}
	if (get16(in, off + 2) != ETHERTYPE_TEB) {
		*m = model_drop(XT_DROP_INNER_PROTO);
		return false;
	}
	m->outer_len = off + 8 + opt_len;
	return true;
}

static bool model_gre(const struct xt_config *cfg, const struct pkt *in, size_t off,
		      struct model_out *m)
{
	uint16_t flags, proto;
	size_t end = off + 4;

	if (in->len < off + 4) {
		*m = model_drop(XT_DROP_MALFORMED);
		return false;
	}
	flags = get16(in, off);
	if (flags & ~GRE_FLAG_K) {
		*m = model_drop(XT_DROP_GRE_FLAGS);
		return false;
	}
	if (!(flags & GRE_FLAG_K) != !cfg->has_key) {
		*m = model_pass(XT_PASS_OTHER_KEY);
		return false;
	}
	if (flags & GRE_FLAG_K) {
		if (in->len < off + 8) {
			*m = model_drop(XT_DROP_MALFORMED);
			return false;
		}
		if (get32(in, off + 4) != cfg->key) {
			*m = model_pass(XT_PASS_OTHER_KEY);
			return false;
		}
		end = off + 8;
	}
	proto = get16(in, off + 2);
	if (proto != ETHERTYPE_IPV4 && proto != ETHERTYPE_IPV6) {
		*m = model_drop(XT_DROP_INNER_PROTO);
		return false;
	}
	m->inner_type = proto;
	m->outer_len = end;
	return true;
}

static bool ipv6_link_local_or_unspecified(const uint8_t *a)
{
	static const uint8_t unspecified[16];

	return (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || !memcmp(a, unspecified, 16);
}

static bool ipv6_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, prefix, 12);
}

static bool model_ipv6_is_ext(uint8_t proto)
{
	return proto == IPV6_NEXT_HOP_BY_HOP || proto == IPV6_NEXT_ROUTING ||
	       proto == IPV6_NEXT_FRAGMENT || proto == IPV6_NEXT_AUTH ||
	       proto == IPV6_NEXT_DEST_OPTS;
}

enum model_walk { WALK_UPPER, WALK_NO_UPPER, WALK_SHORT, WALK_TOO_LONG };

/* The upper-layer header behind the IPv6 header at l3 and at most 8 extension headers
 * (RFC 8200 section 4; the Authentication header's length in 4-byte units less 2, RFC 4302
 * section 2.2), as bpf/ipv6.h says it walks them: every header must be whole in the frame
 * (8 bytes at least), a Fragment header with an offset is a later fragment, whose upper
 * layer is in the first. The upper layer's offset may lie past the frame's end. */
static enum model_walk model_ipv6_walk(const struct pkt *in, size_t l3, size_t *off, uint8_t *proto,
				       bool *fragment)
{
	uint8_t next = in->b[l3 + 6];
	size_t at = l3 + 40;
	int i;

	*fragment = false;
	for (i = 0; i < 8 && model_ipv6_is_ext(next); i++) {
		uint8_t type = next;

		if (at + 8 > in->len)
			return WALK_SHORT;
		next = in->b[at];
		if (type == IPV6_NEXT_FRAGMENT) {
			*fragment = true;
			if (get16(in, at + 2) & 0xfff8)
				return WALK_NO_UPPER;
			at += 8;
		} else if (type == IPV6_NEXT_AUTH) {
			at += (in->b[at + 1] + 2) * 4;
		} else {
			at += (in->b[at + 1] + 1) * 8;
		}
	}
	if (model_ipv6_is_ext(next))
		return WALK_TOO_LONG;
	*off = at;
	*proto = next;
	return WALK_UPPER;
}

/* What the inner IPv6 packet's upper layer claims, from a sender whose source is fine: a
 * neighbour advertisement's target must be the sender's too; a chain too long, or cut
 * short, or an advertisement in fragments, is not delivered. */
static struct model_out model_upper6(const struct pkt *in, struct model_out m, size_t l3)
{
	const struct model_route *route;
	uint8_t next = in->b[l3 + 6], proto;
	enum model_walk walk;
	bool fragment;
	size_t off;

	if (next == IP_PROTO_TCP || next == IP_PROTO_UDP)
		return m;
	walk = model_ipv6_walk(in, l3, &off, &proto, &fragment);
	if (walk == WALK_SHORT || walk == WALK_TOO_LONG || (walk == WALK_UPPER && off > in->len))
		return model_peer_drop(m, XT_DROP_EXT_HEADERS);
	if (walk == WALK_NO_UPPER || proto != IP_PROTO_ICMPV6)
		return m;
	if (off + 1 > in->len)
		return model_peer_drop(m, XT_DROP_MALFORMED);
	if (in->b[off] != ICMPV6_NEIGHBOUR_ADVERTISEMENT)
		return m;
	if (fragment)
		return model_peer_drop(m, XT_DROP_EXT_HEADERS);
	if (off + 24 > in->len)
		return model_peer_drop(m, XT_DROP_MALFORMED);
	route = model_route_lookup(in->b + off + 8);
	if (!route || route->peer_id != m.sender)
		return model_peer_drop(m, XT_DROP_SPOOFED);
	return m;
}

/* The inner packet of a known sender, of type m.inner_type at l3: present, of its version,
 * from the sender's own prefixes (link-local and unspecified IPv6 sources counted apart). */
static struct model_out model_inner(const struct pkt *in, struct model_out m, size_t l3,
				    bool decap_fails)
{
	const uint8_t *b = in->b;
	size_t len = in->len;
	const struct model_route *route;

	if (m.inner_type == ETHERTYPE_ARP) {
		if (len < l3 + 28)
			return model_peer_drop(m, XT_DROP_MALFORMED);
		route = model_route_lookup4(b + l3 + 14);
	} else if (m.inner_type == ETHERTYPE_IPV4) {
		if (len < l3 + 20 || b[l3] >> 4 != 4)
			return model_peer_drop(m, XT_DROP_MALFORMED);
		route = model_route_lookup4(b + l3 + 12);
	} else if (m.inner_type == ETHERTYPE_IPV6) {
		if (len < l3 + 40 || b[l3] >> 4 != 6)
			return model_peer_drop(m, XT_DROP_MALFORMED);
		if (ipv6_link_local_or_unspecified(b + l3 + 8))
			return model_peer_drop(m, XT_DROP_LINK_LOCAL);
		if (ipv6_v4_mapped(b + l3 + 8))
			return model_peer_drop(m, XT_DROP_SPOOFED);
		route = model_route_lookup(b + l3 + 8);
		if (!route || route->peer_id != m.sender)
			return model_peer_drop(m, XT_DROP_SPOOFED);
		m = model_upper6(in, m, l3);
		if (m.verdict == TEST_DROP)
			return m;
	} else {
		return model_peer_drop(m, XT_DROP_INNER_PROTO);
	}
	if (!route || route->peer_id != m.sender)
		return model_peer_drop(m, XT_DROP_SPOOFED);
	if (m.outer_fault)
		return model_drop(m.outer_fault);
	if (decap_fails)
		return model_peer_drop(m, XT_DROP_DECAP_FAILED);
	m.verdict = TEST_REDIRECT;
	m.reason = XT_OK_DECAP;
	return m;
}

/* model_outer's verdict: m, and no sender. */
static bool outer_verdict(struct model_out *mp, struct model_out m)
{
	*mp = m;
	return false;
}

/* The outer headers' rules (bpf/outer.h), in their order, and the sender, for the decap of
 * every overlay: false with *mp the verdict; true with *mp the sender (0: none) and the outer
 * length, and *gso what bpf_skb_adjust_room makes of it. gso: the skb claims GSO segments of
 * no known type, which bpf_skb_adjust_room refuses to shrink (see decap.c). */
static bool model_outer(const struct xt_config *cfg, const struct pkt *in, struct model_out *mp,
			bool *gso)
{
	const uint8_t *b = in->b;
	struct model_out m = {};
	size_t len = in->len, l3_len, l4;
	uint8_t src[16], proto;
	uint32_t ip_len;
	bool padded, go_on;

	if (len < 14)
		return outer_verdict(mp, model_pass(XT_PASS_NOT_IP));
	/* Another host's unicast MAC: the kernel's PACKET_OTHERHOST (TC), the uplink's MAC
	 * compared (XDP). */
	if (!(b[0] & 1) && memcmp(b, test_uplink_mac, 6))
		return outer_verdict(mp, model_pass(XT_PASS_OTHER_HOST));
	if (get16(in, 12) == ETHERTYPE_IPV4) {
		if (len < 34 || b[OFF_IP] >> 4 != 4 || (b[OFF_IP] & 0x0f) < 5)
			return outer_verdict(mp, model_pass(XT_PASS_NOT_IP));
		proto = b[OFF_IP + 9];
		if (!model_proto_ours(cfg, proto))
			return outer_verdict(mp, model_pass(XT_PASS_OTHER_PROTO));
		if (cfg->family != XT_FAMILY_V4 || memcmp(b + OFF_IP + 16, cfg->local + 12, 4))
			return outer_verdict(mp, model_pass(XT_PASS_NOT_LOCAL));
		if (get16(in, OFF_IP_FRAG) & 0x3fff)
			return outer_verdict(mp, model_pass(XT_PASS_FRAGMENT));
		l3_len = (b[OFF_IP] & 0x0f) * 4;
		/* A total length of 0 stands for the frame's length only above 64 KiB (BIG TCP). */
		ip_len = get16(in, OFF_IP_TOT_LEN);
		if (ip_len == 0 && len - 14 > 0xffff)
			ip_len = len - 14;
		mapped4(b + OFF_IP + 12, src);
	} else if (get16(in, 12) == ETHERTYPE_IPV6) {
		if (len < 54 || b[OFF_IP] >> 4 != 6)
			return outer_verdict(mp, model_pass(XT_PASS_NOT_IP));
		proto = b[OFF_IP + 6];
		if (proto == IPV6_NEXT_FRAGMENT)
			return outer_verdict(mp, model_pass(XT_PASS_FRAGMENT));
		if (!model_proto_ours(cfg, proto))
			return outer_verdict(mp, model_pass(XT_PASS_OTHER_PROTO));
		if (cfg->family != XT_FAMILY_V6 || memcmp(b + OFF_IP + 24, cfg->local, 16))
			return outer_verdict(mp, model_pass(XT_PASS_NOT_LOCAL));
		l3_len = 40;
		ip_len = get16(in, OFF_IP + 4) + 40;
		if (ip_len == 40 && len - 14 > 0xffff)
			ip_len = len - 14;
		memcpy(src, b + OFF_IP + 8, 16);
	} else {
		return outer_verdict(mp, model_pass(XT_PASS_NOT_IP));
	}
	l4 = 14 + l3_len;
	if (xt_encap_is_udp(cfg->encap)) {
		if (len < l4 + 8)
			return outer_verdict(mp, model_pass(XT_PASS_OTHER_PROTO));
		if (get16(in, l4 + 2) != cfg->port)
			return outer_verdict(mp, model_pass(XT_PASS_OTHER_PORT));
	}
	/* RFC 791's header checksum, over the options too (RFC 1071: a right one sums to all
	 * ones), options cut short being malformed: checked last, on what would be decapsulated
	 * (model_inner). */
	if (get16(in, 12) == ETHERTYPE_IPV4) {
		if (14 + l3_len > len)
			m.outer_fault = XT_DROP_MALFORMED;
		else if (inet_fold(inet_sum(b + 14, l3_len, 0)) != 0xffff)
			m.outer_fault = XT_DROP_OUTER_CHECKSUM;
	}
	/* Ethernet's padding: a 60-byte frame may carry less IP; only an IPv4 GRE or IPIP
	 * packet with an inner IPv4 header within the IP length can be that short. */
	padded = len == 60 && ip_len < 46;
	if (!padded && ip_len != len - 14)
		return outer_verdict(mp, model_drop(XT_DROP_MALFORMED));
	if (padded && (xt_encap_is_l2(cfg->encap) ||
		       ip_len < l3_len + (cfg->encap == XT_ENCAP_GRE ? 4 : 0) + 20))
		return outer_verdict(mp, model_drop(XT_DROP_MALFORMED));
	m.end = padded ? 14 + ip_len : len;
	if (xt_encap_is_udp(cfg->encap)) {
		if (get16(in, l4 + 4) != ip_len - l3_len)
			return outer_verdict(mp, model_drop(XT_DROP_MALFORMED));
		go_on = cfg->encap == XT_ENCAP_VXLAN ? model_vxlan(cfg, in, l4 + 8, &m)
						     : model_geneve(cfg, in, l4 + 8, &m);
	} else if (cfg->encap == XT_ENCAP_GRE) {
		go_on = model_gre(cfg, in, l4, &m);
	} else {
		m.inner_type = proto == IP_PROTO_IPIP ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
		m.outer_len = l4;
		go_on = true;
	}
	if (!go_on)
		return outer_verdict(mp, m);
	if (padded && (m.inner_type != ETHERTYPE_IPV4 || m.outer_len + 20 > m.end))
		return outer_verdict(mp, model_drop(XT_DROP_MALFORMED));
	/* Trimming the padding first takes the skb's GSO state (bpf_skb_change_tail resets it),
	 * so decap no longer fails. */
	*gso = *gso && !padded;
	m.sender = model_peer_of(cfg->family, src);
	*mp = m;
	return true;
}

/* The decap rules of the L3 overlays (bpf/rx.h), in their order. */
static struct model_out model_decap(const struct xt_config *cfg, const struct pkt *in, bool gso)
{
	struct model_out m;

	if (!model_outer(cfg, in, &m, &gso))
		return m;
	if (!m.sender)
		return model_pass(XT_PASS_UNKNOWN_PEER);
	if (!xt_encap_is_l2(cfg->encap))
		return model_inner(in, m, m.outer_len, gso);
	if (in->len < m.outer_len + 14)
		return model_peer_drop(m, XT_DROP_MALFORMED);
	m.inner_type = get16(in, m.outer_len + 12);
	return model_inner(in, m, m.outer_len + 14, gso);
}

static bool model_udp6(const struct xt_config *cfg)
{
	return cfg->family == XT_FAMILY_V6 && xt_encap_is_udp(cfg->encap);
}

/* xt_encap's rules and xt_encap_seg's (seg: no relay check, no GSO hand-off; a GSO packet
 * there fails closed). The hand-off of a GSO packet comes after its route is found. gso: as in
 * model_decap, which also makes bpf_skb_adjust_room refuse to grow the packet. */
static struct model_out model_encap(const struct xt_config *cfg, const struct pkt *in,
				    uint32_t ingress_ifindex, bool gso, bool seg)
{
	const uint8_t *b = in->b;
	struct model_out m = {};
	uint8_t dst[16];
	uint16_t type;

	if (!seg && ingress_ifindex == TEST_OVERLAY_IFINDEX)
		return model_drop(XT_DROP_RELAY);
	if (seg && gso)
		return model_drop(XT_DROP_ENCAP_FAILED);
	if (in->len < 14)
		return model_drop(XT_DROP_MALFORMED);
	type = get16(in, 12);
	if (type == ETHERTYPE_IPV4) {
		if (in->len < 14 + 20)
			return model_drop(XT_DROP_MALFORMED);
		mapped4(b + 14 + 16, dst);
	} else if (type == ETHERTYPE_IPV6) {
		if (in->len < 14 + 40)
			return model_drop(XT_DROP_MALFORMED);
		memcpy(dst, b + 14 + 24, 16);
		/* A neighbour solicitation goes to its target's owner (RFC 4861 7.2.2), its
		 * ICMPv6 header found behind the extension headers as decap finds it. */
		if (xt_encap_is_l2(cfg->encap) && dst[0] == 0xff) {
			enum model_walk walk;
			uint8_t upper;
			bool fragment;
			size_t off;

			walk = model_ipv6_walk(in, 14, &off, &upper, &fragment);
			if (walk == WALK_SHORT || walk == WALK_TOO_LONG ||
			    (walk == WALK_UPPER && off > in->len))
				return model_drop(XT_DROP_EXT_HEADERS);
			if (walk == WALK_UPPER && upper == IP_PROTO_ICMPV6) {
				if (in->len < off + 24)
					return model_drop(XT_DROP_MALFORMED);
				if (b[off] == ICMPV6_NEIGHBOUR_SOLICITATION)
					memcpy(dst, b + off + 8, 16);
			}
		}
	} else if (type == ETHERTYPE_ARP && xt_encap_is_l2(cfg->encap)) {
		if (in->len < 14 + 28 || get16(in, 14) != 1 || get16(in, 16) != ETHERTYPE_IPV4 ||
		    b[18] != 6 || b[19] != 4)
			return model_drop(XT_DROP_MALFORMED);
		mapped4(b + 14 + 24, dst);
	} else {
		return model_drop(XT_DROP_INNER_PROTO);
	}
	m.route = model_route_lookup(dst);
	if (!m.route)
		return model_drop(XT_DROP_NO_ROUTE);
	/* Routed, then handed back whole to be segmented first (no vxlan device here). */
	if (!seg && gso && model_udp6(cfg)) {
		m.verdict = TEST_ACCEPT;
		m.reason = XT_OK_SEGMENT;
		return m;
	}
	if (gso)
		return model_drop(XT_DROP_ENCAP_FAILED);
	m.verdict = TEST_REDIRECT;
	m.reason = XT_OK_ENCAP;
	return m;
}

/*
 * What xt_inner_sum (xt_tc.bpf.c) takes for the sum of the inner packet behind its Ethernet
 * header, for the outer UDP checksum over IPv6: where the transport checksum vouches for
 * the packet (IPv4 ICMP, TCP and UDP with a checksum, not a fragment; IPv6 TCP, ICMPv6 and
 * UDP with a checksum, right behind the fixed header) the sum a correct packet has, read
 * from the addresses and lengths alone; the bytes otherwise. A host's own packets are
 * correct (or get their checksum from offload on the way out), so on the wire the outer
 * checksum holds; a fuzzed one may not be, and the outer checksum then covers the packet it
 * should have been.
 */
static uint64_t model_inner_sum(const struct pkt *in)
{
	const uint8_t *b = in->b;
	uint8_t pseudo[4] = { 0 };

	if (get16(in, 12) == ETHERTYPE_IPV4) {
		size_t ihl = (b[14] & 0x0f) * 4, len = get16(in, 14 + 2), l4 = 14 + ihl;
		uint8_t proto = b[14 + 9];

		if (ihl >= 20 && len > ihl && !(get16(in, 14 + 6) & 0x3fff)) {
			if (proto == 1)
				return 0;
			if (proto == IP_PROTO_TCP ||
			    (proto == IP_PROTO_UDP && l4 + 8 <= in->len && get16(in, l4 + 6))) {
				pseudo[1] = proto;
				pseudo[2] = (uint8_t)((len - ihl) >> 8);
				pseudo[3] = (uint8_t)(len - ihl);
				return (uint16_t)~inet_fold(
					inet_sum(pseudo, 4, inet_sum(b + 14 + 12, 8, 0)));
			}
		}
	} else if (get16(in, 12) == ETHERTYPE_IPV6) {
		uint8_t next = b[14 + 6];
		uint8_t pseudo6[8] = { 0, 0, b[14 + 4], b[14 + 5], 0, 0, 0, next };

		if (next == IP_PROTO_TCP || next == IP_PROTO_ICMPV6 ||
		    (next == IP_PROTO_UDP && 14 + 48 <= in->len && get16(in, 14 + 46)))
			return inet_sum(b + 14, 40, 0) +
			       (uint16_t)~inet_fold(
				       inet_sum(pseudo6, 8, inet_sum(b + 14 + 8, 32, 0)));
	}
	return inet_sum(b + 14, in->len - 14, 0);
}

/* The outer UDP checksum of expected (an IPv6 VXLAN or GENEVE packet without options),
 * its inner packet summed as model_inner_sum says. */
static uint16_t model_outer_udp_checksum(const struct pkt *expected, const struct pkt *in)
{
	size_t udp = 14 + 40, inner_l3 = udp + 8 + 8 + 14;
	uint8_t pseudo[8] = {
		0, 0, expected->b[14 + 4], expected->b[14 + 5], 0, 0, 0, IP_PROTO_UDP
	};
	uint64_t sum = inet_sum(expected->b + 14 + 8, 32, 0);
	uint16_t check;

	sum = inet_sum(pseudo, sizeof(pseudo), sum);
	sum = inet_sum(expected->b + udp, 6, sum); /* the UDP header but its checksum */
	sum = inet_sum(expected->b + udp + 8, inner_l3 - udp - 8, sum);
	check = (uint16_t)~inet_fold(sum + model_inner_sum(in));
	return check ? check : 0xffff;
}

/* The FDB an L2 overlay's program should have, learned entries from peers A and B: what
 * model_l2_decap keeps, and the map is compared with after every run. */
struct l2_model_entry {
	uint8_t mac[6];
	uint32_t peer;
	bool stat;
};

struct l2_model {
	struct l2_model_entry fdb[64];
	size_t n;
	uint32_t macs[2]; /* learned entries of A and B */
};

/* One overlay under fuzzing: its four programs, and the packets to start from. */
struct seeds {
	struct pkt p[32];
	size_t n;
};

struct fuzz_overlay {
	const char *name;
	const struct test_overlay *overlay;
	struct test_fixture progs[N_PROGS]; /* indexed by enum test_prog */
	struct seeds decap, encap;
	/* VXLAN and GENEVE: also as L2 overlays, each program with the FDB it should have. */
	struct test_fixture l2[N_L2_PROGS]; /* indexed by enum test_prog - TEST_PROG_L2_ENCAP */
	struct seeds l2_decap, l2_encap;
};

#define FUZZ_OVERLAY(o)                                                                            \
	{                                                                                          \
		.name = #o, .overlay = &o                                                          \
	}

static struct fuzz_overlay fuzz_overlays[] = {
	FUZZ_OVERLAY(vxlan_over_ipv4),	 FUZZ_OVERLAY(vxlan_over_ipv6),
	FUZZ_OVERLAY(geneve_over_ipv4),	 FUZZ_OVERLAY(geneve_over_ipv6),
	FUZZ_OVERLAY(gre_over_ipv4),	 FUZZ_OVERLAY(gre_over_ipv6),
	FUZZ_OVERLAY(gre_key_over_ipv4), FUZZ_OVERLAY(gre_key_over_ipv6),
	FUZZ_OVERLAY(ipip_over_ipv4),	 FUZZ_OVERLAY(ipip_over_ipv6),
};

#define N_OVERLAYS (sizeof(fuzz_overlays) / sizeof(fuzz_overlays[0]))

/* One fuzz case: what it has seen, and how to name a failure. */
struct fuzz_case {
	const char *name;
	struct rng rng;
	uint64_t seed, iteration, runs, refused;
	uint64_t verdicts[TEST_ACCEPT + 1], reasons[XT_REASON_COUNT];
	const struct fuzz_overlay *ov;
	const struct pkt *in;
	uint32_t ingress_ifindex;
	bool gso;
};

static void fuzz_fail(const struct fuzz_case *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fuzz_fail(const struct fuzz_case *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("# %s: iteration %llu of seed XT_FUZZ_SEED=0x%016llx (case seed 0x%016llx) on %s",
	       c->name, (unsigned long long)c->iteration, (unsigned long long)fuzz_seed,
	       (unsigned long long)c->seed, c->ov->name);
	if (c->gso || c->ingress_ifindex)
		printf(", skb gso %d ingress_ifindex %u", c->gso, c->ingress_ifindex);
	printf("\n# input (%zu bytes):", c->in->len);
	for (i = 0; i < c->in->len; i++)
		printf("%s%02x", i % 32 ? "" : "\n#   ", c->in->b[i]);
	printf("\n# %s: %s\n", c->name, msg);
	fflush(stdout);
	fail_msg("%s: %s", c->name, msg);
}

static const char *const prog_names[] = {
	[TEST_PROG_ENCAP] = "xt_encap",
	[TEST_PROG_DECAP_TC] = "xt_decap_tc",
	[TEST_PROG_DECAP_XDP] = "xt_decap_xdp",
	[TEST_PROG_ENCAP_SEG] = "xt_encap_seg",
	[TEST_PROG_L2_ENCAP] = "xt_l2_encap",
	[TEST_PROG_L2_DECAP_TC] = "xt_l2_decap_tc",
	[TEST_PROG_L2_DECAP_XDP] = "xt_l2_decap_xdp",
	[TEST_PROG_L2_ENCAP_SEG] = "xt_l2_encap_seg",
};

static bool prog_is_encap(enum test_prog prog)
{
	return prog == TEST_PROG_ENCAP || prog == TEST_PROG_ENCAP_SEG ||
	       prog == TEST_PROG_L2_ENCAP || prog == TEST_PROG_L2_ENCAP_SEG;
}

static enum test_verdict verdict_of(const struct fuzz_case *c, const struct test_fixture *f,
				    int code)
{
	if (code == verdict_code(f, TEST_PASS) && !prog_is_encap(f->prog))
		return TEST_PASS;
	if (code == verdict_code(f, TEST_DROP))
		return TEST_DROP;
	if (code == verdict_code(f, TEST_REDIRECT))
		return TEST_REDIRECT;
	if ((f->prog == TEST_PROG_ENCAP || f->prog == TEST_PROG_L2_ENCAP) && code == TC_ACT_OK)
		return TEST_ACCEPT;
	fuzz_fail(c, "%s returned %d, not a verdict it may give", prog_names[f->prog], code);
	return TEST_DROP;
}

static bool reason_fits(enum test_prog prog, enum test_verdict v, enum xt_reason r)
{
	switch (v) {
	case TEST_PASS:
		return (r >= XT_PASS_NOT_IP && r <= XT_PASS_UNKNOWN_PEER) ||
		       r == XT_PASS_OTHER_HOST;
	case TEST_REDIRECT:
		return r == (prog_is_encap(prog) ? XT_OK_ENCAP : XT_OK_DECAP);
	case TEST_ACCEPT:
		return prog == TEST_PROG_ENCAP && r == XT_OK_SEGMENT;
	case TEST_DROP:
		if (prog_is_encap(prog))
			return r == XT_DROP_MALFORMED || r == XT_DROP_INNER_PROTO ||
			       r == XT_DROP_NO_ROUTE || r == XT_DROP_RELAY ||
			       r == XT_DROP_ENCAP_FAILED || r == XT_DROP_EXT_HEADERS;
		return r == XT_DROP_MALFORMED || r == XT_DROP_VXLAN_FLAGS ||
		       r == XT_DROP_GENEVE_HEADER || r == XT_DROP_GENEVE_CRITICAL ||
		       r == XT_DROP_GRE_FLAGS || r == XT_DROP_SPOOFED || r == XT_DROP_LINK_LOCAL ||
		       r == XT_DROP_INNER_PROTO || r == XT_DROP_DECAP_FAILED ||
		       r == XT_DROP_OUTER_CHECKSUM || r == XT_DROP_EXT_HEADERS;
	}
	return false;
}

static const struct xt_peer_stats *stats_of(const struct test_counters *t, uint32_t peer_id)
{
	return peer_id == TEST_PEER_A_ID ? &t->peer_a : &t->peer_b;
}

/* The counters moved as a run with this verdict and reason may move them. */
static void check_peer_counters(const struct fuzz_case *c, enum test_prog prog,
				const struct test_counters *before,
				const struct test_counters *after, enum test_verdict v,
				const struct model_out *m, const struct pkt *in,
				const struct pkt *out)
{
	static const uint32_t ids[] = { TEST_PEER_A_ID, TEST_PEER_B_ID };
	size_t i;
	int r;

	for (i = 0; i < 2; i++) {
		struct xt_peer_stats d = peer_stats_delta(stats_of(after, ids[i]),
							  stats_of(before, ids[i])),
				     want = {};
		const uint64_t *by_reason_before = i ? before->drops_b : before->drops_a;
		const uint64_t *by_reason_after = i ? after->drops_b : after->drops_a;
		char got[96], exp[96];

		if (prog_is_encap(prog)) {
			if (v == TEST_REDIRECT && m->route->peer_id == ids[i]) {
				want.tx_packets = 1;
				want.tx_bytes = in->len;
			}
		} else if (m->sender == ids[i]) {
			if (v == TEST_REDIRECT) {
				want.rx_packets = 1;
				want.rx_bytes = out->len;
			}
			if (v == TEST_DROP && m->peer_drop)
				want.drops = 1;
		}
		if (!peer_stats_equal(&d, &want))
			fuzz_fail(c, "%s: peer %u gained %s, expected %s", prog_names[prog], ids[i],
				  peer_stats_str(&d, got, sizeof(got)),
				  peer_stats_str(&want, exp, sizeof(exp)));
		/* Its drops by reason: the one drop, under the reason the run counted. */
		for (r = 0; r < XT_DROP_COUNT; r++)
			if (by_reason_after[r] - by_reason_before[r] !=
			    (XT_FIRST_DROP + r == (int)m->reason ? want.drops : 0))
				fuzz_fail(c, "%s: peer %u's drops under reason %d moved by %llu",
					  prog_names[prog], ids[i], XT_FIRST_DROP + r,
					  (unsigned long long)(by_reason_after[r] -
							       by_reason_before[r]));
	}
}

/* The decapsulated frame's source, within the sender's allowed-ips. */
static void check_delivered_source(const struct fuzz_case *c, const struct pkt *out,
				   uint32_t sender)
{
	const struct model_route *route = NULL;
	uint16_t type = out->len >= 14 ? get16(out, 12) : 0;

	if (type == ETHERTYPE_IPV4 && out->len >= 14 + 20)
		route = model_route_lookup4(out->b + 14 + 12);
	else if (type == ETHERTYPE_ARP && out->len >= 14 + 28)
		route = model_route_lookup4(out->b + 14 + 14);
	else if (type == ETHERTYPE_IPV6 && out->len >= 14 + 40)
		route = model_route_lookup(out->b + 14 + 8);
	else
		fuzz_fail(c, "delivered a frame of type 0x%04x, %zu bytes", type, out->len);
	if (!sender || !route || route->peer_id != sender)
		fuzz_fail(c, "delivered a frame whose source belongs to peer %u, sent by %u",
			  route ? route->peer_id : 0, sender);
}

static void check_decap_output(const struct fuzz_case *c, enum test_prog prog,
			       const struct model_out *m, const struct pkt *out)
{
	static const uint8_t zero_mac[6];
	const struct xt_config *cfg = &c->ov->progs[prog].cfg;
	const struct pkt *in = c->in;
	struct pkt want = {};

	if (!xt_encap_is_l2(cfg->encap))
		put_eth(&want, cfg->overlay_mac, zero_mac, m->inner_type);
	put_bytes(&want, in->b + m->outer_len, m->end - m->outer_len);
	if (out->len != want.len || memcmp(out->b, want.b, out->len))
		fuzz_fail(c,
			  "%s: delivered %zu bytes that are not the %zu behind %zu bytes of"
			  " outer headers",
			  prog_names[prog], out->len, m->end - m->outer_len, m->outer_len);
	check_delivered_source(c, out, m->sender);
}

static void check_encap_output(const struct fuzz_case *c, enum test_prog prog,
			       const struct model_out *m, const struct pkt *out)
{
	const struct xt_config *cfg = &c->ov->progs[prog].cfg;
	const struct test_addrs *u = test_addrs(cfg->family);
	bool to_a = m->route->peer_id == TEST_PEER_A_ID;
	struct pkt expected = {};
	struct outer_entropy e = {};
	size_t l4 = 14 + (cfg->family == XT_FAMILY_V6 ? 40 : 20);

	if (out->len < l4 + 8)
		fuzz_fail(c, "%s: sent %zu bytes", prog_names[prog], out->len);
	if (cfg->family == XT_FAMILY_V6)
		e.flow_label = get32(out, 14) & 0xfffff;
	if (xt_encap_is_udp(cfg->encap)) {
		e.sport = get16(out, l4);
		if (e.sport < 49152)
			fuzz_fail(c, "%s: UDP source port %u outside 49152-65535", prog_names[prog],
				  e.sport);
	}
	expected_encap_on(&expected, cfg, to_a ? u->peer_a_endpoint : u->peer_b_endpoint,
			  to_a ? TEST_PEER_A_PORT : TEST_PEER_B_PORT, &e, c->in);
	if (model_udp6(cfg))
		set16(&expected, l4 + 6, model_outer_udp_checksum(&expected, c->in));
	if (out->len != expected.len || memcmp(out->b, expected.b, out->len))
		fuzz_fail(c, "%s: sent %zu bytes that are not the packet for peer %u",
			  prog_names[prog], out->len, m->route->peer_id);
}

/* Run c->in through one program of c->ov and check every invariant; the output is left in
 * *out. Returns false if the kernel refused the input. */
static bool fuzz_run(struct fuzz_case *c, enum test_prog prog, struct pkt *out,
		     enum test_verdict *verdict, enum xt_reason *reason)
{
	const struct test_fixture *f = &c->ov->progs[prog];
	const struct xt_config *cfg = &f->cfg;
	struct __sk_buff skb = {};
	struct test_counters before, after;
	const struct pkt *in = c->in;
	bool gso = c->gso && prog != TEST_PROG_DECAP_XDP;
	bool use_skb = prog != TEST_PROG_DECAP_XDP && (gso || c->ingress_ifindex);
	struct model_out m;
	uint64_t moved = 0;
	enum test_verdict v;
	int code, err, r;

	if (gso) {
		skb.gso_segs = 2;
		skb.gso_size = 64;
	}
	if (prog_is_encap(prog)) {
		skb.ingress_ifindex = c->ingress_ifindex;
		m = model_encap(cfg, in, c->ingress_ifindex, gso, prog == TEST_PROG_ENCAP_SEG);
	} else {
		m = model_decap(cfg, in, gso);
	}
	counters_read(&f->maps, &before);
	err = prog_try_run_skb(f, in, out, use_skb ? &skb : NULL, &code);
	counters_read(&f->maps, &after);
	c->runs++;
	if (err) {
		if (err != -EINVAL || !kernel_refuses(prog, in))
			fuzz_fail(c, "%s: BPF_PROG_TEST_RUN failed: %s", prog_names[prog],
				  strerror(-err));
		if (memcmp(&before, &after, sizeof(before)))
			fuzz_fail(c, "%s: refused by the kernel, yet counted", prog_names[prog]);
		c->refused++;
		return false;
	}
	v = verdict_of(c, f, code);
	*reason = XT_REASON_COUNT;
	for (r = 0; r < XT_REASON_COUNT; r++) {
		uint64_t d = after.reasons[r] - before.reasons[r];

		moved += d;
		if (d)
			*reason = r;
	}
	if (moved != 1 || *reason == XT_REASON_COUNT) {
		char buf[256];

		fuzz_fail(c, "%s: %llu reason counts for one packet:%s", prog_names[prog],
			  (unsigned long long)moved,
			  reasons_moved(&before, &after, buf, sizeof(buf)));
	}
	if (!reason_fits(prog, v, *reason))
		fuzz_fail(c, "%s: verdict %d counted as reason %d", prog_names[prog], code,
			  *reason);
	if (out->len > in->len + xt_encap_overhead(cfg->encap, cfg->family, cfg->has_key))
		fuzz_fail(c, "%s: output of %zu bytes from %zu", prog_names[prog], out->len,
			  in->len);
	if ((v == TEST_PASS || v == TEST_ACCEPT) &&
	    (out->len != in->len || memcmp(out->b, in->b, in->len)))
		fuzz_fail(c, "%s: let the packet go on, but changed it", prog_names[prog]);
	if (v != m.verdict || *reason != m.reason)
		fuzz_fail(c, "%s: verdict %d reason %d; the rules say %s, reason %d",
			  prog_names[prog], code, *reason,
			  m.verdict == TEST_PASS     ? "pass"
			  : m.verdict == TEST_DROP   ? "drop"
			  : m.verdict == TEST_ACCEPT ? "accept"
						     : "redirect",
			  m.reason);
	if (v == TEST_REDIRECT && prog_is_encap(prog))
		check_encap_output(c, prog, &m, out);
	else if (v == TEST_REDIRECT)
		check_decap_output(c, prog, &m, out);
	check_peer_counters(c, prog, &before, &after, v, &m, in, out);
	c->verdicts[v]++;
	c->reasons[*reason]++;
	*verdict = v;
	return true;
}

/* Packets to start from. */
static struct pkt *seed_next(struct seeds *s)
{
	assert_true(s->n < sizeof(s->p) / sizeof(s->p[0]));
	memset(&s->p[s->n], 0, sizeof(s->p[0]));
	return &s->p[s->n++];
}

static void seed_tunnel(struct seeds *s, const struct tunnel_fields *t)
{
	put_tunnel_packet(seed_next(s), t);
}

/* Neighbour advertisements from peer A behind extension headers: of its own address behind
 * a Destination Options header; of peer B's behind Hop-by-Hop, Routing and Authentication
 * headers; one in a first fragment; and one behind the longest outer IPv4 header. */
static void ext_header_seeds(const struct test_fixture *f, struct seeds *s)
{
	static const uint8_t dest[] = { IPV6_NEXT_DEST_OPTS };
	static const uint8_t three[] = { IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_ROUTING, IPV6_NEXT_AUTH };
	static const uint8_t fragment[] = { IPV6_NEXT_FRAGMENT };
	static const uint8_t options[40] = { 0x94, 0x04, 0x00, 0x00, [4 ... 39] = 0x01 };
	struct pkt own = {}, other = {}, frag = {}, plain = {};
	struct tunnel_fields t;

	put_neighbour_advertisement_behind(&own, test_local_host_mac, test_peer_host_mac,
					   TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6,
					   dest, sizeof(dest));
	t = tunnel_from_peer_a(f, &own);
	seed_tunnel(s, &t);
	put_neighbour_advertisement_behind(&other, test_local_host_mac, test_peer_host_mac,
					   TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_B_HOST6,
					   three, sizeof(three));
	t.inner = &other;
	seed_tunnel(s, &t);
	put_neighbour_advertisement_behind(&frag, test_local_host_mac, test_peer_host_mac,
					   TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6,
					   fragment, sizeof(fragment));
	t.inner = &frag;
	seed_tunnel(s, &t);
	if (f->cfg.family == XT_FAMILY_V4) {
		put_neighbour_advertisement_frame(&plain, test_local_host_mac, test_peer_host_mac,
						  TEST_PEER_A_HOST6, TEST_LOCAL_HOST6,
						  TEST_PEER_B_HOST6);
		t.inner = &plain;
		t.ip.options = options;
		t.ip.options_len = sizeof(options);
		seed_tunnel(s, &t);
	}
}

/* A GRE or IPIP packet over IPv4 whose inner packet is a bare IPv4 header: shorter than
 * Ethernet's minimum, so padded to 60 bytes with zeros, as a NIC sends it. */
static void padded_seed(const struct test_fixture *f, struct seeds *s)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	struct pkt inner = {}, *p;
	struct tunnel_fields t;

	ip.protocol = 59;
	put_eth(&inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV4);
	put_ipv4(&inner, &ip, 0);
	t = tunnel_from_peer_a(f, &inner);
	p = seed_next(s);
	put_tunnel_packet(p, &t);
	while (p->len < 60)
		put8(p, 0);
}

/* What peers A and B send on the overlay: every inner family, the other peer's addresses,
 * the edges of each encapsulation, a tunnel in the tunnel, extension headers, padding. */
static void decap_seeds(const struct test_fixture *f, struct seeds *s)
{
	static const uint8_t router_alert[4] = { 0x94, 0x04, 0x00, 0x00 };
	struct ipv4_fields ip = inner_ipv4_fields(TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	struct pkt inner4 = {}, inner6 = {}, other = {}, big = {}, nested = {}, opts = {};
	bool l2 = xt_encap_is_l2(f->cfg.encap);
	struct tunnel_fields t, n;

	s->n = 0;
	inner_frame_from(&inner4, XT_FAMILY_V4, TEST_PEER_A_HOST);
	inner_frame_from(&inner6, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	t = tunnel_from_peer_a(f, &inner4);
	seed_tunnel(s, &t);
	t.inner = &inner6;
	seed_tunnel(s, &t);

	/* Peer B's own packet, and one from A's prefix it was given. */
	inner_frame_from(&other, XT_FAMILY_V6, TEST_MOVED_HOST6);
	t.inner = &other;
	t.ip.saddr = TEST_PEER_B_ENDPOINT;
	t.ip6.saddr = TEST_PEER_B_ENDPOINT6;
	seed_tunnel(s, &t);
	t = tunnel_from_peer_a(f, &inner4);
	memset(&other, 0, sizeof(other));
	if (l2)
		put_arp_request_frame(&other, test_peer_host_mac, TEST_PEER_A_HOST,
				      TEST_LOCAL_HOST);
	else
		inner_frame_from(&other, XT_FAMILY_V4, TEST_MOVED_HOST);
	t.inner = &other;
	seed_tunnel(s, &t);
	if (f->cfg.family == XT_FAMILY_V4) {
		t = tunnel_from_peer_a(f, &inner4);
		t.ip.options = router_alert;
		t.ip.options_len = sizeof(router_alert);
		seed_tunnel(s, &t);
	}

	put_inner_udp_frame(&big, test_local_host_mac, test_peer_host_mac, &ip, 400);
	t = tunnel_from_peer_a(f, &big);
	seed_tunnel(s, &t);

	/* A tunnel packet from A's host to this host's, inside one from A. */
	n = tunnel_from_peer_a(f, &inner4);
	n.family = XT_FAMILY_V4;
	n.eth_dst = test_local_host_mac;
	n.eth_src = test_peer_host_mac;
	n.ip.saddr = TEST_PEER_A_HOST;
	n.ip.daddr = TEST_LOCAL_HOST;
	put_tunnel_packet(&nested, &n);
	t.inner = &nested;
	seed_tunnel(s, &t);

	if (f->cfg.encap == XT_ENCAP_GENEVE) {
		put_geneve_option(&opts, 0x0102, 0x03, 1);
		put_geneve_option(&opts, 0x0104, 0x05, 2);
		t = tunnel_from_peer_a(f, &inner6);
		t.geneve.options = &opts;
		seed_tunnel(s, &t);
	}
	ext_header_seeds(f, s);
	if (f->cfg.family == XT_FAMILY_V4 && !xt_encap_is_l2(f->cfg.encap))
		padded_seed(f, s);
}

/* A neighbour solicitation for peer A's host behind a Hop-by-Hop header, as the host would
 * send it with a Router Alert option (the walk finds it, encap routes by its target). */
static void ns_behind_ext_headers_seed(struct pkt *p)
{
	struct pkt ns = {};

	put_neighbour_solicitation_frame(&ns, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	put_bytes(p, ns.b, 14 + 40);
	p->b[14 + 6] = IPV6_NEXT_HOP_BY_HOP;
	set16(p, 14 + 4, (uint16_t)(get16(&ns, 14 + 4) + 8));
	put_ipv6_extension(p, IPV6_NEXT_HOP_BY_HOP, IP_PROTO_ICMPV6);
	put_bytes(p, ns.b + 14 + 40, ns.len - 14 - 40);
}

/* What the host sends on the overlay: to each peer, to an address moved from A to B, to
 * nobody; IPv4, IPv6 (with extension headers too), ARP and neighbour solicitations. */
static void encap_seeds(struct seeds *s)
{
	static const char *const to4[] = { TEST_PEER_A_HOST, TEST_PEER_B_HOST, TEST_MOVED_HOST,
					   TEST_UNROUTED_HOST };
	static const char *const to6[] = { TEST_PEER_A_HOST6, TEST_MOVED_HOST6,
					   TEST_UNROUTED_HOST6 };
	uint8_t bare6[40] = { 0x60 };
	struct pkt *p;
	size_t i;

	s->n = 0;
	for (i = 0; i < sizeof(to4) / sizeof(to4[0]); i++)
		frame_to(seed_next(s), XT_FAMILY_V4, to4[i]);
	for (i = 0; i < sizeof(to6) / sizeof(to6[0]); i++)
		frame_to(seed_next(s), XT_FAMILY_V6, to6[i]);
	put_arp_request_frame(seed_next(s), test_local_host_mac, TEST_LOCAL_HOST, to4[0]);
	put_arp_request_frame(seed_next(s), test_local_host_mac, TEST_LOCAL_HOST, to4[2]);
	put_neighbour_solicitation_frame(seed_next(s), test_local_host_mac, TEST_LOCAL_HOST6,
					 to6[0]);
	put_neighbour_solicitation_frame(seed_next(s), test_local_host_mac, TEST_LOCAL_HOST6,
					 to6[1]);
	p = seed_next(s);
	frame_to(p, XT_FAMILY_V4, TEST_PEER_A_HOST);
	upper_layer_checksum_fill(p, 14, 14 + 20 + 6, true);
	p = seed_next(s);
	put_eth(p, test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV6);
	put_ipv6(p, IPV6_NEXT_DEST_OPTS, 8 + 8, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6);
	put_ipv6_extension(p, IPV6_NEXT_DEST_OPTS, IP_PROTO_UDP);
	put_udp(p, 40000, 7, 0);
	p = seed_next(s);
	put_eth(p, test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV6);
	put_bytes(p, bare6, sizeof(bare6));
	ns_behind_ext_headers_seed(seed_next(s));
}

/*
 * The L2 overlays (bpf/xt_l2.bpf.c, bpf/xt_l2_xdp.bpf.c), on the VXLAN and GENEVE overlays:
 * their own rules, restated by model_l2_decap and model_l2_encap, and invariants on top:
 * - nothing from an address that is no peer's is ever delivered, and nothing is learned
 *   from it;
 * - the FDB is, after every run, exactly the model's: a new source MAC learned for the
 *   sender while it has fewer than max-macs, a learned one moved to it, a static one never;
 * - a neighbour entry a run adds or changes is the sender's, for a MAC the sender has in the
 *   FDB; every peer's learned counts are what its entries in the two tables add up to;
 * - a delivered frame is exactly what follows the outer headers (padded to Ethernet's
 *   minimum when shorter than TC can strip); a frame sent is the packet for the FDB's peer
 *   (A, for its one static entry), or, flooded, for B (the one flood peer, so no clone is
 *   made here: tests/bpf/l2_flood.c has them); an ARP request or neighbour solicitation
 *   answered is exactly the answer the model builds;
 * - counters as for the L3 overlays.
 * The learned tables are emptied every L2_RESET_EVERY iterations, so that learning goes on.
 */

static bool l2_mac_is_station(const uint8_t *mac)
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}

/* A static FDB entry of A's in the decap programs' tables. */
static const uint8_t l2_static_mac[6] = { 0x02, 0x00, 0x00, 0x0a, 0x02, 0x5a };

/* The FDB each L2 program of the first N_L2_OVERLAYS of fuzz_overlays should have. */
static struct l2_model l2_models[N_L2_OVERLAYS][N_L2_PROGS];

static struct l2_model *l2_model_of(const struct fuzz_overlay *ov, enum test_prog prog)
{
	size_t o = (size_t)(ov - fuzz_overlays);

	assert_true(o < N_L2_OVERLAYS);
	return &l2_models[o][prog - TEST_PROG_L2_ENCAP];
}

/* The model's entry for mac: its index, or -1. */
static int l2_model_index(const struct l2_model *t, const uint8_t *mac)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!memcmp(t->fdb[i].mac, mac, 6))
			return (int)i;
	return -1;
}

static uint32_t *l2_model_count(struct l2_model *t, uint32_t peer)
{
	return &t->macs[peer == TEST_PEER_A_ID ? 0 : 1];
}

/* The shortest inner frame decap delivers as it is (bpf/l2_rx.h): an Ethernet header and
 * IPv6's base header behind it for IPv6, IPv4's for anything else. */
static size_t l2_min_inner(uint16_t type)
{
	return 14 + (type == ETHERTYPE_IPV6 ? 40 : 20);
}

/* xt_l2_rx's rules and xt_l2_decap_tc's (bpf/l2_rx.h, fdb.h), in their order; *t, the FDB,
 * learns as the program does. gso: as in model_decap: the strip fails, after learning. */
static struct model_out model_l2_decap(const struct xt_config *cfg, const struct pkt *in, bool gso,
				       struct l2_model *t)
{
	struct l2_model_entry *e;
	struct model_out m;
	const uint8_t *src;
	int i;

	if (!model_outer(cfg, in, &m, &gso))
		return m;
	if (!m.sender)
		return model_drop(XT_DROP_UNKNOWN_VTEP);
	if (m.outer_fault)
		return model_drop(m.outer_fault);
	if (in->len < m.outer_len + 14)
		return model_peer_drop(m, XT_DROP_MALFORMED);
	src = in->b + m.outer_len + 6;
	if (!l2_mac_is_station(src))
		return model_peer_drop(m, XT_DROP_SOURCE_MAC);
	i = l2_model_index(t, src);
	e = i < 0 ? NULL : &t->fdb[i];
	if (!e) {
		if (*l2_model_count(t, m.sender) >= TEST_L2_MAX_MACS)
			return model_peer_drop(m, XT_DROP_MAC_LIMIT);
		assert_true(t->n < sizeof(t->fdb) / sizeof(t->fdb[0]));
		e = &t->fdb[t->n++];
		memcpy(e->mac, src, 6);
		e->peer = m.sender;
		e->stat = false;
		(*l2_model_count(t, m.sender))++;
	} else if (e->stat) {
		if (e->peer != m.sender)
			return model_peer_drop(m, XT_DROP_STATIC_MAC);
	} else if (e->peer != m.sender) {
		if (*l2_model_count(t, m.sender) >= TEST_L2_MAX_MACS)
			return model_peer_drop(m, XT_DROP_MAC_LIMIT);
		(*l2_model_count(t, e->peer))--;
		(*l2_model_count(t, m.sender))++;
		e->peer = m.sender;
	}
	/* Padding a short frame (bpf_skb_change_tail) takes the skb's GSO state with it. */
	if (gso && in->len - m.outer_len >= l2_min_inner(get16(in, m.outer_len + 12)))
		return model_peer_drop(m, XT_DROP_DECAP_FAILED);
	m.verdict = TEST_REDIRECT;
	m.reason = XT_OK_DECAP;
	return m;
}

/* The encap fixture's neighbour table: peer A's host, both families, at its MAC. */
static bool l2_model_neigh(const uint8_t *addr16)
{
	uint8_t a[16];

	map_addr(TEST_PEER_A_HOST, a);
	if (!memcmp(a, addr16, 16))
		return true;
	map_addr(TEST_PEER_A_HOST6, a);
	return !memcmp(a, addr16, 16);
}

/* xt_arp_answer (bpf/suppress.h): a broadcast or multicast Ethernet/IPv4 ARP request for an
 * address the table has, not gratuitous, answered in place. */
static bool model_arp_answer(const struct pkt *in, struct pkt *answer)
{
	const uint8_t *b = in->b;
	uint8_t tpa[16];

	if (!(b[0] & 1) || in->len < 14 + 28 || get16(in, 12) != ETHERTYPE_ARP ||
	    get16(in, 14) != 1 || get16(in, 16) != ETHERTYPE_IPV4 || b[18] != 6 || b[19] != 4 ||
	    get16(in, 20) != ARP_OP_REQUEST)
		return false;
	mapped4(b + 14 + 24, tpa);
	if (!memcmp(b + 14 + 14, b + 14 + 24, 4) || !l2_model_neigh(tpa))
		return false;
	*answer = *in;
	memcpy(answer->b, b + 14 + 8, 6);		   /* to the requester's hardware address */
	memcpy(answer->b + 6, test_peer_host_mac, 6);	   /* from the target's */
	set16(answer, 20, 2);				   /* a reply */
	memcpy(answer->b + 14 + 18, b + 14 + 8, 6);	   /* tha: the requester */
	memcpy(answer->b + 14 + 24, b + 14 + 14, 4);	   /* tpa: the requester's address */
	memcpy(answer->b + 14 + 8, test_peer_host_mac, 6); /* sha: the target's MAC */
	memcpy(answer->b + 14 + 14, b + 14 + 24, 4);	   /* spa: the target */
	return true;
}

/* xt_ns_answer (bpf/suppress.h): a broadcast or multicast neighbour solicitation valid as
 * RFC 4861 section 7.1.1 asks, bare or with one option, for an address the table has. */
static bool model_ns_answer(const struct pkt *in, struct pkt *answer)
{
	static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t unspecified[16];
	const uint8_t *b = in->b, *ip6 = b + 14;
	char target[INET6_ADDRSTRLEN], daddr[INET6_ADDRSTRLEN];
	size_t plen;
	bool dad;

	if (!(b[0] & 1) || in->len < 14 + 40 + 24 || get16(in, 12) != ETHERTYPE_IPV6 ||
	    ip6[0] >> 4 != 6 || ip6[6] != IP_PROTO_ICMPV6 || ip6[7] != 255)
		return false;
	plen = get16(in, 14 + 4);
	if ((plen != 24 && plen != 32) || in->len < 14 + 40 + plen)
		return false;
	if (ip6[40] != ICMPV6_NEIGHBOUR_SOLICITATION || ip6[41] || ip6[40 + 8] == 0xff ||
	    ip6[8] == 0xff || upper_layer_sum(in, 14) != 0xffff || !l2_model_neigh(ip6 + 48))
		return false;
	dad = !memcmp(ip6 + 8, unspecified, 16);
	assert_non_null(inet_ntop(AF_INET6, ip6 + 48, target, sizeof(target)));
	assert_non_null(inet_ntop(AF_INET6, ip6 + 8, daddr, sizeof(daddr)));
	memset(answer, 0, sizeof(*answer));
	put_na_frame(answer, dad ? all_nodes : b + 6, test_peer_host_mac, target,
		     dad ? "ff02::1" : daddr, dad ? 0 : 0x40000000);
	return true;
}

/* xt_l2_encap's rules and xt_l2_encap_seg's (bpf/xt_l2.bpf.c), on the encap fixture: FDB
 * test_peer_host_mac -> A, static; flood peers: B alone. An answer goes to *answer. */
static struct model_out model_l2_encap(const struct xt_config *cfg, const struct pkt *in,
				       uint32_t ingress_ifindex, bool gso, bool seg,
				       struct pkt *answer)
{
	struct model_out m = {};

	if (!seg && ingress_ifindex == TEST_OVERLAY_IFINDEX)
		return model_drop(XT_DROP_RELAY);
	if (seg && gso)
		return model_drop(XT_DROP_ENCAP_FAILED);
	if (in->len < 14)
		return model_drop(XT_DROP_MALFORMED);
	if (model_arp_answer(in, answer)) {
		m.verdict = TEST_REDIRECT;
		m.reason = XT_OK_ARP_SUPPRESSED;
		return m;
	}
	if (model_ns_answer(in, answer)) {
		m.verdict = TEST_REDIRECT;
		m.reason = XT_OK_ND_SUPPRESSED;
		return m;
	}
	/* model_routes[0] and [1] are A's and B's: where the frame goes. */
	if (!(in->b[0] & 1) && !memcmp(in->b, test_peer_host_mac, 6)) {
		m.route = &model_routes[0];
		m.reason = XT_OK_ENCAP;
	} else {
		m.route = &model_routes[1];
		m.reason = XT_OK_FLOOD;
	}
	/* Handed back whole to be segmented first (no vxlan device here), flooded or not. */
	if (gso && model_udp6(cfg)) {
		m.verdict = TEST_ACCEPT;
		m.reason = XT_OK_SEGMENT;
		return m;
	}
	if (gso)
		return model_drop(XT_DROP_ENCAP_FAILED);
	m.verdict = TEST_REDIRECT;
	return m;
}

static bool l2_reason_fits(enum test_prog prog, enum test_verdict v, enum xt_reason r)
{
	switch (v) {
	case TEST_PASS:
		return (r >= XT_PASS_NOT_IP && r <= XT_PASS_OTHER_KEY) || r == XT_PASS_OTHER_HOST;
	case TEST_REDIRECT:
		if (prog_is_encap(prog))
			return r == XT_OK_ENCAP || r == XT_OK_FLOOD || r == XT_OK_ARP_SUPPRESSED ||
			       r == XT_OK_ND_SUPPRESSED;
		return r == XT_OK_DECAP;
	case TEST_ACCEPT:
		return prog == TEST_PROG_L2_ENCAP && r == XT_OK_SEGMENT;
	case TEST_DROP:
		if (prog_is_encap(prog))
			return r == XT_DROP_MALFORMED || r == XT_DROP_RELAY ||
			       r == XT_DROP_ENCAP_FAILED || r == XT_DROP_NO_FLOOD_PEER;
		return r == XT_DROP_MALFORMED || r == XT_DROP_VXLAN_FLAGS ||
		       r == XT_DROP_GENEVE_HEADER || r == XT_DROP_GENEVE_CRITICAL ||
		       r == XT_DROP_INNER_PROTO || r == XT_DROP_DECAP_FAILED ||
		       r == XT_DROP_OUTER_CHECKSUM || r == XT_DROP_UNKNOWN_VTEP ||
		       r == XT_DROP_SOURCE_MAC || r == XT_DROP_STATIC_MAC ||
		       r == XT_DROP_MAC_LIMIT || r == XT_DROP_FDB_FULL;
	}
	return false;
}

/* A neighbour table as the map holds it now. */
struct l2_neighs {
	struct xt_neigh_key key[64];
	struct xt_neigh val[64];
	size_t n;
};

static void l2_neighs_read(const struct test_maps *m, struct l2_neighs *t)
{
	struct xt_neigh_key *prev = NULL;

	t->n = 0;
	while (t->n < 64 && !bpf_map_get_next_key(m->neigh, prev, &t->key[t->n])) {
		assert_int_equal(bpf_map_lookup_elem(m->neigh, &t->key[t->n], &t->val[t->n]), 0);
		prev = &t->key[t->n++];
	}
}

/* The tables after a run from sender (0: none): the FDB the model's, entry for entry; a
 * neighbour entry the run added or changed the sender's, for a MAC the sender has; the
 * counts what the entries add up to. */
static void l2_tables_check(const struct fuzz_case *c, enum test_prog prog,
			    const struct test_fixture *f, const struct l2_model *t,
			    const struct l2_neighs *before, uint32_t sender)
{
	struct l2_neighs after;
	struct xt_fdb_key key, *prev = NULL;
	uint32_t neighs[2] = { 0, 0 }, n = 0, ids[2] = { TEST_PEER_A_ID, TEST_PEER_B_ID };
	size_t i, j;

	while (!bpf_map_get_next_key(f->maps.fdb, prev, &key)) {
		struct xt_fdb e;
		int k = l2_model_index(t, key.mac);
		const struct l2_model_entry *me = k < 0 ? NULL : &t->fdb[k];

		assert_int_equal(bpf_map_lookup_elem(f->maps.fdb, &key, &e), 0);
		if (!me || me->peer != e.peer_id || me->stat != !!(e.flags & XT_L2_STATIC))
			fuzz_fail(c, "%s: FDB has %02x:..:%02x for peer %u%s, the rules say %s",
				  prog_names[prog], key.mac[0], key.mac[5], e.peer_id,
				  e.flags & XT_L2_STATIC ? " (static)" : "",
				  me ? "another peer" : "no entry");
		n++;
		prev = &key;
	}
	if (n != t->n)
		fuzz_fail(c, "%s: FDB has %u entries, the rules say %zu", prog_names[prog], n,
			  t->n);
	l2_neighs_read(&f->maps, &after);
	for (i = 0; i < after.n; i++) {
		const struct xt_neigh *v = &after.val[i];
		const struct l2_model_entry *owner;
		bool same = false;
		int k;

		if (!(v->flags & XT_L2_STATIC))
			neighs[v->peer_id == TEST_PEER_A_ID ? 0 : 1]++;
		if (!(v->flags & XT_L2_STATIC) && v->peer_id != TEST_PEER_A_ID &&
		    v->peer_id != TEST_PEER_B_ID)
			fuzz_fail(c, "%s: a neighbour entry of peer %u", prog_names[prog],
				  v->peer_id);
		for (j = 0; j < before->n; j++)
			if (!memcmp(&before->key[j], &after.key[i], sizeof(after.key[i])))
				same = !memcmp(&before->val[j], v, 12);
		if (same)
			continue;
		k = l2_model_index(t, v->mac);
		owner = k < 0 ? NULL : &t->fdb[k];
		if (!sender || v->peer_id != sender || !owner || owner->peer != sender)
			fuzz_fail(c, "%s: learned a neighbour at a MAC of peer %u, from peer %u",
				  prog_names[prog], owner ? owner->peer : 0, sender);
	}
	for (i = 0; i < 2; i++) {
		struct xt_l2_learned l = learned_of(&f->maps, ids[i]);

		if (l.macs != t->macs[i] || l.neighs != neighs[i])
			fuzz_fail(c, "%s: peer %u counts %u MACs, %u neighbours; it has %u and %u",
				  prog_names[prog], ids[i], l.macs, l.neighs, t->macs[i],
				  neighs[i]);
	}
}

/* Empties an L2 program's learned tables and its model's, counts back to zero. */
static void l2_reset(struct test_fixture *f, struct l2_model *t)
{
	const uint32_t ids[] = { TEST_PEER_A_ID, TEST_PEER_B_ID };
	const struct xt_l2_learned zero = {};
	struct xt_fdb_key fk;
	struct xt_neigh_key nk;
	size_t i, kept = 0;

	while (!bpf_map_get_next_key(f->maps.fdb, NULL, &fk))
		assert_int_equal(bpf_map_delete_elem(f->maps.fdb, &fk), 0);
	while (!bpf_map_get_next_key(f->maps.neigh, NULL, &nk))
		assert_int_equal(bpf_map_delete_elem(f->maps.neigh, &nk), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(bpf_map_update_elem(f->maps.learned, &ids[i], &zero, BPF_ANY), 0);
	for (i = 0; i < t->n; i++)
		if (t->fdb[i].stat) {
			t->fdb[kept++] = t->fdb[i];
			fdb_put(&f->maps, t->fdb[i].mac, t->fdb[i].peer, XT_L2_STATIC, 0);
		}
	t->n = kept;
	t->macs[0] = t->macs[1] = 0;
}

/* What decap delivers: the inner frame, padded with zeros to 60 bytes when shorter than TC
 * can strip (l2_min_inner). */
static void l2_check_decap_output(const struct fuzz_case *c, enum test_prog prog,
				  const struct model_out *m, const struct pkt *out)
{
	struct pkt want = {};
	static const uint8_t zeros[60];

	put_bytes(&want, c->in->b + m->outer_len, c->in->len - m->outer_len);
	if (want.len < l2_min_inner(get16(&want, 12)))
		put_bytes(&want, zeros, 60 - want.len);
	if (out->len != want.len || memcmp(out->b, want.b, out->len))
		fuzz_fail(c,
			  "%s: delivered %zu bytes that are not the %zu behind %zu bytes of"
			  " outer headers",
			  prog_names[prog], out->len, want.len, m->outer_len);
}

static void l2_check_encap_output(const struct fuzz_case *c, enum test_prog prog,
				  const struct xt_config *cfg, const struct model_out *m,
				  const struct pkt *answer, const struct pkt *out)
{
	const struct test_addrs *u = test_addrs(cfg->family);
	bool to_a = m->route == &model_routes[0];
	size_t l4 = 14 + (cfg->family == XT_FAMILY_V6 ? 40 : 20);
	struct pkt expected = {};
	struct outer_entropy e = {};

	if (m->reason == XT_OK_ARP_SUPPRESSED || m->reason == XT_OK_ND_SUPPRESSED) {
		if (out->len != answer->len || memcmp(out->b, answer->b, out->len))
			fuzz_fail(c, "%s: answered with %zu bytes that are not the answer",
				  prog_names[prog], out->len);
		return;
	}
	if (out->len < l4 + 8)
		fuzz_fail(c, "%s: sent %zu bytes", prog_names[prog], out->len);
	if (cfg->family == XT_FAMILY_V6)
		e.flow_label = get32(out, 14) & 0xfffff;
	e.sport = get16(out, l4);
	if (e.sport < 49152)
		fuzz_fail(c, "%s: UDP source port %u outside 49152-65535", prog_names[prog],
			  e.sport);
	expected_encap_on(&expected, cfg, to_a ? u->peer_a_endpoint : u->peer_b_endpoint,
			  to_a ? TEST_PEER_A_PORT : TEST_PEER_B_PORT, &e, c->in);
	if (model_udp6(cfg))
		set16(&expected, l4 + 6, model_outer_udp_checksum(&expected, c->in));
	if (out->len != expected.len || memcmp(out->b, expected.b, out->len))
		fuzz_fail(c, "%s: sent %zu bytes that are not the packet for peer %c",
			  prog_names[prog], out->len, to_a ? 'A' : 'B');
}

/* Encap: a frame sent counts against its peer (an answer against none); decap: as for the L3
 * overlays. */
static void l2_check_peer_counters(const struct fuzz_case *c, enum test_prog prog,
				   const struct test_counters *before,
				   const struct test_counters *after, enum test_verdict v,
				   const struct model_out *m, const struct pkt *out)
{
	static const uint32_t ids[] = { TEST_PEER_A_ID, TEST_PEER_B_ID };
	bool sent = v == TEST_REDIRECT && (m->reason == XT_OK_ENCAP || m->reason == XT_OK_FLOOD);
	size_t i;

	for (i = 0; i < 2; i++) {
		struct xt_peer_stats d = peer_stats_delta(stats_of(after, ids[i]),
							  stats_of(before, ids[i])),
				     want = {};
		char got[96], exp[96];

		if (prog_is_encap(prog)) {
			if (sent && m->route->peer_id == ids[i]) {
				want.tx_packets = 1;
				want.tx_bytes = c->in->len;
			}
		} else if (m->sender == ids[i]) {
			if (v == TEST_REDIRECT) {
				want.rx_packets = 1;
				want.rx_bytes = out->len;
			}
			if (v == TEST_DROP && m->peer_drop)
				want.drops = 1;
		}
		if (!peer_stats_equal(&d, &want))
			fuzz_fail(c, "%s: peer %u gained %s, expected %s", prog_names[prog], ids[i],
				  peer_stats_str(&d, got, sizeof(got)),
				  peer_stats_str(&want, exp, sizeof(exp)));
	}
}

/* Run c->in through the L2 program prog of c->ov and check everything above. */
static bool l2_fuzz_run(struct fuzz_case *c, enum test_prog prog, struct pkt *out,
			enum test_verdict *verdict, enum xt_reason *reason)
{
	const struct test_fixture *f = &c->ov->l2[prog - TEST_PROG_L2_ENCAP];
	struct l2_model *t = l2_model_of(c->ov, prog), next = *t;
	const struct xt_config *cfg = &f->cfg;
	bool gso = c->gso && prog != TEST_PROG_L2_DECAP_XDP;
	bool use_skb = prog != TEST_PROG_L2_DECAP_XDP && (gso || c->ingress_ifindex);
	struct test_counters before, after;
	struct __sk_buff skb = {};
	struct l2_neighs neighs;
	struct pkt answer = {};
	struct model_out m;
	uint64_t moved = 0;
	enum test_verdict v;
	int code, err, r;

	if (gso) {
		skb.gso_segs = 2;
		skb.gso_size = 64;
	}
	if (prog_is_encap(prog)) {
		skb.ingress_ifindex = c->ingress_ifindex;
		m = model_l2_encap(cfg, c->in, c->ingress_ifindex, gso,
				   prog == TEST_PROG_L2_ENCAP_SEG, &answer);
	} else {
		m = model_l2_decap(cfg, c->in, gso, &next);
	}
	l2_neighs_read(&f->maps, &neighs);
	counters_read(&f->maps, &before);
	err = prog_try_run_skb(f, c->in, out, use_skb ? &skb : NULL, &code);
	counters_read(&f->maps, &after);
	c->runs++;
	if (err) {
		if (err != -EINVAL || !kernel_refuses(prog, c->in))
			fuzz_fail(c, "%s: BPF_PROG_TEST_RUN failed: %s", prog_names[prog],
				  strerror(-err));
		c->refused++;
		return false;
	}
	*t = next;
	v = verdict_of(c, f, code);
	*reason = XT_REASON_COUNT;
	for (r = 0; r < XT_REASON_COUNT; r++) {
		uint64_t d = after.reasons[r] - before.reasons[r];

		moved += d;
		if (d)
			*reason = r;
	}
	if (moved != 1 || *reason == XT_REASON_COUNT)
		fuzz_fail(c, "%s: %llu reason counts for one packet", prog_names[prog],
			  (unsigned long long)moved);
	if (!l2_reason_fits(prog, v, *reason))
		fuzz_fail(c, "%s: verdict %d counted as reason %d", prog_names[prog], code,
			  *reason);
	if ((v == TEST_PASS || v == TEST_ACCEPT) &&
	    (out->len != c->in->len || memcmp(out->b, c->in->b, c->in->len)))
		fuzz_fail(c, "%s: let the packet go on, but changed it", prog_names[prog]);
	if (v != m.verdict || *reason != m.reason)
		fuzz_fail(c, "%s: verdict %d reason %d; the rules say verdict %d, reason %d",
			  prog_names[prog], code, *reason, m.verdict, m.reason);
	if (v == TEST_REDIRECT && prog_is_encap(prog))
		l2_check_encap_output(c, prog, cfg, &m, &answer, out);
	else if (v == TEST_REDIRECT)
		l2_check_decap_output(c, prog, &m, out);
	if (!prog_is_encap(prog))
		l2_tables_check(c, prog, f, t, &neighs, m.sender);
	l2_check_peer_counters(c, prog, &before, &after, v, &m, out);
	c->verdicts[v]++;
	c->reasons[*reason]++;
	*verdict = v;
	return true;
}

/* What peers A and B send on the L2 overlay: the L3 fuzzer's decap seeds (IPv4, IPv6 and ARP
 * inside, the encapsulations' edges, a tunnel in the tunnel, extension headers), and what an
 * L2 overlay sees besides: answers to learn neighbours from, a station moved from A to B, a
 * stranger, a short STP frame. */
static void l2_decap_seeds(const struct test_fixture *f, const struct seeds *l3, struct seeds *s)
{
	static const uint8_t stp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
	static const uint8_t tcn[7] = { 0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x80 };
	struct pkt inner = {};
	size_t i;

	s->n = 0;
	for (i = 0; i < l3->n; i++)
		*seed_next(s) = l3->p[i];
	put_eth(&inner, station_local_mac, test_peer_host_mac, ETHERTYPE_ARP);
	put_arp(&inner, 2, test_peer_host_mac, TEST_PEER_A_HOST, station_local_mac,
		TEST_LOCAL_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &inner, seed_next(s));
	memset(&inner, 0, sizeof(inner));
	put_na_frame(&inner, station_local_mac, test_peer_host_mac, TEST_PEER_A_HOST6,
		     TEST_LOCAL_HOST6, 0x60000000);
	tunnel_from(f, TEST_PEER_A_ID, &inner, seed_next(s));
	memset(&inner, 0, sizeof(inner));
	put_eth(&inner, broadcast_mac, test_peer_host_mac, ETHERTYPE_ARP);
	put_arp(&inner, ARP_OP_REQUEST, test_peer_host_mac, TEST_PEER_B_HOST, broadcast_mac,
		TEST_PEER_B_HOST);
	tunnel_from(f, TEST_PEER_B_ID, &inner, seed_next(s));
	memset(&inner, 0, sizeof(inner));
	station_frame_from(&inner, station_b_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_B_ID, &inner, seed_next(s));
	tunnel_from(f, 0, &inner, seed_next(s));
	memset(&inner, 0, sizeof(inner));
	put_eth(&inner, stp, test_peer_host_mac, sizeof(tcn));
	put_bytes(&inner, tcn, sizeof(tcn));
	tunnel_from(f, TEST_PEER_A_ID, &inner, seed_next(s));
	/* A's static MAC from B; more stations behind A than max-macs. */
	memset(&inner, 0, sizeof(inner));
	station_frame_from(&inner, l2_static_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_B_ID, &inner, seed_next(s));
	for (i = 0; i < TEST_L2_MAX_MACS + 2; i++) {
		uint8_t mac[6];

		memcpy(mac, test_peer_host_mac, 6);
		mac[5] = (uint8_t)(0x10 + i);
		memset(&inner, 0, sizeof(inner));
		station_frame_from(&inner, mac, f->cfg.family);
		tunnel_from(f, TEST_PEER_A_ID, &inner, seed_next(s));
	}
}

/* What the bridge sends into the L2 overlay: the L3 fuzzer's encap seeds (to A's station,
 * ARP requests and solicitations for A's host and others), and broadcast, unknown unicast,
 * a type that is not IP, a gratuitous ARP, duplicate address detection. */
static void l2_encap_seeds(const struct seeds *l3, struct seeds *s)
{
	static const uint8_t unknown[6];
	struct pkt *p;
	size_t i;

	s->n = 0;
	for (i = 0; i < l3->n; i++)
		*seed_next(s) = l3->p[i];
	put_inner_ipv4_frame(seed_next(s), broadcast_mac, station_local_mac, TEST_LOCAL_HOST,
			     "10.10.255.255");
	put_inner_ipv4_frame(seed_next(s), station_b_mac, station_local_mac, TEST_LOCAL_HOST,
			     TEST_PEER_B_HOST);
	p = seed_next(s);
	put_eth(p, test_peer_host_mac, station_local_mac, 0x88b5);
	for (i = 0; i < 50; i++)
		put8(p, (uint8_t)i);
	p = seed_next(s);
	put_eth(p, broadcast_mac, station_local_mac, ETHERTYPE_ARP);
	put_arp(p, ARP_OP_REQUEST, station_local_mac, TEST_PEER_A_HOST, unknown, TEST_PEER_A_HOST);
	p = seed_next(s);
	put_neighbour_solicitation_frame(p, station_local_mac, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6);
	/* Duplicate address detection: from ::, no option. */
	p->len -= 8;
	memset(p->b + 14 + 8, 0, 16);
	set16(p, 14 + 4, 24);
	upper_layer_checksum_fill(p, 14, 14 + 40 + 2, false);
}

/* Values near the edges of what each field may hold, and the ones the rules look for. */
static uint16_t interesting16(struct rng *r, const struct pkt *p)
{
	const uint16_t values[] = {
		0,
		1,
		7,
		8,
		19,
		20,
		40,
		0x7fff,
		0x8000,
		0xffff,
		TEST_PORT,
		TEST_PEER_A_PORT,
		XT_GENEVE_PORT,
		ETHERTYPE_IPV4,
		ETHERTYPE_ARP,
		ETHERTYPE_IPV6,
		ETHERTYPE_8021Q,
		ETHERTYPE_TEB,
		IP_FLAG_DF,
		IP_FLAG_MF,
		GRE_FLAG_K,
		GRE_FLAG_K | GRE_FLAG_S,
		GRE_FLAG_C,
		(uint16_t)(p->len - 14),
		(uint16_t)(p->len - 13),
		(uint16_t)(p->len - 15),
		(uint16_t)(p->len - 34),
		(uint16_t)(p->len - 38),
		(uint16_t)(p->len - 54),
		(uint16_t)(p->len - 55),
	};

	return PICK(r, values);
}

static void interesting_addr(struct rng *r, uint8_t out[4])
{
	static const char *const addrs[] = {
		TEST_LOCAL,	      TEST_PEER_A_ENDPOINT,
		TEST_PEER_B_ENDPOINT, TEST_STRANGER_ENDPOINT,
		TEST_PEER_A_HOST,     TEST_PEER_B_HOST,
		TEST_MOVED_HOST,      TEST_UNROUTED_HOST,
		TEST_LOCAL_HOST,      "0.0.0.0",
		"255.255.255.255",    "10.10.2.0",
	};

	ipv4_bytes(PICK(r, addrs), out);
}

static void interesting_addr6(struct rng *r, uint8_t out[16])
{
	static const char *const addrs[] = {
		TEST_LOCAL6,
		TEST_PEER_A_ENDPOINT6,
		TEST_PEER_B_ENDPOINT6,
		TEST_STRANGER_ENDPOINT6,
		TEST_OTHER_LOCAL6,
		TEST_PEER_A_HOST6,
		TEST_PEER_B_HOST6,
		TEST_MOVED_HOST6,
		TEST_UNROUTED_HOST6,
		TEST_LOCAL_HOST6,
		"::",
		"fe80::7",
		"ff02::1:ff00:7",
		"::ffff:198.51.100.2",
		"fd00:10:2::",
	};

	assert_int_equal(inet_pton(AF_INET6, PICK(r, addrs), out), 1);
}

/* Where the headers of a packet are, as the overlay would have them; for a packet that is
 * not (or no longer) one of its own, just places to aim at. */
enum base { B_FRAME, B_L3, B_L4, B_TUNNEL, B_INNER_ETH, B_INNER_L3 };

struct layout {
	size_t at[B_INNER_L3 + 1];
};

static struct layout layout_of(const struct xt_config *cfg, const struct pkt *p, bool encap)
{
	bool v6 = p->len >= 14 && get16(p, 12) == ETHERTYPE_IPV6;
	size_t l4 = 14 + (v6 ? 40 : p->len > 14 ? (p->b[14] & 0x0f) * 4 : 20), tunnel, eth, l3;

	if (encap) /* the frame's own Ethernet header and what follows */
		return (struct layout){ { 0, 14, 14, 14, 0, 14 } };
	if (xt_encap_is_udp(cfg->encap)) {
		tunnel = l4 + 8;
		eth = tunnel + 8;
		if (cfg->encap == XT_ENCAP_GENEVE && tunnel < p->len)
			eth += (p->b[tunnel] & 0x3f) * 4;
		l3 = eth + 14;
	} else {
		tunnel = l4;
		l3 = l4;
		if (cfg->encap == XT_ENCAP_GRE)
			l3 += tunnel + 1 < p->len && (p->b[tunnel] & 0x20) ? 8 : 4;
		eth = l3 - 14;
	}
	return (struct layout){ { 0, 14, l4, tunnel, eth, l3 } };
}

/* Fields worth aiming at, as offsets from the start of a header that layout_of finds in the
 * packet as it is now. Fields of the other outer family, or of another encapsulation, land
 * elsewhere: one more kind of mutation. */
enum field_kind { F8, F16, F32, FADDR, FADDR6, FVNI };

struct field {
	enum base base;
	size_t off;
	enum field_kind kind;
};

static const struct field decap_fields[] = {
	{ B_FRAME, 12, F16 },	   { B_L3, 0, F8 },	      { B_L3, 2, F16 },
	{ B_L3, 6, F16 },	   { B_L3, 9, F8 },	      { B_L3, 12, FADDR },
	{ B_L3, 16, FADDR },	   { B_L3, 4, F16 },	      { B_L3, 6, F8 },
	{ B_L3, 8, FADDR6 },	   { B_L3, 24, FADDR6 },      { B_L4, 2, F16 },
	{ B_L4, 4, F16 },	   { B_TUNNEL, 0, F8 },	      { B_TUNNEL, 1, F8 },
	{ B_TUNNEL, 0, F16 },	   { B_TUNNEL, 2, F16 },      { B_TUNNEL, 4, FVNI },
	{ B_TUNNEL, 4, F32 },	   { B_TUNNEL, 7, F8 },	      { B_TUNNEL, 10, F8 },
	{ B_TUNNEL, 11, F8 },	   { B_INNER_ETH, 12, F16 },  { B_INNER_L3, 0, F8 },
	{ B_INNER_L3, 12, FADDR }, { B_INNER_L3, 14, FADDR }, { B_INNER_L3, 16, FADDR },
	{ B_INNER_L3, 4, F8 },	   { B_INNER_L3, 2, F16 },    { B_INNER_L3, 8, FADDR6 },
};

static const struct field encap_fields[] = {
	{ B_FRAME, 12, F16 },	   { B_INNER_L3, 0, F8 },      { B_INNER_L3, 16, FADDR },
	{ B_INNER_L3, 12, FADDR }, { B_INNER_L3, 0, F16 },     { B_INNER_L3, 2, F16 },
	{ B_INNER_L3, 4, F8 },	   { B_INNER_L3, 5, F8 },      { B_INNER_L3, 14, FADDR },
	{ B_INNER_L3, 24, FADDR }, { B_INNER_L3, 6, F16 },     { B_INNER_L3, 9, F8 },
	{ B_INNER_L3, 6, F8 },	   { B_INNER_L3, 24, FADDR6 }, { B_INNER_L3, 8, FADDR6 },
	{ B_INNER_L3, 40, F8 },	   { B_INNER_L3, 48, FADDR6 },
};

static void mutate_field(struct rng *r, struct pkt *p, const struct xt_config *cfg, bool encap)
{
	static const uint8_t values8[] = { 0,	 1,    4,    6,	   8,	 17,   0x20,
					   0x3f, 0x40, 0x44, 0x45, 0x46, 0x4f, 0x60,
					   0x65, 0x7f, 0x80, 0xff, 41,	 47,   58,
					   135,	 44,   0x86, 136,  43,	 51,   60 };
	const struct field *f = encap ? &PICK(r, encap_fields) : &PICK(r, decap_fields);
	size_t at = layout_of(cfg, p, encap).at[f->base] + f->off;
	uint32_t vni;

	switch (f->kind) {
	case F8:
		if (at < p->len)
			p->b[at] = rng_chance(r, 4) ? (uint8_t)rng_next(r) : PICK(r, values8);
		break;
	case F16:
		if (at + 2 <= p->len)
			set16(p, at, interesting16(r, p));
		break;
	case F32:
		if (at + 4 <= p->len) {
			uint32_t key = rng_chance(r, 2) ? TEST_GRE_KEY + rng_below(r, 3) - 1
							: (uint32_t)rng_next(r);

			set16(p, at, key >> 16);
			set16(p, at + 2, (uint16_t)key);
		}
		break;
	case FADDR:
		if (at + 4 <= p->len)
			interesting_addr(r, p->b + at);
		break;
	case FADDR6:
		if (at + 16 <= p->len)
			interesting_addr6(r, p->b + at);
		break;
	case FVNI:
		if (at + 3 <= p->len) {
			vni = rng_chance(r, 2) ? TEST_VNI + rng_below(r, 3) - 1
					       : (uint32_t)rng_next(r) & 0xffffff;
			p->b[at] = vni >> 16;
			p->b[at + 1] = vni >> 8;
			p->b[at + 2] = vni;
		}
		break;
	}
}

/* A header boundary of p, at or below below, for splices that keep headers whole. */
static size_t boundary(struct rng *r, const struct xt_config *cfg, const struct pkt *p, bool encap,
		       size_t below)
{
	struct layout l = layout_of(cfg, p, encap);
	const size_t b[] = { 0,
			     12,
			     14,
			     l.at[B_L4],
			     l.at[B_L4] + 4,
			     l.at[B_TUNNEL],
			     l.at[B_TUNNEL] + 4,
			     l.at[B_INNER_ETH],
			     l.at[B_INNER_ETH] + 12,
			     l.at[B_INNER_L3],
			     l.at[B_INNER_L3] + 12,
			     l.at[B_INNER_L3] + 20 };
	size_t at;

	do
		at = PICK(r, b);
	while (at > below);
	return at;
}

static void mutate_once(struct rng *r, struct pkt *p, const struct seeds *s,
			const struct xt_config *cfg, bool encap)
{
	const struct pkt *other = &s->p[rng_below(r, s->n)];
	uint8_t bytes[128];
	size_t at, n, i;

	switch (rng_below(r, 10)) {
	case 0: /* a byte set at random */
		if (p->len)
			p->b[rng_below(r, p->len)] = (uint8_t)rng_next(r);
		break;
	case 1: /* a bit flipped */
		if (p->len)
			p->b[rng_below(r, p->len)] ^= 1u << rng_below(r, 8);
		break;
	case 2:
	case 3:
		mutate_field(r, p, cfg, encap);
		break;
	case 4: /* cut short, mostly not inside the Ethernet header (the kernel refuses) */
		if (p->len <= 14 || rng_chance(r, 16))
			pkt_cut(p, rng_below(r, p->len + 1));
		else
			pkt_cut(p, 14 + rng_below(r, p->len - 13));
		break;
	case 5: /* grown: random bytes or zero padding at the end */
		n = 1 + rng_below(r, 64);
		for (i = 0; i < n; i++)
			bytes[i] = rng_chance(r, 2) ? 0 : (uint8_t)rng_next(r);
		if (p->len + n <= FUZZ_MAX_LEN)
			put_bytes(p, bytes, n);
		break;
	case 6: /* a header of another packet spliced over the same place */
		at = boundary(r, cfg, p, encap, p->len);
		n = 4 + rng_below(r, 40);
		if (at + n <= p->len && at + n <= other->len)
			memcpy(p->b + at, other->b + at, n);
		break;
	case 7: /* a piece of another packet inserted at a header boundary */
		at = boundary(r, cfg, p, encap, p->len);
		i = boundary(r, cfg, other, encap, other->len);
		n = 1 + rng_below(r, 50);
		if (i + n <= other->len && p->len + n <= FUZZ_MAX_LEN)
			pkt_insert(p, at, other->b + i, n);
		break;
	case 8: /* a header removed */
		at = boundary(r, cfg, p, encap, p->len);
		n = PICK(r, ((const size_t[]){ 1, 4, 8, 14, 20, 28, 40 }));
		if (at + n <= p->len) {
			memmove(p->b + at, p->b + at + n, p->len - at - n);
			p->len -= n;
		}
		break;
	case 9: /* a tunnel in the tunnel: the outer headers repeated behind themselves (for
		 * GRE and IPIP those behind the outer Ethernet header) */
		if (encap)
			break;
		at = xt_encap_is_l2(cfg->encap) ? 0 : 14;
		n = layout_of(cfg, p, encap)
			    .at[xt_encap_is_l2(cfg->encap) ? B_INNER_ETH : B_INNER_L3] -
		    at;
		if (n <= sizeof(bytes) && at + n <= p->len && p->len + n <= FUZZ_MAX_LEN) {
			memcpy(bytes, p->b + at, n);
			pkt_insert(p, at + n, bytes, n);
		}
		break;
	}
}

/* Outer lengths made to fit, if the packet still has room for them. */
static void maybe_fit(struct rng *r, struct pkt *p)
{
	size_t l4;
	bool v6;

	if (p->len < 14 + 20)
		return;
	v6 = get16(p, 12) == ETHERTYPE_IPV6;
	if (!v6 && (get16(p, 12) != ETHERTYPE_IPV4 || (p->b[OFF_IP] & 0x0f) < 5))
		return;
	if (v6 && p->len < 14 + 40)
		return;
	l4 = outer_l4_offset(p);
	if (l4 + (p->b[OFF_IP + (v6 ? 6 : 9)] == IP_PROTO_UDP ? 8 : 0) > p->len)
		return;
	if (rng_below(r, 4) < 3)
		outer_lengths_fit(p);
	else if (!v6 && rng_chance(r, 2))
		outer_ipv4_checksum_update(p);
}

static void mutated(struct fuzz_case *c, bool encap, struct pkt *p)
{
	const struct seeds *s = encap ? &c->ov->encap : &c->ov->decap;
	const struct xt_config *cfg = &c->ov->progs[TEST_PROG_ENCAP].cfg;
	unsigned int k, rounds = 1 + rng_below(&c->rng, 4);

	*p = s->p[rng_below(&c->rng, s->n)];
	for (k = 0; k < rounds; k++)
		mutate_once(&c->rng, p, s, cfg, encap);
	if (!encap)
		maybe_fit(&c->rng, p);
}

/* As mutated, from the L2 overlay's seeds. */
static void l2_mutated(struct fuzz_case *c, bool encap, struct pkt *p)
{
	const struct seeds *s = encap ? &c->ov->l2_encap : &c->ov->l2_decap;
	const struct xt_config *cfg = &c->ov->l2[0].cfg;
	unsigned int k, rounds = 1 + rng_below(&c->rng, 4);

	*p = s->p[rng_below(&c->rng, s->n)];
	for (k = 0; k < rounds; k++)
		mutate_once(&c->rng, p, s, cfg, encap);
	if (!encap)
		maybe_fit(&c->rng, p);
}

/* Random bytes, sometimes behind the beginning of a valid packet. */
static void random_frame(struct fuzz_case *c, const struct seeds *s, struct pkt *p)
{
	static const uint16_t types[] = { ETHERTYPE_IPV4, ETHERTYPE_ARP, ETHERTYPE_IPV6,
					  ETHERTYPE_8021Q };
	size_t len = 14 + rng_below(&c->rng, 400), i, keep = 0;

	memset(p, 0, sizeof(*p));
	if (rng_chance(&c->rng, 2)) {
		const struct pkt *seed = &s->p[rng_below(&c->rng, s->n)];

		keep = rng_below(&c->rng, seed->len + 1);
		put_bytes(p, seed->b, keep);
	}
	for (i = keep; i < len; i++)
		put8(p, (uint8_t)rng_next(&c->rng));
	if (keep < 14 && rng_below(&c->rng, 4) < 3)
		set16(p, 12, PICK(&c->rng, types));
	maybe_fit(&c->rng, p);
}

static void fuzz_case_begin(struct fuzz_case *c, const char *name, uint64_t salt)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->seed = fuzz_seed ^ (salt * 0xd1342543de82ef95ULL);
	c->rng.state = c->seed;
}

/* The overlay of the next iteration. */
static void fuzz_case_pick(struct fuzz_case *c)
{
	c->ov = &fuzz_overlays[rng_below(&c->rng, N_OVERLAYS)];
}

/* The L2 overlay of the next iteration, its learned tables emptied now and then. */
static void fuzz_case_pick_l2(struct fuzz_case *c)
{
	size_t o, i;

	if (c->iteration % L2_RESET_EVERY == 0)
		for (o = 0; o < N_L2_OVERLAYS; o++)
			for (i = TEST_PROG_L2_DECAP_TC; i <= TEST_PROG_L2_DECAP_XDP; i++)
				l2_reset(&fuzz_overlays[o].l2[i - TEST_PROG_L2_ENCAP],
					 &l2_models[o][i - TEST_PROG_L2_ENCAP]);
	c->ov = &fuzz_overlays[rng_below(&c->rng, N_L2_OVERLAYS)];
}

static void fuzz_case_report(const struct fuzz_case *c)
{
	int r;

	printf("# %s: %llu iterations, %llu program runs (%llu refused by the kernel):"
	       " pass %llu, drop %llu, redirect %llu, segment %llu; by reason (enum xt_reason):",
	       c->name, (unsigned long long)c->iteration, (unsigned long long)c->runs,
	       (unsigned long long)c->refused, (unsigned long long)c->verdicts[TEST_PASS],
	       (unsigned long long)c->verdicts[TEST_DROP],
	       (unsigned long long)c->verdicts[TEST_REDIRECT],
	       (unsigned long long)c->verdicts[TEST_ACCEPT]);
	for (r = 0; r < XT_REASON_COUNT; r++)
		if (c->reasons[r])
			printf(" %d:%llu", r, (unsigned long long)c->reasons[r]);
	printf("\n");
	fflush(stdout);
}

/* Nothing was ever counted against a peer id other than A's and B's. */
static void fuzz_case_end(struct fuzz_case *c)
{
	size_t o, i;

	for (o = 0; o < N_OVERLAYS; o++) {
		for (i = 0; i < N_PROGS; i++) {
			struct xt_peer_stats others =
				peer_stats_of_others(&fuzz_overlays[o].progs[i].maps);
			char buf[96];

			if (!peer_stats_equal(&others, &(struct xt_peer_stats){}))
				test_fail("%s: %s on %s counted against a peer id that is"
					  " neither A nor B: %s",
					  c->name, prog_names[i], fuzz_overlays[o].name,
					  peer_stats_str(&others, buf, sizeof(buf)));
		}
		for (i = 0; o < N_L2_OVERLAYS && i < N_L2_PROGS; i++) {
			struct xt_peer_stats others =
				peer_stats_of_others(&fuzz_overlays[o].l2[i].maps);
			char buf[96];

			if (!peer_stats_equal(&others, &(struct xt_peer_stats){}))
				test_fail("%s: %s on %s counted against a peer id that is"
					  " neither A nor B: %s",
					  c->name, prog_names[TEST_PROG_L2_ENCAP + i],
					  fuzz_overlays[o].name,
					  peer_stats_str(&others, buf, sizeof(buf)));
		}
	}
	fuzz_case_report(c);
}

/* The L2 programs of a VXLAN or GENEVE overlay: peers A and B as L2 peers; for encap, A's
 * station in the FDB (static), A's host in the neighbour table, B the one flood peer. */
static void l2_group_setup(struct fuzz_overlay *ov, const struct xt_config *cfg)
{
	const uint32_t only_b[] = { TEST_PEER_B_ID };
	struct xt_l2_config l2 = test_l2_config();
	struct test_fixture *enc;
	int i;

	for (i = 0; i < N_L2_PROGS; i++) {
		struct l2_model *t = l2_model_of(ov, TEST_PROG_L2_ENCAP + i);

		fixture_load_l2(&ov->l2[i], TEST_PROG_L2_ENCAP + i, cfg, &l2, 0);
		l2_topology_add(&ov->l2[i].maps, cfg->family);
		memset(t, 0, sizeof(*t));
		if (prog_is_encap(TEST_PROG_L2_ENCAP + i))
			continue;
		memcpy(t->fdb[0].mac, l2_static_mac, 6);
		t->fdb[0].peer = TEST_PEER_A_ID;
		t->fdb[0].stat = true;
		t->n = 1;
		fdb_put(&ov->l2[i].maps, l2_static_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	}
	for (i = 0; i < N_L2_PROGS; i += 3) { /* the two encap programs */
		enc = &ov->l2[i];
		flood_set(&enc->maps, only_b, 1);
		fdb_put(&enc->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
		neigh_put(&enc->maps, TEST_PEER_A_HOST, test_peer_host_mac, XT_L2_PEER_NONE,
			  XT_L2_STATIC, 0);
		neigh_put(&enc->maps, TEST_PEER_A_HOST6, test_peer_host_mac, XT_L2_PEER_NONE,
			  XT_L2_STATIC, 0);
	}
	l2_decap_seeds(&ov->l2[TEST_PROG_L2_DECAP_TC - TEST_PROG_L2_ENCAP], &ov->decap,
		       &ov->l2_decap);
	l2_encap_seeds(&ov->encap, &ov->l2_encap);
}

/* Every program of every overlay, loaded once for all cases: the checks look at what each
 * run adds to the counters, never at their totals. */
static int group_setup(void **state)
{
	size_t o;
	int i;

	model_routes_init();
	for (o = 0; o < N_OVERLAYS; o++) {
		struct fuzz_overlay *ov = &fuzz_overlays[o];
		struct xt_config cfg = test_config_of(ov->overlay);

		for (i = 0; i < N_PROGS; i++) {
			const char *b = test_addrs(cfg.family)->peer_b_endpoint;

			fixture_load(&ov->progs[i], i, &cfg);
			topology_add_on(&ov->progs[i].maps, cfg.family);
			route_add(&ov->progs[i].maps, TEST_MOVED_HOST, 32, TEST_PEER_B_ID, b,
				  TEST_PEER_B_PORT);
			route_add(&ov->progs[i].maps, TEST_MOVED_HOST6, 128, TEST_PEER_B_ID, b,
				  TEST_PEER_B_PORT);
		}
		decap_seeds(&ov->progs[TEST_PROG_DECAP_TC], &ov->decap);
		encap_seeds(&ov->encap);
		if (o < N_L2_OVERLAYS)
			l2_group_setup(ov, &cfg);
	}
	*state = NULL;
	return 0;
}

static int group_teardown(void **state)
{
	size_t o;
	int i;

	(void)state;
	for (o = 0; o < N_OVERLAYS; o++) {
		for (i = 0; i < N_PROGS; i++)
			fixture_destroy(&fuzz_overlays[o].progs[i]);
		for (i = 0; o < N_L2_OVERLAYS && i < N_L2_PROGS; i++)
			fixture_destroy(&fuzz_overlays[o].l2[i]);
	}
	return 0;
}

static void fuzz_decap(struct fuzz_case *c, enum test_prog prog)
{
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;

	c->in = &in;
	for (c->iteration = 0; c->iteration < fuzz_iters; c->iteration++) {
		fuzz_case_pick(c);
		mutated(c, false, &in);
		/* Now and then a GSO skb the kernel cannot shrink: the failure path. */
		c->gso = prog == TEST_PROG_DECAP_TC && rng_chance(&c->rng, 16);
		fuzz_run(c, prog, &out, &v, &reason);
	}
	c->gso = false;
}

static void decap_tc_keeps_invariants_on_mutated_packets(void **state)
{
	struct fuzz_case c;

	(void)state;
	fuzz_case_begin(&c, "decap_tc", 1);
	fuzz_decap(&c, TEST_PROG_DECAP_TC);
	fuzz_case_end(&c);
}

static void decap_xdp_keeps_invariants_on_mutated_packets(void **state)
{
	struct fuzz_case c;

	(void)state;
	fuzz_case_begin(&c, "decap_xdp", 2);
	fuzz_decap(&c, TEST_PROG_DECAP_XDP);
	fuzz_case_end(&c);
}

/* xt_encap and xt_encap_seg on the same frames: mostly sent by the host; now and then
 * routed back out of the overlay, or a GSO packet. */
static void encap_keeps_invariants_on_mutated_frames(void **state)
{
	static const uint32_t ingress[] = { 0, TEST_UPLINK_IFINDEX, TEST_OVERLAY_IFINDEX };
	struct fuzz_case c;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;

	(void)state;
	fuzz_case_begin(&c, "encap", 3);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters; c.iteration++) {
		fuzz_case_pick(&c);
		mutated(&c, true, &in);
		c.ingress_ifindex = rng_chance(&c.rng, 8) ? PICK(&c.rng, ingress) : 0;
		c.gso = rng_chance(&c.rng, 16);
		fuzz_run(&c, TEST_PROG_ENCAP, &out, &v, &reason);
		fuzz_run(&c, TEST_PROG_ENCAP_SEG, &out, &v, &reason);
	}
	c.ingress_ifindex = 0;
	c.gso = false;
	fuzz_case_end(&c);
}

/* One parser, two front ends: whatever one does with a packet, the other does too, byte for
 * byte (but for the inputs only XDP's test run takes). */
static void decap_tc_and_xdp_agree_on_mutated_packets(void **state)
{
	struct fuzz_case c;
	struct pkt in, out_tc, out_xdp;
	enum test_verdict v_tc, v_xdp;
	enum xt_reason r_tc, r_xdp;
	bool ran_tc;

	(void)state;
	fuzz_case_begin(&c, "decap_tc_and_xdp", 4);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters; c.iteration++) {
		fuzz_case_pick(&c);
		mutated(&c, false, &in);
		ran_tc = fuzz_run(&c, TEST_PROG_DECAP_TC, &out_tc, &v_tc, &r_tc);
		if (!fuzz_run(&c, TEST_PROG_DECAP_XDP, &out_xdp, &v_xdp, &r_xdp) || !ran_tc)
			continue;
		if (v_tc != v_xdp || r_tc != r_xdp)
			fuzz_fail(&c, "TC: verdict %d reason %d; XDP: verdict %d reason %d", v_tc,
				  r_tc, v_xdp, r_xdp);
		if (v_tc != TEST_DROP &&
		    (out_tc.len != out_xdp.len || memcmp(out_tc.b, out_xdp.b, out_tc.len)))
			fuzz_fail(&c, "TC and XDP output differ");
	}
	fuzz_case_end(&c);
}

static void every_program_keeps_invariants_on_random_frames(void **state)
{
	struct fuzz_case c;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;
	int prog;

	(void)state;
	fuzz_case_begin(&c, "random_frames", 5);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters; c.iteration++) {
		fuzz_case_pick(&c);
		random_frame(&c, rng_chance(&c.rng, 2) ? &c.ov->decap : &c.ov->encap, &in);
		for (prog = TEST_PROG_ENCAP; prog < N_PROGS; prog++)
			fuzz_run(&c, prog, &out, &v, &reason);
	}
	fuzz_case_end(&c);
}

static void l2_decap_keeps_invariants_on_mutated_packets(void **state)
{
	struct fuzz_case c;
	struct pkt in, out_tc, out_xdp;
	enum test_verdict v_tc, v_xdp;
	enum xt_reason r_tc, r_xdp;
	bool ran_tc;

	(void)state;
	fuzz_case_begin(&c, "l2_decap", 6);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters / L2_SLOWER; c.iteration++) {
		fuzz_case_pick_l2(&c);
		l2_mutated(&c, false, &in);
		ran_tc = l2_fuzz_run(&c, TEST_PROG_L2_DECAP_TC, &out_tc, &v_tc, &r_tc);
		if (!l2_fuzz_run(&c, TEST_PROG_L2_DECAP_XDP, &out_xdp, &v_xdp, &r_xdp) || !ran_tc)
			continue;
		/* One receive side, two front ends: the same verdict and frame. */
		if (v_tc != v_xdp || r_tc != r_xdp)
			fuzz_fail(&c, "TC: verdict %d reason %d; XDP: verdict %d reason %d", v_tc,
				  r_tc, v_xdp, r_xdp);
		if (v_tc != TEST_DROP &&
		    (out_tc.len != out_xdp.len || memcmp(out_tc.b, out_xdp.b, out_tc.len)))
			fuzz_fail(&c, "TC and XDP output differ");
	}
	fuzz_case_end(&c);
}

/* Now and then a GSO skb the kernel cannot shrink: TC fails to strip it, after learning. */
static void l2_decap_tc_keeps_invariants_on_gso_packets(void **state)
{
	struct fuzz_case c;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;

	(void)state;
	fuzz_case_begin(&c, "l2_decap_tc_gso", 7);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters / L2_SLOWER / 4; c.iteration++) {
		fuzz_case_pick_l2(&c);
		l2_mutated(&c, false, &in);
		c.gso = rng_chance(&c.rng, 2);
		l2_fuzz_run(&c, TEST_PROG_L2_DECAP_TC, &out, &v, &reason);
	}
	c.gso = false;
	fuzz_case_end(&c);
}

/* xt_l2_encap and xt_l2_encap_seg on the same frames: mostly sent by the bridge; now and then
 * hairpinned back, or a GSO packet. */
static void l2_encap_keeps_invariants_on_mutated_frames(void **state)
{
	static const uint32_t ingress[] = { 0, TEST_UPLINK_IFINDEX, TEST_OVERLAY_IFINDEX };
	struct fuzz_case c;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;

	(void)state;
	fuzz_case_begin(&c, "l2_encap", 8);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters / L2_SLOWER; c.iteration++) {
		fuzz_case_pick_l2(&c);
		l2_mutated(&c, true, &in);
		c.ingress_ifindex = rng_chance(&c.rng, 8) ? PICK(&c.rng, ingress) : 0;
		c.gso = rng_chance(&c.rng, 16);
		l2_fuzz_run(&c, TEST_PROG_L2_ENCAP, &out, &v, &reason);
		l2_fuzz_run(&c, TEST_PROG_L2_ENCAP_SEG, &out, &v, &reason);
	}
	c.ingress_ifindex = 0;
	c.gso = false;
	fuzz_case_end(&c);
}

static void l2_programs_keep_invariants_on_random_frames(void **state)
{
	struct fuzz_case c;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;
	int prog;

	(void)state;
	fuzz_case_begin(&c, "l2_random_frames", 9);
	c.in = &in;
	for (c.iteration = 0; c.iteration < fuzz_iters / L2_SLOWER; c.iteration++) {
		fuzz_case_pick_l2(&c);
		random_frame(&c, rng_chance(&c.rng, 2) ? &c.ov->l2_decap : &c.ov->l2_encap, &in);
		for (prog = TEST_PROG_L2_ENCAP; prog < TEST_PROG_L2_ENCAP + N_L2_PROGS; prog++)
			l2_fuzz_run(&c, prog, &out, &v, &reason);
	}
	fuzz_case_end(&c);
}

static uint64_t env_u64(const char *name, uint64_t fallback)
{
	const char *s = getenv(name);
	char *end;
	uint64_t v;

	if (!s || !*s)
		return fallback;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "fuzz: %s=%s: not a number\n", name, s);
		exit(2);
	}
	return v;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decap_tc_keeps_invariants_on_mutated_packets),
		cmocka_unit_test(decap_xdp_keeps_invariants_on_mutated_packets),
		cmocka_unit_test(encap_keeps_invariants_on_mutated_frames),
		cmocka_unit_test(decap_tc_and_xdp_agree_on_mutated_packets),
		cmocka_unit_test(every_program_keeps_invariants_on_random_frames),
		cmocka_unit_test(l2_decap_keeps_invariants_on_mutated_packets),
		cmocka_unit_test(l2_decap_tc_keeps_invariants_on_gso_packets),
		cmocka_unit_test(l2_encap_keeps_invariants_on_mutated_frames),
		cmocka_unit_test(l2_programs_keep_invariants_on_random_frames),
	};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fuzz_seed =
		env_u64("XT_FUZZ_SEED", (uint64_t)now.tv_sec * 1000000007ULL ^
						(uint64_t)now.tv_nsec ^ (uint64_t)getpid() << 32);
	fuzz_iters = env_u64("XT_FUZZ_ITERS", FUZZ_DEFAULT_ITERS);
	printf("# XT_FUZZ_SEED=0x%016llx XT_FUZZ_ITERS=%llu (iterations per case)\n",
	       (unsigned long long)fuzz_seed, (unsigned long long)fuzz_iters);
	fflush(stdout);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
