// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel: dispatch to one subcommand; no argument means `show`. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct cli_command commands[] = {
	{ "attach", cmd_attach, attach_usage, "create an overlay on an uplink" },
	{ "detach", cmd_detach, detach_usage, "remove an overlay and everything attach made" },
	{ "peer", cmd_peer, peer_usage, "add, change or remove a peer" },
	{ "show", cmd_show, show_usage, "show overlays, peers and counters" },
	{ "help", cmd_help, "xtunnel help [COMMAND]", "show this help, or a command's usage" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	size_t i;

	(void)cli;
	for (i = 0; argc > 1 && i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return cli_print_usage(commands[i].usage);
	printf("Usage: xtunnel [-j|--json] COMMAND [ARGS...]\n"
	       "       xtunnel --version\n\n"
	       "An overlay tunnel (VXLAN) whose data path runs in eBPF.\n\n"
	       "Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		printf("  %-8s %s\n", commands[i].name, commands[i].description);
	printf("\n'xtunnel COMMAND help' shows the usage of COMMAND; man 8 xtunnel has it all.\n");
	return 0;
}

static void print_warning(const char *msg)
{
	fprintf(stderr, "xtunnel: warning: %s\n", msg);
}

int main(int argc, char **argv)
{
	struct cli cli = {};
	char *show_argv[] = { "show", NULL };
	size_t i;

	xt_set_warn(print_warning);
	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			cli.json = true;
		} else if (!strcmp(argv[0], "--version") || !strcmp(argv[0], "-V")) {
			printf("xtunnel %s\n", XT_VERSION);
			return 0;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			return cmd_help(&cli, 0, NULL);
		} else {
			fprintf(stderr, "xtunnel: unknown option '%s' (try 'xtunnel help')\n",
				argv[0]);
			return EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc == 0)
		return cmd_show(&cli, 1, show_argv);
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(&cli, argc, argv);
	fprintf(stderr, "xtunnel: unknown command '%s' (try 'xtunnel help')\n", argv[0]);
	return EXIT_USAGE;
}
