/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * L2 overlays (`attach ... mode l2`): what the library does for them and not for the L3
 * overlays, in a room of its own. l2.c: their programs' configuration and xt_l2_ctl, the
 * program through which every change that counts against a peer goes
 * (include/xtunnel_l2.h); l2_peer.c: their peers (no allowed-ips; flood on or off);
 * l2_fdb.c: the FDB and the neighbour table (`fdb`, `neigh`). Everything else (the
 * devices, the hooks, discovery, reload, detach, show) is shared with the L3 overlays and
 * goes by the overlay's kind (overlay.h, maps.h, objects.h).
 */
#ifndef XT_L2_H
#define XT_L2_H

#include "overlay.h"
#include "view.h"

/* The L2 part of the programs' configuration from a complete spec: the ageing time, how
 * often a learned entry's time is written again, max-macs, and a new random cookie. */
int xt_l2_config_make(const struct xt_overlay_spec *o, struct xt_l2_config *l2);
/* Runs xt_l2_ctl with c on ov's maps, and again while another CPU holds the entry
 * (-EAGAIN), a few times. c->result, or the error of loading the program. */
int xt_l2_ctl(const struct xt_overlay *ov, struct xt_l2_ctl *c);

/* The peer commands on an L2 overlay's view (peer.c hands them over). */
int xt_l2_peer_add(struct xt_view *v, const struct xt_peer_spec *o);
int xt_l2_peer_set(struct xt_view *v, const struct xt_peer_spec *o);
int xt_l2_peer_del(struct xt_view *v, const char *name);

/* Entries in the FDB and the neighbour table, aged or not (show). */
void xt_l2_counts(const struct xt_overlay *ov, uint32_t *n_fdb, uint32_t *n_neigh);

#endif
