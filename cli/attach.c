// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel attach: create an overlay on an uplink. */
#include <string.h>
#include "cli.h"

const char attach_usage[] =
	"xtunnel attach UPLINK [dev NAME] [encap vxlan|geneve|gre|ipip] [vni N] [port N]\n"
	"                      [key N] [local ADDR] [address CIDR]... [mtu N]\n"
	"                      [rx auto|xdp|tc] [xdp-mode native|generic]\n"
	"                      [max-peers N] [max-routes N] [forward-from IF[,IF]...]\n"
	"                      [mode l3|l2] [mac MAC] [max-macs N] [ageing SECONDS]";

/* IF[,IF]...; the option may also be given more than once. */
static int parse_ports(const char *s, struct xt_overlay_spec *o)
{
	const char *end;
	size_t len;

	do {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if (len == 0 || len >= sizeof(o->forward_from[0]) ||
		    o->n_forward == XT_MAX_FWD_PORTS)
			return -1;
		o->has |= XT_OV_FORWARD_FROM;
		memcpy(o->forward_from[o->n_forward], s, len);
		o->forward_from[o->n_forward++][len] = '\0';
		s = end + 1;
	} while (end);
	return 0;
}

/* A device name into its place in the spec: checked first, as it must fit. */
static int name_copy(char dst[IF_NAMESIZE], const char *what, const char *name)
{
	if (xt_dev_name_check(what, name))
		return cli_usage_error(attach_usage, "%s", xt_errmsg());
	snprintf(dst, IF_NAMESIZE, "%s", name);
	return 0;
}

/* Returns 0 or an exit status (usage error). */
int attach_parse(int argc, char **argv, struct xt_overlay_spec *o)
{
	uint32_t v;
	int i, err;

	memset(o, 0, sizeof(*o));
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
		} else if (!strcmp(key, "encap")) {
			if (xt_parse_encap(val, &o->encap))
				return cli_usage_error(attach_usage, "encap: %s", xt_errmsg());
			o->has |= XT_OV_ENCAP;
		} else if (!strcmp(key, "key")) {
			if (xt_parse_u32(val, 0, UINT32_MAX, &o->key))
				return cli_usage_error(attach_usage, "key: %s", xt_errmsg());
			o->has |= XT_OV_KEY;
		} else if (!strcmp(key, "vni")) {
			if (xt_parse_u32(val, 0, XT_VNI_MAX, &o->vni))
				return cli_usage_error(attach_usage, "vni: %s", xt_errmsg());
			o->has |= XT_OV_VNI;
		} else if (!strcmp(key, "port")) {
			if (xt_parse_u32(val, 1, 65535, &v))
				return cli_usage_error(attach_usage, "port: %s", xt_errmsg());
			o->port = (uint16_t)v;
			o->has |= XT_OV_PORT;
		} else if (!strcmp(key, "local")) {
			if (xt_parse_ip(val, &o->local))
				return cli_usage_error(attach_usage, "local: %s", xt_errmsg());
			o->has |= XT_OV_LOCAL;
		} else if (!strcmp(key, "address")) {
			if (o->n_addrs == XT_MAX_ADDRS)
				return cli_usage_error(attach_usage, "address: more than %d",
						       XT_MAX_ADDRS);
			if (xt_parse_address(val, &o->addrs[o->n_addrs]))
				return cli_usage_error(attach_usage, "address: %s", xt_errmsg());
			o->n_addrs++;
			o->has |= XT_OV_ADDRS;
		} else if (!strcmp(key, "mtu")) {
			if (xt_parse_u32(val, 68, 65535, &o->mtu))
				return cli_usage_error(attach_usage, "mtu: %s", xt_errmsg());
			o->has |= XT_OV_MTU;
		} else if (!strcmp(key, "rx")) {
			if (xt_parse_rx_mode(val, &o->rx))
				return cli_usage_error(attach_usage, "rx: %s", xt_errmsg());
			o->has |= XT_OV_RX;
		} else if (!strcmp(key, "xdp-mode")) {
			if (xt_parse_xdp_mode(val, &o->xdp_mode))
				return cli_usage_error(attach_usage, "xdp-mode: %s", xt_errmsg());
			o->has |= XT_OV_XDP_MODE;
		} else if (!strcmp(key, "max-peers")) {
			if (xt_parse_u32(val, 1, 1u << 20, &o->max_peers))
				return cli_usage_error(attach_usage, "max-peers: %s", xt_errmsg());
			o->has |= XT_OV_MAX_PEERS;
		} else if (!strcmp(key, "forward-from")) {
			if (parse_ports(val, o))
				return cli_usage_error(attach_usage,
						       "forward-from: '%s' is not a list of "
						       "interfaces, or more than %d",
						       val, XT_MAX_FWD_PORTS);
		} else if (!strcmp(key, "mode")) {
			if (xt_parse_mode(val, &o->mode))
				return cli_usage_error(attach_usage, "mode: %s", xt_errmsg());
			o->has |= XT_OV_MODE;
		} else if (!strcmp(key, "mac")) {
			if (xt_parse_mac(val, o->mac))
				return cli_usage_error(attach_usage, "mac: %s", xt_errmsg());
			o->has |= XT_OV_MAC;
		} else if (!strcmp(key, "max-macs")) {
			if (xt_parse_u32(val, 1, 65536, &o->max_macs))
				return cli_usage_error(attach_usage, "max-macs: %s", xt_errmsg());
			o->has |= XT_OV_MAX_MACS;
		} else if (!strcmp(key, "ageing")) {
			if (xt_parse_u32(val, 0, 1000000, &o->ageing))
				return cli_usage_error(attach_usage, "ageing: %s", xt_errmsg());
			o->has |= XT_OV_AGEING;
		} else if (!strcmp(key, "max-routes")) {
			if (xt_parse_u32(val, 1, 1u << 24, &o->max_routes))
				return cli_usage_error(attach_usage, "max-routes: %s", xt_errmsg());
			o->has |= XT_OV_MAX_ROUTES;
		} else {
			return cli_usage_error(attach_usage, "attach: unknown argument '%s'", key);
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
	int err;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(attach_usage);
	err = attach_parse(argc, argv, &spec);
	if (err)
		return err;
	if (xt_attach(&spec))
		return cli_fail("attach");
	return 0;
}
