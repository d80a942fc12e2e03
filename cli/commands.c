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
	{ "up", cmd_up, up_usage, "make the overlay a config file describes" },
	{ "down", cmd_down, down_usage, "remove the overlay a config file describes" },
	{ "save", cmd_save, save_usage, "print a running overlay as a config file" },
	{ "sync", cmd_sync, sync_usage, "change a running overlay to what its file says" },
	{ "trace", cmd_trace, trace_usage, "show packets as the data path handles them, live" },
	{ "stats", cmd_stats, stats_usage, "show counters and their rates, every interval" },
	{ "metrics", cmd_metrics, metrics_usage, "serve the counters to Prometheus over HTTP" },
	{ "doctor", cmd_doctor, doctor_usage,
	  "check an overlay and the host around it, with fixes" },
	{ "agent", cmd_agent, agent_usage,
	  "keep the peers what etcd's fleet says (docs/fleet.md)" },
	{ "help", cmd_help, "xtunnel help [COMMAND]", "show this help, or a command's usage" },
	/* For the shell's completion (packaging/xtunnel.bash-completion); not for people. */
	{ "__complete", cmd_complete, "xtunnel __complete [WORD]...", NULL },
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
		if (commands[i].description)
			printf("  %-8s %s\n", commands[i].name, commands[i].description);
	printf("\n'xtunnel COMMAND help' shows the usage of COMMAND; man 8 xtunnel has it all.\n");
	return 0;
}

const struct cli_command *cli_command_named(const char *name)
{
	return cli_find(commands, N_COMMANDS, name);
}

/* Commands made of verbs, each with a table of its own. */
static const struct cli_verbs *const verb_tables[] = { &peer_verbs, &fdb_verbs, &neigh_verbs };

const struct cli_command *cli_verbs(const struct cli_command *c, size_t *n)
{
	size_t i;

	for (i = 0; i < sizeof(verb_tables) / sizeof(verb_tables[0]); i++)
		if (!strcmp(c->name, verb_tables[i]->command)) {
			*n = verb_tables[i]->n;
			return verb_tables[i]->table;
		}
	return NULL;
}

void cli_print_command_names(void)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (commands[i].description)
			printf("%s\n", commands[i].name);
}

int cli_run(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *c = cli_find(commands, N_COMMANDS, argv[0]);

	if (c)
		return c->run(cli, argc, argv);
	fprintf(stderr, "xtunnel: unknown command '%s' (try 'xtunnel help')\n", argv[0]);
	return EXIT_USAGE;
}
