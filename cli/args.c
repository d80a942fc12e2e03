// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Helpers every subcommand uses to read its arguments and report errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("xtunnel: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: %s\n", usage);
	return EXIT_USAGE;
}

int cli_fail(const char *what)
{
	fprintf(stderr, "xtunnel: %s: %s\n", what, xt_errmsg());
	return xt_err_is_input() ? EXIT_USAGE : 1;
}

bool cli_is_help(int argc, char **argv)
{
	return argc >= 2 &&
	       (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

int cli_print_usage(const char *usage)
{
	printf("Usage: %s\n", usage);
	return 0;
}

const char *cli_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

const struct cli_command *cli_find(const struct cli_command *table, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(name, table[i].name))
			return &table[i];
	return NULL;
}

int cli_run_verbs(struct cli *cli, const struct cli_verbs *v, int argc, char **argv)
{
	const struct cli_command *c;
	char names[64] = "";
	size_t i;

	if (cli_is_help(argc, argv))
		return cli_print_usage(v->usage);
	if (argc < 2) {
		/* "add, set or del", from the table. */
		for (i = 0; i < v->n; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 !i		? ""
				 : i + 1 < v->n ? ", "
						: " or ",
				 v->table[i].name);
		return cli_usage_error(v->usage, "%s: missing %s", v->command, names);
	}
	c = cli_find(v->table, v->n, argv[1]);
	if (!c)
		return cli_usage_error(v->usage, "%s: unknown command '%s'", v->command, argv[1]);
	/* VERB help and nothing more: `peer del help dev xt0` still names a peer "help". */
	if (argc == 3 && cli_is_help(argc - 1, argv + 1))
		return cli_print_usage(c->usage);
	return c->run(cli, argc - 1, argv + 1);
}

bool cli_output_option(struct cli *cli, const char *arg)
{
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		cli->json = true;
		return true;
	}
	/* As bpftool's -p: pretty-printed JSON, so -j may be left out. */
	if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty")) {
		cli->json = cli->pretty = true;
		return true;
	}
	return false;
}

int cli_overlay_arg(struct cli *output, int argc, char **argv, const char *usage, const char **dev)
{
	int i;

	*dev = NULL;
	for (i = 1; i < argc; i++) {
		if (output && cli_output_option(output, argv[i]))
			continue;
		if (!*dev && !strcmp(argv[i], "dev") && i + 1 < argc)
			*dev = argv[++i];
		else if (!*dev && argv[i][0] != '-')
			*dev = argv[i];
		else
			return cli_usage_error(usage, "%s: unexpected '%s'", argv[0], argv[i]);
	}
	return 0;
}

int cli_conf_load(const char *what, const char *arg, struct xt_desired *want)
{
	char path[4096];
	int err;

	if (xt_conf_path(arg, path, sizeof(path)))
		return cli_fail(what);
	err = xt_conf_read(path, want);
	if (err == -ENOENT) {
		fprintf(stderr, "xtunnel: %s: %s: no such file\n", what, path);
		return EXIT_USAGE;
	}
	return err ? cli_fail(what) : 0;
}
