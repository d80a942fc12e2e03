/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* forward-from ports (forward.c). */
#ifndef XT_FORWARD_H
#define XT_FORWARD_H

#include <stdint.h>
#include "overlay.h"

struct xt_xdp_bpf;
struct xt_fwd_state {
	struct xt_xdp_bpf *skel;
	uint32_t attached[XT_MAX_FWD_PORTS];
	int n_attached;
};
int xt_fwd_validate(const struct xt_overlay_spec *o);
/* Puts the uplink and the ports in xt_ports and attaches xt_fwd_xdp to each port. */
int xt_fwd_attach(struct xt_fwd_state *st, const struct xt_overlay *ov,
		  const struct xt_overlay_spec *o);
/* The ports of a running overlay that forwards made o's (o->n_forward > 0). */
int xt_fwd_set(const struct xt_overlay *ov, const struct xt_overlay_spec *o);
void xt_fwd_rollback(struct xt_fwd_state *st, const struct xt_overlay *ov);
void xt_fwd_state_free(struct xt_fwd_state *st);
int xt_fwd_detach(const struct xt_overlay *ov);
int xt_fwd_detach_prog(uint32_t prog_id);
int xt_fwd_reload(const struct xt_overlay *ov);
int xt_fwd_ports(const struct xt_overlay *ov, uint32_t *ports, int max, int *n);
int xt_fwd_port_names(const struct xt_overlay *ov, char (*names)[IF_NAMESIZE], int max, int *n);

#endif
