/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* An overlay found through the encap program attached to its device (overlay.c). */
#ifndef XT_OVERLAY_H
#define XT_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include "xtunnel.h"
#include "routes.h"

struct bpf_object;

#define XT_MAX_OVERLAYS 64 /* of one network namespace that commands see */

#define XT_PEER_SUFFIX "-p"
#define XT_DEV_NAME_MAX (IF_NAMESIZE - 1 - (int)sizeof(XT_PEER_SUFFIX) + 1)

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

static inline struct xt_route_maps xt_route_maps_of(const struct xt_overlay *ov)
{
	struct xt_route_maps m = { ov->routes_fd, ov->prefixes_fd, ov->lens_fd };

	return m;
}

/* A second object (XDP, forward, or a reloaded one) takes the overlay's maps by name. */
int xt_reuse_maps(struct bpf_object *obj, const struct xt_overlay *ov);

struct bpf_map_info;
struct xt_tc_bpf;
bool is_rodata(const char *map_name);
int read_config(int map_fd, const struct bpf_map_info *minfo, struct xt_config *cfg,
		bool *same_layout);
void overlay_init(struct xt_overlay *ov);
void overlay_of_skel(struct xt_tc_bpf *tc, const char *dev, struct xt_overlay *ov);
int map_id(int fd, uint32_t *id);
int bind_maps(int encap_fd, struct xt_overlay *ov);
bool needs_segment_path(const struct xt_config *cfg);

#endif
