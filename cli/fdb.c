// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel fdb show|add|del: an L2 overlay's FDB, verbs from a table as peer's. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

#define FDB_SHOW_USAGE "xtunnel fdb show [dev NAME] [-j|--json] [-p|--pretty]"
#define FDB_ADD_USAGE "xtunnel fdb add MAC peer NAME [dev NAME]"
#define FDB_DEL_USAGE "xtunnel fdb del MAC [dev NAME]"

const char fdb_usage[] = FDB_SHOW_USAGE "\n       " FDB_ADD_USAGE "\n       " FDB_DEL_USAGE;

static int fdb_show(struct cli *cli, int argc, char **argv);
static int fdb_add(struct cli *cli, int argc, char **argv);
static int fdb_del(struct cli *cli, int argc, char **argv);

static const struct cli_command fdb_commands[] = {
	{ "show", fdb_show, FDB_SHOW_USAGE, "the learned and static entries" },
	{ "add", fdb_add, FDB_ADD_USAGE, "a static entry: MAC is behind peer NAME" },
	{ "del", fdb_del, FDB_DEL_USAGE, "remove an entry, learned or static" },
};

const struct cli_verbs fdb_verbs = { "fdb", fdb_commands,
				     sizeof(fdb_commands) / sizeof(fdb_commands[0]), fdb_usage };

static int fdb_show(struct cli *cli, int argc, char **argv)
{
	struct xt_fdb_entry *e = NULL;
	const char *dev = NULL;
	int i, n;

	for (i = 1; i < argc; i++) {
		if (cli_output_option(cli, argv[i]))
			continue;
		if (!strcmp(argv[i], "dev") && i + 1 < argc && !dev)
			dev = argv[++i];
		else
			return cli_usage_error(FDB_SHOW_USAGE, "fdb show: unexpected '%s'",
					       argv[i]);
	}
	if (xt_fdb_list(dev, &e, &n))
		return cli_fail("fdb show");
	output_fdb(cli, stdout, e, n);
	free(e);
	return 0;
}

/* MAC [peer NAME] [dev NAME] after the verb; peer only for add. 0 or a usage error. */
static int fdb_args(int argc, char **argv, bool add, uint8_t mac[6], const char **peer,
		    const char **dev)
{
	const char *usage = add ? FDB_ADD_USAGE : FDB_DEL_USAGE, *verb = argv[0];
	int i;

	*peer = *dev = NULL;
	if (argc < 2)
		return cli_usage_error(usage, "fdb %s: missing MAC", verb);
	if (xt_parse_mac(argv[1], mac))
		return cli_usage_error(usage, "fdb %s: %s", verb, xt_errmsg());
	for (i = 2; i < argc; i++) {
		const char *key = argv[i], *val = cli_value(argc, argv, &i);

		if (!val)
			return cli_usage_error(usage, "fdb %s: '%s' needs a value", verb, key);
		if (!strcmp(key, "dev"))
			*dev = val;
		else if (!strcmp(key, "peer") && add)
			*peer = val;
		else
			return cli_usage_error(usage, "fdb %s: unknown argument '%s'", verb, key);
	}
	if (add && !*peer)
		return cli_usage_error(usage, "fdb add: needs peer NAME");
	return 0;
}

static int fdb_add(struct cli *cli, int argc, char **argv)
{
	const char *peer, *dev;
	uint8_t mac[6];
	int status;

	(void)cli;
	status = fdb_args(argc, argv, true, mac, &peer, &dev);
	if (!status && xt_fdb_add(dev, mac, peer))
		status = cli_fail("fdb add");
	return status;
}

static int fdb_del(struct cli *cli, int argc, char **argv)
{
	const char *peer, *dev;
	uint8_t mac[6];
	int status;

	(void)cli;
	status = fdb_args(argc, argv, false, mac, &peer, &dev);
	if (!status && xt_fdb_del(dev, mac))
		status = cli_fail("fdb del");
	return status;
}

int cmd_fdb(struct cli *cli, int argc, char **argv)
{
	return cli_run_verbs(cli, &fdb_verbs, argc, argv);
}
