// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xtunnel down: remove the overlay a config file describes, or the device named. A NAME is
 * the file XT_CONF_DIR/NAME.conf if there is one (its Name is the device), else the
 * device itself, so that `down` undoes `up` whichever way it was given.
 */
#include <errno.h>
#include "cli.h"

const char down_usage[] = "xtunnel down FILE|NAME|DEV";

int cmd_down(struct cli *cli, int argc, char **argv)
{
	struct xt_desired want = {};
	char path[4096];
	const char *dev;
	int err, status = 0;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(down_usage);
	if (argc != 2)
		return cli_usage_error(down_usage, argc < 2 ? "down: missing FILE, NAME or DEV"
							    : "down: one FILE, NAME or DEV");
	if (xt_conf_path(argv[1], path, sizeof(path)))
		return cli_fail("down");
	err = xt_conf_read(path, &want);
	if (err == -ENOENT && !xt_conf_is_path(argv[1])) {
		dev = argv[1]; /* no file of that name: the device */
	} else if (err == -ENOENT) {
		fprintf(stderr, "xtunnel: down: %s: no such file\n", path);
		return EXIT_USAGE;
	} else if (err) {
		return cli_fail("down");
	} else {
		dev = want.overlay.dev;
	}
	if (xt_detach(dev))
		status = cli_fail("down");
	xt_desired_free(&want);
	return status;
}
