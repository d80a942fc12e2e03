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

#endif
