// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel peer add|set|del. */
#include <string.h>
#include "cli.h"

/* ENDPOINT: A.B.C.D[:PORT], [IPV6][:PORT] or a bare IPV6 (see xt_parse_endpoint). */
const char peer_usage[] =
	"xtunnel peer add NAME endpoint ENDPOINT allowed-ips CIDR[,CIDR...] [move] [dev NAME]\n"
	"       xtunnel peer set NAME [endpoint ENDPOINT] [allowed-ips CIDR[,CIDR...]] [move] "
	"[dev NAME]\n"
	"       xtunnel peer del NAME [dev NAME]\n"
	"ENDPOINT := A.B.C.D[:PORT] | [IPV6][:PORT] | IPV6; CIDR is IPv4 or IPv6";

/* Returns 0 or an exit status (usage error). */
int peer_parse(int argc, char **argv, struct xt_peer_opts *o)
{
	const char *verb;
	int i;

	memset(o, 0, sizeof(*o));
	if (argc < 2)
		return cli_usage_error(peer_usage, "peer: missing add, set or del");
	verb = argv[1];
	if (strcmp(verb, "add") && strcmp(verb, "set") && strcmp(verb, "del"))
		return cli_usage_error(peer_usage, "peer: unknown command '%s'", verb);
	if (argc < 3)
		return cli_usage_error(peer_usage, "peer %s: missing NAME", verb);
	o->name = argv[2];
	for (i = 3; i < argc; i++) {
		const char *key = argv[i], *val;

		if (!strcmp(key, "move") && strcmp(verb, "del")) {
			o->move = true;
			continue;
		}
		val = cli_value(argc, argv, &i);
		if (!val)
			return cli_usage_error(peer_usage, "peer %s: '%s' needs a value", verb,
					       key);
		if (!strcmp(key, "dev")) {
			o->dev = val;
		} else if (!strcmp(key, "endpoint") && strcmp(verb, "del")) {
			if (xt_parse_endpoint(val, &o->endpoint, &o->port))
				return cli_usage_error(peer_usage, "endpoint: %s", xt_errmsg());
			o->has_endpoint = true;
		} else if (!strcmp(key, "allowed-ips") && strcmp(verb, "del")) {
			if (xt_parse_prefix_list(val, o->allowed, XT_MAX_ALLOWED, &o->n_allowed))
				return cli_usage_error(peer_usage, "allowed-ips: %s", xt_errmsg());
			o->has_allowed = true;
		} else {
			return cli_usage_error(peer_usage, "peer %s: unknown argument '%s'", verb,
					       key);
		}
	}
	if (!strcmp(verb, "add") && (!o->has_endpoint || !o->has_allowed))
		return cli_usage_error(peer_usage, "peer add: needs endpoint and allowed-ips");
	if (!strcmp(verb, "set") && !o->has_endpoint && !o->has_allowed)
		return cli_usage_error(peer_usage, "peer set: needs endpoint or allowed-ips");
	return 0;
}

int cmd_peer(struct cli *cli, int argc, char **argv)
{
	struct xt_peer_opts o;
	int err;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(peer_usage);
	err = peer_parse(argc, argv, &o);
	if (err)
		return err;
	if (!strcmp(argv[1], "add"))
		err = xt_peer_add(&o);
	else if (!strcmp(argv[1], "set"))
		err = xt_peer_set(&o);
	else
		err = xt_peer_del(o.dev, o.name);
	if (err)
		return cli_fail(!strcmp(argv[1], "add")	  ? "peer add"
				: !strcmp(argv[1], "set") ? "peer set"
							  : "peer del");
	return 0;
}
