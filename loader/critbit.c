// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Crit-bit tree (see critbit.h). Written from the description in D. J. Bernstein's
 * qhasm notes and Adam Langley's "critbit.pdf": an internal node holds the first byte where
 * the keys below it differ and a mask of every bit but the critical one of that byte;
 * leaves hold a key and its value. Internal nodes are told from leaves by the low bit of
 * the pointer to them, which malloc's alignment leaves free.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "critbit.h"

struct critbit_node {
	void *child[2];
	uint32_t byte;
	uint8_t otherbits; /* every bit set but the critical one */
};

static bool is_node(const void *p)
{
	return (uintptr_t)p & 1;
}

static struct critbit_node *node_of(void *p)
{
	return (struct critbit_node *)((uintptr_t)p - 1);
}

/* Values start at the next multiple of 8 after the key, aligned for any struct. */
static size_t value_offset(const struct xt_critbit *t)
{
	return (t->key_len + 7) & ~(size_t)7;
}

static int direction(const struct critbit_node *q, const uint8_t *key)
{
	return (1 + (q->otherbits | key[q->byte])) >> 8;
}

/* The critical bit's index in the key, counted from the first byte's most significant bit. */
static size_t bit_index(const struct critbit_node *q)
{
	unsigned int mask = (uint8_t)~q->otherbits;

	return (size_t)q->byte * 8 + (size_t)(__builtin_clz(mask) - 24);
}

static bool first_bits_equal(const uint8_t *a, const uint8_t *b, size_t bits)
{
	size_t full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest)));
}

void xt_critbit_init(struct xt_critbit *t, size_t key_len, size_t value_len)
{
	t->root = NULL;
	t->key_len = key_len;
	t->value_len = value_len;
	t->count = 0;
}

static void free_subtree(void *p)
{
	if (is_node(p)) {
		struct critbit_node *q = node_of(p);

		free_subtree(q->child[0]);
		free_subtree(q->child[1]);
		free(q);
	} else {
		free(p);
	}
}

void xt_critbit_free(struct xt_critbit *t)
{
	if (t->root)
		free_subtree(t->root);
	t->root = NULL;
	t->count = 0;
}

/* The leaf a walk for key ends at: the only one that can hold key. */
static uint8_t *best_leaf(const struct xt_critbit *t, const uint8_t *key)
{
	void *p = t->root;

	while (is_node(p)) {
		struct critbit_node *q = node_of(p);

		p = q->child[direction(q, key)];
	}
	return p;
}

void *xt_critbit_find(const struct xt_critbit *t, const void *key)
{
	uint8_t *leaf;

	if (!t->root)
		return NULL;
	leaf = best_leaf(t, key);
	return memcmp(leaf, key, t->key_len) ? NULL : leaf + value_offset(t);
}

static uint8_t *leaf_new(const struct xt_critbit *t, const void *key, const void *value)
{
	uint8_t *leaf = malloc(value_offset(t) + t->value_len);

	if (leaf) {
		memcpy(leaf, key, t->key_len);
		memcpy(leaf + value_offset(t), value, t->value_len);
	}
	return leaf;
}

int xt_critbit_insert(struct xt_critbit *t, const void *key, const void *value)
{
	const uint8_t *k = key, *lk;
	struct critbit_node *n, *q;
	uint32_t byte;
	uint8_t bits = 0;
	void **where;
	uint8_t *leaf;
	int dir;

	if (!t->root) {
		t->root = leaf_new(t, key, value);
		if (!t->root)
			return -ENOMEM;
		t->count++;
		return 0;
	}
	lk = best_leaf(t, k);
	for (byte = 0; byte < t->key_len; byte++) {
		bits = lk[byte] ^ k[byte];
		if (bits)
			break;
	}
	if (byte == t->key_len)
		return -EEXIST;
	/* Keep only the highest differing bit, then invert: the node's mask. */
	bits |= bits >> 1;
	bits |= bits >> 2;
	bits |= bits >> 4;
	bits = (uint8_t)((bits & ~(bits >> 1)) ^ 0xff);
	n = malloc(sizeof(*n));
	leaf = leaf_new(t, key, value);
	if (!n || !leaf) {
		free(n);
		free(leaf);
		return -ENOMEM;
	}
	n->byte = byte;
	n->otherbits = bits;
	dir = (1 + (bits | lk[byte])) >> 8; /* the side the existing keys go */
	n->child[1 - dir] = leaf;
	/* The new node goes above the first node that tests a later bit. */
	for (where = &t->root; is_node(*where); where = &q->child[direction(q, k)]) {
		q = node_of(*where);
		if (q->byte > byte || (q->byte == byte && q->otherbits > bits))
			break;
	}
	n->child[dir] = *where;
	*where = (void *)((uintptr_t)n + 1);
	t->count++;
	return 0;
}

int xt_critbit_delete(struct xt_critbit *t, const void *key)
{
	void **where = &t->root, **where_parent = NULL;
	struct critbit_node *q = NULL;
	int dir = 0;

	if (!t->root)
		return -ENOENT;
	while (is_node(*where)) {
		where_parent = where;
		q = node_of(*where);
		dir = direction(q, key);
		where = &q->child[dir];
	}
	if (memcmp(*where, key, t->key_len))
		return -ENOENT;
	free(*where);
	if (!where_parent) {
		t->root = NULL;
	} else {
		*where_parent = q->child[1 - dir];
		free(q);
	}
	t->count--;
	return 0;
}

static int walk(const struct xt_critbit *t, void *p, xt_critbit_fn fn, void *ctx)
{
	int ret;

	if (!is_node(p))
		return fn(p, (uint8_t *)p + value_offset(t), ctx);
	ret = walk(t, node_of(p)->child[0], fn, ctx);
	return ret ? ret : walk(t, node_of(p)->child[1], fn, ctx);
}

int xt_critbit_walk_prefix(const struct xt_critbit *t, const void *key, size_t bits,
			   xt_critbit_fn fn, void *ctx)
{
	void *p = t->root, *leaf;

	if (!p)
		return 0;
	/* Down while the node tests a bit inside the prefix: below the first node that
	 * tests one after it, every key agrees on the prefix's bits, or none has them. */
	while (is_node(p) && bit_index(node_of(p)) < bits)
		p = node_of(p)->child[direction(node_of(p), key)];
	for (leaf = p; is_node(leaf); leaf = node_of(leaf)->child[0])
		;
	if (!first_bits_equal(leaf, key, bits))
		return 0;
	return walk(t, p, fn, ctx);
}
