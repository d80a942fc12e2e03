// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xtunnel batch FILE|-: one command per line, as `ip -batch` does, in one process, so that
 * many changes cost no process start each, and under the lock from the first line to the
 * last, so that the library keeps what it read of the peers and routes from one command to
 * the next (xt_batch_begin). A word that starts with '#' begins a comment, to the end of
 * the line, as in the shell (peer names cannot hold '#'; a device whose name starts with
 * one cannot be named here). Blank lines and comments are skipped. Stops at the first
 * failing line, names it, and exits with its status; the lines before it stay applied
 * (each command is whole on its own, never half-applied).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"

#define BATCH_LINE_MAX 4096
/* Every word of a line, however many: words are separated, so a line of BATCH_LINE_MAX
 * characters has at most half as many. Nothing is ever cut off. */
#define BATCH_MAX_ARGS (BATCH_LINE_MAX / 2 + 1)

const char batch_usage[] = "xtunnel batch FILE|-";

/* fopen opens a directory for reading, and the first read fails: say so before that. */
static bool is_directory(FILE *f)
{
	struct stat st;

	return fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
}

int cmd_batch(struct cli *cli, int argc, char **argv)
{
	static char *args[BATCH_MAX_ARGS];
	char line[BATCH_LINE_MAX], *tok, *save;
	unsigned long lineno = 0;
	FILE *f;
	int status = 0, n;

	if (cli_is_help(argc, argv))
		return cli_print_usage(batch_usage);
	if (argc != 2)
		return cli_usage_error(batch_usage, "batch: needs one FILE (or - for stdin)");
	f = strcmp(argv[1], "-") ? fopen(argv[1], "re") : stdin;
	/* A FILE that cannot be read is the request's fault, as any other bad argument. */
	if (!f) {
		fprintf(stderr, "xtunnel: batch: %s: %s\n", argv[1], strerror(errno));
		return EXIT_USAGE;
	}
	if (is_directory(f)) {
		fprintf(stderr, "xtunnel: batch: %s: %s\n", argv[1], strerror(EISDIR));
		fclose(f);
		return EXIT_USAGE;
	}
	if (xt_batch_begin()) {
		if (f != stdin)
			fclose(f);
		return cli_fail("batch");
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
		for (tok = strtok_r(line, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (tok[0] == '#')
				break;
			if (n == BATCH_MAX_ARGS - 1) { /* cannot happen: see BATCH_MAX_ARGS */
				fprintf(stderr, "xtunnel: batch line %lu: more than %d words\n",
					lineno, BATCH_MAX_ARGS - 1);
				status = EXIT_USAGE;
				break;
			}
			args[n++] = tok;
		}
		if (status)
			break;
		args[n] = NULL;
		if (n == 0)
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
	if (!status && ferror(f)) {
		fprintf(stderr, "xtunnel: batch: reading %s: %s\n", argv[1], strerror(errno));
		status = 1;
	}
	xt_batch_end();
	if (f != stdin)
		fclose(f);
	return status;
}
