// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The command table: one entry per subcommand, each in its own file. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct cli_command commands[] = {
	{ "attach", cmd_attach, attach_usage, "create an overlay on an uplink" },
	{ "detach", cmd_detach, detach_usage, "remove an overlay and everything attach made" },
	{ "peer", cmd_peer, peer_usage, "add, change or remove a peer" },
	{ "show", cmd_show, show_usage, "show overlays, peers and counters" },
	{ "reload", cmd_reload, reload_usage, "replace the programs, keeping maps and flows" },
	{ "fdb", cmd_fdb, fdb_usage, "an L2 overlay's FDB: show, add or remove entries" },
	{ "neigh", cmd_neigh, neigh_usage, "an L2 overlay's neighbour table (ARP/ND suppression)" },
	{ "batch", cmd_batch, batch_usage, "run commands from a file, one per line" },
	{ "help", cmd_help, "xtunnel help [COMMAND]", "show this help, or a command's usage" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *c = argc > 1 ? cli_find(commands, N_COMMANDS, argv[1]) : NULL;
	size_t i;

	(void)cli;
	if (c)
		return cli_print_usage(c->usage);
	printf("Usage: xtunnel [-j|--json] [-p|--pretty] COMMAND [ARGS...]\n"
	       "       xtunnel --version\n\n"
	       "An overlay tunnel (VXLAN, GENEVE, GRE, IPIP) whose data path runs in eBPF.\n\n"
	       "Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].description);
	printf("\n'xtunnel COMMAND help' shows the usage of COMMAND; man 8 xtunnel has it all.\n");
	return 0;
}

int cli_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *c = cli_find(commands, N_COMMANDS, argv[0]);

	if (c)
		return c->run(cli, argc, argv);
	fprintf(stderr, "xtunnel: unknown command '%s' (try 'xtunnel help')\n", argv[0]);
	return EXIT_USAGE;
}
