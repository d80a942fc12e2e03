// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * pcaprun: runs one of the real xtunnel programs (BPF_PROG_TEST_RUN) over every frame of a
 * pcap file and writes what comes out to another, so that tools independent of our code
 * (scapy, tshark) can build the inputs and judge the outputs. For each frame it prints one
 * line: "<index> <verdict> <reason>", the reason being the xt_reason counted for it.
 *
 * pcaprun PROG IN.pcap OUT.pcap [option VALUE]...
 *   PROG: encap, encap-seg, decap-tc, decap-xdp
 *   encap vxlan|geneve|gre|ipip   local ADDR   vni N   port N   key N   overlay-mac MAC
 *   uplink-mac MAC   peer ENDPOINT,ID,PORT   route PREFIX/LEN,ID,ENDPOINT,PORT   gso SIZE
 * Addresses are IPv4 or IPv6; the underlay family is local's. The decap programs take the
 * frames to uplink-mac (default 00:00:00:00:00:00) for this host's; TC runs them on a device
 * with that MAC (tests/lib/uplink_dev.c).
 */
#include <arpa/inet.h>
#include <errno.h>
/* pcap/bpf.h (classic BPF) clashes with linux/bpf.h; no filter is compiled here. */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/pcap.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xtunnel_shared.h"
#include "routes.h" /* xt_route_put: routes are written as the loader writes them */
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"
#include "uplink_dev.h"

#define MAX_FRAME 65535

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "pcaprun: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

/* 16 bytes, IPv4 as ::ffff:a.b.c.d; returns the family. */
static int map_addr(const char *text, uint8_t out[16])
{
	if (strchr(text, ':')) {
		if (inet_pton(AF_INET6, text, out) != 1)
			die("'%s' is not an address", text);
		return XT_FAMILY_V6;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	if (inet_pton(AF_INET, text, out + 12) != 1)
		die("'%s' is not an address", text);
	return XT_FAMILY_V4;
}

static char *field(char **s)
{
	char *f = strsep(s, ",");

	if (!f)
		die("missing field in a list%s", "");
	return f;
}

struct run {
	const char *prog_name;
	struct xt_config cfg;
	uint8_t uplink_mac[6];
	char *peers[64], *routes[64];
	int n_peers, n_routes;
	uint32_t gso;
};

static void maps_fill(int peers_fd, const struct xt_route_maps *routes, struct run *r)
{
	int i;

	for (i = 0; i < r->n_peers; i++) {
		struct xt_peer_key key = {};
		struct xt_peer peer = {};
		char *s = r->peers[i];

		map_addr(field(&s), key.endpoint);
		peer.id = (uint32_t)atoi(field(&s));
		peer.port = (uint16_t)atoi(field(&s));
		snprintf(peer.name, sizeof(peer.name), "peer%u", peer.id);
		if (bpf_map_update_elem(peers_fd, &key, &peer, 0))
			die("adding peer: %s", strerror(errno));
	}
	for (i = 0; i < r->n_routes; i++) {
		struct xt_route_key key = {};
		struct xt_route route = {};
		char *s = r->routes[i], *prefix = field(&s), *slash = strchr(prefix, '/');

		if (!slash)
			die("route '%s' needs /LEN", prefix);
		*slash = '\0';
		key.prefixlen = (uint32_t)atoi(slash + 1);
		if (map_addr(prefix, key.addr) == XT_FAMILY_V4)
			key.prefixlen += XT_V4_MAPPED_BITS;
		route.peer_id = (uint32_t)atoi(field(&s));
		map_addr(field(&s), route.endpoint);
		route.port = (uint16_t)atoi(field(&s));
		if (xt_route_put(routes, &key, &route, BPF_ANY))
			die("adding route: %s", strerror(errno));
	}
}

static void reasons_sum(int fd, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[512];
	uint32_t k;
	int c;

	for (k = 0; k < XT_REASON_COUNT; k++) {
		out[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, vals))
			die("reading reasons: %s", strerror(errno));
		for (c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
}

static void parse_mac(const char *val, uint8_t mac[6])
{
	unsigned int m[6], i;

	if (sscanf(val, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		die("'%s' is not a MAC address", val);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
}

static void parse_option(struct run *r, const char *key, char *val)
{
	if (!strcmp(key, "encap")) {
		const char *names[] = { "vxlan", "geneve", "gre", "ipip" };
		uint8_t i;

		for (i = 0; i < XT_ENCAP_COUNT && strcmp(names[i], val); i++)
			;
		if (i == XT_ENCAP_COUNT)
			die("unknown encap '%s'", val);
		r->cfg.encap = i;
	} else if (!strcmp(key, "local")) {
		r->cfg.family = (uint8_t)map_addr(val, r->cfg.local);
	} else if (!strcmp(key, "vni")) {
		r->cfg.vni = (uint32_t)strtoul(val, NULL, 0);
	} else if (!strcmp(key, "port")) {
		r->cfg.port = (uint16_t)strtoul(val, NULL, 0);
	} else if (!strcmp(key, "key")) {
		r->cfg.key = (uint32_t)strtoul(val, NULL, 0);
		r->cfg.has_key = 1;
	} else if (!strcmp(key, "overlay-mac")) {
		parse_mac(val, r->cfg.overlay_mac);
	} else if (!strcmp(key, "uplink-mac")) {
		parse_mac(val, r->uplink_mac);
	} else if (!strcmp(key, "peer") && r->n_peers < 64) {
		r->peers[r->n_peers++] = val;
	} else if (!strcmp(key, "route") && r->n_routes < 64) {
		r->routes[r->n_routes++] = val;
	} else if (!strcmp(key, "gso")) {
		r->gso = (uint32_t)strtoul(val, NULL, 0);
	} else {
		die("unknown option '%s'", key);
	}
}

int main(int argc, char **argv)
{
	static uint8_t out[MAX_FRAME + 256];
	struct run r = { .cfg = { .vni = 1,
				  .port = XT_VXLAN_PORT,
				  .family = XT_FAMILY_V4,
				  .uplink_ifindex = 3,
				  .overlay_ifindex = 7,
				  .overlay_peer_ifindex = 8,
				  .max_peers = 64,
				  .max_routes = 64 } };
	char errbuf[PCAP_ERRBUF_SIZE];
	struct xt_tc_bpf *tc = NULL;
	struct xt_xdp_bpf *xdp = NULL;
	int prog_fd, peers_fd, reasons_fd, i, n = 0, uplink = 0;
	struct xt_route_maps routes;
	struct pcap_pkthdr *hdr;
	const u_char *frame;
	pcap_dumper_t *dump;
	pcap_t *in, *dead;

	if (argc < 4 || (argc - 4) % 2)
		die("usage: pcaprun PROG IN.pcap OUT.pcap [option VALUE]...%s", "");
	for (i = 4; i < argc; i += 2)
		parse_option(&r, argv[i], argv[i + 1]);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!strcmp(argv[1], "decap-xdp")) {
		xdp = xt_xdp_bpf__open();
		if (!xdp)
			die("opening the XDP object%s", "");
		xdp->rodata->xt_cfg = r.cfg;
		memcpy(xdp->rodata->xt_uplink_mac, r.uplink_mac, 6);
		if (xt_xdp_bpf__load(xdp))
			die("loading the XDP object%s", "");
		prog_fd = bpf_program__fd(xdp->progs.xt_decap_xdp);
		peers_fd = bpf_map__fd(xdp->maps.xt_peers);
		routes = xt_route_maps_of_obj(xdp->obj);
		reasons_fd = bpf_map__fd(xdp->maps.xt_reasons);
	} else {
		tc = xt_tc_bpf__open();
		if (!tc)
			die("opening the TC object%s", "");
		tc->rodata->xt_cfg = r.cfg;
		if (xt_tc_bpf__load(tc))
			die("loading the TC object%s", "");
		if (!strcmp(argv[1], "encap"))
			prog_fd = bpf_program__fd(tc->progs.xt_encap);
		else if (!strcmp(argv[1], "encap-seg"))
			prog_fd = bpf_program__fd(tc->progs.xt_encap_seg);
		else if (!strcmp(argv[1], "decap-tc"))
			prog_fd = bpf_program__fd(tc->progs.xt_decap_tc);
		else
			die("unknown program '%s'", argv[1]);
		peers_fd = bpf_map__fd(tc->maps.xt_peers);
		routes = xt_route_maps_of_obj(tc->obj);
		reasons_fd = bpf_map__fd(tc->maps.xt_reasons);
	}
	maps_fill(peers_fd, &routes, &r);
	if (tc) {
		uplink = test_uplink_dev(r.uplink_mac);
		if (uplink < 0)
			die("making a device with the uplink's MAC: %s", strerror(-uplink));
	}

	in = pcap_open_offline(argv[2], errbuf);
	if (!in)
		die("%s", errbuf);
	dead = pcap_open_dead(DLT_EN10MB, MAX_FRAME);
	dump = pcap_dump_open(dead, argv[3]);
	if (!dump)
		die("%s", pcap_geterr(dead));
	while (pcap_next_ex(in, &hdr, &frame) == 1) {
		struct __sk_buff ctx = { .gso_size = r.gso, .gso_segs = r.gso ? 2 : 0 };

		/* Decap only: encap runs on the loopback device, as before. */
		if (!strcmp(argv[1], "decap-tc"))
			ctx.ifindex = (uint32_t)uplink;
		DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
				    .data_size_in = hdr->caplen, .data_out = out,
				    .data_size_out = sizeof(out), .repeat = 1);
		uint64_t before[XT_REASON_COUNT], after[XT_REASON_COUNT];
		struct pcap_pkthdr oh = *hdr;
		int reason = -1, k;

		if (!xdp) {
			opts.ctx_in = &ctx;
			opts.ctx_size_in = sizeof(ctx);
		}
		reasons_sum(reasons_fd, before);
		if (bpf_prog_test_run_opts(prog_fd, &opts))
			die("BPF_PROG_TEST_RUN: %s", strerror(errno));
		reasons_sum(reasons_fd, after);
		for (k = 0; k < XT_REASON_COUNT; k++)
			if (after[k] != before[k])
				reason = k;
		printf("%d %d %d\n", n++, (int)opts.retval, reason);
		oh.caplen = oh.len = opts.data_size_out;
		pcap_dump((u_char *)dump, &oh, out);
	}
	pcap_dump_close(dump);
	pcap_close(dead);
	pcap_close(in);
	xt_tc_bpf__destroy(tc);
	xt_xdp_bpf__destroy(xdp);
	return 0;
}
