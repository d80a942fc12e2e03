/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A crit-bit tree (D. J. Bernstein's; the layout of Adam Langley's public-domain notes):
 * keys of one fixed length in bytes, each with a value of one fixed size. Finding,
 * inserting and removing a key cost one step per bit where keys differ, never more than
 * the key's bits, however many keys there are; and all keys that start with given bits
 * hang under one node, so "is there a key under this prefix" is one walk down.
 * The loader's in-memory index of an overlay's peers and routes (view.c) is built on it.
 */
#ifndef XT_CRITBIT_H
#define XT_CRITBIT_H

#include <stddef.h>

struct xt_critbit {
	void *root; /* a leaf, a node (tagged pointer), or NULL */
	size_t key_len, value_len;
	size_t count;
};

void xt_critbit_init(struct xt_critbit *t, size_t key_len, size_t value_len);
void xt_critbit_free(struct xt_critbit *t);
/* The value stored with key, or NULL. */
void *xt_critbit_find(const struct xt_critbit *t, const void *key);
/* 0, -EEXIST (the value is left as it was) or -ENOMEM. */
int xt_critbit_insert(struct xt_critbit *t, const void *key, const void *value);
/* 0 or -ENOENT. */
int xt_critbit_delete(struct xt_critbit *t, const void *key);

typedef int (*xt_critbit_fn)(const void *key, void *value, void *ctx);
/* Calls fn for every key whose first `bits` bits are those of key (all keys for 0), in
 * key order, until fn returns non-zero; returns that, or 0. fn must not change the tree. */
int xt_critbit_walk_prefix(const struct xt_critbit *t, const void *key, size_t bits,
			   xt_critbit_fn fn, void *ctx);

#endif
