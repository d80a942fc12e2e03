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
#include <netinet/in.h>
#include "xtunnel_shared.h"

#define XT_MAX_ADDRS 16
#define XT_MAX_ALLOWED 64
#define XT_DEFAULT_DEV "xt0"

/* An IPv4 or IPv6 address, kept as the maps keep it: IPv4 as ::ffff:a.b.c.d. */
struct xt_ip {
	uint8_t family; /* XT_FAMILY_V4 or XT_FAMILY_V6 */
	uint8_t addr[XT_ADDR_LEN];
};

struct xt_prefix {
	struct xt_ip ip;
	uint8_t len; /* in the family's own terms: 0-32 or 0-128 */
};

struct xt_attach_opts {
	const char *uplink;
	const char *dev;     /* default XT_DEFAULT_DEV */
	enum xt_encap encap; /* default XT_ENCAP_VXLAN */
	bool has_vni;
	uint32_t vni;  /* VXLAN, GENEVE; default 1 */
	uint16_t port; /* VXLAN, GENEVE; default XT_VXLAN_PORT or XT_GENEVE_PORT */
	bool has_key;
	uint32_t key; /* GRE */
	bool has_local;
	struct xt_ip local; /* default: the uplink's first IPv4, else first global IPv6 */
	struct xt_prefix addrs[XT_MAX_ADDRS];
	int n_addrs;
	uint32_t mtu; /* 0: uplink MTU minus xt_encap_overhead() */
	enum xt_rx_mode rx;
	enum xt_xdp_mode xdp_mode;
	uint32_t max_peers;  /* 0: XT_DEFAULT_MAX_PEERS */
	uint32_t max_routes; /* 0: XT_DEFAULT_MAX_ROUTES */
	/* Local interfaces whose packets routed into the overlay XDP encapsulates (and
	 * decapsulated packets routed out of them XDP sends there): see forward.c. */
	char forward_from[XT_MAX_FWD_PORTS][16];
	int n_forward;
};

/* What a peer command sets; `has_*` marks the fields given (for peer set). */
struct xt_peer_opts {
	const char *dev; /* NULL: the only overlay there is */
	const char *name;
	bool has_endpoint;
	struct xt_ip endpoint;
	uint16_t port; /* 0: the overlay's port (VXLAN, GENEVE; GRE and IPIP have none) */
	bool has_allowed;
	bool move; /* take prefixes that overlap other peers' (see allowed-ips) */
	struct xt_prefix allowed[XT_MAX_ALLOWED];
	int n_allowed;
};

struct xt_peer_info {
	char name[XT_PEER_NAME_LEN];
	uint32_t id;
	struct xt_ip endpoint;
	uint16_t port;		   /* 0 for GRE and IPIP */
	struct xt_prefix *allowed; /* every prefix, however many; freed by xt_overlays_free */
	int n_allowed;
	struct xt_peer_stats stats; /* summed over CPUs */
};

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

struct xt_overlay_info {
	char dev[16];
	char uplink[16];
	enum xt_encap encap;
	uint32_t vni;  /* VXLAN, GENEVE */
	uint16_t port; /* VXLAN, GENEVE */
	bool has_key;
	uint32_t key; /* GRE */
	uint32_t mtu;
	struct xt_ip local;
	enum xt_rx_mode rx_request; /* what the user asked */
	enum xt_rx_mode rx;	    /* what is attached */
	enum xt_xdp_mode xdp_mode;
	char rx_reason[128]; /* why this receive path */
	enum xt_gso_path gso;
	char gso_reason[160]; /* what encapsulates GSO packets, and why */
	char pin_dir[256];    /* where the maps are pinned ("" if not) */
	uint32_t max_peers, max_routes, n_routes;
	char forward_from[XT_MAX_FWD_PORTS][16];
	int n_forward;
	uint64_t reasons[XT_REASON_COUNT]; /* summed over CPUs */
	struct xt_peer_info *peers;
	int n_peers;
};

typedef void (*xt_warn_fn)(const char *msg);

void xt_set_warn(xt_warn_fn fn);
const char *xt_errmsg(void);
/* True when the last error was the request's fault (bad or inconsistent input), not the
 * system's: the CLI exits 2 for these, 1 for the others. */
bool xt_err_is_input(void);

int xt_attach(const struct xt_attach_opts *opts);
int xt_detach(const char *dev);
/* Replaces the overlay's programs with the ones built into this library, keeping the maps
 * (peers, routes, counters) and the flows: the upgrade path. dev NULL: the only overlay. */
int xt_reload(const char *dev);
int xt_peer_add(const struct xt_peer_opts *opts);
int xt_peer_set(const struct xt_peer_opts *opts);
int xt_peer_del(const char *dev, const char *name);

/* Many commands in one process (`xtunnel batch`): from begin to end the lock is held, so
 * the commands run as one against other processes, and what a command reads of an
 * overlay's peers and routes is kept for the next ones. */
int xt_batch_begin(void);
void xt_batch_end(void);

/* All overlays when dev is NULL. Free with xt_overlays_free(). */
int xt_show(const char *dev, struct xt_overlay_info **out, int *n);
void xt_overlays_free(struct xt_overlay_info *ovs, int n);

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
/* 0 if name is a valid device name (the kernel's rules, no control characters), else an
 * input error whose message starts with `what`. Every device name a command takes goes
 * through it. */
int xt_dev_name_check(const char *what, const char *name);
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
/* The key of a reason's counter in JSON: drop_spoofed. */
const char *xt_reason_key(enum xt_reason reason);

#endif /* XTUNNEL_H */
