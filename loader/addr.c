// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Parsing and formatting of addresses, prefixes, endpoints and numbers: pure functions,
 * unit-tested. Both families are held as the maps hold them (xtunnel_shared.h): IPv6 as
 * is, IPv4 as the IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 section 2.5.5.2).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "errmsg.h"

static const uint8_t v4_mapped_head[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool xt_addr_is_v4_mapped(const uint8_t addr[XT_ADDR_LEN])
{
	return !memcmp(addr, v4_mapped_head, sizeof(v4_mapped_head));
}

void xt_ip_from_v4(struct xt_ip *ip, const void *v4)
{
	ip->family = XT_FAMILY_V4;
	memcpy(ip->addr, v4_mapped_head, sizeof(v4_mapped_head));
	memcpy(ip->addr + 12, v4, 4);
}

void xt_ip_from_bytes(struct xt_ip *ip, const uint8_t addr[XT_ADDR_LEN])
{
	ip->family = xt_addr_is_v4_mapped(addr) ? XT_FAMILY_V4 : XT_FAMILY_V6;
	memcpy(ip->addr, addr, XT_ADDR_LEN);
}

uint32_t xt_prefix_key_len(const struct xt_prefix *p)
{
	return p->ip.family == XT_FAMILY_V4 ? XT_V4_MAPPED_BITS + p->len : p->len;
}

struct xt_route_key xt_route_key_of(const struct xt_prefix *p)
{
	struct xt_route_key k = { .prefixlen = xt_prefix_key_len(p) };

	memcpy(k.addr, p->ip.addr, XT_ADDR_LEN);
	return k;
}

void xt_prefix_from_key(struct xt_prefix *p, uint32_t key_len, const uint8_t addr[XT_ADDR_LEN])
{
	xt_ip_from_bytes(&p->ip, addr);
	/* An IPv6 prefix never lies in the mapped range (xt_parse_ip refuses it), so a key
	 * there is an IPv4 prefix. */
	if (p->ip.family == XT_FAMILY_V4 && key_len >= XT_V4_MAPPED_BITS)
		p->len = (uint8_t)(key_len - XT_V4_MAPPED_BITS);
	else
		p->len = (uint8_t)key_len;
}

bool xt_bits_equal(const uint8_t *a, const uint8_t *b, uint32_t bits)
{
	uint32_t full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest)));
}

/* Zeroes every bit of addr after the first `bits`. */
static void mask_bits(uint8_t addr[XT_ADDR_LEN], uint32_t bits)
{
	uint32_t i;

	for (i = 0; i < XT_ADDR_LEN; i++) {
		if (bits >= 8)
			bits -= 8;
		else {
			addr[i] &= (uint8_t)(0xff << (8 - bits));
			bits = 0;
		}
	}
}

/* The text of s before `end` (or all of s), in buf; false if it does not fit. */
static bool copy_until(const char *s, const char *end, char *buf, size_t size)
{
	size_t len = end ? (size_t)(end - s) : strlen(s);

	if (len >= size)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

/* 0, -EINVAL if s is neither family, -EADDRNOTAVAIL for an IPv4-mapped IPv6 address. */
static int ip_from_text(const char *s, struct xt_ip *out)
{
	uint8_t v4[4];

	/* inet_pton accepts only the dotted quad, unlike inet_aton ("10.1" or "0x0a..."). */
	if (inet_pton(AF_INET, s, v4) == 1) {
		xt_ip_from_v4(out, v4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->addr) != 1)
		return -EINVAL;
	out->family = XT_FAMILY_V6;
	/* The maps hold IPv4 as ::ffff:a.b.c.d: as an IPv6 address it would be the very same
	 * key as the IPv4 one, so only the IPv4 spelling is taken. */
	if (xt_addr_is_v4_mapped(out->addr))
		return -EADDRNOTAVAIL;
	return 0;
}

static int mapped_refused(const char *s, const struct xt_ip *ip)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, ip->addr + 12, a, sizeof(a));
	return xt_err_input(-EINVAL, "'%s' is an IPv4-mapped IPv6 address: write it as %s", s, a);
}

int xt_parse_ip(const char *s, struct xt_ip *out)
{
	int err;

	if (!s)
		return xt_err_input(-EINVAL, "'' is not an IPv4 or IPv6 address");
	err = ip_from_text(s, out);
	if (err == -EADDRNOTAVAIL)
		return mapped_refused(s, out);
	if (err)
		return xt_err_input(-EINVAL, "'%s' is not an IPv4 or IPv6 address", s);
	return 0;
}

int xt_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return xt_err_input(-EINVAL, "'%s' is not a number from %u to %u", s ? s : "", min, max);
}

static unsigned int family_bits(uint8_t family)
{
	return family == XT_FAMILY_V4 ? 32 : 128;
}

/* "ADDR/N" or "ADDR" (a host: /32 or /128), either family. */
static int parse_cidr(const char *s, struct xt_prefix *out)
{
	char buf[INET6_ADDRSTRLEN], v4[INET_ADDRSTRLEN];
	const char *slash;
	uint32_t len;
	int err;

	slash = strchr(s, '/');
	if (!copy_until(s, slash, buf, sizeof(buf)))
		return xt_err_input(-EINVAL, "'%s' is not an IPv4 or IPv6 prefix", s);
	err = ip_from_text(buf, &out->ip);
	if (err && err != -EADDRNOTAVAIL)
		return xt_err_input(-EINVAL, "'%s' is not an IPv4 or IPv6 prefix", s);
	len = family_bits(out->ip.family);
	if (slash && xt_parse_u32(slash + 1, 0, len, &len))
		return xt_err_input(-EINVAL, "'%s': prefix length must be 0 to %u", s,
				    family_bits(out->ip.family));
	if (err) {
		/* ::ffff:a.b.c.d/(96 + N) is a.b.c.d/N in the route trie: take that spelling
		 * only (see ip_from_text). */
		inet_ntop(AF_INET, out->ip.addr + 12, v4, sizeof(v4));
		if (len < XT_V4_MAPPED_BITS)
			return xt_err_input(-EINVAL,
					    "'%s' starts in the IPv4-mapped range ::ffff:0:0/96: "
					    "write IPv4 prefixes as IPv4",
					    s);
		return xt_err_input(-EINVAL,
				    "'%s' is an IPv4-mapped IPv6 prefix: write it as %s/%u", s, v4,
				    len - XT_V4_MAPPED_BITS);
	}
	out->len = (uint8_t)len;
	return 0;
}

int xt_parse_prefix(const char *s, struct xt_prefix *out)
{
	struct xt_prefix net;
	char a[INET6_ADDRSTRLEN + 4];
	int err;

	if (!s)
		return xt_err_input(-EINVAL, "'' is not an IPv4 or IPv6 prefix");
	err = parse_cidr(s, out);
	if (err)
		return err;
	net = *out;
	mask_bits(net.ip.addr, xt_prefix_key_len(&net));
	if (memcmp(net.ip.addr, out->ip.addr, XT_ADDR_LEN)) {
		xt_format_prefix(&net, a, sizeof(a));
		return xt_err_input(-EINVAL, "'%s' has host bits set (did you mean %s?)", s, a);
	}
	return 0;
}

int xt_parse_address(const char *s, struct xt_prefix *out)
{
	int err;

	if (!s)
		return xt_err_input(-EINVAL, "'' is not an IPv4 or IPv6 prefix");
	err = parse_cidr(s, out);
	if (err)
		return err;
	if (out->len == 0)
		return xt_err_input(-EINVAL,
				    "'%s': an interface address needs a prefix length above 0", s);
	return 0;
}

bool xt_prefix_equal(const struct xt_prefix *a, const struct xt_prefix *b)
{
	return a->ip.family == b->ip.family && a->len == b->len &&
	       !memcmp(a->ip.addr, b->ip.addr, XT_ADDR_LEN);
}

int xt_parse_prefix_list(const char *s, struct xt_prefix *out, int max, int *n)
{
	char buf[4096], *tok, *next;
	int count = 0, err, i;

	if (!s || strlen(s) >= sizeof(buf))
		return xt_err_input(-EINVAL, "allowed-ips list too long");
	strcpy(buf, s);
	/* Split by hand: strtok would skip the empty item of a typo like "a,,b". */
	for (tok = buf; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		if (!*tok)
			return xt_err_input(-EINVAL, "empty item in '%s'", s);
		if (count == max)
			return xt_err_input(-E2BIG, "more than %d prefixes in '%s'", max, s);
		err = xt_parse_prefix(tok, &out[count]);
		if (err)
			return err;
		for (i = 0; i < count; i++)
			if (xt_prefix_equal(&out[i], &out[count]))
				return xt_err_input(-EINVAL, "'%s' is listed twice", tok);
		count++;
	}
	*n = count;
	return 0;
}

/*
 * An IPv6 prefix must stay clear of ::ffff:0:0/96: one that covers it (::/0 does) would also
 * be the longest match of every IPv4 address no IPv4 prefix holds, so IPv4 traffic without
 * a route would go to that peer, and the peer could send from any such IPv4 source. Refused
 * until the data path can tell the families apart in a match.
 */
int xt_allowed_ip_check(const struct xt_prefix *p)
{
	static const uint8_t mapped[XT_ADDR_LEN] = { [10] = 0xff, [11] = 0xff };
	char a[INET6_ADDRSTRLEN + 4];

	if (p->ip.family != XT_FAMILY_V6 ||
	    !xt_bits_equal(p->ip.addr, mapped, p->len < 96 ? p->len : 96))
		return 0;
	xt_format_prefix(p, a, sizeof(a));
	return xt_err_input(-EINVAL,
			    "allowed-ips %s covers ::ffff:0:0/96, where xtunnel keeps IPv4 "
			    "prefixes: list IPv6 prefixes outside it (all global and unique-local "
			    "IPv6 is 2000::/3,fc00::/7)",
			    a);
}

/* Unspecified, broadcast and multicast can be no tunnel end's underlay address. */
bool xt_ip_is_unicast(const struct xt_ip *ip)
{
	static const uint8_t zero[XT_ADDR_LEN];
	const uint8_t *v4 = ip->addr + 12;

	/* Multicast: 224.0.0.0/4 and ff00::/8. */
	if (ip->family == XT_FAMILY_V4)
		return (v4[0] || v4[1] || v4[2] || v4[3]) &&
		       !(v4[0] == 255 && v4[1] == 255 && v4[2] == 255 && v4[3] == 255) &&
		       (v4[0] & 0xf0) != 0xe0;
	return memcmp(ip->addr, zero, XT_ADDR_LEN) && ip->addr[0] != 0xff;
}

#define ENDPOINT_FORMS "A.B.C.D[:PORT], [IPV6][:PORT] or IPV6"

/*
 * A.B.C.D, A.B.C.D:PORT, [V6]:PORT, [V6] or a bare V6. Port 0 means "the overlay's port".
 * A bare IPv6 address takes no port: in "2001:db8::1:80" the 80 is part of the address.
 */
int xt_parse_endpoint(const char *s, struct xt_ip *addr, uint16_t *port)
{
	char buf[INET6_ADDRSTRLEN];
	const char *colon = NULL, *close;
	uint32_t p = 0;
	int err;

	if (!s)
		return xt_err_input(-EINVAL, "missing endpoint");
	if (s[0] == '[') {
		close = strchr(s, ']');
		if (!close || (close[1] && close[1] != ':') ||
		    !copy_until(s + 1, close, buf, sizeof(buf)) ||
		    inet_pton(AF_INET6, buf, addr->addr) != 1)
			return xt_err_input(-EINVAL, "'%s' is not an endpoint (" ENDPOINT_FORMS ")",
					    s);
		addr->family = XT_FAMILY_V6;
		if (xt_addr_is_v4_mapped(addr->addr))
			return mapped_refused(s, addr);
		if (close[1] == ':')
			colon = close + 1;
	} else {
		/* One colon: A.B.C.D:PORT; an IPv6 address has at least two. */
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;
		if (!copy_until(s, colon, buf, sizeof(buf)))
			return xt_err_input(-EINVAL, "'%s' is not an endpoint (" ENDPOINT_FORMS ")",
					    s);
		err = ip_from_text(buf, addr);
		if (err == -EADDRNOTAVAIL)
			return mapped_refused(s, addr);
		if (err || (colon && addr->family != XT_FAMILY_V4))
			return xt_err_input(-EINVAL, "'%s' is not an endpoint (" ENDPOINT_FORMS ")",
					    s);
	}
	if (colon && xt_parse_u32(colon + 1, 1, 65535, &p))
		return xt_err_input(-EINVAL, "'%s': port must be 1 to 65535", s);
	if (!xt_ip_is_unicast(addr))
		return xt_err_input(-EINVAL, "'%s': endpoint must be a unicast address", s);
	*port = (uint16_t)p;
	return 0;
}

int xt_format_ip(const struct xt_ip *ip, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (ip->family == XT_FAMILY_V4)
		inet_ntop(AF_INET, ip->addr + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, ip->addr, a, sizeof(a));
	return snprintf(buf, len, "%s", a);
}

int xt_format_prefix(const struct xt_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	xt_format_ip(&p->ip, a, sizeof(a));
	return snprintf(buf, len, "%s/%u", a, p->len);
}

int xt_format_endpoint(const struct xt_ip *ip, uint16_t port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	xt_format_ip(ip, a, sizeof(a));
	if (!port)
		return snprintf(buf, len, "%s", a);
	if (ip->family == XT_FAMILY_V6)
		return snprintf(buf, len, "[%s]:%u", a, port);
	return snprintf(buf, len, "%s:%u", a, port);
}
