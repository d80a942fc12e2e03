// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests of the names in loader/names.c: reasons (their words and JSON keys),
 * encapsulations, receive and XDP modes, GSO paths, and the rules for device names. */
#include <errno.h>
#include <limits.h>
#include "unit.h"
#include "xtunnel.h"

static void reason_names_are_known_and_nonempty(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < XT_REASON_COUNT; i++) {
		const char *name = xt_reason_name((enum xt_reason)i);

		if (!name || !*name || !strcmp(name, "unknown"))
			fail_because("reason %d has no name of its own (\"%s\")", i,
				     name ? name : "(null)");
	}
}

static void reason_names_are_distinct(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < XT_REASON_COUNT; i++)
		for (j = i + 1; j < XT_REASON_COUNT; j++)
			if (!strcmp(xt_reason_name((enum xt_reason)i),
				    xt_reason_name((enum xt_reason)j)))
				fail_because("reasons %d and %d are both \"%s\"", i, j,
					     xt_reason_name((enum xt_reason)i));
}

/* The names are JSON keys and words in `show`: lower case, digits and '-' only. */
static void reason_names_are_lowercase_words_joined_by_dashes(void **state)
{
	const char *c;
	int i;

	(void)state;
	for (i = 0; i < XT_REASON_COUNT; i++) {
		const char *name = xt_reason_name((enum xt_reason)i);

		for (c = name; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
				fail_because("reason %d: \"%s\" has '%c'", i, name, *c);
		if (name[0] == '-' || name[strlen(name) - 1] == '-')
			fail_because("reason %d: \"%s\" starts or ends with '-'", i, name);
	}
}

/* XT_PASS_* are named pass-..., XT_DROP_* drop-...; the handled ones are the verbs. */
static void reason_names_follow_their_enum_class(void **state)
{
	int i;

	(void)state;
	assert_string_equal(xt_reason_name(XT_OK_ENCAP), "encap");
	assert_string_equal(xt_reason_name(XT_OK_DECAP), "decap");
	assert_string_equal(xt_reason_name(XT_OK_SEGMENT), "segment");
	assert_string_equal(xt_reason_name(XT_OK_VXLAN_DEV), "vxlan-device");
	assert_string_equal(xt_reason_name(XT_OK_FWD_ENCAP), "forward-encap");
	assert_string_equal(xt_reason_name(XT_OK_FWD_DECAP), "forward-decap");
	assert_int_equal(XT_OK_FWD_DECAP + 1, XT_PASS_NOT_IP);
	for (i = XT_PASS_NOT_IP; i <= XT_PASS_OTHER_HOST; i++) {
		const char *name = xt_reason_name((enum xt_reason)i);

		if (strncmp(name, "pass-", 5))
			fail_because("pass reason %d is \"%s\"", i, name);
	}
	assert_int_equal(XT_PASS_OTHER_HOST + 1, XT_DROP_MALFORMED);
	for (i = XT_DROP_MALFORMED; i <= XT_DROP_EXT_HEADERS; i++) {
		const char *name = xt_reason_name((enum xt_reason)i);

		if (strncmp(name, "drop-", 5))
			fail_because("drop reason %d is \"%s\"", i, name);
	}
	/* The L2 overlays' reasons came later and follow, handled ones first. */
	assert_int_equal(XT_DROP_EXT_HEADERS + 1, XT_OK_FLOOD);
	assert_string_equal(xt_reason_name(XT_OK_FLOOD), "flood");
	assert_string_equal(xt_reason_name(XT_OK_ARP_SUPPRESSED), "arp-suppressed");
	assert_string_equal(xt_reason_name(XT_OK_ND_SUPPRESSED), "nd-suppressed");
	assert_int_equal(XT_OK_ND_SUPPRESSED + 1, XT_DROP_UNKNOWN_VTEP);
	for (i = XT_DROP_UNKNOWN_VTEP; i < XT_REASON_COUNT; i++) {
		const char *name = xt_reason_name((enum xt_reason)i);

		if (strncmp(name, "drop-", 5))
			fail_because("drop reason %d is \"%s\"", i, name);
	}
	assert_int_equal(XT_DROP_NO_FLOOD_PEER + 1, XT_REASON_COUNT);
}

static void reason_names_spell_the_enum_names(void **state)
{
	(void)state;
	assert_string_equal(xt_reason_name(XT_PASS_NOT_IP), "pass-not-ip");
	assert_string_equal(xt_reason_name(XT_PASS_FRAGMENT), "pass-fragment");
	assert_string_equal(xt_reason_name(XT_PASS_NOT_LOCAL), "pass-not-local");
	assert_string_equal(xt_reason_name(XT_PASS_OTHER_PROTO), "pass-other-proto");
	assert_string_equal(xt_reason_name(XT_PASS_OTHER_PORT), "pass-other-port");
	assert_string_equal(xt_reason_name(XT_PASS_OTHER_VNI), "pass-other-vni");
	assert_string_equal(xt_reason_name(XT_PASS_OTHER_KEY), "pass-other-key");
	assert_string_equal(xt_reason_name(XT_PASS_UNKNOWN_PEER), "pass-unknown-peer");
	assert_string_equal(xt_reason_name(XT_PASS_OTHER_HOST), "pass-other-host");
	assert_string_equal(xt_reason_name(XT_DROP_MALFORMED), "drop-malformed");
	assert_string_equal(xt_reason_name(XT_DROP_VXLAN_FLAGS), "drop-vxlan-flags");
	assert_string_equal(xt_reason_name(XT_DROP_GENEVE_HEADER), "drop-geneve-header");
	assert_string_equal(xt_reason_name(XT_DROP_GENEVE_CRITICAL), "drop-geneve-critical");
	assert_string_equal(xt_reason_name(XT_DROP_GRE_FLAGS), "drop-gre-flags");
	assert_string_equal(xt_reason_name(XT_DROP_SPOOFED), "drop-spoofed");
	assert_string_equal(xt_reason_name(XT_DROP_LINK_LOCAL), "drop-link-local");
	assert_string_equal(xt_reason_name(XT_DROP_INNER_PROTO), "drop-inner-proto");
	assert_string_equal(xt_reason_name(XT_DROP_NO_ROUTE), "drop-no-route");
	assert_string_equal(xt_reason_name(XT_DROP_RELAY), "drop-relay");
	assert_string_equal(xt_reason_name(XT_DROP_KERNEL_SOCKET), "drop-kernel-socket");
	assert_string_equal(xt_reason_name(XT_DROP_ENCAP_FAILED), "drop-encap-failed");
	assert_string_equal(xt_reason_name(XT_DROP_DECAP_FAILED), "drop-decap-failed");
	assert_string_equal(xt_reason_name(XT_DROP_OUTER_CHECKSUM), "drop-outer-checksum");
	assert_string_equal(xt_reason_name(XT_DROP_EXT_HEADERS), "drop-ext-headers");
	assert_string_equal(xt_reason_name(XT_DROP_UNKNOWN_VTEP), "drop-unknown-vtep");
	assert_string_equal(xt_reason_name(XT_DROP_SOURCE_MAC), "drop-source-mac");
	assert_string_equal(xt_reason_name(XT_DROP_STATIC_MAC), "drop-static-mac");
	assert_string_equal(xt_reason_name(XT_DROP_MAC_LIMIT), "drop-mac-limit");
	assert_string_equal(xt_reason_name(XT_DROP_FDB_FULL), "drop-fdb-full");
	assert_string_equal(xt_reason_name(XT_DROP_NO_FLOOD_PEER), "drop-no-flood-peer");
}

static void reason_name_out_of_range_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(xt_reason_name(XT_REASON_COUNT), "unknown");
	assert_string_equal(xt_reason_name((enum xt_reason)(XT_REASON_COUNT + 1)), "unknown");
	assert_string_equal(xt_reason_name((enum xt_reason) - 1), "unknown");
	assert_string_equal(xt_reason_name((enum xt_reason)INT_MAX), "unknown");
	assert_string_equal(xt_reason_name((enum xt_reason)INT_MIN), "unknown");
}

/* The spelling `attach ... encap vxlan|geneve|gre|ipip` takes and `show` prints. */
static void encap_names_are_the_attach_keywords(void **state)
{
	(void)state;
	assert_string_equal(xt_encap_name(XT_ENCAP_VXLAN), "vxlan");
	assert_string_equal(xt_encap_name(XT_ENCAP_GENEVE), "geneve");
	assert_string_equal(xt_encap_name(XT_ENCAP_GRE), "gre");
	assert_string_equal(xt_encap_name(XT_ENCAP_IPIP), "ipip");
	assert_int_equal(XT_ENCAP_IPIP + 1, XT_ENCAP_COUNT);
}

static void encap_name_out_of_range_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(xt_encap_name(XT_ENCAP_COUNT), "unknown");
	assert_string_equal(xt_encap_name((enum xt_encap) - 1), "unknown");
	assert_string_equal(xt_encap_name((enum xt_encap)INT_MAX), "unknown");
}

static void parse_encap_takes_each_name_and_gives_its_value(void **state)
{
	enum xt_encap e;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(encap_keywords); i++) {
		e = XT_ENCAP_COUNT;
		if (xt_parse_encap(encap_keywords[i].name, &e))
			fail_because("'%s' refused: %s", encap_keywords[i].name, xt_errmsg());
		assert_int_equal(e, encap_keywords[i].encap);
	}
}

static void parse_encap_refuses_others_naming_them_and_the_choices(void **state)
{
	static const char *const bad[] = { "VXLAN",  "gre ",	"",	 "vxlan6",
					   "ip6ip6", "unknown", "nvgre", "gretap" };
	enum xt_encap e = XT_ENCAP_GENEVE;
	char quoted[32];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_encap(bad[i], &e) != -EINVAL)
			fail_because("'%s' was accepted as an encapsulation", bad[i]);
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		if (!strstr(xt_errmsg(), quoted) ||
		    !strstr(xt_errmsg(), "vxlan, geneve, gre or ipip"))
			fail_because("'%s': message \"%s\"", bad[i], xt_errmsg());
		assert_true(xt_err_is_input());
	}
	assert_int_equal(xt_parse_encap(NULL, &e), -EINVAL);
	assert_int_equal(e, XT_ENCAP_GENEVE);
}

/* The spelling `attach ... rx auto|xdp|tc` takes. */
static void rx_mode_names_are_the_attach_keywords(void **state)
{
	(void)state;
	assert_string_equal(xt_rx_mode_name(XT_RX_AUTO), "auto");
	assert_string_equal(xt_rx_mode_name(XT_RX_XDP), "xdp");
	assert_string_equal(xt_rx_mode_name(XT_RX_TC), "tc");
}

static void rx_mode_name_out_of_range_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(xt_rx_mode_name((enum xt_rx_mode)(XT_RX_TC + 1)), "unknown");
	assert_string_equal(xt_rx_mode_name((enum xt_rx_mode) - 1), "unknown");
	assert_string_equal(xt_rx_mode_name((enum xt_rx_mode)INT_MAX), "unknown");
}

/* The JSON keys (show -j): identifiers jq takes as they are (.counters.drop_spoofed), and
 * the words with '_' for '-', so that one list gives both. */
static void reason_keys_are_identifiers_spelling_the_words(void **state)
{
	char want[64];
	const char *c;
	int i;

	(void)state;
	for (i = 0; i < XT_REASON_COUNT; i++) {
		const char *key = xt_reason_key((enum xt_reason)i);

		if (!((key[0] >= 'a' && key[0] <= 'z') || key[0] == '_'))
			fail_because("reason %d: key \"%s\" does not start with [a-z_]", i, key);
		for (c = key; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
				fail_because("reason %d: key \"%s\" has '%c'", i, key, *c);
		snprintf(want, sizeof(want), "%s", xt_reason_name((enum xt_reason)i));
		for (c = want; *c; c++)
			if (*c == '-')
				want[c - want] = '_';
		assert_string_equal(key, want);
	}
	assert_string_equal(xt_reason_key(XT_OK_ENCAP), "encap");
	assert_string_equal(xt_reason_key(XT_OK_VXLAN_DEV), "vxlan_device");
	assert_string_equal(xt_reason_key(XT_PASS_NOT_IP), "pass_not_ip");
	assert_string_equal(xt_reason_key(XT_DROP_SPOOFED), "drop_spoofed");
	assert_string_equal(xt_reason_key(XT_DROP_EXT_HEADERS), "drop_ext_headers");
	assert_string_equal(xt_reason_key(XT_REASON_COUNT), "unknown");
	assert_string_equal(xt_reason_key((enum xt_reason) - 1), "unknown");
}

/* The spelling `attach ... rx` and `xdp-mode` take and show prints, and back. */
static void rx_and_xdp_modes_parse_their_names_and_refuse_others(void **state)
{
	static const struct {
		const char *name;
		enum xt_rx_mode mode;
	} rx[] = { { "auto", XT_RX_AUTO }, { "xdp", XT_RX_XDP }, { "tc", XT_RX_TC } };
	enum xt_rx_mode r;
	enum xt_xdp_mode x;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rx); i++) {
		r = XT_RX_MODE_COUNT;
		if (xt_parse_rx_mode(rx[i].name, &r))
			fail_because("rx '%s' refused: %s", rx[i].name, xt_errmsg());
		assert_int_equal(r, rx[i].mode);
	}
	assert_string_equal(xt_xdp_mode_name(XT_XDP_NATIVE), "native");
	assert_string_equal(xt_xdp_mode_name(XT_XDP_GENERIC), "generic");
	assert_string_equal(xt_xdp_mode_name(XT_XDP_MODE_COUNT), "unknown");
	assert_int_equal(xt_parse_xdp_mode("generic", &x), 0);
	assert_int_equal(x, XT_XDP_GENERIC);
	assert_int_equal(xt_parse_xdp_mode("native", &x), 0);
	assert_int_equal(x, XT_XDP_NATIVE);

	r = XT_RX_TC;
	assert_int_equal(xt_parse_rx_mode("fast", &r), -EINVAL);
	assert_string_equal(xt_errmsg(), "'fast' is not auto, xdp or tc");
	assert_true(xt_err_is_input());
	assert_int_equal(r, XT_RX_TC);
	assert_int_equal(xt_parse_rx_mode("TC", &r), -EINVAL);
	assert_int_equal(xt_parse_xdp_mode("turbo", &x), -EINVAL);
	assert_string_equal(xt_errmsg(), "'turbo' is not native or generic");
	assert_int_equal(xt_parse_xdp_mode(NULL, &x), -EINVAL);
}

/* attach ... mode: the names show prints, and back. */
static void modes_parse_their_names_and_refuse_others(void **state)
{
	enum xt_mode m = XT_MODE_COUNT;

	(void)state;
	assert_string_equal(xt_mode_name(XT_MODE_L3), "l3");
	assert_string_equal(xt_mode_name(XT_MODE_L2), "l2");
	assert_string_equal(xt_mode_name(XT_MODE_COUNT), "unknown");
	assert_int_equal(xt_parse_mode("l2", &m), 0);
	assert_int_equal(m, XT_MODE_L2);
	assert_int_equal(xt_parse_mode("l3", &m), 0);
	assert_int_equal(m, XT_MODE_L3);
	assert_int_equal(xt_parse_mode("bridge", &m), -EINVAL);
	assert_string_equal(xt_errmsg(), "'bridge' is not l3 or l2");
	assert_true(xt_err_is_input());
	assert_int_equal(m, XT_MODE_L3);
}

/* A station's MAC, with colons or dashes, either case; printed with colons, lower case. */
static void mac_parses_stations_and_prints_them_back(void **state)
{
	static const char *const bad[] = { "",
					   "02:00:00:00:00",
					   "02:00:00:00:00:01:02",
					   "02:00:00:00:00:1",
					   "2:00:00:00:00:01",
					   "02:00:00:00:00:0x",
					   "02:00-00:00:00:01",
					   "02.00.00.00.00.01",
					   "ff:ff:ff:ff:ff:ff",
					   "33:33:00:00:00:01",
					   "00:00:00:00:00:00",
					   " 02:00:00:00:00:01",
					   "02:00:00:00:00: 1",
					   "02:00:00:00:00:-1",
					   "02:00:00:00:00:+1" };
	static const uint8_t want[6] = { 0x02, 0xab, 0x00, 0xef, 0x10, 0x09 };
	uint8_t mac[6];
	char text[18];
	size_t i;

	(void)state;
	assert_int_equal(xt_parse_mac("02:AB:00:ef:10:09", mac), 0);
	assert_memory_equal(mac, want, 6);
	memset(mac, 0, sizeof(mac));
	assert_int_equal(xt_parse_mac("02-ab-00-EF-10-09", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(xt_format_mac(want, text, sizeof(text)), 0);
	assert_string_equal(text, "02:ab:00:ef:10:09");
	assert_int_equal(xt_format_mac(want, text, sizeof(text) - 1), -ENOSPC);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_parse_mac(bad[i], mac) != -EINVAL)
			fail_because("'%s' taken as a MAC", bad[i]);
		assert_true(xt_err_is_input());
		assert_non_null(strstr(xt_errmsg(), bad[i]));
	}
	assert_int_equal(xt_parse_mac(NULL, mac), -EINVAL);
}

/* What `show` prints after "GSO path:", and show -j under "gso". */
static void gso_path_names_are_words(void **state)
{
	(void)state;
	assert_string_equal(xt_gso_path_name(XT_GSO_ENCAP), "encap");
	assert_string_equal(xt_gso_path_name(XT_GSO_SEGMENT), "segment");
	assert_string_equal(xt_gso_path_name(XT_GSO_VXLAN_DEV), "vxlan-device");
	assert_string_equal(xt_gso_path_name(XT_GSO_PATH_COUNT), "unknown");
}

/* What show -j says under "uplink_state". */
static void uplink_state_names_are_words(void **state)
{
	(void)state;
	assert_string_equal(xt_uplink_state_name(XT_UPLINK_OK), "ok");
	assert_string_equal(xt_uplink_state_name(XT_UPLINK_GONE), "gone");
	assert_string_equal(xt_uplink_state_name(XT_UPLINK_RECREATED), "recreated");
	assert_string_equal(xt_uplink_state_name(XT_UPLINK_STATE_COUNT), "unknown");
}

/* What the kernel's dev_valid_name() accepts, up to IFNAMSIZ - 1 = 15 bytes. */
static void dev_name_check_takes_what_the_kernel_takes(void **state)
{
	static const char *const good[] = { "eth0", "x",  "xt0-p", "a.b_c@d", "123456789012345",
					    "...",  ".x", "é",	   "\xff\xfe" };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++)
		if (xt_dev_name_check("dev", good[i]))
			fail_because("'%s' was refused: %s", good[i], xt_errmsg());
}

/*
 * Names that would lead out of the pin directory /sys/fs/bpf/xtunnel/[netns/NS/]NAME
 * ("..", "/"), that the kernel refuses (':', whitespace including its 0xa0, 16 bytes or
 * more, empty), and control characters. Each is an input error (exit 2) that says why.
 */
static void dev_name_check_refuses_paths_and_what_the_kernel_refuses(void **state)
{
	static const struct {
		const char *name, *why;
	} bad[] = {
		{ "", "cannot be empty" },
		{ ".", "not a device name" },
		{ "..", "not a device name" },
		{ "x/y", "cannot contain '/'" },
		{ "xt0/../xt0", "cannot contain '/'" },
		{ "../../../tmp", "cannot contain '/'" },
		{ "/", "cannot contain '/'" },
		{ "a:b", "cannot contain ':'" },
		{ "a b", "cannot contain whitespace" },
		{ "a\tb", "control characters" },
		{ "a\nb", "control characters" },
		{ "a\xa0"
		  "b",
		  "cannot contain whitespace" },
		{ "a\x01", "control characters" },
		{ "a\x1b[2J", "control characters" },
		{ "a\x7f", "control characters" },
		{ "1234567890123456", "at most 15 characters" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (xt_dev_name_check("dev", bad[i].name) != -EINVAL)
			fail_because("bad name %zu was accepted", i);
		if (strncmp(xt_errmsg(), "dev", 3) || !strstr(xt_errmsg(), bad[i].why))
			fail_because("bad name %zu: message \"%s\", expected \"%s\"", i,
				     xt_errmsg(), bad[i].why);
		assert_true(xt_err_is_input());
	}
	assert_int_equal(xt_dev_name_check("dev", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reason_names_are_known_and_nonempty),
		cmocka_unit_test(reason_names_are_distinct),
		cmocka_unit_test(reason_names_are_lowercase_words_joined_by_dashes),
		cmocka_unit_test(reason_names_follow_their_enum_class),
		cmocka_unit_test(reason_names_spell_the_enum_names),
		cmocka_unit_test(reason_name_out_of_range_is_unknown),
		cmocka_unit_test(encap_names_are_the_attach_keywords),
		cmocka_unit_test(encap_name_out_of_range_is_unknown),
		cmocka_unit_test(parse_encap_takes_each_name_and_gives_its_value),
		cmocka_unit_test(parse_encap_refuses_others_naming_them_and_the_choices),
		cmocka_unit_test(rx_mode_names_are_the_attach_keywords),
		cmocka_unit_test(rx_mode_name_out_of_range_is_unknown),
		cmocka_unit_test(reason_keys_are_identifiers_spelling_the_words),
		cmocka_unit_test(rx_and_xdp_modes_parse_their_names_and_refuse_others),
		cmocka_unit_test(modes_parse_their_names_and_refuse_others),
		cmocka_unit_test(mac_parses_stations_and_prints_them_back),
		cmocka_unit_test(gso_path_names_are_words),
		cmocka_unit_test(uplink_state_names_are_words),
		cmocka_unit_test(dev_name_check_takes_what_the_kernel_takes),
		cmocka_unit_test(dev_name_check_refuses_paths_and_what_the_kernel_refuses),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
