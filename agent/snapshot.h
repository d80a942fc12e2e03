/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent's last known view of its network, in a file (STATE_DIR/agent-NET.json), so that
 * a restarted agent programs the last known peers before etcd answers, and takes up the
 * lease of its previous run if that lease still lives.
 */
#ifndef XT_AGENT_SNAPSHOT_H
#define XT_AGENT_SNAPSHOT_H

#include "fleet.h"

struct xt_snapshot {
	int64_t revision;
	int64_t lease; /* this agent's, 0 if none */
	char *config;  /* the config key's value, NULL if none */
	struct xt_fleet fleet;
};

/* Written whole to a temporary file, then renamed over path: a crash leaves the old one. */
int xt_snapshot_write(const char *path, const struct xt_snapshot *s);
/* 0, -ENOENT when there is none (no message), or an error. */
int xt_snapshot_read(const char *path, struct xt_snapshot *s);
void xt_snapshot_free(struct xt_snapshot *s);

#endif
