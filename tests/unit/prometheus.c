// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of metrics/prometheus.c, the text exposition format of `xtunnel stats
 * --prometheus` and `xtunnel metrics`, on overlays built by hand: xt0 with peers alpha
 * (heard from, a drop) and bravo (never heard from, counters above 2^53), and an overlay
 * whose name holds a quote, a backslash and a byte that is no UTF-8, with no peer. Expected
 * lines are written by hand from the inputs; the format's rules (HELP and TYPE before a
 * family's samples, each family once, label values escaped) are checked line by line.
 */
#include <stdlib.h>
#include "unit.h"
#include "metrics.h"

#define BRAVO_TX_BYTES 9007199254740993ULL /* 2^53 + 1: a double would print ...992 */
#define ALPHA_LATEST_RX_MS 1700000000250LL /* 2023-11-14 22:13:20.250 UTC */
#define N_FAMILIES 10			   /* the families the man page lists */

struct fixture {
	struct xt_overlay_state ovs[2];
	struct xt_peer_state peers[2];
	char *text;
	size_t len;
};

static char *format(const struct xt_overlay_state *ovs, int n, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	assert_non_null(f);
	assert_int_equal(xt_prom_write(f, ovs, n), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct xt_peer_state *p;

	if (!f)
		return -1;
	p = &f->peers[0];
	snprintf(p->spec.name, sizeof(p->spec.name), "alpha");
	p->stats = (struct xt_peer_stats){
		.rx_packets = 5, .rx_bytes = 1536, .tx_packets = 9, .tx_bytes = 1023, .drops = 1
	};
	p->drops[XT_DROP_SPOOFED - XT_FIRST_DROP] = 1;
	p->latest_rx_ms = ALPHA_LATEST_RX_MS;
	p->latest_rx_age_ms = 12250;
	p = &f->peers[1];
	snprintf(p->spec.name, sizeof(p->spec.name), "bravo");
	p->stats = (struct xt_peer_stats){ .rx_packets = 3000000,
					   .rx_bytes = UINT64_MAX,
					   .tx_packets = 7,
					   .tx_bytes = BRAVO_TX_BYTES };
	p->silent = true;

	snprintf(f->ovs[0].spec.dev, sizeof(f->ovs[0].spec.dev), "xt0");
	f->ovs[0].reasons[XT_OK_ENCAP] = 11;
	f->ovs[0].reasons[XT_DROP_SPOOFED] = 2;
	f->ovs[0].n_routes = 5;
	f->ovs[0].peers = f->peers;
	f->ovs[0].n_peers = 2;
	/* x"1\<0xff>: a device name may hold any byte but '/', ':' and whitespace. */
	snprintf(f->ovs[1].spec.dev, sizeof(f->ovs[1].spec.dev), "x\"1\\\xff");
	f->ovs[1].reasons[XT_PASS_UNKNOWN_PEER] = 4;
	f->text = format(f->ovs, 2, &f->len);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	free(f->text);
	free(f);
	return 0;
}

/* A whole line of the text. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *at = text;

	while ((at = strstr(at, line))) {
		if ((at == text || at[-1] == '\n') && at[n] == '\n')
			return true;
		at++;
	}
	return false;
}

#define assert_line(text, line)                                                                    \
	do {                                                                                       \
		if (!has_line(text, line))                                                         \
			fail_msg("no line '%s' in:\n%s", line, text);                              \
	} while (0)

static void escapes_quote_backslash_newline_and_replaces_bytes_that_are_no_utf8(void **state)
{
	/* In: a " b \ c newline, é (valid UTF-8, kept), then 0xff and an overlong '/'. */
	static const char in[] = "a\"b\\c\nd\xc3\xa9\xff\xc0\xaf";
	static const char want[] =
		"\"a\\\"b\\\\c\\nd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"";
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(xt_prom_label_value(f, in), 0);
	fclose(f);
	assert_string_equal(text, want);
	free(text);
}

static void overlay_counters_every_reason_with_dev_and_reason(void **state)
{
	struct fixture *f = *state;

	assert_line(f->text, "xtunnel_packets_total{dev=\"xt0\",reason=\"encap\"} 11");
	assert_line(f->text, "xtunnel_packets_total{dev=\"xt0\",reason=\"drop_spoofed\"} 2");
	assert_line(f->text, "xtunnel_packets_total{dev=\"xt0\",reason=\"drop_malformed\"} 0");
	assert_line(f->text, "xtunnel_packets_total{dev=\"x\\\"1\\\\\xef\xbf\xbd\","
			     "reason=\"pass_unknown_peer\"} 4");
	assert_line(f->text, "xtunnel_peers{dev=\"xt0\"} 2");
	assert_line(f->text, "xtunnel_routes{dev=\"xt0\"} 5");
	assert_line(f->text, "xtunnel_peers{dev=\"x\\\"1\\\\\xef\xbf\xbd\"} 0");
}

static void peer_counters_exact_in_base_units(void **state)
{
	struct fixture *f = *state;

	assert_line(f->text, "xtunnel_peer_received_packets_total{dev=\"xt0\",peer=\"alpha\"} 5");
	assert_line(f->text, "xtunnel_peer_received_bytes_total{dev=\"xt0\",peer=\"alpha\"} 1536");
	assert_line(f->text, "xtunnel_peer_sent_packets_total{dev=\"xt0\",peer=\"alpha\"} 9");
	assert_line(f->text, "xtunnel_peer_sent_bytes_total{dev=\"xt0\",peer=\"alpha\"} 1023");
	assert_line(f->text, "xtunnel_peer_received_bytes_total{dev=\"xt0\",peer=\"bravo\"} "
			     "18446744073709551615");
	assert_line(f->text, "xtunnel_peer_sent_bytes_total{dev=\"xt0\",peer=\"bravo\"} "
			     "9007199254740993");
	assert_line(f->text, "xtunnel_peer_dropped_packets_total{dev=\"xt0\",peer=\"alpha\","
			     "reason=\"drop_spoofed\"} 1");
	assert_line(f->text, "xtunnel_peer_dropped_packets_total{dev=\"xt0\",peer=\"bravo\","
			     "reason=\"drop_spoofed\"} 0");
}

static void liveness_in_seconds_zero_when_never(void **state)
{
	struct fixture *f = *state;

	assert_line(f->text, "xtunnel_peer_latest_packet_timestamp_seconds{dev=\"xt0\","
			     "peer=\"alpha\"} 1700000000.250");
	assert_line(f->text, "xtunnel_peer_latest_packet_timestamp_seconds{dev=\"xt0\","
			     "peer=\"bravo\"} 0.000");
	assert_line(f->text, "xtunnel_peer_silent{dev=\"xt0\",peer=\"alpha\"} 0");
	assert_line(f->text, "xtunnel_peer_silent{dev=\"xt0\",peer=\"bravo\"} 1");
}

/* The name of a sample line: up to '{' or ' '. */
static void sample_name(const char *line, char *name, size_t len)
{
	size_t n = strcspn(line, "{ ");

	assert_true(n < len);
	memcpy(name, line, n);
	name[n] = '\0';
}

/*
 * Line by line: a family is "# HELP NAME text", "# TYPE NAME counter|gauge", then its
 * samples, all of that name; no family comes twice; counters end in _total and gauges do
 * not; the samples are as many as the overlays, peers and reasons make.
 */
static void families_are_help_type_then_samples_each_once(void **state)
{
	struct fixture *f = *state;
	char *copy = strdup(f->text), *line, *save = NULL, seen[N_FAMILIES + 1][96] = {};
	char family[96] = "", type[16] = "", name[96];
	int n_families = 0, samples = 0, i;
	bool counter;

	assert_non_null(copy);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP ", 7)) {
			sample_name(line + 7, family, sizeof(family));
			for (i = 0; i < n_families; i++)
				if (!strcmp(seen[i], family))
					fail_msg("family %s comes twice", family);
			assert_true(n_families < N_FAMILIES);
			snprintf(seen[n_families++], sizeof(seen[0]), "%s", family);
			line = strtok_r(NULL, "\n", &save);
			assert_non_null(line);
			snprintf(name, sizeof(name), "# TYPE %s ", family);
			if (strncmp(line, name, strlen(name)))
				fail_msg("after HELP of %s: '%s'", family, line);
			snprintf(type, sizeof(type), "%s", line + strlen(name));
			assert_true(!strcmp(type, "counter") || !strcmp(type, "gauge"));
			counter = !strcmp(type, "counter");
			if (counter !=
			    (strlen(family) > 6 && !strcmp(family + strlen(family) - 6, "_total")))
				fail_msg("%s is a %s", family, type);
			continue;
		}
		assert_true(line[0] != '#');
		sample_name(line, name, sizeof(name));
		if (strcmp(name, family))
			fail_msg("sample '%s' under family %s", line, family);
		samples++;
	}
	free(copy);
	assert_int_equal(n_families, N_FAMILIES);
	/* Per overlay: every reason, peers, routes; per peer: 4 counters, every drop reason,
	 * the timestamp, silent. */
	assert_int_equal(samples, 2 * (XT_REASON_COUNT + 2) + 2 * (4 + XT_DROP_COUNT + 2));
}

/* No overlay: the families are still there, without samples (a valid text). */
static void no_overlay_gives_the_families_alone(void **state)
{
	size_t len, lines = 0, i;
	char *text;

	(void)state;
	text = format(NULL, 0, &len);
	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, 2 * N_FAMILIES);
	assert_non_null(strstr(text, "# TYPE xtunnel_peer_silent gauge\n"));
	free(text);
}

#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			escapes_quote_backslash_newline_and_replaces_bytes_that_are_no_utf8),
		FIXTURE_TEST(overlay_counters_every_reason_with_dev_and_reason),
		FIXTURE_TEST(peer_counters_exact_in_base_units),
		FIXTURE_TEST(liveness_in_seconds_zero_when_never),
		FIXTURE_TEST(families_are_help_type_then_samples_each_once),
		cmocka_unit_test(no_overlay_gives_the_families_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
