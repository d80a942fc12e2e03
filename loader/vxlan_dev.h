/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel's collect-metadata vxlan device that GSO packets over an IPv6 underlay go
 * through (vxlan_dev.c): one per UDP port per namespace, shared by the overlays on it.
 */
#ifndef XT_VXLAN_DEV_H
#define XT_VXLAN_DEV_H

#include <stdint.h>
#include <net/if.h>
#include "xtunnel.h"

void xt_vxlan_dev_name(uint16_t port, char name[IF_NAMESIZE]);
/* 0 and *ifindex: our device for port. -ENOENT: none; -EEXIST: another device has its name. */
int xt_vxlan_dev_lookup(uint16_t port, int *ifindex);
/* Our device for port, created if needed (with its catch-all drop filter, up).
 * -EADDRINUSE: another socket or vxlan device holds the port; -EEXIST: its name is taken. */
int xt_vxlan_dev_ensure(uint16_t port, int *ifindex);
/* Sets cfg's GSO path for an IPv6 UDP underlay: the device (ensured), or why not (a
 * warning too). Never fails: the segment path always works. */
void xt_gso_path_choose(struct xt_config *cfg, const char *dev);
/* The overlay's xt_sock_drop filter on the device's ingress, added or replaced. */
int xt_vxlan_dev_use(int ifindex, uint32_t overlay_ifindex, int drop_fd);
/* Removes the overlay's filter (none when 0), and the device once no overlay uses it. */
void xt_vxlan_dev_release(int ifindex, uint16_t port, uint32_t overlay_ifindex);
/* show: the GSO path of the overlay, and why. */
void xt_gso_path_describe(const struct xt_config *cfg, struct xt_overlay_state *info);

#endif
