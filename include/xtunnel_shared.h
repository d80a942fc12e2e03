/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by the BPF programs and userspace: map keys and values, the per-overlay
 * configuration kept in rodata, and the reasons every pass-through and drop is counted
 * under. Declared once, here; fixed-width types and explicit padding so that the layout is
 * the same on both sides, and a static assertion for each struct that crosses the boundary.
 *
 * Addresses are byte arrays (network order) rather than __be32 so that
 * `bpftool map dump` prints them as [10,10,0,2] instead of an opaque integer. Ports are in
 * host order for the same reason; the programs convert them.
 */
#ifndef XTUNNEL_SHARED_H
#define XTUNNEL_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define XT_PEER_NAME_LEN 32
#define XT_VXLAN_PORT 4789
#define XT_VNI_MAX 0xffffff
/* Outer Ethernet is not counted: it replaces the inner device's own. */
#define XT_VXLAN_OVERHEAD 50 /* IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14 */
#define XT_DEFAULT_MAX_PEERS 1024
#define XT_DEFAULT_MAX_ROUTES 16384

/* TC filters: the encap filter on the overlay's egress has a fixed handle and priority so
 * that any process, in any mount namespace, can find the overlay through it. The decap
 * filter on the uplink's ingress uses the overlay's ifindex as its handle, so that several
 * overlays can share one uplink. */
#define XT_TC_HANDLE 0x7874
#define XT_TC_PRIORITY 0x7874

enum xt_rx_mode {
	XT_RX_AUTO = 0,
	XT_RX_XDP = 1,
	XT_RX_TC = 2,
};

enum xt_xdp_mode {
	XT_XDP_NATIVE = 0,
	XT_XDP_GENERIC = 1,
};

/*
 * Why a packet left a program the way it did. XT_PASS_* packets continue untouched (not
 * ours); XT_DROP_* packets are dropped. XT_OK_* count the packets that were handled.
 * Keep xt_reason_name() in loader/names.c in step.
 */
enum xt_reason {
	XT_OK_ENCAP = 0,
	XT_OK_DECAP,
	XT_PASS_NOT_IPV4,
	XT_PASS_FRAGMENT,
	XT_PASS_NOT_LOCAL,
	XT_PASS_NOT_UDP,
	XT_PASS_OTHER_PORT,
	XT_PASS_OTHER_VNI,
	XT_PASS_UNKNOWN_PEER,
	XT_DROP_MALFORMED,
	XT_DROP_VXLAN_FLAGS,
	XT_DROP_SPOOFED,
	XT_DROP_INNER_PROTO,
	XT_DROP_NO_ROUTE,
	XT_DROP_RELAY,
	XT_DROP_ENCAP_FAILED,
	XT_DROP_DECAP_FAILED,
	XT_REASON_COUNT,
};

/* rodata of the programs, set by the loader before load; read back by `show`. */
struct xt_config {
	__u32 vni;
	__u16 port;
	__u8 rx_request; /* enum xt_rx_mode as asked by the user */
	__u8 xdp_mode;	 /* enum xt_xdp_mode */
	__be32 local;	 /* underlay source address */
	__u32 uplink_ifindex;
	__u32 overlay_ifindex;
	__u32 overlay_peer_ifindex; /* the hidden end of the overlay veth pair */
	__u32 max_peers;
	__u32 max_routes;
	__u32 mtu;
};
_Static_assert(sizeof(struct xt_config) == 36, "xt_config layout");

/* xt_peers: endpoint -> peer. One peer per endpoint: decap tells peers apart by it. */
struct xt_peer_key {
	__u8 endpoint[4];
};
_Static_assert(sizeof(struct xt_peer_key) == 4, "xt_peer_key layout");

struct xt_peer {
	char name[XT_PEER_NAME_LEN];
	__u32 id; /* index into xt_peer_stats */
	__u16 port;
	__u16 pad;
};
_Static_assert(sizeof(struct xt_peer) == 40, "xt_peer layout");

/* xt_routes: LPM trie, inner prefix -> peer. Both the egress route and the ingress
 * source filter (allowed-ips). The endpoint is kept here too so encap needs one lookup. */
struct xt_route_key {
	__u32 prefixlen;
	__u8 addr[4];
};
_Static_assert(sizeof(struct xt_route_key) == 8, "xt_route_key layout");

struct xt_route {
	__u32 peer_id;
	__u8 endpoint[4];
	__u16 port;
	__u16 pad;
};
_Static_assert(sizeof(struct xt_route) == 12, "xt_route layout");

/* xt_peer_stats: per-CPU array indexed by peer id. Packets count GSO segments. */
struct xt_peer_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 drops;
};
_Static_assert(sizeof(struct xt_peer_stats) == 40, "xt_peer_stats layout");

#endif /* XTUNNEL_SHARED_H */
