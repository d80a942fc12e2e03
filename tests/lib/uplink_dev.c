// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_TEST_RUN runs a TC program on an skb of the device that ctx->ifindex names, and
 * of the loopback device when it names none; the kernel's eth_type_trans sets skb->pkt_type
 * against that device's MAC (net/bpf/test_run.c), and the loopback's is all zeros. So that
 * the decap programs see frames to the uplink's MAC as this host's (PACKET_HOST) and
 * others as another host's (PACKET_OTHERHOST), as on a real uplink, the tests run them on a
 * veth with the uplink's MAC. It lives in a network namespace that this process makes for
 * itself and that goes with it: nothing is left behind, nothing else is touched, and no
 * packet is ever sent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "netlink.h"
#include "uplink_dev.h"

#define UPLINK_DEV "xtuplink0"

int test_uplink_dev(const uint8_t mac[6])
{
	static int ifindex;
	struct ifreq ifr = {};
	int fd, err;

	if (ifindex)
		return ifindex;
	if (unshare(CLONE_NEWNET))
		return -errno;
	/* The largest MTU a veth takes: bpf_skb_change_tail measures against it. */
	err = xt_nl_veth_create(UPLINK_DEV, UPLINK_DEV "p", 65535);
	if (err)
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", UPLINK_DEV);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	err = ioctl(fd, SIOCSIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	ifindex = (int)if_nametoindex(UPLINK_DEV);
	return ifindex ? ifindex : -ENODEV;
}
