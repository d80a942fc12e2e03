// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the argument parsers of `xtunnel attach` and `xtunnel peer`
 * (attach_parse in cli/attach.c; peer_parse and the verb table in cli/peer.c). They return
 * 0 or 2 (usage) and,
 * on error, print "xtunnel: <what>: <why>" and the usage to stderr, which the tests capture
 * by pointing fd 2 at a temporary file around the call.
 */
#include <unistd.h>
#include "unit.h"
#include "cli.h"

/* A NULL-terminated argument vector, as main() hands to a subcommand (argv[0] is its name). */
#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })

struct capture {
	FILE *file;
	int saved_fd;
	char text[8192];
};

static void capture_start(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	assert_non_null(c->file);
	c->saved_fd = dup(STDERR_FILENO);
	assert_true(c->saved_fd >= 0);
	assert_int_equal(dup2(fileno(c->file), STDERR_FILENO), STDERR_FILENO);
}

static void capture_stop(struct capture *c)
{
	size_t n;

	fflush(stderr);
	dup2(c->saved_fd, STDERR_FILENO);
	close(c->saved_fd);
	rewind(c->file);
	n = fread(c->text, 1, sizeof(c->text) - 1, c->file);
	c->text[n] = '\0';
	fclose(c->file);
}

static int count_args(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	return argc;
}

/* The flags the last run_attach parsed (XT_ATTACH_*). */
static unsigned int attach_flags;

static int run_attach(char **argv, struct xt_overlay_spec *o, struct capture *c)
{
	int status;

	capture_start(c);
	status = attach_parse(count_args(argv), argv, o, &attach_flags);
	capture_stop(c);
	return status;
}

/* argv as main() hands it to `peer`: argv[0] is "peer", argv[1] the verb, which the verb
 * table hands peer_parse as its argv[0]. */
static int run_peer(char **argv, struct peer_args *a, struct capture *c)
{
	int status;

	capture_start(c);
	status = peer_parse(count_args(argv) - 1, argv + 1, a);
	capture_stop(c);
	return status;
}

/* The whole `peer` command, its verb table first. */
static int run_cmd_peer(char **argv, struct capture *c)
{
	struct cli cli = { 0 };
	int status;

	capture_start(c);
	status = cmd_peer(&cli, count_args(argv), argv);
	capture_stop(c);
	return status;
}

/*
 * A usage error: status 2, then exactly one line "xtunnel: ..." that contains every word
 * given, then "Usage: <usage_start>...".
 */
static void assert_usage_error(int status, const struct capture *c, const char *usage_start,
			       const char *word, const char *word2)
{
	const char *nl = strchr(c->text, '\n');
	char line[1024], usage[256];
	size_t len;

	if (status != EXIT_USAGE)
		fail_because("status %d, not %d; stderr: \"%s\"", status, EXIT_USAGE, c->text);
	if (strncmp(c->text, "xtunnel: ", 9) || !nl)
		fail_because("stderr does not start with an \"xtunnel: \" line: \"%s\"", c->text);
	len = (size_t)(nl - c->text);
	assert_true(len < sizeof(line));
	memcpy(line, c->text, len);
	line[len] = '\0';
	if (word && !strstr(line, word))
		fail_because("error line \"%s\" does not name \"%s\"", line, word);
	if (word2 && !strstr(line, word2))
		fail_because("error line \"%s\" does not say \"%s\"", line, word2);
	snprintf(usage, sizeof(usage), "Usage: %s", usage_start);
	if (strncmp(nl + 1, usage, strlen(usage)))
		fail_because("no \"%s\" after the error line: \"%s\"", usage, nl + 1);
	if (strstr(nl + 1, "xtunnel: "))
		fail_because("more than one error line: \"%s\"", c->text);
}

/* attach */

static void attach_uplink_alone_leaves_every_option_at_default(void **state)
{
	char **argv = ARGV("attach", "eth0");
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	memset(&o, 0x5a, sizeof(o));
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_string_equal(o.uplink, "eth0");
	assert_string_equal(o.dev, "");
	assert_int_equal(o.encap, XT_ENCAP_VXLAN);
	assert_false(o.has & XT_OV_VNI);
	assert_int_equal(o.port, 0);
	assert_false(o.has & XT_OV_KEY);
	assert_false(o.has & XT_OV_LOCAL);
	assert_int_equal(o.n_addrs, 0);
	assert_int_equal(o.mtu, 0);
	assert_int_equal(o.rx, XT_RX_AUTO);
	assert_int_equal(o.xdp_mode, XT_XDP_NATIVE);
	assert_int_equal(o.max_peers, 0);
	assert_int_equal(o.max_routes, 0);
	assert_false(o.has & (XT_OV_MODE | XT_OV_MAC | XT_OV_MAX_MACS | XT_OV_AGEING));
}

/* VNI 0 is a valid VNI, not "use the default". */
static void attach_vni_zero_is_given_not_default(void **state)
{
	char **argv = ARGV("attach", "eth0", "vni", "0");
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_true(o.has & XT_OV_VNI);
	assert_int_equal(o.vni, 0);
}

static void attach_parses_every_keyword(void **state)
{
	char **argv = ARGV("attach", "eth1", "dev", "xt7", "vni", "4242", "port", "8472", "local",
			   "192.0.2.1", "address", "10.20.3.4/16", "address", "10.21.0.1/24", "mtu",
			   "1400", "rx", "xdp", "xdp-mode", "generic", "max-peers", "2048",
			   "max-routes", "65536");
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_string_equal(o.uplink, "eth1");
	assert_string_equal(o.dev, "xt7");
	assert_int_equal(o.vni, 4242);
	assert_int_equal(o.port, 8472);
	assert_true(o.has & XT_OV_LOCAL);
	assert_ip_equal(o.local, ip4(192, 0, 2, 1));
	assert_int_equal(o.n_addrs, 2);
	assert_ip_equal(o.addrs[0].ip, ip4(10, 20, 3, 4));
	assert_int_equal(o.addrs[0].len, 16);
	assert_ip_equal(o.addrs[1].ip, ip4(10, 21, 0, 1));
	assert_int_equal(o.addrs[1].len, 24);
	assert_int_equal(o.mtu, 1400);
	assert_int_equal(o.rx, XT_RX_XDP);
	assert_int_equal(o.xdp_mode, XT_XDP_GENERIC);
	assert_int_equal(o.max_peers, 2048);
	assert_int_equal(o.max_routes, 65536);
}

static void attach_parses_the_l2_keywords(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0xab, 0xcd, 0xef, 0x01, 0x23 };
	char **argv = ARGV("attach", "eth1", "mode", "l2", "encap", "geneve", "vni", "7", "mac",
			   "02:AB:cd:ef:01:23", "max-macs", "65536", "ageing", "0");
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_true(o.has & XT_OV_MODE);
	assert_int_equal(o.mode, XT_MODE_L2);
	assert_int_equal(o.encap, XT_ENCAP_GENEVE);
	assert_true(o.has & XT_OV_MAC);
	assert_memory_equal(o.mac, mac, 6);
	assert_true(o.has & XT_OV_MAX_MACS);
	assert_int_equal(o.max_macs, 65536);
	assert_true(o.has & XT_OV_AGEING);
	assert_int_equal(o.ageing, 0); /* never */
	argv = ARGV("attach", "eth1", "mode", "l3", "mac", "02-00-00-00-00-01", "max-macs", "1",
		    "ageing", "1000000");
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_int_equal(o.mode, XT_MODE_L3); /* the library refuses the rest for L3 */
	assert_int_equal(o.mac[5], 1);
	assert_int_equal(o.max_macs, 1);
	assert_int_equal(o.ageing, 1000000);
}

static void attach_rx_takes_each_mode_by_its_printed_name(void **state)
{
	static const enum xt_rx_mode modes[] = { XT_RX_AUTO, XT_RX_XDP, XT_RX_TC };
	struct xt_overlay_spec o;
	struct capture c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		char **argv = ARGV("attach", "eth0", "rx", (char *)xt_rx_mode_name(modes[i]));

		assert_int_equal(run_attach(argv, &o, &c), 0);
		assert_int_equal(o.rx, modes[i]);
	}
}

static void attach_accepts_the_bounds_of_every_number(void **state)
{
	char **low = ARGV("attach", "eth0", "vni", "1", "port", "1", "mtu", "68", "max-peers", "1",
			  "max-routes", "1");
	char **high = ARGV("attach", "eth0", "vni", "16777215", "port", "65535", "mtu", "65535",
			   "max-peers", "1048576", "max-routes", "16777216");
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(low, &o, &c), 0);
	assert_int_equal(o.vni, 1);
	assert_int_equal(o.port, 1);
	assert_int_equal(o.mtu, 68);
	assert_int_equal(o.max_peers, 1);
	assert_int_equal(o.max_routes, 1);
	assert_int_equal(run_attach(high, &o, &c), 0);
	assert_int_equal(o.vni, XT_VNI_MAX);
	assert_int_equal(o.port, 65535);
	assert_int_equal(o.mtu, 65535);
	assert_int_equal(o.max_peers, 1u << 20);
	assert_int_equal(o.max_routes, 1u << 24);
}

static void attach_missing_uplink_is_usage_error(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_usage_error(run_attach(ARGV("attach"), &o, &c), &c, "xtunnel attach UPLINK",
			   "attach: missing UPLINK", NULL);
	assert_usage_error(run_attach(ARGV("attach", ""), &o, &c), &c, "xtunnel attach UPLINK",
			   "attach: missing UPLINK", NULL);
}

static void attach_keyword_without_value_names_the_keyword(void **state)
{
	static const char *const keys[] = { "dev", "encap",    "vni",	    "port",
					    "key", "local",    "address",   "mtu",
					    "rx",  "xdp-mode", "max-peers", "max-routes" };
	struct xt_overlay_spec o;
	struct capture c;
	char quoted[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char **argv = ARGV("attach", "eth0", "mtu", "1400", (char *)keys[i]);

		snprintf(quoted, sizeof(quoted), "'%s'", keys[i]);
		assert_usage_error(run_attach(argv, &o, &c), &c, "xtunnel attach", quoted,
				   "needs a value");
	}
}

static void attach_unknown_keyword_is_named(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_usage_error(run_attach(ARGV("attach", "eth0", "colour", "blue"), &o, &c), &c,
			   "xtunnel attach", "'colour'", "unknown argument");
	/* Keywords are case-sensitive, as in the usage line. */
	assert_usage_error(run_attach(ARGV("attach", "eth0", "VNI", "5"), &o, &c), &c,
			   "xtunnel attach", "'VNI'", NULL);
}

static void attach_bad_value_names_keyword_and_value(void **state)
{
	static const struct {
		const char *key, *val;
	} bad[] = {
		{ "vni", "16777216" },
		{ "vni", "ten" },
		{ "port", "0" },
		{ "port", "65536" },
		{ "mtu", "67" },
		{ "mtu", "65536" },
		{ "local", "10.1" },
		{ "local", "eth0" },
		{ "local", "2001:db8::1/64" },
		{ "local", "::ffff:192.0.2.1" },
		{ "address", "10.0.0.1/0" },
		{ "address", "10.0.0.1/33" },
		{ "address", "fd00:10::1/129" },
		{ "address", "fd00:10::1/0" },
		{ "encap", "VXLAN" },
		{ "encap", "gretap" },
		{ "key", "4294967296" },
		{ "key", "-1" },
		{ "key", "0x10" },
		{ "rx", "fast" },
		{ "rx", "XDP" },
		{ "xdp-mode", "turbo" },
		{ "max-peers", "0" },
		{ "max-peers", "1048577" },
		{ "max-routes", "0" },
		{ "max-routes", "16777217" },
		{ "mode", "l4" },
		{ "mode", "L2" },
		{ "mac", "02:00:00:00:00" },
		{ "mac", "02:00:00:00:00:0g" },
		{ "mac", "02:00:00:00:00:001" },
		{ "mac", "02:00-00:00:00:01" },
		{ "mac", "01:00:5e:00:00:01" },
		{ "mac", "00:00:00:00:00:00" },
		{ "max-macs", "0" },
		{ "max-macs", "65537" },
		{ "ageing", "1000001" },
		{ "ageing", "-1" },
	};
	struct xt_overlay_spec o;
	struct capture c;
	char what[32], quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char **argv = ARGV("attach", "eth0", (char *)bad[i].key, (char *)bad[i].val);

		snprintf(what, sizeof(what), "xtunnel: %s: ", bad[i].key);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i].val);
		assert_usage_error(run_attach(argv, &o, &c), &c, "xtunnel attach", what, quoted);
	}
}

static void attach_more_than_xt_max_addrs_is_usage_error(void **state)
{
	char *argv[2 + 2 * (XT_MAX_ADDRS + 1) + 1];
	char addrs[XT_MAX_ADDRS + 1][24];
	struct xt_overlay_spec o;
	struct capture c;
	char limit[32];
	int i, argc = 0;

	(void)state;
	argv[argc++] = "attach";
	argv[argc++] = "eth0";
	for (i = 0; i < XT_MAX_ADDRS + 1; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "10.%d.0.1/24", i);
		argv[argc++] = "address";
		argv[argc++] = addrs[i];
	}
	argv[argc] = NULL;
	snprintf(limit, sizeof(limit), "more than %d", XT_MAX_ADDRS);
	assert_usage_error(run_attach(argv, &o, &c), &c, "xtunnel attach", "address", limit);

	argv[argc - 2] = NULL; /* exactly XT_MAX_ADDRS */
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_int_equal(o.n_addrs, XT_MAX_ADDRS);
	assert_ip_equal(o.addrs[XT_MAX_ADDRS - 1].ip, ip4(10, XT_MAX_ADDRS - 1, 0, 1));
}

static void attach_xdp_mode_generic_needs_rx_xdp(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_usage_error(run_attach(ARGV("attach", "eth0", "xdp-mode", "generic"), &o, &c), &c,
			   "xtunnel attach", "xdp-mode", "rx xdp");
	assert_usage_error(
		run_attach(ARGV("attach", "eth0", "rx", "tc", "xdp-mode", "generic"), &o, &c), &c,
		"xtunnel attach", "xdp-mode", "rx xdp");
	assert_int_equal(
		run_attach(ARGV("attach", "eth0", "xdp-mode", "generic", "rx", "xdp"), &o, &c), 0);
	assert_int_equal(o.rx, XT_RX_XDP);
	assert_int_equal(o.xdp_mode, XT_XDP_GENERIC);
}

static void attach_forward_from_takes_lists_and_repeats(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(ARGV("attach", "eth0", "forward-from", "lan0,veth1",
					 "forward-from", "veth2"),
				    &o, &c),
			 0);
	assert_int_equal(o.n_forward, 3);
	assert_string_equal(o.forward_from[0], "lan0");
	assert_string_equal(o.forward_from[1], "veth1");
	assert_string_equal(o.forward_from[2], "veth2");
	/* forward-from also takes xdp-mode without rx xdp: it is an XDP path of its own. */
	assert_int_equal(
		run_attach(ARGV("attach", "eth0", "forward-from", "lan0", "xdp-mode", "generic"),
			   &o, &c),
		0);
	assert_int_equal(o.xdp_mode, XT_XDP_GENERIC);
}

static void attach_forward_from_refuses_empty_and_overlong_names(void **state)
{
	/* The last is 16 characters: no room left for the NUL of an interface name. */
	static char *const bad[] = { "", ",", "lan0,", ",lan0", "lan0,,veth1", "abcdefghijklmnop" };
	struct xt_overlay_spec o;
	struct capture c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_usage_error(
			run_attach(ARGV("attach", "eth0", "forward-from", bad[i]), &o, &c), &c,
			"xtunnel attach", "forward-from", NULL);
}

static void attach_forward_from_holds_xt_max_fwd_ports_and_no_more(void **state)
{
	char list[XT_MAX_FWD_PORTS * 8 + 8] = "";
	struct xt_overlay_spec o;
	struct capture c;
	int i;

	(void)state;
	for (i = 0; i < XT_MAX_FWD_PORTS; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%sp%d", i ? "," : "",
			 i);
	assert_int_equal(run_attach(ARGV("attach", "eth0", "forward-from", list), &o, &c), 0);
	assert_int_equal(o.n_forward, XT_MAX_FWD_PORTS);
	strcat(list, ",one");
	assert_usage_error(run_attach(ARGV("attach", "eth0", "forward-from", list), &o, &c), &c,
			   "xtunnel attach", "forward-from", "more than");
}

static void attach_encap_takes_each_name(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(encap_keywords); i++) {
		char **argv = ARGV("attach", "eth0", "encap", (char *)encap_keywords[i].name);

		assert_int_equal(run_attach(argv, &o, &c), 0);
		assert_string_equal(c.text, "");
		assert_int_equal(o.encap, encap_keywords[i].encap);
	}
}

/* The key is 32 bits (RFC 2890 section 2.1): every value, 0 included, is a key. */
static void attach_key_takes_0_to_2_to_the_32_minus_1(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(ARGV("attach", "eth0", "encap", "gre", "key", "0"), &o, &c), 0);
	assert_true(o.has & XT_OV_KEY);
	assert_int_equal(o.key, 0);
	assert_int_equal(
		run_attach(ARGV("attach", "eth0", "key", "4294967295", "encap", "gre"), &o, &c), 0);
	assert_true(o.has & XT_OV_KEY);
	assert_int_equal(o.key, 4294967295u);
	assert_int_equal(o.encap, XT_ENCAP_GRE);
}

static void attach_takes_ipv6_local_and_addresses_of_both_families(void **state)
{
	char **argv = ARGV("attach", "eth0", "dev", "xt3", "encap", "vxlan", "vni", "42", "local",
			   "2001:db8::1", "address", "fd00:10::1/64", "address", "10.13.0.1/24");
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(run_attach(argv, &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_true(o.has & XT_OV_LOCAL);
	assert_ip_equal(o.local, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	assert_int_equal(o.n_addrs, 2);
	assert_prefix_equal(o.addrs[0], pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 1), 64));
	assert_prefix_equal(o.addrs[1], pfx(ip4(10, 13, 0, 1), 24));
}

static void attach_local_force_is_a_word_after_the_address(void **state)
{
	struct xt_overlay_spec o;
	struct capture c;

	(void)state;
	assert_int_equal(
		run_attach(ARGV("attach", "eth0", "local", "192.0.2.9", "force", "vni", "7"), &o,
			   &c),
		0);
	assert_ip_equal(o.local, ip4(192, 0, 2, 9));
	assert_int_equal(attach_flags, XT_ATTACH_FORCE_LOCAL);
	assert_int_equal(o.vni, 7);
	assert_int_equal(run_attach(ARGV("attach", "eth0", "local", "192.0.2.9"), &o, &c), 0);
	assert_int_equal(attach_flags, 0);
	/* Anywhere else it is no keyword: it forces nothing but the local address. */
	assert_usage_error(run_attach(ARGV("attach", "eth0", "force", "vni", "7"), &o, &c), &c,
			   "xtunnel attach", "force", "unknown argument");
	assert_usage_error(run_attach(ARGV("attach", "eth0", "vni", "7", "force"), &o, &c), &c,
			   "xtunnel attach", "force", "needs a value");
}

/* peer */

static void peer_add_parses_name_endpoint_port_allowed_ips_and_dev(void **state)
{
	char **argv = ARGV("peer", "add", "alpha", "endpoint", "192.0.2.10:8472", "allowed-ips",
			   "10.20.0.0/16,10.30.1.0/24", "dev", "xt1");
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_int_equal(run_peer(argv, &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_string_equal(o.name, "alpha");
	assert_string_equal(o.dev, "xt1");
	assert_true(o.peer.has & XT_PEER_ENDPOINT);
	assert_ip_equal(o.peer.endpoint, ip4(192, 0, 2, 10));
	assert_int_equal(o.peer.port, 8472);
	assert_true(o.peer.has & XT_PEER_ALLOWED);
	assert_int_equal(o.peer.n_allowed, 2);
	assert_ip_equal(o.peer.allowed[0].ip, ip4(10, 20, 0, 0));
	assert_int_equal(o.peer.allowed[0].len, 16);
	assert_ip_equal(o.peer.allowed[1].ip, ip4(10, 30, 1, 0));
	assert_int_equal(o.peer.allowed[1].len, 24);
}

static void peer_add_without_port_or_dev_leaves_them_unset(void **state)
{
	char **argv = ARGV("peer", "add", "bravo", "allowed-ips", "10.40.0.0/16", "endpoint",
			   "198.51.100.7");
	struct peer_args o;
	struct capture c;

	(void)state;
	memset(&o, 0x5a, sizeof(o));
	assert_int_equal(run_peer(argv, &o, &c), 0);
	assert_null(o.dev);
	assert_ip_equal(o.peer.endpoint, ip4(198, 51, 100, 7));
	assert_int_equal(o.peer.port, 0);
	assert_int_equal(o.peer.n_allowed, 1);
}

/* An L3 overlay's peer needs allowed-ips too, an L2 overlay's has none: the library says
 * which (tests/e2e/l2_overlay.sh). */
static void peer_add_needs_an_endpoint(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_usage_error(run_peer(ARGV("peer", "add", "alpha"), &o, &c), &c, "xtunnel peer",
			   "peer add", "needs endpoint");
	assert_usage_error(
		run_peer(ARGV("peer", "add", "alpha", "allowed-ips", "10.20.0.0/16"), &o, &c), &c,
		"xtunnel peer", "peer add", "needs endpoint");
	assert_int_equal(run_peer(ARGV("peer", "add", "alpha", "endpoint", "192.0.2.10"), &o, &c),
			 0);
	assert_true(o.peer.has & XT_PEER_ENDPOINT);
	assert_false(o.peer.has & (XT_PEER_ALLOWED | XT_PEER_FLOOD));
}

/* flood on|off: an L2 overlay's peer; nothing else is a value of it. */
static void peer_flood_is_on_or_off(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_int_equal(
		run_peer(ARGV("peer", "add", "alpha", "endpoint", "192.0.2.10", "flood", "off"), &o,
			 &c),
		0);
	assert_true(o.peer.has & XT_PEER_FLOOD);
	assert_false(o.peer.flood);
	assert_int_equal(run_peer(ARGV("peer", "set", "alpha", "flood", "on"), &o, &c), 0);
	assert_true(o.peer.has & XT_PEER_FLOOD);
	assert_true(o.peer.flood);
	assert_false(o.peer.has & (XT_PEER_ENDPOINT | XT_PEER_ALLOWED));
	assert_usage_error(run_peer(ARGV("peer", "set", "alpha", "flood", "yes"), &o, &c), &c,
			   "xtunnel peer", "flood", "not on or off");
	assert_usage_error(run_peer(ARGV("peer", "del", "alpha", "flood", "on"), &o, &c), &c,
			   "xtunnel peer", "peer del", "'flood'");
}

static void peer_set_needs_endpoint_or_allowed_ips(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_usage_error(run_peer(ARGV("peer", "set", "alpha", "dev", "xt0"), &o, &c), &c,
			   "xtunnel peer", "peer set",
			   "needs endpoint, allowed-ips, flood or udp6-zero-csum");

	assert_int_equal(
		run_peer(ARGV("peer", "set", "alpha", "endpoint", "192.0.2.11:4790"), &o, &c), 0);
	assert_true(o.peer.has & XT_PEER_ENDPOINT);
	assert_false(o.peer.has & XT_PEER_ALLOWED);
	assert_ip_equal(o.peer.endpoint, ip4(192, 0, 2, 11));
	assert_int_equal(o.peer.port, 4790);

	assert_int_equal(
		run_peer(ARGV("peer", "set", "alpha", "allowed-ips", "10.50.0.0/16"), &o, &c), 0);
	assert_false(o.peer.has & XT_PEER_ENDPOINT);
	assert_true(o.peer.has & XT_PEER_ALLOWED);
	assert_int_equal(o.peer.n_allowed, 1);
	assert_ip_equal(o.peer.allowed[0].ip, ip4(10, 50, 0, 0));
}

static void peer_del_takes_name_and_dev(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_int_equal(run_peer(ARGV("peer", "del", "alpha", "dev", "xt3"), &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_string_equal(o.name, "alpha");
	assert_string_equal(o.dev, "xt3");
	assert_false(o.peer.has & XT_PEER_ENDPOINT);
	assert_false(o.peer.has & XT_PEER_ALLOWED);
	assert_int_equal(run_peer(ARGV("peer", "del", "alpha"), &o, &c), 0);
	assert_null(o.dev);
}

static void peer_del_refuses_endpoint_and_allowed_ips_naming_them(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_usage_error(run_peer(ARGV("peer", "del", "alpha", "endpoint", "192.0.2.10"), &o, &c),
			   &c, "xtunnel peer", "peer del", "'endpoint'");
	assert_usage_error(
		run_peer(ARGV("peer", "del", "alpha", "allowed-ips", "10.20.0.0/16"), &o, &c), &c,
		"xtunnel peer", "peer del", "'allowed-ips'");
}

static void peer_missing_or_unknown_verb_is_usage_error(void **state)
{
	struct capture c;

	(void)state;
	assert_usage_error(run_cmd_peer(ARGV("peer"), &c), &c, "xtunnel peer",
			   "missing add, set or del", NULL);
	assert_usage_error(run_cmd_peer(ARGV("peer", "remove", "alpha"), &c), &c, "xtunnel peer",
			   "'remove'", "unknown command");
}

static void peer_missing_name_is_usage_error(void **state)
{
	static const char *const verbs[] = { "add", "set", "del" };
	struct peer_args o;
	struct capture c;
	char what[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		snprintf(what, sizeof(what), "peer %s: missing NAME", verbs[i]);
		assert_usage_error(run_peer(ARGV("peer", (char *)verbs[i]), &o, &c), &c,
				   "xtunnel peer", what, NULL);
	}
}

static void peer_keyword_without_value_names_the_keyword(void **state)
{
	static const char *const keys[] = { "endpoint", "allowed-ips", "dev" };
	struct peer_args o;
	struct capture c;
	char quoted[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		snprintf(quoted, sizeof(quoted), "'%s'", keys[i]);
		assert_usage_error(run_peer(ARGV("peer", "set", "alpha", (char *)keys[i]), &o, &c),
				   &c, "xtunnel peer", quoted, "needs a value");
	}
}

static void peer_unknown_keyword_is_named(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_usage_error(run_peer(ARGV("peer", "add", "alpha", "weight", "3"), &o, &c), &c,
			   "xtunnel peer", "'weight'", "unknown argument");
}

static void peer_add_takes_ipv6_endpoint_in_brackets_and_mixed_allowed_ips(void **state)
{
	char **argv = ARGV("peer", "add", "b", "endpoint", "[2001:db8::2]:4789", "allowed-ips",
			   "fd00:10::2/128,10.10.0.2/32");
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_int_equal(run_peer(argv, &o, &c), 0);
	assert_string_equal(c.text, "");
	assert_true(o.peer.has & XT_PEER_ENDPOINT);
	assert_ip_equal(o.peer.endpoint, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
	assert_int_equal(o.peer.port, 4789);
	assert_int_equal(o.peer.n_allowed, 2);
	assert_prefix_equal(o.peer.allowed[0], pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 2), 128));
	assert_prefix_equal(o.peer.allowed[1], pfx(ip4(10, 10, 0, 2), 32));
}

static void peer_set_takes_a_bare_ipv6_endpoint_without_port(void **state)
{
	struct peer_args o;
	struct capture c;

	(void)state;
	assert_int_equal(run_peer(ARGV("peer", "set", "b", "endpoint", "2001:db8::7"), &o, &c), 0);
	assert_ip_equal(o.peer.endpoint, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 7));
	assert_int_equal(o.peer.port, 0);
}

static void peer_bad_endpoint_names_the_endpoint(void **state)
{
	static const char *const bad[] = { "192.0.2.10:0",
					   "192.0.2.10:65536",
					   "192.0.2.10:",
					   "224.0.0.5",
					   "0.0.0.0",
					   "peer.example",
					   "[2001:db8::2]:0",
					   "ff02::1",
					   "[192.0.2.10]:4789",
					   "[2001:db8::2",
					   "::",
					   "[::ffff:192.0.2.10]:4789" };
	struct peer_args o;
	struct capture c;
	char quoted[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char **argv = ARGV("peer", "add", "alpha", "endpoint", (char *)bad[i],
				   "allowed-ips", "10.20.0.0/16");

		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_usage_error(run_peer(argv, &o, &c), &c, "xtunnel peer",
				   "endpoint: ", quoted);
	}
}

static void peer_bad_allowed_ips_names_the_bad_item(void **state)
{
	static const struct {
		const char *list, *item, *why;
	} bad[] = {
		{ "10.20.0.0/16,10.30.0.1/16", "'10.30.0.1/16'", "did you mean 10.30.0.0/16?" },
		{ "10.20.0.0/16,10.20.0.0/16", "'10.20.0.0/16'", "listed twice" },
		{ "10.20.0.0/16,ten", "'ten'", NULL },
		{ "10.20.0.0/16,fd00:10::1/64", "'fd00:10::1/64'", "did you mean fd00:10::/64?" },
		{ "fd00::/8,fd00::/8", "'fd00::/8'", "listed twice" },
		{ ",", "allowed-ips: ", "empty" },
	};
	struct peer_args o;
	struct capture c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char **argv = ARGV("peer", "add", "alpha", "endpoint", "192.0.2.10", "allowed-ips",
				   (char *)bad[i].list);

		assert_usage_error(run_peer(argv, &o, &c), &c, "xtunnel peer", bad[i].item,
				   bad[i].why);
	}
}

static void peer_allowed_ips_holds_xt_max_allowed_and_no_more(void **state)
{
	char list[(XT_MAX_ALLOWED + 1) * 16];
	struct peer_args o;
	struct capture c;
	char limit[32];
	size_t off = 0;
	int i;

	(void)state;
	for (i = 0; i < XT_MAX_ALLOWED; i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s10.%d.0.0/16",
					i ? "," : "", i);
	assert_int_equal(run_peer(ARGV("peer", "set", "alpha", "allowed-ips", list), &o, &c), 0);
	assert_int_equal(o.peer.n_allowed, XT_MAX_ALLOWED);
	snprintf(list + off, sizeof(list) - off, ",10.%d.0.0/16", XT_MAX_ALLOWED);
	snprintf(limit, sizeof(limit), "more than %d", XT_MAX_ALLOWED);
	assert_usage_error(run_peer(ARGV("peer", "set", "alpha", "allowed-ips", list), &o, &c), &c,
			   "xtunnel peer", "allowed-ips: ", limit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attach_uplink_alone_leaves_every_option_at_default),
		cmocka_unit_test(attach_vni_zero_is_given_not_default),
		cmocka_unit_test(attach_parses_every_keyword),
		cmocka_unit_test(attach_parses_the_l2_keywords),
		cmocka_unit_test(attach_rx_takes_each_mode_by_its_printed_name),
		cmocka_unit_test(attach_accepts_the_bounds_of_every_number),
		cmocka_unit_test(attach_missing_uplink_is_usage_error),
		cmocka_unit_test(attach_keyword_without_value_names_the_keyword),
		cmocka_unit_test(attach_unknown_keyword_is_named),
		cmocka_unit_test(attach_bad_value_names_keyword_and_value),
		cmocka_unit_test(attach_more_than_xt_max_addrs_is_usage_error),
		cmocka_unit_test(attach_xdp_mode_generic_needs_rx_xdp),
		cmocka_unit_test(attach_forward_from_takes_lists_and_repeats),
		cmocka_unit_test(attach_forward_from_refuses_empty_and_overlong_names),
		cmocka_unit_test(attach_forward_from_holds_xt_max_fwd_ports_and_no_more),
		cmocka_unit_test(attach_encap_takes_each_name),
		cmocka_unit_test(attach_key_takes_0_to_2_to_the_32_minus_1),
		cmocka_unit_test(attach_takes_ipv6_local_and_addresses_of_both_families),
		cmocka_unit_test(attach_local_force_is_a_word_after_the_address),
		cmocka_unit_test(peer_add_parses_name_endpoint_port_allowed_ips_and_dev),
		cmocka_unit_test(peer_add_without_port_or_dev_leaves_them_unset),
		cmocka_unit_test(peer_add_needs_an_endpoint),
		cmocka_unit_test(peer_flood_is_on_or_off),
		cmocka_unit_test(peer_set_needs_endpoint_or_allowed_ips),
		cmocka_unit_test(peer_del_takes_name_and_dev),
		cmocka_unit_test(peer_del_refuses_endpoint_and_allowed_ips_naming_them),
		cmocka_unit_test(peer_missing_or_unknown_verb_is_usage_error),
		cmocka_unit_test(peer_missing_name_is_usage_error),
		cmocka_unit_test(peer_keyword_without_value_names_the_keyword),
		cmocka_unit_test(peer_unknown_keyword_is_named),
		cmocka_unit_test(peer_add_takes_ipv6_endpoint_in_brackets_and_mixed_allowed_ips),
		cmocka_unit_test(peer_set_takes_a_bare_ipv6_endpoint_without_port),
		cmocka_unit_test(peer_bad_endpoint_names_the_endpoint),
		cmocka_unit_test(peer_bad_allowed_ips_names_the_bad_item),
		cmocka_unit_test(peer_allowed_ips_holds_xt_max_allowed_and_no_more),
	};

	return cmocka_run_group_tests_name("cli_parse", tests, NULL, NULL);
}
