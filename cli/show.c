// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel show: overlays, peers and counters. */
#include <string.h>
#include "cli.h"

/* "dev NAME" as in the peer commands, or NAME alone. */
const char show_usage[] = "xtunnel [-j|--json] [-p|--pretty] show [[dev] NAME] [-j|--json] "
			  "[-p|--pretty]";

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct xt_overlay_state *ovs;
	const char *dev = NULL;
	int i, n;

	if (cli_is_help(argc, argv))
		return cli_print_usage(show_usage);
	for (i = 1; i < argc; i++) {
		if (cli_output_option(cli, argv[i]))
			continue;
		else if (!dev && !strcmp(argv[i], "dev") && i + 1 < argc)
			dev = argv[++i];
		else if (!dev && argv[i][0] != '-')
			dev = argv[i];
		else
			return cli_usage_error(show_usage, "show: unexpected '%s'", argv[i]);
	}
	if (xt_show(dev, &ovs, &n))
		return cli_fail("show");
	output_overlays(cli, stdout, ovs, n);
	xt_overlay_states_free(ovs, n);
	return 0;
}
