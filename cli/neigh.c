// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel neigh show|add|del: an L2 overlay's neighbour table, which ARP and ND
 * suppression answer from. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define NEIGH_SHOW_USAGE "xtunnel neigh show [dev NAME] [-j|--json] [-p|--pretty]"
#define NEIGH_ADD_USAGE "xtunnel neigh add IP MAC [dev NAME]"
#define NEIGH_DEL_USAGE "xtunnel neigh del IP [dev NAME]"

const char neigh_usage[] = NEIGH_SHOW_USAGE "\n       " NEIGH_ADD_USAGE "\n       " NEIGH_DEL_USAGE;

static int neigh_show(struct cli *cli, int argc, char **argv);
static int neigh_add(struct cli *cli, int argc, char **argv);
static int neigh_del(struct cli *cli, int argc, char **argv);

static const struct cli_command neigh_commands[] = {
	{ "show", neigh_show, NEIGH_SHOW_USAGE, "the learned and static entries" },
	{ "add", neigh_add, NEIGH_ADD_USAGE, "a static entry: IP is at MAC" },
	{ "del", neigh_del, NEIGH_DEL_USAGE, "remove an entry, learned or static" },
};

const struct cli_verbs neigh_verbs = { "neigh", neigh_commands,
				       sizeof(neigh_commands) / sizeof(neigh_commands[0]),
				       neigh_usage };

static int neigh_show(struct cli *cli, int argc, char **argv)
{
	struct xt_neigh_entry *e = NULL;
	const char *dev = NULL;
	int i, n;

	for (i = 1; i < argc; i++) {
		if (cli_output_option(cli, argv[i]))
			continue;
		if (!strcmp(argv[i], "dev") && i + 1 < argc && !dev)
			dev = argv[++i];
		else
			return cli_usage_error(NEIGH_SHOW_USAGE, "neigh show: unexpected '%s'",
					       argv[i]);
	}
	if (xt_neigh_list(dev, &e, &n))
		return cli_fail("neigh show");
	output_neigh(cli, stdout, e, n);
	free(e);
	return 0;
}

/* IP [MAC] [dev NAME] after the verb; MAC only for add. 0 or a usage error. */
static int neigh_args(int argc, char **argv, bool add, struct xt_ip *ip, uint8_t mac[6],
		      const char **dev)
{
	const char *usage = add ? NEIGH_ADD_USAGE : NEIGH_DEL_USAGE, *verb = argv[0];
	int i = add ? 3 : 2;

	*dev = NULL;
	if (argc < i)
		return cli_usage_error(usage, "neigh %s: missing %s", verb,
				       argc < 2 ? "IP" : "MAC");
	if (xt_parse_ip(argv[1], ip))
		return cli_usage_error(usage, "neigh %s: %s", verb, xt_errmsg());
	if (add && xt_parse_mac(argv[2], mac))
		return cli_usage_error(usage, "neigh %s: %s", verb, xt_errmsg());
	for (; i < argc; i++) {
		const char *key = argv[i], *val = cli_value(argc, argv, &i);

		if (!val)
			return cli_usage_error(usage, "neigh %s: '%s' needs a value", verb, key);
		if (strcmp(key, "dev"))
			return cli_usage_error(usage, "neigh %s: unknown argument '%s'", verb, key);
		*dev = val;
	}
	return 0;
}

static int neigh_add(struct cli *cli, int argc, char **argv)
{
	const char *dev;
	struct xt_ip ip;
	uint8_t mac[6];
	int status;

	(void)cli;
	status = neigh_args(argc, argv, true, &ip, mac, &dev);
	if (!status && xt_neigh_add(dev, &ip, mac))
		status = cli_fail("neigh add");
	return status;
}

static int neigh_del(struct cli *cli, int argc, char **argv)
{
	const char *dev;
	struct xt_ip ip;
	uint8_t mac[6];
	int status;

	(void)cli;
	status = neigh_args(argc, argv, false, &ip, mac, &dev);
	if (!status && xt_neigh_del(dev, &ip))
		status = cli_fail("neigh del");
	return status;
}

int cmd_neigh(struct cli *cli, int argc, char **argv)
{
	return cli_run_verbs(cli, &neigh_verbs, argc, argv);
}
