/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the reconciler (state.h): the checks of a state as it will be (check.c) and the
 * plan of the steps that make it (plan.c). Both are pure: they read what runs and what is
 * wanted, as the loader describes them, and touch nothing, so that the tests run them
 * without a kernel. reconcile.c reads what runs, and applies a plan.
 */
#ifndef XT_STATE_PLAN_H
#define XT_STATE_PLAN_H

#include "state.h"

/* ---- check.c ---- */

/* A peer that stays as it is while the wanted ones change: on this overlay (an operator's,
 * next to the agent's) or on another one of the host. */
struct xt_fixed_peer {
	const struct xt_peer_spec *spec;
	const char *overlay; /* NULL: this overlay's */
};

/* A state as it will be: the overlay's settings (`has` says which are known), the wanted
 * peers and the ones that stay. */
struct xt_check {
	const struct xt_overlay_spec *overlay;
	const struct xt_peer_spec *peers;
	int n_peers;
	const struct xt_fixed_peer *fixed;
	int n_fixed;
};

/* What xt_desired_check says of a desired state, for a state with peers that stay. */
int xt_check_state(const struct xt_check *c, struct xt_desired_fault *fault);

/* Prefixes in one order: by their bits, then their length (so equal ones are neighbours,
 * and a prefix comes before those it holds). */
int xt_prefix_cmp(const struct xt_prefix *a, const struct xt_prefix *b);
/* a holds b (or is it). */
bool xt_prefix_holds(const struct xt_prefix *a, const struct xt_prefix *b);

/* ---- plan.c ---- */

enum xt_step_kind {
	XT_STEP_SETTINGS, /* xt_overlay_set(settings) */
	XT_STEP_PEER_DEL, /* xt_peer_del(peer.name) */
	XT_STEP_PEER_SET, /* xt_peer_set(peer, flags) */
	XT_STEP_PEER_ADD, /* xt_peer_add(peer, flags) */
};

struct xt_step {
	enum xt_step_kind kind;
	struct xt_peer_spec peer; /* its allowed list is the plan's */
	unsigned int flags;	  /* XT_PEER_MOVE */
	struct xt_overlay_spec settings;
};

struct xt_plan {
	struct xt_step *steps;
	int n_steps;
	uint32_t settings;		   /* the live settings that change */
	struct xt_reconcile_result result; /* what the steps do; its list is the plan's */
};

struct xt_plan_input {
	const struct xt_overlay_state *running; /* NULL: the overlay does not run yet */
	const struct xt_desired *want;
	/* The overlay as it will be, in show's shape (xt_overlay_spec_complete, or what runs
	 * with PEERS_ONLY). */
	const struct xt_overlay_spec *overlay;
	const struct xt_overlay_state *others; /* the host's other overlays */
	int n_others;
	unsigned int flags; /* XT_RECONCILE_* */
};

/*
 * The steps from what runs to what is wanted, in an order in which each loader call finds
 * what it needs: settings that free something first (addresses that go, an MTU that
 * grows), peers that go, peers that lose prefixes (keeping those another peer takes
 * whole), endpoints (one that another peer leaves after it left), peers that gain
 * prefixes, new peers, then the other settings. Every peer then holds a part of what it
 * will hold, or a prefix another peer takes from it in one map update (XT_PEER_MOVE), so
 * no step meets an overlap the final state has not. 0 or an input error: the state as it
 * will be is checked first (xt_check_state), settings that cannot change live are named.
 */
int xt_plan_make(const struct xt_plan_input *in, struct xt_plan *out);
void xt_plan_free(struct xt_plan *plan);

/* The settings where want (complete, in show's shape) and run differ: those an overlay
 * takes live in *live, the others in *fixed. `local` counts only if local_given. */
void xt_settings_diff(const struct xt_overlay_spec *want, const struct xt_overlay_spec *run,
		      bool local_given, uint32_t *live, uint32_t *fixed);

#endif
