// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the config file (config/): what the parser makes of every key, of sections
 * and comments, of hostile input (long lines, NUL bytes, huge numbers, many sections,
 * random bytes), and what save writes, byte for byte, and reads back. Expected values are
 * built from their parts (ip4, ip6, pfx) and expected text is written out here.
 */
#include <errno.h>
#include <stdlib.h>
#include <ini.h>
#include "unit.h"
#include "config.h"

/* Parses text (len bytes: it may hold NUL) as the file `name`. */
static int parse_as(const char *name, const char *text, size_t len, struct xt_desired *d)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int err;

	assert_non_null(f);
	err = xt_conf_parse(f, name, d);
	fclose(f);
	return err;
}

static int parse(const char *text, struct xt_desired *d)
{
	return parse_as("t.conf", text, strlen(text), d);
}

/* Parsing fails with exactly this message. */
static void assert_refused(const char *text, size_t len, const char *want)
{
	struct xt_desired d;

	if (parse_as("t.conf", text, len, &d) != -EINVAL)
		fail_because("accepted:\n%s", text);
	if (!xt_err_is_input() || strcmp(xt_errmsg(), want))
		fail_because("said \"%s\", expected \"%s\"", xt_errmsg(), want);
	assert_null(d.peers);
	assert_int_equal(d.n_peers, 0);
}

#define REFUSED(text, want) assert_refused(text, strlen(text), want)

static const char overlay_min[] = "[Overlay]\nUplink = eth0\n";

static void every_overlay_key_reads_into_its_setting(void **state)
{
	static const char text[] = "[Overlay]\n"
				   "Name = xt7\n"
				   "Uplink = eth1\n"
				   "Encap = gre\n"
				   "Key = 0\n"
				   "Local = 2001:db8::1\n"
				   "Address = 10.20.3.4/16, fd00:10::1/64\n"
				   "Address = 10.21.0.1/24\n"
				   "MTU = 1400\n"
				   "Receive = xdp\n"
				   "XDPMode = generic\n"
				   "ForwardFrom = lan0, lan1\n"
				   "ForwardFrom = lan2\n"
				   "MaxPeers = 64\n"
				   "MaxRoutes = 256\n";
	struct xt_desired d;
	const struct xt_overlay_spec *o = &d.overlay;

	(void)state;
	assert_int_equal(parse(text, &d), 0);
	assert_string_equal(o->dev, "xt7");
	assert_string_equal(o->uplink, "eth1");
	assert_int_equal(o->encap, XT_ENCAP_GRE);
	assert_int_equal(o->key, 0);
	assert_ip_equal(o->local, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	assert_int_equal(o->n_addrs, 3);
	assert_prefix_equal(o->addrs[0], pfx(ip4(10, 20, 3, 4), 16));
	assert_prefix_equal(o->addrs[1], pfx(ip6(0xfd00, 0x10, 0, 0, 0, 0, 0, 1), 64));
	assert_prefix_equal(o->addrs[2], pfx(ip4(10, 21, 0, 1), 24));
	assert_int_equal(o->mtu, 1400);
	assert_int_equal(o->rx, XT_RX_XDP);
	assert_int_equal(o->xdp_mode, XT_XDP_GENERIC);
	assert_int_equal(o->n_forward, 3);
	assert_string_equal(o->forward_from[0], "lan0");
	assert_string_equal(o->forward_from[1], "lan1");
	assert_string_equal(o->forward_from[2], "lan2");
	assert_int_equal(o->max_peers, 64);
	assert_int_equal(o->max_routes, 256);
	assert_int_equal(o->has, XT_OV_UPLINK | XT_OV_ENCAP | XT_OV_KEY | XT_OV_LOCAL |
					 XT_OV_ADDRS | XT_OV_MTU | XT_OV_RX | XT_OV_XDP_MODE |
					 XT_OV_FORWARD_FROM | XT_OV_MAX_PEERS | XT_OV_MAX_ROUTES);
	assert_int_equal(d.n_peers, 0);
	xt_desired_free(&d);
}

static void vni_and_port_read_for_udp_encapsulations(void **state)
{
	struct xt_desired d;

	(void)state;
	assert_int_equal(parse("[Overlay]\nUplink = eth0\nEncap = geneve\nVNI = 16777215\n"
			       "Port = 6082\n",
			       &d),
			 0);
	assert_int_equal(d.overlay.encap, XT_ENCAP_GENEVE);
	assert_int_equal(d.overlay.vni, 16777215);
	assert_int_equal(d.overlay.port, 6082);
	assert_int_equal(d.overlay.has, XT_OV_UPLINK | XT_OV_ENCAP | XT_OV_VNI | XT_OV_PORT);
	xt_desired_free(&d);
}

static void each_peer_section_is_a_peer(void **state)
{
	static const char text[] = "[Overlay]\nUplink = eth0\n"
				   "[Peer]\n"
				   "Name = alpha\n"
				   "Endpoint = 192.0.2.2:4790\n"
				   "AllowedIPs = 10.1.0.0/16, fd00:1::/64\n"
				   "AllowedIPs = 10.2.0.0/16\n"
				   "[Peer]\n" /* right after the last: a peer of its own */
				   "Name = beta\n"
				   "Endpoint = 192.0.2.3\n"
				   "Managed = true\n"
				   "[Peer]\n"
				   "Name = gamma\n"
				   "Endpoint = 192.0.2.4\n";
	struct xt_desired d;
	const struct xt_peer_spec *p;

	(void)state;
	assert_int_equal(parse(text, &d), 0);
	assert_int_equal(d.n_peers, 3);
	p = &d.peers[0];
	assert_string_equal(p->name, "alpha");
	assert_ip_equal(p->endpoint, ip4(192, 0, 2, 2));
	assert_int_equal(p->port, 4790);
	assert_int_equal(p->n_allowed, 3);
	assert_prefix_equal(p->allowed[0], pfx(ip4(10, 1, 0, 0), 16));
	assert_prefix_equal(p->allowed[1], pfx(ip6(0xfd00, 1, 0, 0, 0, 0, 0, 0), 64));
	assert_prefix_equal(p->allowed[2], pfx(ip4(10, 2, 0, 0), 16));
	assert_int_equal(p->has, XT_PEER_ENDPOINT | XT_PEER_ALLOWED);
	p = &d.peers[1];
	assert_string_equal(p->name, "beta");
	assert_int_equal(p->port, 0);
	assert_int_equal(p->flags, XT_PEER_F_MANAGED);
	assert_int_equal(p->has, XT_PEER_ENDPOINT | XT_PEER_FLAGS);
	/* A peer without AllowedIPs: one to be, with nothing routed to it yet. */
	assert_string_equal(d.peers[2].name, "gamma");
	assert_int_equal(d.peers[2].n_allowed, 0);
	xt_desired_free(&d);
}

static void comments_case_and_whitespace_as_wg_quick(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf# a comment\r\n"
		"; another\n"
		"  [ overlay ]  # the section, any case\n"
		"\tuplink=eth0;x ; a comment after a space; the first ';' is not\n"
		"NAME = a#b # the first '#' is in the name\n"
		"   \n"
		"[PEER]\n"
		"  name\t=  p1\t\r\n"
		"endpoint = [2001:db8::2]:8472 # port\n";
	struct xt_desired d;

	(void)state;
	assert_int_equal(parse(text, &d), 0);
	assert_string_equal(d.overlay.uplink, "eth0;x");
	assert_string_equal(d.overlay.dev, "a#b");
	assert_int_equal(d.n_peers, 1);
	assert_string_equal(d.peers[0].name, "p1");
	assert_ip_equal(d.peers[0].endpoint, ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2));
	assert_int_equal(d.peers[0].port, 8472);
	xt_desired_free(&d);
}

static void name_defaults_to_the_file_name(void **state)
{
	struct xt_desired d;

	(void)state;
	assert_int_equal(parse_as("/etc/xtunnel/site7.conf", overlay_min, strlen(overlay_min), &d),
			 0);
	assert_string_equal(d.overlay.dev, "site7");
	xt_desired_free(&d);
	assert_int_equal(parse_as("/dev/stdin", overlay_min, strlen(overlay_min), &d), -EINVAL);
	assert_string_equal(xt_errmsg(),
			    "/dev/stdin:1: [Overlay] has no Name, and the file's name is not "
			    "NAME.conf");
	assert_int_equal(parse_as("/x/abcdefghijklmn.conf", overlay_min, strlen(overlay_min), &d),
			 -EINVAL);
	assert_string_equal(xt_errmsg(),
			    "/x/abcdefghijklmn.conf:1: [Overlay] has no Name, and 'abcdefghijklmn' "
			    "(the file's) is longer than 13 characters");
}

/* A list longer than inih's line of 200 bytes is read whole, every item on its line. */
static void a_long_list_is_read_whole(void **state)
{
	enum { N = 3000 };
	size_t cap = 64 + (size_t)N * 20, len;
	char *text = malloc(cap);
	struct xt_desired d;
	int i;

	(void)state;
	assert_non_null(text);
	len = (size_t)snprintf(text, cap,
			       "[Overlay]\nUplink = eth0\n[Peer]\nName = p\n"
			       "Endpoint = 192.0.2.2\nAllowedIPs = ");
	for (i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s10.%d.%d.0/24", i ? ", " : "",
					i / 256, i % 256);
	len += (size_t)snprintf(text + len, cap - len, "\nAllowedIPs = 172.16.0.0/12\n");
	assert_true(len > 40000);
	assert_int_equal(parse_as("t.conf", text, len, &d), 0);
	assert_int_equal(d.peers[0].n_allowed, N + 1);
	for (i = 0; i < N; i++)
		assert_prefix_equal(d.peers[0].allowed[i],
				    pfx(ip4(10, (uint8_t)(i / 256), (uint8_t)(i % 256), 0), 24));
	assert_prefix_equal(d.peers[0].allowed[N], pfx(ip4(172, 16, 0, 0), 12));
	xt_desired_free(&d);
	/* An error in the long line is on that line; one past it, on the next. */
	memcpy(strstr(text, "10.11.7.0/24"), "10.11.7.1", 9);
	assert_int_equal(parse_as("t.conf", text, len, &d), -EINVAL);
	assert_string_equal(xt_errmsg(), "t.conf:6: AllowedIPs: '10.11.7.1/24' has host bits set "
					 "(did you mean 10.11.7.0/24?)");
	free(text);
}

static void hostile_lines_are_refused_with_their_line(void **state)
{
	static const char nul[] = "[Overlay]\nUplink = eth0\nMTU = 14\0000\n";
	char *longline = malloc(20000);

	(void)state;
	assert_non_null(longline);
	char want[80];

	/* A key that takes no list, 20,000 bytes long: inih's line has INI_MAX_LINE bytes. */
	memset(longline, 'x', 19999);
	longline[19999] = '\0';
	memcpy(longline, "[Overlay]\nName = ", 17);
	snprintf(want, sizeof(want), "t.conf:2: longer than %d characters", INI_MAX_LINE - 1);
	REFUSED(longline, want);
	/* One item of a list longer than a line. */
	memcpy(longline, "[Overlay]\nUplink = eth0\nAddress = ", 34);
	snprintf(want, sizeof(want), "t.conf:3: Address: an item longer than %d characters",
		 INI_MAX_LINE - 2);
	REFUSED(longline, want);
	free(longline);
	assert_refused(nul, sizeof(nul) - 1, "t.conf:3: a NUL byte in the line");
	REFUSED("[Overlay]\nUplink = eth0\nVNI = 99999999999999999999999\n",
		"t.conf:3: VNI: '99999999999999999999999' is not a number from 0 to 16777215");
	REFUSED("[Overlay]\nUplink = eth0\nMaxPeers = -1\n",
		"t.conf:3: MaxPeers: '-1' is not a number from 1 to 1048576");
	REFUSED("[Overlay]\nUplink = eth0\nMTU = 0x500\n",
		"t.conf:3: MTU: '0x500' is not a number from 68 to 65535");
	REFUSED("[Overlay\nUplink = eth0\n",
		"t.conf:1: '[Overlay': a section header ends with ']'");
	REFUSED("[]\n", "t.conf:1: unknown section [] (a file has [Overlay] and [Peer])");
	REFUSED("Uplink: eth0\n", "t.conf:1: 'Uplink: eth0' is not 'Key = Value'");
	REFUSED("[Overlay]\nUplink eth0\n", "t.conf:2: 'Uplink eth0' is not 'Key = Value'");
	REFUSED("", "t.conf: no [Overlay] section");
	REFUSED("# nothing but a comment\n\n", "t.conf: no [Overlay] section");
}

/* 100,000 peers: read, and checked together (sorted, one pass), quickly; the last one's
 * endpoint made the first one's is found, on its line. */
static void many_sections_are_read(void **state)
{
	enum { N = 100000 };
	size_t cap = (size_t)N * 100 + 64, len = 0;
	char *text = malloc(cap);
	struct xt_desired d;
	int i, last;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text, cap,
				"[Overlay]\nUplink = eth0\nMaxPeers = %d\nMaxRoutes = %d\n", N, N);
	for (i = 0; i < N; i++) {
		last = i == N - 1 ? 0 : i; /* the last peer's endpoint: the first one's */
		len += (size_t)snprintf(text + len, cap - len,
					"[Peer]\nName = p%d\nEndpoint = 172.%d.%d.%d\n"
					"AllowedIPs = 10.%d.%d.%d/32\n",
					i, 16 + (last >> 16), (last >> 8) & 255, last & 255,
					i >> 16, (i >> 8) & 255, i & 255);
	}
	assert_int_equal(parse_as("t.conf", text, len, &d), -EINVAL);
	/* Lines: 4 of [Overlay], then 4 per peer: its Endpoint is the third of them. */
	assert_string_equal(xt_errmsg(), "t.conf:400003: peer p99999: endpoint 172.16.0.0 is "
					 "peer p0's already (line 7)");
	memcpy(strstr(text, "p99999\nEndpoint = 172.16.0.0") + 22, "31", 2);
	assert_int_equal(parse_as("t.conf", text, len, &d), 0);
	assert_int_equal(d.n_peers, N);
	assert_string_equal(d.peers[N - 1].name, "p99999");
	assert_ip_equal(d.peers[N - 1].endpoint, ip4(172, 31, 0, 0));
	xt_desired_free(&d);
	free(text);
}

/* Random bytes, and valid files with random bytes changed: never a crash, and every error
 * says "FILE:" first. The seed is fixed, so a failure is replayed by running the test. */
static void random_input_is_refused_cleanly(void **state)
{
	static const char valid[] = "[Overlay]\nName = xt0\nUplink = eth0\nEncap = vxlan\n"
				    "VNI = 7\nAddress = 10.0.0.1/24, fd00::1/64\n"
				    "[Peer]\nName = a\nEndpoint = 192.0.2.2:4789\n"
				    "AllowedIPs = 10.1.0.0/16, fd00:1::/64\nManaged = true\n";
	char text[sizeof(valid) + 64];
	struct xt_desired d;
	unsigned int seed = 14;
	int i, j, accepted = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		size_t len = sizeof(valid) - 1;

		memcpy(text, valid, len);
		if (i % 4 == 0) {
			for (j = 0; j < (int)len; j++)
				text[j] = (char)(rand_r(&seed) & 0xff);
		} else {
			for (j = 0; j < 1 + i % 5; j++)
				text[rand_r(&seed) % len] = (char)(rand_r(&seed) & 0xff);
		}
		if (!parse_as("t.conf", text, len, &d)) {
			accepted++;
			xt_desired_free(&d);
		} else if (strncmp(xt_errmsg(), "t.conf:", 7)) {
			fail_because("case %d: error \"%s\" does not start with the file", i,
				     xt_errmsg());
		}
	}
	/* Some changes leave a valid file (a letter of a comment, of a name). */
	assert_true(accepted > 0);
}

/* ---- save ---- */

static struct xt_prefix prefixes[8];

/* An overlay as show would return it, built by hand. */
static void gre_state(struct xt_overlay_state *ov, struct xt_peer_state *peers)
{
	memset(ov, 0, sizeof(*ov));
	memset(peers, 0, 3 * sizeof(*peers));
	snprintf(ov->spec.dev, IF_NAMESIZE, "xt9");
	snprintf(ov->spec.uplink, IF_NAMESIZE, "ua");
	ov->spec.has = XT_OV_UPLINK | XT_OV_ENCAP | XT_OV_KEY | XT_OV_LOCAL | XT_OV_ADDRS |
		       XT_OV_MTU | XT_OV_RX | XT_OV_XDP_MODE | XT_OV_MAX_PEERS | XT_OV_MAX_ROUTES |
		       XT_OV_FORWARD_FROM;
	ov->spec.encap = XT_ENCAP_GRE;
	ov->spec.key = 0;
	ov->spec.local = ip4(192, 0, 2, 1);
	/* The kernel's order: IPv4 as added, IPv6 newest first. */
	ov->spec.addrs[0] = pfx(ip4(10, 9, 0, 1), 24);
	ov->spec.addrs[1] = pfx(ip4(10, 8, 0, 1), 24);
	ov->spec.addrs[2] = pfx(ip6(0xfd00, 9, 0, 0, 0, 0, 0, 1), 64);
	ov->spec.addrs[3] = pfx(ip6(0xfd00, 8, 0, 0, 0, 0, 0, 1), 64);
	ov->spec.n_addrs = 4;
	ov->spec.mtu = 1476;
	ov->spec.rx = XT_RX_AUTO;
	ov->spec.xdp_mode = XT_XDP_GENERIC;
	ov->spec.max_peers = 10;
	ov->spec.max_routes = 100;
	snprintf(ov->spec.forward_from[0], IF_NAMESIZE, "lan1");
	snprintf(ov->spec.forward_from[1], IF_NAMESIZE, "lan0");
	ov->spec.n_forward = 2;
	prefixes[0] = pfx(ip6(0xfd00, 2, 0, 0, 0, 0, 0, 0), 64);
	prefixes[1] = pfx(ip4(10, 2, 0, 0), 16);
	prefixes[2] = pfx(ip4(10, 1, 0, 0), 16);
	prefixes[3] = pfx(ip4(10, 1, 0, 0), 24);
	snprintf(peers[0].spec.name, XT_PEER_NAME_LEN, "a");
	peers[0].spec.endpoint = ip4(192, 0, 2, 2);
	peers[0].spec.allowed = prefixes;
	peers[0].spec.n_allowed = 4;
	peers[0].spec.has = XT_PEER_ENDPOINT | XT_PEER_ALLOWED | XT_PEER_FLAGS;
	snprintf(peers[1].spec.name, XT_PEER_NAME_LEN, "b");
	peers[1].spec.endpoint = ip4(192, 0, 2, 3);
	peers[1].spec.flags = XT_PEER_F_MANAGED;
	peers[1].spec.has = XT_PEER_ENDPOINT | XT_PEER_ALLOWED | XT_PEER_FLAGS;
	ov->peers = peers;
	ov->n_peers = 2;
}

static char *written(const struct xt_overlay_state *ov, int *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	*err = xt_conf_write(f, ov);
	fclose(f);
	return text;
}

static void save_writes_every_setting_in_one_order(void **state)
{
	static const char want[] =
		"# Written by xtunnel save; xtunnel up makes the overlay again. xtunnel.conf(5)\n"
		"[Overlay]\n"
		"Name = xt9\n"
		"Uplink = ua\n"
		"Encap = gre\n"
		"Key = 0\n"
		"Local = 192.0.2.1\n"
		"Address = 10.9.0.1/24, 10.8.0.1/24, fd00:8::1/64, fd00:9::1/64\n"
		"MTU = 1476\n"
		"Receive = auto\n"
		"XDPMode = generic\n"
		"ForwardFrom = lan0, lan1\n"
		"MaxPeers = 10\n"
		"MaxRoutes = 100\n"
		"\n"
		"[Peer]\n"
		"Name = a\n"
		"Endpoint = 192.0.2.2\n"
		"AllowedIPs = 10.1.0.0/16, 10.1.0.0/24, 10.2.0.0/16, fd00:2::/64\n"
		"\n"
		"[Peer]\n"
		"Name = b\n"
		"Endpoint = 192.0.2.3\n"
		"Managed = true\n";
	struct xt_peer_state peers[3];
	struct xt_overlay_state ov;
	struct xt_desired d;
	char *text;
	int err, i;

	(void)state;
	gre_state(&ov, peers);
	text = written(&ov, &err);
	assert_int_equal(err, 0);
	assert_string_equal(text, want);
	/* Read back: the same overlay. */
	assert_int_equal(parse(text, &d), 0);
	assert_string_equal(d.overlay.dev, "xt9");
	assert_int_equal(d.overlay.encap, XT_ENCAP_GRE);
	assert_true(d.overlay.has & XT_OV_KEY);
	assert_int_equal(d.overlay.n_addrs, 4);
	assert_int_equal(d.overlay.n_forward, 2);
	assert_int_equal(d.n_peers, 2);
	assert_int_equal(d.peers[0].n_allowed, 4);
	static const int order[] = { 2, 3, 1, 0 }; /* show's prefixes, in the order written */
	for (i = 0; i < 4; i++)
		assert_prefix_equal(d.peers[0].allowed[i], prefixes[order[i]]);
	assert_int_equal(d.peers[1].flags, XT_PEER_F_MANAGED);
	free(text);
	xt_desired_free(&d);
}

static void save_writes_a_port_only_where_it_is_not_the_overlays(void **state)
{
	struct xt_peer_state peers[3];
	struct xt_overlay_state ov;
	char *text;
	int err;

	(void)state;
	gre_state(&ov, peers);
	ov.spec.encap = XT_ENCAP_VXLAN;
	ov.spec.has = (ov.spec.has & ~(uint32_t)XT_OV_KEY) | XT_OV_VNI | XT_OV_PORT;
	ov.spec.vni = 5;
	ov.spec.port = 4789;
	peers[0].spec.port = 4789;
	peers[1].spec.port = 8472;
	text = written(&ov, &err);
	assert_int_equal(err, 0);
	assert_non_null(strstr(text, "Encap = vxlan\nVNI = 5\nPort = 4789\nLocal"));
	assert_null(strstr(text, "Key ="));
	assert_non_null(strstr(text, "Name = a\nEndpoint = 192.0.2.2\n"));
	assert_non_null(strstr(text, "Name = b\nEndpoint = 192.0.2.3:8472\n"));
	free(text);
}

static void save_refuses_what_a_file_cannot_say(void **state)
{
	struct xt_peer_state peers[3];
	struct xt_overlay_state ov;
	char *text;
	int err;

	(void)state;
	gre_state(&ov, peers);
	peers[1].spec.flags |= XT_PEER_F_FLOOD;
	text = written(&ov, &err);
	assert_int_equal(err, -EINVAL);
	assert_string_equal(xt_errmsg(),
			    "peer b has flags (0x3) a config file cannot say yet: not saved");
	free(text);
	gre_state(&ov, peers);
	ov.spec.has &= ~(uint32_t)XT_OV_UPLINK;
	text = written(&ov, &err);
	assert_int_equal(err, -ENODEV);
	free(text);
}

/* A thousand peers each with a long list: written in lines of at most 80 characters, and
 * read back to the same lists. */
static void save_wraps_long_lists_and_reads_them_back(void **state)
{
	enum { N = 500 };
	static struct xt_prefix many[N];
	struct xt_peer_state peers[3];
	struct xt_overlay_state ov;
	struct xt_desired d;
	char *text, *line;
	int err, i;

	(void)state;
	gre_state(&ov, peers);
	for (i = 0; i < N; i++)
		many[i] = pfx(ip4(10, (uint8_t)(100 + i / 256), (uint8_t)(i % 256), 0), 24);
	peers[1].spec.allowed = many;
	peers[1].spec.n_allowed = N;
	ov.spec.max_routes = 2 * N;
	text = written(&ov, &err);
	assert_int_equal(err, 0);
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		assert_true(strcspn(line, "\n") <= 80);
	if (parse(text, &d))
		fail_because("%s", xt_errmsg());
	assert_int_equal(d.peers[1].n_allowed, N);
	for (i = 0; i < N; i++)
		assert_prefix_equal(d.peers[1].allowed[i], many[i]);
	xt_desired_free(&d);
	free(text);
}

static void conf_path_finds_names_in_etc_and_refuses_tricks(void **state)
{
	char path[256];

	(void)state;
	assert_int_equal(xt_conf_path("site1", path, sizeof(path)), 0);
	assert_string_equal(path, "/etc/xtunnel/site1.conf");
	assert_int_equal(xt_conf_path("./site1", path, sizeof(path)), 0);
	assert_string_equal(path, "./site1");
	assert_int_equal(xt_conf_path("other.conf", path, sizeof(path)), 0);
	assert_string_equal(path, "other.conf");
	assert_int_equal(xt_conf_path("..", path, sizeof(path)), -EINVAL);
	assert_int_equal(xt_conf_path("", path, sizeof(path)), -EINVAL);
	assert_int_equal(xt_conf_path("a b", path, sizeof(path)), -EINVAL);
	assert_int_equal(xt_conf_path("abcdefghijklmnopq", path, sizeof(path)), -EINVAL);
	assert_true(xt_conf_is_path("../x"));
	assert_false(xt_conf_is_path("x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_overlay_key_reads_into_its_setting),
		cmocka_unit_test(vni_and_port_read_for_udp_encapsulations),
		cmocka_unit_test(each_peer_section_is_a_peer),
		cmocka_unit_test(comments_case_and_whitespace_as_wg_quick),
		cmocka_unit_test(name_defaults_to_the_file_name),
		cmocka_unit_test(a_long_list_is_read_whole),
		cmocka_unit_test(hostile_lines_are_refused_with_their_line),
		cmocka_unit_test(many_sections_are_read),
		cmocka_unit_test(random_input_is_refused_cleanly),
		cmocka_unit_test(save_writes_every_setting_in_one_order),
		cmocka_unit_test(save_writes_a_port_only_where_it_is_not_the_overlays),
		cmocka_unit_test(save_refuses_what_a_file_cannot_say),
		cmocka_unit_test(save_wraps_long_lists_and_reads_them_back),
		cmocka_unit_test(conf_path_finds_names_in_etc_and_refuses_tricks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
