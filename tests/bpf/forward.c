// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The forwarding path (`forward-from`, bpf/fwd.h) with a real FIB: each test builds a
 * gateway in a network namespace of its own (netns.h), every next hop's MAC known, and runs
 * the programs with BPF_PROG_TEST_RUN in it, so that bpf_fib_lookup answers as it does on a
 * gateway.
 *
 *   LAN host 10.1.0.2 --- la [gateway] xt0 (10.99.0.1) ~~ far gateway 10.99.0.2 --- 10.2.0.0/24
 *                                      ua (198.51.100.1) --- peer A's uplink 198.51.100.2
 *
 * (fd01::/64, fd99::/64, fd02::/64 and 2001:db8:51::/64 the same in IPv6.) Peer A owns the
 * far LAN. What the LAN host sends to the far LAN is encapsulated by xt_fwd_xdp on la, one
 * hop less, with the MACs the FIB gives; what peer A sends to the LAN host is sent out of
 * la by decap, one hop less. A packet whose TTL (hop limit) would not survive the hop, or
 * that carries IPv4 options, is the kernel's: it answers "time exceeded" (RFC 792, RFC 4443
 * section 3.3) and processes options, which the fast path does not.
 */
#define _GNU_SOURCE /* unshare(2), for netns.h */
#include "harness.h"
#include "netns.h"

#define LAN_HOST "10.1.0.2"
#define LAN_HOST6 "fd01::2"
#define FAR_HOST "10.2.0.2"
#define FAR_HOST6 "fd02::2"

static const uint8_t mac_la[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x01 };
static const uint8_t mac_lan_host[6] = { 0x02, 0x00, 0x00, 0x01, 0x00, 0x02 };
static const uint8_t mac_xt0[6] = { 0x02, 0x00, 0x00, 0x99, 0x00, 0x01 };
static const uint8_t mac_far_gateway[6] = { 0x02, 0x00, 0x00, 0x99, 0x00, 0x02 };

static const char *mac_text(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* The gateway above, in a namespace of the test's own; the underlay of family. */
static void gateway_build(uint8_t family)
{
	const struct test_addrs *u = test_addrs(family);
	char m1[18], m2[18];

	netns_private();
	sh("ip link add la address %s type veth peer name lh", mac_text(mac_la, m1));
	sh("ip link add xt0 address %s type veth peer name xt0p", mac_text(mac_xt0, m1));
	sh("ip link add ua address %s type veth peer name ub", mac_text(test_uplink_mac, m1));
	/* la alone on the link-local network, as on a gateway: lh stands for the LAN host's
	 * end, xt0p is the overlay's hidden end, which carries no IPv6, and the overlay device
	 * has no link-local address (loader/attach.c), so none of them has a route to
	 * fe80::/64. */
	sh("for d in lh xt0 xt0p; do ip link set $d addrgenmode none || exit 1; done");
	sh("for d in la lh xt0 xt0p ua ub; do ip link set $d up || exit 1; done");
	sh("ip addr add 10.1.0.1/24 dev la && ip addr add fd01::1/64 dev la nodad");
	sh("ip addr add 10.99.0.1/24 dev xt0 && ip addr add fd99::1/64 dev xt0 nodad");
	sh("ip addr add %s/%s dev ua", u->local, family == XT_FAMILY_V6 ? "64 nodad" : "24");
	sh("ip route add 10.2.0.0/24 via 10.99.0.2 dev xt0 && "
	   "ip route add fd02::/64 via fd99::2 dev xt0");
	mac_text(mac_far_gateway, m1);
	mac_text(mac_lan_host, m2);
	sh("ip neigh add 10.99.0.2 lladdr %s dev xt0 nud permanent && "
	   "ip neigh add fd99::2 lladdr %s dev xt0 nud permanent && "
	   "ip neigh add %s lladdr %s dev la nud permanent && "
	   "ip neigh add %s lladdr %s dev la nud permanent",
	   m1, m1, LAN_HOST, m2, LAN_HOST6, m2);
	sh("ip neigh add %s lladdr %s dev ua nud permanent", u->peer_a_endpoint,
	   mac_text(test_peer_uplink_mac, m1));
	sh("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1");
}

/* prog on the gateway: the configuration attach gives a forward-from overlay, peers A and
 * B, the far LAN peer A's, and the uplink and la in xt_ports. */
static int gateway_setup(void **state, enum test_prog prog)
{
	const struct test_overlay *o = *state;
	struct test_fixture *f = calloc(1, sizeof(*f));
	struct xt_config cfg = test_config_of(o);
	const char *endpoint = test_addrs(o->family)->peer_a_endpoint;
	uint32_t port;
	int ports;

	assert_non_null(f);
	gateway_build(o->family);
	cfg.forward = 1;
	cfg.uplink_ifindex = ifindex_of("ua");
	cfg.overlay_ifindex = ifindex_of("xt0");
	cfg.overlay_peer_ifindex = ifindex_of("xt0p");
	memcpy(cfg.overlay_mac, mac_xt0, sizeof(cfg.overlay_mac));
	fixture_load(f, prog, &cfg);
	topology_add_on(&f->maps, o->family);
	route_add(&f->maps, "10.2.0.0", 24, TEST_PEER_A_ID, endpoint, TEST_PEER_A_PORT);
	route_add(&f->maps, "fd02::", 64, TEST_PEER_A_ID, endpoint, TEST_PEER_A_PORT);
	ports = bpf_map__fd(f->tc ? f->tc->maps.xt_ports : f->xdp->maps.xt_ports);
	port = cfg.uplink_ifindex;
	assert_int_equal(bpf_map_update_elem(ports, &port, &port, BPF_ANY), 0);
	port = ifindex_of("la");
	assert_int_equal(bpf_map_update_elem(ports, &port, &port, BPF_ANY), 0);
	/* Decap in TC takes the frame as received on ua, whose MAC it is addressed to. */
	f->run_ifindex = cfg.uplink_ifindex;
	if (prog == TEST_PROG_DECAP_XDP) /* the XDP object has xt_fwd_xdp too */
		f->prog_fd = bpf_program__fd(f->xdp->progs.xt_fwd_xdp);
	*state = f;
	return 0;
}

static int setup_forward(void **state)
{
	return gateway_setup(state, TEST_PROG_DECAP_XDP);
}

static int setup_decap_xdp_forward(void **state)
{
	int err = gateway_setup(state, TEST_PROG_DECAP_XDP);
	struct test_fixture *f = *state;

	f->prog_fd = bpf_program__fd(f->xdp->progs.xt_decap_xdp);
	return err;
}

static int setup_decap_tc_forward(void **state)
{
	return gateway_setup(state, TEST_PROG_DECAP_TC);
}

/* A UDP datagram from src to dst with its checksum (which the fast path needs over an
 * IPv6 UDP underlay), TTL or hop limit ttl, and IPv4 options if given. */
static void put_datagram(struct pkt *p, const uint8_t eth_dst[6], const uint8_t eth_src[6],
			 const char *src, const char *dst, uint8_t ttl, const uint8_t *options,
			 size_t options_len)
{
	static const char payload[] = INNER_PAYLOAD;
	bool v6 = strchr(src, ':');
	size_t ip_off;

	put_eth(p, eth_dst, eth_src, v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	ip_off = p->len;
	if (v6) {
		struct ipv6_fields ip6 = {
			.next_header = IP_PROTO_UDP, .hop_limit = ttl, .saddr = src, .daddr = dst
		};

		put_ipv6_header(p, &ip6, 8 + sizeof(payload));
	} else {
		struct ipv4_fields ip = inner_ipv4_fields(src, dst);

		ip.ttl = ttl;
		ip.options = options;
		ip.options_len = options_len;
		put_ipv4(p, &ip, 8 + sizeof(payload));
	}
	put_udp(p, 40000, 7, sizeof(payload));
	put_bytes(p, payload, sizeof(payload));
	upper_layer_checksum_fill(p, ip_off, p->len - sizeof(payload) - 2, true);
}

/* The frame as a router sends it on: its new MACs, one hop less, the IPv4 header checksum
 * computed again (RFC 791; RFC 1624 section 3: an incremental update gives the same). */
static void one_hop_on(struct pkt *p, const uint8_t eth_dst[6], const uint8_t eth_src[6])
{
	memcpy(p->b, eth_dst, 6);
	memcpy(p->b + 6, eth_src, 6);
	if (get16(p, 12) == ETHERTYPE_IPV6) {
		p->b[14 + 7]--;
		return;
	}
	p->b[14 + 8]--;
	set16(p, 14 + 10, 0);
	set16(p, 14 + 10, ipv4_checksum(p->b + 14, (p->b[14] & 0x0f) * 4u));
}

/* xt_fwd_xdp on a frame received on la. */
static int fwd_run(const struct test_fixture *f, const struct pkt *in, struct pkt *out)
{
	struct xdp_md ctx = { .data_end = (uint32_t)in->len, .ingress_ifindex = ifindex_of("la") };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b, .data_size_in = in->len,
		    .data_out = out->b, .data_size_out = sizeof(out->b), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));
	int err = bpf_prog_test_run_opts(f->prog_fd, &opts);

	if (err)
		test_fail("BPF_PROG_TEST_RUN of xt_fwd_xdp: %s", strerror(-err));
	out->len = opts.data_size_out;
	return (int)opts.retval;
}

/* xt_fwd_xdp does verdict with in, counted under reason alone, its output expected (NULL:
 * in, untouched); peer A sent tx_packets. */
static void expect_fwd(const struct test_fixture *f, const struct pkt *in, int verdict,
		       enum xt_reason reason, const struct pkt *expected, uint64_t tx_packets,
		       const char *what)
{
	struct test_counters before, after;
	struct xt_peer_stats sent;
	struct pkt out = {};
	char moved[256];
	int v, r;

	counters_read(&f->maps, &before);
	v = fwd_run(f, in, &out);
	counters_read(&f->maps, &after);
	if (v != verdict)
		test_fail("%s: verdict %d, expected %d (counted:%s)", what, v, verdict,
			  reasons_moved(&before, &after, moved, sizeof(moved)));
	expect_pkt_equal(&out, expected ? expected : in, what);
	for (r = 0; r < XT_REASON_COUNT; r++)
		if (after.reasons[r] - before.reasons[r] != (r == (int)reason))
			test_fail("%s: expected reason %d counted once; counted:%s", what, reason,
				  reasons_moved(&before, &after, moved, sizeof(moved)));
	sent = peer_stats_delta(&after.peer_a, &before.peer_a);
	if (sent.tx_packets != tx_packets || sent.tx_bytes != tx_packets * in->len)
		test_fail("%s: peer A sent %llu packets, %llu bytes; expected %llu of %zu bytes",
			  what, (unsigned long long)sent.tx_packets,
			  (unsigned long long)sent.tx_bytes, (unsigned long long)tx_packets,
			  in->len);
}

/* What the LAN host sends to the far LAN leaves encapsulated to peer A: the inner frame one
 * hop on (to the far gateway's MAC, from the overlay device's), the outer one from the
 * uplink to peer A's uplink MAC, both from the FIB. */
static void expect_forwarded_encapsulated(const struct test_fixture *f, const struct pkt *in,
					  const char *what)
{
	struct pkt inner = *in, out = {}, expected = {};
	struct outer_entropy e;

	one_hop_on(&inner, mac_far_gateway, mac_xt0);
	fwd_run(f, in, &out); /* for the port and label, which the flow hash picks */
	e = outer_entropy(&out, &f->cfg);
	expected_encap_on(&expected, &f->cfg, test_addrs(f->cfg.family)->peer_a_endpoint,
			  TEST_PEER_A_PORT, &e, &inner);
	memcpy(expected.b, test_peer_uplink_mac, 6);
	memcpy(expected.b + 6, test_uplink_mac, 6);
	expect_fwd(f, in, XDP_REDIRECT, XT_OK_FWD_ENCAP, &expected, 1, what);
}

static void forwards_one_hop_less_encapsulated(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt in4 = {}, in6 = {};

	put_datagram(&in4, mac_la, mac_lan_host, LAN_HOST, FAR_HOST, 2, NULL, 0);
	expect_forwarded_encapsulated(f, &in4, "IPv4, TTL 2");
	put_datagram(&in6, mac_la, mac_lan_host, LAN_HOST6, FAR_HOST6, 2, NULL, 0);
	expect_forwarded_encapsulated(f, &in6, "IPv6, hop limit 2");
}

/* TTL 1 (or 0) would leave with 0: the kernel drops it and answers "time exceeded". */
static void leaves_a_last_hop_to_the_kernel(void **state)
{
	const struct test_fixture *f = *state;
	uint8_t ttl;

	for (ttl = 0; ttl < 2; ttl++) {
		struct pkt in4 = {}, in6 = {};

		put_datagram(&in4, mac_la, mac_lan_host, LAN_HOST, FAR_HOST, ttl, NULL, 0);
		expect_fwd(f, &in4, XDP_PASS, XT_PASS_SLOW_PATH, NULL, 0,
			   ttl ? "IPv4, TTL 1" : "IPv4, TTL 0");
		put_datagram(&in6, mac_la, mac_lan_host, LAN_HOST6, FAR_HOST6, ttl, NULL, 0);
		expect_fwd(f, &in6, XDP_PASS, XT_PASS_SLOW_PATH, NULL, 0,
			   ttl ? "IPv6, hop limit 1" : "IPv6, hop limit 0");
	}
}

/* Options are the kernel's to process (record route, timestamps, ...). */
static void leaves_ipv4_options_to_the_kernel(void **state)
{
	static const uint8_t nops[4] = { 1, 1, 1, 0 }; /* NOP, NOP, NOP, end of options */
	struct pkt in = {};

	put_datagram(&in, mac_la, mac_lan_host, LAN_HOST, FAR_HOST, 64, nops, sizeof(nops));
	expect_fwd(*state, &in, XDP_PASS, XT_PASS_SLOW_PATH, NULL, 0, "IPv4 with options");
}

/*
 * Sources the kernel never forwards from: 0.0.0.0/8, multicast and the limited broadcast
 * (ip_route_input_slow's martians), and the unspecified, IPv4-mapped, multicast and
 * link-local IPv6 addresses (ip6_rcv_core, ip6_forward; bpf_fib_lookup refuses the last two
 * itself, rt6_need_strict). The
 * way back to them leaves through la here, as the gateway's default route does (an
 * upstream router on the LAN side), so the reverse lookup alone would let them through;
 * the fast path must leave them to the kernel, which drops them. Sources routed back the
 * same way but not martian are forwarded, so that it is the martian rule that decides.
 */
static void leaves_martian_sources_to_the_kernel(void **state)
{
	static const char *const martians[] = { "0.0.0.9", "224.1.2.3",	      "255.255.255.255",
						"::",	   "::ffff:10.9.9.9", "fe80::2",
						"ff0e::7" };
	static const char *const routed_back[] = { "10.9.9.9", "2001:db8:99::9" };
	const struct test_fixture *f = *state;
	char m1[18];
	size_t i;

	mac_text(mac_lan_host, m1);
	sh("ip route add default via 10.1.0.254 dev la && "
	   "ip -6 route add default via fe80::254 dev la");
	/* The LAN host's link-local address known too, as neighbour discovery has it. */
	sh("ip neigh add 10.1.0.254 lladdr %s dev la nud permanent && "
	   "ip neigh add fe80::254 lladdr %s dev la nud permanent && "
	   "ip neigh add fe80::2 lladdr %s dev la nud permanent",
	   m1, m1, m1);
	for (i = 0; i < sizeof(routed_back) / sizeof(routed_back[0]); i++) {
		bool v6 = strchr(routed_back[i], ':');
		struct pkt in = {};

		put_datagram(&in, mac_la, mac_lan_host, routed_back[i], v6 ? FAR_HOST6 : FAR_HOST,
			     64, NULL, 0);
		assert_int_equal(fwd_run(f, &in, &(struct pkt){}), XDP_REDIRECT);
	}
	for (i = 0; i < sizeof(martians) / sizeof(martians[0]); i++) {
		bool v6 = strchr(martians[i], ':');
		struct pkt in = {};
		char what[64];

		snprintf(what, sizeof(what), "from %s", martians[i]);
		put_datagram(&in, mac_la, mac_lan_host, martians[i], v6 ? FAR_HOST6 : FAR_HOST, 64,
			     NULL, 0);
		expect_fwd(f, &in, XDP_PASS, XT_PASS_SLOW_PATH, NULL, 0, what);
	}
}

/*
 * The TTL's checksum update done incrementally, as the kernel's ip_decrease_ttl does, must
 * give what computing it again gives (RFC 1624 section 3). They part where the update
 * carries: a header checksum of 0xfeff becomes 0x0000, which an update without the
 * end-around carry leaves as 0xffff (RFC 1141's -0, the flaw RFC 1624 corrects).
 */
static void updates_the_checksum_as_computing_it_again_does(void **state)
{
	struct pkt in = {};
	uint32_t id;

	for (id = 0; id <= 0xffff; id++) {
		memset(&in, 0, sizeof(in));
		put_datagram(&in, mac_la, mac_lan_host, LAN_HOST, FAR_HOST, 9, NULL, 0);
		set16(&in, 14 + 4, (uint16_t)id);
		set16(&in, 14 + 10, 0);
		set16(&in, 14 + 10, ipv4_checksum(in.b + 14, 20));
		if (get16(&in, 14 + 10) == 0xfeff)
			break;
	}
	assert_true(id <= 0xffff);
	expect_forwarded_encapsulated(*state, &in, "IPv4 with header checksum 0xfeff");
}

/* Decap: what peer A's far host sends to the LAN host. */
static void put_from_far_host(const struct test_fixture *f, struct pkt *in, struct pkt *inner,
			      uint8_t family, uint8_t ttl)
{
	struct tunnel_fields t;

	if (family == XT_FAMILY_V6)
		put_datagram(inner, mac_xt0, mac_far_gateway, FAR_HOST6, LAN_HOST6, ttl, NULL, 0);
	else
		put_datagram(inner, mac_xt0, mac_far_gateway, FAR_HOST, LAN_HOST, ttl, NULL, 0);
	t = tunnel_from_peer_a(f, inner);
	put_tunnel_packet(in, &t);
}

/* Sent straight out of la to the LAN host, one hop less, MACs from the FIB. */
static void decap_forwards_one_hop_less_out_of_the_port(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	size_t i;

	for (i = 0; i < sizeof(families); i++) {
		struct pkt in = {}, inner = {}, expected = {};
		struct run_expect want = {
			.verdict = TEST_REDIRECT,
			.reason = XT_OK_FWD_DECAP,
			.out = &expected,
		};

		put_from_far_host(f, &in, &inner, families[i], 2);
		expected_delivery(&expected, &f->cfg, &inner);
		one_hop_on(&expected, mac_lan_host, mac_la);
		want.peer_a.rx_packets = 1;
		want.peer_a.rx_bytes = expected.len;
		expect_run(f, &in, &want, families[i] == XT_FAMILY_V6 ? "IPv6" : "IPv4");
	}
}

/* A last hop goes to the overlay device as any decapsulated packet, unchanged: the kernel
 * answers "time exceeded". */
static void decap_leaves_a_last_hop_to_the_overlay(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	size_t i;

	for (i = 0; i < sizeof(families); i++) {
		struct pkt in = {}, inner = {};

		put_from_far_host(f, &in, &inner, families[i], 1);
		expect_decapped(f, &in, &inner, families[i] == XT_FAMILY_V6 ? "IPv6" : "IPv4");
	}
}

#define FORWARD_CASE_ON(name, overlay)                                                             \
	{                                                                                          \
		"forward_" #overlay "_" #name, name, setup_forward, fixture_teardown,              \
			(void *)&overlay                                                           \
	}

#define DECAP_FORWARD_CASE_ON(name, overlay)                                                       \
	{ "decap_tc_" #overlay "_" #name, name, setup_decap_tc_forward, fixture_teardown,          \
	  (void *)&overlay },                                                                      \
	{                                                                                          \
		"decap_xdp_" #overlay "_" #name, name, setup_decap_xdp_forward, fixture_teardown,  \
			(void *)&overlay                                                           \
	}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FORWARD_CASE_ON(forwards_one_hop_less_encapsulated, vxlan_over_ipv4),
		FORWARD_CASE_ON(forwards_one_hop_less_encapsulated, vxlan_over_ipv6),
		FORWARD_CASE_ON(forwards_one_hop_less_encapsulated, geneve_over_ipv6),
		FORWARD_CASE_ON(forwards_one_hop_less_encapsulated, gre_key_over_ipv4),
		FORWARD_CASE_ON(forwards_one_hop_less_encapsulated, ipip_over_ipv6),
		FORWARD_CASE_ON(leaves_a_last_hop_to_the_kernel, vxlan_over_ipv4),
		FORWARD_CASE_ON(leaves_a_last_hop_to_the_kernel, gre_over_ipv6),
		FORWARD_CASE_ON(leaves_ipv4_options_to_the_kernel, vxlan_over_ipv4),
		FORWARD_CASE_ON(leaves_martian_sources_to_the_kernel, vxlan_over_ipv4),
		FORWARD_CASE_ON(leaves_martian_sources_to_the_kernel, gre_over_ipv6),
		FORWARD_CASE_ON(updates_the_checksum_as_computing_it_again_does, vxlan_over_ipv4),
		DECAP_FORWARD_CASE_ON(decap_forwards_one_hop_less_out_of_the_port, vxlan_over_ipv4),
		DECAP_FORWARD_CASE_ON(decap_forwards_one_hop_less_out_of_the_port, gre_over_ipv6),
		DECAP_FORWARD_CASE_ON(decap_forwards_one_hop_less_out_of_the_port, ipip_over_ipv4),
		DECAP_FORWARD_CASE_ON(decap_leaves_a_last_hop_to_the_overlay, vxlan_over_ipv4),
		DECAP_FORWARD_CASE_ON(decap_leaves_a_last_hop_to_the_overlay, gre_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
