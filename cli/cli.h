/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The xtunnel command: shared by the subcommand files. */
#ifndef XT_CLI_H
#define XT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "config.h"
#include "xtunnel.h"

#define EXIT_USAGE 2

/* The global options, selected once: how show prints (output.c). */
struct cli {
	bool json;   /* -j, --json */
	bool pretty; /* -p, --pretty: JSON, indented */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;
	const char *description; /* NULL: hidden from help (and from completion) */
};

/* One-line errors to stderr: "xtunnel: <what>: <why>". Both return the exit status. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail(const char *what);
bool cli_is_help(int argc, char **argv);
int cli_print_usage(const char *usage);
/* The command of that name in a table of n, or NULL. */
const struct cli_command *cli_find(const struct cli_command *table, size_t n, const char *name);
/* -j, --json, -p or --pretty: sets it in cli and returns true; anything else, false. */
bool cli_output_option(struct cli *cli, const char *arg);

/* Keyword arguments: returns the value of argv[*i] (advancing *i) or NULL if missing. */
const char *cli_value(int argc, char **argv, int *i);
/*
 * The overlay a command names after argv[0]: "dev NAME", as the peer commands take it, or
 * NAME alone; with output, -j, -p and their long forms too (show). *dev is NULL when no
 * overlay is named. Returns 0 or the exit status of a usage error (reported).
 */
int cli_overlay_arg(struct cli *output, int argc, char **argv, const char *usage, const char **dev);

/* What a peer command line asks (peer add, set or del). */
struct peer_args {
	const char *dev;	  /* NULL: the only overlay */
	const char *name;	  /* as given */
	struct xt_peer_spec peer; /* add, set: the name and what is given; xt_peer_spec_free */
	unsigned int flags;	  /* XT_PEER_MOVE */
};

/* Argument parsers: 0, or the exit status of a usage error (already reported). argv[0] is
 * the command (attach) or the verb (add, set, del). */
int attach_parse(int argc, char **argv, struct xt_overlay_spec *spec, unsigned int *flags);
int peer_parse(int argc, char **argv, struct peer_args *a);

int cmd_attach(struct cli *cli, int argc, char **argv);
int cmd_detach(struct cli *cli, int argc, char **argv);
int cmd_peer(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_reload(struct cli *cli, int argc, char **argv);
int cmd_batch(struct cli *cli, int argc, char **argv);
int cmd_fdb(struct cli *cli, int argc, char **argv);
int cmd_neigh(struct cli *cli, int argc, char **argv);
int cmd_up(struct cli *cli, int argc, char **argv);
int cmd_down(struct cli *cli, int argc, char **argv);
int cmd_save(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);

/* The config file that FILE or NAME (an argument of up or sync) means, read into *want:
 * 0, or the exit status of an error already reported as "xtunnel: WHAT: ...". */
int cli_conf_load(const char *what, const char *arg, struct xt_desired *want);
int cmd_trace(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_metrics(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);
int cmd_agent(struct cli *cli, int argc, char **argv);

/* Runs one command line (argv[0] is the command); returns its exit status. */
int cli_run(struct cli *cli, int argc, char **argv);
/* The command table's entry of that name, or NULL. */
const struct cli_command *cli_command_named(const char *name);
/* The names of the commands help lists, one a line. */
void cli_print_command_names(void);
/* A command made of verbs (peer, fdb, neigh): one table of them, as commands.c's of
 * commands, which help, completion and cli_run_verbs read. */
struct cli_verbs {
	const char *command;
	const struct cli_command *table;
	size_t n;
	const char *usage; /* the command's, every verb's usage */
};
extern const struct cli_verbs peer_verbs, fdb_verbs, neigh_verbs;
/* Runs the verb argv[1] of v with argv from the verb on: the command's usage for help, the
 * verb's for VERB help, a usage error for a missing or unknown verb. */
int cli_run_verbs(struct cli *cli, const struct cli_verbs *v, int argc, char **argv);
/* The table of verbs of a command that has them, or NULL. */
const struct cli_command *cli_verbs(const struct cli_command *c, size_t *n);
/* xtunnel __complete WORD...: what may follow the words (complete.c). */
int cmd_complete(struct cli *cli, int argc, char **argv);

extern const char attach_usage[], detach_usage[], peer_usage[], show_usage[], reload_usage[],
	batch_usage[], fdb_usage[], neigh_usage[], up_usage[], down_usage[], save_usage[],
	sync_usage[], trace_usage[], stats_usage[], metrics_usage[], doctor_usage[], agent_usage[];

/* output.c: the one place that formats state, for humans and as JSON. */
/* A name the kernel gave (a device's) as a JSON string, any byte that is not UTF-8 as
 * U+FFFD. */
json_object *json_name(const char *name);
json_object *json_overlays(const struct xt_overlay_state *ovs, int n);
void print_overlays(FILE *f, const struct xt_overlay_state *ovs, int n);
/* j printed as the options say, compact (-j) or indented (-p), and freed. */
void output_json(const struct cli *cli, FILE *f, json_object *j);
/* The overlays as the options say: human, compact JSON (-j) or indented JSON (-p). */
void output_overlays(const struct cli *cli, FILE *f, const struct xt_overlay_state *ovs, int n);
/* An L2 overlay's FDB and neighbour table (fdb show, neigh show). */
json_object *json_fdb(const struct xt_fdb_entry *e, int n);
json_object *json_neigh(const struct xt_neigh_entry *e, int n);
void output_fdb(const struct cli *cli, FILE *f, const struct xt_fdb_entry *e, int n);
void output_neigh(const struct cli *cli, FILE *f, const struct xt_neigh_entry *e, int n);

/* One read of the counters for stats: what xt_show returned, and when. */
struct stats_sample {
	struct xt_overlay_state *ovs;
	int n;
	double mono_s;	 /* CLOCK_MONOTONIC: rates are over the time between two reads */
	int64_t wall_ms; /* CLOCK_REALTIME, in ms since the Unix epoch: printed */
};
/* The counters of cur and their rates since prev: an object with the overlays, or a screen
 * that replaces the last one on a terminal. */
json_object *json_stats(const struct stats_sample *prev, const struct stats_sample *cur);
void print_stats(FILE *f, const struct stats_sample *prev, const struct stats_sample *cur);
/* As the options say: JSON (one line, or indented with -p), else the screen. */
void output_stats(const struct cli *cli, FILE *f, const struct stats_sample *prev,
		  const struct stats_sample *cur);

#endif
