// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What an overlay is: found through the encap program attached to its device's TC egress
 * with a fixed handle and priority, from whose program info come the maps (by name) and the
 * configuration (the rodata map). That works in any mount namespace, unlike pins. Also the
 * maps a second object reuses, and the map ids that tell our programs apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "errmsg.h"
#include "hooks.h"
#include "dev.h"
#include "maps.h"
#include "overlay.h"
#include "xt_l2.skel.h"
#include "xt_tc.skel.h"
#include "xt_xdp.skel.h"

bool xt_map_is_rodata(const char *map_name)
{
	size_t len = strlen(map_name);

	return len > 7 && !strcmp(map_name + len - 7, ".rodata");
}

/* The variable `name` of a .rodata section, if the section has one of `size` bytes. */
static const struct btf_var_secinfo *section_var(const struct btf *btf, const struct btf_type *sec,
						 const char *name, uint32_t size)
{
	const struct btf_var_secinfo *vsi = btf_var_secinfos(sec);
	const struct btf_type *var;
	int i;

	for (i = 0; i < btf_vlen(sec); i++, vsi++) {
		var = btf__type_by_id(btf, vsi->type);
		if (var && btf_is_var(var) &&
		    !strcmp(btf__name_by_offset(btf, var->name_off), name))
			return vsi->size == size ? vsi : NULL;
	}
	return NULL;
}

/*
 * A variable of a program's .rodata map: var_name, of struct type_name, size bytes, into
 * out. The map's value is the whole section as the build that loaded the program laid it
 * out, and the section's BTF says where the variable is and what it is. Only a struct of our
 * size is read, from there, out of a buffer of the size the kernel copies (value_size):
 * another build's section can be larger than ours. The uplink's name comes the same way,
 * where the section has it and uplink is not NULL (else ""). *offset: where the variable
 * was. -EPROTO if it is not there as we know it.
 */
static int rodata_read(int map_fd, const struct bpf_map_info *minfo, const char *var_name,
		       const char *type_name, void *out, uint32_t size, char uplink[IF_NAMESIZE],
		       uint32_t *offset)
{
	const struct btf_var_secinfo *vsi, *name;
	const struct btf_type *sec, *var, *t;
	struct btf *btf;
	uint32_t key = 0;
	void *value = NULL;
	int err = -EPROTO;

	if (uplink)
		uplink[0] = '\0';
	if (minfo->type != BPF_MAP_TYPE_ARRAY || minfo->key_size != sizeof(key) ||
	    minfo->value_size < size || !minfo->btf_id)
		return -EPROTO;
	btf = btf__load_from_kernel_by_id(minfo->btf_id);
	if (!btf)
		return -errno;
	sec = btf__type_by_id(btf, minfo->btf_value_type_id);
	if (!sec || !btf_is_datasec(sec))
		goto out;
	vsi = section_var(btf, sec, var_name, size);
	if (!vsi || vsi->offset > minfo->value_size - size)
		goto out;
	var = btf__type_by_id(btf, vsi->type);
	t = btf__type_by_id(btf, btf__resolve_type(btf, var->type)); /* const volatile */
	if (!t || !btf_is_struct(t) || strcmp(btf__name_by_offset(btf, t->name_off), type_name) ||
	    t->size != size)
		goto out;
	value = calloc(1, minfo->value_size);
	if (!value) {
		err = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_elem(map_fd, &key, value)) {
		err = -errno;
		goto out;
	}
	memcpy(out, (char *)value + vsi->offset, size);
	*offset = vsi->offset;
	name = section_var(btf, sec, "xt_uplink_name", IF_NAMESIZE);
	if (uplink && name && name->offset <= minfo->value_size - IF_NAMESIZE)
		snprintf(uplink, IF_NAMESIZE, "%.*s", IF_NAMESIZE - 1,
			 (const char *)value + name->offset);
	err = 0;
out:
	free(value);
	btf__free(btf);
	return err;
}

/* The xt_cfg of a program's .rodata map, and the uplink's name; *same_layout: the section is
 * this build's, of an L3 overlay's objects or of an L2 overlay's. */
int xt_config_read(int map_fd, const struct bpf_map_info *minfo, struct xt_config *cfg,
		   char uplink[IF_NAMESIZE], bool *same_layout)
{
	uint32_t offset = 0;
	int err = rodata_read(map_fd, minfo, "xt_cfg", "xt_config", cfg, sizeof(*cfg), uplink,
			      &offset);

	*same_layout = !err && ((minfo->value_size == sizeof(struct xt_tc_bpf__rodata) &&
				 offset == offsetof(struct xt_tc_bpf__rodata, xt_cfg)) ||
				(minfo->value_size == sizeof(struct xt_l2_bpf__rodata) &&
				 offset == offsetof(struct xt_l2_bpf__rodata, xt_cfg)));
	return err;
}

int xt_l2_config_read(int map_fd, const struct bpf_map_info *minfo, struct xt_l2_config *l2)
{
	uint32_t offset;

	return rodata_read(map_fd, minfo, "xt_l2_cfg", "xt_l2_config", l2, sizeof(*l2), NULL,
			   &offset);
}

/* The overlay behind an encap program, xt_encap (L3) or xt_l2_encap (L2). -EPROTO if its
 * maps or its configuration are not this build's: another version of xtunnel attached it. */
static int overlay_from_prog(int prog_fd, struct xt_overlay *ov)
{
	uint32_t map_ids[XT_PROG_MAPS_MAX], i;
	struct bpf_prog_info info;
	bool other = false, config = false, same;
	int err, fd, m;

	err = xt_prog_info(prog_fd, &info, map_ids, XT_PROG_MAPS_MAX);
	if (err)
		return err;
	if (!strcmp(info.name, "xt_encap"))
		ov->mode = XT_MODE_L3;
	else if (!strcmp(info.name, "xt_l2_encap"))
		ov->mode = XT_MODE_L2;
	else
		return -ENOENT;
	for (i = 0; i < info.nr_map_ids && i < XT_PROG_MAPS_MAX; i++) {
		struct bpf_map_info minfo = {};
		uint32_t len = sizeof(minfo);
		int m;

		fd = bpf_map_get_fd_by_id(map_ids[i]);
		if (fd < 0)
			return -errno;
		if (bpf_obj_get_info_by_fd(fd, &minfo, &len)) {
			err = -errno;
			close(fd);
			return err;
		}
		m = xt_map_named(minfo.name);
		if (m >= 0 && ov->fd[m] < 0 && minfo.key_size == xt_maps[m].key_size &&
		    minfo.value_size == xt_maps[m].value_size) {
			ov->fd[m] = fd;
			ov->map_id[m] = minfo.id;
			continue;
		}
		if (m >= 0) {
			other = true; /* of another size, or twice */
		} else if (xt_map_is_rodata(minfo.name)) {
			err = xt_config_read(fd, &minfo, &ov->cfg, ov->uplink, &same);
			if (!err && ov->mode == XT_MODE_L2)
				err = xt_l2_config_read(fd, &minfo, &ov->l2);
			if (err && err != -EPROTO) {
				close(fd);
				return err;
			}
			config = !err;
			other |= err || !same;
		}
		close(fd);
	}
	/* Our encap program without the maps of its kind or our configuration: another
	 * version's. */
	for (m = 0; m < XT_MAP_COUNT; m++)
		if (xt_maps[m].kinds & XT_KINDS_OF(ov->mode))
			other |= ov->fd[m] < 0;
	return other || !config ? -EPROTO : 0;
}

void xt_overlay_init(struct xt_overlay *ov)
{
	memset(ov, 0, sizeof(*ov));
	xt_maps_init(ov->fd);
}

void xt_overlay_close(struct xt_overlay *ov)
{
	xt_maps_close(ov->fd);
}

/* 0 and the overlay if ifindex is an xtunnel overlay device, -ENOENT if it is not. */
static int overlay_probe(int ifindex, struct xt_overlay *ov)
{
	uint32_t id = xt_tc_query(xt_tc_filter_at(ifindex, BPF_TC_EGRESS, XT_TC_HANDLE));
	int fd, err;

	xt_overlay_init(ov);
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

/* The devices of this network namespace that carry an xt_encap program: ours in names,
 * those another version of xtunnel attached in others (NULL: not wanted), each named in a
 * warning with warn_other. */
static int overlay_scan(char (*names)[IF_NAMESIZE], int max, int *n, char (*others)[IF_NAMESIZE],
			int max_others, int *n_others, bool warn_other)
{
	struct if_nameindex *ifs, *i;
	struct xt_overlay ov;
	int err;

	xt_libs_quiet();
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
		if (err == -EPROTO && others && *n_others < max_others)
			snprintf(others[(*n_others)++], IF_NAMESIZE, "%s", i->if_name);
		if (err)
			continue;
		snprintf(names[(*n)++], IF_NAMESIZE, "%s", i->if_name);
		xt_overlay_close(&ov);
	}
	if_freenameindex(ifs);
	return 0;
}

int xt_overlay_names(char (*names)[IF_NAMESIZE], int max, int *n, bool warn_other)
{
	return overlay_scan(names, max, n, NULL, 0, NULL, warn_other);
}

int xt_overlay_names_all(char (*names)[IF_NAMESIZE], int max, int *n, char (*others)[IF_NAMESIZE],
			 int max_others, int *n_others)
{
	*n_others = 0;
	return overlay_scan(names, max, n, others, max_others, n_others, false);
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

	xt_libs_quiet();
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

void xt_overlay_of_object(const struct bpf_object *obj, const char *dev, struct xt_overlay *ov)
{
	xt_overlay_init(ov);
	snprintf(ov->dev, sizeof(ov->dev), "%s", dev);
	xt_maps_of_obj(obj, ov->fd);
}

int xt_reuse_maps(struct bpf_object *obj, const struct xt_overlay *ov)
{
	return xt_maps_reuse(obj, ov->fd);
}

/* The skeletons' rodata keeps the name in IF_NAMESIZE bytes, as bpf/common.h declares it. */
_Static_assert(sizeof(((struct xt_tc_bpf__rodata *)0)->xt_uplink_name) == IF_NAMESIZE &&
		       sizeof(((struct xt_xdp_bpf__rodata *)0)->xt_uplink_name) == IF_NAMESIZE &&
		       sizeof(((struct xt_l2_bpf__rodata *)0)->xt_uplink_name) == IF_NAMESIZE,
	       "xt_uplink_name");

int xt_overlay_xdp_object(const struct xt_overlay *ov, const struct xt_config *cfg,
			  struct xt_xdp_bpf **out)
{
	struct xt_xdp_bpf *xdp = xt_xdp_bpf__open();
	int err;

	if (!xdp)
		return -errno;
	xdp->rodata->xt_cfg = *cfg;
	memcpy(xdp->rodata->xt_uplink_name, ov->uplink, IF_NAMESIZE);
	/* XDP tells this host's frames from others' by the uplink's MAC (bpf/common.h); read
	 * each time, as it may have changed since attach. */
	err = xt_dev_mac_of(cfg->uplink_ifindex, xdp->rodata->xt_uplink_mac);
	if (!err)
		err = xt_reuse_maps(xdp->obj, ov);
	if (err) {
		xt_xdp_bpf__destroy(xdp);
		return err;
	}
	*out = xdp;
	return 0;
}

/*
 * Discovery goes through the encap program's map list; encap reads not all of them (not
 * xt_peers, xt_ports nor xt_peer_drops on an L3 overlay, nor xt_peers, xt_l2_learned and
 * xt_l2_state on an L2 one), so every map of the overlay's kind is bound to it explicitly
 * (BPF_PROG_BIND_MAP, kernel 5.10; one encap already uses stays as it is). Sets the map ids by
 * which our other programs are told apart from anybody else's.
 */
int xt_overlay_bind_maps(int encap_fd, struct xt_overlay *ov)
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++)
		if ((xt_maps[m].kinds & XT_KINDS_OF(ov->mode)) &&
		    bpf_prog_bind_map(encap_fd, ov->fd[m], NULL))
			return -errno;
	return xt_maps_ids(ov->fd, ov->map_id);
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
bool xt_needs_segment_path(const struct xt_config *cfg)
{
	return cfg->family == XT_FAMILY_V6 && xt_encap_is_udp(cfg->encap);
}

int xt_overlay_uplink(const struct xt_overlay *ov, char name[IF_NAMESIZE])
{
	if (ov->cfg.uplink_ifindex && if_indextoname(ov->cfg.uplink_ifindex, name))
		return (int)ov->cfg.uplink_ifindex;
	snprintf(name, IF_NAMESIZE, "%s", ov->uplink);
	return name[0] ? (int)if_nametoindex(name) : 0;
}
