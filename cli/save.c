// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel save: a running overlay as a config file, on stdout, that `up` makes again. */
#include "cli.h"

const char save_usage[] = "xtunnel save DEV";

int cmd_save(struct cli *cli, int argc, char **argv)
{
	struct xt_overlay_state *ovs;
	int n, status = 0;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(save_usage);
	if (argc != 2)
		return cli_usage_error(save_usage,
				       argc < 2 ? "save: missing DEV" : "save: one DEV");
	if (xt_show(argv[1], &ovs, &n))
		return cli_fail("save");
	if (xt_conf_write(stdout, &ovs[0]))
		status = cli_fail("save");
	xt_overlay_states_free(ovs, n);
	return status;
}
