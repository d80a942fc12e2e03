// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpgen: a packet-rate generator for `make bench`, since xdp-trafficgen 1.3.1 does not
 * load on this kernel. BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (kernel 5.18) turns
 * the first frame of a pcap file into COUNT real frames sent out of DEVICE by XDP redirect,
 * with no socket and no userspace copy per packet: the receiver, not the sender, is what
 * a packet-rate figure then measures. Prints frames sent and seconds taken.
 *
 * udpgen DEVICE FRAME.pcap COUNT
 */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H /* pcap/bpf.h (classic BPF) clashes with linux/bpf.h */
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "udpgen.skel.h"

#define BATCH 256 /* frames per batch: the kernel allows at most 256 (TEST_XDP_MAX_BATCH) */

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	struct udpgen_bpf *skel;
	const u_char *frame;
	struct timespec t0, t1;
	unsigned long count;
	unsigned int ifindex;
	pcap_t *in;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: udpgen DEVICE FRAME.pcap COUNT\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	count = strtoul(argv[3], NULL, 10);
	if (!ifindex || !count || count > 0xffffffffUL) {
		fprintf(stderr, "udpgen: bad device or count\n");
		return 2;
	}
	in = pcap_open_offline(argv[2], errbuf);
	if (!in || pcap_next_ex(in, &hdr, &frame) != 1) {
		fprintf(stderr, "udpgen: %s: no frame\n", argv[2]);
		return 1;
	}
	skel = udpgen_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->out_ifindex = ifindex;
	if (hdr->caplen > sizeof(skel->rodata->frame)) {
		fprintf(stderr, "udpgen: %s: frame longer than %zu bytes\n", argv[2],
			sizeof(skel->rodata->frame));
		return 1;
	}
	memcpy((void *)skel->rodata->frame, frame, hdr->caplen);
	skel->rodata->frame_len = hdr->caplen;
	if (udpgen_bpf__load(skel)) {
		fprintf(stderr, "udpgen: loading the program failed\n");
		return 1;
	}
	{
		DECLARE_LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
				    .data_size_in = hdr->caplen, .repeat = (unsigned int)count,
				    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = BATCH);

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.udpgen_xmit), &opts);
		clock_gettime(CLOCK_MONOTONIC, &t1);
	}
	if (err) {
		fprintf(stderr, "udpgen: BPF_PROG_RUN: %s\n", strerror(errno));
		return 1;
	}
	printf("%lu %.6f\n", count,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	udpgen_bpf__destroy(skel);
	pcap_close(in);
	return 0;
}
