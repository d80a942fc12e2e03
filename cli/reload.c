// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel reload: replace the programs with this build's, keeping maps and flows. */
#include "cli.h"

const char reload_usage[] = "xtunnel reload [[dev] NAME]";

int cmd_reload(struct cli *cli, int argc, char **argv)
{
	const char *dev;
	int err;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(reload_usage);
	err = cli_overlay_arg(NULL, argc, argv, reload_usage, &dev);
	if (err)
		return err;
	if (xt_reload(dev))
		return cli_fail("reload");
	return 0;
}
