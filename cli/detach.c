// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel detach: remove an overlay and everything attach created. */
#include "cli.h"

const char detach_usage[] = "xtunnel detach [dev] NAME";

int cmd_detach(struct cli *cli, int argc, char **argv)
{
	const char *dev;
	int err;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(detach_usage);
	err = cli_overlay_arg(NULL, argc, argv, detach_usage, &dev);
	if (err)
		return err;
	/* Always named: detach removes, and a command that guesses what to remove would
	 * remove the wrong overlay one day. */
	if (!dev)
		return cli_usage_error(detach_usage, "detach: missing NAME");
	if (xt_detach(dev))
		return cli_fail("detach");
	return 0;
}
