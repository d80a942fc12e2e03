// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xtunnel stats: the counters and their rates, read every interval (rates are the
 * difference of two reads over the time between them); on a terminal a screen refreshed in
 * place, otherwise one JSON object per interval. With --prometheus, the text exposition
 * format once (metrics/), for node_exporter's textfile collector.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "metrics.h"

const char stats_usage[] = "xtunnel stats [[dev] NAME] [-j|--json] [-p|--pretty] "
			   "[--interval S] [--count N] [--prometheus]";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct stats_args {
	const char *dev;
	double interval; /* seconds */
	uint32_t count;	 /* outputs; 0: until Ctrl-C */
	bool prometheus;
};

static int stats_parse(int argc, char **argv, struct cli *cli, struct stats_args *a)
{
	const char *v;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (cli_output_option(cli, argv[i]))
			continue;
		if (!strcmp(argv[i], "--prometheus")) {
			a->prometheus = true;
		} else if (!strcmp(argv[i], "--interval")) {
			v = cli_value(argc, argv, &i);
			a->interval = v ? strtod(v, &end) : 0;
			if (!v || *end || !(a->interval >= 0.1 && a->interval <= 86400))
				return cli_usage_error(stats_usage,
						       "stats: --interval takes seconds "
						       "(0.1 to 86400)");
		} else if (!strcmp(argv[i], "--count")) {
			v = cli_value(argc, argv, &i);
			if (!v || xt_parse_u32(v, 1, UINT32_MAX, &a->count))
				return cli_usage_error(stats_usage,
						       "stats: --count takes a number (1 or more)");
		} else if (!a->dev && !strcmp(argv[i], "dev") && i + 1 < argc) {
			a->dev = argv[++i];
		} else if (!a->dev && argv[i][0] != '-') {
			a->dev = argv[i];
		} else {
			return cli_usage_error(stats_usage, "stats: unexpected '%s'", argv[i]);
		}
	}
	if (a->prometheus && (cli->json || a->count || a->interval))
		return cli_usage_error(stats_usage, "stats: --prometheus prints the counters once, "
						    "without -j, --interval or --count");
	return 0;
}

static int stats_read(const char *dev, struct stats_sample *s)
{
	struct timespec mono, wall;
	int err;

	s->ovs = NULL;
	s->n = 0;
	err = xt_show(dev, &s->ovs, &s->n);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	s->mono_s = (double)mono.tv_sec + (double)mono.tv_nsec / 1e9;
	s->wall_ms = (int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000;
	return err;
}

static void sample_free(struct stats_sample *s)
{
	if (s->ovs)
		xt_overlay_states_free(s->ovs, s->n);
	s->ovs = NULL;
}

static int stats_prometheus(const char *dev)
{
	size_t len;
	char *text;

	if (xt_prom_read(dev, &text, &len))
		return cli_fail("stats");
	fwrite(text, 1, len, stdout);
	free(text);
	return 0;
}

/* Sleeps until the monotonic time `until`, or a signal. */
static void wait_until(double until)
{
	struct timespec ts = { .tv_sec = (time_t)until,
			       .tv_nsec = (long)((until - floor(until)) * 1e9) };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: the sleep ends */
	struct stats_args a = {};
	struct stats_sample prev = {}, cur = {};
	uint32_t printed = 0;
	double next;
	int err;

	if (cli_is_help(argc, argv))
		return cli_print_usage(stats_usage);
	err = stats_parse(argc, argv, cli, &a);
	if (err)
		return err;
	if (a.prometheus)
		return stats_prometheus(a.dev);
	if (!a.interval)
		a.interval = 1;
	/* JSON unless a person watches: a terminal gets the screen. */
	if (!isatty(STDOUT_FILENO))
		cli->json = true;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (stats_read(a.dev, &prev))
		return cli_fail("stats");
	next = prev.mono_s;
	while (!stop && (!a.count || printed < a.count)) {
		next += a.interval;
		wait_until(next);
		if (stop)
			break;
		if (stats_read(a.dev, &cur)) {
			err = cli_fail("stats");
			break;
		}
		output_stats(cli, stdout, &prev, &cur);
		fflush(stdout);
		printed++;
		sample_free(&prev);
		prev = cur;
		cur = (struct stats_sample){};
	}
	sample_free(&prev);
	sample_free(&cur);
	return err;
}
