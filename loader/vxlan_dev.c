// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The kernel's vxlan device in collect-metadata mode ("external"), which xtunnel feeds with
 * the GSO packets of VXLAN overlays over an IPv6 underlay (xt_encap_gso6 in xt_tc.bpf.c):
 * bpf_skb_adjust_room cannot have the kernel fill each segment's outer UDP checksum, the
 * vxlan device does (SKB_GSO_UDP_TUNNEL_CSUM), and the packet stays whole through the stack
 * and across a veth. Cilium reaches IPv6 underlays the same way.
 *
 * One device per UDP port per network namespace, named xt-vxlan-PORT, shared by every
 * overlay on that port. Its UDP sockets (IPv4 and IPv6: the kernel opens both for a
 * metadata device) decapsulate whatever our decap programs passed, so its TC ingress drops
 * everything: one xt_sock_drop filter per overlay using the device (priority
 * XT_TC_PRIORITY, the overlay's ifindex as handle, as decap on the uplink), which counts
 * what is addressed to that overlay, and xt_sock_other behind them (priority
 * XT_TC_PRIORITY + 1), which drops the rest. The per-overlay filters are also the device's
 * users: the device goes when the last overlay using it is detached.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <bpf/libbpf.h>
#include "dev.h"
#include "errmsg.h"
#include "hooks.h"
#include "netlink.h"
#include "vxlan_dev.h"
#include "xt_sock.skel.h"

#define XT_VXLAN_DEV_PREFIX "xt-vxlan-"
#define XT_VXLAN_DEV_MAX_USERS 256

void xt_vxlan_dev_name(uint16_t port, char name[IF_NAMESIZE])
{
	snprintf(name, IF_NAMESIZE, XT_VXLAN_DEV_PREFIX "%u", port);
}

struct vxlan_facts {
	bool vxlan, metadata;
	uint16_t port; /* host order */
};

static int link_facts_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vxlan_facts *f = data;
	struct nlattr *attr, *info, *vx;

	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(attr) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(info, attr)
		{
			if (mnl_attr_get_type(info) == IFLA_INFO_KIND)
				f->vxlan = !strcmp(mnl_attr_get_str(info), "vxlan");
			if (mnl_attr_get_type(info) != IFLA_INFO_DATA)
				continue;
			mnl_attr_for_each_nested(vx, info)
			{
				if (mnl_attr_get_type(vx) == IFLA_VXLAN_COLLECT_METADATA)
					f->metadata = mnl_attr_get_u8(vx);
				else if (mnl_attr_get_type(vx) == IFLA_VXLAN_PORT)
					f->port = ntohs(mnl_attr_get_u16(vx));
			}
		}
	}
	return MNL_CB_OK;
}

/* The device at ifindex is a collect-metadata vxlan device on UDP port `port`. */
static bool is_metadata_vxlan(int ifindex, uint16_t port)
{
	struct vxlan_facts f = {};

	if (xt_nl_get_link(ifindex, link_facts_cb, &f))
		return false;
	return f.vxlan && f.metadata && f.port == port;
}

static int vxlan_create(const char *name, uint16_t port)
{
	struct ifla_vxlan_port_range range = { htons(XT_SRC_PORT_MIN), htons(XT_SRC_PORT_MAX) };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *data;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u8(nlh, IFLA_VXLAN_COLLECT_METADATA, 1);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(port));
	/* The source port comes from the skb's hash over this range, as ours does. */
	mnl_attr_put(nlh, IFLA_VXLAN_PORT_RANGE, sizeof(range), &range);
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	/* The outer UDP checksums stay on: udp6zerocsumtx is off unless asked for. */
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return xt_nl_talk(nlh, NULL, NULL);
}

/* A filter on the device's ingress. */
static struct xt_tc_filter sock_filter(int ifindex, uint32_t priority, uint32_t handle)
{
	struct xt_tc_filter f = { ifindex, BPF_TC_INGRESS, priority, handle };

	return f;
}

/* The catch-all xt_sock_other: loaded here, held by its filter once attached. */
static int attach_sock_other(int ifindex)
{
	struct xt_sock_bpf *skel = xt_sock_bpf__open_and_load();
	int err;

	if (!skel)
		return -errno;
	err = xt_tc_attach(sock_filter(ifindex, XT_TC_PRIORITY + 1, XT_TC_HANDLE),
			   bpf_program__fd(skel->progs.xt_sock_other), XT_TC_CREATE | XT_TC_REPLACE,
			   NULL);
	xt_sock_bpf__destroy(skel);
	return err;
}

int xt_vxlan_dev_lookup(uint16_t port, int *ifindex)
{
	char name[IF_NAMESIZE];

	xt_vxlan_dev_name(port, name);
	*ifindex = (int)if_nametoindex(name);
	if (!*ifindex)
		return -ENOENT;
	return is_metadata_vxlan(*ifindex, port) ? 0 : -EEXIST;
}

int xt_vxlan_dev_ensure(uint16_t port, int *ifindex)
{
	char name[IF_NAMESIZE];
	int err = xt_vxlan_dev_lookup(port, ifindex);

	/* Ours already, and up: somebody may have set it down, and then it drops all. */
	if (!err)
		return xt_nl_link_up(*ifindex);
	if (err != -ENOENT)
		return err;
	xt_vxlan_dev_name(port, name);
	err = vxlan_create(name, port);
	/* EEXIST: a metadata vxlan device of somebody else's has the port already. */
	if (err)
		return err == -EEXIST ? -EADDRINUSE : err;
	*ifindex = (int)if_nametoindex(name);
	if (!*ifindex)
		return -ENODEV;
	/* Its drop filter before it comes up: its sockets deliver nothing, from the start. No
	 * IPv6 on it: it has nothing to say, neither router solicitations nor MLD reports. */
	err = attach_sock_other(*ifindex);
	if (!err)
		err = xt_ipv6_conf(name, "disable_ipv6", "1");
	/* Up binds the port: EADDRINUSE when another socket holds it (a kernel vxlan of the
	 * user's, for one). */
	if (!err)
		err = xt_nl_link_up(*ifindex);
	if (err) {
		xt_nl_link_del(*ifindex);
		*ifindex = 0;
	}
	return err;
}

int xt_vxlan_dev_use(int ifindex, uint32_t overlay_ifindex, int drop_fd)
{
	int err = xt_tc_attach(sock_filter(ifindex, XT_TC_PRIORITY, overlay_ifindex), drop_fd,
			       XT_TC_CREATE | XT_TC_REPLACE, NULL);

	/* An older version of this device may have lost its catch-all: put it back. */
	return err ?: attach_sock_other(ifindex);
}

void xt_vxlan_dev_release(int ifindex, uint16_t port, uint32_t overlay_ifindex)
{
	char name[IF_NAMESIZE];
	uint32_t users[XT_VXLAN_DEV_MAX_USERS];
	int i, n, live = 0;

	if (!ifindex || !if_indextoname((unsigned int)ifindex, name) ||
	    !is_metadata_vxlan(ifindex, port))
		return; /* gone, or an ifindex that names another device now */
	if (overlay_ifindex)
		xt_tc_detach(sock_filter(ifindex, XT_TC_PRIORITY, overlay_ifindex));
	/* The per-overlay filters: their handles are overlay ifindexes. */
	if (xt_tc_handles(ifindex, BPF_TC_INGRESS, XT_TC_PRIORITY, users, XT_VXLAN_DEV_MAX_USERS,
			  &n))
		return;
	for (i = 0; i < n; i++) {
		char user[IF_NAMESIZE];

		/* An overlay deleted behind our back left its filter: an orphan's. */
		if (if_indextoname(users[i], user))
			live++;
		else
			xt_tc_detach(sock_filter(ifindex, XT_TC_PRIORITY, users[i]));
	}
	if (!live)
		xt_nl_link_del(ifindex);
}

void xt_gso_path_choose(struct xt_config *cfg, const char *dev)
{
	static const char slow[] = "TCP over this overlay is segmented in software before "
				   "encapsulation, at a fraction of the throughput";
	char name[IF_NAMESIZE];
	int ifindex = 0, err;

	cfg->vxlan_dev = 0;
	cfg->vxlan_dev_ifindex = 0;
	cfg->gso_fallback = XT_GSO_FALLBACK_NONE;
	if (cfg->family != XT_FAMILY_V6 || !xt_encap_is_udp(cfg->encap))
		return; /* xt_encap keeps GSO packets whole itself */
	if (cfg->encap != XT_ENCAP_VXLAN) {
		cfg->gso_fallback = XT_GSO_FALLBACK_GENEVE;
		return;
	}
	err = xt_vxlan_dev_ensure(cfg->port, &ifindex);
	if (!err) {
		cfg->vxlan_dev = 1;
		cfg->vxlan_dev_ifindex = (uint32_t)ifindex;
		return;
	}
	xt_vxlan_dev_name(cfg->port, name);
	if (err == -EADDRINUSE) {
		cfg->gso_fallback = XT_GSO_FALLBACK_PORT_IN_USE;
		xt_warn("%s: UDP port %u is taken by another socket or vxlan device: %s", dev,
			cfg->port, slow);
	} else if (err == -EEXIST) {
		cfg->gso_fallback = XT_GSO_FALLBACK_NAME_TAKEN;
		xt_warn("%s: device %s is not xtunnel's vxlan device: %s", dev, name, slow);
	} else {
		cfg->gso_fallback = XT_GSO_FALLBACK_FAILED;
		xt_warn("%s: creating vxlan device %s: %s: %s", dev, name, strerror(-err), slow);
	}
}

void xt_gso_path_describe(const struct xt_config *cfg, struct xt_overlay_state *info)
{
	char name[IF_NAMESIZE] = "";
	size_t len = sizeof(info->gso_reason);

	if (cfg->family != XT_FAMILY_V6 || !xt_encap_is_udp(cfg->encap)) {
		info->gso = XT_GSO_ENCAP;
		snprintf(info->gso_reason, len, "the kernel segments what xtunnel encapsulated");
		return;
	}
	if (cfg->vxlan_dev) {
		info->gso = XT_GSO_VXLAN_DEV;
		if (!if_indextoname(cfg->vxlan_dev_ifindex, name))
			snprintf(
				info->gso_reason, len,
				"the kernel's vxlan device is gone, GSO packets are lost: 'xtunnel "
				"reload' creates it again");
		else
			snprintf(info->gso_reason, len,
				 "%s fills in the outer UDP checksums; peers on another port than "
				 "%u: segment",
				 name, cfg->port);
		return;
	}
	info->gso = XT_GSO_SEGMENT;
	xt_vxlan_dev_name(cfg->port, name);
	switch ((enum xt_gso_fallback)cfg->gso_fallback) {
	case XT_GSO_FALLBACK_GENEVE:
		snprintf(info->gso_reason, len, "the kernel here has no GENEVE device to do it");
		break;
	case XT_GSO_FALLBACK_PORT_IN_USE:
		snprintf(info->gso_reason, len,
			 "UDP port %u was taken by another socket or vxlan device at attach",
			 cfg->port);
		break;
	case XT_GSO_FALLBACK_NAME_TAKEN:
		snprintf(info->gso_reason, len, "device %s was not xtunnel's at attach", name);
		break;
	case XT_GSO_FALLBACK_FAILED:
		snprintf(info->gso_reason, len, "creating %s failed at attach", name);
		break;
	default:
		snprintf(info->gso_reason, len, "attached by an older version: 'xtunnel reload'");
	}
}
