// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The L2 overlays' programs under BPF_PROG_TEST_RUN: xt_l2_encap (the FDB's peer, flooding
 * and its copies, ARP and ND suppression), xt_l2_decap_tc and xt_l2_decap_xdp (only
 * configured peers, learning, moves, static entries, max-macs, the neighbour table), the
 * ageing sweep, and xt_l2_ctl. Expected bytes are built here from the RFCs (packet.h), the
 * expected tables from what the frames say. Replication to several peers at once, whose
 * copies leave through real devices, is tests/bpf/l2_flood.c.
 */
#include <unistd.h>
#include "l2_harness.h"

#define SEC_NS 1000000000ull
#define ETHERTYPE_EXPERIMENTAL 0x88b5 /* IEEE 802 local experimental: neither IP nor ARP */

/* A frame of the local station to dst, with the Ethernet type type and n bytes of payload
 * that count up. */
static void put_frame_of_type(struct pkt *p, const uint8_t dst[6], uint16_t type, size_t n)
{
	size_t i;

	put_eth(p, dst, station_local_mac, type);
	for (i = 0; i < n; i++)
		put8(p, (uint8_t)(0x40 + i));
}

/* What the local station sends to the station behind peer A (or to dst), IPv4 or IPv6. */
static void put_local_frame_to(struct pkt *p, const uint8_t dst[6], uint8_t family)
{
	if (family == XT_FAMILY_V6)
		put_inner_ipv6_frame(p, dst, station_local_mac, TEST_LOCAL_HOST6,
				     TEST_PEER_A_HOST6);
	else
		put_inner_ipv4_frame(p, dst, station_local_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
}

static struct __sk_buff copy_mark(uint64_t cookie, uint32_t peer_id)
{
	struct __sk_buff skb = {};

	skb.cb[0] = (uint32_t)cookie;
	skb.cb[1] = (uint32_t)(cookie >> 32);
	skb.cb[2] = peer_id;
	return skb;
}

/* Encap: the FDB's peer. */

static void sends_frame_to_the_peer_the_fdb_has_for_its_destination(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt to_a = {}, to_b = {};

	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, 0, mono_ns());
	put_local_frame_to(&to_a, test_peer_host_mac, XT_FAMILY_V4);
	put_local_frame_to(&to_b, station_b_mac, XT_FAMILY_V6);
	expect_encapped(f, &to_a, TEST_PEER_A_ID, "IPv4 frame to a static entry of peer A");
	expect_encapped(f, &to_b, TEST_PEER_B_ID, "IPv6 frame to a learned entry of peer B");
}

/* bpf_skb_adjust_room takes IP skbs only: ARP and any other type go as ARP goes on the L3
 * overlays (xt_skb_as_ipv4), and must still arrive as they were sent. */
static void sends_arp_and_other_types_to_the_peer_the_fdb_has(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t zero[6];
	struct pkt arp = {}, other = {}, tiny = {};

	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	put_eth(&arp, test_peer_host_mac, station_local_mac, ETHERTYPE_ARP);
	put_arp(&arp, ARP_OP_REQUEST, station_local_mac, TEST_LOCAL_HOST, zero, TEST_PEER_A_HOST);
	put_frame_of_type(&other, test_peer_host_mac, ETHERTYPE_EXPERIMENTAL, 101);
	put_frame_of_type(&tiny, test_peer_host_mac, ETHERTYPE_EXPERIMENTAL, 1);
	expect_encapped(f, &arp, TEST_PEER_A_ID, "unicast ARP request");
	expect_encapped(f, &other, TEST_PEER_A_ID, "frame of type 0x88b5, odd length");
	expect_encapped(f, &tiny, TEST_PEER_A_ID, "frame of type 0x88b5, one byte of payload");
}

/* Encap: flooding. The last flood peer (B) gets the frame itself; the others clones, which
 * need a device to go to (l2_flood.c): here B is the only flood peer. */

static void floods_unknown_unicast_broadcast_and_multicast(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	const uint32_t only_b[] = { TEST_PEER_B_ID };
	struct pkt unknown = {}, bcast = {}, mcast = {};

	flood_set(&f->maps, only_b, 1);
	put_local_frame_to(&unknown, station_b_mac, XT_FAMILY_V4);
	put_local_frame_to(&bcast, broadcast_mac, XT_FAMILY_V4);
	put_local_frame_to(&mcast, multicast, XT_FAMILY_V6);
	expect_encapped_skb(f, &unknown, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "unknown unicast");
	expect_encapped_skb(f, &bcast, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "broadcast");
	expect_encapped_skb(f, &mcast, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "multicast");
}

/* A copy xt_replicate made carries its peer in skb->cb, behind the cookie: it goes to that
 * peer, whatever the FDB says of its destination. */
static void copy_goes_to_the_peer_its_mark_names(void **state)
{
	const struct test_fixture *f = *state;
	struct __sk_buff to_a = copy_mark(TEST_L2_COOKIE, TEST_PEER_A_ID);
	struct pkt bcast = {}, known = {};

	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, 0);
	put_local_frame_to(&bcast, broadcast_mac, XT_FAMILY_V4);
	put_local_frame_to(&known, station_b_mac, XT_FAMILY_V4);
	expect_encapped_skb(f, &bcast, &to_a, TEST_PEER_A_ID, XT_OK_FLOOD, "copy of a broadcast");
	expect_encapped_skb(f, &known, &to_a, TEST_PEER_A_ID, XT_OK_FLOOD,
			    "copy of a frame to B's station");
}

/* Anything else in skb->cb is what the stack left there: the frame is no copy. Each half of
 * the cookie is tried wrong on its own, and the cookie in the other order. */
static void frame_without_the_cookie_is_no_copy(void **state)
{
	const struct test_fixture *f = *state;
	const uint64_t wrong[] = {
		TEST_L2_COOKIE ^ 1,
		TEST_L2_COOKIE ^ (1ull << 63),
		TEST_L2_COOKIE << 32 | TEST_L2_COOKIE >> 32,
		0,
	};
	struct pkt known = {};
	size_t i;

	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, 0);
	put_local_frame_to(&known, station_b_mac, XT_FAMILY_V4);
	for (i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		struct __sk_buff skb = copy_mark(wrong[i], TEST_PEER_A_ID);
		char what[64];

		snprintf(what, sizeof(what), "cb cookie %016llx", (unsigned long long)wrong[i]);
		expect_encapped_skb(f, &known, &skb, TEST_PEER_B_ID, XT_OK_ENCAP, what);
	}
}

/* A copy for an id that is no peer's now (the peer went after the clone) is dropped. */
static void copy_for_a_peer_that_is_gone_is_dropped(void **state)
{
	const struct test_fixture *f = *state;
	struct __sk_buff skb = copy_mark(TEST_L2_COOKIE, TEST_PEER_C_ID);
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_ENCAP_FAILED };
	struct pkt bcast = {};

	put_local_frame_to(&bcast, broadcast_mac, XT_FAMILY_V4);
	expect_run_skb(f, &bcast, &skb, &want, "copy for peer C", &(struct pkt){});
}

static void frame_to_flood_without_a_flood_peer_is_dropped(void **state)
{
	const struct test_fixture *f = *state;
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_NO_FLOOD_PEER };
	struct pkt bcast = {}, unknown = {};

	flood_set(&f->maps, NULL, 0);
	put_local_frame_to(&bcast, broadcast_mac, XT_FAMILY_V4);
	put_local_frame_to(&unknown, station_b_mac, XT_FAMILY_V4);
	expect_run(f, &bcast, &want, "broadcast");
	expect_run(f, &unknown, &want, "unknown unicast");
}

/* An entry that sends nowhere is no entry: its peer is gone, or it is learned and older than
 * the ageing time. A static entry never ages. */
static void stale_fdb_entries_are_flooded(void **state)
{
	const struct test_fixture *f = *state;
	const uint32_t only_b[] = { TEST_PEER_B_ID };
	const uint64_t old = mono_ns() - (XT_L2_DEFAULT_AGEING + 1) * SEC_NS;
	static const uint8_t gone_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	struct pkt to_gone = {}, to_aged = {}, to_static = {};

	flood_set(&f->maps, only_b, 1);
	fdb_put(&f->maps, gone_mac, TEST_PEER_C_ID, XT_L2_STATIC, 0);
	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, 0, old);
	fdb_put(&f->maps, station_b_mac, TEST_PEER_A_ID, XT_L2_STATIC, old);
	put_local_frame_to(&to_gone, gone_mac, XT_FAMILY_V4);
	put_local_frame_to(&to_aged, test_peer_host_mac, XT_FAMILY_V4);
	put_local_frame_to(&to_static, station_b_mac, XT_FAMILY_V4);
	expect_encapped_skb(f, &to_gone, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "entry of no peer");
	expect_encapped_skb(f, &to_aged, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "aged entry");
	expect_encapped(f, &to_static, TEST_PEER_A_ID, "static entry as old");
}

/* A frame that came in on the overlay device (a bridge port in hairpin mode sends it back)
 * would go from one peer to another: never. */
static void frame_from_the_overlay_device_is_not_relayed(void **state)
{
	const struct test_fixture *f = *state;
	struct __sk_buff skb = { .ingress_ifindex = TEST_OVERLAY_IFINDEX };
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_RELAY };
	struct pkt bcast = {};

	put_local_frame_to(&bcast, broadcast_mac, XT_FAMILY_V4);
	expect_run_skb(f, &bcast, &skb, &want, "hairpinned broadcast", &(struct pkt){});
}

static void segment_program_refuses_gso_and_sends_segments(void **state)
{
	struct test_fixture *f = *state;
	struct __sk_buff gso = { .gso_size = 1400, .gso_segs = 2 };
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_ENCAP_FAILED };
	struct pkt frame = {};

	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	put_local_frame_to(&frame, test_peer_host_mac, XT_FAMILY_V4);
	expect_run_skb(f, &frame, &gso, &want, "GSO packet", &(struct pkt){});
	expect_encapped(f, &frame, TEST_PEER_A_ID, "segment");
}

/* ARP suppression. */

/* RFC 826's request, broadcast, from the local station for target. */
static void put_arp_request_for(struct pkt *p, const char *spa, const char *target)
{
	static const uint8_t unknown[6];

	put_eth(p, broadcast_mac, station_local_mac, ETHERTYPE_ARP);
	put_arp(p, ARP_OP_REQUEST, station_local_mac, spa, unknown, target);
}

/* The reply to it: from the target's MAC, to the requester's hardware address. */
static void put_arp_reply(struct pkt *p, const uint8_t target_mac[6], const char *target)
{
	put_eth(p, station_local_mac, target_mac, ETHERTYPE_ARP);
	put_arp(p, 2, target_mac, target, station_local_mac, TEST_LOCAL_HOST);
}

static void expect_answered(const struct test_fixture *f, const struct pkt *in,
			    const struct pkt *answer, enum xt_reason reason, const char *what)
{
	const struct run_expect want = { .verdict = TEST_REDIRECT,
					 .reason = reason,
					 .out = answer };

	expect_run(f, in, &want, what);
}

static void answers_arp_request_from_the_neighbour_table(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt req = {}, reply = {}, req_b = {}, reply_b = {};

	neigh_put(&f->maps, TEST_PEER_A_HOST, test_peer_host_mac, XT_L2_PEER_NONE, XT_L2_STATIC, 0);
	neigh_put(&f->maps, TEST_PEER_B_HOST, station_b_mac, TEST_PEER_B_ID, 0, mono_ns());
	put_arp_request_for(&req, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	put_arp_reply(&reply, test_peer_host_mac, TEST_PEER_A_HOST);
	put_arp_request_for(&req_b, TEST_LOCAL_HOST, TEST_PEER_B_HOST);
	put_arp_reply(&reply_b, station_b_mac, TEST_PEER_B_HOST);
	expect_answered(f, &req, &reply, XT_OK_ARP_SUPPRESSED, "request for a static entry");
	expect_answered(f, &req_b, &reply_b, XT_OK_ARP_SUPPRESSED, "request for a learned entry");
}

/* Ethernet pads a request to 60 bytes: the answer keeps the frame's length, padding and
 * all, as the kernel's bridge would not, but as any receiver takes it. */
static void answers_padded_arp_request_in_place(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt req = {}, reply = {};
	static const uint8_t pad[18];

	neigh_put(&f->maps, TEST_PEER_A_HOST, test_peer_host_mac, XT_L2_PEER_NONE, XT_L2_STATIC, 0);
	put_arp_request_for(&req, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	put_bytes(&req, pad, sizeof(pad));
	put_arp_reply(&reply, test_peer_host_mac, TEST_PEER_A_HOST);
	put_bytes(&reply, pad, sizeof(pad));
	expect_answered(f, &req, &reply, XT_OK_ARP_SUPPRESSED, "padded request");
}

/* What the table cannot answer goes on as any frame: an unknown address, an aged entry, a
 * gratuitous ARP (it announces), and a unicast request (a host checking its neighbour is
 * still there, which only the neighbour may answer). */
static void arp_the_table_cannot_answer_goes_on(void **state)
{
	const struct test_fixture *f = *state;
	const uint32_t only_b[] = { TEST_PEER_B_ID };
	const uint64_t old = mono_ns() - (XT_L2_DEFAULT_AGEING + 1) * SEC_NS;
	static const uint8_t zero[6];
	struct pkt unknown = {}, aged = {}, garp = {}, unicast = {};

	flood_set(&f->maps, only_b, 1);
	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	neigh_put(&f->maps, TEST_PEER_A_HOST, test_peer_host_mac, XT_L2_PEER_NONE, XT_L2_STATIC, 0);
	neigh_put(&f->maps, TEST_PEER_B_HOST, station_b_mac, TEST_PEER_B_ID, 0, old);
	put_arp_request_for(&unknown, TEST_LOCAL_HOST, TEST_UNROUTED_HOST);
	put_arp_request_for(&aged, TEST_LOCAL_HOST, TEST_PEER_B_HOST);
	put_arp_request_for(&garp, TEST_PEER_A_HOST, TEST_PEER_A_HOST);
	put_eth(&unicast, test_peer_host_mac, station_local_mac, ETHERTYPE_ARP);
	put_arp(&unicast, ARP_OP_REQUEST, station_local_mac, TEST_LOCAL_HOST, zero,
		TEST_PEER_A_HOST);
	expect_encapped_skb(f, &unknown, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "unknown address");
	expect_encapped_skb(f, &aged, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "aged entry");
	expect_encapped_skb(f, &garp, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "gratuitous ARP");
	expect_encapped(f, &unicast, TEST_PEER_A_ID, "unicast request");
}

/* ND suppression. */

/* Duplicate address detection's solicitation (RFC 4862 section 5.4.2): from the unspecified
 * address, no option, to the target's solicited-node group. */
static void put_dad_ns(struct pkt *p, const char *target)
{
	uint8_t t[16], group[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t dst_mac[6] = { 0x33, 0x33, 0xff };
	char group_text[INET6_ADDRSTRLEN];
	size_t ip_off;

	assert_int_equal(inet_pton(AF_INET6, target, t), 1);
	memcpy(group + 13, t + 13, 3);
	memcpy(dst_mac + 3, t + 13, 3);
	assert_non_null(inet_ntop(AF_INET6, group, group_text, sizeof(group_text)));
	put_eth(p, dst_mac, station_local_mac, ETHERTYPE_IPV6);
	ip_off = p->len;
	put_ipv6_header(p,
			&(struct ipv6_fields){ .next_header = IP_PROTO_ICMPV6,
					       .hop_limit = 255,
					       .saddr = "::",
					       .daddr = group_text },
			24);
	put8(p, ICMPV6_NEIGHBOUR_SOLICITATION);
	put8(p, 0);
	put16(p, 0);
	put32(p, 0);
	put_bytes(p, t, sizeof(t));
	upper_layer_checksum_fill(p, ip_off, ip_off + 40 + 2, false);
}

static void answers_neighbour_solicitation_from_the_neighbour_table(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct pkt ns = {}, na = {}, dad = {}, dad_na = {};

	neigh_put(&f->maps, TEST_PEER_A_HOST6, test_peer_host_mac, XT_L2_PEER_NONE, XT_L2_STATIC,
		  0);
	put_neighbour_solicitation_frame(&ns, station_local_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	put_na_frame(&na, station_local_mac, test_peer_host_mac, TEST_PEER_A_HOST6,
		     TEST_LOCAL_HOST6, 0x40000000);
	put_dad_ns(&dad, TEST_PEER_A_HOST6);
	put_na_frame(&dad_na, all_nodes, test_peer_host_mac, TEST_PEER_A_HOST6, "ff02::1", 0);
	assert_int_equal(na.len, 86);
	assert_int_equal(upper_layer_sum(&na, 14), 0xffff);
	expect_answered(f, &ns, &na, XT_OK_ND_SUPPRESSED, "solicitation, Solicited set");
	expect_answered(f, &dad, &dad_na, XT_OK_ND_SUPPRESSED,
			"duplicate address detection, to all nodes, Solicited clear");
}

/* Solicitations a host would not answer are not answered: a wrong checksum, a hop limit a
 * router lowered, a code other than 0 (RFC 4861 section 7.1.1). They go on as any frame. */
static void invalid_neighbour_solicitation_is_not_answered(void **state)
{
	const struct test_fixture *f = *state;
	const uint32_t only_b[] = { TEST_PEER_B_ID };
	struct pkt bad_sum = {}, hop = {}, code = {};

	flood_set(&f->maps, only_b, 1);
	neigh_put(&f->maps, TEST_PEER_A_HOST6, test_peer_host_mac, XT_L2_PEER_NONE, XT_L2_STATIC,
		  0);
	put_neighbour_solicitation_frame(&bad_sum, station_local_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	bad_sum.b[14 + 40 + 2] ^= 0x10;
	put_neighbour_solicitation_frame(&hop, station_local_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	hop.b[14 + 7] = 254;
	put_neighbour_solicitation_frame(&code, station_local_mac, TEST_LOCAL_HOST6,
					 TEST_PEER_A_HOST6);
	code.b[14 + 40 + 1] = 1;
	upper_layer_checksum_fill(&code, 14, 14 + 40 + 2, false);
	expect_encapped_skb(f, &bad_sum, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "wrong checksum");
	expect_encapped_skb(f, &hop, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "hop limit 254");
	expect_encapped_skb(f, &code, NULL, TEST_PEER_B_ID, XT_OK_FLOOD, "code 1");
}

/* Decap: what peers send. */

static void expect_fdb(const struct test_fixture *f, const uint8_t mac[6], uint32_t peer_id,
		       uint8_t flags, const char *what)
{
	struct xt_fdb e;

	if (!fdb_get(&f->maps, mac, &e))
		test_fail("%s: no FDB entry", what);
	if (e.peer_id != peer_id || e.flags != flags)
		test_fail("%s: FDB entry of peer %u, flags %u; expected peer %u, flags %u", what,
			  e.peer_id, e.flags, peer_id, flags);
}

static void expect_learned(const struct test_fixture *f, uint32_t peer_id, uint32_t macs,
			   uint32_t neighs, const char *what)
{
	struct xt_l2_learned l = learned_of(&f->maps, peer_id);

	if (l.macs != macs || l.neighs != neighs)
		test_fail("%s: peer %u counts %u MACs and %u neighbours; expected %u and %u", what,
			  peer_id, l.macs, l.neighs, macs, neighs);
}

/* Decapsulated from peer (A or B) and delivered, the inner frame exactly, counted as the
 * peer's. */
static void expect_delivered_from(const struct test_fixture *f, const struct pkt *in,
				  const struct pkt *inner, uint32_t peer, const char *what)
{
	struct run_expect want = { .verdict = TEST_REDIRECT, .reason = XT_OK_DECAP, .out = inner };
	struct xt_peer_stats *s = peer == TEST_PEER_A_ID ? &want.peer_a : &want.peer_b;

	s->rx_packets = 1;
	s->rx_bytes = inner->len;
	expect_run(f, in, &want, what);
}

static void expect_dropped_from(const struct test_fixture *f, const struct pkt *in, uint32_t peer,
				enum xt_reason reason, const char *what)
{
	struct run_expect want = { .verdict = TEST_DROP, .reason = reason };

	if (peer == TEST_PEER_A_ID)
		want.peer_a.drops = 1;
	else if (peer == TEST_PEER_B_ID)
		want.peer_b.drops = 1;
	expect_run(f, in, &want, what);
}

static void delivers_frame_from_a_peer_and_learns_its_source(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};
	struct xt_fdb e;
	uint64_t before = mono_ns(), after;

	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "frame from A's station");
	after = mono_ns();
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, 0, "A's station");
	assert_true(fdb_get(&f->maps, test_peer_host_mac, &e));
	assert_in_range(e.seen_ns, before, after);
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A");
	expect_learned(f, TEST_PEER_B_ID, 0, 0, "B");
	assert_int_equal(fdb_count(&f->maps), 1);
}

/* A station that moves to the host behind another peer: its entry moves with the first
 * frame it sends from there, and the counts with it. */
static void mac_that_shows_up_behind_another_peer_moves(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, from_a = {}, from_b = {};

	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &from_a);
	tunnel_from(f, TEST_PEER_B_ID, &inner, &from_b);
	expect_delivered_from(f, &from_a, &inner, TEST_PEER_A_ID, "from A");
	expect_delivered_from(f, &from_b, &inner, TEST_PEER_B_ID, "the same station, from B");
	expect_fdb(f, test_peer_host_mac, TEST_PEER_B_ID, 0, "moved station");
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A after the move");
	expect_learned(f, TEST_PEER_B_ID, 1, 0, "B after the move");
	expect_delivered_from(f, &from_a, &inner, TEST_PEER_A_ID, "and back");
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, 0, "moved back");
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A after moving back");
	expect_learned(f, TEST_PEER_B_ID, 0, 0, "B after moving back");
}

/* A static entry never moves, as in the kernel's vxlan (vxlan_snoop): another peer's frame
 * from its MAC is dropped; its own peer's is delivered, and nothing counts. */
static void static_entry_never_moves(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, from_a = {}, from_b = {};

	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &from_a);
	tunnel_from(f, TEST_PEER_B_ID, &inner, &from_b);
	expect_dropped_from(f, &from_b, TEST_PEER_B_ID, XT_DROP_STATIC_MAC, "from B");
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, "after B's frame");
	expect_delivered_from(f, &from_a, &inner, TEST_PEER_A_ID, "from A");
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, "after A's frame");
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A");
	expect_learned(f, TEST_PEER_B_ID, 0, 0, "B");
}

/* The station behind A with the MAC that ends in last. */
static void station_mac(uint8_t mac[6], uint8_t last)
{
	memcpy(mac, test_peer_host_mac, 6);
	mac[5] = last;
}

/* max-macs: a peer's MAC beyond it is neither learned nor delivered (the bridge behind the
 * overlay would learn it, and its table has no limit); other peers learn on. */
static void learning_stops_at_max_macs_per_peer(void **state)
{
	const struct test_fixture *f = *state;
	uint8_t mac[6];
	int i;

	for (i = 0; i <= TEST_L2_MAX_MACS; i++) {
		struct pkt inner = {}, in = {};
		char what[32];

		station_mac(mac, (uint8_t)(0x10 + i));
		station_frame_from(&inner, mac, f->cfg.family);
		tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
		snprintf(what, sizeof(what), "MAC %d from A", i + 1);
		if (i < TEST_L2_MAX_MACS)
			expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, what);
		else
			expect_dropped_from(f, &in, TEST_PEER_A_ID, XT_DROP_MAC_LIMIT, what);
	}
	assert_false(fdb_get(&f->maps, mac, &(struct xt_fdb){}));
	expect_learned(f, TEST_PEER_A_ID, TEST_L2_MAX_MACS, 0, "A at its limit");
	assert_int_equal(fdb_count(&f->maps), TEST_L2_MAX_MACS);
	{
		struct pkt inner = {}, in = {};

		station_frame_from(&inner, station_b_mac, f->cfg.family);
		tunnel_from(f, TEST_PEER_B_ID, &inner, &in);
		expect_delivered_from(f, &in, &inner, TEST_PEER_B_ID, "a MAC from B");
		expect_fdb(f, station_b_mac, TEST_PEER_B_ID, 0, "B's station");
	}
	/* A MAC A has already is no new one. */
	{
		struct pkt inner = {}, in = {};

		station_mac(mac, 0x10);
		station_frame_from(&inner, mac, f->cfg.family);
		tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
		expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "A's first MAC again");
	}
}

/* Nor does a MAC move to a peer at its limit. */
static void mac_does_not_move_to_a_peer_at_its_limit(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};
	uint8_t mac[6];
	int i;

	for (i = 0; i < TEST_L2_MAX_MACS; i++) {
		station_mac(mac, (uint8_t)(0x10 + i));
		fdb_put(&f->maps, mac, TEST_PEER_B_ID, 0, mono_ns());
	}
	assert_int_equal(bpf_map_update_elem(f->maps.learned, &(uint32_t){ TEST_PEER_B_ID },
					     &(struct xt_l2_learned){ .macs = TEST_L2_MAX_MACS },
					     BPF_ANY),
			 0);
	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "from A");
	in.len = 0;
	tunnel_from(f, TEST_PEER_B_ID, &inner, &in);
	expect_dropped_from(f, &in, TEST_PEER_B_ID, XT_DROP_MAC_LIMIT, "the same MAC from B");
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, 0, "stays with A");
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A");
	expect_learned(f, TEST_PEER_B_ID, TEST_L2_MAX_MACS, 0, "B");
}

/* Only configured peers: our VNI from any other address is dropped, counted, and teaches
 * nothing; a valid frame would otherwise have been delivered. */
static void frame_from_an_unknown_vtep_is_dropped_and_not_learned(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_UNKNOWN_VTEP };

	put_arp_reply(&inner, test_peer_host_mac, TEST_PEER_A_HOST);
	tunnel_from(f, 0, &inner, &in);
	expect_run(f, &in, &want, "ARP reply from a stranger");
	assert_int_equal(fdb_count(&f->maps), 0);
	assert_false(neigh_get(&f->maps, TEST_PEER_A_HOST, &(struct xt_neigh){}));
}

/* What is not this overlay's is still passed on, as on the L3 overlays: another VNI. */
static void frame_for_another_vni_passes(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};
	struct tunnel_fields t;

	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	t = tunnel_from_peer_a(f, &inner);
	t.vni = TEST_VNI + 1;
	put_tunnel_packet(&in, &t);
	assert_passed_untouched(f, &in, XT_PASS_OTHER_VNI);
	assert_int_equal(fdb_count(&f->maps), 0);
}

/* A source MAC no station has (broadcast, multicast, zero) is not learned, and the frame is
 * dropped, as the kernel's bridge drops it. */
static void frame_from_a_group_or_zero_mac_is_dropped(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	static const uint8_t zero[6];
	const uint8_t *macs[] = { broadcast_mac, multicast, zero };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct pkt inner = {}, in = {};

		station_frame_from(&inner, macs[i], f->cfg.family);
		tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
		expect_dropped_from(f, &in, TEST_PEER_A_ID, XT_DROP_SOURCE_MAC,
				    i == 0   ? "broadcast"
				    : i == 1 ? "multicast"
					     : "zero");
	}
	assert_int_equal(fdb_count(&f->maps), 0);
}

/* An STP topology change notice (IEEE 802.1D: LLC 42 42 03, protocol 0, version 0, type
 * 0x80), 21 bytes: shorter than TC can take outer headers off. Both paths deliver it padded
 * with zeros to Ethernet's 60 bytes, as a NIC sends it; longer frames (ARP's 42) as they
 * are (the other cases). */
static void pads_a_short_inner_frame_to_ethernets_minimum(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t stp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
	static const uint8_t tcn[7] = { 0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x80 };
	static const uint8_t zeros[60];
	struct pkt inner = {}, padded = {}, in = {};

	put_eth(&inner, stp, test_peer_host_mac, sizeof(tcn)); /* 802.3: a length */
	put_bytes(&inner, tcn, sizeof(tcn));
	assert_int_equal(inner.len, 21);
	padded = inner;
	put_bytes(&padded, zeros, 60 - inner.len);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_delivered_from(f, &in, &padded, TEST_PEER_A_ID, "topology change notice");
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, 0, "its source");
}

/* An entry's time is written when it is older than refresh_ns, not with every frame: one
 * written ahead of now stays as it is; one older than refresh_ns becomes now. */
static void learned_entry_time_is_written_only_when_old(void **state)
{
	const struct test_fixture *f = *state;
	const uint64_t ahead = mono_ns() + 100 * SEC_NS;
	const uint64_t old = mono_ns() - 2 * XT_L2_REFRESH_NS;
	struct pkt inner = {}, in = {};
	struct xt_fdb e;
	uint64_t before;

	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, 0, ahead);
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "fresh entry");
	assert_true(fdb_get(&f->maps, test_peer_host_mac, &e));
	assert_int_equal(e.seen_ns, ahead);
	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, 0, old);
	before = mono_ns();
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "entry older than refresh_ns");
	assert_true(fdb_get(&f->maps, test_peer_host_mac, &e));
	assert_true(e.seen_ns >= before);
}

/* The FDB full: a new MAC is not learned, and its frame is not delivered. */
static void frame_with_a_new_mac_is_dropped_when_the_fdb_is_full(void **state)
{
	struct test_fixture *f = *state;
	const struct test_overlay *o = &vxlan_over_ipv4;
	struct xt_config cfg = test_config_of(o);
	struct xt_l2_config l2 = test_l2_config();
	enum test_prog prog = f->prog;
	struct pkt inner = {}, in = {};

	fixture_destroy(f);
	fixture_load_l2(f, prog, &cfg, &l2, 1);
	l2_topology_add(&f->maps, o->family);
	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, 0);
	station_frame_from(&inner, test_peer_host_mac, o->family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_dropped_from(f, &in, TEST_PEER_A_ID, XT_DROP_FDB_FULL, "new MAC, FDB full");
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A");
}

/* Neighbour table: what peers' ARP and advertisements teach. */

static void expect_neigh(const struct test_fixture *f, const char *addr, const uint8_t mac[6],
			 uint32_t peer_id, uint8_t flags, const char *what)
{
	struct xt_neigh n;

	if (!neigh_get(&f->maps, addr, &n))
		test_fail("%s: no neighbour entry for %s", what, addr);
	if (memcmp(n.mac, mac, 6) || n.peer_id != peer_id || n.flags != flags)
		test_fail("%s: %s at %02x:..:%02x of peer %u, flags %u; expected ..:%02x, peer %u, "
			  "flags %u",
			  what, addr, n.mac[0], n.mac[5], n.peer_id, n.flags, mac[5], peer_id,
			  flags);
}

static void learns_neighbours_from_arp_and_advertisements(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt reply = {}, na = {}, garp = {}, in = {};

	put_arp_reply(&reply, test_peer_host_mac, TEST_PEER_A_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &reply, &in);
	expect_delivered_from(f, &in, &reply, TEST_PEER_A_ID, "ARP reply");
	expect_neigh(f, TEST_PEER_A_HOST, test_peer_host_mac, TEST_PEER_A_ID, 0, "ARP reply");
	put_na_frame(&na, station_local_mac, test_peer_host_mac, TEST_PEER_A_HOST6,
		     TEST_LOCAL_HOST6, 0x60000000);
	in.len = 0;
	tunnel_from(f, TEST_PEER_A_ID, &na, &in);
	expect_delivered_from(f, &in, &na, TEST_PEER_A_ID, "advertisement");
	expect_neigh(f, TEST_PEER_A_HOST6, test_peer_host_mac, TEST_PEER_A_ID, 0, "advertisement");
	/* A gratuitous ARP (a request) of an address that moved to B's station. */
	put_eth(&garp, broadcast_mac, station_b_mac, ETHERTYPE_ARP);
	put_arp(&garp, ARP_OP_REQUEST, station_b_mac, TEST_PEER_A_HOST, broadcast_mac,
		TEST_PEER_A_HOST);
	in.len = 0;
	tunnel_from(f, TEST_PEER_B_ID, &garp, &in);
	expect_delivered_from(f, &in, &garp, TEST_PEER_B_ID, "gratuitous ARP from B");
	expect_neigh(f, TEST_PEER_A_HOST, station_b_mac, TEST_PEER_B_ID, 0, "moved to B");
	expect_learned(f, TEST_PEER_A_ID, 1, 1, "A");
	expect_learned(f, TEST_PEER_B_ID, 1, 1, "B");
}

/* A peer is believed only about its own MACs (in the FDB as its): an answer that points at
 * another peer's MAC, an advertisement with a wrong checksum, a static entry: not learned,
 * not changed. The frames are delivered all the same (their sources are A's). */
static void does_not_learn_neighbours_a_peer_cannot_vouch_for(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt spoof = {}, bad = {}, over_static = {}, in = {};

	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, 0);
	neigh_put(&f->maps, TEST_PEER_B_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC, 0);
	put_eth(&spoof, station_local_mac, test_peer_host_mac, ETHERTYPE_ARP);
	put_arp(&spoof, 2, station_b_mac, TEST_PEER_A_HOST, station_local_mac, TEST_LOCAL_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &spoof, &in);
	expect_delivered_from(f, &in, &spoof, TEST_PEER_A_ID, "reply claiming B's MAC");
	assert_false(neigh_get(&f->maps, TEST_PEER_A_HOST, &(struct xt_neigh){}));
	put_na_frame(&bad, station_local_mac, test_peer_host_mac, TEST_PEER_A_HOST6,
		     TEST_LOCAL_HOST6, 0x60000000);
	bad.b[14 + 40 + 3] ^= 1; /* the checksum's low bit */
	in.len = 0;
	tunnel_from(f, TEST_PEER_A_ID, &bad, &in);
	expect_delivered_from(f, &in, &bad, TEST_PEER_A_ID, "advertisement, wrong checksum");
	assert_false(neigh_get(&f->maps, TEST_PEER_A_HOST6, &(struct xt_neigh){}));
	put_arp_reply(&over_static, test_peer_host_mac, TEST_PEER_B_HOST);
	in.len = 0;
	tunnel_from(f, TEST_PEER_A_ID, &over_static, &in);
	expect_delivered_from(f, &in, &over_static, TEST_PEER_A_ID, "reply for a static address");
	expect_neigh(f, TEST_PEER_B_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC,
		     "static entry");
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A");
}

/* Ageing. */

static void sweep_due_now(const struct test_fixture *f)
{
	struct xt_l2_state st = { .next_sweep_ns = 0 };

	assert_int_equal(bpf_map_update_elem(f->maps.l2_state, &(uint32_t){ 0 }, &st, BPF_ANY), 0);
}

/* A peer's frame runs the sweep when it is due: aged learned entries go, FDB and neighbour
 * table alike, and their peers' counts with them; static ones and fresh ones stay. */
static void sweep_removes_aged_entries_and_their_counts(void **state)
{
	const struct test_fixture *f = *state;
	const uint64_t old = mono_ns() - (XT_L2_DEFAULT_AGEING + 1) * SEC_NS;
	struct pkt reply = {}, inner = {}, in = {};
	uint8_t mac[6];

	put_arp_reply(&reply, test_peer_host_mac, TEST_PEER_A_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &reply, &in);
	expect_delivered_from(f, &in, &reply, TEST_PEER_A_ID, "learn a MAC and an address");
	expect_learned(f, TEST_PEER_A_ID, 1, 1, "A, learned");
	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, 0, old);
	neigh_put(&f->maps, TEST_PEER_A_HOST, test_peer_host_mac, TEST_PEER_A_ID, 0, old);
	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, old);
	neigh_put(&f->maps, TEST_PEER_B_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC, old);
	sweep_due_now(f);
	station_mac(mac, 0x20);
	station_frame_from(&inner, mac, f->cfg.family);
	in.len = 0;
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "a frame when the sweep is due");
	assert_false(fdb_get(&f->maps, test_peer_host_mac, &(struct xt_fdb){}));
	assert_false(neigh_get(&f->maps, TEST_PEER_A_HOST, &(struct xt_neigh){}));
	expect_fdb(f, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, "static FDB entry");
	expect_neigh(f, TEST_PEER_B_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC,
		     "static neighbour");
	expect_fdb(f, mac, TEST_PEER_A_ID, 0, "the new MAC");
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A after the sweep");
}

/* Not before it is due: the sweep runs at most once every XT_L2_SWEEP_NS, and the frame
 * that runs it sets when it is due next. */
static void sweep_waits_until_it_is_due(void **state)
{
	const struct test_fixture *f = *state;
	const uint64_t old = mono_ns() - (XT_L2_DEFAULT_AGEING + 1) * SEC_NS;
	struct xt_l2_state st = { .next_sweep_ns = mono_ns() + 100 * SEC_NS };
	struct pkt inner = {}, in = {};
	uint64_t before;

	assert_int_equal(bpf_map_update_elem(f->maps.l2_state, &(uint32_t){ 0 }, &st, BPF_ANY), 0);
	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, 0, old);
	station_frame_from(&inner, test_peer_host_mac, f->cfg.family);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "not due");
	expect_fdb(f, station_b_mac, TEST_PEER_B_ID, 0, "aged, not swept yet");
	sweep_due_now(f);
	before = mono_ns();
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "due");
	assert_false(fdb_get(&f->maps, station_b_mac, &(struct xt_fdb){}));
	assert_int_equal(bpf_map_lookup_elem(f->maps.l2_state, &(uint32_t){ 0 }, &st), 0);
	assert_true(st.next_sweep_ns >= before + XT_L2_SWEEP_NS);
}

/* Ageing for real, with an ageing time of 200 ms: a learned entry is there, then, 300 ms
 * later, swept (by the loader's sweep, XT_L2_SWEEP, which is the data path's). */
static void learned_entry_ages_out(void **state)
{
	struct test_fixture *f = *state;
	struct xt_config cfg = test_config_of(&vxlan_over_ipv4);
	struct xt_l2_config l2 = test_l2_config();
	struct pkt inner = {}, in = {};
	struct xt_l2_ctl sweep = { .op = XT_L2_SWEEP };

	l2.ageing_ns = 200000000;
	fixture_destroy(f);
	fixture_load_l2(f, TEST_PROG_L2_DECAP_TC, &cfg, &l2, 0);
	l2_topology_add(&f->maps, XT_FAMILY_V4);
	station_frame_from(&inner, test_peer_host_mac, XT_FAMILY_V4);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_delivered_from(f, &in, &inner, TEST_PEER_A_ID, "learn");
	assert_int_equal(ctl_run(f, &sweep), 0);
	assert_int_equal(sweep.removed, 0);
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, 0, "young entry");
	usleep(300000);
	assert_int_equal(ctl_run(f, &sweep), 0);
	assert_int_equal(sweep.removed, 1);
	assert_false(fdb_get(&f->maps, test_peer_host_mac, &(struct xt_fdb){}));
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A");
}

/* xt_l2_ctl: the loader's changes count as the data path's do. */

static void learn_from(const struct test_fixture *f, uint32_t peer, const uint8_t mac[6])
{
	struct pkt inner = {}, in = {};

	station_frame_from(&inner, mac, f->cfg.family);
	tunnel_from(f, peer, &inner, &in);
	expect_delivered_from(f, &in, &inner, peer, "learn");
}

static void static_fdb_entry_takes_over_a_learned_one(void **state)
{
	const struct test_fixture *f = *state;
	struct xt_l2_ctl add = { .op = XT_L2_FDB_ADD, .peer_id = TEST_PEER_B_ID };

	learn_from(f, TEST_PEER_A_ID, test_peer_host_mac);
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A, learned");
	memcpy(add.mac, test_peer_host_mac, 6);
	assert_int_equal(ctl_run(f, &add), 0);
	expect_fdb(f, test_peer_host_mac, TEST_PEER_B_ID, XT_L2_STATIC, "static for B");
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A, its entry taken");
	add.peer_id = TEST_PEER_A_ID;
	assert_int_equal(ctl_run(f, &add), 0);
	expect_fdb(f, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, "static for A");
	add.peer_id = TEST_PEER_C_ID;
	assert_int_equal(ctl_run(f, &add), -EINVAL);
	add.peer_id = TEST_PEER_A_ID;
	memcpy(add.mac, broadcast_mac, 6);
	assert_int_equal(ctl_run(f, &add), -EINVAL);
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A");
	expect_learned(f, TEST_PEER_B_ID, 0, 0, "B");
}

static void fdb_del_gives_a_learned_entry_count_back(void **state)
{
	const struct test_fixture *f = *state;
	struct xt_l2_ctl del = { .op = XT_L2_FDB_DEL };

	learn_from(f, TEST_PEER_A_ID, test_peer_host_mac);
	fdb_put(&f->maps, station_b_mac, TEST_PEER_B_ID, XT_L2_STATIC, 0);
	memcpy(del.mac, test_peer_host_mac, 6);
	assert_int_equal(ctl_run(f, &del), 0);
	assert_int_equal(del.removed, 1);
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A");
	assert_int_equal(ctl_run(f, &del), -ENOENT);
	memcpy(del.mac, station_b_mac, 6);
	assert_int_equal(ctl_run(f, &del), 0);
	assert_int_equal(fdb_count(&f->maps), 0);
}

/* An entry being removed by someone else (its peer XT_L2_PEER_NONE) is theirs: -EAGAIN. */
static void ctl_leaves_an_entry_being_removed_alone(void **state)
{
	const struct test_fixture *f = *state;
	struct xt_l2_ctl del = { .op = XT_L2_FDB_DEL };
	struct xt_l2_ctl add = { .op = XT_L2_FDB_ADD, .peer_id = TEST_PEER_A_ID };

	fdb_put(&f->maps, test_peer_host_mac, XT_L2_PEER_NONE, 0, mono_ns());
	memcpy(del.mac, test_peer_host_mac, 6);
	memcpy(add.mac, test_peer_host_mac, 6);
	assert_int_equal(ctl_run(f, &del), -EAGAIN);
	assert_int_equal(ctl_run(f, &add), -EAGAIN);
	expect_fdb(f, test_peer_host_mac, XT_L2_PEER_NONE, 0, "untouched");
}

static void neigh_add_and_del(void **state)
{
	const struct test_fixture *f = *state;
	struct xt_l2_ctl add = { .op = XT_L2_NEIGH_ADD }, del = { .op = XT_L2_NEIGH_DEL };
	struct pkt reply = {}, in = {};

	put_arp_reply(&reply, test_peer_host_mac, TEST_PEER_A_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &reply, &in);
	expect_delivered_from(f, &in, &reply, TEST_PEER_A_ID, "learn");
	expect_learned(f, TEST_PEER_A_ID, 1, 1, "A");
	map_addr(TEST_PEER_A_HOST, add.addr);
	memcpy(add.mac, station_b_mac, 6);
	assert_int_equal(ctl_run(f, &add), 0);
	expect_neigh(f, TEST_PEER_A_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC, "added");
	expect_learned(f, TEST_PEER_A_ID, 1, 0, "A, its neighbour taken");
	map_addr(TEST_PEER_A_HOST, del.addr);
	assert_int_equal(ctl_run(f, &del), 0);
	assert_int_equal(ctl_run(f, &del), -ENOENT);
	assert_false(neigh_get(&f->maps, TEST_PEER_A_HOST, &(struct xt_neigh){}));
}

/* A peer that goes takes everything of its with it; its counts start from zero for the next
 * peer with its id; the other peers' entries stay. */
static void peer_forget_removes_all_of_a_peer(void **state)
{
	const struct test_fixture *f = *state;
	struct xt_l2_ctl forget = { .op = XT_L2_PEER_FORGET, .peer_id = TEST_PEER_A_ID };
	struct pkt reply = {}, in = {};
	static const uint8_t static_mac[6] = { 0x02, 0, 0, 0, 0, 0x5a };
	uint8_t mac[6];

	put_arp_reply(&reply, test_peer_host_mac, TEST_PEER_A_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &reply, &in);
	expect_delivered_from(f, &in, &reply, TEST_PEER_A_ID, "learn from A");
	station_mac(mac, 0x40);
	learn_from(f, TEST_PEER_A_ID, mac);
	learn_from(f, TEST_PEER_B_ID, station_b_mac);
	fdb_put(&f->maps, static_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	neigh_put(&f->maps, TEST_PEER_B_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC, 0);
	expect_learned(f, TEST_PEER_A_ID, 2, 1, "A before");
	/* A count a learner left behind while A went (it looked A up before A was removed):
	 * the next peer with A's id starts from zero all the same. */
	assert_int_equal(bpf_map_update_elem(f->maps.learned, &(uint32_t){ TEST_PEER_A_ID },
					     &(struct xt_l2_learned){ .macs = 3, .neighs = 2 },
					     BPF_ANY),
			 0);
	assert_int_equal(ctl_run(f, &forget), 0);
	assert_int_equal(forget.removed, 4);
	assert_int_equal(fdb_count(&f->maps), 1);
	expect_fdb(f, station_b_mac, TEST_PEER_B_ID, 0, "B's");
	expect_neigh(f, TEST_PEER_B_HOST, station_b_mac, XT_L2_PEER_NONE, XT_L2_STATIC, "static");
	assert_false(neigh_get(&f->maps, TEST_PEER_A_HOST, &(struct xt_neigh){}));
	expect_learned(f, TEST_PEER_A_ID, 0, 0, "A after");
	expect_learned(f, TEST_PEER_B_ID, 1, 0, "B after");
}

/*
 * The loader tells this build's programs from another version's by the size of their
 * .rodata map (loader/overlay.c): the section must hold the configuration and nothing else,
 * no constant the compiler put there for an initialised struct.
 */
#define EXPECT_RODATA_IS_THE_SKELETONS(name)                                                       \
	do {                                                                                       \
		struct name##_bpf *skel = name##_bpf__open();                                      \
                                                                                                   \
		assert_non_null(skel);                                                             \
		assert_int_equal(bpf_map__value_size(skel->maps.rodata), sizeof(*skel->rodata));   \
		name##_bpf__destroy(skel);                                                         \
	} while (0)

static void rodata_sections_hold_only_the_configuration(void **state)
{
	(void)state;
	EXPECT_RODATA_IS_THE_SKELETONS(xt_tc);
	EXPECT_RODATA_IS_THE_SKELETONS(xt_xdp);
	EXPECT_RODATA_IS_THE_SKELETONS(xt_l2);
	EXPECT_RODATA_IS_THE_SKELETONS(xt_l2_xdp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		L2_ENCAP_CASE_ON(sends_frame_to_the_peer_the_fdb_has_for_its_destination,
				 vxlan_over_ipv4),
		L2_ENCAP_CASE_ON(sends_frame_to_the_peer_the_fdb_has_for_its_destination,
				 vxlan_over_ipv6),
		L2_ENCAP_CASE_ON(sends_frame_to_the_peer_the_fdb_has_for_its_destination,
				 geneve_over_ipv4),
		L2_ENCAP_CASE_ON(sends_frame_to_the_peer_the_fdb_has_for_its_destination,
				 geneve_over_ipv6),
		L2_ENCAP_CASE_ON(sends_arp_and_other_types_to_the_peer_the_fdb_has,
				 vxlan_over_ipv4),
		L2_ENCAP_CASE_ON(sends_arp_and_other_types_to_the_peer_the_fdb_has,
				 vxlan_over_ipv6),
		L2_ENCAP_CASE_ON(sends_arp_and_other_types_to_the_peer_the_fdb_has,
				 geneve_over_ipv4),
		L2_ENCAP_CASE_ON(sends_arp_and_other_types_to_the_peer_the_fdb_has,
				 geneve_over_ipv6),
		L2_ENCAP_CASE_ON(floods_unknown_unicast_broadcast_and_multicast, vxlan_over_ipv4),
		L2_ENCAP_CASE_ON(floods_unknown_unicast_broadcast_and_multicast, geneve_over_ipv6),
		L2_ENCAP_CASE(copy_goes_to_the_peer_its_mark_names),
		L2_ENCAP_CASE(frame_without_the_cookie_is_no_copy),
		L2_ENCAP_CASE(copy_for_a_peer_that_is_gone_is_dropped),
		L2_ENCAP_CASE(frame_to_flood_without_a_flood_peer_is_dropped),
		L2_ENCAP_CASE(stale_fdb_entries_are_flooded),
		L2_ENCAP_CASE(frame_from_the_overlay_device_is_not_relayed),
		{ "l2_encap_seg_segment_program_refuses_gso_and_sends_segments",
		  segment_program_refuses_gso_and_sends_segments, setup_l2_encap_seg,
		  fixture_teardown, NULL },
		/* Over IPv6 a GSO packet would otherwise be handed on to be segmented. */
		{ "l2_encap_seg_vxlan_over_ipv6_segment_program_refuses_gso_and_sends_segments",
		  segment_program_refuses_gso_and_sends_segments, setup_l2_encap_seg,
		  fixture_teardown, (void *)&vxlan_over_ipv6 },
		L2_ENCAP_CASE(answers_arp_request_from_the_neighbour_table),
		L2_ENCAP_CASE(answers_padded_arp_request_in_place),
		L2_ENCAP_CASE(arp_the_table_cannot_answer_goes_on),
		L2_ENCAP_CASE(answers_neighbour_solicitation_from_the_neighbour_table),
		L2_ENCAP_CASE_ON(answers_neighbour_solicitation_from_the_neighbour_table,
				 geneve_over_ipv6),
		L2_ENCAP_CASE(invalid_neighbour_solicitation_is_not_answered),
		L2_DECAP_CASE_ON(delivers_frame_from_a_peer_and_learns_its_source, vxlan_over_ipv4),
		L2_DECAP_CASE_ON(delivers_frame_from_a_peer_and_learns_its_source, vxlan_over_ipv6),
		L2_DECAP_CASE_ON(delivers_frame_from_a_peer_and_learns_its_source,
				 geneve_over_ipv4),
		L2_DECAP_CASE_ON(delivers_frame_from_a_peer_and_learns_its_source,
				 geneve_over_ipv6),
		L2_DECAP_CASE(mac_that_shows_up_behind_another_peer_moves),
		L2_DECAP_CASE(static_entry_never_moves),
		L2_DECAP_CASE(learning_stops_at_max_macs_per_peer),
		L2_DECAP_CASE(mac_does_not_move_to_a_peer_at_its_limit),
		L2_DECAP_CASE_ON(frame_from_an_unknown_vtep_is_dropped_and_not_learned,
				 vxlan_over_ipv4),
		L2_DECAP_CASE_ON(frame_from_an_unknown_vtep_is_dropped_and_not_learned,
				 geneve_over_ipv6),
		L2_DECAP_CASE(frame_for_another_vni_passes),
		L2_DECAP_CASE(frame_from_a_group_or_zero_mac_is_dropped),
		L2_DECAP_CASE(learned_entry_time_is_written_only_when_old),
		L2_DECAP_CASE_ON(pads_a_short_inner_frame_to_ethernets_minimum, vxlan_over_ipv4),
		L2_DECAP_CASE_ON(pads_a_short_inner_frame_to_ethernets_minimum, geneve_over_ipv6),
		L2_DECAP_CASE(frame_with_a_new_mac_is_dropped_when_the_fdb_is_full),
		L2_DECAP_CASE(learns_neighbours_from_arp_and_advertisements),
		L2_DECAP_CASE(does_not_learn_neighbours_a_peer_cannot_vouch_for),
		L2_DECAP_CASE(sweep_removes_aged_entries_and_their_counts),
		L2_DECAP_CASE(sweep_waits_until_it_is_due),
		{ "l2_ctl_learned_entry_ages_out", learned_entry_ages_out, setup_l2_decap_tc,
		  fixture_teardown, NULL },
		{ "l2_ctl_static_fdb_entry_takes_over_a_learned_one",
		  static_fdb_entry_takes_over_a_learned_one, setup_l2_decap_tc, fixture_teardown,
		  NULL },
		{ "l2_ctl_fdb_del_gives_a_learned_entry_count_back",
		  fdb_del_gives_a_learned_entry_count_back, setup_l2_decap_tc, fixture_teardown,
		  NULL },
		{ "l2_ctl_leaves_an_entry_being_removed_alone",
		  ctl_leaves_an_entry_being_removed_alone, setup_l2_decap_tc, fixture_teardown,
		  NULL },
		{ "l2_ctl_neigh_add_and_del", neigh_add_and_del, setup_l2_decap_tc,
		  fixture_teardown, NULL },
		{ "l2_ctl_peer_forget_removes_all_of_a_peer", peer_forget_removes_all_of_a_peer,
		  setup_l2_decap_tc, fixture_teardown, NULL },
		cmocka_unit_test(rodata_sections_hold_only_the_configuration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
