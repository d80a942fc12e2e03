/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* libxtunnel internals: not part of the public API. */
#ifndef XT_INTERNAL_H
#define XT_INTERNAL_H

#include <net/if.h>
#include <linux/ethtool.h>
#include "xtunnel.h"

struct bpf_object;

#define XT_MAX_OVERLAYS 64 /* of one network namespace that commands see */

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
	int peers_fd, routes_fd, prefixes_fd, lens_fd, peer_stats_fd, reasons_fd, ports_fd;
	uint32_t peers_id; /* map id of xt_peers: identifies the overlay's programs */
	uint32_t ports_id; /* map id of xt_ports: identifies its forward programs */
};

int xt_overlay_open(const char *dev, struct xt_overlay *ov);
/* The overlay a command means: dev, or without it the only one of names (else the error a
 * command without 'dev' gets), in *out, its name checked (xt_dev_name_check). */
int xt_overlay_pick(const char *dev, char (*names)[IF_NAMESIZE], int n, const char **out);
void xt_overlay_close(struct xt_overlay *ov);
int xt_overlay_names(char (*names)[IF_NAMESIZE], int max, int *n, bool warn_other);

/* The route table (routes.c): the trie, its index by length and the lengths in use. Every
 * route is written and removed through these; put_batch takes new prefixes only. */
struct xt_route_maps {
	int routes_fd, prefixes_fd, lens_fd;
};
int xt_route_put(const struct xt_route_maps *m, const struct xt_route_key *k,
		 const struct xt_route *val, uint64_t flags);
int xt_route_del(const struct xt_route_maps *m, const struct xt_route_key *k);
int xt_route_put_batch(const struct xt_route_maps *m, const struct xt_route_key *keys,
		       const struct xt_route *vals, uint32_t n);

/* Waits for an RCU grace period before a list of prefix lengths is rewritten; 0, or -errno
 * if the kernel cannot (routes.c says what happens then). A variable so that the tests can
 * take the path of a kernel that cannot. */
extern int (*xt_lens_grace_period)(void);

/* The route maps of a loaded object (a skeleton's obj), found by name. */
struct xt_route_maps xt_route_maps_of_obj(const struct bpf_object *obj);

static inline struct xt_route_maps xt_route_maps_of(const struct xt_overlay *ov)
{
	struct xt_route_maps m = { ov->routes_fd, ov->prefixes_fd, ov->lens_fd };

	return m;
}

/* A second object (XDP, forward, or a reloaded one) takes the overlay's maps by name. */
int xt_reuse_maps(struct bpf_object *obj, const struct xt_overlay *ov);
bool xt_prog_uses_map(int prog_fd, uint32_t map_id);

/* forward-from ports (forward.c). */
struct xt_xdp_bpf;
struct xt_fwd_state {
	struct xt_xdp_bpf *skel;
	uint32_t attached[XT_MAX_FWD_PORTS];
	int n_attached;
};
int xt_fwd_validate(const struct xt_attach_opts *o);
/* Puts the uplink and the ports in xt_ports and attaches xt_fwd_xdp to each port. */
int xt_fwd_attach(struct xt_fwd_state *st, const struct xt_overlay *ov,
		  const struct xt_attach_opts *o);
void xt_fwd_rollback(struct xt_fwd_state *st, const struct xt_overlay *ov);
void xt_fwd_state_free(struct xt_fwd_state *st);
int xt_fwd_detach(const struct xt_overlay *ov);
int xt_fwd_detach_prog(uint32_t prog_id);
int xt_fwd_reload(const struct xt_overlay *ov);
int xt_fwd_ports(const struct xt_overlay *ov, uint32_t *ports, int max, int *n);
int xt_fwd_port_names(const struct xt_overlay *ov, char (*names)[IF_NAMESIZE], int max, int *n);

/* One lock for every command that changes an overlay: /run/xtunnel/lock. Taken again by
 * the process that holds it (a command inside a batch), it counts. */
/*
 * The kernel's collect-metadata vxlan device that GSO packets over an IPv6 underlay go
 * through (vxlan_dev.c): one per UDP port per namespace, shared by the overlays on it.
 */
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
void xt_gso_path_describe(const struct xt_config *cfg, struct xt_overlay_info *info);

/* One lock for every command that changes an overlay: /run/xtunnel/lock. */
int xt_lock(void);
void xt_unlock(int fd);

/* bpffs: where pins go, mounting bpffs if needed. */
int xt_pin_dir(const char *dev, char *buf, size_t len, bool create);
int xt_pins_create(const struct xt_overlay *ov);
void xt_pins_remove(const char *dev);
bool xt_mount_ns_is_private(void);

/* Netlink (libmnl). ifindex-based; all return 0 or -errno. */
struct nlmsghdr;
typedef int (*xt_nl_cb)(const struct nlmsghdr *nlh, void *data);
/* A request in buf (MNL_SOCKET_BUFFER_SIZE bytes) with NLM_F_REQUEST and flags. */
struct nlmsghdr *xt_nl_new(char *buf, uint16_t type, uint16_t flags);
/* Sends one request and reads until its ACK (or DONE for dumps); cb sees each reply. */
int xt_nl_talk(struct nlmsghdr *nlh, xt_nl_cb cb, void *data);
int xt_nl_veth_create(const char *name, const char *peer, uint32_t mtu);
int xt_nl_link_up(int ifindex);
int xt_nl_link_del(int ifindex);
/* Sets the flags in `change` to their value in `flags` (IFF_UP, IFF_NOARP). */
int xt_nl_link_flags(int ifindex, unsigned int flags, unsigned int change);
int xt_nl_addr_add(int ifindex, const struct xt_prefix *p);
int xt_nl_route(bool add, int ifindex, const struct xt_prefix *p);
/* The device's first global-scope address of family XT_FAMILY_V4 or XT_FAMILY_V6;
 * -EADDRNOTAVAIL if it has none. */
int xt_nl_first_addr(int ifindex, uint8_t family, struct xt_ip *out);
/* Every address of the device, both families, any scope; free *out. */
int xt_nl_addrs(int ifindex, struct xt_ip **out, int *n);
int xt_nl_tc_filter_count(int ifindex);

/* Writes /proc/sys/net/ipv6/conf/DEV/KEY: only there while DEV can carry IPv6. */
int xt_ipv6_conf(const char *dev, const char *key, const char *value);

/* Device facts through ioctl. */
int xt_dev_mtu(const char *name, uint32_t *mtu);
int xt_dev_driver(const char *name, char *buf, size_t len);
int xt_dev_mac(const char *name, uint8_t mac[6]);
int xt_dev_mac_of(uint32_t ifindex, uint8_t mac[6]);
/* Turns off every feature of the device whose name (as `ethtool -k` prints it) `match`
 * accepts. -EOPNOTSUPP, with the name in stuck, if one stays on. */
int xt_dev_features_set(const char *name, bool (*match)(const char *feature), bool on,
			char stuck[ETH_GSTRING_LEN + 1]);

/* Addresses as the maps hold them (addr.c). */
bool xt_addr_is_v4_mapped(const uint8_t addr[XT_ADDR_LEN]);
void xt_ip_from_v4(struct xt_ip *ip, const void *v4);
void xt_ip_from_bytes(struct xt_ip *ip, const uint8_t addr[XT_ADDR_LEN]);
/* Not unspecified, broadcast (IPv4) or multicast. */
bool xt_ip_is_unicast(const struct xt_ip *ip);
/* Length of the prefix in the route trie: 96 + N for IPv4 /N. */
uint32_t xt_prefix_key_len(const struct xt_prefix *p);
void xt_prefix_from_key(struct xt_prefix *p, uint32_t key_len, const uint8_t addr[XT_ADDR_LEN]);
bool xt_prefix_equal(const struct xt_prefix *a, const struct xt_prefix *b);
/* The prefix as the route maps key it. */
struct xt_route_key xt_route_key_of(const struct xt_prefix *p);
/* The first `bits` bits of a and b are the same. */
bool xt_bits_equal(const uint8_t *a, const uint8_t *b, uint32_t bits);

/* Map helpers. */
int xt_reasons_read(int fd, uint64_t *out);
int xt_peer_stats_read(int fd, uint32_t id, struct xt_peer_stats *out);
int xt_peer_stats_reset(int fd, uint32_t id);

#endif
