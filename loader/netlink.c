// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* rtnetlink through libmnl: the overlay device, its addresses, routes and neighbours. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include "addr.h"
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

/* A request of type about the device at ifindex (its ifinfomsg is the payload). */
static struct nlmsghdr *link_msg(char *buf, uint16_t type, int ifindex)
{
	struct nlmsghdr *nlh = xt_nl_new(buf, type, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nlh;
}

int xt_nl_get_link(int ifindex, xt_nl_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return xt_nl_talk(link_msg(buf, RTM_GETLINK, ifindex), cb, data);
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
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, ifindex);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

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

	return xt_nl_talk(link_msg(buf, RTM_DELLINK, ifindex), NULL, NULL);
}

/* The bytes of an address as its family has them: 4 (behind the mapped prefix) or 16. */
static const void *family_bytes(const struct xt_ip *ip, size_t *len)
{
	*len = ip->family == XT_FAMILY_V4 ? 4 : XT_ADDR_LEN;
	return ip->family == XT_FAMILY_V4 ? ip->addr + 12 : ip->addr;
}

int xt_nl_link_mtu(int ifindex, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, ifindex);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return xt_nl_talk(nlh, NULL, NULL);
}

int xt_nl_addr(bool add, int ifindex, const struct xt_prefix *p)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, add ? RTM_NEWADDR : RTM_DELADDR,
					 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
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

/* Every address of family af (AF_INET, AF_INET6 or AF_UNSPEC for both) to cb. */
static int addr_dump(uint8_t af, xt_nl_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = af;
	return xt_nl_talk(nlh, cb, data);
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
	struct first_addr f = { .ifindex = ifindex,
				.family = family == XT_FAMILY_V4 ? AF_INET : AF_INET6 };
	int err = addr_dump(f.family, first_addr_cb, &f);

	if (err)
		return err;
	if (!f.found)
		return -EADDRNOTAVAIL;
	*out = f.addr;
	return 0;
}

struct addr_owner {
	struct xt_ip ip;
	int ifindex; /* 0: none yet */
};

static int addr_owner_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_owner *o = data;
	struct xt_ip ip;

	if (!o->ifindex && ifa_address(nlh, ifa->ifa_family, &ip) && ip.family == o->ip.family &&
	    !memcmp(ip.addr, o->ip.addr, XT_ADDR_LEN))
		o->ifindex = (int)ifa->ifa_index;
	return MNL_CB_OK;
}

int xt_nl_addr_owner(const struct xt_ip *ip, int *ifindex)
{
	struct addr_owner o = { .ip = *ip };
	int err = addr_dump(ip->family == XT_FAMILY_V4 ? AF_INET : AF_INET6, addr_owner_cb, &o);

	if (err)
		return err;
	if (!o.ifindex)
		return -EADDRNOTAVAIL;
	*ifindex = o.ifindex;
	return 0;
}

/* Room in *list (n of *cap elements of size bytes used) for one more, doubling it. */
static int room_for_one(void **list, int n, int *cap, size_t size)
{
	void *grown;

	if (n < *cap)
		return 0;
	grown = realloc(*list, (size_t)(*cap ? *cap * 2 : 8) * size);
	if (!grown)
		return -ENOMEM;
	*list = grown;
	*cap = *cap ? *cap * 2 : 8;
	return 0;
}

struct all_addrs {
	int ifindex, n, cap;
	struct xt_prefix *addrs;
	int err;
};

static int all_addrs_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct all_addrs *a = data;
	struct xt_prefix p;

	if ((int)ifa->ifa_index != a->ifindex || a->err ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    !ifa_address(nlh, ifa->ifa_family, &p.ip))
		return MNL_CB_OK;
	p.len = ifa->ifa_prefixlen;
	a->err = room_for_one((void **)&a->addrs, a->n, &a->cap, sizeof(p));
	if (!a->err)
		a->addrs[a->n++] = p;
	return MNL_CB_OK;
}

int xt_nl_addrs(int ifindex, struct xt_prefix **out, int *n)
{
	struct all_addrs a = { .ifindex = ifindex };
	int err = addr_dump(AF_UNSPEC, all_addrs_cb, &a) ?: a.err;

	if (err) {
		free(a.addrs);
		return err;
	}
	*out = a.addrs;
	*n = a.n;
	return 0;
}

struct route_dump {
	struct xt_nl_route *routes;
	int n, cap, err;
};

/* The destination (or the default route's zeros) and the device of one RTM_NEWROUTE. */
static void route_parse(const struct nlmsghdr *nlh, struct xt_nl_route *r, uint32_t *table)
{
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	size_t want = rtm->rtm_family == AF_INET ? 4 : XT_ADDR_LEN;
	uint8_t zero[XT_ADDR_LEN] = {};
	const void *dst = zero;
	struct nlattr *attr;

	memset(r, 0, sizeof(*r));
	*table = rtm->rtm_table;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
	{
		if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == want)
			dst = mnl_attr_get_payload(attr);
		else if (mnl_attr_get_type(attr) == RTA_OIF)
			r->oif = (int)mnl_attr_get_u32(attr);
		else if (mnl_attr_get_type(attr) == RTA_TABLE)
			*table = mnl_attr_get_u32(attr);
	}
	if (rtm->rtm_family == AF_INET) {
		xt_ip_from_v4(&r->dst.ip, dst);
	} else {
		r->dst.ip.family = XT_FAMILY_V6;
		memcpy(r->dst.ip.addr, dst, XT_ADDR_LEN);
	}
	r->dst.len = rtm->rtm_dst_len;
	r->type = rtm->rtm_type;
	r->protocol = rtm->rtm_protocol;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_dump *d = data;
	struct xt_nl_route r;
	uint32_t table;

	if (d->err || (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	route_parse(nlh, &r, &table);
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	d->err = room_for_one((void **)&d->routes, d->n, &d->cap, sizeof(r));
	if (!d->err)
		d->routes[d->n++] = r;
	return MNL_CB_OK;
}

int xt_nl_routes(struct xt_nl_route **out, int *n)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct route_dump d = {};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(families) && !err; i++) {
		struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETROUTE, NLM_F_DUMP);
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		rtm->rtm_family = families[i];
		err = xt_nl_talk(nlh, route_dump_cb, &d) ?: d.err;
	}
	if (err) {
		free(d.routes);
		return err;
	}
	*out = d.routes;
	*n = d.n;
	return 0;
}

static int route_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct xt_nl_route r;
	uint32_t table;

	if (nlh->nlmsg_type == RTM_NEWROUTE) {
		route_parse(nlh, &r, &table);
		*(int *)data = r.oif;
	}
	return MNL_CB_OK;
}

int xt_nl_route_get(const struct xt_ip *dst, const struct xt_ip *src, int iif, int *oif)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t len;
	const void *a = family_bytes(dst, &len);

	rtm->rtm_family = dst->family == XT_FAMILY_V4 ? AF_INET : AF_INET6;
	rtm->rtm_dst_len = (uint8_t)(len * 8);
	mnl_attr_put(nlh, RTA_DST, len, a);
	if (src) {
		a = family_bytes(src, &len);
		rtm->rtm_src_len = (uint8_t)(len * 8);
		mnl_attr_put(nlh, RTA_SRC, len, a);
	}
	if (iif)
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)iif);
	*oif = 0;
	return xt_nl_talk(nlh, route_get_cb, oif);
}
