// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel show: overlays, peers and counters. */
#include "cli.h"

const char show_usage[] = "xtunnel [-j|--json] [-p|--pretty] show [[dev] NAME] [-j|--json] "
			  "[-p|--pretty]";

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct xt_overlay_state *ovs;
	const char *dev;
	int n, err;

	if (cli_is_help(argc, argv))
		return cli_print_usage(show_usage);
	err = cli_overlay_arg(cli, argc, argv, show_usage, &dev);
	if (err)
		return err;
	if (xt_show(dev, &ovs, &n))
		return cli_fail("show");
	output_overlays(cli, stdout, ovs, n);
	xt_overlay_states_free(ovs, n);
	return 0;
}
