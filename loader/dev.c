// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Device facts and settings: ioctl (MTU, driver, MAC), ethtool features, /proc/sys. */
#include <errno.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include "dev.h"

/* Writes /proc/sys/net/ipv6/conf/DEV/KEY. The directory exists only while the device can
 * carry IPv6 (an MTU of 1280 or more). */
int xt_ipv6_conf(const char *dev, const char *key, const char *value)
{
	char path[128];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", dev, key);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int xt_sysctl_read(const char *path, int *value)
{
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", value) != 1)
		err = -EIO;
	fclose(f);
	return err;
}

static int dev_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	if (strlen(name) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr->ifr_name, name);
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

int xt_dev_mtu(const char *name, uint32_t *mtu)
{
	struct ifreq ifr = {};
	int err = dev_ioctl(name, SIOCGIFMTU, &ifr);

	if (!err)
		*mtu = (uint32_t)ifr.ifr_mtu;
	return err;
}

int xt_dev_driver(const char *name, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&info };
	int err = dev_ioctl(name, SIOCETHTOOL, &ifr);

	if (!err)
		snprintf(buf, len, "%s", info.driver);
	return err;
}

int xt_dev_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int err = dev_ioctl(name, SIOCGIFHWADDR, &ifr);

	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}

int xt_dev_mac_set(const char *name, const uint8_t mac[6])
{
	struct ifreq ifr = {};

	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return dev_ioctl(name, SIOCSIFHWADDR, &ifr);
}

int xt_dev_mac_of(uint32_t ifindex, uint8_t mac[6])
{
	char name[IF_NAMESIZE];

	if (!if_indextoname(ifindex, name))
		return -errno;
	return xt_dev_mac(name, mac);
}

/* The device's feature names (ethtool's "features" string set); *count of them. */
static char *feature_names(const char *name, uint32_t *count, int *err)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES } };
	struct ifreq ifr = { .ifr_data = (void *)&sset };
	struct ethtool_gstrings *strings;

	*err = dev_ioctl(name, SIOCETHTOOL, &ifr);
	if (*err)
		return NULL;
	if (!(sset.hdr.sset_mask & (1ULL << ETH_SS_FEATURES))) {
		*err = -EOPNOTSUPP;
		return NULL;
	}
	*count = sset.len;
	strings = calloc(1, sizeof(*strings) + (size_t)*count * ETH_GSTRING_LEN);
	if (!strings) {
		*err = -ENOMEM;
		return NULL;
	}
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_FEATURES;
	strings->len = *count;
	ifr.ifr_data = (void *)strings;
	*err = dev_ioctl(name, SIOCETHTOOL, &ifr);
	if (*err) {
		free(strings);
		return NULL;
	}
	/* The names start at the same address as the struct: hand back one block. */
	memmove(strings, strings->data, (size_t)*count * ETH_GSTRING_LEN);
	return (char *)strings;
}

/* The active features of the device, count of them, in *get (free it). */
static int features_get(const char *name, uint32_t count, struct ethtool_gfeatures **get)
{
	uint32_t blocks = (count + 31) / 32;
	struct ifreq ifr = {};
	int err;

	*get = calloc(1, sizeof(**get) + blocks * sizeof((*get)->features[0]));
	if (!*get)
		return -ENOMEM;
	(*get)->cmd = ETHTOOL_GFEATURES;
	(*get)->size = blocks;
	ifr.ifr_data = (void *)*get;
	err = dev_ioctl(name, SIOCETHTOOL, &ifr);
	if (err) {
		free(*get);
		*get = NULL;
	}
	return err;
}

static bool feature_active(const struct ethtool_gfeatures *get, uint32_t i)
{
	return get->features[i / 32].active & (1u << (i % 32));
}

/*
 * Through the ethtool ioctl (what `ethtool -K` does) rather than ethtool netlink: feature
 * indices are looked up by name in the device's string set, as the kernel numbers them
 * differently from one version to the next.
 */
int xt_dev_features_set(const char *name, bool (*match)(const char *feature), bool on,
			char stuck[ETH_GSTRING_LEN + 1])
{
	struct ethtool_sfeatures *set = NULL;
	struct ethtool_gfeatures *get = NULL;
	char feature[ETH_GSTRING_LEN + 1] = "";
	uint32_t count = 0, blocks, i, bit;
	struct ifreq ifr = {};
	char *names;
	int err;

	stuck[0] = '\0';
	names = feature_names(name, &count, &err);
	if (!names)
		return err;
	blocks = (count + 31) / 32;
	set = calloc(1, sizeof(*set) + blocks * sizeof(set->features[0]));
	if (!set) {
		err = -ENOMEM;
		goto out;
	}
	set->cmd = ETHTOOL_SFEATURES;
	set->size = blocks;
	for (i = 0; i < count; i++) {
		memcpy(feature, names + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		if (match(feature)) {
			set->features[i / 32].valid |= 1u << (i % 32);
			if (on)
				set->features[i / 32].requested |= 1u << (i % 32);
		}
	}
	/* A positive return (ETHTOOL_F_WISH, _UNSUPPORTED) only says that not everything could
	 * be changed, which the read-back below checks. */
	ifr.ifr_data = (void *)set;
	err = dev_ioctl(name, SIOCETHTOOL, &ifr);
	if (!err)
		err = features_get(name, count, &get);
	if (err)
		goto out;
	for (i = 0; i < count; i++) {
		bit = 1u << (i % 32);
		if ((set->features[i / 32].valid & bit) && feature_active(get, i) != on) {
			memcpy(stuck, names + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
			stuck[ETH_GSTRING_LEN] = '\0';
			err = -EOPNOTSUPP;
			break;
		}
	}
out:
	free(get);
	free(set);
	free(names);
	return err;
}

int xt_dev_feature_on(const char *name, bool (*match)(const char *feature),
		      char found[ETH_GSTRING_LEN + 1])
{
	struct ethtool_gfeatures *get = NULL;
	char feature[ETH_GSTRING_LEN + 1] = "";
	uint32_t count = 0, i;
	char *names;
	int err;

	found[0] = '\0';
	names = feature_names(name, &count, &err);
	if (!names)
		return err;
	err = features_get(name, count, &get);
	for (i = 0; !err && i < count; i++) {
		memcpy(feature, names + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		if (match(feature) && feature_active(get, i)) {
			memcpy(found, feature, sizeof(feature));
			err = 1;
		}
	}
	free(get);
	free(names);
	return err;
}

/*
 * Every segmentation offload (tx-*-segmentation, tx-gso-list, tx-gso-partial, and whatever
 * this kernel adds, such as tx-tcp-accecn-segmentation in 6.18): with any of them on, the
 * kernel hands a GSO packet to the device whole. Matched by name, so that a kernel with a
 * feature the list would not know still segments.
 */
bool xt_feature_is_segmentation(const char *feature)
{
	size_t len = strlen(feature), suffix = strlen("-segmentation");

	if (strncmp(feature, "tx-", 3))
		return false;
	return !strncmp(feature, "tx-gso-", 7) ||
	       (len > suffix && !strcmp(feature + len - suffix, "-segmentation"));
}

bool xt_feature_is_gro(const char *feature)
{
	return !strcmp(feature, "rx-gro") || !strcmp(feature, "rx-gro-list") ||
	       !strcmp(feature, "rx-udp-gro-forwarding");
}

bool xt_feature_is_rx_gro(const char *feature)
{
	return !strcmp(feature, "rx-gro");
}
