// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Names: of the enum values, made from the lists that make the enums, as the man page
 * documents them, and back; and the rules for a device name. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "errmsg.h"
#include "xtunnel.h"

#define XT_NAME_MAX 24 /* the longest name and its NUL */

/*
 * The names of one enum, from its list (include/xtunnel_shared.h): the keys as the list
 * has them, and the words (the keys with '-' for '_'), made once before main() runs.
 */
struct names {
	const char *const *keys;
	char (*words)[XT_NAME_MAX];
	unsigned int count;
};

#define NAMES(kind, list, count)                                                                   \
	static const char *const kind##_keys[count] = { list(kind##_KEY) };                        \
	static char kind##_words[count][XT_NAME_MAX];                                              \
	static const struct names kind = { kind##_keys, kind##_words, count };                     \
	list(FITS)

#define FITS(id, name) _Static_assert(sizeof(#name) <= XT_NAME_MAX, #name " is too long");

#define reasons_KEY(id, name) [XT_##id] = #name,
NAMES(reasons, XT_REASONS, XT_REASON_COUNT)

#define encaps_KEY(id, name) [XT_ENCAP_##id] = #name,
NAMES(encaps, XT_ENCAPS, XT_ENCAP_COUNT)

#define rx_modes_KEY(id, name) [XT_RX_##id] = #name,
NAMES(rx_modes, XT_RX_MODES, XT_RX_MODE_COUNT)

#define xdp_modes_KEY(id, name) [XT_XDP_##id] = #name,
NAMES(xdp_modes, XT_XDP_MODES, XT_XDP_MODE_COUNT)

#define gso_paths_KEY(id, name) [XT_GSO_##id] = #name,
NAMES(gso_paths, XT_GSO_PATHS, XT_GSO_PATH_COUNT)

#define modes_KEY(id, name) [XT_MODE_##id] = #name,
NAMES(modes, XT_MODES, XT_MODE_COUNT)
#define uplink_states_KEY(id, name) [XT_UPLINK_##id] = #name,
NAMES(uplink_states, XT_UPLINK_STATES, XT_UPLINK_STATE_COUNT)
#define trace_progs_KEY(id, name) [XT_TRACE_##id] = #name,
NAMES(trace_progs, XT_TRACE_PROGS, XT_TRACE_PROG_COUNT)

#define checks_KEY(id, name) [XT_CHECK_##id] = #name,
NAMES(checks, XT_CHECKS, XT_CHECK_COUNT)

#define statuses_KEY(id, name) [XT_STATUS_##id] = #name,
NAMES(statuses, XT_STATUSES, XT_STATUS_COUNT)

static void words_make(const struct names *n)
{
	unsigned int i;
	char *c;

	for (i = 0; i < n->count; i++) {
		snprintf(n->words[i], XT_NAME_MAX, "%s", n->keys[i]);
		for (c = n->words[i]; *c; c++)
			if (*c == '_')
				*c = '-';
	}
}

__attribute__((constructor)) static void names_make(void)
{
	words_make(&reasons);
	words_make(&encaps);
	words_make(&rx_modes);
	words_make(&xdp_modes);
	words_make(&gso_paths);
	words_make(&modes);
	words_make(&uplink_states);
	words_make(&trace_progs);
	words_make(&checks);
	words_make(&statuses);
}

static const char *word_of(const struct names *n, unsigned int value)
{
	return value < n->count ? n->words[value] : "unknown";
}

/* value of word in *out, or an input error naming the choices ("'x' is not a, b or c"). */
static int word_parse(const struct names *n, const char *word, unsigned int *out)
{
	char choices[160] = "";
	size_t len = 0;
	unsigned int i;

	for (i = 0; word && i < n->count; i++)
		if (!strcmp(word, n->words[i])) {
			*out = i;
			return 0;
		}
	for (i = 0; i < n->count; i++)
		len += (size_t)snprintf(choices + len, sizeof(choices) - len, "%s%s",
					i == 0		    ? ""
					: i == n->count - 1 ? " or "
							    : ", ",
					n->words[i]);
	return xt_err_input(-EINVAL, "'%s' is not %s", word ? word : "", choices);
}

/* A check's id is its key: rp_filter, as the sysctl is named. */
const char *xt_check_name(enum xt_doctor_check check)
{
	return (unsigned int)check < XT_CHECK_COUNT ? checks_keys[check] : "unknown";
}

const char *xt_status_name(enum xt_status status)
{
	return word_of(&statuses, (unsigned int)status);
}

const char *xt_reason_name(enum xt_reason reason)
{
	return word_of(&reasons, (unsigned int)reason);
}

const char *xt_reason_key(enum xt_reason reason)
{
	return (unsigned int)reason < XT_REASON_COUNT ? reasons_keys[reason] : "unknown";
}

const char *xt_encap_name(enum xt_encap encap)
{
	return word_of(&encaps, (unsigned int)encap);
}

int xt_parse_encap(const char *s, enum xt_encap *out)
{
	unsigned int v;
	int err = word_parse(&encaps, s, &v);

	if (!err)
		*out = (enum xt_encap)v;
	return err;
}

const char *xt_rx_mode_name(enum xt_rx_mode mode)
{
	return word_of(&rx_modes, (unsigned int)mode);
}

int xt_parse_rx_mode(const char *s, enum xt_rx_mode *out)
{
	unsigned int v;
	int err = word_parse(&rx_modes, s, &v);

	if (!err)
		*out = (enum xt_rx_mode)v;
	return err;
}

const char *xt_xdp_mode_name(enum xt_xdp_mode mode)
{
	return word_of(&xdp_modes, (unsigned int)mode);
}

int xt_parse_xdp_mode(const char *s, enum xt_xdp_mode *out)
{
	unsigned int v;
	int err = word_parse(&xdp_modes, s, &v);

	if (!err)
		*out = (enum xt_xdp_mode)v;
	return err;
}

const char *xt_gso_path_name(enum xt_gso_path path)
{
	return word_of(&gso_paths, (unsigned int)path);
}

const char *xt_mode_name(enum xt_mode mode)
{
	return word_of(&modes, (unsigned int)mode);
}

int xt_parse_mode(const char *s, enum xt_mode *out)
{
	unsigned int v;
	int err = word_parse(&modes, s, &v);

	if (!err)
		*out = (enum xt_mode)v;
	return err;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Six pairs of hex digits between five colons or five dashes, nothing else: no sign, no
 * space, no single digit (sscanf's %x would take all three). */
int xt_parse_mac(const char *s, uint8_t out[6])
{
	uint8_t mac[6];
	int i, hi, lo;

	if (!s || strlen(s) != 17 || (s[2] != ':' && s[2] != '-'))
		goto bad;
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[3 * i]);
		lo = hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != s[2]))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return xt_err_input(-EINVAL, "'%s' is no station's MAC (multicast or zero)", s);
	memcpy(out, mac, sizeof(mac));
	return 0;
bad:
	return xt_err_input(-EINVAL, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", s ? s : "");
}

int xt_format_mac(const uint8_t mac[6], char *buf, size_t len)
{
	int n = snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
			 mac[4], mac[5]);

	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

const char *xt_uplink_state_name(enum xt_uplink_state state)
{
	return word_of(&uplink_states, (unsigned int)state);
}

/* The words of attach (the man page's) for the bits of enum xt_overlay_has. */
static const struct {
	uint32_t bit;
	const char *name;
} settings[] = {
	{ XT_OV_UPLINK, "uplink" },
	{ XT_OV_ENCAP, "encap" },
	{ XT_OV_VNI, "vni" },
	{ XT_OV_PORT, "port" },
	{ XT_OV_KEY, "key" },
	{ XT_OV_LOCAL, "local" },
	{ XT_OV_ADDRS, "address" },
	{ XT_OV_MTU, "mtu" },
	{ XT_OV_RX, "rx" },
	{ XT_OV_XDP_MODE, "xdp-mode" },
	{ XT_OV_MAX_PEERS, "max-peers" },
	{ XT_OV_MAX_ROUTES, "max-routes" },
	{ XT_OV_FORWARD_FROM, "forward-from" },
	{ XT_OV_MODE, "mode" },
	{ XT_OV_MAC, "mac" },
	{ XT_OV_MAX_MACS, "max-macs" },
	{ XT_OV_AGEING, "ageing" },
};

const char *xt_setting_name(uint32_t bit)
{
	unsigned int i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (bit == settings[i].bit)
			return settings[i].name;
	return "unknown";
}

const char *xt_peer_flag_name(uint16_t flag)
{
	switch (flag) {
	case XT_PEER_F_MANAGED:
		return "managed";
	case XT_PEER_F_FLOOD:
		return "flood";
	case XT_PEER_F_UDP6_ZERO_CSUM:
		return "udp6-zero-csum";
	}
	return NULL;
}

/* A program's name is the kernel's (bpftool prog list), '_' and all. */
const char *xt_trace_prog_name(enum xt_trace_prog prog)
{
	return (unsigned int)prog < XT_TRACE_PROG_COUNT ? trace_progs_keys[prog] : "unknown";
}

const char *xt_reason_verdict(enum xt_reason reason)
{
	const char *key = xt_reason_key(reason);

	if (!strncmp(key, "drop_", 5))
		return "drop";
	return strncmp(key, "pass_", 5) ? "ok" : "pass";
}

/* Whitespace as the kernel's ctype has it: isspace() there is true for 0xa0 (NBSP) too. */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/*
 * The kernel's dev_valid_name() (net/core/dev.c): not empty, shorter than IFNAMSIZ, not "."
 * or "..", and no '/', ':' or whitespace. Control characters are refused too: the kernel
 * takes them, but a name is printed in messages and show. A name is checked here before it
 * is looked up or used in a path: the pin directory is /sys/fs/bpf/xtunnel/[netns/NS/]NAME,
 * and "xt0/../xt0" or "../../.." would otherwise lead out of it.
 */
int xt_dev_name_check(const char *what, const char *name)
{
	const unsigned char *c;

	if (!name || !*name)
		return xt_err_input(-EINVAL, "%s: a device name cannot be empty", what);
	for (c = (const unsigned char *)name; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return xt_err_input(-EINVAL,
					    "%s: a device name cannot contain control characters",
					    what);
	if (strlen(name) >= IF_NAMESIZE)
		return xt_err_input(-EINVAL, "%s '%s': a device name has at most %d characters",
				    what, name, IF_NAMESIZE - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return xt_err_input(-EINVAL, "%s '%s': not a device name", what, name);
	for (c = (const unsigned char *)name; *c; c++)
		if (*c == '/' || *c == ':' || kernel_isspace(*c))
			return xt_err_input(-EINVAL, "%s '%s': a device name cannot contain %s",
					    what, name,
					    *c == '/'	? "'/'"
					    : *c == ':' ? "':'"
							: "whitespace");
	return 0;
}

int xt_peer_name_check(const char *name)
{
	const char *c;

	if (!name || !*name)
		return xt_err_input(-EINVAL, "a peer needs a name");
	if (strlen(name) >= XT_PEER_NAME_LEN)
		return xt_err_input(-EINVAL, "peer name '%s' is longer than %d characters", name,
				    XT_PEER_NAME_LEN - 1);
	for (c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._-", *c))
			return xt_err_input(-EINVAL,
					    "peer name '%s': use letters, digits, '.', '_' and '-'",
					    name);
	return 0;
}

/* The length of the well-formed UTF-8 sequence at s (RFC 3629 section 4), 0 if there is
 * none: no overlong form, no surrogate, nothing above U+10FFFF. */
static int utf8_sequence(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < len; i++, lo = 0x80, hi = 0xbf)
		if (s[i] < lo || s[i] > hi)
			return 0;
	return len;
}

void xt_name_utf8(const char *name, char *out)
{
	const unsigned char *s = (const unsigned char *)name;
	int len;

	while (*s) {
		len = utf8_sequence(s);
		if (len) {
			memcpy(out, s, (size_t)len);
			out += len;
			s += len;
		} else {
			memcpy(out, "\xef\xbf\xbd", 3);
			out += 3;
			s++;
		}
	}
	*out = '\0';
}
