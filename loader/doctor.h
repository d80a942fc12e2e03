/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * doctor's pieces (doctor.c, doctor_net.c): the list of findings, what the checks of one
 * overlay read, and the checks of the host's network around the overlay (forwarding,
 * rp_filter, routes; an L2 overlay's bridge), which doctor_net.c holds.
 */
#ifndef XT_DOCTOR_H
#define XT_DOCTOR_H

#include <net/if.h>
#include "netlink.h"
#include "overlay.h"
#include "xtunnel.h"

struct findings {
	struct xt_finding *list;
	int n, cap;
	bool no_memory; /* a finding could not be had: the list is short of it */
};

/* What the checks of one overlay read. */
struct patient {
	const struct xt_overlay_state *st;
	struct xt_overlay ov;
	char uplink[IF_NAMESIZE];
	int uplink_ifindex; /* 0: gone */
	char hidden[IF_NAMESIZE];
	struct xt_nl_route *others; /* main-table routes not by the overlay device */
	int n_others;
};

/* A new finding of check for dev, ok until said otherwise; NULL without memory. */
struct xt_finding *xt_doctor_finding(struct findings *fs, enum xt_doctor_check check,
				     const char *dev);
/* What was found, with its status; and what to do about it. */
void xt_doctor_say(struct xt_finding *f, enum xt_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void xt_doctor_fix(struct xt_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* doctor_net.c */
void xt_doctor_check_forwarding(struct findings *fs, const struct patient *p);
void xt_doctor_check_rp_filter(struct findings *fs, const struct patient *p);
void xt_doctor_check_routes(struct findings *fs, const struct patient *p);
void xt_doctor_check_bridge(struct findings *fs, const struct patient *p);

#endif
