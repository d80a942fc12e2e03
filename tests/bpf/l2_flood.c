// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xt_l2_encap on a real overlay device, for what BPF_PROG_TEST_RUN cannot show.
 *
 * Head-end replication: the clones go back into the device's egress, take the unicast path
 * there and leave through a real uplink.
 * BPF_PROG_TEST_RUN runs the program on the frame to flood, and that run's clones are sent
 * for real: every copy but the last is caught on the far end of the uplink's veth (with
 * the MACs bpf_redirect_neigh filled in from the neighbour table), the last is the run's
 * own output. Each flood peer must get exactly one copy, exactly as expected_encap_on
 * builds it; a peer with flood off none.
 *
 * A frame with an accelerated VLAN tag, as a VLAN-aware bridge sends it: BPF_PROG_TEST_RUN
 * cannot set skb->vlan_present, and this kernel has neither bridge VLAN filtering nor 8021q
 * devices, so a filter ahead of xt_l2_encap pushes the tag (tests/bpf/progs/vlan_push.bpf.c).
 * The tag must be in the inner frame that leaves the uplink.
 *
 * It all happens in a network namespace this process makes for itself (unshare), with
 * static neighbours for the peers' endpoints, so nothing leaves it; it goes with the
 * process.
 */
#define _GNU_SOURCE
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include "l2_harness.h"
#include "vlan_push.skel.h"

#define OVERLAY_DEV "xtl2o"
#define UPLINK_DEV "xtl2u"
#define WIRE_DEV "xtl2w" /* the uplink veth's other end, where the copies are caught */

/* The peers' underlay MACs, as the static neighbour entries give them. */
static const uint8_t peer_a_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x02 };
static const uint8_t peer_b_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x03 };
static const uint8_t peer_c_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x00, 0x04 };

struct wire {
	int overlay, overlay_peer, uplink;
	int sock; /* AF_PACKET on WIRE_DEV */

	bool hooked;
};

static struct wire wire;

static void sh(const char *cmd)
{
	if (system(cmd))
		fail_msg("failed: %s", cmd);
}

static int wire_setup(void **state)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };

	(void)state;
	assert_int_equal(unshare(CLONE_NEWNET), 0);
	sh("ip link set lo up"
	   " && ip link add " OVERLAY_DEV " type veth peer name " OVERLAY_DEV "p"
	   " && ip link add " UPLINK_DEV " address 02:00:5e:00:00:01 type veth peer name " WIRE_DEV
	   " && sysctl -qw net.ipv6.conf." WIRE_DEV ".disable_ipv6=1"
	   " && sysctl -qw net.ipv6.conf." OVERLAY_DEV ".disable_ipv6=1"
	   " && sysctl -qw net.ipv6.conf." OVERLAY_DEV "p.disable_ipv6=1"
	   " && ip addr add " TEST_LOCAL "/24 dev " UPLINK_DEV " && ip addr add " TEST_LOCAL6
	   "/64 dev " UPLINK_DEV " nodad"
	   " && for d in " OVERLAY_DEV " " OVERLAY_DEV "p " UPLINK_DEV " " WIRE_DEV "; do"
	   "      ip link set $d up || exit 1; done"
	   " && ip neigh add " TEST_PEER_A_ENDPOINT " lladdr 02:00:5e:00:00:02 dev " UPLINK_DEV
	   " && ip neigh add " TEST_PEER_B_ENDPOINT " lladdr 02:00:5e:00:00:03 dev " UPLINK_DEV
	   " && ip neigh add " TEST_PEER_C_ENDPOINT " lladdr 02:00:5e:00:00:04 dev " UPLINK_DEV
	   " && ip neigh add " TEST_PEER_A_ENDPOINT6 " lladdr 02:00:5e:00:00:02 dev " UPLINK_DEV
	   " && ip neigh add " TEST_PEER_B_ENDPOINT6 " lladdr 02:00:5e:00:00:03 dev " UPLINK_DEV
	   " && ip neigh add " TEST_PEER_C_ENDPOINT6 " lladdr 02:00:5e:00:00:04 dev " UPLINK_DEV);
	wire.overlay = (int)if_nametoindex(OVERLAY_DEV);
	wire.overlay_peer = (int)if_nametoindex(OVERLAY_DEV "p");
	wire.uplink = (int)if_nametoindex(UPLINK_DEV);

	sll.sll_ifindex = (int)if_nametoindex(WIRE_DEV);
	assert_true(wire.overlay > 0 && wire.overlay_peer > 0 && wire.uplink > 0);
	wire.sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	assert_true(wire.sock >= 0);
	assert_int_equal(bind(wire.sock, (struct sockaddr *)&sll, sizeof(sll)), 0);
	return 0;
}

static int wire_teardown(void **state)
{
	(void)state;
	close(wire.sock);
	return 0;
}

/* Every frame to one of the peers' MACs that reached the wire end within wait_ms of the
 * last one. The uplink sends its own too (router solicitations, MLD reports): those go to
 * multicast MACs. */
static size_t wire_catch(struct pkt *out, size_t max, int wait_ms)
{
	struct pollfd pfd = { .fd = wire.sock, .events = POLLIN };
	size_t n = 0;

	while (poll(&pfd, 1, wait_ms) > 0) {
		struct pkt p = {};
		ssize_t len = recv(wire.sock, p.b, sizeof(p.b), 0);

		assert_true(len > 0);
		p.len = (size_t)len;
		if (p.len < 14 || memcmp(p.b, peer_a_mac, 5))
			continue;
		if (n < max)
			out[n] = p;
		n++;
	}
	return n;
}

static void wire_drain(void)
{
	struct pkt scratch[8];

	wire_catch(scratch, 8, 0);
}

/* The L2 program on the overlay device of the wire, loaded for overlay o, attached to the
 * device's egress (so that its clones run it), with peers A, B and C. */
static int l2_wire_fixture(void **state)
{
	const struct test_overlay *o = *state;
	struct test_fixture *f = calloc(1, sizeof(*f));
	struct xt_config cfg = test_config_of(o);
	struct xt_l2_config l2 = test_l2_config();
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 2);
	const uint8_t on = XT_L2_PEER_ACTIVE | XT_L2_PEER_FLOOD;

	assert_non_null(f);
	cfg.overlay_ifindex = (uint32_t)wire.overlay;
	cfg.overlay_peer_ifindex = (uint32_t)wire.overlay_peer;
	cfg.uplink_ifindex = (uint32_t)wire.uplink;
	fixture_load_l2(f, TEST_PROG_L2_ENCAP, &cfg, &l2, 0);
	l2_topology_add(&f->maps, o->family);
	peer_add(&f->maps, peer_c_endpoint(o->family), TEST_PEER_C_ID, TEST_PEER_C_PORT);
	l2_peer_put(&f->maps, TEST_PEER_C_ID, peer_c_endpoint(o->family), TEST_PEER_C_PORT, on);
	hook.ifindex = wire.overlay;
	if (wire.hooked) { /* the previous case's program goes with its clsact */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		assert_int_equal(bpf_tc_hook_destroy(&hook), 0);
		hook.attach_point = BPF_TC_EGRESS;
	}
	assert_int_equal(bpf_tc_hook_create(&hook), 0);
	wire.hooked = true;
	opts.prog_fd = f->prog_fd;
	assert_int_equal(bpf_tc_attach(&hook, &opts), 0);
	wire_drain();
	*state = f;
	return 0;
}

/* The copy for a peer as it leaves the uplink: expected_encap_on's bytes, with the outer
 * MACs the neighbour table gave. */
static void expected_on_wire(struct pkt *p, const struct test_fixture *f, const char *endpoint,
			     uint16_t port, const uint8_t mac[6], const struct outer_entropy *e,
			     const struct pkt *frame)
{
	expected_encap_on(p, &f->cfg, endpoint, port, e, frame);
	memcpy(p->b, mac, 6);
	memcpy(p->b + 6, test_uplink_mac, 6);
}

struct flood_peer {
	uint32_t id;
	const char *endpoint;
	uint16_t port;
	const uint8_t *mac;
};

/* Floods frame to peers[0..n) (the flood list, in that order), and checks that each got
 * exactly one copy: all but the last on the wire, the last as the run's output. */
static void expect_replicated(const struct test_fixture *f, const struct pkt *frame,
			      const struct flood_peer *peers, size_t n, const char *what)
{
	uint32_t ids[8];
	struct pkt out = {}, caught[16], expected;
	struct test_counters before, after;
	struct outer_entropy e;
	size_t i, j, got;
	int verdict;

	assert_true(n >= 1 && n <= 8);
	for (i = 0; i < n; i++)
		ids[i] = peers[i].id;
	flood_set(&f->maps, ids, (uint32_t)n);
	counters_read(&f->maps, &before);
	verdict = prog_run(f, frame, &out);
	counters_read(&f->maps, &after);
	if (verdict != TC_ACT_REDIRECT)
		test_fail("%s: verdict %d, expected a redirect", what, verdict);
	if (after.reasons[XT_OK_FLOOD] - before.reasons[XT_OK_FLOOD] != n)
		test_fail("%s: %llu copies counted as flood, expected %zu", what,
			  (unsigned long long)(after.reasons[XT_OK_FLOOD] -
					       before.reasons[XT_OK_FLOOD]),
			  n);
	e = outer_entropy(&out, &f->cfg);
	memset(&expected, 0, sizeof(expected));
	expected_encap_on(&expected, &f->cfg, peers[n - 1].endpoint, peers[n - 1].port, &e, frame);
	expect_pkt_equal(&out, &expected, "the last flood peer's copy (the run's output)");
	got = wire_catch(caught, 16, 200);
	if (got != n - 1)
		test_fail("%s: %zu frames on the wire, expected %zu", what, got, n - 1);
	for (i = 0; i + 1 < n; i++) {
		char name[96];

		memset(&expected, 0, sizeof(expected));
		expected_on_wire(&expected, f, peers[i].endpoint, peers[i].port, peers[i].mac, &e,
				 frame);
		for (j = 0; j < got; j++)
			if (caught[j].len == expected.len &&
			    !memcmp(caught[j].b, expected.b, expected.len))
				break;
		snprintf(name, sizeof(name), "%s: the copy for peer %u", what, peers[i].id);
		if (j == got && got)
			expect_pkt_equal(&caught[0], &expected, name); /* says how it differs */
		if (j == got)
			test_fail("%s: not on the wire", name);
	}
}

static struct flood_peer flood_peer_of(const struct test_fixture *f, uint32_t id)
{
	const struct test_addrs *u = test_addrs(f->cfg.family);
	struct flood_peer p = { .id = id };

	if (id == TEST_PEER_A_ID) {
		p.endpoint = u->peer_a_endpoint;
		p.port = TEST_PEER_A_PORT;
		p.mac = peer_a_mac;
	} else if (id == TEST_PEER_B_ID) {
		p.endpoint = u->peer_b_endpoint;
		p.port = TEST_PEER_B_PORT;
		p.mac = peer_b_mac;
	} else {
		p.endpoint = peer_c_endpoint(f->cfg.family);
		p.port = TEST_PEER_C_PORT;
		p.mac = peer_c_mac;
	}
	return p;
}

/* Each of peers[0..n) sent one frame of len bytes. */
static void expect_peer_tx(const struct test_fixture *f, const struct flood_peer *peers, size_t n,
			   size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct xt_peer_stats s = peer_stats(&f->maps, peers[i].id);

		if (s.tx_packets != 1 || s.tx_bytes != len)
			test_fail("peer %u sent %llu frames, %llu bytes; expected 1, %zu",
				  peers[i].id, (unsigned long long)s.tx_packets,
				  (unsigned long long)s.tx_bytes, len);
	}
}

static void every_flood_peer_gets_one_copy_of_a_broadcast(void **state)
{
	const struct test_fixture *f = *state;
	const struct flood_peer peers[] = {
		flood_peer_of(f, TEST_PEER_A_ID),
		flood_peer_of(f, TEST_PEER_B_ID),
		flood_peer_of(f, TEST_PEER_C_ID),
	};
	struct pkt bcast = {};

	put_inner_ipv4_frame(&bcast, broadcast_mac, station_local_mac, TEST_LOCAL_HOST,
			     "10.10.255.255");
	expect_replicated(f, &bcast, peers, 3, "broadcast to A, B and C");
	expect_peer_tx(f, peers, 3, bcast.len);
}

/* An ARP request for an address nobody has told us of: the copies take ARP's way too. */
static void every_flood_peer_gets_one_copy_of_an_arp_request(void **state)
{
	const struct test_fixture *f = *state;
	const struct flood_peer peers[] = {
		flood_peer_of(f, TEST_PEER_C_ID),
		flood_peer_of(f, TEST_PEER_A_ID),
		flood_peer_of(f, TEST_PEER_B_ID),
	};
	struct pkt req = {};

	put_arp_request_frame(&req, station_local_mac, TEST_LOCAL_HOST, TEST_PEER_B_HOST);
	expect_replicated(f, &req, peers, 3, "ARP request to C, A and B");
}

/* Only flood peers: B, flood off, gets nothing of an unknown unicast frame. */
static void peer_with_flood_off_gets_no_copy(void **state)
{
	const struct test_fixture *f = *state;
	const struct flood_peer peers[] = {
		flood_peer_of(f, TEST_PEER_A_ID),
		flood_peer_of(f, TEST_PEER_C_ID),
	};
	struct pkt unknown = {};

	l2_peer_put(&f->maps, TEST_PEER_B_ID, test_addrs(f->cfg.family)->peer_b_endpoint,
		    TEST_PEER_B_PORT, XT_L2_PEER_ACTIVE);
	put_inner_ipv4_frame(&unknown, station_b_mac, station_local_mac, TEST_LOCAL_HOST,
			     TEST_PEER_B_HOST);
	expect_replicated(f, &unknown, peers, 2, "unknown unicast to A and C");
	assert_int_equal(peer_stats(&f->maps, TEST_PEER_B_ID).tx_packets, 0);
}

/* A frame sent into the overlay device, tagged for VLAN 100 on the way (vlan_push), reaches
 * xt_l2_encap with its tag beside it (skb->vlan_present: a veth takes tags to transmit that
 * way), and leaves for the FDB's peer with the tag in the inner frame, behind its MACs
 * (IEEE 802.1Q), the frame's own type behind the tag. */
static void tagged_frame_keeps_its_tag_in_the_inner_frame(void **state)
{
	const struct test_fixture *f = *state;
	const struct test_addrs *u = test_addrs(f->cfg.family);
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = wire.overlay };
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = wire.overlay, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1);
	struct pkt frame = {}, tagged, caught[4], expected = {};
	struct vlan_push_bpf *push = vlan_push_bpf__open_and_load();
	struct outer_entropy e;
	size_t got;
	int fd;

	assert_non_null(push);
	opts.prog_fd = bpf_program__fd(push->progs.vlan_push);
	assert_int_equal(bpf_tc_attach(&hook, &opts), 0);
	fdb_put(&f->maps, test_peer_host_mac, TEST_PEER_A_ID, XT_L2_STATIC, 0);
	put_inner_ipv4_frame(&frame, test_peer_host_mac, station_local_mac, TEST_LOCAL_HOST,
			     TEST_PEER_A_HOST);
	tagged = frame;
	pkt_insert_vlan_tag(&tagged, ETHERTYPE_8021Q, 100);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, frame.b, frame.len, 0, (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)frame.len);
	close(fd);
	got = wire_catch(caught, 4, 200);
	vlan_push_bpf__destroy(push);
	if (got != 1)
		test_fail("%zu frames on the wire, expected 1", got);
	e = outer_entropy(&caught[0], &f->cfg);
	expected_on_wire(&expected, f, u->peer_a_endpoint, TEST_PEER_A_PORT, peer_a_mac, &e,
			 &tagged);
	expect_pkt_equal(&caught[0], &expected, "the tagged frame, to A");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define WIRE_CASE(name, overlay)                                                                   \
	{ "l2_flood_" #overlay "_" #name, name, l2_wire_fixture, fixture_teardown,                 \
	  (void *)&overlay }
		WIRE_CASE(every_flood_peer_gets_one_copy_of_a_broadcast, vxlan_over_ipv4),
		WIRE_CASE(every_flood_peer_gets_one_copy_of_a_broadcast, vxlan_over_ipv6),
		WIRE_CASE(every_flood_peer_gets_one_copy_of_a_broadcast, geneve_over_ipv4),
		WIRE_CASE(every_flood_peer_gets_one_copy_of_a_broadcast, geneve_over_ipv6),
		WIRE_CASE(every_flood_peer_gets_one_copy_of_an_arp_request, vxlan_over_ipv4),
		WIRE_CASE(every_flood_peer_gets_one_copy_of_an_arp_request, geneve_over_ipv6),
		WIRE_CASE(peer_with_flood_off_gets_no_copy, vxlan_over_ipv4),
		WIRE_CASE(tagged_frame_keeps_its_tag_in_the_inner_frame, vxlan_over_ipv4),
		WIRE_CASE(tagged_frame_keeps_its_tag_in_the_inner_frame, geneve_over_ipv6),
	};

	return cmocka_run_group_tests(tests, wire_setup, wire_teardown);
}
