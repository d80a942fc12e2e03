// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * l2flood: what replicating a frame to flood costs an L2 overlay, per copy, and what
 * answering an ARP request from the neighbour table costs.
 *
 * In a network namespace of its own: an overlay veth pair with xt_l2_encap on its egress,
 * an uplink veth whose far end drops everything (xt_drop), and peers at 198.51.100.10 and
 * up with static neighbours. A broadcast frame is flooded to N peers, N from 1 to 64, by
 * two designs, each run once per measurement with BPF_PROG_TEST_RUN (its clones are sent
 * for real, within the run):
 * - clone: xtunnel's (bpf/flood.h): N - 1 clones back into the overlay device's egress,
 *   each then encapsulated by its own run of xt_l2_encap and sent by bpf_redirect_neigh;
 *   the frame itself is encapsulated for the last peer (whose send the test run leaves
 *   out).
 * - direct: encapsulate once, then for each peer bpf_fib_lookup, rewrite the outer
 *   headers, bpf_clone_redirect out of the uplink (bench/l2flood.bpf.c): N clones. The
 *   lookup answers only for an uplink with forwarding on (bpf_ipv4_fib_lookup checks
 *   IN_DEV_FORWARD, BPF_FIB_LOOKUP_OUTPUT or not), which it is here.
 * The cost per copy is the slope of a least-squares line through the run times. Each run
 * time is the mean of the middle half of RUNS single runs, interleaved as bench/progcost
 * does. Prints a Markdown table; used by `make bench`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xtunnel_l2.h"
#include "xt_l2.skel.h"
#include "l2flood.skel.h"

#define RUNS 20000
#define ROUNDS 20
#define MAX_PEERS 64
static const int peer_counts[] = { 1, 2, 4, 8, 16, 32, 64 };
#define N_COUNTS (int)(sizeof(peer_counts) / sizeof(peer_counts[0]))

static void die(const char *what, int err)
{
	fprintf(stderr, "l2flood: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void sh(const char *cmd)
{
	if (system(cmd))
		die(cmd, EIO);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Mean of the middle half of RUNS single runs of fd on pkt, in ROUNDS rounds. */
static double run_ns(int fd, const uint8_t *pkt, size_t len, int want)
{
	static uint32_t ns[RUNS];
	uint8_t out[2048];
	double sum = 0;
	int i;

	for (i = 0; i < RUNS; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = (uint32_t)len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

		if (bpf_prog_test_run_opts(fd, &opts))
			die("test run", errno);
		if ((int)opts.retval != want)
			die("unexpected verdict", EPROTO);
		ns[i] = opts.duration;
	}
	qsort(ns, RUNS, sizeof(ns[0]), cmp_u32);
	for (i = RUNS / 4; i < RUNS - RUNS / 4; i++)
		sum += ns[i];
	return sum / (RUNS - 2 * (RUNS / 4));
}

static void mapped(uint8_t out[16], uint32_t v4)
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &v4, 4);
}

static uint32_t peer_ip(int i)
{
	return htonl(0xc6336400u + 10 + (uint32_t)i); /* 198.51.100.10 + i */
}

static struct xt_config config(void)
{
	struct xt_config c = {
		.vni = 42,
		.port = XT_VXLAN_PORT,
		.encap = XT_ENCAP_VXLAN,
		.family = XT_FAMILY_V4,
		.uplink_ifindex = if_nametoindex("upl"),
		.overlay_ifindex = if_nametoindex("xt0"),
		.overlay_peer_ifindex = if_nametoindex("xt0p"),
		.max_peers = XT_DEFAULT_MAX_PEERS,
	};

	mapped(c.local, htonl(0xc6336401u)); /* 198.51.100.1 */
	return c;
}

static void peers_put(int peers_fd, int l2_peers_fd)
{
	int i;

	for (i = 0; i < MAX_PEERS; i++) {
		struct xt_peer_key key;
		struct xt_peer peer = { .id = (uint32_t)i, .port = XT_VXLAN_PORT };
		struct xt_l2_peer p = { .port = XT_VXLAN_PORT,
					.flags = XT_L2_PEER_ACTIVE | XT_L2_PEER_FLOOD };
		uint32_t id = (uint32_t)i;

		mapped(key.endpoint, peer_ip(i));
		mapped(p.endpoint, peer_ip(i));
		snprintf(peer.name, sizeof(peer.name), "p%d", i);
		if (bpf_map_update_elem(peers_fd, &key, &peer, BPF_ANY) ||
		    bpf_map_update_elem(l2_peers_fd, &id, &p, BPF_ANY))
			die("peers", errno);
	}
}

static void flood_put(int fd, int n)
{
	static struct xt_flood f;
	uint32_t zero = 0;
	int i;

	f.cur = 0;
	f.list[0].n = (uint32_t)n;
	for (i = 0; i < n; i++)
		f.list[0].ids[i] = (uint32_t)i;
	if (bpf_map_update_elem(fd, &zero, &f, BPF_ANY))
		die("flood list", errno);
}

static void tc_attach(int ifindex, enum bpf_tc_attach_point point, int fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = fd);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		die("clsact", err);
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		die("tc attach", err);
}

/* A broadcast frame: Ethernet, IPv4, UDP, 64 bytes. */
static size_t broadcast_frame(uint8_t *p)
{
	static const uint8_t head[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2,	  0,	0,  0,	1, 1,  0x08, 0x00,
		0x45, 0,    0,	  92,	0,    0,    0x40, 0,	64, 17, 0, 0,  10,   10,
		1,    1,    10,	  10,	255,  255,  0x9c, 0x40, 0,  7,	0, 72, 0,    0,
	};

	memset(p, 0x5a, 14 + 20 + 8 + 64);
	memcpy(p, head, sizeof(head));
	return 14 + 20 + 8 + 64;
}

/* An ARP request for 10.10.2.7 from 10.10.1.1. */
static size_t arp_request(uint8_t *p)
{
	static const uint8_t f[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 1,  1,	0x08, 0x06,
		0,    1,    0x08, 0,	6,    4,    0, 1, 2, 0, 0,  0,	1,    1,
		10,   10,   1,	  1,	0,    0,    0, 0, 0, 0, 10, 10, 2,    7,
	};

	memcpy(p, f, sizeof(f));
	return sizeof(f);
}

/* Frames peer 0 sent, over all CPUs. */
static uint64_t tx_of(int stats_fd)
{
	int ncpus = libbpf_num_possible_cpus(), c;
	struct xt_peer_stats *s = calloc((size_t)ncpus, sizeof(*s));
	uint32_t zero = 0;
	uint64_t tx = 0;

	if (!s || bpf_map_lookup_elem(stats_fd, &zero, s))
		die("peer stats", errno);
	for (c = 0; c < ncpus; c++)
		tx += s[c].tx_packets;
	free(s);
	return tx;
}

/* Least-squares slope of y over x. */
static double slope(const double *x, const double *y, int n)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	int i;

	for (i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
		sxx += x[i] * x[i];
		sxy += x[i] * y[i];
	}
	return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

int main(void)
{
	struct xt_config cfg;
	struct xt_l2_config l2 = { .refresh_ns = XT_L2_REFRESH_NS, .max_macs = 16 };
	struct xt_l2_bpf *skel;
	struct l2flood_bpf *direct;
	struct bpf_program *p;
	double x[N_COUNTS], clone_ns[N_COUNTS], direct_ns[N_COUNTS], arp_ns;
	uint8_t frame[256], arp[64];
	size_t frame_len = broadcast_frame(frame), arp_len = arp_request(arp);
	char cmd[256];
	int i;

	if (unshare(CLONE_NEWNET))
		die("unshare", errno);
	/* No IPv6 on the devices: their own solicitations would be flooded too. */
	sh("ip link set lo up && sysctl -qw net.ipv6.conf.default.disable_ipv6=1"
	   " && ip link add xt0 type veth peer name xt0p"
	   " && ip link add upl type veth peer name wire"
	   " && ip addr add 198.51.100.1/24 dev upl"
	   /* bpf_fib_lookup answers only for a device that forwards (direct) */
	   " && sysctl -qw net.ipv4.conf.upl.forwarding=1"
	   " && for d in xt0 xt0p upl wire; do ip link set $d up || exit 1; done");
	for (i = 0; i < MAX_PEERS; i++) {
		struct in_addr a = { .s_addr = peer_ip(i) };

		snprintf(cmd, sizeof(cmd), "ip neigh add %s lladdr 02:00:5e:00:01:%02x dev upl",
			 inet_ntoa(a), i);
		sh(cmd);
	}
	cfg = config();
	l2.cookie = 0x5eed5eed5eed5eedull;
	skel = xt_l2_bpf__open();
	direct = l2flood_bpf__open();
	if (!skel || !direct)
		die("open", errno);
	skel->rodata->xt_cfg = cfg;
	skel->rodata->xt_l2_cfg = l2;
	direct->rodata->xt_cfg = cfg;
	direct->rodata->xt_l2_cfg = l2;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == skel->progs.xt_l2_encap);
	if (xt_l2_bpf__load(skel))
		die("load xt_l2", errno);
	if (bpf_map__reuse_fd(direct->maps.xt_l2_peers, bpf_map__fd(skel->maps.xt_l2_peers)) ||
	    bpf_map__reuse_fd(direct->maps.xt_flood, bpf_map__fd(skel->maps.xt_flood)) ||
	    l2flood_bpf__load(direct))
		die("load l2flood", errno);
	peers_put(bpf_map__fd(skel->maps.xt_peers), bpf_map__fd(skel->maps.xt_l2_peers));
	tc_attach(if_nametoindex("xt0"), BPF_TC_EGRESS, bpf_program__fd(skel->progs.xt_l2_encap));
	tc_attach(if_nametoindex("wire"), BPF_TC_INGRESS, bpf_program__fd(direct->progs.xt_drop));

	for (i = 0; i < N_COUNTS; i++) {
		flood_put(bpf_map__fd(skel->maps.xt_flood), peer_counts[i]);
		x[i] = peer_counts[i];
		clone_ns[i] = run_ns(bpf_program__fd(skel->progs.xt_l2_encap), frame, frame_len,
				     TC_ACT_REDIRECT);
		direct_ns[i] = run_ns(bpf_program__fd(direct->progs.xt_flood_direct), frame,
				      frame_len, TC_ACT_SHOT);
	}
	{
		struct xt_neigh_key key;
		struct xt_neigh n = { .mac = { 2, 0, 0, 0x0a, 2, 7 },
				      .flags = XT_L2_STATIC,
				      .peer_id = XT_L2_PEER_NONE };

		mapped(key.addr, htonl(0x0a0a0207));
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.xt_neigh), &key, &n, BPF_ANY))
			die("neighbour", errno);
		arp_ns = run_ns(bpf_program__fd(skel->progs.xt_l2_encap), arp, arp_len,
				TC_ACT_REDIRECT);
	}

	/* Both designs must have sent every copy: peer 0 is in every flood list. */
	if (tx_of(bpf_map__fd(skel->maps.xt_peer_stats)) != (uint64_t)N_COUNTS * RUNS ||
	    tx_of(bpf_map__fd(direct->maps.xt_peer_stats)) != (uint64_t)N_COUNTS * RUNS)
		die("a design did not send every copy", EPROTO);
	printf("| flood peers | clone into the overlay device (xtunnel), ns | direct out of the "
	       "uplink (not taken), ns |\n|---|---|---|\n");
	for (i = 0; i < N_COUNTS; i++)
		printf("| %d | %.0f | %.0f |\n", peer_counts[i], clone_ns[i], direct_ns[i]);
	printf("| per copy (slope) | %.0f | %.0f |\n\n", slope(x, clone_ns, N_COUNTS),
	       slope(x, direct_ns, N_COUNTS));
	printf("ARP request answered from the neighbour table: %.0f ns, %.2f million answers/s "
	       "on one CPU (the program; delivering the answer is not counted)\n",
	       arp_ns, 1000.0 / arp_ns);
	xt_l2_bpf__destroy(skel);
	l2flood_bpf__destroy(direct);
	return 0;
}
