// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Overlays: attach (create the device, load, attach, pin; roll back on any failure),
 * detach, find an existing overlay, and read its state for `show`.
 *
 * An overlay is found through the encap program attached to its device's TC egress with a
 * fixed handle and priority: from its program info come the maps (by name) and the
 * configuration (the rodata map). That works in any mount namespace, unlike pins.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "addr.h"
#include "bpffs.h"
#include "counters.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "lock.h"
#include "netlink.h"
#include "overlay.h"
#include "vxlan_dev.h"
#include "view.h"
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"

/* libbpf and libxdp print to stderr by default; the library must not. Their messages are
 * shown only with XTUNNEL_DEBUG=1, whole (a verifier log runs to thousands of lines), on
 * stderr: the one thing the library prints, and only when asked to. */
static int lib_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("XTUNNEL_DEBUG") || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return lib_print((enum libbpf_print_level)level, fmt, ap);
}

static void quiet_libs(void)
{
	libbpf_set_print(lib_print);
	libxdp_set_print(libxdp_print);
}

static int prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t n_ids)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	info->nr_map_ids = n_ids;
	info->map_ids = (uint64_t)(unsigned long)map_ids;
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

/* The id of the program attached with our handle on a TC hook, 0 if none. */
static uint32_t tc_prog_id(int ifindex, enum bpf_tc_attach_point point, uint32_t handle)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY);

	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id;
}

/*
 * The maps of an overlay, by the names its programs give them, with the sizes this build
 * reads and writes them with. A map of another size is another version's: a lookup copies
 * value_size bytes, whatever the struct it is read into.
 */
static const struct overlay_map {
	const char *name;
	size_t fd_offset; /* of its fd in struct xt_overlay */
	uint32_t key_size, value_size;
} overlay_maps[] = {
	{ "xt_peers", offsetof(struct xt_overlay, peers_fd), sizeof(struct xt_peer_key),
	  sizeof(struct xt_peer) },
	{ "xt_routes", offsetof(struct xt_overlay, routes_fd), sizeof(struct xt_route_key),
	  sizeof(struct xt_route) },
	{ "xt_prefixes", offsetof(struct xt_overlay, prefixes_fd), sizeof(struct xt_route_key),
	  sizeof(struct xt_route) },
	{ "xt_lens", offsetof(struct xt_overlay, lens_fd), sizeof(uint32_t),
	  sizeof(struct xt_lens) },
	{ "xt_peer_stats", offsetof(struct xt_overlay, peer_stats_fd), sizeof(uint32_t),
	  sizeof(struct xt_peer_stats) },
	{ "xt_reasons", offsetof(struct xt_overlay, reasons_fd), sizeof(uint32_t),
	  sizeof(uint64_t) },
	{ "xt_ports", offsetof(struct xt_overlay, ports_fd), sizeof(uint32_t), sizeof(uint32_t) },
};

#define N_OVERLAY_MAPS (sizeof(overlay_maps) / sizeof(overlay_maps[0]))

static int *overlay_map_fd(struct xt_overlay *ov, const struct overlay_map *m)
{
	return (int *)((char *)ov + m->fd_offset);
}

static int overlay_map_fd_of(const struct xt_overlay *ov, const struct overlay_map *m)
{
	return *(const int *)((const char *)ov + m->fd_offset);
}

static const struct overlay_map *overlay_map_named(const char *name)
{
	size_t i;

	for (i = 0; i < N_OVERLAY_MAPS; i++)
		if (!strcmp(overlay_maps[i].name, name))
			return &overlay_maps[i];
	return NULL;
}

static bool is_rodata(const char *map_name)
{
	size_t len = strlen(map_name);

	return len > 7 && !strcmp(map_name + len - 7, ".rodata");
}

/*
 * The xt_cfg of a program's .rodata map. The map's value is the whole section as the build
 * that loaded the program laid it out, and the section's BTF says where xt_cfg is and what
 * it is. Only a struct xt_config of our size is read, from there, out of a buffer of the
 * size the kernel copies (value_size): another build's section can be larger than ours.
 * *same_layout: the section is laid out as this build's. -EPROTO if xt_cfg is not there
 * as we know it.
 */
static int read_config(int map_fd, const struct bpf_map_info *minfo, struct xt_config *cfg,
		       bool *same_layout)
{
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec, *var, *t;
	struct btf *btf;
	uint32_t key = 0;
	void *value = NULL;
	int i, err = -EPROTO;

	*same_layout = false;
	if (minfo->type != BPF_MAP_TYPE_ARRAY || minfo->key_size != sizeof(key) ||
	    minfo->value_size < sizeof(*cfg) || !minfo->btf_id)
		return -EPROTO;
	btf = btf__load_from_kernel_by_id(minfo->btf_id);
	if (!btf)
		return -EPROTO;
	sec = btf__type_by_id(btf, minfo->btf_value_type_id);
	if (!sec || !btf_is_datasec(sec))
		goto out;
	for (i = 0, vsi = btf_var_secinfos(sec); i < btf_vlen(sec); i++, vsi++) {
		var = btf__type_by_id(btf, vsi->type);
		if (!var || !btf_is_var(var) ||
		    strcmp(btf__name_by_offset(btf, var->name_off), "xt_cfg"))
			continue;
		t = btf__type_by_id(btf, btf__resolve_type(btf, var->type)); /* const volatile */
		if (!t || !btf_is_struct(t) ||
		    strcmp(btf__name_by_offset(btf, t->name_off), "xt_config") ||
		    t->size != sizeof(*cfg) || vsi->size != sizeof(*cfg) ||
		    vsi->offset > minfo->value_size - sizeof(*cfg))
			break;
		value = calloc(1, minfo->value_size);
		if (!value) {
			err = -ENOMEM;
			break;
		}
		if (bpf_map_lookup_elem(map_fd, &key, value)) {
			err = -errno;
			break;
		}
		memcpy(cfg, (char *)value + vsi->offset, sizeof(*cfg));
		*same_layout = minfo->value_size == sizeof(struct xt_tc_bpf__rodata) &&
			       vsi->offset == offsetof(struct xt_tc_bpf__rodata, xt_cfg);
		err = 0;
		break;
	}
out:
	free(value);
	btf__free(btf);
	return err;
}

/* The overlay behind an xt_encap program. -EPROTO if its maps or its configuration are not
 * this build's: another version of xtunnel attached it. */
static int overlay_from_prog(int prog_fd, struct xt_overlay *ov)
{
	uint32_t map_ids[16], i;
	struct bpf_prog_info info;
	bool other = false, config = false, same;
	int err, fd;
	size_t m;

	err = prog_info(prog_fd, &info, map_ids, 16);
	if (err)
		return err;
	if (strcmp(info.name, "xt_encap"))
		return -ENOENT;
	for (i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info minfo = {};
		uint32_t len = sizeof(minfo);
		const struct overlay_map *om;

		fd = bpf_map_get_fd_by_id(map_ids[i]);
		if (fd < 0)
			return -errno;
		if (bpf_obj_get_info_by_fd(fd, &minfo, &len)) {
			err = -errno;
			close(fd);
			return err;
		}
		om = overlay_map_named(minfo.name);
		if (om && *overlay_map_fd(ov, om) < 0 && minfo.key_size == om->key_size &&
		    minfo.value_size == om->value_size) {
			*overlay_map_fd(ov, om) = fd;
			if (om->fd_offset == offsetof(struct xt_overlay, peers_fd))
				ov->peers_id = minfo.id;
			if (om->fd_offset == offsetof(struct xt_overlay, ports_fd))
				ov->ports_id = minfo.id;
			continue;
		}
		if (om) {
			other = true; /* of another size, or twice */
		} else if (is_rodata(minfo.name)) {
			err = read_config(fd, &minfo, &ov->cfg, &same);
			if (err && err != -EPROTO) {
				close(fd);
				return err;
			}
			config = !err;
			other |= err || !same;
		}
		close(fd);
	}
	/* Our encap program without our maps or configuration: another version's. */
	for (m = 0; m < N_OVERLAY_MAPS; m++)
		other |= *overlay_map_fd(ov, &overlay_maps[m]) < 0;
	return other || !config ? -EPROTO : 0;
}

static void overlay_init(struct xt_overlay *ov)
{
	size_t m;

	memset(ov, 0, sizeof(*ov));
	for (m = 0; m < N_OVERLAY_MAPS; m++)
		*overlay_map_fd(ov, &overlay_maps[m]) = -1;
}

void xt_overlay_close(struct xt_overlay *ov)
{
	size_t m;

	for (m = 0; m < N_OVERLAY_MAPS; m++) {
		int *fd = overlay_map_fd(ov, &overlay_maps[m]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* 0 and the overlay if ifindex is an xtunnel overlay device, -ENOENT if it is not. */
static int overlay_probe(int ifindex, struct xt_overlay *ov)
{
	uint32_t id = tc_prog_id(ifindex, BPF_TC_EGRESS, XT_TC_HANDLE);
	int fd, err;

	overlay_init(ov);
	if (!id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	err = overlay_from_prog(fd, ov);
	close(fd);
	if (err) {
		xt_overlay_close(ov);
		return err;
	}
	ov->ifindex = ifindex;
	if_indextoname((unsigned int)ifindex, ov->dev);
	return 0;
}

/* The overlays of this network namespace. Those another version of xtunnel attached are
 * not among them; with warn_other, each is named in a warning. */
int xt_overlay_names(char (*names)[IF_NAMESIZE], int max, int *n, bool warn_other)
{
	struct if_nameindex *ifs, *i;
	struct xt_overlay ov;
	int err;

	quiet_libs();
	ifs = if_nameindex();
	if (!ifs)
		return xt_err(-errno, "listing devices: %s", strerror(errno));
	*n = 0;
	for (i = ifs; i->if_index && *n < max; i++) {
		err = overlay_probe((int)i->if_index, &ov);
		if (err == -EPROTO && warn_other)
			xt_warn("%s was attached by another version of xtunnel, which this one "
				"cannot read: 'xtunnel detach %s' removes it",
				i->if_name, i->if_name);
		if (err)
			continue;
		snprintf(names[(*n)++], IF_NAMESIZE, "%s", i->if_name);
		xt_overlay_close(&ov);
	}
	if_freenameindex(ifs);
	return 0;
}

int xt_overlay_pick(const char *dev, char (*names)[IF_NAMESIZE], int n, const char **out)
{
	if (!dev && n == 0)
		return xt_err_input(-ENODEV, "no overlay here (create one with 'xtunnel attach')");
	if (!dev && n > 1)
		return xt_err_input(-EINVAL,
				    "%d overlays here (%s, %s%s): name one with 'dev NAME'", n,
				    names[0], names[1], n > 2 ? ", ..." : "");
	*out = dev ? dev : names[0];
	return xt_dev_name_check("device", *out);
}

int xt_overlay_open(const char *dev, struct xt_overlay *ov)
{
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	int ifindex, n = 0, err;

	quiet_libs();
	if (!dev) {
		err = xt_overlay_names(names, XT_MAX_OVERLAYS, &n, false);
		if (err)
			return err;
	}
	err = xt_overlay_pick(dev, names, n, &dev);
	if (err)
		return err;
	ifindex = (int)if_nametoindex(dev);
	if (!ifindex)
		return xt_err_input(-ENODEV, "device %s: no such device", dev);
	err = overlay_probe(ifindex, ov);
	if (err == -ENOENT)
		return xt_err_input(-ENODEV, "device %s is not an xtunnel overlay", dev);
	if (err == -EPROTO)
		return xt_err_input(
			-EPROTO,
			"device %s was attached by another version of xtunnel, whose "
			"maps or configuration differ: 'xtunnel detach %s' removes it; then "
			"attach again",
			dev, dev);
	if (err)
		return xt_err(err, "device %s: reading its programs: %s", dev, strerror(-err));
	return 0;
}

/* ---- attach ---- */

/* The overlay as the freshly loaded TC skeleton has it: its maps' fds, not owned. */
static void overlay_of_skel(struct xt_tc_bpf *tc, const char *dev, struct xt_overlay *ov)
{
	size_t m;

	overlay_init(ov);
	snprintf(ov->dev, sizeof(ov->dev), "%s", dev);
	for (m = 0; m < N_OVERLAY_MAPS; m++)
		*overlay_map_fd(ov, &overlay_maps[m]) =
			bpf_map__fd(bpf_object__find_map_by_name(tc->obj, overlay_maps[m].name));
}

/* A second object (XDP, forward, or a reloaded one) uses the overlay's maps, not maps of
 * its own: each of its maps by name takes the overlay's fd. */
int xt_reuse_maps(struct bpf_object *obj, const struct xt_overlay *ov)
{
	size_t m;

	for (m = 0; m < N_OVERLAY_MAPS; m++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, overlay_maps[m].name);

		if (!map || bpf_map__reuse_fd(map, overlay_map_fd_of(ov, &overlay_maps[m])))
			return map ? -errno : -ENOENT;
	}
	return 0;
}

struct attach_state {
	struct xt_tc_bpf *tc;
	struct xt_xdp_bpf *xdp;
	struct xdp_program *xdp_prog;
	struct xt_fwd_state fwd;
	struct xt_overlay ov; /* the maps of tc, not owned; cfg and peers_id once loaded */
	int dev_ifindex, uplink_ifindex, vxlan_dev_ifindex;
	uint16_t port;
	bool uplink_hook_created, xdp_attached, tc_decap_attached, pinned;
	const char *dev;
};

static int map_id(int fd, uint32_t *id)
{
	struct bpf_map_info minfo = {};
	uint32_t len = sizeof(minfo);

	if (bpf_obj_get_info_by_fd(fd, &minfo, &len))
		return -errno;
	*id = minfo.id;
	return 0;
}

/*
 * Discovery goes through the encap program's map list; encap reads neither xt_peers nor
 * xt_ports, so bind them explicitly (BPF_PROG_BIND_MAP, kernel 5.10). Sets the map ids by
 * which our other programs are told apart from anybody else's.
 */
static int bind_maps(int encap_fd, struct xt_overlay *ov)
{
	if (bpf_prog_bind_map(encap_fd, ov->peers_fd, NULL) ||
	    bpf_prog_bind_map(encap_fd, ov->ports_fd, NULL))
		return -errno;
	return map_id(ov->peers_fd, &ov->peers_id) ?: map_id(ov->ports_fd, &ov->ports_id);
}

static void attach_rollback(struct attach_state *st)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = st->uplink_ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = (uint32_t)st->dev_ifindex,
			    .priority = XT_TC_PRIORITY);

	xt_fwd_rollback(&st->fwd, &st->ov);
	xt_vxlan_dev_release(st->vxlan_dev_ifindex, st->port, (uint32_t)st->dev_ifindex);
	if (st->xdp_attached)
		xdp_program__detach(st->xdp_prog, st->uplink_ifindex, XDP_MODE_UNSPEC, 0);
	if (st->tc_decap_attached)
		bpf_tc_detach(&hook, &opts);
	if (st->uplink_hook_created && xt_nl_tc_filter_count(st->uplink_ifindex) == 0) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	if (st->dev_ifindex)
		xt_nl_link_del(st->dev_ifindex); /* takes its programs, addresses and routes */
	if (st->pinned)
		xt_pins_remove(st->dev);
}

static void attach_state_free(struct attach_state *st)
{
	xt_fwd_state_free(&st->fwd);
	xdp_program__close(st->xdp_prog);
	xt_xdp_bpf__destroy(st->xdp);
	xt_tc_bpf__destroy(st->tc);
}

static bool driver_is_veth(const char *uplink)
{
	char driver[32] = "";

	return xt_dev_driver(uplink, driver, sizeof(driver)) == 0 && !strcmp(driver, "veth");
}

static int tc_attach(int ifindex, enum bpf_tc_attach_point point, uint32_t handle, int prog_fd,
		     bool *hook_created)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY,
			    .prog_fd = prog_fd);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		return err;
	if (!err && hook_created)
		*hook_created = true;
	return bpf_tc_attach(&hook, &opts);
}

static int attach_xdp(struct attach_state *st, const struct xt_attach_opts *o,
		      const struct xt_config *cfg)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .prog_name = "xt_decap_xdp");
	enum xdp_attach_mode mode = o->xdp_mode == XT_XDP_GENERIC ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	int err;

	st->xdp = xt_xdp_bpf__open();
	if (!st->xdp)
		return -errno;
	st->xdp->rodata->xt_cfg = *cfg;
	/* XDP tells this host's frames from others' by the uplink's MAC (bpf/common.h). */
	err = xt_dev_mac_of(cfg->uplink_ifindex, st->xdp->rodata->xt_uplink_mac);
	if (!err)
		err = xt_reuse_maps(st->xdp->obj, &st->ov);
	if (err)
		return err;
	/* libxdp keeps its multi-program dispatcher alive through pins in bpffs. A bpffs we
	 * mount in a private mount namespace (`ip netns exec`) dies with this command, and
	 * our program would silently leave the dispatcher with it: attach it directly. */
	if (xt_mount_ns_is_private()) {
		setenv("LIBXDP_SKIP_DISPATCHER", "1", 1);
		xt_warn("private mount namespace (ip netns exec?): XDP attached without libxdp's "
			"dispatcher, so other XDP programs cannot share %s; use nsenter --net to "
			"keep the host's bpffs",
			o->uplink);
	}
	xopts.obj = st->xdp->obj;
	st->xdp_prog = xdp_program__create(&xopts);
	err = (int)libxdp_get_error(st->xdp_prog);
	if (err) {
		st->xdp_prog = NULL;
		return err;
	}
	err = xdp_program__attach(st->xdp_prog, st->uplink_ifindex, mode, 0);
	if (err)
		return err;
	st->xdp_attached = true;
	/* Frames redirected into a veth are only accepted if its peer runs XDP. */
	err = bpf_xdp_attach(st->dev_ifindex, bpf_program__fd(st->xdp->progs.xt_pass),
			     XDP_FLAGS_DRV_MODE, NULL);
	return err;
}

/*
 * IPv6 on the overlay device, set before the link goes up. No link-local address
 * (addr_gen_mode 1, "none"): neighbour discovery then uses the global addresses, which
 * allowed-ips hold, so a peer can check and route it like any packet; and no router
 * advertisements from across the tunnel. The hidden end carries nothing of its own.
 */
static int overlay_ipv6_setup(const char *dev, const char *peer)
{
	int err = xt_ipv6_conf(dev, "addr_gen_mode", "1");

	if (!err)
		err = xt_ipv6_conf(dev, "accept_ra", "0");
	if (!err)
		err = xt_ipv6_conf(dev, "disable_ipv6", "0");
	xt_ipv6_conf(peer, "disable_ipv6", "1");
	return err;
}

static bool has_ipv6_address(const struct xt_attach_opts *o)
{
	int i;

	for (i = 0; i < o->n_addrs; i++)
		if (o->addrs[i].ip.family == XT_FAMILY_V6)
			return true;
	return false;
}

/*
 * Every segmentation offload of the overlay device (tx-*-segmentation, tx-gso-list,
 * tx-gso-partial, and whatever this kernel adds, such as tx-tcp-accecn-segmentation in
 * 6.18): with any of them on, the kernel hands a GSO packet to the veth whole, and it
 * reaches the hidden end unsegmented. Matched by name, so that a kernel with a feature the
 * list would not know still segments.
 */
static bool is_segmentation_feature(const char *feature)
{
	size_t len = strlen(feature), suffix = strlen("-segmentation");

	if (strncmp(feature, "tx-", 3))
		return false;
	return !strncmp(feature, "tx-gso-", 7) ||
	       (len > suffix && !strcmp(feature + len - suffix, "-segmentation"));
}

/* GRO on the hidden end would merge the segments back before xt_encap_seg sees them. On
 * the visible end, with XDP receive, it merges what decap redirects through the pair. */
static bool is_gro_feature(const char *feature)
{
	return !strcmp(feature, "rx-gro") || !strcmp(feature, "rx-gro-list") ||
	       !strcmp(feature, "rx-udp-gro-forwarding");
}

static bool is_rx_gro_feature(const char *feature)
{
	return !strcmp(feature, "rx-gro");
}

/*
 * UDP over an IPv6 underlay: each segment's outer UDP checksum is mandatory (RFC 8200
 * section 8.1; the zero-checksum exception of RFC 6935 is not for us to assume of a peer),
 * and bpf_skb_adjust_room can mark a GSO packet SKB_GSO_UDP_TUNNEL but never _CSUM, so the
 * kernel would segment without filling them in. Instead xt_encap hands GSO packets back
 * (XT_OK_SEGMENT), the kernel segments them in software on the overlay device's transmit
 * (hence no segmentation offload there), and xt_encap_seg on the hidden end's TC ingress
 * encapsulates each segment.
 */
static bool needs_segment_path(const struct xt_config *cfg)
{
	return cfg->family == XT_FAMILY_V6 && xt_encap_is_udp(cfg->encap);
}

static int attach_validate(const struct xt_attach_opts *o, const char *dev)
{
	const char *encap = xt_encap_name(o->encap);
	char peer[IF_NAMESIZE + sizeof(XT_PEER_SUFFIX)];
	int err, i, j;

	if (!o->uplink || !*o->uplink)
		return xt_err_input(-EINVAL, "attach needs an uplink device");
	err = xt_dev_name_check("uplink", o->uplink) ?: xt_dev_name_check("dev", dev);
	if (err)
		return err;
	if ((unsigned int)o->encap >= XT_ENCAP_COUNT)
		return xt_err_input(-EINVAL, "encapsulation %d is not one xtunnel knows",
				    (int)o->encap);
	if (strlen(dev) > (size_t)XT_DEV_NAME_MAX)
		return xt_err_input(-EINVAL, "device name '%s' is longer than %d characters", dev,
				    XT_DEV_NAME_MAX);
	if (!if_nametoindex(o->uplink))
		return xt_err_input(-ENODEV, "uplink %s: no such device", o->uplink);
	if (if_nametoindex(dev))
		return xt_err_input(-EEXIST, "device %s exists already", dev);
	snprintf(peer, sizeof(peer), "%s%s", dev, XT_PEER_SUFFIX);
	if (if_nametoindex(peer))
		return xt_err_input(-EEXIST, "device %s exists already (the hidden end of %s)",
				    peer, dev);
	if (!xt_encap_is_udp(o->encap) && o->has_vni)
		return xt_err_input(-EINVAL, "vni: encap %s has no VNI (only vxlan and geneve)",
				    encap);
	if (!xt_encap_is_udp(o->encap) && o->port)
		return xt_err_input(-EINVAL, "port: encap %s has no port (only vxlan and geneve)",
				    encap);
	if (o->encap != XT_ENCAP_GRE && o->has_key)
		return xt_err_input(-EINVAL, "key: encap %s has no key (only gre)", encap);
	if (o->vni > XT_VNI_MAX)
		return xt_err_input(-EINVAL, "vni %u is above %u", o->vni, XT_VNI_MAX);
	for (i = 0; i < o->n_addrs; i++)
		for (j = 0; j < i; j++)
			if (o->addrs[i].ip.family == o->addrs[j].ip.family &&
			    !memcmp(o->addrs[i].ip.addr, o->addrs[j].ip.addr, XT_ADDR_LEN)) {
				char a[INET6_ADDRSTRLEN];

				xt_format_ip(&o->addrs[i].ip, a, sizeof(a));
				return xt_err_input(-EEXIST, "address %s: given twice", a);
			}
	if (o->has_local && o->local.family != XT_FAMILY_V4 && o->local.family != XT_FAMILY_V6)
		return xt_err_input(-EINVAL, "local: no address family");
	if (o->has_local && !xt_ip_is_unicast(&o->local)) {
		char a[INET6_ADDRSTRLEN];

		xt_format_ip(&o->local, a, sizeof(a));
		return xt_err_input(-EINVAL, "local %s: must be a unicast address", a);
	}
	return 0;
}

/* cfg->family and cfg->local: as given, else the uplink's first IPv4 address, else its
 * first global IPv6 one. */
static int attach_local(const struct xt_attach_opts *o, int uplink, struct xt_config *cfg)
{
	struct xt_ip local = o->local;
	int err = 0;

	if (!o->has_local) {
		err = xt_nl_first_addr(uplink, XT_FAMILY_V4, &local);
		if (err == -EADDRNOTAVAIL)
			err = xt_nl_first_addr(uplink, XT_FAMILY_V6, &local);
		if (err == -EADDRNOTAVAIL)
			return xt_err_input(err,
					    "uplink %s has no IPv4 or global IPv6 address: give "
					    "'local ADDR'",
					    o->uplink);
		if (err)
			return xt_err(err, "uplink %s: reading its addresses: %s", o->uplink,
				      strerror(-err));
	}
	cfg->family = local.family;
	memcpy(cfg->local, local.addr, XT_ADDR_LEN);
	return 0;
}

/* *mtu: given or the most the uplink carries, and at least what the overlay's
 * addresses need (IPv6: 1280, RFC 8200 section 5). */
static int attach_mtu(const struct xt_attach_opts *o, const struct xt_config *cfg, uint32_t *mtu)
{
	uint32_t overhead = xt_encap_overhead(cfg->encap, cfg->family, cfg->has_key), uplink_mtu;
	const char *encap = xt_encap_name((enum xt_encap)cfg->encap);
	const char *family = cfg->family == XT_FAMILY_V6 ? "IPv6" : "IPv4";
	uint32_t min = has_ipv6_address(o) ? 1280 : 68, max;
	int err = xt_dev_mtu(o->uplink, &uplink_mtu);

	if (err)
		return xt_err(err, "uplink %s: reading its MTU: %s", o->uplink, strerror(-err));
	if (uplink_mtu < 68 + overhead)
		return xt_err_input(-EINVAL, "uplink %s: MTU %u is too small for %s over %s",
				    o->uplink, uplink_mtu, encap, family);
	max = uplink_mtu - overhead;
	*mtu = o->mtu ? o->mtu : max;
	if (*mtu < 68 || *mtu > max)
		return xt_err_input(-EINVAL,
				    "mtu %u: must be 68 to %u (uplink %s MTU %u minus %u for %s "
				    "over %s)",
				    *mtu, max, o->uplink, uplink_mtu, overhead, encap, family);
	if (*mtu < min)
		return xt_err_input(-EINVAL,
				    "mtu %u: an overlay with an IPv6 address needs at least 1280 "
				    "(uplink %s MTU %u minus %u for %s over %s leaves %u)",
				    *mtu, o->uplink, uplink_mtu, overhead, encap, family, max);
	return 0;
}

/*
 * Overlays on one uplink tell their packets apart by what their decap programs match: the
 * local address (and so the underlay family), the encapsulation, and the port and VNI of
 * VXLAN and GENEVE or the key of GRE. Two overlays that match the same packets would both
 * claim them: the decap filter that runs first would take every packet from an endpoint
 * both know, and drop those meant for the other overlay as spoofed.
 */
static bool same_packets(const struct xt_config *a, const struct xt_config *b)
{
	if (a->uplink_ifindex != b->uplink_ifindex || a->encap != b->encap ||
	    a->family != b->family || memcmp(a->local, b->local, XT_ADDR_LEN))
		return false;
	if (xt_encap_is_udp(a->encap))
		return a->port == b->port && a->vni == b->vni;
	if (a->encap == XT_ENCAP_GRE)
		return a->has_key == b->has_key && (!a->has_key || a->key == b->key);
	return true; /* IPIP has nothing more to tell overlays apart */
}

static int attach_unique(const struct xt_attach_opts *o, const struct xt_config *cfg)
{
	const char *what = xt_encap_is_udp(cfg->encap)	? ", port, VNI"
			   : cfg->encap == XT_ENCAP_GRE ? ", GRE key"
							: "";
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	struct xt_overlay ov;
	int n, i, err;

	err = xt_overlay_names(names, XT_MAX_OVERLAYS, &n, false);
	for (i = 0; !err && i < n; i++) {
		if (xt_overlay_open(names[i], &ov))
			continue; /* gone meanwhile */
		if (same_packets(cfg, &ov.cfg))
			err = xt_err_input(
				-EEXIST,
				"overlay %s has the same uplink %s, encapsulation %s%s "
				"and local address: its decap program would take every "
				"packet meant for this one (give another vni, port, key or "
				"local)",
				ov.dev, o->uplink, xt_encap_name((enum xt_encap)cfg->encap), what);
		xt_overlay_close(&ov);
	}
	return err;
}

static int attach_locked(const struct xt_attach_opts *o, struct attach_state *st)
{
	const char *dev = o->dev ? o->dev : XT_DEFAULT_DEV;
	char peer[IF_NAMESIZE];
	struct xt_config cfg = {};
	enum xt_rx_mode rx = o->rx;
	char stuck[ETH_GSTRING_LEN + 1];
	uint32_t mtu = 0;
	bool veth;
	int err, i;

	st->dev = dev;
	err = attach_validate(o, dev);
	if (!err)
		err = xt_fwd_validate(o);
	if (err)
		return err;
	st->uplink_ifindex = (int)if_nametoindex(o->uplink);
	cfg.encap = (uint8_t)o->encap;
	if (xt_encap_is_udp(o->encap)) {
		cfg.vni = o->has_vni ? o->vni : 1;
		cfg.port = o->encap == XT_ENCAP_GENEVE ? XT_GENEVE_PORT : XT_VXLAN_PORT;
		if (o->port)
			cfg.port = o->port;
	}
	cfg.has_key = o->has_key;
	cfg.key = o->has_key ? o->key : 0;
	cfg.forward = o->n_forward > 0;
	cfg.rx_request = (uint8_t)o->rx;
	cfg.xdp_mode = (uint8_t)o->xdp_mode;
	cfg.uplink_ifindex = (uint32_t)st->uplink_ifindex;
	cfg.max_peers = o->max_peers ? o->max_peers : XT_DEFAULT_MAX_PEERS;
	cfg.max_routes = o->max_routes ? o->max_routes : XT_DEFAULT_MAX_ROUTES;
	err = attach_local(o, st->uplink_ifindex, &cfg);
	if (!err)
		err = attach_mtu(o, &cfg, &mtu);
	if (!err)
		err = attach_unique(o, &cfg);
	if (err)
		return err;

	veth = driver_is_veth(o->uplink);
	if (rx == XT_RX_AUTO && veth)
		rx = XT_RX_TC;
	if (o->rx == XT_RX_XDP && veth)
		xt_warn("rx xdp on veth uplink %s: a veth sender leaves checksums to the receiver "
			"(CHECKSUM_PARTIAL), which XDP cannot see, so TCP fails unless the sending "
			"end turns transmit checksum offload off; XDP on a veth also costs the "
			"sender its TSO. 'rx tc' is correct and faster on veth",
			o->uplink);

	snprintf(peer, sizeof(peer), "%s%s", dev, XT_PEER_SUFFIX);
	err = xt_nl_veth_create(dev, peer, mtu);
	if (err)
		return xt_err(err, "creating device %s: %s", dev, strerror(-err));
	st->dev_ifindex = (int)if_nametoindex(dev);
	cfg.overlay_ifindex = (uint32_t)st->dev_ifindex;
	cfg.overlay_peer_ifindex = if_nametoindex(peer);
	/* The veth's MAC is random and fixed from here on; the L3 decapsulations write it as
	 * the destination of the frames they build, so it goes in rodata. */
	err = xt_dev_mac(dev, cfg.overlay_mac);
	if (err)
		return xt_err(err, "reading the MAC address of %s: %s", dev, strerror(-err));
	/* GRE and IPIP carry no Ethernet header, so nothing answers ARP or neighbour
	 * solicitations across them: with NOARP every neighbour resolves at once to the
	 * device's own MAC, which encapsulation strips anyway. */
	if (!xt_encap_is_l2(cfg.encap)) {
		err = xt_nl_link_flags(st->dev_ifindex, IFF_NOARP, IFF_NOARP);
		if (err)
			return xt_err(err, "setting NOARP on %s: %s", dev, strerror(-err));
	}
	if (needs_segment_path(&cfg)) {
		err = xt_dev_features_set(dev, is_segmentation_feature, false, stuck);
		if (err == -EOPNOTSUPP)
			return xt_err(err, "turning %s off on %s: the driver keeps it on", stuck,
				      dev);
		if (err)
			return xt_err(err, "turning segmentation offload off on %s: %s", dev,
				      strerror(-err));
		err = xt_dev_features_set(peer, is_gro_feature, false, stuck);
		if (err == -EOPNOTSUPP)
			return xt_err(err, "turning %s off on %s: the driver keeps it on", stuck,
				      peer);
		if (err)
			return xt_err(err, "turning GRO off on %s: %s", peer, strerror(-err));
	}

	xt_gso_path_choose(&cfg, dev);
	st->vxlan_dev_ifindex = (int)cfg.vxlan_dev_ifindex;
	st->port = cfg.port;

	st->tc = xt_tc_bpf__open();
	if (!st->tc)
		return xt_err(-errno, "opening BPF object: %s", strerror(errno));
	st->tc->rodata->xt_cfg = cfg;
	bpf_map__set_max_entries(st->tc->maps.xt_peers, cfg.max_peers);
	bpf_map__set_max_entries(st->tc->maps.xt_peer_stats, cfg.max_peers);
	bpf_map__set_max_entries(st->tc->maps.xt_routes, cfg.max_routes);
	bpf_map__set_max_entries(st->tc->maps.xt_prefixes, cfg.max_routes);
	err = xt_tc_bpf__load(st->tc);
	if (err)
		return xt_err(err, "loading BPF programs: %s (XTUNNEL_DEBUG=1 shows the log)",
			      strerror(-err));

	overlay_of_skel(st->tc, dev, &st->ov);
	st->ov.cfg = cfg;
	err = bind_maps(bpf_program__fd(st->tc->progs.xt_encap), &st->ov);
	if (err)
		return xt_err(err, "binding maps to xt_encap: %s", strerror(-err));
	err = tc_attach(st->dev_ifindex, BPF_TC_EGRESS, XT_TC_HANDLE,
			bpf_program__fd(st->tc->progs.xt_encap), NULL);
	if (err)
		return xt_err(err, "attaching encap to %s: %s", dev, strerror(-err));
	if (needs_segment_path(&cfg)) {
		err = tc_attach((int)cfg.overlay_peer_ifindex, BPF_TC_INGRESS, XT_TC_HANDLE,
				bpf_program__fd(st->tc->progs.xt_encap_seg), NULL);
		if (err)
			return xt_err(err, "attaching segment encap to %s ingress: %s", peer,
				      strerror(-err));
	}
	if (cfg.vxlan_dev) {
		err = xt_vxlan_dev_use(st->vxlan_dev_ifindex, cfg.overlay_ifindex,
				       bpf_program__fd(st->tc->progs.xt_sock_drop));
		if (err)
			return xt_err(err, "attaching the drop filter to the vxlan device: %s",
				      strerror(-err));
	}

	if (rx != XT_RX_TC) {
		err = attach_xdp(st, o, &cfg);
		if ((err == -EBUSY || err == -EEXIST) && rx == XT_RX_XDP)
			return xt_err(err,
				      "attaching XDP to %s: another XDP program is attached "
				      "there without libxdp's dispatcher, so it cannot be "
				      "shared; detach it or use 'rx tc'",
				      o->uplink);
		if (err && rx == XT_RX_XDP)
			return xt_err(err, "attaching XDP (%s) to %s: %s%s",
				      o->xdp_mode == XT_XDP_GENERIC ? "generic" : "native",
				      o->uplink, strerror(-err),
				      o->xdp_mode == XT_XDP_GENERIC
					      ? ""
					      : "; the driver may lack native XDP: try "
						"'xdp-mode generic' or 'rx tc'");
		if (err) {
			/* auto: no native XDP here, TC it is. */
			if (st->xdp_attached)
				xdp_program__detach(st->xdp_prog, st->uplink_ifindex,
						    XDP_MODE_UNSPEC, 0);
			st->xdp_attached = false;
			rx = XT_RX_TC;
		}
	}
	if (rx != XT_RX_TC) {
		/* Decapsulated frames reach the overlay device through its veth peer, in NAPI:
		 * GRO there gives TCP super-packets back (measured on a tx-off veth wire: 4.0-4.2
		 * to 5.8 Gbit/s). Only speed depends on it, so a refusal is a warning. */
		err = xt_dev_features_set(dev, is_rx_gro_feature, true, stuck);
		if (err)
			xt_warn("could not turn GRO on on %s (%s): XDP receive works, slower", dev,
				*stuck ? stuck : strerror(-err));
	}
	if (rx == XT_RX_TC) {
		err = tc_attach(st->uplink_ifindex, BPF_TC_INGRESS, (uint32_t)st->dev_ifindex,
				bpf_program__fd(st->tc->progs.xt_decap_tc),
				&st->uplink_hook_created);
		if (err)
			return xt_err(err, "attaching decap to %s ingress: %s", o->uplink,
				      strerror(-err));
		st->tc_decap_attached = true;
	}
	err = xt_fwd_attach(&st->fwd, &st->ov, o);
	if (err)
		return err;

	/* Before any address and before the link is up: link-local addresses are made when
	 * it comes up. Below 1280 bytes the device has no IPv6 at all, which is fine as long
	 * as it gets no IPv6 address (attach_mtu). */
	err = overlay_ipv6_setup(dev, peer);
	if (err && has_ipv6_address(o))
		return xt_err(err, "enabling IPv6 on %s: %s", dev, strerror(-err));
	for (i = 0; i < o->n_addrs; i++) {
		char a[INET6_ADDRSTRLEN + 4];

		err = xt_nl_addr_add(st->dev_ifindex, &o->addrs[i]);
		xt_format_prefix(&o->addrs[i], a, sizeof(a));
		if (err)
			return xt_err(err, "adding address %s to %s: %s", a, dev, strerror(-err));
	}
	err = xt_nl_link_up((int)cfg.overlay_peer_ifindex);
	if (!err)
		err = xt_nl_link_up(st->dev_ifindex);
	if (err)
		return xt_err(err, "bringing %s up: %s", dev, strerror(-err));

	st->pinned = true;
	return xt_pins_create(&st->ov);
}

int xt_attach(const struct xt_attach_opts *o)
{
	struct attach_state st = {};
	int lock, err;

	quiet_libs();
	lock = xt_lock();
	if (lock < 0)
		return lock;
	xt_views_forget(); /* a batch's views: the overlays change */
	err = attach_locked(o, &st);
	if (err)
		attach_rollback(&st);
	attach_state_free(&st);
	xt_unlock(lock);
	return err;
}

/* ---- detach ---- */

bool xt_prog_uses_map(int prog_fd, uint32_t map_id)
{
	uint32_t ids[16], i;
	struct bpf_prog_info info;

	if (prog_info(prog_fd, &info, ids, 16))
		return false;
	for (i = 0; i < info.nr_map_ids && i < 16; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

/* Our XDP program on the uplink: the one using this overlay's xt_peers map. Returns the
 * multiprog (close it) and sets *prog, or NULL if the overlay has no XDP program there. */
static struct xdp_multiprog *xdp_find(const struct xt_overlay *ov, struct xdp_program **prog)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ov->cfg.uplink_ifindex);
	struct xdp_program *p = NULL;

	*prog = NULL;
	if (libxdp_get_error(mp))
		return NULL;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && xt_prog_uses_map(xdp_program__fd(p), ov->peers_id))
			*prog = p;
	} else {
		while ((p = xdp_multiprog__next_prog(p, mp)))
			if (xt_prog_uses_map(xdp_program__fd(p), ov->peers_id)) {
				*prog = p;
				break;
			}
	}
	if (!*prog) {
		xdp_multiprog__close(mp);
		return NULL;
	}
	return mp;
}

static int detach_xdp(const struct xt_overlay *ov)
{
	struct xdp_program *p;
	struct xdp_multiprog *mp = xdp_find(ov, &p);
	int err;

	if (!mp)
		return 0;
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(p, (int)ov->cfg.uplink_ifindex,
					  xdp_multiprog__attach_mode(mp), 0);
	xdp_multiprog__close(mp);
	return err;
}

/* The decap filter of overlay `handle` off the uplink's ingress; then the clsact too if no
 * filter is left on it, which then does nothing: detach leaves the uplink as attach found
 * it. */
static int tc_decap_detach(int uplink, uint32_t handle)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = uplink, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY);
	int err = bpf_tc_detach(&hook, &opts);

	if (xt_nl_tc_filter_count(uplink) == 0) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return err;
}

/*
 * The overlay device was deleted behind our back (ip link del): its encap program went
 * with it, but the decap program stays on the uplink. Find such orphans among all loaded
 * programs by name, read their configuration, and remove those attached here whose
 * overlay device no longer exists. Program ids are global, ifindexes are per namespace:
 * a program counts only if the query on this namespace's uplink returns that very id.
 */
static int detach_orphans(int *removed)
{
	uint32_t id = 0;

	*removed = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		struct xt_overlay ov;
		uint32_t map_ids[16], i, xdp_id = 0;
		int fd = bpf_prog_get_fd_by_id(id), uplink;

		if (fd < 0)
			continue;
		overlay_init(&ov);
		if (prog_info(fd, &info, map_ids, 16) ||
		    (strcmp(info.name, "xt_decap_tc") && strcmp(info.name, "xt_decap_xdp") &&
		     strcmp(info.name, "xt_fwd_xdp") && strcmp(info.name, "xt_sock_drop")))
			goto next;
		for (i = 0; i < info.nr_map_ids && i < 16; i++) {
			struct bpf_map_info minfo = {};
			uint32_t len = sizeof(minfo);
			int mfd = bpf_map_get_fd_by_id(map_ids[i]);
			bool same;

			if (mfd < 0)
				continue;
			if (!bpf_obj_get_info_by_fd(mfd, &minfo, &len)) {
				/* Any version's: what it says is checked against the uplink below.
				 */
				if (is_rodata(minfo.name))
					read_config(mfd, &minfo, &ov.cfg, &same);
				if (!strcmp(minfo.name, "xt_peers"))
					ov.peers_id = minfo.id;
			}
			close(mfd);
		}
		uplink = (int)ov.cfg.uplink_ifindex;
		if (!uplink || !ov.cfg.overlay_ifindex) /* no config read: not ours to judge */
			goto next;
		{
			char name[IF_NAMESIZE];

			if (if_indextoname(ov.cfg.overlay_ifindex, name))
				goto next; /* the overlay is alive */
		}
		if (!strcmp(info.name, "xt_fwd_xdp")) {
			*removed += xt_fwd_detach_prog(id);
		} else if (!strcmp(info.name, "xt_sock_drop") &&
			   tc_prog_id((int)ov.cfg.vxlan_dev_ifindex, BPF_TC_INGRESS,
				      ov.cfg.overlay_ifindex) == id) {
			xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
					     ov.cfg.overlay_ifindex);
			(*removed)++;
		} else if (!strcmp(info.name, "xt_decap_tc") &&
			   tc_prog_id(uplink, BPF_TC_INGRESS, ov.cfg.overlay_ifindex) == id) {
			if (!tc_decap_detach(uplink, ov.cfg.overlay_ifindex))
				(*removed)++;
		} else if (!strcmp(info.name, "xt_decap_xdp") &&
			   !bpf_xdp_query_id(uplink, 0, &xdp_id) && xdp_id) {
			if (detach_xdp(&ov) == 0)
				(*removed)++;
		}
	next:
		close(fd);
	}
	return 0;
}

static int detach_locked(const char *dev)
{
	struct xt_overlay ov;
	int uplink, err;

	err = xt_overlay_open(dev, &ov);
	if (err == -EPROTO && dev) {
		/* Another version's overlay: its device goes, and what it left on the uplink
		 * and the ports is then cleaned up as an orphan's. */
		int e = xt_nl_link_del((int)if_nametoindex(dev));

		if (e && e != -ENODEV)
			return xt_err(e, "deleting device %s: %s", dev, strerror(-e));
	}
	if (err && dev && !if_nametoindex(dev)) {
		int removed;

		/* Gone behind our back: clean up what it left on the uplink and in bpffs. */
		detach_orphans(&removed);
		xt_pins_remove(dev);
		if (err == -EPROTO) {
			xt_warn("%s was attached by another version of xtunnel: deleted it, and "
				"removed %d program(s) it left on its uplink and forward-from "
				"ports",
				dev, removed);
			return 0;
		}
		if (removed) {
			xt_warn("%s was already deleted; removed %d program(s) it left on its "
				"uplink and forward-from ports",
				dev, removed);
			return 0;
		}
		return err;
	}
	if (err)
		return err;
	uplink = (int)ov.cfg.uplink_ifindex;
	if (tc_prog_id(uplink, BPF_TC_INGRESS, (uint32_t)ov.ifindex))
		tc_decap_detach(uplink, (uint32_t)ov.ifindex);
	err = detach_xdp(&ov);
	if (err)
		xt_warn("detaching XDP from uplink ifindex %d: %s", uplink, strerror(-err));
	xt_fwd_detach(&ov); /* warns itself */
	if (ov.cfg.vxlan_dev)
		xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
				     (uint32_t)ov.ifindex);
	err = xt_nl_link_del(ov.ifindex);
	if (err && err != -ENODEV) {
		xt_overlay_close(&ov);
		return xt_err(err, "deleting device %s: %s", ov.dev, strerror(-err));
	}
	xt_pins_remove(ov.dev);
	xt_overlay_close(&ov);
	return 0;
}

/* Commands that change an overlay run under the one lock. */
static int locked(int (*fn)(const char *dev), const char *dev)
{
	int lock, err;

	quiet_libs();
	lock = xt_lock();
	if (lock < 0)
		return lock;
	xt_views_forget(); /* a batch's views: the overlays change */
	err = fn(dev);
	xt_unlock(lock);
	return err;
}

int xt_detach(const char *dev)
{
	/* Before anything: a name that is not a device's must not reach the pin paths. */
	int err = xt_dev_name_check("device", dev);

	if (err)
		return err;
	return locked(detach_locked, dev);
}

/* ---- reload ---- */

static int tc_replace(int ifindex, enum bpf_tc_attach_point point, uint32_t handle, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);

	return bpf_tc_attach(&hook, &opts);
}

/* The new XDP program takes the old one's place: atomically where libxdp attached it alone
 * (XDP_FLAGS_REPLACE), else added to the dispatcher before the old one leaves it. */
static int xdp_replace(const struct xt_overlay *ov, struct xt_xdp_bpf *xs)
{
	int uplink = (int)ov->cfg.uplink_ifindex, err;
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = xs->obj, .prog_name = "xt_decap_xdp");
	DECLARE_LIBBPF_OPTS(bpf_xdp_attach_opts, aopts);
	struct xdp_program *old, *new;
	struct xdp_multiprog *mp = xdp_find(ov, &old);
	enum xdp_attach_mode mode;

	if (!mp)
		return -ENOENT;
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		err = xt_xdp_bpf__load(xs);
		if (!err) {
			aopts.old_prog_fd = xdp_program__fd(old);
			err = bpf_xdp_attach(uplink, bpf_program__fd(xs->progs.xt_decap_xdp),
					     XDP_FLAGS_REPLACE |
						     (mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE
									   : XDP_FLAGS_DRV_MODE),
					     &aopts);
		}
	} else {
		new = xdp_program__create(&xopts);
		err = (int)libxdp_get_error(new);
		if (!err) {
			err = xdp_program__attach(new, uplink, mode, 0);
			if (!err)
				err = xdp_program__detach(old, uplink, mode, 0);
			xdp_program__close(new);
		}
	}
	xdp_multiprog__close(mp);
	return err;
}

static bool same_vxlan_dev(const struct xt_config *a, const struct xt_config *b)
{
	return a->vxlan_dev && b->vxlan_dev && a->vxlan_dev_ifindex == b->vxlan_dev_ifindex;
}

static int reload_locked(const char *dev)
{
	struct xt_tc_bpf *tc = NULL;
	struct xt_xdp_bpf *xs = NULL;
	struct xt_config cfg;
	struct xt_overlay ov;
	bool tc_rx;
	int err;

	err = xt_overlay_open(dev, &ov);
	if (err)
		return err;
	tc_rx = tc_prog_id((int)ov.cfg.uplink_ifindex, BPF_TC_INGRESS, (uint32_t)ov.ifindex) != 0;
	/* The GSO path is chosen again: the vxlan device comes back if somebody deleted it,
	 * and an overlay attached by an older version gets it. */
	cfg = ov.cfg;
	xt_gso_path_choose(&cfg, ov.dev);
	tc = xt_tc_bpf__open();
	if (!tc) {
		err = xt_err(-errno, "opening BPF object: %s", strerror(errno));
		goto out;
	}
	tc->rodata->xt_cfg = cfg;
	err = xt_reuse_maps(tc->obj, &ov);
	if (!err)
		err = xt_tc_bpf__load(tc);
	if (!err)
		err = bind_maps(bpf_program__fd(tc->progs.xt_encap), &ov);
	if (err) {
		err = xt_err(err, "loading the new programs: %s (nothing was changed)",
			     strerror(-err));
		goto out;
	}
	if (!tc_rx) {
		xs = xt_xdp_bpf__open();
		if (!xs) {
			err = xt_err(-errno, "opening BPF object: %s", strerror(errno));
			goto out;
		}
		xs->rodata->xt_cfg = cfg;
		/* Read again: the uplink's MAC may have changed since attach. */
		err = xt_dev_mac_of(ov.cfg.uplink_ifindex, xs->rodata->xt_uplink_mac);
		if (!err)
			err = xt_reuse_maps(xs->obj, &ov);
		if (!err)
			err = xdp_replace(&ov, xs);
		if (err) {
			err = xt_err(err,
				     "replacing the XDP program on the uplink: %s (nothing was "
				     "changed)",
				     strerror(-err));
			goto out;
		}
	} else {
		err = tc_replace((int)ov.cfg.uplink_ifindex, BPF_TC_INGRESS, (uint32_t)ov.ifindex,
				 bpf_program__fd(tc->progs.xt_decap_tc));
		if (err) {
			err = xt_err(err, "replacing the decap program: %s (nothing was changed)",
				     strerror(-err));
			goto out;
		}
	}
	err = xt_fwd_reload(&ov);
	if (err) {
		err = xt_err(err, "replacing the forward programs: %s (decap was replaced)",
			     strerror(-err));
		goto out;
	}
	if (needs_segment_path(&ov.cfg)) {
		err = tc_replace((int)ov.cfg.overlay_peer_ifindex, BPF_TC_INGRESS, XT_TC_HANDLE,
				 bpf_program__fd(tc->progs.xt_encap_seg));
		if (err) {
			err = xt_err(err,
				     "replacing the segment encap program: %s (decap was replaced)",
				     strerror(-err));
			goto out;
		}
	}
	if (cfg.vxlan_dev) {
		err = xt_vxlan_dev_use((int)cfg.vxlan_dev_ifindex, (uint32_t)ov.ifindex,
				       bpf_program__fd(tc->progs.xt_sock_drop));
		if (err) {
			err = xt_err(err,
				     "attaching the drop filter to the vxlan device: %s (decap was "
				     "replaced)",
				     strerror(-err));
			goto out;
		}
	}
	/* Encap last: if it fails, the new decap program already runs on the same maps, and
	 * the old encap program keeps working. */
	err = tc_replace(ov.ifindex, BPF_TC_EGRESS, XT_TC_HANDLE,
			 bpf_program__fd(tc->progs.xt_encap));
	if (err)
		err = xt_err(err, "replacing the encap program: %s (decap was replaced)",
			     strerror(-err));
out:
	/* Of the vxlan devices before and after, the one the running encap program does not
	 * use (the new one after a failure, the old one after a success) goes, unless another
	 * overlay uses it. */
	if (err && cfg.vxlan_dev && !same_vxlan_dev(&cfg, &ov.cfg))
		xt_vxlan_dev_release((int)cfg.vxlan_dev_ifindex, cfg.port, (uint32_t)ov.ifindex);
	if (!err && ov.cfg.vxlan_dev && !same_vxlan_dev(&cfg, &ov.cfg))
		xt_vxlan_dev_release((int)ov.cfg.vxlan_dev_ifindex, ov.cfg.port,
				     (uint32_t)ov.ifindex);
	xt_xdp_bpf__destroy(xs);
	xt_tc_bpf__destroy(tc);
	xt_overlay_close(&ov);
	return err;
}

int xt_reload(const char *dev)
{
	return locked(reload_locked, dev);
}

/* ---- show ---- */

static void rx_describe(const struct xt_overlay *ov, struct xt_overlay_info *info)
{
	char uplink[IF_NAMESIZE] = "?", driver[32] = "?";
	int ifindex = (int)ov->cfg.uplink_ifindex;
	struct xdp_multiprog *mp;
	struct xdp_program *xp;

	if_indextoname((unsigned int)ifindex, uplink);
	xt_dev_driver(uplink, driver, sizeof(driver));
	info->rx_request = (enum xt_rx_mode)ov->cfg.rx_request;
	if (tc_prog_id(ifindex, BPF_TC_INGRESS, (uint32_t)ov->ifindex)) {
		info->rx = XT_RX_TC;
	} else if ((mp = xdp_find(ov, &xp))) {
		xdp_multiprog__close(mp);
		info->rx = XT_RX_XDP;
	} else {
		info->rx = XT_RX_AUTO;
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "no decap program on the uplink: detach and attach again");
		return;
	}
	if (info->rx_request != XT_RX_AUTO)
		snprintf(info->rx_reason, sizeof(info->rx_reason), "requested");
	else if (info->rx == XT_RX_TC && !strcmp(driver, "veth"))
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "auto: veth uplink, TC keeps checksum and GSO state");
	else if (info->rx == XT_RX_TC)
		snprintf(info->rx_reason, sizeof(info->rx_reason),
			 "auto: no native XDP on driver %s", driver);
	else
		snprintf(info->rx_reason, sizeof(info->rx_reason), "auto: native XDP on driver %s",
			 driver);
}

/* Each route to its peer's list, through an index by peer id: one pass over the routes. */
static int routes_of_peers(const struct xt_overlay *ov, struct xt_overlay_info *info)
{
	uint32_t max = ov->cfg.max_peers;
	struct xt_route_key key, next;
	struct xt_route route;
	void *prev = NULL;
	int *by_id = malloc((max ? max : 1) * sizeof(*by_id)), i, err = 0;

	if (!by_id)
		return -ENOMEM;
	for (i = 0; i < (int)max; i++)
		by_id[i] = -1;
	for (i = 0; i < info->n_peers; i++)
		if (info->peers[i].id < max && by_id[info->peers[i].id] < 0)
			by_id[info->peers[i].id] = i;
	info->n_routes = 0;
	while (!bpf_map_get_next_key(ov->routes_fd, prev, &next)) {
		struct xt_peer_info *p;
		struct xt_prefix *grown;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ov->routes_fd, &key, &route))
			continue;
		info->n_routes++;
		if (route.peer_id >= max || by_id[route.peer_id] < 0)
			continue;
		p = &info->peers[by_id[route.peer_id]];
		/* Grown by doubling: a peer may have thousands of prefixes. */
		if (!(p->n_allowed & (p->n_allowed - 1))) {
			grown = realloc(p->allowed, (size_t)(p->n_allowed ? p->n_allowed * 2 : 1) *
							    sizeof(*grown));
			if (!grown) {
				err = -ENOMEM;
				break;
			}
			p->allowed = grown;
		}
		xt_prefix_from_key(&p->allowed[p->n_allowed++], key.prefixlen, key.addr);
	}
	free(by_id);
	return err;
}

static int peer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct xt_peer_info *)a)->name,
		      ((const struct xt_peer_info *)b)->name);
}

static int overlay_info(const struct xt_overlay *ov, struct xt_overlay_info *info)
{
	struct xt_peer_key key, next;
	struct xt_peer peer;
	char pin_dir[256], path[300];
	void *prev = NULL;
	int cap = 0;

	snprintf(info->dev, sizeof(info->dev), "%s", ov->dev);
	if (!if_indextoname(ov->cfg.uplink_ifindex, info->uplink))
		snprintf(info->uplink, sizeof(info->uplink), "(gone)");
	info->encap = (enum xt_encap)ov->cfg.encap;
	info->vni = ov->cfg.vni;
	info->port = ov->cfg.port;
	info->has_key = ov->cfg.has_key;
	info->key = ov->cfg.key;
	xt_ip_from_bytes(&info->local, ov->cfg.local);
	xt_dev_mtu(ov->dev, &info->mtu);
	info->xdp_mode = (enum xt_xdp_mode)ov->cfg.xdp_mode;
	info->max_peers = ov->cfg.max_peers;
	info->max_routes = ov->cfg.max_routes;
	rx_describe(ov, info);
	xt_gso_path_describe(&ov->cfg, info);
	xt_fwd_port_names(ov, info->forward_from, XT_MAX_FWD_PORTS, &info->n_forward);
	if (!xt_pin_dir(ov->dev, pin_dir, sizeof(pin_dir), false)) {
		snprintf(path, sizeof(path), "%s/peers", pin_dir);
		if (!access(path, F_OK))
			snprintf(info->pin_dir, sizeof(info->pin_dir), "%s", pin_dir);
	}
	xt_reasons_read(ov->reasons_fd, info->reasons);

	while (!bpf_map_get_next_key(ov->peers_fd, prev, &next)) {
		struct xt_peer_info *p;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ov->peers_fd, &key, &peer))
			continue;
		if (info->n_peers == cap) {
			void *grown;

			cap = cap ? cap * 2 : 8;
			grown = realloc(info->peers, (size_t)cap * sizeof(*info->peers));
			if (!grown)
				return -ENOMEM;
			info->peers = grown;
		}
		p = &info->peers[info->n_peers++];
		memset(p, 0, sizeof(*p));
		memcpy(p->name, peer.name, sizeof(p->name));
		p->name[sizeof(p->name) - 1] = '\0';
		p->id = peer.id;
		xt_ip_from_bytes(&p->endpoint, key.endpoint);
		p->port = peer.port;
		xt_peer_stats_read(ov->peer_stats_fd, peer.id, &p->stats);
	}
	if (routes_of_peers(ov, info))
		return -ENOMEM;
	if (info->n_peers)
		qsort(info->peers, (size_t)info->n_peers, sizeof(*info->peers), peer_cmp);
	return 0;
}

int xt_show(const char *dev, struct xt_overlay_info **out, int *n)
{
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	struct xt_overlay_info *ovs;
	struct xt_overlay ov;
	int count = 1, i, err;

	quiet_libs();
	if (!dev) {
		err = xt_overlay_names(names, XT_MAX_OVERLAYS, &count, true);
		if (err)
			return err;
	} else {
		snprintf(names[0], IF_NAMESIZE, "%s", dev);
	}
	ovs = calloc((size_t)(count ? count : 1), sizeof(*ovs));
	if (!ovs)
		return xt_err(-ENOMEM, "out of memory");
	for (i = 0; i < count; i++) {
		err = xt_overlay_open(names[i], &ov);
		if (!err) {
			err = overlay_info(&ov, &ovs[i]);
			xt_overlay_close(&ov);
			if (err)
				xt_err(err, "reading overlay %s: %s", names[i], strerror(-err));
		}
		if (err) {
			xt_overlays_free(ovs, i + 1);
			return err;
		}
	}
	*out = ovs;
	*n = count;
	return 0;
}

void xt_overlays_free(struct xt_overlay_info *ovs, int n)
{
	int i, j;

	if (!ovs)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < ovs[i].n_peers; j++)
			free(ovs[i].peers[j].allowed);
		free(ovs[i].peers);
	}
	free(ovs);
}
