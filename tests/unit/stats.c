// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the rates of `xtunnel stats` (cli/output.c: json_stats, print_stats): two
 * reads built by hand 2.5 s apart. Overlay xt0 is in both, with peer alpha in both, peer
 * bravo in the second only, and peer carol whose counters went back (deleted and added
 * again in between); overlay xt1 is in the second only. Rates are (after - before) / 2.5,
 * worked out by hand; what has no earlier value has no rate (null, "-"), not a made-up one.
 */
#include <stdlib.h>
#include "unit.h"
#include "cli.h"

struct fixture {
	struct xt_peer_state before_peers[2], after_peers[3];
	struct xt_overlay_state before[1], after[2];
	struct stats_sample prev, cur;
	json_object *j;
};

static void peer(struct xt_peer_state *p, const char *name, uint64_t rx_packets, uint64_t rx_bytes,
		 uint64_t tx_packets, uint64_t spoofed)
{
	snprintf(p->spec.name, sizeof(p->spec.name), "%s", name);
	p->stats.rx_packets = rx_packets;
	p->stats.rx_bytes = rx_bytes;
	p->stats.tx_packets = tx_packets;
	p->stats.drops = spoofed;
	p->drops[XT_DROP_SPOOFED - XT_FIRST_DROP] = spoofed;
}

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	/* Sorted by name, as xt_show returns them. */
	peer(&f->before_peers[0], "alpha", 100, 10000, 40, 3);
	peer(&f->before_peers[1], "carol", 900, 90000, 900, 0);
	peer(&f->after_peers[0], "alpha", 350, 35000, 45, 8);
	peer(&f->after_peers[1], "bravo", 10, 1000, 10, 0);
	peer(&f->after_peers[2], "carol", 5, 500, 5, 0);
	snprintf(f->before[0].spec.dev, IF_NAMESIZE, "xt0");
	f->before[0].reasons[XT_OK_ENCAP] = 1000;
	f->before[0].peers = f->before_peers;
	f->before[0].n_peers = 2;
	snprintf(f->after[0].spec.dev, IF_NAMESIZE, "xt0");
	f->after[0].reasons[XT_OK_ENCAP] = 1250;
	f->after[0].peers = f->after_peers;
	f->after[0].n_peers = 3;
	snprintf(f->after[1].spec.dev, IF_NAMESIZE, "xt1");
	f->after[1].reasons[XT_OK_ENCAP] = 7;
	f->prev = (struct stats_sample){ f->before, 1, 100.0, 1700000000000 };
	f->cur = (struct stats_sample){ f->after, 2, 102.5, 1700000002500 };
	f->j = json_stats(&f->prev, &f->cur);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	json_object_put(f->j);
	free(f);
	return 0;
}

/* The value at a path of keys and array indexes ("overlays", "0", "peers", ...). */
static json_object *at(json_object *o, const char *path)
{
	char copy[256], *key, *save = NULL;

	snprintf(copy, sizeof(copy), "%s", path);
	for (key = strtok_r(copy, ".", &save); key && o; key = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			fail_msg("no key %s in %s", key, path);
	}
	return o;
}

static void assert_rate(json_object *j, const char *path, double want)
{
	json_object *o = at(j, path);

	if (!o || !json_object_is_type(o, json_type_double))
		fail_msg("%s: %s, not a rate", path, o ? json_object_to_json_string(o) : "null");
	if (json_object_get_double(o) < want - 1e-9 || json_object_get_double(o) > want + 1e-9)
		fail_msg("%s: %f, want %f", path, json_object_get_double(o), want);
}

static void rates_are_the_difference_over_the_time_between_reads(void **state)
{
	struct fixture *f = *state;

	assert_rate(f->j, "interval", 2.5);
	assert_rate(f->j, "overlays.0.rates.encap", 100);	       /* 250 / 2.5 */
	assert_rate(f->j, "overlays.0.rates.decap", 0);		       /* 0 then 0 */
	assert_rate(f->j, "overlays.0.peers.0.rates.rx_packets", 100); /* 250 / 2.5 */
	assert_rate(f->j, "overlays.0.peers.0.rates.rx_bytes", 10000); /* 25000 / 2.5 */
	assert_rate(f->j, "overlays.0.peers.0.rates.tx_packets", 2);   /* 5 / 2.5 */
	assert_rate(f->j, "overlays.0.peers.0.rates.drops_total", 2);
	assert_rate(f->j, "overlays.0.peers.0.rates.drops.drop_spoofed", 2);
	assert_rate(f->j, "overlays.0.peers.0.rates.drops.drop_malformed", 0);
	assert_int_equal(json_object_get_uint64(at(f->j, "overlays.0.peers.0.rx_packets")), 350);
	assert_int_equal(json_object_get_uint64(at(f->j, "overlays.0.counters.encap")), 1250);
	assert_int_equal(json_object_get_uint64(at(f->j, "overlays.0.peers.0.drops.drop_spoofed")),
			 8);
}

static void no_rate_without_an_earlier_value_or_when_a_counter_went_back(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(json_object_get_string(at(f->j, "overlays.0.peers.1.name")), "bravo");
	assert_null(at(f->j, "overlays.0.peers.1.rates.rx_packets"));
	assert_null(at(f->j, "overlays.0.peers.1.rates.drops.drop_spoofed"));
	assert_string_equal(json_object_get_string(at(f->j, "overlays.0.peers.2.name")), "carol");
	assert_null(at(f->j, "overlays.0.peers.2.rates.rx_packets"));
	assert_string_equal(json_object_get_string(at(f->j, "overlays.1.dev")), "xt1");
	assert_null(at(f->j, "overlays.1.rates.encap"));
}

static void screen_shows_rates_and_dashes_where_none(void **state)
{
	struct fixture *f = *state;
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	print_stats(out, &f->prev, &f->cur);
	fclose(out);
	/* encap: 1250 total, 100/s; alpha 100 packets/s and 10000 B/s = 9.8 KiB/s. */
	assert_non_null(
		strstr(text, "\n  encap                                  1250        100.0\n"));
	assert_non_null(strstr(text, "\n  alpha                100.0      9.8 KiB        2.0 "));
	assert_non_null(strstr(text, "\n  bravo                    -            -          - "));
	assert_non_null(strstr(text, "\n    drop-spoofed                    8          2.0/s\n"));
	free(text);
}

#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(rates_are_the_difference_over_the_time_between_reads),
		FIXTURE_TEST(no_rate_without_an_earlier_value_or_when_a_counter_went_back),
		FIXTURE_TEST(screen_shows_rates_and_dashes_where_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
