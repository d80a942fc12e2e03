// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel reload: replace the programs with this build's, keeping maps and flows. */
#include "cli.h"

const char reload_usage[] = "xtunnel reload [NAME]";

int cmd_reload(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(reload_usage);
	if (argc > 2)
		return cli_usage_error(reload_usage, "reload: unexpected '%s'", argv[2]);
	if (xt_reload(argc == 2 ? argv[1] : NULL))
		return cli_fail("reload");
	return 0;
}
