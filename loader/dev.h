/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Device facts and settings through ioctl, ethtool and /proc/sys. */
#ifndef XT_DEV_H
#define XT_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ethtool.h>

/* Writes /proc/sys/net/ipv6/conf/DEV/KEY: only there while DEV can carry IPv6. */
int xt_ipv6_conf(const char *dev, const char *key, const char *value);

/* A number from /proc/sys (path: the whole path). */
int xt_sysctl_read(const char *path, int *value);

/* Device facts through ioctl. */
int xt_dev_mtu(const char *name, uint32_t *mtu);
int xt_dev_driver(const char *name, char *buf, size_t len);
int xt_dev_mac(const char *name, uint8_t mac[6]);
int xt_dev_mac_set(const char *name, const uint8_t mac[6]);
int xt_dev_mac_of(uint32_t ifindex, uint8_t mac[6]);
/* Turns off every feature of the device whose name (as `ethtool -k` prints it) `match`
 * accepts. -EOPNOTSUPP, with the name in stuck, if one stays on. */
int xt_dev_features_set(const char *name, bool (*match)(const char *feature), bool on,
			char stuck[ETH_GSTRING_LEN + 1]);
/* 1 and its name in found if a feature that match accepts is on, 0 if none is; -errno. */
int xt_dev_feature_on(const char *name, bool (*match)(const char *feature),
		      char found[ETH_GSTRING_LEN + 1]);

/* Features by name, for the two above. Every segmentation offload: with one on, the kernel
 * hands a GSO packet to the device whole. */
bool xt_feature_is_segmentation(const char *feature);
/* Every kind of GRO (rx-gro, rx-gro-list, rx-udp-gro-forwarding): one merges segments. */
bool xt_feature_is_gro(const char *feature);
/* rx-gro alone. */
bool xt_feature_is_rx_gro(const char *feature);

#endif
