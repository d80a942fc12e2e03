// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel up: make the overlay, its peers and routes that a config file describes. */
#include "cli.h"

const char up_usage[] = "xtunnel up FILE|NAME   (NAME: " XT_CONF_DIR "/NAME.conf)";

int cmd_up(struct cli *cli, int argc, char **argv)
{
	struct xt_reconcile_result result;
	struct xt_desired want;
	int status;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(up_usage);
	if (argc != 2)
		return cli_usage_error(up_usage, argc < 2 ? "up: missing FILE or NAME"
							  : "up: one FILE or NAME");
	status = cli_conf_load("up", argv[1], &want);
	if (status)
		return status;
	if (xt_reconcile(&want, XT_RECONCILE_CREATE | XT_RECONCILE_NEW, &result))
		status = cli_fail("up");
	xt_reconcile_result_free(&result);
	xt_desired_free(&want);
	return status;
}
