// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel peer add|set|del: a table of verbs, as the command table is one of commands. */
#include <string.h>
#include "cli.h"

#define PEER_ADD_USAGE                                                                             \
	"xtunnel peer add NAME endpoint ENDPOINT [allowed-ips CIDR[,CIDR...]] [flood on|off]\n"    \
	"                 [udp6-zero-csum on|off] [move] [dev NAME]"
#define PEER_SET_USAGE                                                                             \
	"xtunnel peer set NAME [endpoint ENDPOINT] [allowed-ips CIDR[,CIDR...]] [flood on|off]\n"  \
	"                 [udp6-zero-csum on|off] [move] [dev NAME]"
#define PEER_DEL_USAGE "xtunnel peer del NAME [dev NAME]"
/* ENDPOINT: A.B.C.D[:PORT], [IPV6][:PORT] or a bare IPV6 (see xt_parse_endpoint). */
#define PEER_FORMS                                                                                 \
	"ENDPOINT := A.B.C.D[:PORT] | [IPV6][:PORT] | IPV6; CIDR is IPv4 or IPv6\n"                \
	"allowed-ips: an L3 overlay's peers (needed to add one); flood: an L2 overlay's (on)\n"    \
	"udp6-zero-csum: outer UDP checksum 0, VXLAN and GENEVE over IPv6 (off; see xtunnel(8))"

const char peer_usage[] =
	PEER_ADD_USAGE "\n       " PEER_SET_USAGE "\n       " PEER_DEL_USAGE "\n" PEER_FORMS;
static const char peer_add_usage[] = PEER_ADD_USAGE "\n" PEER_FORMS;
static const char peer_set_usage[] = PEER_SET_USAGE "\n" PEER_FORMS;
static const char peer_del_usage[] = PEER_DEL_USAGE;

static int peer_add(struct cli *cli, int argc, char **argv);
static int peer_set(struct cli *cli, int argc, char **argv);
static int peer_del(struct cli *cli, int argc, char **argv);

static const struct cli_command peer_commands[] = {
	{ "add", peer_add, peer_add_usage, "add a peer" },
	{ "set", peer_set, peer_set_usage,
	  "change a peer's endpoint, allowed-ips, flood or udp6-zero-csum" },
	{ "del", peer_del, peer_del_usage, "remove a peer" },
};

#define N_PEER_COMMANDS (sizeof(peer_commands) / sizeof(peer_commands[0]))

const struct cli_verbs peer_verbs = { "peer", peer_commands, N_PEER_COMMANDS, peer_usage };

/* Replaces the allowed-ips of a with the list s; 0 or a usage error. */
static int allowed_parse(const char *usage, const char *s, struct peer_args *a)
{
	struct xt_prefix list[XT_MAX_ALLOWED];
	int n, i;

	if (xt_parse_prefix_list(s, list, XT_MAX_ALLOWED, &n))
		return cli_usage_error(usage, "allowed-ips: %s", xt_errmsg());
	xt_peer_spec_free(&a->peer);
	for (i = 0; i < n; i++)
		if (xt_peer_spec_allow(&a->peer, &list[i]))
			return cli_usage_error(usage, "allowed-ips: %s", xt_errmsg());
	a->peer.has |= XT_PEER_ALLOWED;
	return 0;
}

/* argv[0] is the verb. Returns 0 or an exit status (usage error); free a->peer either way. */
int peer_parse(int argc, char **argv, struct peer_args *a)
{
	const char *verb = argv[0];
	const struct cli_command *c = cli_find(peer_commands, N_PEER_COMMANDS, verb);
	const char *usage = c ? c->usage : peer_usage;
	bool del = !strcmp(verb, "del");
	int i, err;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return cli_usage_error(usage, "peer %s: missing NAME", verb);
	a->name = argv[1];
	/* A peer to add or set is described by its name, which must fit (a peer to remove is
	 * only looked for). */
	if (!del) {
		if (xt_peer_name_check(a->name))
			return cli_usage_error(usage, "peer %s: %s", verb, xt_errmsg());
		snprintf(a->peer.name, sizeof(a->peer.name), "%s", a->name);
	}
	for (i = 2; i < argc; i++) {
		const char *key = argv[i], *val;

		if (!strcmp(key, "move") && !del) {
			a->flags |= XT_PEER_MOVE;
			continue;
		}
		val = cli_value(argc, argv, &i);
		if (!val)
			return cli_usage_error(usage, "peer %s: '%s' needs a value", verb, key);
		if (!strcmp(key, "dev")) {
			a->dev = val;
		} else if (!strcmp(key, "endpoint") && !del) {
			if (xt_parse_endpoint(val, &a->peer.endpoint, &a->peer.port))
				return cli_usage_error(usage, "endpoint: %s", xt_errmsg());
			a->peer.has |= XT_PEER_ENDPOINT;
		} else if (!strcmp(key, "allowed-ips") && !del) {
			err = allowed_parse(usage, val, a);
			if (err)
				return err;
		} else if (!strcmp(key, "flood") && !del) {
			if (strcmp(val, "on") && strcmp(val, "off"))
				return cli_usage_error(usage, "flood: '%s' is not on or off", val);
			a->peer.flood = !strcmp(val, "on");
			a->peer.has |= XT_PEER_FLOOD;
		} else if (!strcmp(key, "udp6-zero-csum") && !del) {
			if (strcmp(val, "on") && strcmp(val, "off"))
				return cli_usage_error(
					usage, "udp6-zero-csum: '%s' is not on or off", val);
			a->peer.udp6_zero_csum = !strcmp(val, "on");
			a->peer.has |= XT_PEER_UDP6_ZERO_CSUM;
		} else {
			return cli_usage_error(usage, "peer %s: unknown argument '%s'", verb, key);
		}
	}
	/* Whether allowed-ips are needed is the overlay's kind to say (the library does). */
	if (!strcmp(verb, "add") && !(a->peer.has & XT_PEER_ENDPOINT))
		return cli_usage_error(usage, "peer add: needs endpoint");
	if (!strcmp(verb, "set") && !(a->peer.has & (XT_PEER_ENDPOINT | XT_PEER_ALLOWED |
						     XT_PEER_FLOOD | XT_PEER_UDP6_ZERO_CSUM)))
		return cli_usage_error(
			usage, "peer set: needs endpoint, allowed-ips, flood or udp6-zero-csum");
	return 0;
}

/* A verb: its usage, or what its arguments ask done by op (0 or -errno). */
static int peer_run(int argc, char **argv, int (*op)(const struct peer_args *a))
{
	const struct cli_command *c = cli_find(peer_commands, N_PEER_COMMANDS, argv[0]);
	struct peer_args a;
	char what[16];
	int status;

	status = peer_parse(argc, argv, &a);
	snprintf(what, sizeof(what), "peer %s", c->name);
	if (!status && op(&a))
		status = cli_fail(what);
	xt_peer_spec_free(&a.peer);
	return status;
}

static int op_add(const struct peer_args *a)
{
	return xt_peer_add(a->dev, &a->peer, a->flags);
}

static int op_set(const struct peer_args *a)
{
	return xt_peer_set(a->dev, &a->peer, a->flags);
}

static int op_del(const struct peer_args *a)
{
	return xt_peer_del(a->dev, a->name);
}

static int peer_add(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return peer_run(argc, argv, op_add);
}

static int peer_set(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return peer_run(argc, argv, op_set);
}

static int peer_del(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	return peer_run(argc, argv, op_del);
}

int cmd_peer(struct cli *cli, int argc, char **argv)
{
	return cli_run_verbs(cli, &peer_verbs, argc, argv);
}
