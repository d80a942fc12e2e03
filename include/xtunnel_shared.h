/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types shared by the BPF programs and userspace: map keys and values, the per-overlay
 * configuration kept in rodata, and the reasons every pass-through and drop is counted
 * under. Declared once, here; fixed-width types and explicit padding so that the layout is
 * the same on both sides, and a static assertion for each struct that crosses the boundary.
 *
 * Addresses are 16-byte arrays in network order, IPv6 as is and IPv4 as an IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2): one key type serves both
 * families, and `bpftool map dump` prints bytes instead of an opaque integer. An IPv4
 * prefix of length N is the mapped prefix of length 96 + N, so one LPM trie holds both
 * families without an IPv4 prefix ever matching an IPv6 address. Ports are in host order
 * for readability too; the programs convert them.
 */
#ifndef XTUNNEL_SHARED_H
#define XTUNNEL_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define XT_PEER_NAME_LEN 32
#define XT_VXLAN_PORT 4789  /* IANA, RFC 7348 section 5 */
#define XT_GENEVE_PORT 6081 /* IANA, RFC 8926 section 3.3 */
#define XT_VNI_MAX 0xffffff
#define XT_ADDR_LEN 16
#define XT_V4_MAPPED_BITS 96 /* an IPv4 prefix /N is the mapped prefix /(96 + N) */
#define XT_FAMILY_V4 4
#define XT_FAMILY_V6 6
#define XT_DEFAULT_MAX_PEERS 1024
#define XT_DEFAULT_MAX_ROUTES 16384
#define XT_MAX_FWD_PORTS 32 /* forward-from interfaces of one overlay */
/* Outer UDP source ports of VXLAN and GENEVE: the dynamic range RFC 7348 section 5 and
 * RFC 8926 section 3.3 ask for, and the range the kernel's vxlan device is given
 * (IFLA_VXLAN_PORT_RANGE), so that both pick the same port for a flow (tunnel.h). */
#define XT_SRC_PORT_MIN 49152
#define XT_SRC_PORT_MAX 65535

/* TC filters: the encap filter on the overlay's egress has a fixed handle and priority so
 * that any process, in any mount namespace, can find the overlay through it. The decap
 * filter on the uplink's ingress uses the overlay's ifindex as its handle, so that several
 * overlays can share one uplink. */
#define XT_TC_HANDLE 0x7874
#define XT_TC_PRIORITY 0x7874

/*
 * Each list below makes an enum and its names, as the kernel's include/net/dropreason.h
 * does: X(ID, name) is XT_<KIND>_ID, numbered in the order of the list (the maps and the
 * rodata hold these numbers: a new entry goes at the end of its group, as the unit tests
 * check), and name, a lower-case identifier. As it is, the name is the key in JSON
 * (`show -j`); with '-' for '_' it is the word that `show`, the man page and the command
 * line use (drop_spoofed, drop-spoofed). loader/names.c makes both from the list.
 * (clang-format is off around the enums: it takes the count after a list for a
 * continuation of the list's last line.)
 */

/* The encapsulations. VXLAN and GENEVE carry the inner Ethernet frame (L2), GRE and IPIP
 * the inner IP packet (L3). */
#define XT_ENCAPS(X)                                                                               \
	X(VXLAN, vxlan)                                                                            \
	X(GENEVE, geneve)                                                                          \
	X(GRE, gre)                                                                                \
	X(IPIP, ipip)

/* clang-format off */
enum xt_encap {
#define XT_ENCAP_ENUM(id, name) XT_ENCAP_##id,
	XT_ENCAPS(XT_ENCAP_ENUM)
#undef XT_ENCAP_ENUM
	XT_ENCAP_COUNT,
};
/* clang-format on */

static inline int xt_encap_is_l2(__u8 encap)
{
	return encap == XT_ENCAP_VXLAN || encap == XT_ENCAP_GENEVE;
}

static inline int xt_encap_is_udp(__u8 encap)
{
	return encap == XT_ENCAP_VXLAN || encap == XT_ENCAP_GENEVE;
}

/*
 * Bytes an encapsulation adds to the inner packet, for the overlay MTU. The outer Ethernet
 * header is not counted: it replaces the overlay device's own. The L2 encapsulations carry
 * the inner Ethernet header (14) behind UDP (8) and their 8-byte header (GENEVE: sent
 * without options); GRE has 4 bytes, 8 with a key (RFC 2890); IPIP only the outer IP header.
 */
static inline __u32 xt_encap_overhead(__u8 encap, __u8 family, int has_key)
{
	__u32 ip = family == XT_FAMILY_V6 ? 40 : 20;

	if (xt_encap_is_l2(encap))
		return ip + 8 + 8 + 14;
	if (encap == XT_ENCAP_GRE)
		return ip + 4 + (has_key ? 4 : 0);
	return ip;
}

/* The receive paths `attach ... rx` takes: auto chooses. */
#define XT_RX_MODES(X)                                                                             \
	X(AUTO, auto)                                                                              \
	X(XDP, xdp)                                                                                \
	X(TC, tc)

/* clang-format off */
enum xt_rx_mode {
#define XT_RX_MODE_ENUM(id, name) XT_RX_##id,
	XT_RX_MODES(XT_RX_MODE_ENUM)
#undef XT_RX_MODE_ENUM
	XT_RX_MODE_COUNT,
};
/* clang-format on */

/* How XDP programs are attached (`attach ... xdp-mode`): by the driver, or generic (skb). */
#define XT_XDP_MODES(X)                                                                            \
	X(NATIVE, native)                                                                          \
	X(GENERIC, generic)

/* clang-format off */
enum xt_xdp_mode {
#define XT_XDP_MODE_ENUM(id, name) XT_XDP_##id,
	XT_XDP_MODES(XT_XDP_MODE_ENUM)
#undef XT_XDP_MODE_ENUM
	XT_XDP_MODE_COUNT,
};
/* clang-format on */

/*
 * Why a packet left a program the way it did. XT_PASS_* packets continue untouched (not
 * ours); XT_DROP_* packets are dropped. XT_OK_* count the packets that were handled. The
 * counters (xt_reasons) are indexed by these numbers.
 */
#define XT_REASONS(X)                                                                              \
	X(OK_ENCAP, encap)                                                                         \
	X(OK_DECAP, decap)                                                                         \
	/* GSO over an IPv6 UDP underlay: left to the kernel to segment first */                   \
	X(OK_SEGMENT, segment)                                                                     \
	/* GSO over an IPv6 UDP underlay: sent whole through the kernel's vxlan device, which      \
	 * fills in each segment's outer checksum */                                               \
	X(OK_VXLAN_DEV, vxlan_device)                                                              \
	/* forward-from port -> encapsulated in XDP -> out of the uplink */                        \
	X(OK_FWD_ENCAP, forward_encap)                                                             \
	/* decapsulated -> straight out of a forward-from port */                                  \
	X(OK_FWD_DECAP, forward_decap)                                                             \
	X(PASS_NOT_IP, pass_not_ip)                                                                \
	X(PASS_FRAGMENT, pass_fragment)                                                            \
	X(PASS_NOT_LOCAL, pass_not_local)                                                          \
	/* outer protocol is not this overlay's encapsulation */                                   \
	X(PASS_OTHER_PROTO, pass_other_proto)                                                      \
	X(PASS_OTHER_PORT, pass_other_port)                                                        \
	X(PASS_OTHER_VNI, pass_other_vni)                                                          \
	/* GRE key (or its absence) of another overlay */                                          \
	X(PASS_OTHER_KEY, pass_other_key)                                                          \
	X(PASS_UNKNOWN_PEER, pass_unknown_peer)                                                    \
	/* forward-from port: the kernel's FIB sends it elsewhere, or not yet (local, other        \
	 * route, unresolved neighbour, TTL, MTU), or the kernel's forwarding rules must judge     \
	 * it (fwd.h) */                                                                           \
	X(PASS_SLOW_PATH, pass_slow_path)                                                          \
	/* uplink frame to another host's unicast MAC (PACKET_OTHERHOST) */                        \
	X(PASS_OTHER_HOST, pass_other_host)                                                        \
	X(DROP_MALFORMED, drop_malformed)                                                          \
	X(DROP_VXLAN_FLAGS, drop_vxlan_flags)                                                      \
	/* version, OAM, option lengths that do not add up */                                      \
	X(DROP_GENEVE_HEADER, drop_geneve_header)                                                  \
	/* C bit or a critical option: we understand no option */                                  \
	X(DROP_GENEVE_CRITICAL, drop_geneve_critical)                                              \
	/* checksum, sequence, routing or version != 0 */                                          \
	X(DROP_GRE_FLAGS, drop_gre_flags)                                                          \
	X(DROP_SPOOFED, drop_spoofed)                                                              \
	/* inner IPv6 from a link-local or unspecified source */                                   \
	X(DROP_LINK_LOCAL, drop_link_local)                                                        \
	X(DROP_INNER_PROTO, drop_inner_proto)                                                      \
	X(DROP_NO_ROUTE, drop_no_route)                                                            \
	X(DROP_RELAY, drop_relay)                                                                  \
	/* decapsulated by the kernel's vxlan socket (what our decap passed): never delivered */   \
	X(DROP_KERNEL_SOCKET, drop_kernel_socket)                                                  \
	X(DROP_ENCAP_FAILED, drop_encap_failed)                                                    \
	X(DROP_DECAP_FAILED, drop_decap_failed)                                                    \
	/* outer IPv4 header checksum wrong (RFC 1122 3.2.1.2) */                                  \
	X(DROP_OUTER_CHECKSUM, drop_outer_checksum)                                                \
	/* inner IPv6 extension headers that hide what a check needs */                            \
	X(DROP_EXT_HEADERS, drop_ext_headers)                                                      \
	/* The L2 overlays' (bpf/l2.h), after all the others: the counters are indexed by these    \
	 * values. A copy of a broadcast, multicast or unknown-unicast frame to one flood peer */  \
	X(OK_FLOOD, flood)                                                                         \
	/* an ARP request answered from the neighbour table */                                     \
	X(OK_ARP_SUPPRESSED, arp_suppressed)                                                       \
	/* a neighbour solicitation answered from the neighbour table */                           \
	X(OK_ND_SUPPRESSED, nd_suppressed)                                                         \
	/* this overlay's VNI from an address that is no peer's */                                 \
	X(DROP_UNKNOWN_VTEP, drop_unknown_vtep)                                                    \
	/* inner source MAC broadcast, multicast or zero */                                        \
	X(DROP_SOURCE_MAC, drop_source_mac)                                                        \
	/* inner source MAC is a static FDB entry of another peer */                               \
	X(DROP_STATIC_MAC, drop_static_mac)                                                        \
	/* a new inner source MAC from a peer with max-macs learned */                             \
	X(DROP_MAC_LIMIT, drop_mac_limit)                                                          \
	/* a new inner source MAC, and the FDB has no room for it */                               \
	X(DROP_FDB_FULL, drop_fdb_full)                                                            \
	/* a frame to flood, and no peer has flood on */                                           \
	X(DROP_NO_FLOOD_PEER, drop_no_flood_peer)

/* clang-format off */
enum xt_reason {
#define XT_REASON_ENUM(id, name) XT_##id,
	XT_REASONS(XT_REASON_ENUM)
#undef XT_REASON_ENUM
	XT_REASON_COUNT,
};
/* clang-format on */

/* The drops are the last group of the list: a drop's index among them is its reason minus
 * XT_FIRST_DROP (xt_peer_drops). */
#define XT_FIRST_DROP XT_DROP_MALFORMED
#define XT_DROP_COUNT (XT_REASON_COUNT - XT_FIRST_DROP)

/*
 * Why GSO packets over an IPv6 UDP underlay are segmented in software (XT_OK_SEGMENT)
 * instead of going through the kernel's vxlan device: recorded by attach and reload, shown
 * by show. Peers on a port other than the overlay's always take the segment path.
 */
enum xt_gso_fallback {
	XT_GSO_FALLBACK_NONE = 0,	 /* the device is used (or: attached by an older version) */
	XT_GSO_FALLBACK_GENEVE = 1,	 /* the kernel has no collect-metadata GENEVE device here */
	XT_GSO_FALLBACK_PORT_IN_USE = 2, /* another UDP socket holds the port (EADDRINUSE) */
	XT_GSO_FALLBACK_NAME_TAKEN = 3,	 /* a device that is not ours has the device's name */
	XT_GSO_FALLBACK_FAILED = 4,	 /* creating the device failed otherwise */
};

/* rodata of the programs, set by the loader before load; read back by `show`. */
struct xt_config {
	__u32 vni;	 /* VXLAN, GENEVE */
	__u32 key;	 /* GRE key when has_key */
	__u16 port;	 /* VXLAN, GENEVE: UDP destination port we listen on */
	__u8 rx_request; /* enum xt_rx_mode as asked by the user */
	__u8 xdp_mode;	 /* enum xt_xdp_mode */
	__u8 encap;	 /* enum xt_encap */
	__u8 family;	 /* underlay: XT_FAMILY_V4 or XT_FAMILY_V6 */
	__u8 has_key;
	__u8 forward;		 /* forward-from ports exist: decap asks the FIB for a port first */
	__u8 local[XT_ADDR_LEN]; /* underlay source address */
	__u8 overlay_mac[6];	 /* L3 encapsulations: destination MAC of decapsulated frames */
	__u8 vxlan_dev;		 /* GSO packets go through vxlan_dev_ifindex (VXLAN, IPv6) */
	__u8 gso_fallback;	 /* enum xt_gso_fallback: why not, when vxlan_dev is 0 */
	__u32 uplink_ifindex;
	__u32 overlay_ifindex;
	__u32 overlay_peer_ifindex; /* the hidden end of the overlay veth pair */
	__u32 max_peers;
	__u32 max_routes;
	/* The kernel's collect-metadata vxlan device GSO packets are redirected to when
	 * vxlan_dev is 1 (loader/vxlan_dev.c). Once the overlay's MTU was kept here, which
	 * nothing read after attach: an overlay attached by that version has vxlan_dev 0. */
	__u32 vxlan_dev_ifindex;
};
_Static_assert(sizeof(struct xt_config) == 64, "xt_config layout");

/* xt_peers: endpoint -> peer. One peer per endpoint: decap tells peers apart by it. */
struct xt_peer_key {
	__u8 endpoint[XT_ADDR_LEN];
};
_Static_assert(sizeof(struct xt_peer_key) == 16, "xt_peer_key layout");

struct xt_peer {
	char name[XT_PEER_NAME_LEN];
	__u32 id; /* index into xt_peer_stats */
	__u16 port;
	__u16 flags; /* XT_PEER_F_* */
};
_Static_assert(sizeof(struct xt_peer) == 40, "xt_peer layout");

/* struct xt_peer flags. */
#define XT_PEER_F_MANAGED 0x1 /* the fleet agent's: it adds, changes and removes it */
#define XT_PEER_F_FLOOD 0x2   /* L2 overlays: broadcast and unknown frames go to it */
/* VXLAN and GENEVE over IPv6, opt-in: the outer UDP checksum is 0, as RFC 6935 section 5
 * allows for a tunnel whose both ends are configured for it, and GSO packets are
 * encapsulated whole (docs/architecture.md). Copied into each of the peer's routes, which
 * are what encap reads. */
#define XT_PEER_F_UDP6_ZERO_CSUM 0x4

/* xt_routes: LPM trie, inner prefix -> peer. Both the egress route and the ingress
 * source filter (allowed-ips). The endpoint is kept here too so encap needs one lookup. */
struct xt_route_key {
	__u32 prefixlen; /* IPv4: 96 + N, see the top of this file */
	__u8 addr[XT_ADDR_LEN];
};
_Static_assert(sizeof(struct xt_route_key) == 20, "xt_route_key layout");

struct xt_route {
	__u32 peer_id;
	__u8 endpoint[XT_ADDR_LEN];
	__u16 port;
	__u16 flags; /* the peer's XT_PEER_F_UDP6_ZERO_CSUM, the one flag encap reads */
};
_Static_assert(sizeof(struct xt_route) == 24, "xt_route layout");

/*
 * xt_prefixes: every prefix of xt_routes again, in a hash keyed by (length, prefix) as the
 * trie keys it: the data path's index. A longest match is then one exact lookup per prefix
 * length in use, longest first, and costs the same at 10 prefixes as at 1,000,000, where a
 * trie's walk grows with the table. xt_lens counts the prefixes of each length and lists
 * the lengths in use; with more than XT_MAX_LENS lengths the data path walks the trie
 * instead. The trie stays the complete table that show and the overlap checks read. The
 * loader writes the trie, then the hash, then the list, and removes in the other order
 * (loader/routes.c), so no lookup misses a route that exists.
 */
#define XT_MAX_LENS 16
#define XT_KEY_LENS 129 /* key lengths 0 to 128 */

struct xt_len_list {
	__u32 n; /* lengths in len[], longest first; XT_MAX_LENS + 1: too many, use the trie */
	__u8 len[XT_MAX_LENS];
};

struct xt_lens {
	__u32 count[XT_KEY_LENS]; /* prefixes of each key length */
	/* list[cur] is in use. A change fills the other list, then flips cur: a reader never
	 * sees a list half written. */
	struct xt_len_list list[2];
	__u32 cur;
};
_Static_assert(sizeof(struct xt_lens) == 560, "xt_lens layout");

/* xt_ports: devmap (hash) ifindex -> ifindex of the interfaces XDP forwards out of: the
 * uplink and the forward-from ports. Also the list of those ports, for show and detach. */

/* xt_peer_stats: per-CPU array indexed by peer id. Packets count GSO segments. */
struct xt_peer_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 drops; /* every drop counted against the peer; by reason in xt_peer_drops */
	/* When this CPU last decapsulated a packet from the peer (a valid one: it passed every
	 * check), CLOCK_MONOTONIC in ns at the resolution of a tick (bpf_ktime_get_coarse_ns);
	 * 0: never. The peer's is the latest over the CPUs; the loader turns it into wall-clock
	 * time. */
	__u64 latest_rx_ns;
};
_Static_assert(sizeof(struct xt_peer_stats) == 48, "xt_peer_stats layout");

/*
 * xt_peer_drops: per-CPU hash, peer id -> the peer's drops by reason, count[reason -
 * XT_FIRST_DROP]. An entry is made at the peer's first drop (BPF_F_NO_PREALLOC), so memory
 * goes only to peers that drop: a per-CPU array of these for every possible peer would be
 * 8 * XT_DROP_COUNT bytes per peer and CPU (120 MB per CPU at 1,000,000 peers). Its size
 * follows the list of reasons: a new drop reason makes another version's map.
 */
struct xt_peer_drops {
	__u64 count[XT_DROP_COUNT];
};
_Static_assert(sizeof(struct xt_peer_drops) == 8 * XT_DROP_COUNT, "xt_peer_drops layout");

/*
 * Trace (xtunnel trace): while a tracer runs, the programs send the packets it asks for
 * through the ring buffer xt_events: each with its program, reason and peer and its first
 * XT_TRACE_HEAD_LEN bytes, which the loader decodes. xt_trace (an array of one) says what is
 * wanted; while its `on` is 0 that one load is all a program pays (bpf/trace.h).
 */
#define XT_TRACE_PROGS(X)                                                                          \
	X(DECAP_TC, xt_decap_tc)                                                                   \
	X(DECAP_XDP, xt_decap_xdp)                                                                 \
	X(ENCAP, xt_encap)                                                                         \
	X(ENCAP_SEG, xt_encap_seg)                                                                 \
	X(FWD_XDP, xt_fwd_xdp)                                                                     \
	X(SOCK_DROP, xt_sock_drop)                                                                 \
	X(L2_ENCAP, xt_l2_encap)                                                                   \
	X(L2_ENCAP_SEG, xt_l2_encap_seg)                                                           \
	X(L2_DECAP_TC, xt_l2_decap_tc)                                                             \
	X(L2_DECAP_XDP, xt_l2_decap_xdp)

/* clang-format off */
enum xt_trace_prog {
#define XT_TRACE_PROG_ENUM(id, name) XT_TRACE_##id,
	XT_TRACE_PROGS(XT_TRACE_PROG_ENUM)
#undef XT_TRACE_PROG_ENUM
	XT_TRACE_PROG_COUNT,
};
/* clang-format on */

/* What an event's head starts with. */
enum xt_trace_head {
	XT_TRACE_HEAD_NONE = 0,	 /* no bytes: the packet was half changed when it failed */
	XT_TRACE_HEAD_OUTER = 1, /* the outer Ethernet header: a tunnel packet, received or sent */
	XT_TRACE_HEAD_INNER = 2, /* an overlay frame: the inner packet behind an Ethernet header */
};

#define XT_TRACE_HEAD_LEN 192
#define XT_TRACE_NO_PEER 0xffffffffu
#define XT_TRACE_RING_BYTES (256 * 1024)
#define XT_TRACE_F_ALL 0x1 /* every packet; without it, drops only */

/* xt_trace: array of one. The tracer sets it (loader/trace.c) and renews lease_end_ns while
 * it runs; a program that finds the lease over turns `on` off itself, so a tracer that died
 * (SIGKILL) leaves the data path as it was within XT_TRACE_LEASE_S. */
struct xt_trace_cfg {
	__u32 on;
	__u32 flags;	    /* XT_TRACE_F_* */
	__u32 peer_id;	    /* only this peer's packets; XT_TRACE_NO_PEER: any */
	__u32 owner_pid;    /* the tracer, named to a second one */
	__u64 lease_end_ns; /* CLOCK_MONOTONIC */
	__u64 cost_ns;	    /* token bucket, per CPU: one event costs cost_ns of credit, */
	__u64 burst_ns;	    /* credit grows with time up to burst_ns */
};
_Static_assert(sizeof(struct xt_trace_cfg) == 40, "xt_trace_cfg layout");

/* One event in xt_events. */
struct xt_trace_event {
	__u64 time_ns;	/* CLOCK_MONOTONIC */
	__u32 peer_id;	/* XT_TRACE_NO_PEER: not known to be any peer's */
	__u32 len;	/* the packet's length when the event was taken */
	__u16 reason;	/* enum xt_reason */
	__u8 prog;	/* enum xt_trace_prog */
	__u8 head_kind; /* enum xt_trace_head */
	__u16 head_len; /* bytes of head that are the packet's */
	__u16 pad;
	__u8 head[XT_TRACE_HEAD_LEN];
};
_Static_assert(sizeof(struct xt_trace_event) == 24 + XT_TRACE_HEAD_LEN, "xt_trace_event layout");

/* xt_trace_cpu: per-CPU array of one: the token bucket, the events it refused or the ring
 * buffer had no room for, and where an event is built. */
struct xt_trace_cpu {
	__u64 credit_ns;
	__u64 last_ns;
	__u64 lost;
	struct xt_trace_event ev;
};
_Static_assert(sizeof(struct xt_trace_cpu) == 24 + sizeof(struct xt_trace_event),
	       "xt_trace_cpu layout");

#endif /* XTUNNEL_SHARED_H */
