// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel: global options, then one command (commands.c); no argument means `show`. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

static void print_warning(const char *msg)
{
	fprintf(stderr, "xtunnel: warning: %s\n", msg);
}

int main(int argc, char **argv)
{
	struct cli cli = {};
	char *show_argv[] = { "show", NULL };

	xt_set_warn(print_warning);
	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (cli_output_option(&cli, argv[0])) {
			/* -j, -p: selected once, for show */
		} else if (!strcmp(argv[0], "--version") || !strcmp(argv[0], "-V")) {
			printf("xtunnel %s\n", XT_VERSION);
			return 0;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			return cli_run(&cli, 1, (char *[]){ "help", NULL });
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
	return cli_run(&cli, argc, argv);
}
