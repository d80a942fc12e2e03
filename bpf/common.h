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
#define ETH_HLEN 14
#define ETH_ALEN 6
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define VXLAN_FLAG_I 0x08000000 /* RFC 7348 section 5: "I" flag, valid VNI */

/* Per-overlay constants: set by the loader through the skeleton before load. */
const volatile struct xt_config xt_cfg = {};

/* Capacities are placeholders: the loader sets max_entries from `attach` before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XT_DEFAULT_MAX_PEERS);
	__type(key, struct xt_peer_key);
	__type(value, struct xt_peer);
} xt_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XT_DEFAULT_MAX_ROUTES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xt_route_key);
	__type(value, struct xt_route);
} xt_routes SEC(".maps");

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

#endif
