// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * progcost: what one packet costs each xtunnel program, next to a null program of the same
 * type, and how that cost and the map footprint grow with the number of prefixes.
 *
 * Each figure is the median of the kernel's own run time (bpf_prog_test_run_opts duration,
 * no syscall overhead) over many single runs: the programs change the packet, so the
 * kernel's repeat count would run them on their own output after the first time. The
 * median, not the mean: on a VM a few runs are preempted, and their microseconds would
 * move a mean of 100,000 runs by tens of nanoseconds.
 * Prints a Markdown table; used by `make bench`. `progcost encaps` prints only the table per
 * encapsulation, with each program's size as the verifier left it (xlated instructions):
 * make bench runs it alternately with progcost-notrace, the same built around the data
 * path without trace code (XT_NO_TRACE, bpf/trace.h), for what tracing costs while nobody
 * traces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xtunnel_shared.h"
#include "maps.h"
#include "routes.h" /* xt_route_put: routes are written as the loader writes them */
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"

#define RUNS 100000
#define PEERS 100000

static const uint8_t local_ip[4] = { 192, 0, 2, 1 };

/* An IPv4 address as the maps hold it: ::ffff:a.b.c.d (include/xtunnel_shared.h). */
static void mapped(uint8_t out[XT_ADDR_LEN], const void *v4)
{
	memset(out, 0, XT_ADDR_LEN);
	out[10] = 0xff;
	out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The five programs one row measures, each on its own packet: the null TC program,
 * encap, TC decap, the null XDP program, XDP decap. */
enum { J_NULL_TC, J_ENCAP, J_DECAP_TC, J_NULL_XDP, J_DECAP_XDP, JOBS };

struct job {
	int fd;
	const uint8_t *pkt;
	size_t len;
	int verdict; /* of the last run */
	double ns;   /* result */
};

#define ROUNDS 50

/*
 * Run time in ns of each job over RUNS single runs, in ROUNDS interleaved rounds so that
 * every job sees the same phases of the machine (on a VM whole seconds run 40% slower).
 * The figure is the mean of the middle half of the runs: preempted runs would move a mean
 * of all of them by tens of nanoseconds, and a median would only move in the clock's
 * steps (10 ns here).
 */
static void measure(struct job *jobs)
{
	static uint32_t ns[JOBS][RUNS];
	uint8_t out[2048];
	int j, r, i;

	for (r = 0; r < ROUNDS; r++) {
		for (j = 0; j < JOBS; j++) {
			for (i = r * (RUNS / ROUNDS); i < (r + 1) * (RUNS / ROUNDS); i++) {
				DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = jobs[j].pkt,
						    .data_size_in = (uint32_t)jobs[j].len,
						    .data_out = out, .data_size_out = sizeof(out),
						    .repeat = 1);

				if (bpf_prog_test_run_opts(jobs[j].fd, &opts)) {
					fprintf(stderr, "progcost: test run: %s\n",
						strerror(errno));
					exit(1);
				}
				ns[j][i] = opts.duration;
				jobs[j].verdict = (int)opts.retval;
			}
		}
	}
	for (j = 0; j < JOBS; j++) {
		double sum = 0;

		qsort(ns[j], RUNS, sizeof(ns[j][0]), cmp_u32);
		for (i = RUNS / 4; i < RUNS - RUNS / 4; i++)
			sum += ns[j][i];
		jobs[j].ns = sum / (RUNS - 2 * (RUNS / 4));
	}
}

/* The row's figures: each program's ns and its ratio to the null program of its type. */
static void print_costs(const struct job *jobs)
{
	printf("%.1f | %.1f (x%.2f) | %.1f (x%.2f) | %.1f | %.1f (x%.2f) |", jobs[J_NULL_TC].ns,
	       jobs[J_ENCAP].ns, jobs[J_ENCAP].ns / jobs[J_NULL_TC].ns, jobs[J_DECAP_TC].ns,
	       jobs[J_DECAP_TC].ns / jobs[J_NULL_TC].ns, jobs[J_NULL_XDP].ns, jobs[J_DECAP_XDP].ns,
	       jobs[J_DECAP_XDP].ns / jobs[J_NULL_XDP].ns);
}

/* Runs and checks the verdicts: each program must take its full path. */
static void measure_row(struct job *jobs, const char *what)
{
	measure(jobs);
	if (jobs[J_ENCAP].verdict != TC_ACT_REDIRECT ||
	    jobs[J_DECAP_TC].verdict != TC_ACT_REDIRECT ||
	    jobs[J_DECAP_XDP].verdict != XDP_REDIRECT)
		fprintf(stderr, "progcost: %s: verdicts %d %d %d, expected redirects\n", what,
			jobs[J_ENCAP].verdict, jobs[J_DECAP_TC].verdict, jobs[J_DECAP_XDP].verdict);
}

static int null_prog(enum bpf_prog_type type, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(type, "xt_null", "GPL", insns, 2, NULL);

	if (fd < 0) {
		fprintf(stderr, "progcost: loading a null program: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Ethernet + IPv4 + 64 bytes of UDP payload, from src to dst. */
static size_t inner_frame(uint8_t *p, uint32_t src, uint32_t dst)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	uint8_t *ip = p + 14;

	memset(p, 0, 14 + 20 + 8 + 64);
	memcpy(p, macs, 12);
	p[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 20 + 8 + 64;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	ip[10] = (uint8_t)(csum(ip, 20) >> 8);
	ip[11] = (uint8_t)csum(ip, 20);
	ip[21] = 53;
	ip[23] = 53;
	ip[25] = 8 + 64;
	{
		/* A real UDP checksum: encap over an IPv6 underlay reads it (RFC 768). */
		uint8_t ph[12 + 8 + 64];
		uint16_t c;

		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = 0;
		ph[11] = 8 + 64;
		memcpy(ph + 12, ip + 20, 8 + 64);
		c = csum(ph, sizeof(ph));
		ip[26] = (uint8_t)(c >> 8);
		ip[27] = (uint8_t)c;
	}
	return 14 + 20 + 8 + 64;
}

/* The inner frame in VXLAN from endpoint, as a peer sends it to us. Addressed to the MAC
 * 00:00:00:00:00:00: BPF_PROG_TEST_RUN gives a TC program an skb of the loopback device,
 * whose MAC that is, so the kernel takes the frame for this host's (PACKET_HOST), and the
 * XDP program's uplink MAC (xt_uplink_mac) is left at zero to agree. */
static size_t vxlan_packet(uint8_t *p, const uint8_t *inner, size_t inner_len, uint32_t endpoint,
			   uint32_t vni)
{
	uint8_t *ip = p + 14, *udp = ip + 20, *vx = udp + 8;
	size_t ip_len = 20 + 8 + 8 + inner_len;

	memset(p, 0, 50);
	p[6] = 2;
	p[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &endpoint, 4);
	memcpy(ip + 16, local_ip, 4);
	ip[10] = (uint8_t)(csum(ip, 20) >> 8);
	ip[11] = (uint8_t)csum(ip, 20);
	udp[0] = 0xc0;
	udp[1] = 0x01;
	udp[2] = XT_VXLAN_PORT >> 8;
	udp[3] = XT_VXLAN_PORT & 0xff;
	udp[4] = (uint8_t)((ip_len - 20) >> 8);
	udp[5] = (uint8_t)(ip_len - 20);
	vx[0] = 0x08;
	vx[4] = (uint8_t)(vni >> 16);
	vx[5] = (uint8_t)(vni >> 8);
	vx[6] = (uint8_t)vni;
	memcpy(p + 50, inner, inner_len);
	return 50 + inner_len;
}

/* Memory the kernel charges for a map, from its fdinfo. */
static unsigned long long memlock(int fd)
{
	unsigned long long v = 0;
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Peer i: endpoint 10.128.0.0 + i, id i; prefix j: 172.16.0.0/12 cut into /32s, owned by
 * peer j % PEERS, except the measured ones. */
static uint32_t peer_endpoint(uint32_t i)
{
	return htonl(0x0a800000u + i + 1);
}

/* The XDP object uses the maps of the TC object, as the loader's xt_reuse_maps has it: one
 * set of maps for both. */
static void share_maps(struct bpf_object *xdp, struct bpf_object *tc)
{
	int fd[XT_MAP_COUNT];

	xt_maps_of_obj(tc, fd);
	xt_maps_reuse(xdp, fd);
}

/* Prefix j of a table: 172.0.0.0/8 cut into /len pieces, the j-th of them. */
static uint32_t prefix_addr(uint32_t j, uint32_t len)
{
	return htonl(0xac000000u + (j << (32 - len)));
}

/* 100,000 peers, then prefixes /len owned by peer j % PEERS, with batch map operations,
 * into the trie, its index and the list of lengths, as the loader puts them. */
static void fill(struct xt_tc_bpf *tc, uint32_t prefixes, uint32_t len, double *peer_s,
		 double *route_s)
{
	struct xt_route_maps routes = xt_route_maps_of_obj(tc->obj);
	int pfd = bpf_map__fd(tc->maps.xt_peers), err;
	struct xt_peer_key *keys = calloc(PEERS, sizeof(*keys));
	struct xt_peer *vals = calloc(PEERS, sizeof(*vals));
	struct xt_route_key *rk = calloc(prefixes, sizeof(*rk));
	struct xt_route *rv = calloc(prefixes, sizeof(*rv));
	uint32_t i, count = PEERS;
	double t;

	for (i = 0; i < PEERS; i++) {
		uint32_t ep = peer_endpoint(i);

		mapped(keys[i].endpoint, &ep);
		snprintf(vals[i].name, sizeof(vals[i].name), "peer%u", i);
		vals[i].id = i;
		vals[i].port = XT_VXLAN_PORT;
	}
	for (i = 0; i < prefixes; i++) {
		uint32_t a = prefix_addr(i, len), ep = peer_endpoint(i % PEERS);

		rk[i].prefixlen = XT_V4_MAPPED_BITS + len;
		mapped(rk[i].addr, &a);
		rv[i].peer_id = i % PEERS;
		rv[i].port = XT_VXLAN_PORT;
		mapped(rv[i].endpoint, &ep);
	}
	t = now();
	if (bpf_map_update_batch(pfd, keys, vals, &count, NULL)) {
		fprintf(stderr, "progcost: peers: %s\n", strerror(errno));
		exit(1);
	}
	*peer_s = now() - t;
	t = now();
	err = xt_route_put_batch(&routes, rk, rv, prefixes);
	if (err) {
		fprintf(stderr, "progcost: routes: %s\n", strerror(-err));
		exit(1);
	}
	*route_s = now() - t;
	free(keys);
	free(vals);
	free(rk);
	free(rv);
}

/* One object per side of a tunnel, for the per-encapsulation table: A encapsulates what
 * it sends to B, B decapsulates it, so the packet B measures is A's real output. */
struct side {
	struct xt_tc_bpf *tc;
	struct xt_xdp_bpf *xdp;
};

static void addr_of(uint8_t out[XT_ADDR_LEN], uint8_t family, uint32_t v4, uint8_t v6_last)
{
	if (family == XT_FAMILY_V4) {
		mapped(out, &v4);
		return;
	}
	memset(out, 0, XT_ADDR_LEN);
	out[0] = 0x20;
	out[1] = 0x01;
	out[2] = 0x0d;
	out[3] = 0xb8;
	out[15] = v6_last;
}

static int side_load(struct side *sd, uint8_t encap, uint8_t family, int me, int other)
{
	struct xt_config cfg = { .vni = 42,
				 .key = 42,
				 .has_key = encap == XT_ENCAP_GRE,
				 .encap = encap,
				 .family = family,
				 .port = encap == XT_ENCAP_GENEVE ? XT_GENEVE_PORT : XT_VXLAN_PORT,
				 .overlay_mac = { 2, 0, 0, 0, 0, 2 },
				 .uplink_ifindex = 1,
				 .overlay_ifindex = 1,
				 .overlay_peer_ifindex = 1,
				 .max_peers = 16,
				 .max_routes = 16 };
	struct xt_peer_key pk = {};
	struct xt_peer peer = { .id = 1, .port = cfg.port };
	struct xt_route_key rk = { .prefixlen = XT_V4_MAPPED_BITS + 24 };
	struct xt_route route = { .peer_id = 1, .port = cfg.port };
	struct xt_route_maps routes;
	uint32_t net = htonl(0x0a0a0000u + ((uint32_t)other << 8));

	addr_of(cfg.local, family, htonl(0xc0000200u + (uint32_t)me), (uint8_t)me);
	sd->tc = xt_tc_bpf__open();
	sd->xdp = xt_xdp_bpf__open();
	if (!sd->tc || !sd->xdp)
		return -1;
	sd->tc->rodata->xt_cfg = cfg;
	sd->xdp->rodata->xt_cfg = cfg;
	if (xt_tc_bpf__load(sd->tc))
		return -1;
	share_maps(sd->xdp->obj, sd->tc->obj);
	if (xt_xdp_bpf__load(sd->xdp))
		return -1;
	addr_of(pk.endpoint, family, htonl(0xc0000200u + (uint32_t)other), (uint8_t)other);
	memcpy(route.endpoint, pk.endpoint, XT_ADDR_LEN);
	mapped(rk.addr, &net);
	routes = xt_route_maps_of_obj(sd->tc->obj);
	if (bpf_map_update_elem(bpf_map__fd(sd->tc->maps.xt_peers), &pk, &peer, 0) ||
	    xt_route_put(&routes, &rk, &route, BPF_ANY))
		return -1;
	return 0;
}

static void side_destroy(struct side *sd)
{
	xt_xdp_bpf__destroy(sd->xdp);
	xt_tc_bpf__destroy(sd->tc);
}

/* The program's size after the verifier: its instructions as they run (map lookups of
 * arrays inlined, dead branches of the rodata's constants removed). */
static uint32_t xlated_insns(int fd)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.xlated_prog_len / 8;
}

/* ns per packet of each program for each encapsulation and underlay family (10 prefixes,
 * a 64-byte UDP payload over IPv4 inside); with insns, the programs' sizes too. */
static void per_encap_table(int null_tc, int null_xdp, bool insns)
{
	static const char *const names[] = { "vxlan", "geneve", "gre (key)", "ipip" };
	uint8_t inner[256], out[512];
	uint8_t encap, family;

	printf("\n| encapsulation | underlay | null tc ns | encap ns | decap tc ns | null xdp ns "
	       "| decap xdp ns |%s\n",
	       insns ? " encap insns | decap tc insns | decap xdp insns |" : "");
	printf("|---|---|---|---|---|---|---|%s\n", insns ? "---|---|---|" : "");
	for (encap = 0; encap < XT_ENCAP_COUNT; encap++) {
		for (family = XT_FAMILY_V4; family <= XT_FAMILY_V6; family += 2) {
			struct side a = {}, b = {};
			size_t ilen = inner_frame(inner, htonl(0x0a0a0101), htonl(0x0a0a0207));
			DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = inner,
					    .data_size_in = (uint32_t)ilen, .data_out = out,
					    .data_size_out = sizeof(out), .repeat = 1);

			if (side_load(&a, encap, family, 1, 2) ||
			    side_load(&b, encap, family, 2, 1) ||
			    bpf_prog_test_run_opts(bpf_program__fd(a.tc->progs.xt_encap), &opts) ||
			    opts.retval != TC_ACT_REDIRECT) {
				fprintf(stderr, "progcost: %s over IPv%u: setup failed\n",
					names[encap], family);
				exit(1);
			}
			struct job jobs[JOBS] = {
				[J_NULL_TC] = { null_tc, inner, ilen },
				[J_ENCAP] = { bpf_program__fd(a.tc->progs.xt_encap), inner, ilen },
				[J_DECAP_TC] = { bpf_program__fd(b.tc->progs.xt_decap_tc), out,
						 opts.data_size_out },
				[J_NULL_XDP] = { null_xdp, out, opts.data_size_out },
				[J_DECAP_XDP] = { bpf_program__fd(b.xdp->progs.xt_decap_xdp), out,
						  opts.data_size_out },
			};

			measure_row(jobs, names[encap]);
			printf("| %s | IPv%u | ", names[encap], family);
			print_costs(jobs);
			if (insns)
				printf(" %u | %u | %u |", xlated_insns(jobs[J_ENCAP].fd),
				       xlated_insns(jobs[J_DECAP_TC].fd),
				       xlated_insns(jobs[J_DECAP_XDP].fd));
			printf("\n");
			fflush(stdout);
			side_destroy(&a);
			side_destroy(&b);
		}
	}
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 10, 10000, 1000000 };
	uint32_t vni = 42, s;
	int null_tc = null_prog(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK);
	int null_xdp = null_prog(BPF_PROG_TYPE_XDP, XDP_PASS);
	uint8_t inner[256], inner2[256], pkt[512];
	size_t ilen, plen;

	libbpf_set_print(NULL);
	if (argc > 1 && !strcmp(argv[1], "encaps")) {
		per_encap_table(null_tc, null_xdp, true);
		return 0;
	}
	printf("| prefixes | peers | load peers s | load prefixes s | B/peer | B/prefix | "
	       "null tc ns | encap ns | decap tc ns | null xdp ns | decap xdp ns |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (s = 0; s < 2 * sizeof(sizes) / sizeof(sizes[0]); s++) {
		/* Host routes (/32) first, then /31s. */
		uint32_t n = sizes[s % 3], len = s < 3 ? 32 : 31;
		struct xt_tc_bpf *tc = xt_tc_bpf__open();
		struct xt_xdp_bpf *xs = xt_xdp_bpf__open();
		struct xt_config cfg = { .vni = vni,
					 .port = XT_VXLAN_PORT,
					 .encap = XT_ENCAP_VXLAN,
					 .family = XT_FAMILY_V4,
					 .overlay_mac = { 2, 0, 0, 0, 0, 2 },
					 .uplink_ifindex = 1,
					 .overlay_ifindex = 1,
					 .overlay_peer_ifindex = 1 };
		double peer_s, route_s;
		uint32_t peer = 7, src, dst, ep;
		unsigned long long mem, peer_mem;

		if (!tc || !xs)
			return 1;
		mapped(cfg.local, local_ip);
		cfg.max_peers = PEERS;
		cfg.max_routes = n + 16;
		tc->rodata->xt_cfg = cfg;
		xs->rodata->xt_cfg = cfg;
		bpf_map__set_max_entries(tc->maps.xt_peers, PEERS);
		bpf_map__set_max_entries(tc->maps.xt_peer_stats, PEERS);
		bpf_map__set_max_entries(tc->maps.xt_peer_drops, PEERS);
		bpf_map__set_max_entries(tc->maps.xt_routes, cfg.max_routes);
		bpf_map__set_max_entries(tc->maps.xt_prefixes, cfg.max_routes);
		if (xt_tc_bpf__load(tc))
			return 1;
		share_maps(xs->obj, tc->obj);
		if (xt_xdp_bpf__load(xs))
			return 1;
		fill(tc, n, len, &peer_s, &route_s);
		mem = memlock(bpf_map__fd(tc->maps.xt_routes)) +
		      memlock(bpf_map__fd(tc->maps.xt_prefixes));
		peer_mem = memlock(bpf_map__fd(tc->maps.xt_peers)) +
			   memlock(bpf_map__fd(tc->maps.xt_peer_stats));

		/* A prefix of peer 7 in the middle of the table, as source and destination. */
		src = prefix_addr(
			(n / 2 / PEERS) * PEERS + peer < n ? (n / 2 / PEERS) * PEERS + peer : peer,
			len);
		dst = src;
		ep = peer_endpoint(peer);
		ilen = inner_frame(inner, htonl(0x0a0a0001), dst);
		plen = vxlan_packet(pkt, inner2, inner_frame(inner2, src, htonl(0x0a0a0001)), ep,
				    vni);
		{
			struct job jobs[JOBS] = {
				[J_NULL_TC] = { null_tc, inner, ilen },
				[J_ENCAP] = { bpf_program__fd(tc->progs.xt_encap), inner, ilen },
				[J_DECAP_TC] = { bpf_program__fd(tc->progs.xt_decap_tc), pkt,
						 plen },
				[J_NULL_XDP] = { null_xdp, pkt, plen },
				[J_DECAP_XDP] = { bpf_program__fd(xs->progs.xt_decap_xdp), pkt,
						  plen },
			};

			measure_row(jobs, "scale");
			printf("| %u /%u | %u | %.3f | %.3f | %.0f | %.0f | ", n, len, PEERS,
			       peer_s, route_s, (double)peer_mem / PEERS, (double)mem / n);
			print_costs(jobs);
			printf("\n");
		}
		fflush(stdout);
		xt_xdp_bpf__destroy(xs);
		xt_tc_bpf__destroy(tc);
	}
	per_encap_table(null_tc, null_xdp, false);
	close(null_tc);
	close(null_xdp);
	return 0;
}
