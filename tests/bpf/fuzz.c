// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fuzzing the three programs under BPF_PROG_TEST_RUN: packets that start valid (VXLAN from
 * peers A and B for decap, IPv4 and ARP frames for encap) are mutated: bytes set at random,
 * bits flipped, header fields set to values near their edges, frames cut and grown,
 * headers spliced in from other packets, removed or repeated (VXLAN in VXLAN). After most
 * mutations the outer IPv4 and UDP lengths are made to fit again, so that the packets get
 * past the length check to the rules behind it.
 *
 * Every run is checked, not only for surviving it:
 * - the verdict is one the program may give (TC: TC_ACT_UNSPEC, TC_ACT_SHOT,
 *   TC_ACT_REDIRECT; XDP: XDP_PASS, XDP_DROP, XDP_REDIRECT; encap never passes, it fails
 *   closed: docs/architecture.md);
 * - exactly one reason counter moves, by one, and its kind matches the verdict (pass-*
 *   with a pass, decap or encap with a redirect, drop-* with a drop);
 * - a pass leaves the packet byte for byte; no output is longer than the input plus 50
 *   bytes; decap's output is exactly what follows the outer headers, encap's exactly the
 *   VXLAN packet expected_encap builds around the input;
 * - what decap delivers has a source (IPv4 source, ARP sender) within the sending peer's
 *   allowed-ips;
 * - per-peer counters: rx only on a decap redirect and only the sender's, tx only on an
 *   encap redirect and only the routed peer's, drops by at most one and only the sender's;
 *   no other peer id ever counts anything;
 * - the verdict and reason are those of the documented decision table (the decap table of
 *   docs/architecture.md, COUNTERS in docs/xtunnel.8), which model_decap and model_encap
 *   below restate on the packet's bytes.
 *
 * Every case runs XT_FUZZ_ITERS iterations (default FUZZ_DEFAULT_ITERS) from a seed printed
 * at the start; XT_FUZZ_SEED=<that seed> replays the same packets. `make fuzz` runs
 * 2,000,000 iterations per case.
 */
#include <time.h>
#include <unistd.h>
#include "harness.h"

#define FUZZ_DEFAULT_ITERS 50000 /* about 8 s for the whole binary on 2 cores */
#define FUZZ_MAX_LEN 1600	 /* well inside what XDP's test run takes in one piece (3520) */
#define TEST_MOVED_HOST "10.10.2.200" /* inside peer A's /24, moved to peer B */

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

static uint64_t fuzz_seed, fuzz_iters;

/* The overlay as the programs see it: topology_add's two peers with their /24s, and one
 * address of A's /24 moved to B, so that the longest match decides. */
struct model_route {
	const char *prefix;
	uint32_t prefixlen;
	uint32_t peer_id;
	const char *endpoint;
	uint16_t port;
};

static const struct model_route model_routes[] = {
	{ TEST_PEER_A_PREFIX, 24, TEST_PEER_A_ID, TEST_PEER_A_ENDPOINT, TEST_PEER_A_PORT },
	{ TEST_PEER_B_PREFIX, 24, TEST_PEER_B_ID, TEST_PEER_B_ENDPOINT, TEST_PEER_B_PORT },
	{ TEST_MOVED_HOST, 32, TEST_PEER_B_ID, TEST_PEER_B_ENDPOINT, TEST_PEER_B_PORT },
};

#define N_ROUTES (sizeof(model_routes) / sizeof(model_routes[0]))

static uint32_t addr_of(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
}

static uint32_t addr_parse(const char *dotted)
{
	uint8_t a[4];

	ipv4_bytes(dotted, a);
	return addr_of(a);
}

static const struct model_route *model_route_lookup(const uint8_t *addr)
{
	const struct model_route *best = NULL;
	uint32_t a = addr_of(addr);
	size_t i;

	for (i = 0; i < N_ROUTES; i++) {
		const struct model_route *r = &model_routes[i];
		uint32_t mask = r->prefixlen ? ~0u << (32 - r->prefixlen) : 0;

		if ((a & mask) == (addr_parse(r->prefix) & mask) &&
		    (!best || r->prefixlen > best->prefixlen))
			best = r;
	}
	return best;
}

static uint32_t model_peer_of(const uint8_t *endpoint)
{
	if (addr_of(endpoint) == addr_parse(TEST_PEER_A_ENDPOINT))
		return TEST_PEER_A_ID;
	if (addr_of(endpoint) == addr_parse(TEST_PEER_B_ENDPOINT))
		return TEST_PEER_B_ID;
	return 0;
}

/* What the documented rules make of a packet. */
struct model_out {
	enum test_verdict verdict;
	enum xt_reason reason;
	uint32_t sender;  /* decap: the peer the outer source belongs to, once looked up */
	bool peer_drop;	  /* decap: the drop is held against the sender */
	size_t outer_len; /* decap: bytes in front of the inner Ethernet header */
	const struct model_route *route; /* encap: where the frame goes */
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
	if (prog == TEST_PROG_DECAP_XDP)
		return false;
	type = get16(in, 12);
	return (type == ETHERTYPE_IPV4 && in->len < 14 + 20) ||
	       (type == ETHERTYPE_IPV6 && in->len < 14 + 40);
}

/* The decap table of docs/architecture.md, row by row; gso: the skb claims GSO segments of
 * no known type, which bpf_skb_adjust_room refuses to shrink (see decap.c). */
static struct model_out model_decap(const struct pkt *in, bool gso)
{
	const uint8_t *b = in->b;
	struct model_out m = {};
	size_t len = in->len, ihl, udp, inner;
	const struct model_route *route;
	uint32_t ip_len, vni;
	const uint8_t *src;
	uint16_t type;
	uint8_t local[4];

	ipv4_bytes(TEST_LOCAL, local);
	if (len < 14 || get16(in, 12) != ETHERTYPE_IPV4)
		return model_pass(XT_PASS_NOT_IP);
	if (len < 34 || b[OFF_IP] >> 4 != 4 || (b[OFF_IP] & 0x0f) < 5)
		return model_pass(XT_PASS_NOT_IP);
	if (b[OFF_IP + 9] != IP_PROTO_UDP)
		return model_pass(XT_PASS_OTHER_PROTO);
	if (memcmp(b + OFF_IP + 16, local, 4))
		return model_pass(XT_PASS_NOT_LOCAL);
	if (get16(in, OFF_IP_FRAG) & 0x3fff)
		return model_pass(XT_PASS_FRAGMENT);
	ihl = (b[OFF_IP] & 0x0f) * 4;
	udp = OFF_IP + ihl;
	if (len < udp + 8)
		return model_pass(XT_PASS_OTHER_PROTO);
	if (get16(in, udp + 2) != TEST_PORT)
		return model_pass(XT_PASS_OTHER_PORT);
	if (len < udp + 16)
		return model_drop(XT_DROP_MALFORMED);
	/* A total length of 0 stands for the frame's length only above 64 KiB (BIG TCP). */
	ip_len = get16(in, OFF_IP_TOT_LEN);
	if (ip_len == 0 && len - 14 > 0xffff)
		ip_len = len - 14;
	if (ip_len != len - 14 || (long)get16(in, udp + 4) != (long)ip_len - (long)ihl)
		return model_drop(XT_DROP_MALFORMED);
	if (!(b[udp + 8] & VXLAN_FLAG_I))
		return model_drop(XT_DROP_VXLAN_FLAGS);
	vni = (uint32_t)b[udp + 12] << 16 | b[udp + 13] << 8 | b[udp + 14];
	if (vni != TEST_VNI)
		return model_pass(XT_PASS_OTHER_VNI);
	m.sender = model_peer_of(b + OFF_IP + 12);
	if (!m.sender)
		return model_pass(XT_PASS_UNKNOWN_PEER);
	inner = udp + 16;
	m.outer_len = inner;
	if (len < inner + 14)
		return model_peer_drop(m, XT_DROP_MALFORMED);
	type = get16(in, inner + 12);
	if (type == ETHERTYPE_IPV4) {
		if (len < inner + 14 + 20 || b[inner + 14] >> 4 != 4)
			return model_peer_drop(m, XT_DROP_MALFORMED);
		src = b + inner + 14 + 12;
	} else if (type == ETHERTYPE_ARP) {
		if (len < inner + 14 + 28)
			return model_peer_drop(m, XT_DROP_MALFORMED);
		src = b + inner + 14 + 14;
	} else {
		return model_peer_drop(m, XT_DROP_INNER_PROTO);
	}
	route = model_route_lookup(src);
	if (!route || route->peer_id != m.sender)
		return model_peer_drop(m, XT_DROP_SPOOFED);
	if (gso)
		return model_peer_drop(m, XT_DROP_DECAP_FAILED);
	m.verdict = TEST_REDIRECT;
	m.reason = XT_OK_DECAP;
	return m;
}

/* xt_encap's rules: docs/architecture.md (Encapsulation) and COUNTERS. */
static struct model_out model_encap(const struct pkt *in, uint32_t ingress_ifindex)
{
	struct model_out m = {};
	uint16_t type;

	if (ingress_ifindex == TEST_OVERLAY_IFINDEX)
		return model_drop(XT_DROP_RELAY);
	if (in->len < 14)
		return model_drop(XT_DROP_MALFORMED);
	type = get16(in, 12);
	if (type == ETHERTYPE_IPV4) {
		if (in->len < 14 + 20)
			return model_drop(XT_DROP_MALFORMED);
		m.route = model_route_lookup(in->b + 14 + 16);
	} else if (type == ETHERTYPE_ARP) {
		if (in->len < 14 + 28 || get16(in, 14) != 1 || get16(in, 16) != ETHERTYPE_IPV4 ||
		    in->b[18] != 6 || in->b[19] != 4)
			return model_drop(XT_DROP_MALFORMED);
		m.route = model_route_lookup(in->b + 14 + 24);
	} else {
		return model_drop(XT_DROP_INNER_PROTO);
	}
	if (!m.route)
		return model_drop(XT_DROP_NO_ROUTE);
	m.verdict = TEST_REDIRECT;
	m.reason = XT_OK_ENCAP;
	return m;
}

/* One fuzz case: the programs it runs, what it has seen, and how to name a failure. */
struct fuzz_case {
	struct test_fixture progs[3]; /* indexed by enum test_prog */
	const char *name;
	struct rng rng;
	uint64_t seed, iteration, runs, refused;
	uint64_t verdicts[3], reasons[XT_REASON_COUNT];
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
	printf("# %s: iteration %llu of seed XT_FUZZ_SEED=0x%016llx (case seed 0x%016llx)", c->name,
	       (unsigned long long)c->iteration, (unsigned long long)fuzz_seed,
	       (unsigned long long)c->seed);
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
};

static enum test_verdict verdict_of(const struct fuzz_case *c, const struct test_fixture *f,
				    int code)
{
	if (code == verdict_code(f, TEST_PASS) && f->prog != TEST_PROG_ENCAP)
		return TEST_PASS;
	if (code == verdict_code(f, TEST_DROP))
		return TEST_DROP;
	if (code == verdict_code(f, TEST_REDIRECT))
		return TEST_REDIRECT;
	fuzz_fail(c, "%s returned %d, not a verdict it may give", prog_names[f->prog], code);
	return TEST_DROP;
}

static bool reason_fits(enum test_prog prog, enum test_verdict v, enum xt_reason r)
{
	switch (v) {
	case TEST_PASS:
		return r >= XT_PASS_NOT_IP && r <= XT_PASS_UNKNOWN_PEER;
	case TEST_REDIRECT:
		return r == (prog == TEST_PROG_ENCAP ? XT_OK_ENCAP : XT_OK_DECAP);
	case TEST_DROP:
		if (prog == TEST_PROG_ENCAP)
			return r == XT_DROP_MALFORMED || r == XT_DROP_INNER_PROTO ||
			       r == XT_DROP_NO_ROUTE || r == XT_DROP_RELAY ||
			       r == XT_DROP_ENCAP_FAILED;
		return r == XT_DROP_MALFORMED || r == XT_DROP_VXLAN_FLAGS || r == XT_DROP_SPOOFED ||
		       r == XT_DROP_INNER_PROTO || r == XT_DROP_DECAP_FAILED;
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

	for (i = 0; i < 2; i++) {
		struct xt_peer_stats d = peer_stats_delta(stats_of(after, ids[i]),
							  stats_of(before, ids[i])),
				     want = {};
		char got[96], exp[96];

		if (prog == TEST_PROG_ENCAP) {
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
	}
}

/* The decapsulated frame's source, within the sender's allowed-ips. */
static void check_delivered_source(const struct fuzz_case *c, const struct pkt *out,
				   uint32_t sender)
{
	const struct model_route *route = NULL;
	uint16_t type = out->len >= 14 ? get16(out, 12) : 0;

	if (type == ETHERTYPE_IPV4 && out->len >= 14 + 20)
		route = model_route_lookup(out->b + 14 + 12);
	else if (type == ETHERTYPE_ARP && out->len >= 14 + 28)
		route = model_route_lookup(out->b + 14 + 14);
	else
		fuzz_fail(c, "delivered a frame of type 0x%04x, %zu bytes", type, out->len);
	if (!sender || !route || route->peer_id != sender)
		fuzz_fail(c, "delivered a frame whose source belongs to peer %u, sent by %u",
			  route ? route->peer_id : 0, sender);
}

/* Run c->in through one program and check every invariant; the output is left in *out.
 * Returns false if the kernel refused the input. */
static bool fuzz_run(struct fuzz_case *c, enum test_prog prog, struct pkt *out,
		     enum test_verdict *verdict, enum xt_reason *reason)
{
	const struct test_fixture *f = &c->progs[prog];
	struct __sk_buff skb = {};
	struct test_counters before, after;
	const struct pkt *in = c->in;
	struct model_out m;
	uint64_t moved = 0;
	enum test_verdict v;
	int code, err, r;
	bool use_skb = prog != TEST_PROG_DECAP_XDP && (c->gso || c->ingress_ifindex);

	if (prog == TEST_PROG_ENCAP) {
		skb.ingress_ifindex = c->ingress_ifindex;
		m = model_encap(in, c->ingress_ifindex);
	} else {
		if (c->gso && prog == TEST_PROG_DECAP_TC) {
			skb.gso_segs = 2;
			skb.gso_size = 64;
		}
		m = model_decap(in, c->gso && prog == TEST_PROG_DECAP_TC);
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
	if (out->len > in->len + 50)
		fuzz_fail(c, "%s: output of %zu bytes from %zu", prog_names[prog], out->len,
			  in->len);
	if (v == TEST_PASS && (out->len != in->len || memcmp(out->b, in->b, in->len)))
		fuzz_fail(c, "%s: passed, but changed the packet", prog_names[prog]);
	if (v == TEST_REDIRECT && prog != TEST_PROG_ENCAP) {
		size_t outer = OFF_IP + (in->b[OFF_IP] & 0x0f) * 4 + 16;

		if (out->len != in->len - outer || memcmp(out->b, in->b + outer, out->len))
			fuzz_fail(c,
				  "%s: delivered %zu bytes that are not the %zu behind %zu bytes"
				  " of outer headers",
				  prog_names[prog], out->len, in->len - outer, outer);
		check_delivered_source(c, out, model_peer_of(in->b + OFF_IP + 12));
	}
	if (v != m.verdict || *reason != m.reason)
		fuzz_fail(c, "%s: verdict %d reason %d; the documented rules say %s, reason %d",
			  prog_names[prog], code, *reason,
			  m.verdict == TEST_PASS   ? "pass"
			  : m.verdict == TEST_DROP ? "drop"
						   : "redirect",
			  m.reason);
	if (v == TEST_REDIRECT && prog == TEST_PROG_ENCAP) {
		struct pkt expected = {};
		uint16_t sport = get16(out, OFF_UDP);

		if (sport < 49152)
			fuzz_fail(c, "xt_encap: UDP source port %u outside 49152-65535", sport);
		expected_encap(&expected, m.route->endpoint, m.route->port, sport, in);
		if (out->len != expected.len || memcmp(out->b, expected.b, out->len))
			fuzz_fail(c,
				  "xt_encap: sent %zu bytes that are not the VXLAN packet for"
				  " %s:%u",
				  out->len, m.route->endpoint, m.route->port);
	}
	check_peer_counters(c, prog, &before, &after, v, &m, in, out);
	c->verdicts[v]++;
	c->reasons[*reason]++;
	*verdict = v;
	return true;
}

/* Packets to start from. */
struct seeds {
	struct pkt p[8];
	size_t n;
};

static struct pkt *seed_next(struct seeds *s)
{
	assert_true(s->n < sizeof(s->p) / sizeof(s->p[0]));
	memset(&s->p[s->n], 0, sizeof(s->p[0]));
	return &s->p[s->n++];
}

static void decap_seeds(struct seeds *s)
{
	static const uint8_t router_alert[4] = { 0x94, 0x04, 0x00, 0x00 };
	struct pkt inner = {}, big = {}, nested_inner = {}, nested = {};
	struct ipv4_fields ip = inner_ipv4_fields(TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	struct vxlan_fields vx;

	s->n = 0;
	put_valid_from_peer_a(seed_next(s), &inner);
	memset(&inner, 0, sizeof(inner));
	put_arp_request_frame(&inner, test_peer_host_mac, TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	vx = from_peer_a(&inner);
	put_vxlan_packet(seed_next(s), &vx);

	memset(&inner, 0, sizeof(inner));
	inner_ipv4_from(&inner, TEST_PEER_B_HOST);
	vx = from_peer_a(&inner);
	vx.ip.saddr = TEST_PEER_B_ENDPOINT;
	put_vxlan_packet(seed_next(s), &vx);

	memset(&inner, 0, sizeof(inner));
	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.options = router_alert;
	vx.ip.options_len = sizeof(router_alert);
	put_vxlan_packet(seed_next(s), &vx);

	put_inner_udp_frame(&big, test_local_host_mac, test_peer_host_mac, &ip, 400);
	vx = from_peer_a(&big);
	put_vxlan_packet(seed_next(s), &vx);

	inner_ipv4_from(&nested_inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&nested_inner);
	vx.ip.saddr = TEST_PEER_A_HOST;
	vx.ip.daddr = TEST_LOCAL_HOST;
	put_vxlan_packet(&nested, &vx);
	vx = from_peer_a(&nested);
	put_vxlan_packet(seed_next(s), &vx);

	memset(&inner, 0, sizeof(inner));
	put_arp_request_frame(&inner, test_peer_host_mac, TEST_MOVED_HOST, TEST_LOCAL_HOST);
	vx = from_peer_a(&inner);
	put_vxlan_packet(seed_next(s), &vx);
}

static void encap_seeds(struct seeds *s)
{
	static const char *const to[] = { TEST_PEER_A_HOST, TEST_PEER_B_HOST, TEST_MOVED_HOST,
					  TEST_UNROUTED_HOST };
	uint8_t ipv6[40] = { 0x60 };
	size_t i;

	s->n = 0;
	for (i = 0; i < sizeof(to) / sizeof(to[0]); i++)
		put_inner_ipv4_frame(seed_next(s), test_peer_host_mac, test_local_host_mac,
				     TEST_LOCAL_HOST, to[i]);
	put_arp_request_frame(seed_next(s), test_local_host_mac, TEST_LOCAL_HOST, to[0]);
	put_arp_request_frame(seed_next(s), test_local_host_mac, TEST_LOCAL_HOST, to[2]);
	put_eth(seed_next(s), test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV6);
	put_bytes(&s->p[s->n - 1], ipv6, sizeof(ipv6));
}

/* Values near the edges of what each field may hold, and the ones the rules look for. */
static uint16_t interesting16(struct rng *r, const struct pkt *p)
{
	const uint16_t values[] = { 0,
				    1,
				    7,
				    8,
				    19,
				    20,
				    0x7fff,
				    0x8000,
				    0xffff,
				    TEST_PORT,
				    TEST_PEER_A_PORT,
				    ETHERTYPE_IPV4,
				    ETHERTYPE_ARP,
				    ETHERTYPE_IPV6,
				    ETHERTYPE_8021Q,
				    IP_FLAG_DF,
				    IP_FLAG_MF,
				    (uint16_t)(p->len - 14),
				    (uint16_t)(p->len - 13),
				    (uint16_t)(p->len - 15),
				    (uint16_t)(p->len - 34),
				    (uint16_t)(p->len - 38) };

	return values[rng_below(r, sizeof(values) / sizeof(values[0]))];
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

	ipv4_bytes(addrs[rng_below(r, sizeof(addrs) / sizeof(addrs[0]))], out);
}

/* Fields worth aiming at, as offsets from the start of a header that mutate_field finds in
 * the packet as it is now (the outer IPv4 header length may have changed). */
enum field_kind { F8, F16, FADDR, FVNI };

struct field {
	int base; /* 0: frame, 1: outer IPv4, 2: UDP, 3: inner Ethernet, 4: inner IPv4/ARP */
	size_t off;
	enum field_kind kind;
};

static const struct field decap_fields[] = {
	{ 0, 12, F16 },	  { 1, 0, F8 },	    { 1, 2, F16 },    { 1, 6, F16 },  { 1, 9, F8 },
	{ 1, 12, FADDR }, { 1, 16, FADDR }, { 2, 2, F16 },    { 2, 4, F16 },  { 2, 8, F8 },
	{ 2, 9, F8 },	  { 2, 12, FVNI },  { 2, 15, F8 },    { 3, 12, F16 }, { 4, 0, F8 },
	{ 4, 12, FADDR }, { 4, 14, FADDR }, { 4, 16, FADDR }, { 4, 4, F8 },   { 4, 2, F16 },
};

static const struct field encap_fields[] = {
	{ 0, 12, F16 },	  { 3, 0, F8 },	    { 3, 16, FADDR }, { 3, 12, FADDR },
	{ 3, 0, F16 },	  { 3, 2, F16 },    { 3, 4, F8 },     { 3, 5, F8 },
	{ 3, 14, FADDR }, { 3, 24, FADDR }, { 3, 6, F16 },    { 3, 9, F8 },
};

static size_t header_start(const struct pkt *p, int base, bool encap)
{
	size_t ihl = p->len > OFF_IP ? (p->b[OFF_IP] & 0x0f) * 4 : 20;

	if (encap)
		return base == 0 ? 0 : 14; /* the frame's own Ethernet and what follows */
	switch (base) {
	case 1:
		return OFF_IP;
	case 2:
		return OFF_IP + ihl;
	case 3:
		return OFF_IP + ihl + 16;
	case 4:
		return OFF_IP + ihl + 16 + 14;
	}
	return 0;
}

static void mutate_field(struct rng *r, struct pkt *p, bool encap)
{
	const struct field *fields = encap ? encap_fields : decap_fields;
	size_t n = encap ? sizeof(encap_fields) / sizeof(encap_fields[0])
			 : sizeof(decap_fields) / sizeof(decap_fields[0]);
	const struct field *f = &fields[rng_below(r, n)];
	size_t at = header_start(p, f->base, encap) + f->off;
	static const uint8_t values8[] = { 0,	 1,    4,    6,	   8,	 17,   0x40,
					   0x44, 0x45, 0x46, 0x4f, 0x65, 0x7f, 0xff };
	uint32_t vni;

	switch (f->kind) {
	case F8:
		if (at < p->len)
			p->b[at] = rng_chance(r, 4) ? (uint8_t)rng_next(r)
						    : values8[rng_below(r, sizeof(values8))];
		break;
	case F16:
		if (at + 2 <= p->len)
			set16(p, at, interesting16(r, p));
		break;
	case FADDR:
		if (at + 4 <= p->len)
			interesting_addr(r, p->b + at);
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

/* Where headers begin in the seeds, for splices that keep them whole. */
static const size_t boundaries[] = { 0, 12, 14, 34, 38, 42, 50, 64, 84, 92 };

static size_t boundary(struct rng *r, size_t below)
{
	size_t b;

	do
		b = boundaries[rng_below(r, sizeof(boundaries) / sizeof(boundaries[0]))];
	while (b > below);
	return b;
}

static void mutate_once(struct rng *r, struct pkt *p, const struct seeds *s, bool encap)
{
	const struct pkt *other = &s->p[rng_below(r, s->n)];
	uint8_t bytes[64];
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
		mutate_field(r, p, encap);
		break;
	case 4: /* cut short, mostly not inside the Ethernet header (the kernel refuses) */
		if (p->len <= 14 || rng_chance(r, 16))
			pkt_cut(p, rng_below(r, p->len + 1));
		else
			pkt_cut(p, 14 + rng_below(r, p->len - 13));
		break;
	case 5: /* grown: random bytes or zero padding at the end */
		n = 1 + rng_below(r, sizeof(bytes));
		for (i = 0; i < n; i++)
			bytes[i] = rng_chance(r, 2) ? 0 : (uint8_t)rng_next(r);
		if (p->len + n <= FUZZ_MAX_LEN)
			put_bytes(p, bytes, n);
		break;
	case 6: /* a header of another packet spliced over the same place */
		at = boundary(r, p->len);
		n = 4 + rng_below(r, 28);
		if (at + n <= p->len && at + n <= other->len)
			memcpy(p->b + at, other->b + at, n);
		break;
	case 7: /* a piece of another packet inserted at a header boundary */
		at = boundary(r, p->len);
		i = boundary(r, other->len);
		n = 1 + rng_below(r, 50);
		if (i + n <= other->len && p->len + n <= FUZZ_MAX_LEN)
			pkt_insert(p, at, other->b + i, n);
		break;
	case 8: /* a header removed */
		at = boundary(r, p->len);
		n = (size_t[]){ 1, 4, 8, 14, 20, 28 }[rng_below(r, 6)];
		if (at + n <= p->len) {
			memmove(p->b + at, p->b + at + n, p->len - at - n);
			p->len -= n;
		}
		break;
	case 9: /* VXLAN in VXLAN: the outer headers repeated behind themselves */
		n = OFF_INNER;
		if (!encap && p->len >= n && p->len + n <= FUZZ_MAX_LEN) {
			memcpy(bytes, p->b, n);
			pkt_insert(p, n, bytes, n);
		}
		break;
	}
}

/* Outer lengths made to fit, if the packet still has room for them. */
static void maybe_fit(struct rng *r, struct pkt *p)
{
	size_t ihl;

	if (p->len < OFF_UDP || get16(p, 12) != ETHERTYPE_IPV4)
		return;
	ihl = (p->b[OFF_IP] & 0x0f) * 4;
	if (ihl < 20 || OFF_IP + ihl + 8 > p->len)
		return;
	if (rng_below(r, 4) < 3)
		outer_lengths_fit(p);
	else if (rng_chance(r, 2))
		outer_ipv4_checksum_update(p);
}

static void mutated(struct fuzz_case *c, const struct seeds *s, bool encap, struct pkt *p)
{
	unsigned int k, rounds = 1 + rng_below(&c->rng, 4);

	*p = s->p[rng_below(&c->rng, s->n)];
	for (k = 0; k < rounds; k++)
		mutate_once(&c->rng, p, s, encap);
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
		set16(p, 12, types[rng_below(&c->rng, 4)]);
	maybe_fit(&c->rng, p);
}

static void fuzz_case_begin(struct fuzz_case *c, const char *name, uint64_t salt)
{
	c->name = name;
	c->seed = fuzz_seed ^ (salt * 0xd1342543de82ef95ULL);
	c->rng.state = c->seed;
}

static void fuzz_case_report(const struct fuzz_case *c)
{
	int r;

	printf("# %s: %llu iterations, %llu program runs (%llu refused by the kernel):"
	       " pass %llu, drop %llu, redirect %llu; by reason (enum xt_reason):",
	       c->name, (unsigned long long)c->iteration, (unsigned long long)c->runs,
	       (unsigned long long)c->refused, (unsigned long long)c->verdicts[TEST_PASS],
	       (unsigned long long)c->verdicts[TEST_DROP],
	       (unsigned long long)c->verdicts[TEST_REDIRECT]);
	for (r = 0; r < XT_REASON_COUNT; r++)
		if (c->reasons[r])
			printf(" %d:%llu", r, (unsigned long long)c->reasons[r]);
	printf("\n");
	fflush(stdout);
}

/* Nothing was ever counted against a peer id other than A's and B's. */
static void fuzz_case_end(struct fuzz_case *c)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		struct xt_peer_stats others = peer_stats_of_others(&c->progs[i].maps);
		char buf[96];

		if (!peer_stats_equal(&others, &(struct xt_peer_stats){}))
			test_fail("%s: %s counted against a peer id that is neither A nor B: %s",
				  c->name, prog_names[i],
				  peer_stats_str(&others, buf, sizeof(buf)));
	}
	fuzz_case_report(c);
}

static int setup(void **state)
{
	struct fuzz_case *c = calloc(1, sizeof(*c));
	struct xt_config cfg = test_config();
	int i;

	assert_non_null(c);
	for (i = TEST_PROG_ENCAP; i <= TEST_PROG_DECAP_XDP; i++) {
		fixture_load(&c->progs[i], i, &cfg);
		topology_add(&c->progs[i].maps);
		route_add(&c->progs[i].maps, TEST_MOVED_HOST, 32, TEST_PEER_B_ID,
			  TEST_PEER_B_ENDPOINT, TEST_PEER_B_PORT);
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct fuzz_case *c = *state;
	int i;

	for (i = TEST_PROG_ENCAP; i <= TEST_PROG_DECAP_XDP; i++)
		fixture_destroy(&c->progs[i]);
	free(c);
	return 0;
}

static void fuzz_decap(struct fuzz_case *c, enum test_prog prog)
{
	struct seeds s;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;

	decap_seeds(&s);
	c->in = &in;
	for (c->iteration = 0; c->iteration < fuzz_iters; c->iteration++) {
		mutated(c, &s, false, &in);
		/* Now and then a GSO skb the kernel cannot shrink: the failure path. */
		c->gso = prog == TEST_PROG_DECAP_TC && rng_chance(&c->rng, 16);
		fuzz_run(c, prog, &out, &v, &reason);
	}
	c->gso = false;
}

static void decap_tc_keeps_invariants_on_mutated_vxlan(void **state)
{
	struct fuzz_case *c = *state;

	fuzz_case_begin(c, "decap_tc", 1);
	fuzz_decap(c, TEST_PROG_DECAP_TC);
	fuzz_case_end(c);
}

static void decap_xdp_keeps_invariants_on_mutated_vxlan(void **state)
{
	struct fuzz_case *c = *state;

	fuzz_case_begin(c, "decap_xdp", 2);
	fuzz_decap(c, TEST_PROG_DECAP_XDP);
	fuzz_case_end(c);
}

static void encap_keeps_invariants_on_mutated_frames(void **state)
{
	static const uint32_t ingress[] = { 0, TEST_UPLINK_IFINDEX, TEST_OVERLAY_IFINDEX };
	struct fuzz_case *c = *state;
	struct seeds s;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;

	fuzz_case_begin(c, "encap", 3);
	encap_seeds(&s);
	c->in = &in;
	for (c->iteration = 0; c->iteration < fuzz_iters; c->iteration++) {
		mutated(c, &s, true, &in);
		/* Mostly sent by the host; now and then routed back out of the overlay. */
		c->ingress_ifindex = rng_chance(&c->rng, 8) ? ingress[rng_below(&c->rng, 3)] : 0;
		fuzz_run(c, TEST_PROG_ENCAP, &out, &v, &reason);
	}
	c->ingress_ifindex = 0;
	fuzz_case_end(c);
}

/* One parser, two front ends: whatever one does with a packet, the other does too, byte for
 * byte (but for the inputs only XDP's test run takes). */
static void decap_tc_and_xdp_agree_on_mutated_vxlan(void **state)
{
	struct fuzz_case *c = *state;
	struct seeds s;
	struct pkt in, out_tc, out_xdp;
	enum test_verdict v_tc, v_xdp;
	enum xt_reason r_tc, r_xdp;
	bool ran_tc;

	fuzz_case_begin(c, "decap_tc_and_xdp", 4);
	decap_seeds(&s);
	c->in = &in;
	for (c->iteration = 0; c->iteration < fuzz_iters; c->iteration++) {
		mutated(c, &s, false, &in);
		ran_tc = fuzz_run(c, TEST_PROG_DECAP_TC, &out_tc, &v_tc, &r_tc);
		if (!fuzz_run(c, TEST_PROG_DECAP_XDP, &out_xdp, &v_xdp, &r_xdp) || !ran_tc)
			continue;
		if (v_tc != v_xdp || r_tc != r_xdp)
			fuzz_fail(c, "TC: verdict %d reason %d; XDP: verdict %d reason %d", v_tc,
				  r_tc, v_xdp, r_xdp);
		if (v_tc != TEST_DROP &&
		    (out_tc.len != out_xdp.len || memcmp(out_tc.b, out_xdp.b, out_tc.len)))
			fuzz_fail(c, "TC and XDP output differ");
	}
	fuzz_case_end(c);
}

static void every_program_keeps_invariants_on_random_frames(void **state)
{
	struct fuzz_case *c = *state;
	struct seeds decap, encap;
	struct pkt in, out;
	enum test_verdict v;
	enum xt_reason reason;
	int prog;

	fuzz_case_begin(c, "random_frames", 5);
	decap_seeds(&decap);
	encap_seeds(&encap);
	c->in = &in;
	for (c->iteration = 0; c->iteration < fuzz_iters; c->iteration++) {
		random_frame(c, rng_chance(&c->rng, 2) ? &decap : &encap, &in);
		for (prog = TEST_PROG_ENCAP; prog <= TEST_PROG_DECAP_XDP; prog++)
			fuzz_run(c, prog, &out, &v, &reason);
	}
	fuzz_case_end(c);
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
		cmocka_unit_test_setup_teardown(decap_tc_keeps_invariants_on_mutated_vxlan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(decap_xdp_keeps_invariants_on_mutated_vxlan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(encap_keeps_invariants_on_mutated_frames, setup,
						teardown),
		cmocka_unit_test_setup_teardown(decap_tc_and_xdp_agree_on_mutated_vxlan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(every_program_keeps_invariants_on_random_frames,
						setup, teardown),
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
	return cmocka_run_group_tests(tests, NULL, NULL);
}
