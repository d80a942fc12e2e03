// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Parsing of addresses, prefixes, endpoints and numbers: pure functions, unit-tested. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

int xt_parse_ipv4(const char *s, struct in_addr *out)
{
	/* inet_pton accepts only the dotted quad, unlike inet_aton ("10.1" or "0x0a..."). */
	if (!s || inet_pton(AF_INET, s, out) != 1)
		return xt_err_input(-EINVAL, "'%s' is not an IPv4 address", s ? s : "");
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

static uint32_t prefix_mask(uint8_t len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

/* "A.B.C.D/N" or "A.B.C.D" (a /32). */
static int parse_cidr(const char *s, struct xt_prefix *out)
{
	char buf[INET_ADDRSTRLEN + 4];
	const char *slash;
	uint32_t len = 32;
	size_t alen;

	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen >= INET_ADDRSTRLEN)
		return xt_err_input(-EINVAL, "'%s' is not an IPv4 prefix", s);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, &out->addr) != 1)
		return xt_err_input(-EINVAL, "'%s' is not an IPv4 prefix", s);
	if (slash && xt_parse_u32(slash + 1, 0, 32, &len))
		return xt_err_input(-EINVAL, "'%s': prefix length must be 0 to 32", s);
	out->len = (uint8_t)len;
	return 0;
}

int xt_parse_prefix(const char *s, struct xt_prefix *out)
{
	int err = parse_cidr(s, out);

	if (err)
		return err;
	if (out->addr.s_addr & ~prefix_mask(out->len))
		return xt_err_input(
			-EINVAL, "'%s' has host bits set (did you mean %s/%u?)", s,
			inet_ntoa((struct in_addr){ out->addr.s_addr & prefix_mask(out->len) }),
			out->len);
	return 0;
}

int xt_parse_address(const char *s, struct xt_prefix *out)
{
	int err = parse_cidr(s, out);

	if (err)
		return err;
	if (out->len == 0)
		return xt_err_input(-EINVAL,
				    "'%s': an interface address needs a prefix length above 0", s);
	return 0;
}

static bool prefix_equal(const struct xt_prefix *a, const struct xt_prefix *b)
{
	return a->len == b->len && a->addr.s_addr == b->addr.s_addr;
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
			if (prefix_equal(&out[i], &out[count]))
				return xt_err_input(-EINVAL, "'%s' is listed twice", tok);
		count++;
	}
	*n = count;
	return 0;
}

/* "A.B.C.D" or "A.B.C.D:PORT". Port 0 means "the overlay's port". */
int xt_parse_endpoint(const char *s, struct in_addr *addr, uint16_t *port)
{
	char buf[INET_ADDRSTRLEN];
	const char *colon;
	size_t alen;
	uint32_t p = 0;

	if (!s)
		return xt_err_input(-EINVAL, "missing endpoint");
	colon = strchr(s, ':');
	alen = colon ? (size_t)(colon - s) : strlen(s);

	if (alen >= sizeof(buf))
		return xt_err_input(-EINVAL, "'%s' is not an endpoint (ADDR[:PORT])", s);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, addr) != 1)
		return xt_err_input(-EINVAL, "'%s' is not an endpoint (ADDR[:PORT])", s);
	if (colon && xt_parse_u32(colon + 1, 1, 65535, &p))
		return xt_err_input(-EINVAL, "'%s': port must be 1 to 65535", s);
	if (addr->s_addr == INADDR_ANY || addr->s_addr == INADDR_BROADCAST ||
	    IN_MULTICAST(ntohl(addr->s_addr)))
		return xt_err_input(-EINVAL, "'%s': endpoint must be a unicast address", s);
	*port = (uint16_t)p;
	return 0;
}

int xt_format_prefix(const struct xt_prefix *p, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	return snprintf(buf, len, "%s/%u", a, p->len);
}
