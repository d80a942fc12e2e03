/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* libxtunnel internals: not part of the public API. */
#ifndef XT_INTERNAL_H
#define XT_INTERNAL_H

#include <net/if.h>
#include "xtunnel.h"

#define XT_RTPROT 0x78 /* routes xtunnel installs carry this protocol number */
#define XT_PEER_SUFFIX "-p"
#define XT_DEV_NAME_MAX (IF_NAMESIZE - 1 - (int)sizeof(XT_PEER_SUFFIX) + 1)

/* Sets the message returned by xt_errmsg() and returns err (a negative errno). */
int xt_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a request that is wrong in itself (bad or inconsistent input). */
int xt_err_input(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An overlay found through the encap program attached to its device. */
struct xt_overlay {
	char dev[IF_NAMESIZE];
	int ifindex;
	struct xt_config cfg;
	int peers_fd, routes_fd, peer_stats_fd, reasons_fd;
	uint32_t peers_id; /* map id of xt_peers: identifies the overlay's programs */
};

int xt_overlay_open(const char *dev, struct xt_overlay *ov);
void xt_overlay_close(struct xt_overlay *ov);
int xt_overlay_names(char (*names)[IF_NAMESIZE], int max, int *n);

/* One lock for every command that changes an overlay: /run/xtunnel/lock. */
int xt_lock(void);
void xt_unlock(int fd);

/* bpffs: where pins go, mounting bpffs if needed. */
int xt_pin_dir(const char *dev, char *buf, size_t len, bool create);
int xt_pins_create(const struct xt_overlay *ov);
void xt_pins_remove(const char *dev);
bool xt_mount_ns_is_private(void);

/* Netlink (libmnl). ifindex-based; all return 0 or -errno. */
int xt_nl_veth_create(const char *name, const char *peer, uint32_t mtu);
int xt_nl_link_up(int ifindex);
int xt_nl_link_del(int ifindex);
int xt_nl_addr_add(int ifindex, const struct xt_prefix *p);
int xt_nl_route(bool add, int ifindex, const struct xt_prefix *p);
int xt_nl_first_ipv4(int ifindex, struct in_addr *out);
int xt_nl_tc_filter_count(int ifindex);

/* Device facts through ioctl. */
int xt_dev_mtu(const char *name, uint32_t *mtu);
int xt_dev_driver(const char *name, char *buf, size_t len);

/* Map helpers. */
int xt_reasons_read(int fd, uint64_t *out);
int xt_peer_stats_read(int fd, uint32_t id, struct xt_peer_stats *out);
int xt_peer_stats_reset(int fd, uint32_t id);

#endif
