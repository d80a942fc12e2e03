// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The two receive paths, xt_decap_tc (TC ingress) and xt_decap_xdp, under BPF_PROG_TEST_RUN.
 * They share one parser, so every case runs on both, and both must agree byte for byte:
 * a decapsulated packet is exactly the inner frame, a packet that is not ours leaves
 * untouched, and every verdict is counted under its own reason.
 *
 * Each case starts from one VXLAN packet that peer A could really send and changes the one
 * field the case is about.
 */
#include "harness.h"

static void delivers_inner_ipv4_frame_from_known_peer(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_decapped(*state, &in, &inner);
}

static void delivers_inner_ipv6_frame_from_known_peer(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_frame_from(&inner, XT_FAMILY_V6, TEST_PEER_A_HOST6);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_decapped(*state, &in, &inner);
}

static void delivers_inner_arp_request_from_known_peer(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_arp_request_frame(&inner, test_peer_host_mac, TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_decapped(*state, &in, &inner);
}

static void delivers_inner_frame_when_outer_ipv4_has_options(void **state)
{
	/* Router Alert (RFC 2113): four bytes, so the header is 24 bytes long, IHL 6. */
	static const uint8_t router_alert[4] = { 0x94, 0x04, 0x00, 0x00 };
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.options = router_alert;
	vx.ip.options_len = sizeof(router_alert);
	put_vxlan_packet(&in, &vx);
	assert_int_equal(in.b[14], 0x46);
	assert_decapped(*state, &in, &inner);
}

/* RFC 7348 section 5: the reserved byte after the VNI is ignored on receipt. Every bit set,
 * so that a comparison of the whole word, or a mask narrower than 24 bits, shows. */
static void delivers_inner_frame_when_vni_reserved_byte_is_set(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.vni_reserved = 0xff;
	put_vxlan_packet(&in, &vx);
	assert_int_equal(in.b[14 + 20 + 8 + 7], 0xff);
	assert_decapped(*state, &in, &inner);
}

/*
 * The stack takes a frame to another host's unicast MAC for that host's (PACKET_OTHERHOST)
 * and drops it (ip_rcv) before its own vxlan sees it: so do we, by passing it on untouched.
 * TC reads the kernel's verdict (skb->pkt_type, which BPF_PROG_TEST_RUN computes against
 * the test uplink's MAC); XDP compares with the uplink's MAC. Every byte but one of the
 * uplink's, and all six, are tried: a comparison of part of the address shows.
 */
static void passes_frame_to_another_hosts_mac(void **state)
{
	size_t i;

	for (i = 0; i <= 6; i++) {
		struct run_expect want = { .verdict = TEST_PASS, .reason = XT_PASS_OTHER_HOST };
		struct pkt inner = {}, in = {};
		struct vxlan_fields vx;
		uint8_t mac[6];
		char what[48];

		memcpy(mac, test_uplink_mac, 6);
		if (i < 6)
			mac[i] ^=
				i ? 0x80 : 0x02; /* stays unicast: bit 0 of byte 0 is not touched */
		else
			memcpy(mac, test_peer_uplink_mac, 6);
		inner_ipv4_from(&inner, TEST_PEER_A_HOST);
		vx = from_peer_a(&inner);
		vx.eth_dst = mac;
		put_vxlan_packet(&in, &vx);
		snprintf(what, sizeof(what), "to %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5]);
		want.out = &in;
		expect_run(*state, &in, &want, what);
	}
}

/* Broadcast and multicast frames carrying unicast IP to our address are the stack's too
 * (unless drop_unicast_in_l2_multicast is set, which is not the default): decapsulated. */
static void delivers_frame_to_broadcast_or_multicast_mac(void **state)
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	const uint8_t *macs[] = { broadcast, multicast };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct pkt inner = {}, in = {};
		struct vxlan_fields vx;

		inner_ipv4_from(&inner, TEST_PEER_A_HOST);
		vx = from_peer_a(&inner);
		vx.eth_dst = macs[i];
		put_vxlan_packet(&in, &vx);
		expect_decapped(*state, &in, &inner, i ? "multicast" : "broadcast");
	}
}

/* The Ethernet type says IPv6, the header behind it is IPv4's: not IP at all. */
static void passes_ipv6_type_frame_with_ipv4_header_as_not_ip(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ethertype = ETHERTYPE_IPV6;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_NOT_IP);
}

static void passes_tcp_segment(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.protocol = IP_PROTO_TCP;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_PROTO);
}

static void passes_packet_for_other_address(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.daddr = TEST_OTHER_LOCAL;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_NOT_LOCAL);
}

static void passes_first_fragment(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.frag_off = IP_FLAG_MF;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_FRAGMENT);
}

static void passes_later_fragment(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.frag_off = 1480 / 8; /* the last fragment: offset set, MF clear */
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_FRAGMENT);
}

static void passes_other_udp_port(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.dport = TEST_PORT + 1;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_PORT);
}

static void passes_other_vni(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.vni = TEST_VNI + 1;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_VNI);
}

static void passes_vxlan_from_unknown_endpoint(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.saddr = TEST_STRANGER_ENDPOINT;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(*state, &in, XT_PASS_UNKNOWN_PEER);
}

static void drops_vxlan_without_i_flag(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.flags = 0;
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_VXLAN_FLAGS, 0);
}

static void drops_truncated_vxlan_header(void **state)
{
	struct pkt in = {};
	struct vxlan_fields vx = from_peer_a(NULL);

	vx.vxlan_len = 4;
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

static void drops_outer_ipv4_length_beyond_frame(void **state)
{
	struct pkt inner = {}, in = {};

	put_valid_from_peer_a(&in, &inner);
	set16(&in, OFF_IP_TOT_LEN, (uint16_t)(in.len - 14 + 40));
	outer_ipv4_checksum_update(&in);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

/* Bytes after the datagram would otherwise end up in the inner frame. */
static void drops_frame_longer_than_outer_ipv4_length(void **state)
{
	static const uint8_t trailer[8] = { 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef };
	struct pkt inner = {}, in = {};

	put_valid_from_peer_a(&in, &inner);
	put_bytes(&in, trailer, sizeof(trailer));
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

static void drops_udp_length_not_matching_ipv4_length(void **state)
{
	struct pkt inner = {}, in = {};

	put_valid_from_peer_a(&in, &inner);
	set16(&in, OFF_UDP_LEN, (uint16_t)(in.len - 14 - 20 - 4));
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 0);
}

/* Peer A's VXLAN packet around a datagram of family from saddr: dropped as reason, and held
 * against peer A. Failure messages name the packet by its source. */
static void expect_inner_source_dropped(const struct test_fixture *f, uint8_t family,
					const char *saddr, enum xt_reason reason)
{
	const struct run_expect want = {
		.verdict = TEST_DROP,
		.reason = reason,
		.peer_a = { .drops = 1 },
	};
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_frame_from(&inner, family, saddr);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	expect_run(f, &in, &want, saddr);
}

/* Cryptokey routing: peer A may only speak from its own prefixes, never from peer B's. */
static void drops_spoofed_inner_source_of_another_peer(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V4, TEST_PEER_B_HOST, XT_DROP_SPOOFED);
}

static void drops_spoofed_inner_source_outside_every_prefix(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V4, TEST_UNROUTED_HOST, XT_DROP_SPOOFED);
}

static void drops_spoofed_arp_sender_of_another_peer(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_arp_request_frame(&inner, test_peer_host_mac, TEST_PEER_B_HOST, TEST_LOCAL_HOST);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_SPOOFED, 1);
}

/* Inner IPv6 meets the same rule as IPv4: peer A may not speak from peer B's /64. */
static void drops_spoofed_inner_ipv6_source_of_another_peer(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V6, TEST_PEER_B_HOST6, XT_DROP_SPOOFED);
}

static void drops_spoofed_inner_ipv6_source_outside_every_prefix(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V6, TEST_UNROUTED_HOST6, XT_DROP_SPOOFED);
}

/* Link-local (fe80::/10, RFC 4291 section 2.5.6) and unspecified (::) sources belong to no
 * allowed-ips; what a Linux peer sends from them (router solicitations, MLD reports, DAD
 * probes) is counted apart from spoofing, as drop-link-local, still against the peer. Both
 * ends of fe80::/10. */
static void drops_inner_ipv6_frame_from_link_local_source(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V6, "fe80::7", XT_DROP_LINK_LOCAL);
	expect_inner_source_dropped(*state, XT_FAMILY_V6, "febf:ffff::1", XT_DROP_LINK_LOCAL);
}

/* fec0::/10, right above link-local, is an ordinary (if deprecated) source: spoofed here. */
static void drops_inner_ipv6_frame_from_just_above_link_local_as_spoofed(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V6, "fec0::7", XT_DROP_SPOOFED);
}

static void drops_inner_ipv6_frame_from_unspecified_source_as_link_local(void **state)
{
	uint8_t body[40] = { 0x60 }; /* an IPv6 header with nothing else set: source :: */
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_eth(&inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV6);
	put_bytes(&inner, body, sizeof(body));
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_LINK_LOCAL, 1);
}

/* An advertisement claims its target, as an ARP sender claims its address: peer A may
 * advertise its own address, not peer B's (or our cache would send B's traffic to A's MAC,
 * which B's owner never sees). */
static void delivers_neighbour_advertisement_of_the_peers_own_address(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_neighbour_advertisement_frame(&inner, test_local_host_mac, test_peer_host_mac,
					  TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_A_HOST6);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_decapped(*state, &in, &inner);
}

static void drops_neighbour_advertisement_of_another_peers_address(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_neighbour_advertisement_frame(&inner, test_local_host_mac, test_peer_host_mac,
					  TEST_PEER_A_HOST6, TEST_LOCAL_HOST6, TEST_PEER_B_HOST6);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_SPOOFED, 1);
}

/* ::ffff:a.b.c.d is the maps' spelling of peer A's own IPv4 address: an IPv6 packet may not
 * use it, even though the lookup would find A's prefix. */
static void drops_inner_ipv6_from_ipv4_mapped_source_as_spoofed(void **state)
{
	expect_inner_source_dropped(*state, XT_FAMILY_V6, "::ffff:" TEST_PEER_A_HOST,
				    XT_DROP_SPOOFED);
}

static void drops_truncated_inner_ipv6_header(void **state)
{
	uint8_t part[39] = { 0x60 };
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_eth(&inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV6);
	put_bytes(&inner, part, sizeof(part));
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 1);
}

static void drops_truncated_inner_ipv4_header(void **state)
{
	uint8_t half_header[10] = { 0x45 };
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_eth(&inner, test_local_host_mac, test_peer_host_mac, ETHERTYPE_IPV4);
	put_bytes(&inner, half_header, sizeof(half_header));
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 1);
}

/*
 * TC only: XDP has no GSO state. bpf_skb_adjust_room refuses to shrink a GSO skb whose
 * gso_type is neither TCP nor UDP_L4 (net/core/filter.c, bpf_skb_net_shrink), and
 * BPF_PROG_TEST_RUN lets a test set gso_size but leaves gso_type 0: the one way to make
 * the decap helpers fail on a packet the parser accepted. Such a packet is a failed decap,
 * held against peer A, and must not also be counted as decapsulated.
 */
static void decap_tc_counts_failed_decap_only_as_decap_failed(void **state)
{
	struct __sk_buff skb = { .gso_segs = 2, .gso_size = 64 };
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {}, out = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_int_equal(prog_run_skb(f, &in, &out, &skb), TC_ACT_SHOT);
	assert_drop_counted(&f->maps, XT_DROP_DECAP_FAILED, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DECAP_CASE(delivers_inner_ipv4_frame_from_known_peer),
		DECAP_CASE(delivers_inner_ipv6_frame_from_known_peer),
		DECAP_CASE(delivers_inner_arp_request_from_known_peer),
		DECAP_CASE(delivers_inner_frame_when_outer_ipv4_has_options),
		DECAP_CASE(delivers_inner_frame_when_vni_reserved_byte_is_set),
		DECAP_CASE(passes_frame_to_another_hosts_mac),
		DECAP_CASE(delivers_frame_to_broadcast_or_multicast_mac),
		DECAP_CASE(passes_ipv6_type_frame_with_ipv4_header_as_not_ip),
		DECAP_CASE(passes_tcp_segment),
		DECAP_CASE(passes_packet_for_other_address),
		DECAP_CASE(passes_first_fragment),
		DECAP_CASE(passes_later_fragment),
		DECAP_CASE(passes_other_udp_port),
		DECAP_CASE(passes_other_vni),
		DECAP_CASE(passes_vxlan_from_unknown_endpoint),
		DECAP_CASE(drops_vxlan_without_i_flag),
		DECAP_CASE(drops_truncated_vxlan_header),
		DECAP_CASE(drops_outer_ipv4_length_beyond_frame),
		DECAP_CASE(drops_frame_longer_than_outer_ipv4_length),
		DECAP_CASE(drops_udp_length_not_matching_ipv4_length),
		DECAP_CASE(drops_spoofed_inner_source_of_another_peer),
		DECAP_CASE(drops_spoofed_inner_source_outside_every_prefix),
		DECAP_CASE(drops_spoofed_arp_sender_of_another_peer),
		DECAP_CASE(drops_spoofed_inner_ipv6_source_of_another_peer),
		DECAP_CASE(drops_spoofed_inner_ipv6_source_outside_every_prefix),
		DECAP_CASE(drops_inner_ipv6_frame_from_link_local_source),
		DECAP_CASE(drops_inner_ipv6_frame_from_just_above_link_local_as_spoofed),
		DECAP_CASE(drops_inner_ipv6_frame_from_unspecified_source_as_link_local),
		DECAP_CASE(drops_truncated_inner_ipv6_header),
		DECAP_CASE(delivers_neighbour_advertisement_of_the_peers_own_address),
		DECAP_CASE(drops_neighbour_advertisement_of_another_peers_address),
		DECAP_CASE(drops_inner_ipv6_from_ipv4_mapped_source_as_spoofed),
		DECAP_CASE(drops_truncated_inner_ipv4_header),
		cmocka_unit_test_setup_teardown(decap_tc_counts_failed_decap_only_as_decap_failed,
						setup_decap_tc, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
