// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of loader/critbit.c against the obvious oracle: an array of the same keys,
 * searched one by one. Keys are 5 bytes drawn from a small alphabet so that they share
 * long prefixes and differ in every bit position; the run is repeatable (fixed seed).
 */
#include <errno.h>
#include <stdlib.h>
#include "unit.h"
#include "critbit.h"

#define KEY_LEN 5
#define N_KEYS 3000

struct oracle {
	uint8_t keys[N_KEYS][KEY_LEN];
	uint32_t values[N_KEYS];
	bool present[N_KEYS];
};

static uint32_t rng = 12345;

static uint32_t next_random(void)
{
	rng = rng * 1103515245 + 12345;
	return rng >> 8;
}

/* Bytes from {0x00, 0x01, 0x80, 0xff, 0x7f, 0x10}: neighbours in every bit position. */
static void random_key(uint8_t *key)
{
	static const uint8_t alphabet[] = { 0x00, 0x01, 0x80, 0xff, 0x7f, 0x10 };
	int i;

	for (i = 0; i < KEY_LEN; i++)
		key[i] = alphabet[next_random() % sizeof(alphabet)];
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, size_t bits)
{
	size_t i;

	for (i = 0; i < bits; i++)
		if (((a[i / 8] >> (7 - i % 8)) & 1) != ((b[i / 8] >> (7 - i % 8)) & 1))
			return false;
	return true;
}

struct walk_seen {
	const struct oracle *o;
	uint8_t last[KEY_LEN];
	size_t n;
	bool ordered;
	int stop_after;
};

static int count_key(const void *key, void *value, void *ctx)
{
	struct walk_seen *w = ctx;

	(void)value;
	if (w->n && memcmp(w->last, key, KEY_LEN) >= 0)
		w->ordered = false;
	memcpy(w->last, key, KEY_LEN);
	w->n++;
	return w->stop_after && (int)w->n == w->stop_after ? 7 : 0;
}

static void tree_matches_oracle(const struct xt_critbit *t, const struct oracle *o)
{
	size_t i, present = 0;

	for (i = 0; i < N_KEYS; i++) {
		uint32_t *v = xt_critbit_find(t, o->keys[i]);

		if (!o->present[i])
			continue;
		present++;
		if (!v || *v != o->values[i])
			fail_because("key %zu: %s", i, v ? "wrong value" : "not found");
	}
	assert_int_equal(t->count, present);
}

/* The oracle's count of present keys starting with the first `bits` bits of key. */
static size_t oracle_prefixed(const struct oracle *o, const uint8_t *key, size_t bits)
{
	size_t i, n = 0;

	for (i = 0; i < N_KEYS; i++)
		if (o->present[i] && bits_equal(o->keys[i], key, bits))
			n++;
	return n;
}

static void inserts_finds_deletes_and_walks_as_an_array_would(void **state)
{
	struct oracle *o = calloc(1, sizeof(*o));
	struct xt_critbit t;
	size_t i, j, bits;

	(void)state;
	assert_non_null(o);
	xt_critbit_init(&t, KEY_LEN, sizeof(uint32_t));
	for (i = 0; i < N_KEYS; i++) {
		bool dup;

		do { /* distinct keys: 3000 of the 7776 there are */
			random_key(o->keys[i]);
			for (dup = false, j = 0; j < i; j++)
				dup |= !memcmp(o->keys[j], o->keys[i], KEY_LEN);
		} while (dup);
		o->values[i] = (uint32_t)i * 7 + 1;
		assert_int_equal(xt_critbit_insert(&t, o->keys[i], &o->values[i]), 0);
		o->present[i] = true;
		/* A key already there is refused, and keeps its value. */
		j = next_random() % (i + 1);
		assert_int_equal(xt_critbit_insert(&t, o->keys[j], &i), -EEXIST);
	}
	tree_matches_oracle(&t, o);
	/* Every prefix length, from a sample of keys present and absent. */
	for (i = 0; i < N_KEYS; i += 97) {
		for (bits = 0; bits <= KEY_LEN * 8; bits++) {
			struct walk_seen w = { .o = o, .ordered = true };

			xt_critbit_walk_prefix(&t, o->keys[i], bits, count_key, &w);
			if (w.n != oracle_prefixed(o, o->keys[i], bits) || !w.ordered)
				fail_because("key %zu, %zu bits: walked %zu keys%s, expected %zu",
					     i, bits, w.n, w.ordered ? "" : " out of order",
					     oracle_prefixed(o, o->keys[i], bits));
		}
	}
	/* Delete every other present key; the rest must stay findable. */
	for (i = 0; i < N_KEYS; i += 2) {
		assert_int_equal(xt_critbit_delete(&t, o->keys[i]), 0);
		assert_int_equal(xt_critbit_delete(&t, o->keys[i]), -ENOENT);
		o->present[i] = false;
	}
	tree_matches_oracle(&t, o);
	for (i = 0; i < N_KEYS; i += 2)
		assert_null(xt_critbit_find(&t, o->keys[i]));
	for (i = 1; i < N_KEYS; i += 89) {
		struct walk_seen w = { .o = o, .ordered = true };

		xt_critbit_walk_prefix(&t, o->keys[i], 13, count_key, &w);
		assert_int_equal(w.n, oracle_prefixed(o, o->keys[i], 13));
	}
	/* And down to nothing. */
	for (i = 1; i < N_KEYS; i += 2)
		if (o->present[i])
			assert_int_equal(xt_critbit_delete(&t, o->keys[i]), 0);
	assert_int_equal(t.count, 0);
	assert_null(t.root);
	xt_critbit_free(&t);
	free(o);
}

static void walk_stops_when_the_callback_says_so(void **state)
{
	struct walk_seen w = { .ordered = true, .stop_after = 3 };
	struct xt_critbit t;
	uint8_t key[KEY_LEN] = { 0 };
	uint32_t v = 0;
	int i;

	(void)state;
	xt_critbit_init(&t, KEY_LEN, sizeof(v));
	for (i = 0; i < 10; i++) {
		key[4] = (uint8_t)i;
		assert_int_equal(xt_critbit_insert(&t, key, &v), 0);
	}
	assert_int_equal(xt_critbit_walk_prefix(&t, key, 0, count_key, &w), 7);
	assert_int_equal(w.n, 3);
	xt_critbit_free(&t);
}

static void empty_tree_finds_and_walks_nothing(void **state)
{
	struct walk_seen w = { .ordered = true };
	uint8_t key[KEY_LEN] = { 1, 2, 3, 4, 5 };
	struct xt_critbit t;

	(void)state;
	xt_critbit_init(&t, KEY_LEN, 4);
	assert_null(xt_critbit_find(&t, key));
	assert_int_equal(xt_critbit_delete(&t, key), -ENOENT);
	assert_int_equal(xt_critbit_walk_prefix(&t, key, 0, count_key, &w), 0);
	assert_int_equal(w.n, 0);
	xt_critbit_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inserts_finds_deletes_and_walks_as_an_array_would),
		cmocka_unit_test(walk_stops_when_the_callback_says_so),
		cmocka_unit_test(empty_tree_finds_and_walks_nothing),
	};

	return cmocka_run_group_tests_name("critbit", tests, NULL, NULL);
}
