// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lists of prefix lengths in use (xt_lens) are rewritten by loader/routes.c while the
 * data path reads them (bpf/route.h: cur, then list[cur]). A lookup that read cur just
 * before a flip goes on reading the list it named; the writer must not rewrite that list
 * under it, or the lookup may see a list torn between two versions, miss a length in use,
 * and take a shorter prefix for the longest match. These tests run the data path's own
 * reading code (tests/bpf/progs/lens_reader.bpf.c) against the library's own writes, from
 * two threads, in the real kernel:
 * - a reader held inside its list while the writer publishes twice must find the list as
 *   it read it (the writer waits for an RCU grace period before rewriting a list);
 * - many lookups of an address whose longest match always exists, while other lengths come
 *   and go, never miss it;
 * - a kernel that cannot give a grace period (nohz_full) gets the lookups sent to the trie,
 *   and the held reader still finds the lengths it read unchanged.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"
#include "lens_reader.skel.h"

struct race {
	struct lens_reader_bpf *skel;
	struct xt_route_maps routes;
	int publishes;	/* by the writer */
	double seconds; /* how long the writer churns (lookups test) */
	bool done;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void route_put(const struct xt_route_maps *m, const char *prefix, uint32_t len,
		      uint32_t peer_id)
{
	struct xt_route_key key = { .prefixlen = len + XT_V4_MAPPED_BITS };
	struct xt_route route = { .peer_id = peer_id };

	map_addr(prefix, key.addr);
	map_addr(TEST_PEER_A_ENDPOINT, route.endpoint);
	assert_int_equal(xt_route_put(m, &key, &route, BPF_NOEXIST), 0);
}

static void route_del(const struct xt_route_maps *m, const char *prefix, uint32_t len)
{
	struct xt_route_key key = { .prefixlen = len + XT_V4_MAPPED_BITS };

	map_addr(prefix, key.addr);
	assert_int_equal(xt_route_del(m, &key), 0);
}

/* 10.10.2.7 is looked up: its longest match is peer A's /24 (key length 120), under peer
 * B's /16 (112). */
static struct race *race_new(void)
{
	struct race *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->skel = lens_reader_bpf__open_and_load();
	assert_non_null(r->skel);
	r->routes = xt_route_maps_of_obj(r->skel->obj);
	route_put(&r->routes, "10.10.0.0", 16, TEST_PEER_B_ID);
	route_put(&r->routes, TEST_PEER_A_PREFIX, 24, TEST_PEER_A_ID);
	map_addr(TEST_PEER_A_HOST, r->skel->bss->lookup_addr);
	r->skel->bss->expected_peer = TEST_PEER_A_ID;
	return r;
}

static void race_free(struct race *r)
{
	lens_reader_bpf__destroy(r->skel);
	free(r);
}

static int run_prog(const struct bpf_program *prog)
{
	static const uint8_t frame[64] = { [12] = 0x08, [14] = 0x45 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame));

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
	return (int)opts.retval;
}

/* Lengths longer than 120 (so that 120 moves in the list) and one between 120 and 112 (so
 * that 112 moves too), for other addresses. */
static const struct {
	const char *prefix;
	uint32_t len;
} churn[] = { { "10.99.0.0", 28 }, { "10.98.0.0", 30 }, { "10.97.0.1", 32 }, { "10.96.0.0", 20 } };

#define N_CHURN (sizeof(churn) / sizeof(churn[0]))

/* Waits for the reader to hold its list, publishes two new lengths, then lets it go. */
static void *publish_twice(void *arg)
{
	struct race *r = arg;
	double give_up = now_s() + 10;

	*(volatile uint32_t *)&r->skel->bss->writer_ready = 1;
	while (!*(volatile uint32_t *)&r->skel->bss->reader_holds && now_s() < give_up)
		;
	route_put(&r->routes, churn[0].prefix, churn[0].len, TEST_PEER_B_ID);
	route_put(&r->routes, churn[1].prefix, churn[1].len, TEST_PEER_B_ID);
	r->publishes = 2;
	*(volatile uint32_t *)&r->skel->bss->writer_done = 1;
	return NULL;
}

static void hold_reader_across_two_publishes(struct race *r)
{
	pthread_t writer;

	assert_int_equal(pthread_create(&writer, NULL, publish_twice, r), 0);
	/* The writer running before the reader starts: on a busy machine it could otherwise
	 * get no CPU until the reader is done, and the test would prove nothing. */
	while (!*(volatile uint32_t *)&r->skel->bss->writer_ready)
		;
	assert_int_equal(run_prog(r->skel->progs.lens_slow_reader), TC_ACT_OK);
	assert_int_equal(pthread_join(writer, NULL), 0);
	assert_int_equal(r->skel->bss->reader_holds, 1);
	assert_int_equal(r->publishes, 2);
}

static void lens_map_read(const struct race *r, struct xt_lens *l)
{
	uint32_t zero = 0;

	assert_int_equal(bpf_map_lookup_elem(r->routes.lens_fd, &zero, l), 0);
}

/* The list a reader read stays as it read it for as long as it reads it: the second
 * publish would rewrite that very list, and waits for the reader to be done first. */
static void held_reader_finds_its_list_unchanged(void **state)
{
	struct race *r = race_new();
	struct xt_lens l;
	uint32_t i;

	(void)state;
	hold_reader_across_two_publishes(r);
	assert_int_equal(r->skel->bss->seen_n, 2);
	assert_int_equal(r->skel->bss->seen_len[0], 120);
	assert_int_equal(r->skel->bss->seen_len[1], 112);
	if (r->skel->bss->now_n != r->skel->bss->seen_n)
		test_fail("the reader's list changed under it: %u lengths, then %u",
			  r->skel->bss->seen_n, r->skel->bss->now_n);
	for (i = 0; i < XT_MAX_LENS; i++)
		if (r->skel->bss->now_len[i] != r->skel->bss->seen_len[i])
			test_fail("the reader's list changed under it at %u: %u, then %u", i,
				  r->skel->bss->seen_len[i], r->skel->bss->now_len[i]);
	/* and both publishes happened */
	lens_map_read(r, &l);
	assert_int_equal(l.list[l.cur & 1].n, 4);
	assert_int_equal(l.list[l.cur & 1].len[0], 96 + 30);
	assert_int_equal(l.list[l.cur & 1].len[1], 96 + 28);
	race_free(r);
}

/* The churn, for as long as r->seconds: each length added, then removed, one publish each. */
static void *publish_for_a_while(void *arg)
{
	struct race *r = arg;
	double end = now_s() + r->seconds;
	size_t i;

	while (now_s() < end) {
		for (i = 0; i < N_CHURN; i++, r->publishes++)
			route_put(&r->routes, churn[i].prefix, churn[i].len, TEST_PEER_B_ID);
		for (i = 0; i < N_CHURN; i++, r->publishes++)
			route_del(&r->routes, churn[i].prefix, churn[i].len);
	}
	__atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* The race the issue asks for: lookups (1,000 per run) against publishes, for 2 s. */
static void lookups_never_miss_while_lengths_are_published(void **state)
{
	struct race *r = race_new();
	pthread_t writer;
	uint64_t runs = 0;

	(void)state;
	r->seconds = 2;
	assert_int_equal(pthread_create(&writer, NULL, publish_for_a_while, r), 0);
	while (!__atomic_load_n(&r->done, __ATOMIC_ACQUIRE)) {
		run_prog(r->skel->progs.lens_lookups);
		runs++;
	}
	assert_int_equal(pthread_join(writer, NULL), 0);
	printf("# %llu lookups in %llu runs against %d publishes\n",
	       (unsigned long long)r->skel->bss->lookups, (unsigned long long)runs, r->publishes);
	assert_true(r->publishes >= 8 && runs > 0);
	assert_int_equal(r->skel->bss->lookups, runs * 1000);
	if (r->skel->bss->wrong)
		test_fail("%llu of %llu lookups did not find peer A's /24",
			  (unsigned long long)r->skel->bss->wrong,
			  (unsigned long long)r->skel->bss->lookups);
	race_free(r);
}

static int no_grace_period(void)
{
	return -EINVAL; /* what membarrier says on a kernel booted with nohz_full */
}

/* Without a grace period the writer only marks a list "use the trie", leaving its lengths as
 * they were: the held reader sees its lengths unchanged and at most that mark, and every
 * lookup afterwards takes the trie and finds the longest match. */
static void without_a_grace_period_lookups_take_the_trie(void **state)
{
	struct race *r = race_new();
	struct xt_lens l;
	uint32_t i;

	(void)state;
	xt_lens_grace_period = no_grace_period;
	hold_reader_across_two_publishes(r);
	if (r->skel->bss->now_n != r->skel->bss->seen_n && r->skel->bss->now_n != XT_MAX_LENS + 1)
		test_fail("the reader's list went from %u lengths to %u", r->skel->bss->seen_n,
			  r->skel->bss->now_n);
	for (i = 0; i < XT_MAX_LENS; i++)
		if (r->skel->bss->now_len[i] != r->skel->bss->seen_len[i])
			test_fail("a length of the reader's list changed at %u: %u, then %u", i,
				  r->skel->bss->seen_len[i], r->skel->bss->now_len[i]);
	lens_map_read(r, &l);
	assert_int_equal(l.list[0].n, XT_MAX_LENS + 1);
	assert_int_equal(l.list[1].n, XT_MAX_LENS + 1);
	run_prog(r->skel->progs.lens_lookups);
	assert_int_equal(r->skel->bss->lookups, 1000);
	assert_int_equal(r->skel->bss->wrong, 0);
	race_free(r);
}

static int (*kernel_grace_period)(void);

static int restore_grace_period(void **state)
{
	(void)state;
	xt_lens_grace_period = kernel_grace_period;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(held_reader_finds_its_list_unchanged),
		cmocka_unit_test(lookups_never_miss_while_lengths_are_published),
		cmocka_unit_test_teardown(without_a_grace_period_lookups_take_the_trie,
					  restore_grace_period),
	};

	kernel_grace_period = xt_lens_grace_period;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
