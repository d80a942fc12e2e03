// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xtunnel batch FILE|-: one command per line, as `ip -batch` does, in one process, so that
 * many changes cost no process start each. Blank lines and lines starting with '#' are
 * skipped. Stops at the first failing line, names it, and exits with its status; the
 * lines before it stay applied (each command is whole on its own, never half-applied).
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

#define BATCH_MAX_ARGS 64

const char batch_usage[] = "xtunnel batch FILE|-";

int cmd_batch(struct cli *cli, int argc, char **argv)
{
	char line[4096], *args[BATCH_MAX_ARGS], *tok, *save;
	unsigned long lineno = 0;
	FILE *f;
	int status = 0, n;

	if (cli_is_help(argc, argv))
		return cli_print_usage(batch_usage);
	if (argc != 2)
		return cli_usage_error(batch_usage, "batch: needs one FILE (or - for stdin)");
	f = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!f) {
		fprintf(stderr, "xtunnel: batch: %s: ", argv[1]);
		perror(NULL);
		return 1;
	}
	while (!status && fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "xtunnel: batch line %lu: longer than %zu characters\n",
				lineno, sizeof(line) - 1);
			status = EXIT_USAGE;
			break;
		}
		n = 0;
		for (tok = strtok_r(line, " \t\r\n", &save); tok && n < BATCH_MAX_ARGS;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			args[n++] = tok;
		if (n == 0 || args[0][0] == '#')
			continue;
		if (!strcmp(args[0], "batch")) {
			fprintf(stderr, "xtunnel: batch line %lu: batch cannot nest\n", lineno);
			status = EXIT_USAGE;
			break;
		}
		status = cli_run(cli, n, args);
		if (status)
			fprintf(stderr, "xtunnel: batch: stopped at line %lu of %s\n", lineno,
				argv[1]);
	}
	if (f != stdin)
		fclose(f);
	return status;
}
