/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the agent: the nodes of a network as etcd holds them (/xtunnel/NET/nodes/NAME),
 * parsed from their JSON (node.c), and the desired state they make for one host, conflicts
 * settled the same way on every host (fleet.c). Pure: no etcd, no kernel, so the unit tests
 * run them as they are.
 */
#ifndef XT_AGENT_FLEET_H
#define XT_AGENT_FLEET_H

#include "state.h"

/* One node's key. */
struct xt_node {
	char *name;		 /* NAME of .../nodes/NAME */
	char *value;		 /* the JSON as etcd has it (the snapshot keeps it) */
	int64_t create_revision; /* who came first: the lower */
	int64_t lease;
	bool valid; /* else malformed: kept, to be reported once, and skipped */
	struct xt_ip endpoint;
	uint16_t port; /* 0: the network's */
	struct xt_prefix *prefixes;
	int n_prefixes;
	bool reported; /* a fault of this value was logged */
};

/* The nodes of a network, sorted by name. */
struct xt_fleet {
	struct xt_node *nodes;
	int n_nodes, cap;
};

/*
 * A node's value: {"endpoint": "ADDR", "port": N, "prefixes": ["CIDR", ...]}, endpoint
 * required, port and prefixes optional; other fields are ignored (a newer agent may add
 * some). 0, or -EINVAL and why (in words, for the log) in why.
 */
int xt_node_parse(const char *name, const char *json, struct xt_node *node, char *why, size_t len);
/* The network's /xtunnel/NET/config: {"encap", "vni", "port", "mtu", "key"}, each into
 * spec as attach takes it (xt_setting_parse). 0 or -EINVAL and why. */
int xt_network_config_parse(const char *json, struct xt_overlay_spec *spec, char *why, size_t len);

/* Sets node NAME to value (parsed; a malformed one is kept as such) or removes it. */
int xt_fleet_put(struct xt_fleet *f, const char *name, const char *value, int64_t create_revision,
		 int64_t lease);
void xt_fleet_del(struct xt_fleet *f, const char *name);
struct xt_node *xt_fleet_find(struct xt_fleet *f, const char *name);
void xt_fleet_clear(struct xt_fleet *f);

/*
 * The peers this host (node self) wants on overlay ov: every other valid node, with its
 * prefixes as allowed-ips, but what conflicts, settled by who wrote first (the lower
 * create_revision): a prefix that overlaps an earlier node's is left out of the later one
 * (the node keeps its others), as is a node whose endpoint an earlier one has; then what
 * the overlay refuses (a prefix that holds one of its addresses). Each conflict is handed
 * to log once per value of the node at fault ("node KEY: prefix P clashes with node KEY2
 * ..."), where KEY is key_prefix and the node's name.
 * out->overlay is ov. 0, or -ENOMEM.
 */
int xt_fleet_desired(struct xt_fleet *f, const char *self, const struct xt_overlay_spec *ov,
		     const char *key_prefix, void (*log)(const char *msg), struct xt_desired *out);

#endif
