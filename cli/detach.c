// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel detach: remove an overlay and everything attach created. */
#include "cli.h"

const char detach_usage[] = "xtunnel detach NAME";

int cmd_detach(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(detach_usage);
	if (argc != 2)
		return cli_usage_error(
			detach_usage, argc < 2 ? "detach: missing NAME" : "detach: unexpected '%s'",
			argc < 2 ? "" : argv[2]);
	if (xt_detach(argv[1]))
		return cli_fail("detach");
	return 0;
}
