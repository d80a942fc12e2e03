// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The outer UDP checksum over IPv6 when it computes to zero. In UDP a zero checksum field
 * means "no checksum" (RFC 768), which RFC 8200 section 8.1 forbids over IPv6: a computed
 * zero is sent as all ones, its ones' complement twin, and a receiver that sums the packet
 * checksum field included gets all ones either way. A packet sent with a zero field instead
 * is dropped by every receiver that has not opted in to zero checksums (RFC 6936), such as
 * the kernel's vxlan: one packet in 65,536, lost in silence.
 *
 * The packets are made to compute to zero: the test sums an encapsulated packet itself
 * (RFC 1071) and sets two bytes of the inner source MAC, which no flow hash reads, to the
 * value that brings the sum to all ones. Then the exact packet is checked, and the kernel's
 * vxlan over IPv6, in a namespace of the test's own, must take it in: it delivers the inner
 * datagram to a socket. The same packet with a zero field goes nowhere.
 */
#define _GNU_SOURCE /* unshare(2), for netns.h */
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include "harness.h"
#include "netns.h"
#include "dev.h" /* xt_dev_mac */

/* Where the two bytes are in the inner frame: the last two of its source MAC. */
#define INNER_FREE_WORD 10

/* The inner frame's place in encap's output: behind outer Ethernet, IPv6, UDP and the
 * 8-byte VXLAN or GENEVE header (sent without options). */
#define OUTER_INNER_OFF (14 + 40 + 8 + 8)
#define OUTER_UDP_CHECK (14 + 40 + 6)

/* What this host sends to peer A's host on the overlay, inner family family, changed so
 * that the outer UDP checksum encap computes for it is zero; the encapsulated packet is left
 * in *out. */
static void frame_with_zero_outer_checksum(const struct test_fixture *f, uint8_t family,
					   struct pkt *in, struct pkt *out)
{
	struct run_expect want = { .verdict = TEST_REDIRECT, .reason = XT_OK_ENCAP };
	struct pkt probe = {};
	uint16_t rest;

	frame_to(in, family, family == XT_FAMILY_V6 ? TEST_PEER_A_HOST6 : TEST_PEER_A_HOST);
	want.peer_a.tx_packets = 1;
	want.peer_a.tx_bytes = in->len;
	expect_run_out(f, in, &want, "probe", &probe);
	/* The sum of everything the checksum covers but the free word and the checksum
	 * field; the word that takes it to all ones makes the computed checksum zero. */
	set16(&probe, OUTER_UDP_CHECK, 0);
	set16(&probe, OUTER_INNER_OFF + INNER_FREE_WORD, 0);
	rest = upper_layer_sum(&probe, 14);
	set16(in, INNER_FREE_WORD, (uint16_t)(0xffff - rest));
	memset(out, 0, sizeof(*out));
	expect_run_out(f, in, &want, "packet", out);
	/* The test's own sum says it: with a zero field this packet sums to all ones. */
	memcpy(&probe, out, sizeof(probe));
	set16(&probe, OUTER_UDP_CHECK, 0);
	assert_int_equal(upper_layer_sum(&probe, 14), 0xffff);
}

static void sends_a_zero_outer_checksum_as_all_ones(void **state)
{
	static const uint8_t families[] = { XT_FAMILY_V4, XT_FAMILY_V6 };
	const struct test_fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(families); i++) {
		struct pkt in = {}, out = {};

		frame_with_zero_outer_checksum(f, families[i], &in, &out);
		if (get16(&out, OUTER_UDP_CHECK) != 0xffff)
			test_fail("inner IPv%u: a checksum that computes to 0 was sent as 0x%04x, "
				  "expected 0xffff",
				  families[i], get16(&out, OUTER_UDP_CHECK));
		/* And the rest of the packet is what it always is. */
		expect_encapped(f, &in, TEST_PEER_A_ID,
				families[i] == XT_FAMILY_V6 ? "IPv6 inside" : "IPv4 inside");
	}
}

/* Peer A's host behind the kernel's vxlan over IPv6, our uplink u0 and its uplink u1
 * joined by a veth pair; its MAC and address are the ones frame_to sends to. */
static void kernel_vxlan_peer_a(void)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", test_peer_host_mac[0],
		 test_peer_host_mac[1], test_peer_host_mac[2], test_peer_host_mac[3],
		 test_peer_host_mac[4], test_peer_host_mac[5]);
	netns_private();
	sh("ip link add u0 type veth peer name u1");
	sh("ip addr add %s/64 dev u0 nodad && ip addr add %s/64 dev u1 nodad", TEST_LOCAL6,
	   TEST_PEER_A_ENDPOINT6);
	sh("ip link set u0 up && ip link set u1 up");
	/* No udp6zerocsumrx: the kernel's default, which drops zero checksums. */
	sh("ip link add vx0 address %s type vxlan id %u local %s remote %s dstport %u dev u1", mac,
	   TEST_VNI, TEST_PEER_A_ENDPOINT6, TEST_LOCAL6, TEST_PEER_A_PORT);
	sh("ip addr add %s/24 dev vx0 && ip link set vx0 up", TEST_PEER_A_HOST);
	sh("ip route add %s/24 dev vx0", TEST_LOCAL_PREFIX);
}

/* Sends frame out of u0, u0's and u1's MACs put in as the outer ones (encap leaves them
 * to bpf_redirect_neigh). */
static void wire_send(const struct pkt *frame)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = (int)ifindex_of("u0") };
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	struct pkt p = *frame;

	assert_true(fd >= 0);
	assert_int_equal(xt_dev_mac("u1", p.b), 0);
	assert_int_equal(xt_dev_mac("u0", p.b + 6), 0);
	assert_int_equal(sendto(fd, p.b, p.len, 0, (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)p.len);
	close(fd);
}

/* The inner UDP datagram to peer A's host, if it arrives within ms. */
static ssize_t datagram_received(int fd, uint8_t *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

static void kernel_vxlan_takes_it_in(void **state)
{
	struct pkt in = {}, out = {};
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(7) };
	uint8_t buf[2048];
	ssize_t n;
	int fd;

	frame_with_zero_outer_checksum(*state, XT_FAMILY_V4, &in, &out);
	kernel_vxlan_peer_a();
	ipv4_bytes(TEST_PEER_A_HOST, (uint8_t *)&at.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&at, sizeof(at)), 0);

	/* What encap sent. */
	wire_send(&out);
	n = datagram_received(fd, buf, sizeof(buf), 2000);
	if (n != (ssize_t)sizeof(INNER_PAYLOAD) || memcmp(buf, INNER_PAYLOAD, (size_t)n))
		test_fail("the kernel's vxlan over IPv6 did not deliver what encap sent for a "
			  "checksum that computes to 0 (field 0x%04x; %zd bytes arrived)",
			  get16(&out, OUTER_UDP_CHECK), n);
	/* The same with a zero field: dropped, so the receiver does check. */
	set16(&out, OUTER_UDP_CHECK, 0);
	wire_send(&out);
	if (datagram_received(fd, buf, sizeof(buf), 500) >= 0)
		test_fail("the kernel's vxlan took a zero outer checksum over IPv6: this test "
			  "would prove nothing");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ENCAP_CASE_ON(sends_a_zero_outer_checksum_as_all_ones, vxlan_over_ipv6),
		ENCAP_CASE_ON(sends_a_zero_outer_checksum_as_all_ones, geneve_over_ipv6),
		ENCAP_CASE_ON(kernel_vxlan_takes_it_in, vxlan_over_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
