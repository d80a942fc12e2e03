// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel attach: create an overlay on an uplink. */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include "cli.h"

const char attach_usage[] =
	"xtunnel attach UPLINK [dev NAME] [encap vxlan|geneve|gre|ipip] [vni N] [port N]\n"
	"                      [key N] [local ADDR [force]] [address CIDR]... [mtu N]\n"
	"                      [rx auto|xdp|tc] [xdp-mode native|generic]\n"
	"                      [max-peers N] [max-routes N] [forward-from IF[,IF]...]\n"
	"                      [mode l3|l2] [mac MAC] [max-macs N] [ageing SECONDS]";

/* A device name into its place in the spec: checked first, as it must fit. */
static int name_copy(char dst[IF_NAMESIZE], const char *what, const char *name)
{
	if (xt_dev_name_check(what, name))
		return cli_usage_error(attach_usage, "%s", xt_errmsg());
	snprintf(dst, IF_NAMESIZE, "%s", name);
	return 0;
}

/* The setting (XT_OV_*) an option word names, as the man page writes it; 0 if none. */
static uint32_t setting_of(const char *word)
{
	uint32_t bit;

	for (bit = XT_OV_ENCAP; bit <= XT_OV_AGEING; bit <<= 1)
		if (!strcmp(word, xt_setting_name(bit)))
			return bit;
	return 0;
}

/* Returns 0 or an exit status (usage error). address and forward-from may be given more
 * than once, each with a comma-separated list. */
int attach_parse(int argc, char **argv, struct xt_overlay_spec *o, unsigned int *flags)
{
	uint32_t bit;
	int i, err;

	memset(o, 0, sizeof(*o));
	*flags = 0;
	if (argc < 2 || argv[1][0] == '\0')
		return cli_usage_error(attach_usage, "attach: missing UPLINK");
	err = name_copy(o->uplink, "uplink", argv[1]);
	if (err)
		return err;
	o->has |= XT_OV_UPLINK;
	for (i = 2; i < argc; i++) {
		const char *key = argv[i], *val = cli_value(argc, argv, &i);

		if (!val)
			return cli_usage_error(attach_usage, "attach: '%s' needs a value", key);
		if (!strcmp(key, "dev")) {
			err = name_copy(o->dev, "dev", val);
			if (err)
				return err;
			continue;
		}
		bit = setting_of(key);
		if (!bit)
			return cli_usage_error(attach_usage, "attach: unknown argument '%s'", key);
		if (xt_setting_parse(o, bit, val))
			return cli_usage_error(attach_usage, "%s: %s", key, xt_errmsg());
		/* A word of its own after the address, as 'move' in the peer commands. */
		if (bit == XT_OV_LOCAL && i + 1 < argc && !strcmp(argv[i + 1], "force")) {
			*flags |= XT_ATTACH_FORCE_LOCAL;
			i++;
		}
	}
	if (o->xdp_mode == XT_XDP_GENERIC && o->rx != XT_RX_XDP && !o->n_forward)
		return cli_usage_error(attach_usage,
				       "xdp-mode: only with 'rx xdp' or forward-from");
	return 0;
}

int cmd_attach(struct cli *cli, int argc, char **argv)
{
	struct xt_overlay_spec spec;
	unsigned int flags;
	int err;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(attach_usage);
	err = attach_parse(argc, argv, &spec, &flags);
	if (err)
		return err;
	err = xt_attach(&spec, flags);
	if (err == -EADDRNOTAVAIL && xt_err_is_input()) {
		/* The loader's refusal of a local address no interface has: the way round it
		 * is attach's alone (a config file has none). */
		char msg[512], a[INET6_ADDRSTRLEN];

		snprintf(msg, sizeof(msg), "%s", xt_errmsg());
		xt_format_ip(&spec.local, a, sizeof(a));
		xt_err_input(err, "%s, or give 'local %s force' for an address this host gets later",
			     msg, a);
	}
	if (err)
		return cli_fail("attach");
	return 0;
}
