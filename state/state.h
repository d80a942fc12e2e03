/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The desired state of an overlay and the one reconciler that makes it so. A config file
 * (`up`, `sync`), and the fleet agent (etcd) each describe the same thing: an overlay's
 * settings and its peers, in the model of loader/xtunnel.h. xt_reconcile reads what runs
 * through the loader, computes the difference, and applies the least change: unchanged
 * peers are not touched (their map entries, counters and flows stay), changed peers are
 * changed in place (never deleted and added again). This room sits above loader/ and uses
 * only its public API (loader/xtunnel.h).
 */
#ifndef XT_STATE_H
#define XT_STATE_H

#include "xtunnel.h"

/* One overlay as it should be. */
struct xt_desired {
	struct xt_overlay_spec overlay;
	struct xt_peer_spec *peers;
	int n_peers;
};

/* What xt_reconcile may do. */
enum xt_reconcile_flags {
	XT_RECONCILE_CREATE = 1u << 0,	   /* attach the overlay if it does not run (up) */
	XT_RECONCILE_PEERS_ONLY = 1u << 1, /* leave the overlay's settings alone (the agent) */
	XT_RECONCILE_DRY_RUN = 1u << 2,	   /* compute and report, change nothing */
	/* Only peers carrying XT_PEER_F_MANAGED are the reconciler's: others are left as they
	 * are (the agent, next to peers an operator added by hand). */
	XT_RECONCILE_MANAGED_ONLY = 1u << 3,
};

/* What xt_reconcile did (or, dry, would do). */
struct xt_reconcile_result {
	bool created;	/* the overlay was attached */
	int settings;	/* overlay settings changed live */
	int added, changed, removed, unchanged; /* peers */
};

/*
 * Makes overlay want->overlay.dev look like want. The whole request is checked before
 * anything is applied; settings that cannot change on a running overlay are refused
 * naming them (an input error). If applying fails half-way, what was applied is undone
 * and the error says so. 0 or -errno, with xt_errmsg() as everywhere in the library.
 */
int xt_reconcile(const struct xt_desired *want, unsigned int flags,
		 struct xt_reconcile_result *result);

void xt_desired_free(struct xt_desired *d);

#endif /* XT_STATE_H */
