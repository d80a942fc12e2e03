// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel metrics: the counters for Prometheus over HTTP (metrics/serve.c), until SIGINT or
 * SIGTERM (systemctl stop). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include "cli.h"
#include "metrics.h"

const char metrics_usage[] = "xtunnel metrics [[dev] NAME] --listen ADDR:PORT";

static int metrics_parse(int argc, char **argv, const char **dev, struct xt_ip *addr,
			 uint16_t *port)
{
	const char *listen = NULL;
	int i;

	*dev = NULL;
	for (i = 1; i < argc; i++) {
		if (!listen && !strcmp(argv[i], "--listen")) {
			listen = cli_value(argc, argv, &i);
			if (!listen)
				return cli_usage_error(metrics_usage,
						       "metrics: --listen needs ADDR:PORT");
		} else if (!*dev && !strcmp(argv[i], "dev") && i + 1 < argc) {
			*dev = argv[++i];
		} else if (!*dev && argv[i][0] != '-') {
			*dev = argv[i];
		} else {
			return cli_usage_error(metrics_usage, "metrics: unexpected '%s'", argv[i]);
		}
	}
	if (!listen)
		return cli_usage_error(metrics_usage, "metrics: --listen ADDR:PORT is needed");
	if (xt_parse_endpoint(listen, addr, port))
		return cli_usage_error(metrics_usage, "metrics: --listen %s: %s", listen,
				       xt_errmsg());
	if (!*port)
		return cli_usage_error(metrics_usage,
				       "metrics: --listen %s: a port is needed (ADDR:PORT, "
				       "[IPV6]:PORT)",
				       listen);
	return 0;
}

int cmd_metrics(struct cli *cli, int argc, char **argv)
{
	struct xt_metrics_server *server;
	const char *dev;
	struct xt_ip addr;
	uint16_t port;
	sigset_t stop_signals;
	size_t len;
	char *text;
	int err, sig;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(metrics_usage);
	err = metrics_parse(argc, argv, &dev, &addr, &port);
	if (err)
		return err;
	/* One read before serving: no privileges, or no such overlay, fails here, at once,
	 * rather than at every scrape. */
	if (xt_prom_read(dev, &text, &len))
		return cli_fail("metrics");
	free(text);
	/* Blocked before the server's thread starts, which inherits the mask: the signals
	 * come to sigwait here, never into the middle of a request. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	if (xt_metrics_serve(dev, &addr, port, &server))
		return cli_fail("metrics");
	sigwait(&stop_signals, &sig);
	xt_metrics_stop(server);
	return 0;
}
