/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * xtunnel agent: one host of a fleet whose membership etcd holds (docs/fleet.md). It
 * attaches the overlay (or adopts the one of that name), publishes its node key under a
 * lease it keeps alive, and makes every other node a peer through the one reconciler
 * (state/state.h). This room sits above loader/ and state/ and uses their public headers.
 */
#ifndef XT_AGENT_H
#define XT_AGENT_H

#include "etcd.h"
#include "state.h"

#define XT_AGENT_STATE_DIR "/var/lib/xtunnel"
#define XT_AGENT_DEFAULT_TTL 10

struct xt_agent_opts {
	const char *etcd;		/* comma-separated URLs */
	const char *network;		/* NET of /xtunnel/NET/ */
	const char *name;		/* NAME of /xtunnel/NET/nodes/NAME: a peer name */
	const char *state_dir;		/* NULL: XT_AGENT_STATE_DIR */
	struct xt_overlay_spec overlay; /* dev, uplink and addresses, from the flags */
	struct xt_prefix *advertise;	/* this host's prefixes */
	int n_advertise;
	bool has_endpoint; /* else the overlay's local address */
	struct xt_ip endpoint;
	int ttl; /* seconds */
	struct etcd_tls tls;
	bool once; /* list, reconcile, exit: no key of its own */
};

/* The network name as a key's part: letters, digits, '.', '_', '-'. 0 or an input error. */
int xt_agent_network_check(const char *network);

/*
 * Runs until SIGTERM or SIGINT (then revokes its lease, so that its node goes at once
 * everywhere), or with once after one reconcile. Says what it does on stderr, one line a
 * thing. 0; an input error (a flag, the name held by another node's live lease) or a
 * system one, with xt_errmsg.
 */
int xt_agent_run(const struct xt_agent_opts *opts);

#endif
