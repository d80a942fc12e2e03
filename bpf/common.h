/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every xtunnel BPF object includes: kernel types, helpers, shared structs, maps. */
#ifndef XT_BPF_COMMON_H
#define XT_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xtunnel_shared.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_IPV6 0x86DD
#define ETH_P_TEB 0x6558 /* Transparent Ethernet Bridging: GENEVE's Ethernet payload */
#define ETH_HLEN 14
#define ETH_ALEN 6
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define IPV6_HLEN 40
#define NEXTHDR_FRAGMENT 44
#define IPPROTO_ICMPV6 58
#define ICMPV6_NS 135	   /* neighbour solicitation, RFC 4861 section 4.3 */
#define ICMPV6_NA 136	   /* neighbour advertisement, RFC 4861 section 4.4 */
#define PACKET_OTHERHOST 3 /* skb->pkt_type: to another host's unicast MAC */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define VXLAN_FLAG_I 0x08000000 /* RFC 7348 section 5: "I" flag, valid VNI */

/* Per-overlay constants: set by the loader through the skeleton before load. */
const volatile struct xt_config xt_cfg = {};
/* The uplink's MAC, read from the device by every load (attach and reload), for XDP to tell
 * frames addressed to this host from others' (TC has skb->pkt_type). Not part of xt_config,
 * which stays the 64 bytes that `show` reads back from any version's overlay. 8 bytes, the
 * last 2 unused: the section then ends where the skeleton's struct does (at a multiple of
 * 4), and the loader, which compares the two to know its own layout, finds them equal. */
const volatile __u8 xt_uplink_mac[8] __attribute__((aligned(4))) = {};
/* The uplink's name (IF_NAMESIZE bytes) as it was when the programs were loaded. No program
 * reads it: it is for the loader, which must still know the uplink after it is deleted, to
 * find it again when a device of that name is made (reload), and to say so (show). */
const volatile char xt_uplink_name[16] = {};

/* Reads of xt_cfg's arrays must stay volatile: through a plain pointer clang would fold
 * them to the zeros the object is initialised with. Both arrays are 4-byte aligned. */
static __always_inline void xt_cfg_copy32(void *dst, const volatile __u8 *src, int words)
{
	const volatile __u32 *s = (const volatile __u32 *)src;
	__u32 *d = dst;
	int i;

	for (i = 0; i < words; i++)
		d[i] = s[i];
}

static __always_inline __be32 xt_local4(void)
{
	return *(const volatile __be32 *)(xt_cfg.local + 12);
}

/* Whether a frame's destination MAC dest is mac, a receiving interface's own (rodata or the
 * FIB's answer); both 2-byte aligned. */
static __always_inline bool xt_mac_is(const __u8 *dest, const volatile __u8 *mac)
{
	const __u16 *d = (const __u16 *)dest;
	const volatile __u16 *m = (const volatile __u16 *)mac;

	return ((d[0] ^ m[0]) | (d[1] ^ m[1]) | (d[2] ^ m[2])) == 0;
}

/* ::ffff:a.b.c.d, the form every IPv4 address takes in the maps. */
static __always_inline void xt_addr_from_ipv4(__u8 *out, __be32 addr)
{
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(out + 12, &addr, 4);
}

/* The maps of every overlay's programs; the others are with their concern (route.h, fwd.h,
 * l2.h). Capacities are placeholders: the loader sets max_entries from `attach` before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XT_DEFAULT_MAX_PEERS);
	__type(key, struct xt_peer_key);
	__type(value, struct xt_peer);
} xt_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XT_DEFAULT_MAX_PEERS);
	__type(key, __u32);
	__type(value, struct xt_peer_stats);
} xt_peer_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XT_REASON_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} xt_reasons SEC(".maps");

/* Entries only for peers that dropped something (xtunnel_shared.h); keys are peer ids, so
 * max-peers entries are always enough. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, XT_DEFAULT_MAX_PEERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct xt_peer_drops);
} xt_peer_drops SEC(".maps");

/* Trace (trace.h): what the tracer asks for, each CPU's rate limit, and the events. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xt_trace_cfg);
} xt_trace SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xt_trace_cpu);
} xt_trace_cpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XT_TRACE_RING_BYTES);
} xt_events SEC(".maps");

#endif
