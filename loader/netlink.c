// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* rtnetlink through libmnl: the overlay device, its addresses, routes and neighbours. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "addr.h"
#include "dev.h"
#include "errmsg.h"
#include "netlink.h"

int xt_nl_talk(struct nlmsghdr *nlh, xt_nl_cb cb, void *data)
{
	char buf[32768]; /* MNL_SOCKET_DUMP_SIZE, not in libmnl 1.0.4 */
	struct mnl_socket *nl;
	unsigned int seq, portid;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = seq = (unsigned int)time(NULL);
	/* NLM_F_DUMP is two bits, one of them shared with NLM_F_EXCL. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	do {
		ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0) {
			ret = ret < 0 ? -errno : -EIO;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)ret, seq, portid, (mnl_cb_t)cb, data);
	} while (ret > MNL_CB_STOP);
	/* MNL_CB_ERROR carries the kernel's NLMSG_ERROR code in errno. */
	if (ret == MNL_CB_ERROR)
		ret = errno ? -errno : -EIO;
	else if (ret == MNL_CB_STOP)
		ret = 0;
out:
	mnl_socket_close(nl);
	return ret;
}

struct nlmsghdr *xt_nl_new(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

int xt_nl_veth_create(const char *name, const char *peer, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *linkinfo, *data, *peer_attr;
	struct ifinfomsg *ifi, *peer_ifi;

	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_attr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	peer_ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifi));
	peer_ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_nest_end(nlh, peer_attr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return xt_nl_talk(nlh, NULL, NULL);
}

int xt_nl_link_flags(int ifindex, unsigned int flags, unsigned int change)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return xt_nl_talk(nlh, NULL, NULL);
}

int xt_nl_link_up(int ifindex)
{
	return xt_nl_link_flags(ifindex, IFF_UP, IFF_UP);
}

int xt_nl_link_del(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return xt_nl_talk(nlh, NULL, NULL);
}

/* The bytes of an address as its family has them: 4 (behind the mapped prefix) or 16. */
static const void *family_bytes(const struct xt_ip *ip, size_t *len)
{
	*len = ip->family == XT_FAMILY_V4 ? 4 : XT_ADDR_LEN;
	return ip->family == XT_FAMILY_V4 ? ip->addr + 12 : ip->addr;
}

int xt_nl_addr_add(int ifindex, const struct xt_prefix *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len;
	const void *a = family_bytes(&p->ip, &len);

	ifa->ifa_family = p->ip.family == XT_FAMILY_V4 ? AF_INET : AF_INET6;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_index = (unsigned int)ifindex;
	/* Duplicate address detection would keep an IPv6 address tentative (unusable as a
	 * source) for a second or more after the link comes up, and its probes could reach
	 * nobody: a neighbour solicitation goes only to the peer whose allowed-ips hold its
	 * target, and no peer holds our own address. Keeping the overlay's addresses unique is
	 * the user's part, as it is for allowed-ips. */
	if (p->ip.family == XT_FAMILY_V6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, len, a);
	mnl_attr_put(nlh, IFA_ADDRESS, len, a);
	return xt_nl_talk(nlh, NULL, NULL);
}

int xt_nl_route(bool add, int ifindex, const struct xt_prefix *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
					 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t len;
	const void *a = family_bytes(&p->ip, &len);

	rtm->rtm_family = p->ip.family == XT_FAMILY_V4 ? AF_INET : AF_INET6;
	rtm->rtm_dst_len = p->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = XT_RTPROT;
	/* IPv6 routes have no scope (the kernel takes universe, as `ip -6 route` sends). */
	rtm->rtm_scope = p->ip.family == XT_FAMILY_V4 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, len, a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return xt_nl_talk(nlh, NULL, NULL);
}

/* The address an RTM_NEWADDR message carries, if it is of family (AF_INET or AF_INET6). */
static bool ifa_address(const struct nlmsghdr *nlh, uint8_t family, struct xt_ip *out)
{
	size_t want = family == AF_INET ? 4 : XT_ADDR_LEN;
	const void *local = NULL, *address = NULL;
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct ifaddrmsg))
	{
		if (mnl_attr_get_payload_len(attr) != want)
			continue;
		if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = mnl_attr_get_payload(attr);
		else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			address = mnl_attr_get_payload(attr);
	}
	/* IPv6 addresses come as IFA_ADDRESS alone; IFA_LOCAL is there only with a peer. */
	if (!local)
		local = address;
	if (!local)
		return false;
	if (family == AF_INET) {
		xt_ip_from_v4(out, local);
	} else {
		out->family = XT_FAMILY_V6;
		memcpy(out->addr, local, XT_ADDR_LEN);
	}
	return true;
}

struct first_addr {
	int ifindex;
	uint8_t family; /* AF_INET or AF_INET6 */
	bool found;
	struct xt_ip addr;
};

static int first_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct first_addr *f = data;

	if (f->found || ifa->ifa_family != f->family || (int)ifa->ifa_index != f->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	f->found = ifa_address(nlh, f->family, &f->addr);
	return MNL_CB_OK;
}

int xt_nl_first_addr(int ifindex, uint8_t family, struct xt_ip *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct first_addr f = { .ifindex = ifindex,
				.family = family == XT_FAMILY_V4 ? AF_INET : AF_INET6 };
	int err;

	ifa->ifa_family = f.family;
	err = xt_nl_talk(nlh, first_addr_cb, &f);
	if (err)
		return err;
	if (!f.found)
		return -EADDRNOTAVAIL;
	*out = f.addr;
	return 0;
}

struct all_addrs {
	int ifindex, n, cap;
	struct xt_ip *addrs;
	int err;
};

static int all_addrs_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct all_addrs *a = data;
	struct xt_ip ip;

	if ((int)ifa->ifa_index != a->ifindex || a->err ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    !ifa_address(nlh, ifa->ifa_family, &ip))
		return MNL_CB_OK;
	if (a->n == a->cap) {
		void *grown = realloc(a->addrs, (size_t)(a->cap ? a->cap * 2 : 8) * sizeof(ip));

		if (!grown) {
			a->err = -ENOMEM;
			return MNL_CB_OK;
		}
		a->addrs = grown;
		a->cap = a->cap ? a->cap * 2 : 8;
	}
	a->addrs[a->n++] = ip;
	return MNL_CB_OK;
}

int xt_nl_addrs(int ifindex, struct xt_ip **out, int *n)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct all_addrs a = { .ifindex = ifindex };
	int err;

	ifa->ifa_family = AF_UNSPEC;
	err = xt_nl_talk(nlh, all_addrs_cb, &a) ?: a.err;
	if (err) {
		free(a.addrs);
		return err;
	}
	*out = a.addrs;
	*n = a.n;
	return 0;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

/* Filters on a device's clsact hook, ingress and egress together. */
int xt_nl_tc_filter_count(int ifindex)
{
	static const uint32_t parents[] = { TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
					    TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int count = 0, err;
	size_t i;

	for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETTFILTER, NLM_F_DUMP);
		struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));

		tcm->tcm_family = AF_UNSPEC;
		tcm->tcm_ifindex = ifindex;
		tcm->tcm_parent = parents[i];
		err = xt_nl_talk(nlh, count_cb, &count);
		if (err && err != -EINVAL && err != -ENOENT)
			return err;
	}
	return count;
}

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
	get = calloc(1, sizeof(*get) + blocks * sizeof(get->features[0]));
	if (!set || !get) {
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
	if (err)
		goto out;
	get->cmd = ETHTOOL_GFEATURES;
	get->size = blocks;
	ifr.ifr_data = (void *)get;
	err = dev_ioctl(name, SIOCETHTOOL, &ifr);
	if (err)
		goto out;
	for (i = 0; i < count; i++) {
		bit = 1u << (i % 32);
		if ((set->features[i / 32].valid & bit) &&
		    !!(get->features[i / 32].active & bit) != on) {
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
