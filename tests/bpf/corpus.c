// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hostile packets: a corpus of malformed and unusual frames, each run through both receive
 * paths (xt_decap_tc, xt_decap_xdp) and, where the host could send it, through xt_encap.
 * Every expected verdict and reason comes from the documented rules: the list of what is
 * decapsulated in docs/security.md, the decap table of docs/architecture.md, COUNTERS in
 * docs/xtunnel.8, and the parser's own statement of them in bpf/rx.h. Where those rules say
 * nothing about a field (checksums, inner TTL, the inner frame's size), the packet meets
 * every rule there is and so is decapsulated; the comment says what happens to it next.
 * Cases run on VXLAN over IPv4 unless their name says another overlay. The l2_ cases run
 * the L2 overlays' decap programs (xt_l2_decap_tc, xt_l2_decap_xdp): only configured peers,
 * nothing learned from what is not delivered.
 *
 * What BPF_PROG_TEST_RUN on this kernel (6.18) runs at all shapes the truncation cases:
 * - It refuses input shorter than an Ethernet header, TC and XDP alike (bpf_test_init in
 *   net/bpf/test_run.c). The programs' own check of the Ethernet header cannot be reached
 *   this way; those cases assert the refusal.
 * - For TC (skb) programs it also refuses a frame whose Ethernet type is IPv4 but which is
 *   shorter than an IPv4 header (IPv6 likewise): upstream commit 12bec2bd4b76 "bpf: reject
 *   short IPv4/IPv6 inputs in bpf_prog_test_run_skb", in 6.18 stable. Such lengths run on
 *   XDP only. For TC the cases assert the refusal, so that a kernel which runs them again
 *   fails the test and makes us check the TC verdict there as well.
 */
#include "l2_harness.h"

/* The inner IPv4 frame from peer A's host: 14 + 20 + 8 + 21 bytes. */
#define INNER_IPV4_FRAME_LEN (14 + 20 + 8 + sizeof(INNER_PAYLOAD))

static void valid_arp_packet(struct pkt *in, struct pkt *inner)
{
	struct vxlan_fields vx;

	put_arp_request_frame(inner, test_peer_host_mac, TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	vx = from_peer_a(inner);
	put_vxlan_packet(in, &vx);
}

static struct run_expect passed(enum xt_reason reason)
{
	struct run_expect want = { .verdict = TEST_PASS, .reason = reason };

	return want;
}

static struct run_expect dropped(enum xt_reason reason, uint64_t peer_a_drops)
{
	struct run_expect want = {
		.verdict = TEST_DROP,
		.reason = reason,
		.peer_a = { .drops = peer_a_drops },
	};

	return want;
}

/* Run what valid leaves when cut to each length in [from, to): a header truncated at every
 * one of its offsets. fit: make the outer IPv4 and UDP lengths describe the cut frame, as a
 * sender that cut it on purpose would, so that the parser looks at what follows. A pass
 * must leave the frame untouched; a decapsulated frame must be what follows the VXLAN
 * header. */
static void cut_at_every_offset(const struct test_fixture *f, const struct pkt *valid,
				const char *header, size_t from, size_t to, bool fit,
				const struct run_expect *want)
{
	size_t len;

	assert_true(from < to && to <= valid->len);
	for (len = from; len < to; len++) {
		struct run_expect w = *want;
		struct pkt in = *valid, inner = {};
		char what[128];

		pkt_cut(&in, len);
		if (fit)
			outer_lengths_fit(&in);
		snprintf(what, sizeof(what), "%s cut after %zu of its bytes (frame of %zu)%s",
			 header, len - from, len, fit ? ", outer lengths fitted" : "");
		if (w.verdict == TEST_PASS)
			w.out = &in;
		if (w.verdict == TEST_REDIRECT) {
			put_bytes(&inner, in.b + OFF_INNER, in.len - OFF_INNER);
			w.out = &inner;
			w.peer_a.rx_packets = 1;
			w.peer_a.rx_bytes = inner.len;
		}
		expect_run(f, &in, &w, what);
	}
}

static void refused_at_every_offset(const struct test_fixture *f, const struct pkt *valid,
				    const char *header, size_t from, size_t to)
{
	size_t len;

	for (len = from; len < to; len++) {
		struct pkt in = *valid;
		char what[96];

		pkt_cut(&in, len);
		snprintf(what, sizeof(what), "%s cut after %zu of its bytes", header, len - from);
		expect_refused_by_kernel(f, &in, what);
	}
}

/* Truncation: a valid packet from peer A cut inside each of its headers in turn. */

static void outer_ethernet_cut_at_every_offset_is_refused_by_the_kernel(void **state)
{
	struct pkt inner = {}, valid = {};

	put_valid_from_peer_a(&valid, &inner);
	refused_at_every_offset(*state, &valid, "outer Ethernet", 0, OFF_IP);
}

/* pass-not-ipv4: "an IPv4 header that is short". XDP only; TC is refused (see the top). */
static void outer_ipv4_cut_at_every_offset_passes_as_not_ipv4(void **state)
{
	const struct run_expect want = passed(XT_PASS_NOT_IP);
	struct pkt inner = {}, valid = {};

	put_valid_from_peer_a(&valid, &inner);
	if (fixture_is_xdp(*state))
		cut_at_every_offset(*state, &valid, "outer IPv4", OFF_IP, OFF_UDP, false, &want);
	else
		refused_at_every_offset(*state, &valid, "outer IPv4", OFF_IP, OFF_UDP);
}

/* pass-not-udp: "IPv4 but not UDP, or a truncated UDP header". */
static void udp_header_cut_at_every_offset_passes_as_not_udp(void **state)
{
	const struct run_expect want = passed(XT_PASS_OTHER_PROTO);
	struct pkt inner = {}, valid = {};

	put_valid_from_peer_a(&valid, &inner);
	cut_at_every_offset(*state, &valid, "UDP", OFF_UDP, OFF_VXLAN, false, &want);
}

/* drop-malformed: "a truncated VXLAN header", whether the outer lengths still claim the
 * whole packet or describe the cut one. The sender is not known yet: no peer drop. */
static void vxlan_header_cut_at_every_offset_is_malformed(void **state)
{
	const struct run_expect want = dropped(XT_DROP_MALFORMED, 0);
	struct pkt inner = {}, valid = {};

	put_valid_from_peer_a(&valid, &inner);
	cut_at_every_offset(*state, &valid, "VXLAN", OFF_VXLAN, OFF_INNER, false, &want);
	cut_at_every_offset(*state, &valid, "VXLAN", OFF_VXLAN, OFF_INNER, true, &want);
}

/*
 * Behind the VXLAN header, two ways to cut. As sent, the outer lengths no longer agree with
 * the frame: drop-malformed before the sender is looked up, so no peer drop. With the
 * lengths fitted, the packet is peer A's and its inner header is truncated: drop-malformed
 * held against peer A ("drops ... after the peer is known").
 */
static void cut_inner_header(const struct test_fixture *f, const struct pkt *valid,
			     const char *header, size_t from, size_t to)
{
	const struct run_expect as_sent = dropped(XT_DROP_MALFORMED, 0);
	const struct run_expect fitted = dropped(XT_DROP_MALFORMED, 1);

	cut_at_every_offset(f, valid, header, from, to, false, &as_sent);
	cut_at_every_offset(f, valid, header, from, to, true, &fitted);
}

static void inner_ethernet_cut_at_every_offset_is_malformed(void **state)
{
	struct pkt inner = {}, valid = {};

	put_valid_from_peer_a(&valid, &inner);
	cut_inner_header(*state, &valid, "inner Ethernet", OFF_INNER, OFF_INNER_L3);
}

static void inner_ipv4_header_cut_at_every_offset_is_malformed(void **state)
{
	struct pkt inner = {}, valid = {};

	put_valid_from_peer_a(&valid, &inner);
	cut_inner_header(*state, &valid, "inner IPv4", OFF_INNER_L3, OFF_INNER_L3 + 20);
}

static void inner_arp_cut_at_every_offset_is_malformed(void **state)
{
	struct pkt inner = {}, valid = {};

	valid_arp_packet(&valid, &inner);
	assert_int_equal(valid.len, OFF_INNER_L3 + 28);
	cut_inner_header(*state, &valid, "inner ARP", OFF_INNER_L3, OFF_INNER_L3 + 28);
}

/* Past the inner IPv4 header nothing is checked: the rules end with the inner headers. A
 * datagram cut inside its UDP header or payload, the outer lengths fitted, is delivered as
 * it is, and the stack's ip_rcv drops it there (its IPv4 total length exceeds the frame). */
static void inner_payload_cut_with_fitted_lengths_is_delivered(void **state)
{
	const struct run_expect as_sent = dropped(XT_DROP_MALFORMED, 0);
	const struct run_expect fitted = { .verdict = TEST_REDIRECT, .reason = XT_OK_DECAP };
	struct pkt inner = {}, valid = {};
	size_t from = OFF_INNER_L3 + 20;

	put_valid_from_peer_a(&valid, &inner);
	assert_int_equal(valid.len, OFF_INNER + INNER_IPV4_FRAME_LEN);
	cut_at_every_offset(*state, &valid, "inner UDP datagram", from, valid.len, false, &as_sent);
	cut_at_every_offset(*state, &valid, "inner UDP datagram", from, valid.len, true, &fitted);
}

/* Outer IPv4 header fields. */

/* pass-not-ipv4: the table's first row asks for IHL >= 5. */
static void outer_ipv4_ihl_below_5_passes_as_not_ipv4(void **state)
{
	uint8_t ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		struct run_expect want = passed(XT_PASS_NOT_IP);
		struct pkt inner = {}, in = {};
		char what[32];

		put_valid_from_peer_a(&in, &inner);
		in.b[OFF_IP] = 0x40 | ihl;
		want.out = &in;
		snprintf(what, sizeof(what), "IHL %u", ihl);
		expect_run(*state, &in, &want, what);
	}
}

/* The longest header there is (IHL 15): Router Alert (RFC 2113), then NOPs up to the end of
 * the option list (RFC 791). The UDP header is where IHL says: decapsulated. */
static void outer_ipv4_with_40_bytes_of_options_is_decapsulated(void **state)
{
	uint8_t options[40];
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	memset(options, 0x01, sizeof(options));
	options[0] = 0x94;
	options[1] = 0x04;
	options[2] = 0x00;
	options[3] = 0x00;
	options[39] = 0x00; /* end of option list */
	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.options = options;
	vx.ip.options_len = sizeof(options);
	put_vxlan_packet(&in, &vx);
	assert_int_equal(in.b[OFF_IP], 0x4f);
	assert_decapped(*state, &in, &inner);
}

/* IHL 6 on a 20-byte header: the UDP header is looked for 4 bytes late, where its checksum
 * (zero) is taken for the destination port: pass-other-port, untouched. */
static void outer_ipv4_ihl_longer_than_written_header_passes_as_other_port(void **state)
{
	struct pkt inner = {}, in = {};

	put_valid_from_peer_a(&in, &inner);
	in.b[OFF_IP] = 0x46;
	outer_ipv4_checksum_update(&in);
	assert_int_equal(get16(&in, OFF_UDP_CHECK), 0);
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_PORT);
}

/* IHL 15 on a frame that ends right after a 20-byte header and a UDP header: the UDP header
 * IHL points at lies beyond the frame, pass-not-udp ("a truncated UDP header"). */
static void outer_ipv4_ihl_beyond_frame_passes_as_not_udp(void **state)
{
	struct pkt in = {};
	struct vxlan_fields vx = from_peer_a(NULL);

	vx.vxlan_len = 0;
	put_vxlan_packet(&in, &vx);
	assert_int_equal(in.len, OFF_VXLAN);
	in.b[OFF_IP] = 0x4f;
	assert_passed_untouched(*state, &in, XT_PASS_OTHER_PROTO);
}

/* Fragments are the stack's to reassemble (pass-fragment): the first (MF, offset 0), one in
 * the middle (MF and an offset) and the last (an offset, MF clear). Offsets count 8 bytes. */
static void outer_fragment(const struct test_fixture *f, uint16_t frag_off)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.ip.frag_off = frag_off;
	put_vxlan_packet(&in, &vx);
	assert_passed_untouched(f, &in, XT_PASS_FRAGMENT);
}

static void first_outer_fragment_passes(void **state)
{
	outer_fragment(*state, IP_FLAG_MF);
}

static void middle_outer_fragment_passes(void **state)
{
	outer_fragment(*state, IP_FLAG_MF | 1480 / 8);
}

static void last_outer_fragment_passes(void **state)
{
	outer_fragment(*state, 2960 / 8);
}

/* drop-malformed: "an outer IPv4 total length or UDP length that does not agree with the
 * length of the frame". ip_len and udp_len are what the headers say, as offsets from what
 * the frame needs; a trailer grows the frame behind the datagram. */
struct length_case {
	const char *what;
	int ip_len;  /* added to the right total length; or absolute if ip_abs */
	int udp_len; /* added to the right UDP length */
	bool ip_abs;
	size_t trailer;
};

static void lengths_disagree(const struct test_fixture *f, const struct length_case *c)
{
	static const uint8_t trailer[8] = { 0 }; /* what Ethernet padding would add */
	const struct run_expect want = dropped(XT_DROP_MALFORMED, 0);
	struct pkt inner = {}, in = {};
	size_t ip_len, udp_len;

	put_valid_from_peer_a(&in, &inner);
	ip_len = in.len - OFF_IP;
	udp_len = ip_len - 20;
	put_bytes(&in, trailer, c->trailer);
	set16(&in, OFF_IP_TOT_LEN, (uint16_t)(c->ip_abs ? c->ip_len : (int)ip_len + c->ip_len));
	set16(&in, OFF_UDP_LEN, (uint16_t)((int)udp_len + c->udp_len));
	outer_ipv4_checksum_update(&in);
	expect_run(f, &in, &want, c->what);
}

static void outer_ipv4_total_length_shorter_than_frame_is_malformed(void **state)
{
	static const struct length_case cases[] = {
		{ "IPv4 length one short", -1, 0, false, 0 },
		{ "IPv4 and UDP lengths one short", -1, -1, false, 0 },
		{ "IPv4 length of the header alone", 20, 0, true, 0 },
		{ "IPv4 length below the header", 19, 0, true, 0 },
		{ "IPv4 length 0 (BIG TCP only above 64 KiB)", 0, 0, true, 0 },
		{ "datagram followed by 8 bytes of padding", 0, 0, false, 8 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		lengths_disagree(*state, &cases[i]);
}

static void outer_ipv4_total_length_longer_than_frame_is_malformed(void **state)
{
	static const struct length_case cases[] = {
		{ "IPv4 length one long", 1, 0, false, 0 },
		{ "IPv4 and UDP lengths one long", 1, 1, false, 0 },
		{ "IPv4 length 65535", 0xffff, 0, true, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		lengths_disagree(*state, &cases[i]);
}

static void udp_length_not_matching_ipv4_length_is_malformed(void **state)
{
	static const struct length_case cases[] = {
		{ "UDP length one short", 0, -1, false, 0 },
		{ "UDP length one long", 0, 1, false, 0 },
		{ "UDP length 8, the header alone", 0, -(int)(INNER_IPV4_FRAME_LEN + 8), false, 0 },
		{ "UDP length 0", 0, -(int)(INNER_IPV4_FRAME_LEN + 16), false, 0 },
		{ "UDP length 65535", 0, 0xffff - (int)(INNER_IPV4_FRAME_LEN + 16), false, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		lengths_disagree(*state, &cases[i]);
}

/* Ethernet's padding (60-byte frames) is accepted behind GRE and IPIP only
 * (tests/bpf/gre_ipip.c): a VXLAN packet takes 50 bytes of IPv4 at least (UDP, VXLAN and
 * the inner Ethernet header), so one that fits in a padded frame is cut short. Cut inside
 * the VXLAN header, lengths fitted, padded with zeros: still drop-malformed. */
static void padded_vxlan_frame_is_malformed(void **state)
{
	const struct run_expect want = dropped(XT_DROP_MALFORMED, 0);
	struct pkt inner = {}, valid = {};
	size_t len;

	put_valid_from_peer_a(&valid, &inner);
	for (len = OFF_VXLAN; len < 60; len++) {
		struct pkt in = valid;
		char what[48];

		pkt_cut(&in, len);
		outer_lengths_fit(&in);
		while (in.len < 60)
			put8(&in, 0);
		snprintf(what, sizeof(what), "%zu bytes of IPv4, padded", len - OFF_IP);
		expect_run(*state, &in, &want, what);
	}
}

/* The outer checksums. drop-outer-checksum: the IPv4 header checksum, which the stack's
 * ip_rcv checks before its own vxlan could see the packet (RFC 1122 section 3.2.1.2), is
 * checked, over the options too; every other header field right, so that only the sum can
 * say. Not held against peer A: anyone can send such a packet in its name. RFC 7348
 * section 5 lets a receiver choose whether to verify a non-zero UDP checksum, and xtunnel
 * does not. */
static void wrong_outer_ipv4_checksum_is_dropped(void **state)
{
	/* Router Alert, then NOPs: IHL 15, a sum over 30 words. */
	static const uint8_t options[40] = { 0x94, 0x04, 0x00, 0x00, [4 ... 39] = 0x01 };
	const struct run_expect want = dropped(XT_DROP_OUTER_CHECKSUM, 0);
	struct pkt inner = {}, in = {}, with_options = {};
	struct vxlan_fields vx;
	size_t at;

	put_valid_from_peer_a(&in, &inner);
	set16(&in, OFF_IP_CHECK, (uint16_t)~get16(&in, OFF_IP_CHECK));
	expect_run(*state, &in, &want, "checksum complemented");
	vx = from_peer_a(&inner);
	vx.ip.options = options;
	vx.ip.options_len = sizeof(options);
	put_vxlan_packet(&with_options, &vx);
	assert_decapped(*state, &with_options, &inner);
	/* One bit of the last option word, the checksum unchanged: only a sum that covers
	 * all 60 bytes sees it. */
	for (at = OFF_IP + 20; at < OFF_IP + 60; at += 4) {
		struct pkt bad = with_options;
		char what[48];

		bad.b[at + 3] ^= 0x02;
		snprintf(what, sizeof(what), "option byte %zu changed", at + 3 - OFF_IP);
		expect_run(*state, &bad, &want, what);
	}
}

static void wrong_outer_udp_checksum_is_not_verified(void **state)
{
	struct pkt inner = {}, in = {};

	put_valid_from_peer_a(&in, &inner);
	set16(&in, OFF_UDP_CHECK, 0x1234);
	assert_decapped(*state, &in, &inner);
}

/* VXLAN header. */

/* drop-vxlan-flags: no I flag, whatever else is set. */
static void vxlan_without_i_flag_is_dropped(void **state)
{
	static const uint8_t flags[] = { 0x00, 0xff & ~VXLAN_FLAG_I };
	size_t i;

	for (i = 0; i < sizeof(flags); i++) {
		const struct run_expect want = dropped(XT_DROP_VXLAN_FLAGS, 0);
		struct pkt inner = {}, in = {};
		struct vxlan_fields vx;
		char what[32];

		inner_ipv4_from(&inner, TEST_PEER_A_HOST);
		vx = from_peer_a(&inner);
		vx.flags = flags[i];
		put_vxlan_packet(&in, &vx);
		snprintf(what, sizeof(what), "VXLAN flags 0x%02x", flags[i]);
		expect_run(*state, &in, &want, what);
	}
}

/*
 * RFC 7348 section 5: the seven R flag bits, the 24 bits after the flags and the byte after
 * the VNI "MUST be set to zero on transmission and ignored on receipt". xtunnel looks at
 * the I flag and the VNI alone, so each of them set is ignored and the packet decapsulated.
 * (Linux's own vxlan driver departs from the RFC here and drops such packets as malformed:
 * vxlan_rcv in drivers/net/vxlan/vxlan_core.c treats unparsed flags or VNI bits so.)
 */
static void vxlan_reserved(const struct test_fixture *f, uint8_t flags, uint32_t flags_reserved,
			   uint8_t vni_reserved)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	vx = from_peer_a(&inner);
	vx.flags = flags;
	vx.flags_reserved = flags_reserved;
	vx.vni_reserved = vni_reserved;
	put_vxlan_packet(&in, &vx);
	assert_decapped(f, &in, &inner);
}

static void vxlan_reserved_flag_bits_are_ignored(void **state)
{
	vxlan_reserved(*state, 0xff, 0, 0);
}

static void vxlan_reserved_bits_after_flags_are_ignored(void **state)
{
	vxlan_reserved(*state, VXLAN_FLAG_I, 0xffffff, 0);
}

static void vxlan_every_reserved_bit_set_is_ignored(void **state)
{
	vxlan_reserved(*state, 0xff, 0xffffff, 0xff);
}

/* Not IPv4 on the outside. */

/*
 * A tag in the frame (802.1Q, a priority tag with VLAN 0, 802.1ad outside 802.1Q) hides
 * the IPv4 type: pass-not-ipv4, untouched ("a VLAN-tagged ... frame"). This is the frame as
 * XDP sees it on a NIC that does not strip tags. The kernel's receive path moves the outer
 * tag into skb metadata (skb_vlan_untag in __netif_receive_skb_core) before TC ingress, so
 * xt_decap_tc on a real uplink never sees a single tag in the frame; BPF_PROG_TEST_RUN
 * cannot set that metadata.
 */
static void vlan_tagged_outer_frame_passes_as_not_ipv4(void **state)
{
	static const struct {
		const char *what;
		uint16_t outer_tpid, outer_tci; /* 0: no second tag */
		uint16_t tci;
	} tags[] = {
		{ "802.1Q, VLAN 100", 0, 0, 100 },
		{ "802.1Q priority tag, VLAN 0", 0, 0, 5 << 13 },
		{ "802.1ad 200 outside 802.1Q 100", ETHERTYPE_8021AD, 200, 100 },
	};
	size_t i;

	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		struct run_expect want = passed(XT_PASS_NOT_IP);
		struct pkt inner = {}, in = {};

		put_valid_from_peer_a(&in, &inner);
		pkt_insert_vlan_tag(&in, ETHERTYPE_8021Q, tags[i].tci);
		if (tags[i].outer_tpid)
			pkt_insert_vlan_tag(&in, tags[i].outer_tpid, tags[i].outer_tci);
		want.out = &in;
		expect_run(*state, &in, &want, tags[i].what);
	}
}

/*
 * VXLAN from peer A to our port and address over IPv6, behind extension headers: the parser
 * takes the outer IPv6 header bare (rx.h), so a chain in RFC 8200 section 4.1 order, or any
 * one extension header first, is not ours: pass-other-proto. The one exception is a
 * Fragment header first, which the stack reassembles: pass-fragment. On an IPv4 underlay
 * the same packets are not ours either, and for the same reasons (the protocol is looked
 * at before the family).
 */
static void ipv6_outer_with_extension_headers(const struct test_fixture *f, const uint8_t *chain,
					      size_t n, enum xt_reason reason, const char *what)
{
	const struct test_addrs *u = test_addrs(XT_FAMILY_V6);
	struct pkt inner = {}, in = {}, datagram = {};
	struct run_expect want = passed(reason);
	struct tunnel_fields t;
	size_t i, l4;
	uint8_t proto;

	/* What follows the outer header of a valid packet (UDP, GRE...), lifted out of it. */
	put_tunnel_from_peer_a(f, &datagram, &inner, XT_FAMILY_V4, TEST_PEER_A_HOST);
	l4 = outer_l4_offset(&datagram);
	proto = datagram.b[OFF_IP + (f->cfg.family == XT_FAMILY_V6 ? 6 : 9)];
	t = tunnel_from_peer_a(f, &inner);
	put_eth(&in, t.eth_dst, t.eth_src, ETHERTYPE_IPV6);
	put_ipv6(&in, chain[0], 8 * n + datagram.len - l4, u->peer_a_endpoint, u->local);
	for (i = 0; i < n; i++)
		put_ipv6_extension(&in, chain[i], i + 1 < n ? chain[i + 1] : proto);
	put_bytes(&in, datagram.b + l4, datagram.len - l4);
	want.out = &in;
	expect_run(f, &in, &want, what);
}

static void ipv6_outer_frame_with_extension_headers_passes_as_other_proto(void **state)
{
	static const uint8_t chain[] = { IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_ROUTING,
					 IPV6_NEXT_FRAGMENT, IPV6_NEXT_DEST_OPTS };
	static const uint8_t firsts[] = { IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_ROUTING,
					  IPV6_NEXT_DEST_OPTS };
	size_t i;

	ipv6_outer_with_extension_headers(*state, chain, sizeof(chain), XT_PASS_OTHER_PROTO,
					  "the whole chain");
	for (i = 0; i < sizeof(firsts); i++) {
		char what[32];

		snprintf(what, sizeof(what), "extension header %u alone", firsts[i]);
		ipv6_outer_with_extension_headers(*state, &firsts[i], 1, XT_PASS_OTHER_PROTO, what);
	}
}

static void ipv6_outer_fragment_passes_as_fragment(void **state)
{
	static const uint8_t fragment[] = { IPV6_NEXT_FRAGMENT, IPV6_NEXT_DEST_OPTS };

	ipv6_outer_with_extension_headers(*state, fragment, 1, XT_PASS_FRAGMENT, "Fragment header");
	ipv6_outer_with_extension_headers(*state, fragment, 2, XT_PASS_FRAGMENT,
					  "Fragment, then Destination Options");
}

/* What the inner frame carries. */

/*
 * The rules check the inner headers' presence, the IPv4 version and the source; the inner
 * TTL is not among them. The tunnel is one link (RFC 7348 is an L2 overlay), so decap does
 * not decrement it either: TTL 0 and 1 are delivered as sent, and what happens next is the
 * host's business (local delivery does not look at the TTL; forwarding would answer
 * "time exceeded").
 */
static void inner_ttl(const struct test_fixture *f, uint8_t ttl)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	ip.ttl = ttl;
	put_inner_udp_frame(&inner, test_local_host_mac, test_peer_host_mac, &ip, 32);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_int_equal(in.b[OFF_INNER_L3 + 8], ttl);
	assert_decapped(f, &in, &inner);
}

static void inner_ttl_0_is_delivered_unchanged(void **state)
{
	inner_ttl(*state, 0);
}

static void inner_ttl_1_is_delivered_unchanged(void **state)
{
	inner_ttl(*state, 1);
}

/* An inner IHL below 5 is not among the rules (only "not version 4" is): delivered, and
 * the stack's ip_rcv drops it on the overlay. */
static void inner_ipv4_ihl_below_5_is_delivered(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	inner.b[14] = 0x44;
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_decapped(*state, &in, &inner);
}

/* drop-malformed: "an inner IPv4 header that is not version 4", held against peer A. */
static void inner_ipv4_type_with_version_6_header_is_malformed(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	inner.b[14] = 0x65;
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 1);
}

/* A tagged inner frame is neither IPv4 nor ARP: drop-inner-proto, held against peer A. */
static void inner_vlan_tagged_frame_is_dropped_as_inner_proto(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	inner_ipv4_from(&inner, TEST_PEER_A_HOST);
	pkt_insert_vlan_tag(&inner, ETHERTYPE_8021Q, 100);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_INNER_PROTO, 1);
}

/*
 * On receive, the rules ask of ARP only that the whole 28-byte body be there, and read the
 * sender address where Ethernet/IPv4 ARP has it (encap, by contrast, checks hardware and
 * protocol types and lengths). An ARP that claims 8-byte hardware addresses is delivered
 * while the bytes at the sender address position are peer A's; the kernel's arp_rcv then
 * drops it, since the overlay's addresses are 6 bytes long.
 */
static void inner_arp_with_other_address_lengths_is_delivered(void **state)
{
	struct pkt inner = {}, in = {};
	struct vxlan_fields vx;

	put_arp_request_frame(&inner, test_peer_host_mac, TEST_PEER_A_HOST, TEST_LOCAL_HOST);
	inner.b[14 + 4] = 8; /* hln */
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_decapped(*state, &in, &inner);
}

/* An inner frame that is itself a VXLAN packet, from a host of peer A to this host's
 * overlay address: peer A's to send, so decapsulated, once. What is delivered is the inner
 * VXLAN packet as it is, a UDP datagram on the overlay (docs/security.md). Were it to come
 * back in on the uplink, it is not for `local` (pass-not-local): never a second layer. */
static void nested_vxlan_is_decapsulated_once(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt innermost = {}, inner = {}, in = {}, out = {};
	struct vxlan_fields nested, vx;
	struct run_expect once = {
		.verdict = TEST_REDIRECT,
		.reason = XT_OK_DECAP,
		.out = &inner,
	};
	struct run_expect again = passed(XT_PASS_NOT_LOCAL);

	inner_ipv4_from(&innermost, TEST_PEER_A_HOST);
	nested = from_peer_a(&innermost);
	nested.eth_dst = test_local_host_mac;
	nested.eth_src = test_peer_host_mac;
	nested.ip.saddr = TEST_PEER_A_HOST;
	nested.ip.daddr = TEST_LOCAL_HOST;
	put_vxlan_packet(&inner, &nested);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	once.peer_a.rx_packets = 1;
	once.peer_a.rx_bytes = inner.len;
	expect_run_out(f, &in, &once, "VXLAN in VXLAN", &out);
	/* Routed back out to the uplink, it would be addressed to the uplink's MAC. */
	memcpy(out.b, test_uplink_mac, 6);
	again.out = &out;
	expect_run(f, &out, &again, "the delivered inner VXLAN packet, received again");
}

/* The inner packet copies a packet that peer A's endpoint would send to `local`. Its source
 * is the underlay address, not within peer A's allowed-ips: drop-spoofed, held against A.
 * Nesting does not let a peer speak with the underlay's voice. */
static void nested_vxlan_from_underlay_address_is_spoofed(void **state)
{
	struct pkt innermost = {}, inner = {}, in = {};
	struct vxlan_fields nested, vx;

	inner_ipv4_from(&innermost, TEST_PEER_A_HOST);
	nested = from_peer_a(&innermost);
	put_vxlan_packet(&inner, &nested);
	vx = from_peer_a(&inner);
	put_vxlan_packet(&in, &vx);
	assert_dropped(*state, &in, XT_DROP_SPOOFED, 1);
}

/* Nothing after the VXLAN header, the lengths saying so: the inner Ethernet header is
 * truncated to nothing, drop-malformed, held against peer A. */
static void zero_length_inner_frame_is_malformed(void **state)
{
	struct pkt in = {};
	struct vxlan_fields vx = from_peer_a(NULL);

	put_vxlan_packet(&in, &vx);
	assert_int_equal(in.len, OFF_INNER);
	assert_dropped(*state, &in, XT_DROP_MALFORMED, 1);
}

/*
 * The overlay MTU (1450 here) is not among the rules: the programs know nothing of it.
 * A frame one byte over it, and a 3000-byte jumbo frame, are decapsulated and counted as
 * delivered like any other. The kernel drops them after the redirect: bpf_redirect to the
 * overlay's ingress goes through dev_forward_skb, which refuses a frame longer than the
 * device's MTU plus its header (is_skb_forwardable), and a veth drops XDP frames longer than
 * its peer's MTU. So `decap` and rx_* also count these frames that never arrive.
 */
static void inner_frame_above_overlay_mtu_is_decapsulated(void **state)
{
	const size_t ipv4_lengths[] = { 1500 - 50 + 1, 3000 };
	size_t i;

	for (i = 0; i < sizeof(ipv4_lengths) / sizeof(ipv4_lengths[0]); i++) {
		struct ipv4_fields ip = inner_ipv4_fields(TEST_PEER_A_HOST, TEST_LOCAL_HOST);
		struct run_expect want = { .verdict = TEST_REDIRECT, .reason = XT_OK_DECAP };
		struct pkt inner = {}, in = {};
		struct vxlan_fields vx;
		char what[48];

		put_inner_udp_frame(&inner, test_local_host_mac, test_peer_host_mac, &ip,
				    ipv4_lengths[i] - 28);
		assert_int_equal(inner.len, 14 + ipv4_lengths[i]);
		vx = from_peer_a(&inner);
		put_vxlan_packet(&in, &vx);
		snprintf(what, sizeof(what), "inner IPv4 datagram of %zu bytes", ipv4_lengths[i]);
		want.out = &inner;
		want.peer_a.rx_packets = 1;
		want.peer_a.rx_bytes = inner.len;
		expect_run(*state, &in, &want, what);
	}
}

/*
 * xt_encap, for what the host may send on the overlay device. The same refusals by the
 * kernel apply (TC): a frame shorter than Ethernet, and an IPv4 type frame shorter than an
 * IPv4 header, so encap's "truncated IPv4 header" (drop-malformed) is out of reach here.
 */

static void inner_frame_to_peer_a(struct pkt *frame, const struct ipv4_fields *ip)
{
	put_inner_udp_frame(frame, test_peer_host_mac, test_local_host_mac, ip,
			    sizeof(INNER_PAYLOAD));
}

static void frame_cut_inside_ethernet_is_refused_by_the_kernel(void **state)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	struct pkt frame = {};

	inner_frame_to_peer_a(&frame, &ip);
	refused_at_every_offset(*state, &frame, "Ethernet", 0, 14);
}

static void ipv4_header_cut_at_every_offset_is_refused_by_the_kernel(void **state)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	struct pkt frame = {};

	inner_frame_to_peer_a(&frame, &ip);
	refused_at_every_offset(*state, &frame, "IPv4", 14, 14 + 20);
}

/* drop-malformed: "an ARP packet that is not Ethernet/IPv4 ARP", and a cut one cannot be. */
static void arp_cut_at_every_offset_is_malformed(void **state)
{
	const struct run_expect want = dropped(XT_DROP_MALFORMED, 0);
	struct pkt frame = {};
	size_t len;

	put_arp_request_frame(&frame, test_local_host_mac, TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	for (len = 14; len < frame.len; len++) {
		struct pkt in = frame;
		char what[48];

		pkt_cut(&in, len);
		snprintf(what, sizeof(what), "ARP cut after %zu of its bytes", len - 14);
		expect_run(*state, &in, &want, what);
	}
}

/* Encap carries the inner packet as it is (the tunnel is one link): TTL 0 and 1 leave
 * unchanged inside an outer header of TTL 64. */
static void inner_ttl_0_and_1_are_sent_unchanged(void **state)
{
	uint8_t ttl;

	for (ttl = 0; ttl <= 1; ttl++) {
		struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
		struct pkt frame = {};
		char what[16];

		ip.ttl = ttl;
		inner_frame_to_peer_a(&frame, &ip);
		snprintf(what, sizeof(what), "TTL %u", ttl);
		expect_encapped(*state, &frame, TEST_PEER_A_ID, what);
	}
}

/* Encap reads the destination of an IPv4 frame from its first 20 bytes and checks nothing
 * else ("a truncated IPv4 header" is its only IPv4 fault): IHL 4 is sent; the peer's stack
 * drops it. */
static void inner_ipv4_ihl_below_5_is_sent(void **state)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	struct pkt frame = {};

	inner_frame_to_peer_a(&frame, &ip);
	frame.b[14] = 0x44;
	expect_encapped(*state, &frame, TEST_PEER_A_ID, "IHL 4");
}

/* Inner fragments are ordinary IPv4 to the tunnel: first, middle and last are sent. */
static void inner_fragments_are_sent(void **state)
{
	static const uint16_t frag_off[] = { IP_FLAG_MF, IP_FLAG_MF | 1480 / 8, 2960 / 8 };
	size_t i;

	for (i = 0; i < sizeof(frag_off) / sizeof(frag_off[0]); i++) {
		struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
		struct pkt frame = {};
		char what[40];

		ip.frag_off = frag_off[i];
		inner_frame_to_peer_a(&frame, &ip);
		snprintf(what, sizeof(what), "fragment with flags/offset 0x%04x", frag_off[i]);
		expect_encapped(*state, &frame, TEST_PEER_A_ID, what);
	}
}

/* A VXLAN packet the host sends to a host of peer A is one more UDP datagram: wrapped once,
 * like any other. */
static void vxlan_frame_from_host_is_wrapped_once(void **state)
{
	struct pkt innermost = {}, frame = {};
	struct vxlan_fields nested = from_peer_a(&innermost);

	inner_ipv4_from(&innermost, TEST_PEER_A_HOST);
	nested.eth_dst = test_peer_host_mac;
	nested.eth_src = test_local_host_mac;
	nested.ip.saddr = TEST_LOCAL_HOST;
	nested.ip.daddr = TEST_PEER_A_HOST;
	put_vxlan_packet(&frame, &nested);
	expect_encapped(*state, &frame, TEST_PEER_A_ID, "VXLAN in the overlay");
}

/* A tagged frame (a VLAN device on the overlay with the tag in the frame) is neither IPv4
 * nor ARP: drop-inner-proto. */
static void vlan_tagged_frame_is_dropped_as_inner_proto(void **state)
{
	struct ipv4_fields ip = inner_ipv4_fields(TEST_LOCAL_HOST, TEST_PEER_A_HOST);
	struct pkt frame = {};

	inner_frame_to_peer_a(&frame, &ip);
	pkt_insert_vlan_tag(&frame, ETHERTYPE_8021Q, 100);
	assert_dropped(*state, &frame, XT_DROP_INNER_PROTO, 0);
}

/* IPv6 with extension headers, from the host: encap routes by the destination in the
 * fixed header and does not look behind it. Over an IPv6 underlay the outer UDP checksum is
 * then summed over the inner bytes (the pseudo-header shortcut needs the transport header
 * right behind the IPv6 header). */
static void ipv6_frame_with_extension_headers(struct pkt *frame, const char *daddr)
{
	struct pkt udp = {};
	size_t ip_off;

	put_udp(&udp, 40000, 7, sizeof(INNER_PAYLOAD));
	put_bytes(&udp, INNER_PAYLOAD, sizeof(INNER_PAYLOAD));
	put_eth(frame, test_peer_host_mac, test_local_host_mac, ETHERTYPE_IPV6);
	ip_off = frame->len;
	put_ipv6(frame, IPV6_NEXT_HOP_BY_HOP, 16 + udp.len, TEST_LOCAL_HOST6, daddr);
	put_ipv6_extension(frame, IPV6_NEXT_HOP_BY_HOP, IPV6_NEXT_DEST_OPTS);
	put_ipv6_extension(frame, IPV6_NEXT_DEST_OPTS, IP_PROTO_UDP);
	put_bytes(frame, udp.b, udp.len);
	assert_int_equal(frame->len, ip_off + 40 + 16 + udp.len);
}

static void ipv6_frame_with_extension_headers_is_sent_by_destination(void **state)
{
	struct pkt frame = {};

	ipv6_frame_with_extension_headers(&frame, TEST_PEER_A_HOST6);
	assert_encapped(*state, &frame, TEST_PEER_A_ID);
}

static void ipv6_frame_with_extension_headers_to_unrouted_destination_has_no_route(void **state)
{
	struct pkt frame = {};

	ipv6_frame_with_extension_headers(&frame, TEST_UNROUTED_HOST6);
	assert_dropped(*state, &frame, XT_DROP_NO_ROUTE, 0);
}

/*
 * The L2 overlays (bpf/l2_rx.h): the same outer rules, then the peer, which must be a
 * configured one, then learning. docs/security.md lists what an L2 overlay delivers.
 */

/* The FDB and the neighbour table hold nothing. */
static void expect_nothing_learned(const struct test_fixture *f, const char *what)
{
	if (fdb_count(&f->maps))
		test_fail("%s: learned %u MACs", what, fdb_count(&f->maps));
	if (neigh_get(&f->maps, TEST_PEER_A_HOST, &(struct xt_neigh){}) ||
	    neigh_get(&f->maps, TEST_PEER_A_HOST6, &(struct xt_neigh){}))
		test_fail("%s: learned a neighbour", what);
}

/* Whatever an unknown VTEP sends for our VNI, of every kind a peer could send: dropped,
 * counted, held against no peer, and nothing learned from it. */
static void l2_anything_from_an_unknown_vtep_is_dropped_and_teaches_nothing(void **state)
{
	const struct test_fixture *f = *state;
	const struct run_expect want = { .verdict = TEST_DROP, .reason = XT_DROP_UNKNOWN_VTEP };
	struct pkt frames[4] = {};
	size_t i;

	station_frame_from(&frames[0], test_peer_host_mac, XT_FAMILY_V4);
	station_frame_from(&frames[1], test_peer_host_mac, XT_FAMILY_V6);
	put_eth(&frames[2], station_local_mac, test_peer_host_mac, ETHERTYPE_ARP);
	put_arp(&frames[2], 2, test_peer_host_mac, TEST_PEER_A_HOST, station_local_mac,
		TEST_LOCAL_HOST);
	put_na_frame(&frames[3], station_local_mac, test_peer_host_mac, TEST_PEER_A_HOST6,
		     TEST_LOCAL_HOST6, 0x60000000);
	for (i = 0; i < 4; i++) {
		struct pkt in = {};

		tunnel_from(f, 0, &frames[i], &in);
		expect_run(f, &in, &want,
			   i == 2   ? "ARP reply"
			   : i == 3 ? "advertisement"
				    : "frame");
	}
	expect_nothing_learned(f, "after a stranger's frames");
}

/* The inner Ethernet header cut short, from a peer: malformed, held against it, nothing
 * learned; from a stranger: the stranger's. */
static void l2_inner_ethernet_cut_at_every_offset(void **state)
{
	const struct test_fixture *f = *state;
	const struct run_expect from_peer = {
		.verdict = TEST_DROP,
		.reason = XT_DROP_MALFORMED,
		.peer_a = { .drops = 1 },
	};
	const struct run_expect from_stranger = { .verdict = TEST_DROP,
						  .reason = XT_DROP_UNKNOWN_VTEP };
	struct pkt inner = {}, valid = {}, stranger = {};

	station_frame_from(&inner, test_peer_host_mac, XT_FAMILY_V4);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &valid);
	tunnel_from(f, 0, &inner, &stranger);
	expect_cut_at_every_offset(f, &valid, OFF_INNER, OFF_INNER + 14, &from_peer,
				   "inner Ethernet from A");
	expect_cut_at_every_offset(f, &stranger, OFF_INNER, OFF_INNER + 14, &from_stranger,
				   "inner Ethernet from a stranger");
	expect_nothing_learned(f, "after cut headers");
}

/* A damaged outer header from a peer's address teaches nothing: the checksum is checked
 * before learning. */
static void l2_outer_checksum_wrong_is_dropped_before_learning(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt inner = {}, in = {};

	put_eth(&inner, station_local_mac, test_peer_host_mac, ETHERTYPE_ARP);
	put_arp(&inner, 2, test_peer_host_mac, TEST_PEER_A_HOST, station_local_mac,
		TEST_LOCAL_HOST);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	in.b[OFF_IP_CHECK] ^= 0x01;
	assert_dropped(f, &in, XT_DROP_OUTER_CHECKSUM, 0);
	expect_nothing_learned(f, "after a damaged header");
}

/* An L2 overlay carries what a bridge carries, not only IP: a frame with an 802.1Q tag in
 * it, a frame of another type, are delivered as they are, their sources learned. */
static void l2_tagged_and_other_frames_are_delivered_as_they_are(void **state)
{
	const struct test_fixture *f = *state;
	struct pkt tagged = {}, other = {}, in = {};
	struct xt_fdb e;
	size_t i;

	station_frame_from(&tagged, test_peer_host_mac, XT_FAMILY_V4);
	pkt_insert_vlan_tag(&tagged, ETHERTYPE_8021Q, 0x0064);
	put_eth(&other, station_local_mac, station_b_mac, 0x88b5);
	for (i = 0; i < 46; i++)
		put8(&other, (uint8_t)i);
	tunnel_from(f, TEST_PEER_A_ID, &tagged, &in);
	expect_decapped(f, &in, &tagged, "802.1Q-tagged frame");
	in.len = 0;
	tunnel_from(f, TEST_PEER_A_ID, &other, &in);
	expect_decapped(f, &in, &other, "frame of type 0x88b5");
	assert_true(fdb_get(&f->maps, test_peer_host_mac, &e) && e.peer_id == TEST_PEER_A_ID);
	assert_true(fdb_get(&f->maps, station_b_mac, &e) && e.peer_id == TEST_PEER_A_ID);
}

/* An inner IPv6 frame shorter than IPv6's header (TC cannot strip it as it is): padded to
 * Ethernet's minimum, on both paths. */
static void l2_short_ipv6_typed_frame_is_padded(void **state)
{
	const struct test_fixture *f = *state;
	static const uint8_t zeros[60];
	struct pkt inner = {}, padded = {}, in = {};

	put_eth(&inner, station_local_mac, test_peer_host_mac, ETHERTYPE_IPV6);
	put_bytes(&inner, zeros, 30);
	padded = inner;
	put_bytes(&padded, zeros, 60 - inner.len);
	tunnel_from(f, TEST_PEER_A_ID, &inner, &in);
	expect_decapped(f, &in, &padded, "44-byte IPv6-typed frame");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DECAP_CASE(outer_ethernet_cut_at_every_offset_is_refused_by_the_kernel),
		DECAP_CASE(outer_ipv4_cut_at_every_offset_passes_as_not_ipv4),
		DECAP_CASE(udp_header_cut_at_every_offset_passes_as_not_udp),
		DECAP_CASE(vxlan_header_cut_at_every_offset_is_malformed),
		DECAP_CASE(inner_ethernet_cut_at_every_offset_is_malformed),
		DECAP_CASE(inner_ipv4_header_cut_at_every_offset_is_malformed),
		DECAP_CASE(inner_arp_cut_at_every_offset_is_malformed),
		DECAP_CASE(inner_payload_cut_with_fitted_lengths_is_delivered),
		DECAP_CASE(outer_ipv4_ihl_below_5_passes_as_not_ipv4),
		DECAP_CASE(outer_ipv4_with_40_bytes_of_options_is_decapsulated),
		DECAP_CASE(outer_ipv4_ihl_longer_than_written_header_passes_as_other_port),
		DECAP_CASE(outer_ipv4_ihl_beyond_frame_passes_as_not_udp),
		DECAP_CASE(first_outer_fragment_passes),
		DECAP_CASE(middle_outer_fragment_passes),
		DECAP_CASE(last_outer_fragment_passes),
		DECAP_CASE(outer_ipv4_total_length_shorter_than_frame_is_malformed),
		DECAP_CASE(outer_ipv4_total_length_longer_than_frame_is_malformed),
		DECAP_CASE(udp_length_not_matching_ipv4_length_is_malformed),
		DECAP_CASE(padded_vxlan_frame_is_malformed),
		DECAP_CASE(wrong_outer_ipv4_checksum_is_dropped),
		DECAP_CASE(wrong_outer_udp_checksum_is_not_verified),
		DECAP_CASE(vxlan_without_i_flag_is_dropped),
		DECAP_CASE(vxlan_reserved_flag_bits_are_ignored),
		DECAP_CASE(vxlan_reserved_bits_after_flags_are_ignored),
		DECAP_CASE(vxlan_every_reserved_bit_set_is_ignored),
		DECAP_CASE(vlan_tagged_outer_frame_passes_as_not_ipv4),
		DECAP_CASE(ipv6_outer_frame_with_extension_headers_passes_as_other_proto),
		DECAP_CASE_ON(ipv6_outer_frame_with_extension_headers_passes_as_other_proto,
			      vxlan_over_ipv6),
		DECAP_CASE_ON(ipv6_outer_frame_with_extension_headers_passes_as_other_proto,
			      gre_key_over_ipv6),
		DECAP_CASE(ipv6_outer_fragment_passes_as_fragment),
		DECAP_CASE_ON(ipv6_outer_fragment_passes_as_fragment, vxlan_over_ipv6),
		DECAP_CASE(inner_ttl_0_is_delivered_unchanged),
		DECAP_CASE(inner_ttl_1_is_delivered_unchanged),
		DECAP_CASE(inner_ipv4_ihl_below_5_is_delivered),
		DECAP_CASE(inner_ipv4_type_with_version_6_header_is_malformed),
		DECAP_CASE(inner_vlan_tagged_frame_is_dropped_as_inner_proto),
		DECAP_CASE(inner_arp_with_other_address_lengths_is_delivered),
		DECAP_CASE(nested_vxlan_is_decapsulated_once),
		DECAP_CASE(nested_vxlan_from_underlay_address_is_spoofed),
		DECAP_CASE(zero_length_inner_frame_is_malformed),
		DECAP_CASE(inner_frame_above_overlay_mtu_is_decapsulated),
		ENCAP_CASE(frame_cut_inside_ethernet_is_refused_by_the_kernel),
		ENCAP_CASE(ipv4_header_cut_at_every_offset_is_refused_by_the_kernel),
		ENCAP_CASE(arp_cut_at_every_offset_is_malformed),
		ENCAP_CASE(inner_ttl_0_and_1_are_sent_unchanged),
		ENCAP_CASE(inner_ipv4_ihl_below_5_is_sent),
		ENCAP_CASE(inner_fragments_are_sent),
		ENCAP_CASE(vxlan_frame_from_host_is_wrapped_once),
		ENCAP_CASE(vlan_tagged_frame_is_dropped_as_inner_proto),
		ENCAP_CASE(ipv6_frame_with_extension_headers_is_sent_by_destination),
		ENCAP_CASE_ON(ipv6_frame_with_extension_headers_is_sent_by_destination,
			      vxlan_over_ipv6),
		ENCAP_CASE_ON(ipv6_frame_with_extension_headers_is_sent_by_destination,
			      ipip_over_ipv4),
		ENCAP_CASE(ipv6_frame_with_extension_headers_to_unrouted_destination_has_no_route),
		L2_DECAP_CASE_ON(l2_anything_from_an_unknown_vtep_is_dropped_and_teaches_nothing,
				 vxlan_over_ipv4),
		L2_DECAP_CASE_ON(l2_anything_from_an_unknown_vtep_is_dropped_and_teaches_nothing,
				 geneve_over_ipv6),
		L2_DECAP_CASE(l2_inner_ethernet_cut_at_every_offset),
		L2_DECAP_CASE(l2_outer_checksum_wrong_is_dropped_before_learning),
		L2_DECAP_CASE(l2_tagged_and_other_frames_are_delivered_as_they_are),
		L2_DECAP_CASE(l2_short_ipv6_typed_frame_is_padded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
