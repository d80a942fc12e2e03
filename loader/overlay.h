/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * An overlay found through the encap program attached to its device (overlay.c): its
 * device, its configuration (the programs' rodata) and its maps.
 */
#ifndef XT_OVERLAY_H
#define XT_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include "maps.h"
#include "routes.h"
#include "xtunnel.h"
#include "xtunnel_l2.h"

struct bpf_map_info;
struct bpf_object;
struct xt_tc_bpf;
struct xt_xdp_bpf;

#define XT_MAX_OVERLAYS 64 /* of one network namespace that commands see */

struct xt_overlay {
	char dev[IF_NAMESIZE];
	int ifindex;
	enum xt_mode mode; /* what kind of overlay: whose programs, which maps (maps.h) */
	struct xt_config cfg;
	struct xt_l2_config l2; /* L2 */
	/* The uplink's name as the programs keep it (xt_uplink_name): what it was called when
	 * they were loaded, known after it is deleted. */
	char uplink[IF_NAMESIZE];
	int fd[XT_MAP_COUNT];	       /* by enum xt_map; -1: not open */
	uint32_t map_id[XT_MAP_COUNT]; /* the kernel's ids: xt_peers' and xt_ports' tell our
					* programs apart from others' */
};

int xt_overlay_open(const char *dev, struct xt_overlay *ov);
/* The overlay a command means: dev, or without it the only one of names (else the error a
 * command without 'dev' gets), in *out, its name checked (xt_dev_name_check). */
int xt_overlay_pick(const char *dev, char (*names)[IF_NAMESIZE], int n, const char **out);
void xt_overlay_close(struct xt_overlay *ov);
int xt_overlay_names(char (*names)[IF_NAMESIZE], int max, int *n, bool warn_other);
/* The overlays, and in others the devices another version of xtunnel attached, which this
 * one cannot read (xt_overlay_open says -EPROTO for them). */
int xt_overlay_names_all(char (*names)[IF_NAMESIZE], int max, int *n, char (*others)[IF_NAMESIZE],
			 int max_others, int *n_others);
/* No device, no configuration, no map. */
void xt_overlay_init(struct xt_overlay *ov);
/* The overlay as a freshly loaded object of its programs has it: its maps' fds, not owned. */
void xt_overlay_of_object(const struct bpf_object *obj, const char *dev, struct xt_overlay *ov);
/* Binds xt_peers and xt_ports to the encap program, which discovery goes through, and
 * reads the maps' ids. */
int xt_overlay_bind_maps(int encap_fd, struct xt_overlay *ov);

static inline struct xt_route_maps xt_route_maps_of(const struct xt_overlay *ov)
{
	struct xt_route_maps m = { ov->fd[XT_MAP_ROUTES], ov->fd[XT_MAP_PREFIXES],
				   ov->fd[XT_MAP_LENS] };

	return m;
}

/* A second object (XDP, forward, or a reloaded one) takes the overlay's maps by name. */
int xt_reuse_maps(struct bpf_object *obj, const struct xt_overlay *ov);
/* An L3 overlay's XDP object, configured with cfg (the overlay's, or what reload chose
 * anew) and sharing the overlay's maps: opened, not loaded, with the uplink's MAC
 * (objects.h opens either kind's). */
int xt_overlay_xdp_object(const struct xt_overlay *ov, const struct xt_config *cfg,
			  struct xt_xdp_bpf **out);

/* The map is a .rodata section (of any object). */
bool xt_map_is_rodata(const char *map_name);
/* The xt_cfg a .rodata map holds, and the uplink's name if uplink is not NULL ("" if the
 * section has none); -EPROTO if it holds no xt_cfg this build can read. *same_layout: the
 * section is laid out as this build's (of either kind of overlay). */
int xt_config_read(int map_fd, const struct bpf_map_info *minfo, struct xt_config *cfg,
		   char uplink[IF_NAMESIZE], bool *same_layout);
/* The xt_l2_cfg of an L2 overlay's .rodata map; -EPROTO if it holds none. */
int xt_l2_config_read(int map_fd, const struct bpf_map_info *minfo, struct xt_l2_config *l2);
/* The uplink's ifindex now and its name, in *name: the one the programs were loaded with
 * (cfg->uplink_ifindex) under its name of today, or, if that device was deleted, the one
 * that has the name the programs keep (ov->uplink). 0 if neither exists. */
int xt_overlay_uplink(const struct xt_overlay *ov, char name[IF_NAMESIZE]);
/* GSO packets of this overlay take the segment path (xt_encap_seg on the hidden end). */
bool xt_needs_segment_path(const struct xt_config *cfg);

#endif
