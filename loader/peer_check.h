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
/* Flags xtunnel knows (XT_PEER_F_*), and that mean something on this overlay:
 * udp6-zero-csum only on VXLAN and GENEVE over IPv6, L3 overlays. */
int xt_peer_check_flags(const struct xt_overlay *ov, uint16_t flags);
/* The flags word o asks for, of a peer whose flags are now `now` (0: a new peer): the
 * whole word if given (XT_PEER_FLAGS), with udp6_zero_csum over it if that is given. */
uint16_t xt_peer_flags_wanted(const struct xt_peer_spec *o, uint16_t now);
/* A new peer o: its name and its endpoint no other peer's, and a free id for it (*id). */
int xt_peer_check_new(struct xt_view *v, const struct xt_peer_spec *o, uint32_t *id);
/* The allowed-ips of o, for peer self_id (-1: a new peer): IPv6 prefixes the overlay can
 * carry, none of this host's overlay addresses, no other peer's (unless move) or other
 * overlay's, and room in the route table. */
int xt_peer_check_allowed(struct xt_view *v, const struct xt_peer_spec *o, bool move, int self_id);

#endif
