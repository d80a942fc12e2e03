/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The xtunnel command: shared by the subcommand files. */
#ifndef XT_CLI_H
#define XT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "xtunnel.h"

#define EXIT_USAGE 2

struct cli {
	bool json;
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;
	const char *description;
};

/* One-line errors to stderr: "xtunnel: <what>: <why>". Both return the exit status. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail(const char *what);
bool cli_is_help(int argc, char **argv);
int cli_print_usage(const char *usage);

/* Keyword arguments: returns the value of argv[*i] (advancing *i) or NULL if missing. */
const char *cli_value(int argc, char **argv, int *i);

/* Argument parsers: 0, or the exit status of a usage error (already reported). */
int attach_parse(int argc, char **argv, struct xt_attach_opts *o);
int peer_parse(int argc, char **argv, struct xt_peer_opts *o);

int cmd_attach(struct cli *cli, int argc, char **argv);
int cmd_detach(struct cli *cli, int argc, char **argv);
int cmd_peer(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_reload(struct cli *cli, int argc, char **argv);
int cmd_batch(struct cli *cli, int argc, char **argv);

/* Runs one command line (argv[0] is the command); returns its exit status. */
int cli_run(struct cli *cli, int argc, char **argv);

extern const char attach_usage[], detach_usage[], peer_usage[], show_usage[], reload_usage[],
	batch_usage[];

/* output.c: the one place that formats state, for humans and as JSON. */
json_object *xt_json_overlays(const struct xt_overlay_info *ovs, int n);
void xt_print_overlays(FILE *f, const struct xt_overlay_info *ovs, int n);

#endif
