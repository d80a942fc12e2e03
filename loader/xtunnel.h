/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * libxtunnel: the only code that touches the kernel. Functions return 0 or a negative
 * errno (libbpf convention); on failure xt_errmsg() holds one line saying what and why.
 * Nothing here prints; warnings go to the callback set with xt_set_warn().
 */
#ifndef XTUNNEL_H
#define XTUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>
#include "xtunnel_shared.h"

#define XT_MAX_ADDRS 16	  /* addresses of an overlay device */
#define XT_MAX_ALLOWED 64 /* prefixes in one allowed-ips list of the command line */
#define XT_DEFAULT_DEV "xt0"
/* An overlay device NAME has a hidden end NAME-p, which must fit a device name too. */
#define XT_PEER_SUFFIX "-p"
#define XT_DEV_NAME_MAX (IF_NAMESIZE - 1 - (int)sizeof(XT_PEER_SUFFIX) + 1)
/* The most max-peers and max-routes take. */
#define XT_MAX_PEERS_LIMIT (1u << 20)
#define XT_MAX_ROUTES_LIMIT (1u << 24)

/* An IPv4 or IPv6 address, kept as the maps keep it: IPv4 as ::ffff:a.b.c.d. */
struct xt_ip {
	uint8_t family; /* XT_FAMILY_V4 or XT_FAMILY_V6 */
	uint8_t addr[XT_ADDR_LEN];
};

struct xt_prefix {
	struct xt_ip ip;
	uint8_t len; /* in the family's own terms: 0-32 or 0-128 */
};

/*
 * The model: one description of an overlay and one of a peer, for what is asked (attach,
 * peer add and set, and next a config file or the fleet), what runs, and what show
 * prints. As wireguard-tools' struct wgdevice and wgpeer do, `has` says which fields are
 * given: a request leaves out what should take its default (or, for peer set, what stays),
 * and show sets every field it knows. What show returns is everything needed to make the
 * overlay again: attach with its spec, then peer add with each peer's.
 */

/*
 * The kinds of overlay (`attach ... mode`), a list as those of include/xtunnel_shared.h: l3
 * routes IP packets by the peers' allowed-ips (the overlay device is a routed interface); l2
 * is a VTEP for a bridge (VXLAN or GENEVE only): frames go by an FDB learned from the peers,
 * and what it does not know is flooded (see the man page's L2 OVERLAYS).
 */
#define XT_MODES(X)                                                                                \
	X(L3, l3)                                                                                  \
	X(L2, l2)

/* clang-format off */
enum xt_mode {
#define XT_MODE_ENUM(id, name) XT_MODE_##id,
	XT_MODES(XT_MODE_ENUM)
#undef XT_MODE_ENUM
	XT_MODE_COUNT,
};
/* clang-format on */

/* The fields of struct xt_overlay_spec that are given. */
enum xt_overlay_has {
	XT_OV_UPLINK = 1u << 0, /* attach needs it; show has it even if the uplink is gone */
	XT_OV_ENCAP = 1u << 1,
	XT_OV_VNI = 1u << 2,  /* VXLAN, GENEVE */
	XT_OV_PORT = 1u << 3, /* VXLAN, GENEVE */
	XT_OV_KEY = 1u << 4,  /* GRE: without it, the overlay's GRE has no key */
	XT_OV_LOCAL = 1u << 5,
	XT_OV_ADDRS = 1u << 6,
	XT_OV_MTU = 1u << 7,
	XT_OV_RX = 1u << 8,
	XT_OV_XDP_MODE = 1u << 9,
	XT_OV_MAX_PEERS = 1u << 10,
	XT_OV_MAX_ROUTES = 1u << 11,
	XT_OV_FORWARD_FROM = 1u << 12,
	XT_OV_MODE = 1u << 13,
	XT_OV_MAC = 1u << 14,	   /* the overlay device's MAC */
	XT_OV_MAX_MACS = 1u << 15, /* L2 */
	XT_OV_AGEING = 1u << 16,   /* L2 */
};

/* An overlay's settings. The defaults are those of a field whose bit is not in `has`. */
struct xt_overlay_spec {
	uint32_t has;		  /* XT_OV_* */
	char dev[IF_NAMESIZE];	  /* always; "" is XT_DEFAULT_DEV */
	char uplink[IF_NAMESIZE]; /* the device that reaches the peers */
	enum xt_encap encap;	  /* XT_ENCAP_VXLAN */
	uint32_t vni;		  /* 1 */
	uint16_t port;		  /* UDP: XT_VXLAN_PORT or XT_GENEVE_PORT */
	uint32_t key;		  /* none */
	struct xt_ip local;	  /* the uplink's first IPv4, else its first global IPv6 */
	struct xt_prefix addrs[XT_MAX_ADDRS]; /* the overlay device's addresses: none */
	int n_addrs;
	uint32_t mtu;		   /* the uplink's MTU minus xt_encap_overhead() */
	enum xt_rx_mode rx;	   /* as asked: XT_RX_AUTO */
	enum xt_xdp_mode xdp_mode; /* XT_XDP_NATIVE */
	uint32_t max_peers;	   /* XT_DEFAULT_MAX_PEERS */
	uint32_t max_routes;	   /* XT_DEFAULT_MAX_ROUTES */
	/* Local interfaces whose packets routed into the overlay XDP encapsulates (and
	 * decapsulated packets routed out of them XDP sends there): see forward.c. None. */
	char forward_from[XT_MAX_FWD_PORTS][IF_NAMESIZE];
	int n_forward;
	enum xt_mode mode; /* XT_MODE_L3 */
	uint8_t mac[6];	   /* the kernel's, random */
	uint32_t max_macs; /* L2: XT_L2_DEFAULT_MAX_MACS learned MACs per peer */
	uint32_t ageing;   /* L2: seconds, XT_L2_DEFAULT_AGEING; 0: learned entries never age */
};

/* The fields of struct xt_peer_spec that are given. */
enum xt_peer_has {
	XT_PEER_ENDPOINT = 1u << 0,	  /* endpoint and port */
	XT_PEER_ALLOWED = 1u << 1,	  /* allowed-ips: the whole list (L3) */
	XT_PEER_FLAGS = 1u << 2,	  /* flags: the whole word (L2: but for XT_PEER_F_FLOOD) */
	XT_PEER_FLOOD = 1u << 3,	  /* flood (L2) */
	XT_PEER_UDP6_ZERO_CSUM = 1u << 4, /* udp6_zero_csum: that one flag of the word */
};

/* A peer's settings: peer add needs endpoint and allowed-ips, peer set takes any. */
struct xt_peer_spec {
	uint32_t has; /* XT_PEER_* */
	char name[XT_PEER_NAME_LEN];
	struct xt_ip endpoint;
	uint16_t port;		   /* 0: the overlay's (VXLAN, GENEVE; GRE and IPIP have none) */
	uint16_t flags;		   /* XT_PEER_F_* (include/xtunnel_shared.h): none */
	struct xt_prefix *allowed; /* n_allowed of them, any number: see xt_peer_spec_allow */
	int n_allowed;
	bool flood; /* L2: frames to flood go to it; on unless given */
	/* XT_PEER_F_UDP6_ZERO_CSUM, given alone (peer set changes it and keeps the other
	 * flags): VXLAN and GENEVE over IPv6, L3 overlays; off unless given. */
	bool udp6_zero_csum;
};

/* Appends a prefix to p's allowed-ips, growing the list (malloc). */
int xt_peer_spec_allow(struct xt_peer_spec *p, const struct xt_prefix *prefix);
/* Frees the list xt_peer_spec_allow made. */
void xt_peer_spec_free(struct xt_peer_spec *p);

/*
 * Where GSO packets (TCP super-packets) are encapsulated: by xt_encap, whole, and the
 * kernel segments the tunnel packet; over an IPv6 UDP underlay, segmented in software,
 * then xt_encap_seg; on IPv6 VXLAN, by the kernel's vxlan device, whole. A list as those
 * of include/xtunnel_shared.h.
 */
#define XT_GSO_PATHS(X)                                                                            \
	X(ENCAP, encap)                                                                            \
	X(SEGMENT, segment)                                                                        \
	X(VXLAN_DEV, vxlan_device)

/* clang-format off */
enum xt_gso_path {
#define XT_GSO_PATH_ENUM(id, name) XT_GSO_##id,
	XT_GSO_PATHS(XT_GSO_PATH_ENUM)
#undef XT_GSO_PATH_ENUM
	XT_GSO_PATH_COUNT,
};
/* clang-format on */

/*
 * What became of the uplink since the programs were loaded (attach, or the last reload):
 * there; deleted; or deleted and a device of its name made again, to which reload attaches
 * the overlay. A list as the others.
 */
#define XT_UPLINK_STATES(X)                                                                        \
	X(OK, ok)                                                                                  \
	X(GONE, gone)                                                                              \
	X(RECREATED, recreated)

/* clang-format off */
enum xt_uplink_state {
#define XT_UPLINK_STATE_ENUM(id, name) XT_UPLINK_##id,
	XT_UPLINK_STATES(XT_UPLINK_STATE_ENUM)
#undef XT_UPLINK_STATE_ENUM
	XT_UPLINK_STATE_COUNT,
};
/* clang-format on */

/*
 * A peer is silent when no valid packet came from it for this long, or none ever did: as
 * long as WireGuard keeps a session without a new handshake (REJECT_AFTER_TIME). xtunnel
 * sends no keepalives, so an idle peer that is up is silent as well: it says no traffic
 * arrived, not why.
 */
#define XT_PEER_SILENT_S 180

/* A peer as it runs. */
struct xt_peer_state {
	struct xt_peer_spec spec;      /* endpoint with the port in use, and allowed-ips */
	uint32_t id;		       /* index into xt_peer_stats */
	struct xt_peer_stats stats;    /* summed over CPUs; latest_rx_ns is the latest */
	uint64_t drops[XT_DROP_COUNT]; /* by reason: drops[reason - XT_FIRST_DROP] */
	/* The latest valid packet from the peer (decapsulated, forwarded or not): wall-clock
	 * time in ms since the Unix epoch, and how long before the read it came. Both 0 when
	 * none came since the peer was added. */
	int64_t latest_rx_ms;
	uint64_t latest_rx_age_ms;
	bool silent; /* nothing for XT_PEER_SILENT_S, or never */
};

/* An overlay as it runs: its settings, and what became of them. */
struct xt_overlay_state {
	struct xt_overlay_spec spec; /* rx is as asked, local and mtu as they are; uplink by
				      * the name the programs keep if it was deleted */
	enum xt_uplink_state uplink;
	enum xt_rx_mode rx;  /* what is attached; XT_RX_AUTO: no decap program found */
	char rx_reason[128]; /* why this receive path */
	enum xt_gso_path gso;
	char gso_reason[160]; /* what encapsulates GSO packets, and why */
	char pin_dir[256];    /* where the maps are pinned ("" if not) */
	uint32_t n_routes;
	uint32_t n_fdb, n_neigh;	   /* L2: entries, static and learned, aged or not */
	uint32_t trace_pid;		   /* the tracer whose lease runs; 0: nobody traces */
	uint64_t reasons[XT_REASON_COUNT]; /* summed over CPUs */
	struct xt_peer_state *peers;	   /* sorted by name */
	int n_peers;
};

typedef void (*xt_warn_fn)(const char *msg);

void xt_set_warn(xt_warn_fn fn);
const char *xt_errmsg(void);
/* True when the last error was the request's fault (bad or inconsistent input), not the
 * system's: the CLI exits 2 for these, 1 for the others. */
bool xt_err_is_input(void);
/* Set the message xt_errmsg() returns and return err (a negative errno): for a failure of
 * the system, and for a request that is wrong in itself. The rooms above the loader
 * (state/, config/) report through them too, so a caller reads every error one way. */
int xt_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int xt_err_input(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* XT_ATTACH_FORCE_LOCAL: take a local address that no interface has yet (one this host
 * gets later); without it, attach refuses one, as the overlay would never match a packet. */
#define XT_ATTACH_FORCE_LOCAL 0x1
int xt_attach(const struct xt_overlay_spec *spec, unsigned int flags);
int xt_detach(const char *dev);
/*
 * The spec as attach would make it and show would return it: every setting it leaves out
 * takes its default, the local address and the MTU read from the uplink as attach reads
 * them, and `has` as show sets it (vni and port only on VXLAN and GENEVE, key only if
 * given). Nothing is checked against the host beyond reading the uplink.
 */
int xt_overlay_spec_complete(const struct xt_overlay_spec *in, struct xt_overlay_spec *out);
/*
 * One setting (bit: one XT_OV_*) of spec from its text, as attach and the config file take
 * it, its bit then in `has`: address and forward-from take a comma-separated list and add
 * it to what the spec has. 0 or an input error that does not name the setting (attach
 * calls it "vni", the config file "VNI").
 */
int xt_setting_parse(struct xt_overlay_spec *spec, uint32_t bit, const char *text);
/* One setting as xt_setting_parse takes it ("none" for a vni, port or key the spec has not,
 * "(gone)" for an uplink), but address and forward-from, which are lists. */
int xt_setting_format(const struct xt_overlay_spec *spec, uint32_t bit, char *buf, size_t len);
/* The settings a running overlay takes without being made again (xt_overlay_set). */
#define XT_OV_LIVE (XT_OV_ADDRS | XT_OV_MTU | XT_OV_FORWARD_FROM)
/* xt_overlay_set: check what can be checked without the peers, change nothing. */
#define XT_SET_CHECK 0x1
/*
 * Changes the settings that spec->has names of running overlay spec->dev to spec's: the
 * addresses (the whole list), the MTU, the forward-from ports (while it forwards: turning
 * forwarding on or off changes the programs' configuration). Any other bit of `has` is
 * refused, naming the setting. Checked against the peers (addresses outside their
 * allowed-ips, IPv6 only at 1280 bytes or more) unless XT_SET_CHECK.
 */
int xt_overlay_set(const struct xt_overlay_spec *spec, unsigned int flags);
/* Replaces the overlay's programs with the ones built into this library, keeping the maps
 * (peers, routes, counters) and the flows: the upgrade path. dev NULL: the only overlay. */
int xt_reload(const char *dev);
/* Peers of overlay dev (NULL: the only overlay there is). XT_PEER_MOVE: take prefixes that
 * overlap other peers' (see allowed-ips in the man page). */
#define XT_PEER_MOVE 0x1
int xt_peer_add(const char *dev, const struct xt_peer_spec *peer, unsigned int flags);
int xt_peer_set(const char *dev, const struct xt_peer_spec *peer, unsigned int flags);
int xt_peer_del(const char *dev, const char *name);

/* Many commands in one process (`xtunnel batch`): from begin to end the lock is held, so
 * the commands run as one against other processes, and what a command reads of an
 * overlay's peers and routes is kept for the next ones. A batch begun inside another is
 * part of it: its end leaves the outer one running. */
int xt_batch_begin(void);
void xt_batch_end(void);

/* An L2 overlay's FDB and neighbour table (`fdb`, `neigh`). */
struct xt_fdb_entry {
	uint8_t mac[6];
	char peer[XT_PEER_NAME_LEN]; /* the peer's name ("" if its id is no peer's) */
	bool is_static;
	uint32_t age; /* learned: seconds since a frame from it was last seen */
};

struct xt_neigh_entry {
	struct xt_ip ip;
	uint8_t mac[6];
	char peer[XT_PEER_NAME_LEN]; /* learned: the peer that answered; static: "" */
	bool is_static;
	uint32_t age; /* learned: seconds since it was last said */
};

/* The live entries (static, or learned and younger than the ageing time), sorted; free
 * *out with free(). */
int xt_fdb_list(const char *dev, struct xt_fdb_entry **out, int *n);
/* A static entry: mac is behind peer (which replaces any entry mac has). */
int xt_fdb_add(const char *dev, const uint8_t mac[6], const char *peer);
int xt_fdb_del(const char *dev, const uint8_t mac[6]);
int xt_neigh_list(const char *dev, struct xt_neigh_entry **out, int *n);
/* A static entry: ip is at mac, for ARP and ND suppression. */
int xt_neigh_add(const char *dev, const struct xt_ip *ip, const uint8_t mac[6]);
int xt_neigh_del(const char *dev, const struct xt_ip *ip);

/* All overlays when dev is NULL. Free with xt_overlay_states_free(). */
int xt_show(const char *dev, struct xt_overlay_state **out, int *n);
void xt_overlay_states_free(struct xt_overlay_state *ovs, int n);

/*
 * xtunnel trace: packets as the programs report them (bpf/trace.h), through the overlay's
 * ring buffer, one tracer per overlay at a time. The tracer renews a lease of
 * XT_TRACE_LEASE_S seconds whenever it polls; if it stops (killed), the programs turn the
 * trace off themselves at the first packet after the lease.
 */
#define XT_TRACE_LEASE_S 3
#define XT_TRACE_DEFAULT_RATE 1000 /* events per second and CPU */

struct xt_trace_request {
	const char *dev;  /* NULL: the only overlay */
	const char *peer; /* only this peer's packets; NULL: any */
	bool all;	  /* every packet; false: drops only */
	uint32_t rate;	  /* events per second and CPU; 0: XT_TRACE_DEFAULT_RATE */
};

/* One packet as a program reported it, decoded from its first bytes. What the bytes did not
 * show is left 0 (has_outer, has_inner false; ports 0). */
struct xt_trace_packet {
	int64_t time_ns; /* wall-clock, since the Unix epoch */
	enum xt_trace_prog prog;
	bool rx; /* received from the underlay (decapsulation), else sent into it */
	enum xt_reason reason;
	char peer[XT_PEER_NAME_LEN]; /* "" when the packet is no known peer's */
	uint32_t len;		     /* the packet's length where it was reported */
	/* The tunnel packet: outer addresses always for a known peer; ports (UDP
	 * encapsulations) and vni or key only when the packet was seen encapsulated. */
	bool has_outer;
	struct xt_ip outer_src, outer_dst;
	uint16_t outer_sport, outer_dport;
	bool has_vni, has_key;
	uint32_t vni, key;
	/* The inner packet: its Ethernet type (IPv4, IPv6, ARP), IP protocol and addresses
	 * (ARP: sender and target), ports for TCP and UDP. */
	bool has_inner;
	uint16_t inner_type;
	uint8_t inner_proto;
	struct xt_ip inner_src, inner_dst;
	uint16_t inner_sport, inner_dport;
};

struct xt_tracer;
typedef void (*xt_trace_fn)(const struct xt_trace_packet *p, void *arg);

/* Turns the trace on; refused while another tracer's lease runs. */
int xt_trace_start(const struct xt_trace_request *req, struct xt_tracer **out);
/* Waits up to timeout_ms for events and hands each to fn; renews the lease. The number of
 * events, or -errno (-EINTR: a signal came). */
int xt_trace_poll(struct xt_tracer *t, int timeout_ms, xt_trace_fn fn, void *arg);
/* Events the programs did not send since the start: over the rate, or no room in the ring
 * buffer. */
uint64_t xt_trace_lost(struct xt_tracer *t);
/* Turns the trace off (if it is still this tracer's) and frees t. */
void xt_trace_stop(struct xt_tracer *t);
/* Decodes one event as the programs of an overlay with configuration cfg sent it: pure,
 * for the tracer and the tests. The peer's name and endpoint are the caller's to fill. */
void xt_trace_decode(const struct xt_config *cfg, const struct xt_trace_event *ev,
		     struct xt_trace_packet *p);

/*
 * xtunnel doctor: what is wrong with an overlay and the host around it, and how to fix it.
 * Each check gives one finding per overlay (version: one per device of another version, or
 * one for all). A list as the others: the name is the check's id in JSON and the man page.
 */
#define XT_CHECKS(X)                                                                               \
	X(VERSION, version)	  /* programs of another xtunnel version */                        \
	X(MTU, mtu)		  /* the overlay's MTU against the uplink's and the overhead */    \
	X(RX, rx)		  /* the receive path: present, native or generic XDP */           \
	X(OFFLOADS, offloads)	  /* checksum and GSO offloads that break a path */                \
	X(PINS, pins)		  /* bpffs mounted, the maps pinned, each pin the live map */      \
	X(FORWARDING, forwarding) /* forward-from: IP forwarding on */                             \
	X(RP_FILTER, rp_filter)	  /* forward-from: rp_filter lets decapsulated packets through */  \
	X(ROUTES, routes)	  /* kernel routes that take allowed-ips away from the overlay */  \
	X(BRIDGE, bridge)	  /* L2: the overlay is a bridge's port */                         \
	X(CAPACITY, capacity)	  /* peers and routes against max-peers and max-routes */

/* clang-format off */
enum xt_doctor_check {
#define XT_CHECK_ENUM(id, name) XT_CHECK_##id,
	XT_CHECKS(XT_CHECK_ENUM)
#undef XT_CHECK_ENUM
	XT_CHECK_COUNT,
};
/* clang-format on */

/* ok: nothing to do; warn: works, but not as well as it should or not for every packet;
 * fail: packets are lost or a command will fail. Both of the last two are wrong. */
#define XT_STATUSES(X)                                                                             \
	X(OK, ok)                                                                                  \
	X(WARN, warn)                                                                              \
	X(FAIL, fail)

/* clang-format off */
enum xt_status {
#define XT_STATUS_ENUM(id, name) XT_STATUS_##id,
	XT_STATUSES(XT_STATUS_ENUM)
#undef XT_STATUS_ENUM
	XT_STATUS_COUNT,
};
/* clang-format on */

struct xt_finding {
	enum xt_doctor_check check;
	enum xt_status status;
	char dev[IF_NAMESIZE]; /* the overlay (or the other version's device) */
	char what[384];	       /* what was found */
	char fix[384];	       /* what to do about it; "" when ok */
};

/* Every check of overlay dev (NULL: of every overlay here, and of the devices of other
 * versions). Free *out with free(). -ENODEV (an input error) when there is nothing to check. */
int xt_doctor(const char *dev, struct xt_finding **out, int *n);

/* Parsing and naming: pure functions, shared by the CLI and the tests. */
int xt_parse_ip(const char *s, struct xt_ip *out);	    /* IPv4 or IPv6 */
int xt_parse_prefix(const char *s, struct xt_prefix *out);  /* host bits must be 0 */
int xt_parse_address(const char *s, struct xt_prefix *out); /* host bits allowed */
int xt_parse_prefix_list(const char *s, struct xt_prefix *out, int max, int *n);
/* A.B.C.D, A.B.C.D:PORT, [V6]:PORT, [V6] or a bare V6; port 0 when none is given. */
int xt_parse_endpoint(const char *s, struct xt_ip *addr, uint16_t *port);
int xt_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int xt_parse_encap(const char *s, enum xt_encap *out);
int xt_parse_rx_mode(const char *s, enum xt_rx_mode *out);
int xt_parse_xdp_mode(const char *s, enum xt_xdp_mode *out);
int xt_parse_mode(const char *s, enum xt_mode *out);
/* A unicast MAC of six hexadecimal octets separated by ':' (or '-'). */
int xt_parse_mac(const char *s, uint8_t out[6]);
/* aa:bb:cc:dd:ee:ff; buf of 18 bytes at least. */
int xt_format_mac(const uint8_t mac[6], char *buf, size_t len);
/* 0 if name is a valid device name (the kernel's rules, no control characters), else an
 * input error whose message starts with `what`. Every device name a command takes goes
 * through it. */
int xt_dev_name_check(const char *what, const char *name);
/* 0 if name is a valid peer name (letters, digits, '.', '_', '-'; shorter than
 * XT_PEER_NAME_LEN), else an input error. */
int xt_peer_name_check(const char *name);
/* 0 if p may be a peer's allowed-ips on any overlay (IPv6 outside ::ffff:0:0/96, where the
 * maps keep IPv4), else an input error. What depends on the overlay is checked by peer. */
int xt_allowed_ip_check(const struct xt_prefix *p);
/* The word attach takes for one XT_OV_* bit ("xdp-mode"); "unknown" for no single bit. */
const char *xt_setting_name(uint32_t bit);
/* The word of one XT_PEER_F_* flag ("managed", "flood"), NULL for a bit xtunnel does not
 * know. */
const char *xt_peer_flag_name(uint16_t flag);
/*
 * A name the kernel gave (a device's, or a path with one) as UTF-8 text, for JSON and
 * Prometheus, which must be UTF-8: a device name may hold any byte but '/', ':' and
 * whitespace, so each byte that starts no well-formed UTF-8 sequence becomes U+FFFD, the
 * replacement character. out has room for XT_NAME_UTF8_SIZE(name) bytes.
 */
#define XT_NAME_UTF8_SIZE(name) (3 * strlen(name) + 1)
void xt_name_utf8(const char *name, char *out);
int xt_format_ip(const struct xt_ip *ip, char *buf, size_t len);
int xt_format_prefix(const struct xt_prefix *p, char *buf, size_t len);
/* ADDR:PORT or [V6]:PORT; the address alone when port is 0. */
int xt_format_endpoint(const struct xt_ip *ip, uint16_t port, char *buf, size_t len);
/* The words `show` prints and the command line takes ("unknown" out of range). */
const char *xt_encap_name(enum xt_encap encap);
const char *xt_reason_name(enum xt_reason reason); /* drop-spoofed */
const char *xt_rx_mode_name(enum xt_rx_mode mode);
const char *xt_xdp_mode_name(enum xt_xdp_mode mode);
const char *xt_gso_path_name(enum xt_gso_path path);
const char *xt_mode_name(enum xt_mode mode);
const char *xt_uplink_state_name(enum xt_uplink_state state);
/* The key of a reason's counter in JSON: drop_spoofed. */
const char *xt_reason_key(enum xt_reason reason);
/* What a reason does to a packet: "ok" (encapsulated, decapsulated, ...), "pass", "drop". */
const char *xt_reason_verdict(enum xt_reason reason);
/* The name of the program that reported a traced packet: xt_decap_tc. */
const char *xt_trace_prog_name(enum xt_trace_prog prog);
/* The id of a doctor check (rp_filter) and the word of a status (ok, warn, fail). */
const char *xt_check_name(enum xt_doctor_check check);
const char *xt_status_name(enum xt_status status);

#endif /* XTUNNEL_H */
