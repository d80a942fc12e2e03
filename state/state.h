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
	struct xt_overlay_spec overlay; /* dev, and (unless PEERS_ONLY) uplink and the rest */
	struct xt_peer_spec *peers;	/* each with an endpoint; allowed-ips may be empty */
	int n_peers;
};

/* What xt_reconcile may do. */
enum xt_reconcile_flags {
	XT_RECONCILE_CREATE = 1u << 0,	   /* attach the overlay if it does not run (up) */
	XT_RECONCILE_PEERS_ONLY = 1u << 1, /* leave the overlay's settings alone (the agent) */
	XT_RECONCILE_DRY_RUN = 1u << 2,	   /* compute and report, change nothing */
	/* Only peers carrying XT_PEER_F_MANAGED are the reconciler's: others are left as they
	 * are (the agent, next to peers an operator added by hand). The wanted peers get the
	 * flag. */
	XT_RECONCILE_MANAGED_ONLY = 1u << 3,
	/* With CREATE: an overlay that runs already is refused, not changed (up, as wg-quick
	 * up refuses an interface that exists: sync is the command that changes one). */
	XT_RECONCILE_NEW = 1u << 4,
};

/* One peer the reconciler adds, changes or removes. */
enum xt_peer_change_op {
	XT_PEER_ADDED,
	XT_PEER_CHANGED,
	XT_PEER_REMOVED,
};

struct xt_peer_change {
	enum xt_peer_change_op op;
	char name[XT_PEER_NAME_LEN];
	uint32_t what; /* XT_PEER_CHANGED: the fields that differ (XT_PEER_*) */
};

/* What xt_reconcile did (or, dry, would do). Free with xt_reconcile_result_free. */
struct xt_reconcile_result {
	bool created;	   /* the overlay was attached */
	bool rolled_back;  /* applying failed and what was applied was undone */
	uint32_t settings; /* the settings changed live (XT_OV_*; the words: xt_setting_name) */
	int added, changed, removed, unchanged; /* peers */
	struct xt_peer_change *peers; /* those removed, then those added or changed, by name */
	int n_peers;
};

/*
 * Makes overlay want->overlay.dev look like want. The whole request is checked before
 * anything is applied, against the peers that stay and the other overlays as well;
 * settings that cannot change on a running overlay are refused naming them (an input
 * error). If applying fails half-way, what was applied is undone (result->rolled_back) and
 * the error says so. Runs as one batch (xt_batch_begin). 0 or -errno, with xt_errmsg() as
 * everywhere in the library; result is filled either way.
 */
int xt_reconcile(const struct xt_desired *want, unsigned int flags,
		 struct xt_reconcile_result *result);
void xt_reconcile_result_free(struct xt_reconcile_result *result);

/* Where xt_desired_check found a desired state wrong. */
enum xt_desired_item {
	XT_ITEM_NAME,
	XT_ITEM_ENDPOINT,
	XT_ITEM_ALLOWED, /* one prefix of allowed-ips */
	XT_ITEM_FLAGS,	 /* a flag the overlay cannot have (udp6-zero-csum) */
};

struct xt_desired_fault {
	int peer; /* index in peers; -1: the overlay's settings */
	enum xt_desired_item item;
	int prefix;	/* XT_ITEM_ALLOWED: index in the peer's allowed */
	int other_peer; /* the peer it clashes with, -1 if none */
	int other_prefix;
};

/*
 * A desired state in itself, before anything runs: peer names valid and unique, endpoints
 * unique and fit for the overlay (family, port) as far as its settings say, allowed-ips
 * that overlap no other peer's, hold none of the overlay's addresses and need no IPv6 the
 * MTU cannot carry. 0, or an input error (xt_errmsg) and, in *fault if not NULL, which
 * item of which peer is wrong (the config parser turns it into a line number).
 */
int xt_desired_check(const struct xt_desired *d, struct xt_desired_fault *fault);

void xt_desired_free(struct xt_desired *d);

#endif /* XT_STATE_H */
