/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The checks of a peer request against the overlay's view (peer_check.c). */
#ifndef XT_PEER_CHECK_H
#define XT_PEER_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include "view.h"

/* The endpoint must be reachable the way this overlay sends: same underlay family, and a
 * port only where the encapsulation has one (UDP); never the overlay's own address. */
int xt_peer_check_endpoint(const struct xt_overlay *ov, const struct xt_ip *ep, uint16_t port);
/* The allowed-ips of o, for peer self_id (-1: a new peer): IPv6 prefixes the overlay can
 * carry, none of this host's overlay addresses, no other peer's (unless move) or other
 * overlay's, and room in the route table. */
/* Flags xtunnel knows (XT_PEER_F_*). */
int xt_peer_check_flags(uint16_t flags);
int xt_peer_check_allowed(struct xt_view *v, const struct xt_peer_spec *o, bool move, int self_id);

#endif
