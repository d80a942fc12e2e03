/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What an overlay spec asks for (spec.c). */
#ifndef XT_SPEC_H
#define XT_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include "xtunnel.h"

/*
 * The configuration an overlay spec asks for: *complete is the spec with the default of
 * every field it leaves out (`has` as given), checked; *cfg what the programs get of it
 * (all but the overlay's own devices, which do not exist yet), with the local address
 * found on the uplink when none is given; *mtu the overlay device's. flags: xt_attach's. The uplink
 * and the overlays already there are read; nothing is changed. 0 or an error for xt_errmsg().
 */
int xt_spec_config(const struct xt_overlay_spec *spec, unsigned int flags,
		   struct xt_overlay_spec *complete, struct xt_config *cfg, uint32_t *mtu);
/* The spec has an IPv6 address for the overlay device. */
bool xt_spec_has_ipv6(const struct xt_overlay_spec *o);

#endif
