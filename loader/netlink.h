/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Netlink (libmnl, netlink.c). ifindex-based; all return 0 or -errno. */
#ifndef XT_NETLINK_H
#define XT_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include "xtunnel.h"

#define XT_RTPROT 0x78 /* routes xtunnel installs carry this protocol number */

struct nlmsghdr;
typedef int (*xt_nl_cb)(const struct nlmsghdr *nlh, void *data);
/* A request in buf (MNL_SOCKET_BUFFER_SIZE bytes) with NLM_F_REQUEST and flags. */
struct nlmsghdr *xt_nl_new(char *buf, uint16_t type, uint16_t flags);
/* Sends one request and reads until its ACK (or DONE for dumps); cb sees each reply. */
int xt_nl_talk(struct nlmsghdr *nlh, xt_nl_cb cb, void *data);
/* The device at ifindex as RTM_GETLINK gives it: cb sees the one reply. */
int xt_nl_get_link(int ifindex, xt_nl_cb cb, void *data);
int xt_nl_veth_create(const char *name, const char *peer, uint32_t mtu);
int xt_nl_link_up(int ifindex);
int xt_nl_link_del(int ifindex);
/* Sets the flags in `change` to their value in `flags` (IFF_UP, IFF_NOARP). */
int xt_nl_link_flags(int ifindex, unsigned int flags, unsigned int change);
int xt_nl_link_mtu(int ifindex, uint32_t mtu);
/* Adds (IPv6 without duplicate address detection) or removes an address. */
int xt_nl_addr(bool add, int ifindex, const struct xt_prefix *p);
int xt_nl_route(bool add, int ifindex, const struct xt_prefix *p);
/* The device's first global-scope address of family XT_FAMILY_V4 or XT_FAMILY_V6;
 * -EADDRNOTAVAIL if it has none. */
int xt_nl_first_addr(int ifindex, uint8_t family, struct xt_ip *out);
/* The device that has address ip, in any scope and state (tentative IPv6 included);
 * -EADDRNOTAVAIL if none has. */
int xt_nl_addr_owner(const struct xt_ip *ip, int *ifindex);
/* Every address of the device with its prefix length, both families, any scope, in the
 * kernel's order (IPv4 first); free *out. */
int xt_nl_addrs(int ifindex, struct xt_prefix **out, int *n);

/* A route of the main table as the kernel dumps it. */
struct xt_nl_route {
	struct xt_prefix dst;
	int oif;	  /* 0: none (multipath, blackhole, unreachable, prohibit) */
	uint8_t type;	  /* RTN_* */
	uint8_t protocol; /* RTPROT_*, XT_RTPROT for ours */
};

/* The routes of the main table, both families; free *out. */
int xt_nl_routes(struct xt_nl_route **out, int *n);
/*
 * The kernel's own answer to `ip route get DST [from SRC iif IIF]`: the rules, every table
 * and, with iif, the checks a received packet meets (forwarding, rp_filter). 0 and the
 * device it leaves by in *oif (0: none, e.g. a local route), or the kernel's error
 * (-EXDEV: rp_filter refuses the source; -ENETUNREACH: no route).
 */
int xt_nl_route_get(const struct xt_ip *dst, const struct xt_ip *src, int iif, int *oif);

#endif
