// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel agent: the fleet's agent on etcd (agent/agent.h); this file reads its flags. */
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "cli.h"

const char agent_usage[] =
	"xtunnel agent --etcd URL[,URL]... --network NET --name NAME --uplink IF --dev DEV\n"
	"                     --address CIDR --advertise CIDR[,CIDR]... [--endpoint ADDR]\n"
	"                     [--ttl SECONDS] [--cacert FILE --cert FILE --key FILE]\n"
	"                     [--state-dir DIR] [--once]";

static int advertise_parse(const char *list, struct xt_agent_opts *o)
{
	struct xt_prefix p[XT_MAX_ALLOWED];
	int n, i;

	if (xt_parse_prefix_list(list, p, XT_MAX_ALLOWED, &n))
		return cli_usage_error(agent_usage, "--advertise: %s", xt_errmsg());
	for (i = 0; i < n; i++)
		if (xt_allowed_ip_check(&p[i]))
			return cli_usage_error(agent_usage, "--advertise: %s", xt_errmsg());
	o->advertise = realloc(o->advertise, (size_t)(o->n_advertise + n) * sizeof(*p));
	if (!o->advertise)
		return cli_fail("agent");
	memcpy(o->advertise + o->n_advertise, p, (size_t)n * sizeof(*p));
	o->n_advertise += n;
	return 0;
}

static int dev_copy(char dst[IF_NAMESIZE], const char *what, const char *name)
{
	if (xt_dev_name_check(what, name))
		return cli_usage_error(agent_usage, "%s", xt_errmsg());
	snprintf(dst, IF_NAMESIZE, "%s", name);
	return 0;
}

static int agent_parse(int argc, char **argv, struct xt_agent_opts *o)
{
	uint32_t ttl;
	int i, err = 0;

	memset(o, 0, sizeof(*o));
	o->ttl = XT_AGENT_DEFAULT_TTL;
	for (i = 1; i < argc && !err; i++) {
		const char *key = argv[i], *val;

		if (!strcmp(key, "--once")) {
			o->once = true;
			continue;
		}
		val = cli_value(argc, argv, &i);
		if (!val)
			return cli_usage_error(agent_usage, "agent: '%s' needs a value", key);
		if (!strcmp(key, "--etcd"))
			o->etcd = val;
		else if (!strcmp(key, "--network"))
			o->network = val;
		else if (!strcmp(key, "--name"))
			o->name = val;
		else if (!strcmp(key, "--state-dir"))
			o->state_dir = val;
		else if (!strcmp(key, "--cacert"))
			o->tls.cacert = val;
		else if (!strcmp(key, "--cert"))
			o->tls.cert = val;
		else if (!strcmp(key, "--key"))
			o->tls.key = val;
		else if (!strcmp(key, "--uplink") &&
			 !(err = dev_copy(o->overlay.uplink, "uplink", val)))
			o->overlay.has |= XT_OV_UPLINK;
		else if (!strcmp(key, "--dev"))
			err = dev_copy(o->overlay.dev, "dev", val);
		else if (!strcmp(key, "--address") &&
			 xt_setting_parse(&o->overlay, XT_OV_ADDRS, val))
			return cli_usage_error(agent_usage, "--address: %s", xt_errmsg());
		else if (!strcmp(key, "--advertise"))
			err = advertise_parse(val, o);
		else if (!strcmp(key, "--endpoint") && !(o->has_endpoint = true) &&
			 xt_parse_ip(val, &o->endpoint))
			return cli_usage_error(agent_usage, "--endpoint: %s", xt_errmsg());
		else if (!strcmp(key, "--ttl") && xt_parse_u32(val, 2, 3600, &ttl))
			return cli_usage_error(agent_usage, "--ttl: %s", xt_errmsg());
		else if (!strcmp(key, "--ttl"))
			o->ttl = (int)ttl;
		else if (strcmp(key, "--uplink") && strcmp(key, "--address") &&
			 strcmp(key, "--endpoint"))
			return cli_usage_error(agent_usage, "agent: unknown argument '%s'", key);
	}
	if (err)
		return err;
	if (!o->etcd || !o->network || !o->name || !o->overlay.uplink[0] || !o->overlay.dev[0])
		return cli_usage_error(agent_usage,
				       "agent: --etcd, --network, --name, --uplink and --dev are "
				       "needed");
	if (!!o->tls.cert != !!o->tls.key)
		return cli_usage_error(agent_usage, "agent: --cert and --key go together");
	return 0;
}

int cmd_agent(struct cli *cli, int argc, char **argv)
{
	struct xt_agent_opts o;
	int status;

	(void)cli;
	if (cli_is_help(argc, argv))
		return cli_print_usage(agent_usage);
	status = agent_parse(argc, argv, &o);
	if (!status && xt_agent_run(&o))
		status = cli_fail("agent");
	free(o.advertise);
	return status;
}
