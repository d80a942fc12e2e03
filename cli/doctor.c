// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel doctor: the loader's findings, one line each (or JSON); exit 1 unless all are ok. */
#include <stdlib.h>
#include "cli.h"

const char doctor_usage[] = "xtunnel doctor [[dev] NAME] [-j|--json] [-p|--pretty]";

static json_object *json_findings(const struct xt_finding *fs, int n)
{
	json_object *list = json_object_new_array(), *o;
	int i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "dev", json_name(fs[i].dev));
		json_object_object_add(o, "check",
				       json_object_new_string(xt_check_name(fs[i].check)));
		json_object_object_add(o, "status",
				       json_object_new_string(xt_status_name(fs[i].status)));
		json_object_object_add(o, "what", json_object_new_string(fs[i].what));
		json_object_object_add(o, "fix",
				       fs[i].fix[0] ? json_object_new_string(fs[i].fix) : NULL);
		json_object_array_add(list, o);
	}
	return list;
}

/* ok   xt0 mtu: xt0 MTU 1450: the uplink ua's 1500 less 50 bytes of vxlan over IPv4
 * FAIL xt0 routes: the kernel route ... -- fix: ip route del ... */
static void print_findings(FILE *f, const struct xt_finding *fs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		fprintf(f, "%-4s %s %s: %s",
			fs[i].status == XT_STATUS_FAIL ? "FAIL" : xt_status_name(fs[i].status),
			fs[i].dev, xt_check_name(fs[i].check), fs[i].what);
		if (fs[i].fix[0])
			fprintf(f, " -- fix: %s", fs[i].fix);
		fputc('\n', f);
	}
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	struct xt_finding *fs;
	const char *dev;
	int n, i, err, status = 0;

	if (cli_is_help(argc, argv))
		return cli_print_usage(doctor_usage);
	err = cli_overlay_arg(cli, argc, argv, doctor_usage, &dev);
	if (err)
		return err;
	if (xt_doctor(dev, &fs, &n))
		return cli_fail("doctor");
	if (cli->json)
		output_json(cli, stdout, json_findings(fs, n));
	else
		print_findings(stdout, fs, n);
	for (i = 0; i < n; i++)
		if (fs[i].status != XT_STATUS_OK)
			status = 1;
	free(fs);
	return status;
}
