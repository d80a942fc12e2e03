/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internet checksum (RFC 1071) pieces for the outer UDP checksum over IPv6, which RFC 8200
 * section 8.1 makes mandatory. Sums are kept unfolded in 64 bits and in memory order, as
 * bpf_csum_diff returns them, so that words read from packets and from the stack add up
 * without byte swaps.
 */
#ifndef XT_BPF_CSUM_H
#define XT_BPF_CSUM_H

#include "common.h"

#define XT_CSUM_CHUNK 128

static __always_inline __u16 xt_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __always_inline __u64 xt_csum_words(const void *p, __u32 len)
{
	return (__u32)bpf_csum_diff(0, 0, (__be32 *)p, len, 0);
}

/* The pseudo-header sums of RFC 768 (IPv4) and RFC 8200 section 8.1 (IPv6). */
static __always_inline __u64 xt_pseudo4(__be32 src, __be32 dst, __u8 proto, __u32 len)
{
	return (__u64)src + dst + bpf_htons(proto) + bpf_htons((__u16)len);
}

static __always_inline __u64 xt_pseudo6(const void *src, const void *dst, __u8 proto, __u32 len)
{
	return xt_csum_words(src, 16) + xt_csum_words(dst, 16) + bpf_htonl(len) + bpf_htonl(proto);
}

struct xt_csum_walk {
	struct __sk_buff *skb;
	__u32 off;
	__u32 end;
	__u64 sum;
	int err;
};

static long xt_csum_chunk(__u32 i, void *ctx)
{
	struct xt_csum_walk *w = ctx;
	__u8 buf[XT_CSUM_CHUNK + 4] = {}; /* + 4: the verifier bounds the rounded-up size loosely */
	__u64 off = w->off, end = w->end, n;

	/* 64-bit arithmetic: a 32-bit n would be clamped in one register and passed to the
	 * helper in another, unclamped, and the verifier refuses that. */
	n = end - off;
	if (off >= end || n == 0)
		return 1;
	if (n > XT_CSUM_CHUNK)
		n = XT_CSUM_CHUNK;
	if (bpf_skb_load_bytes(w->skb, off, buf, n)) {
		w->err = 1;
		return 1;
	}
	/* Whole words: the tail's missing bytes are the zeros buf starts with. Chunks start
	 * at even offsets from the region's start, so byte pairs line up. */
	w->sum += xt_csum_words(buf, (n + 3) & ~3ull);
	w->off += n;
	return 0;
}

/* The sum of bytes [off, end) of the skb, linear or not; -1 if it cannot be read. */
static __always_inline int xt_csum_skb(struct __sk_buff *skb, __u32 off, __u32 end, __u64 *sum)
{
	struct xt_csum_walk w = { .skb = skb, .off = off, .end = end };

	bpf_loop((0x10000 + XT_CSUM_CHUNK - 1) / XT_CSUM_CHUNK, xt_csum_chunk, &w, 0);
	if (w.err || w.off != end)
		return -1;
	*sum = w.sum;
	return 0;
}

#endif
