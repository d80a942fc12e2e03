// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every encapsulation (VXLAN, GENEVE, GRE without and with a key, IPIP) over either underlay
 * family (IPv4, IPv6), carrying either inner family: the exact packet xt_encap sends, and
 * the exact frame xt_decap_tc and xt_decap_xdp deliver of what peer A sends.
 *
 * Expected packets are built by put_tunnel_packet (packet.h) from the RFCs, checksums
 * included (RFC 1071 computed by the test); the one thing taken from the program's output
 * is what the kernel's random-seeded flow hash decides, the UDP source port and the IPv6
 * flow label, after outer_entropy checks their range and place. L2 encapsulations deliver
 * the inner frame as it was sent; L3 ones (GRE, IPIP) the inner IP packet behind an Ethernet
 * header to the overlay device's MAC (xt_config.overlay_mac), source zero.
 */
#include "harness.h"

static void sends_inner_ipv4_exactly(void **state)
{
	struct pkt in = {};

	frame_to(&in, XT_FAMILY_V4, TEST_PEER_A_HOST);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

static void sends_inner_ipv6_exactly(void **state)
{
	struct pkt in = {};

	frame_to(&in, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

/* Peer B's routes and port: the outer destination and port come from the route taken. */
static void sends_to_the_peer_that_owns_the_destination(void **state)
{
	struct pkt in4 = {}, in6 = {};

	frame_to(&in4, XT_FAMILY_V4, TEST_PEER_B_HOST);
	expect_encapped(*state, &in4, TEST_PEER_B_ID, "IPv4 to peer B");
	frame_to(&in6, XT_FAMILY_V6, TEST_PEER_B_HOST6);
	expect_encapped(*state, &in6, TEST_PEER_B_ID, "IPv6 to peer B");
}

static void delivers_inner_ipv4_exactly(void **state)
{
	struct pkt inner = {}, in = {};

	put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	assert_decapped(*state, &in, &inner);
}

static void delivers_inner_ipv6_exactly(void **state)
{
	struct pkt inner = {}, in = {};

	put_tunnel_from_peer_a(*state, &in, &inner, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	assert_decapped(*state, &in, &inner);
}

/*
 * The outer UDP checksum over IPv6 is computed without reading the payload where the inner
 * transport checksum vouches for it (TCP, UDP with a checksum, ICMP and ICMPv6), and byte
 * by byte otherwise (IPv4 UDP without a checksum, ARP, IPv6 extension headers). The matrix
 * sends IPv4 UDP without and IPv6 UDP with a checksum; here the rest: IPv4 UDP with one,
 * TCP, ICMP, a neighbour solicitation, and a datagram long enough to be summed in several
 * chunks, odd-sized. Each is checked by the test's own RFC 1071 sum over the output.
 */
static void sends_inner_ipv4_udp_with_checksum_exactly(void **state)
{
	struct pkt in = {};

	frame_to(&in, XT_FAMILY_V4, TEST_PEER_A_HOST);
	upper_layer_checksum_fill(&in, 14, 14 + 20 + 6, true);
	assert_int_not_equal(get16(&in, 14 + 20 + 6), 0);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

static void sends_long_odd_sized_inner_ipv4_exactly(void **state)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	struct pkt in = {};

	put_inner_udp_frame(&in, test_peer_host_mac, test_local_host_mac, &ip, 1001);
	assert_int_equal(in.len % 2, 1);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

/* This host's packet to peer A's host carrying upper-layer bytes of protocol proto. */
static void frame_with_upper_layer(struct pkt *frame, uint8_t family, uint8_t proto,
				   const struct pkt *upper)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);

	ip.protocol = proto;
	put_eth(frame, test_peer_host_mac, test_local_host_mac,
		family == XT_FAMILY_V6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	if (family == XT_FAMILY_V6)
		put_ipv6(frame, proto, upper->len, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6);
	else
		put_ipv4(frame, &ip, upper->len);
	put_bytes(frame, upper->b, upper->len);
}

/* A TCP SYN (RFC 9293 section 3.1) with a window and no options. */
static void sends_inner_tcp_exactly(void **state)
{
	static const uint8_t families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	size_t i;

	for (i = 0; i < sizeof(families); i++) {
		struct pkt syn = {}, in = {};

		put16(&syn, 40000);
		put16(&syn, 7);
		put32(&syn, 0x1c46a0de); /* sequence number */
		put32(&syn, 0);
		put8(&syn, 5 << 4); /* data offset: 5 words */
		put8(&syn, 0x02);   /* SYN */
		put16(&syn, 64240);
		put32(&syn, 0); /* checksum, urgent pointer */
		frame_with_upper_layer(&in, families[i], IP_PROTO_TCP, &syn);
		upper_layer_checksum_fill(&in, 14, in.len - syn.len + 16, false);
		expect_encapped(*state, &in, TEST_PEER_A_ID,
				families[i] == XT_FAMILY_V6 ? "TCP over IPv6" : "TCP over IPv4");
	}
}

/* An ICMP echo request (RFC 792), its checksum over the message alone: the one case an IPv4
 * packet is taken to sum to zero. */
static void sends_inner_icmp_echo_exactly(void **state)
{
	struct pkt echo = {}, in = {};

	put8(&echo, 8); /* echo request */
	put8(&echo, 0);
	put16(&echo, 0);
	put32(&echo, 0x12340001); /* identifier, sequence number */
	put_bytes(&echo, INNER_PAYLOAD, sizeof(INNER_PAYLOAD));
	set16(&echo, 2, ipv4_checksum(echo.b, echo.len));
	frame_with_upper_layer(&in, XT_FAMILY_V4, 1, &echo);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

static void sends_neighbour_solicitation_exactly(void **state)
{
	struct pkt in = {};

	put_neighbour_solicitation_frame(&in, test_local_host_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

static void sends_arp_request_exactly(void **state)
{
	struct pkt in = {};

	put_arp_request_frame(&in, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	assert_encapped(*state, &in, TEST_PEER_A_ID);
}

static void delivers_arp_request_exactly(void **state)
{
	struct pkt inner = {}, in = {};
	struct tunnel_fields t;

	put_arp_request_frame(&inner, test_peer_host_mac, TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	t = tunnel_from_peer_a(*state, &inner);
	put_tunnel_packet(&in, &t);
	assert_decapped(*state, &in, &inner);
}

/* L3 overlays are NOARP devices: an ARP frame there is nobody's, drop-inner-proto. */
static void drops_arp_request_as_inner_proto(void **state)
{
	struct pkt in = {};

	put_arp_request_frame(&in, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	assert_dropped(*state, &in, XT_DROP_INNER_PROTO, 0);
}

/* The flow hash decides the UDP source port and the flow label: per flow, so one flow keeps
 * to one underlay path (RFC 6438, RFC 7348 section 5). Two packets of one flow get the same;
 * they are the ones of the first packet. */
static void keeps_one_flow_on_one_outer_port_and_label(void **state)
{
	const struct test_fixture *f = *state;
	struct run_expect want = { .verdict = TEST_REDIRECT, .reason = XT_OK_ENCAP };
	struct pkt in = {}, first = {}, second = {};
	struct outer_entropy a, b;

	frame_to(&in, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	want.peer_a.tx_packets = 1;
	want.peer_a.tx_bytes = in.len;
	expect_run_out(f, &in, &want, "first packet", &first);
	expect_run_out(f, &in, &want, "second packet", &second);
	a = outer_entropy(&first, &f->cfg);
	b = outer_entropy(&second, &f->cfg);
	assert_int_equal(a.sport, b.sport);
	assert_int_equal(a.flow_label, b.flow_label);
}

/* What every overlay gets: encap and both decap paths, each inner family. */
#define TUNNEL_CASES(overlay)                                                                      \
	ENCAP_CASE_ON(sends_inner_ipv4_exactly, overlay),                                          \
		ENCAP_CASE_ON(sends_inner_ipv6_exactly, overlay),                                  \
		ENCAP_CASE_ON(sends_to_the_peer_that_owns_the_destination, overlay),               \
		DECAP_CASE_ON(delivers_inner_ipv4_exactly, overlay),                               \
		DECAP_CASE_ON(delivers_inner_ipv6_exactly, overlay)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TUNNEL_CASES(vxlan_over_ipv4),
		TUNNEL_CASES(vxlan_over_ipv6),
		TUNNEL_CASES(geneve_over_ipv4),
		TUNNEL_CASES(geneve_over_ipv6),
		TUNNEL_CASES(gre_over_ipv4),
		TUNNEL_CASES(gre_over_ipv6),
		TUNNEL_CASES(gre_key_over_ipv4),
		TUNNEL_CASES(gre_key_over_ipv6),
		TUNNEL_CASES(ipip_over_ipv4),
		TUNNEL_CASES(ipip_over_ipv6),
		ENCAP_CASE_ON(sends_inner_ipv4_udp_with_checksum_exactly, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_inner_ipv4_udp_with_checksum_exactly, geneve_over_ipv6),
		ENCAP_CASE_ON(sends_inner_tcp_exactly, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_inner_tcp_exactly, geneve_over_ipv6),
		ENCAP_CASE_ON(sends_inner_icmp_echo_exactly, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_long_odd_sized_inner_ipv4_exactly, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_long_odd_sized_inner_ipv4_exactly, gre_key_over_ipv6),
		ENCAP_CASE_ON(sends_neighbour_solicitation_exactly, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_neighbour_solicitation_exactly, geneve_over_ipv4),
		ENCAP_CASE_ON(sends_arp_request_exactly, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_arp_request_exactly, geneve_over_ipv4),
		ENCAP_CASE_ON(sends_arp_request_exactly, geneve_over_ipv6),
		DECAP_CASE_ON(delivers_arp_request_exactly, vxlan_over_ipv6),
		DECAP_CASE_ON(delivers_arp_request_exactly, geneve_over_ipv4),
		DECAP_CASE_ON(delivers_arp_request_exactly, geneve_over_ipv6),
		ENCAP_CASE_ON(drops_arp_request_as_inner_proto, gre_over_ipv4),
		ENCAP_CASE_ON(drops_arp_request_as_inner_proto, ipip_over_ipv6),
		ENCAP_CASE_ON(keeps_one_flow_on_one_outer_port_and_label, vxlan_over_ipv6),
		ENCAP_CASE_ON(keeps_one_flow_on_one_outer_port_and_label, ipip_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
