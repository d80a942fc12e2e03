/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Addresses as the maps hold them (addr.c). */
#ifndef XT_ADDR_H
#define XT_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include "xtunnel.h"

bool xt_addr_is_v4_mapped(const uint8_t addr[XT_ADDR_LEN]);
void xt_ip_from_v4(struct xt_ip *ip, const void *v4);
void xt_ip_from_bytes(struct xt_ip *ip, const uint8_t addr[XT_ADDR_LEN]);
/* Not unspecified, broadcast (IPv4) or multicast. */
bool xt_ip_is_unicast(const struct xt_ip *ip);
/* Length of the prefix in the route trie: 96 + N for IPv4 /N. */
uint32_t xt_prefix_key_len(const struct xt_prefix *p);
void xt_prefix_from_key(struct xt_prefix *p, uint32_t key_len, const uint8_t addr[XT_ADDR_LEN]);
bool xt_prefix_equal(const struct xt_prefix *a, const struct xt_prefix *b);
/* The prefix as the route maps key it. */
struct xt_route_key xt_route_key_of(const struct xt_prefix *p);
/* The first `bits` bits of a and b are the same. */
bool xt_bits_equal(const uint8_t *a, const uint8_t *b, uint32_t bits);

#endif
