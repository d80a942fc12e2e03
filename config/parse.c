// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading a config file (config.h) with inih. inih splits "Key = Value" and calls a handler
 * per key; what it does not do for us, a reader of our own does line by line before inih
 * sees the line, because Debian's libinih is built with the defaults and they cannot be
 * changed at run time portably:
 *
 * - Line numbers: the handler gets none (INI_HANDLER_LINENO is 0); the reader counts them.
 * - Sections: the handler is not called when one starts (INI_CALL_HANDLER_ON_NEW_SECTION is
 *   0), so two [Peer] sections in a row would look like one; the reader opens each.
 * - Length: inih's line buffer has INI_MAX_LINE (200) bytes and hands the rest of a longer
 *   line back as a line of its own. The reader hands a long list (AllowedIPs, Address,
 *   ForwardFrom) over in pieces, each "Key = some, items", the same as lines of the key
 *   each with some of the items; any other line that long is refused.
 * - Comments: '#' or ';' at the start of a line or after a space or tab, as wg-quick
 *   (inih knows ';' only); a '#' inside a word stays (a device may be named "a#b").
 * - Indentation is ignored (inih would take an indented line as the previous value's
 *   continuation), a NUL byte is refused (inih would stop reading the line there), and
 *   ':' is no separator (inih takes "Key: Value" as configparser does).
 *
 * The first error stops the reading: one message, "FILE:LINE: why", as an input error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <ini.h>
#include "config.h"

/* Where each item of a peer was given. */
struct peer_lines {
	int section, name, endpoint, managed, udp6_zero_csum;
	int *allowed; /* each prefix's */
};

struct parser {
	const char *file;
	FILE *f;
	char *buf; /* the line as read */
	size_t cap;
	int line;
	/* A list longer than inih's line: its key, and the items still to hand over. */
	char list_key[32];
	char *list_rest;
	bool failed;
	int section; /* enum xt_conf_section, -1 before the first */
	int overlay_line;
	int overlay_keys[16]; /* the line of each key of [Overlay], by its place in the list */
	int addr_lines[XT_MAX_ADDRS], port_lines[XT_MAX_FWD_PORTS]; /* each one's */
	struct xt_desired *d;
	struct peer_lines *peers; /* one per d->peers */
};

static int fail(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The first error: "FILE:LINE: why" (no LINE for what no line holds). Returns 0, which is
 * what an inih handler returns on error. */
static int fail(struct parser *p, int line, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	if (p->failed)
		return 0;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		xt_err_input(-EINVAL, "%s:%d: %s", p->file, line, why);
	else
		xt_err_input(-EINVAL, "%s: %s", p->file, why);
	return 0;
}

static char *trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		       s[len - 1] == '\n'))
		s[--len] = '\0';
	return s;
}

/* A comment starts with '#' or ';' at the start of the line or after a space or tab. */
static void cut_comment(char *s)
{
	char *c;

	for (c = s; *c; c++)
		if ((*c == '#' || *c == ';') && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
}

static const struct xt_conf_key *key_named(int section, const char *name, int *index)
{
	const struct xt_conf_key *keys = xt_conf_keys((enum xt_conf_section)section, index);
	int n = *index, i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(keys[i].name, name)) {
			*index = i;
			return &keys[i];
		}
	return NULL;
}

/* ---- sections ---- */

static struct peer_lines *current_peer(struct parser *p)
{
	return &p->peers[p->d->n_peers - 1];
}

/* The section that ends: a peer needs its name and endpoint. */
static bool section_close(struct parser *p)
{
	struct xt_peer_spec *peer;

	if (p->section != XT_CONF_PEER)
		return true;
	peer = &p->d->peers[p->d->n_peers - 1];
	if (!current_peer(p)->name)
		return fail(p, current_peer(p)->section, "[Peer] has no Name");
	if (!(peer->has & XT_PEER_ENDPOINT))
		return fail(p, current_peer(p)->section, "peer %s has no Endpoint", peer->name);
	return true;
}

static bool peer_new(struct parser *p)
{
	int n = p->d->n_peers;

	/* Grown by doubling: a file may have 100,000 peers. */
	if (!(n & (n - 1))) {
		size_t cap = n ? (size_t)n * 2 : 1;
		struct xt_peer_spec *peers = realloc(p->d->peers, cap * sizeof(*peers));
		struct peer_lines *lines;

		if (!peers)
			return fail(p, p->line, "out of memory");
		p->d->peers = peers;
		lines = realloc(p->peers, cap * sizeof(*lines));
		if (!lines)
			return fail(p, p->line, "out of memory");
		p->peers = lines;
	}
	memset(&p->d->peers[n], 0, sizeof(p->d->peers[n]));
	memset(&p->peers[n], 0, sizeof(p->peers[n]));
	p->peers[n].section = p->line;
	p->d->n_peers++;
	return true;
}

/* "[Name]": the section that starts, by name (any case, as wg-quick takes them). */
static bool section_open(struct parser *p, char *s)
{
	size_t len = strlen(s);
	char *name;
	int i;

	if (!section_close(p))
		return false;
	if (s[len - 1] != ']')
		return fail(p, p->line, "'%s': a section header ends with ']'", s);
	s[len - 1] = '\0';
	name = trim(s + 1);
	for (i = 0; i < XT_CONF_SECTIONS; i++)
		if (!strcasecmp(name, xt_conf_section_names[i]))
			break;
	if (i == XT_CONF_SECTIONS)
		return fail(p, p->line, "unknown section [%s] (a file has [Overlay] and [Peer])",
			    name);
	if (i == XT_CONF_OVERLAY && p->overlay_line)
		return fail(p, p->line, "[Overlay] again (first at line %d): one overlay per file",
			    p->overlay_line);
	if (i == XT_CONF_OVERLAY)
		p->overlay_line = p->line;
	else if (!peer_new(p))
		return false;
	p->section = i;
	return true;
}

/* ---- the reader ---- */

/* The next piece of a long list: "Key = " and as many whole items as fit in num bytes. */
static char *list_piece(struct parser *p, char *str, int num)
{
	size_t at = (size_t)snprintf(str, (size_t)num, "%s = ", p->list_key), len;
	char *item = p->list_rest, *end;

	for (;;) {
		end = strchr(item, ',');
		len = end ? (size_t)(end - item) : strlen(item);
		if (at + len + 1 >= (size_t)num) {
			if (item == p->list_rest) {
				fail(p, p->line, "%s: an item longer than %d characters",
				     p->list_key, num - 2);
				return NULL;
			}
			break;
		}
		if (item != p->list_rest)
			str[at++] = ',';
		memcpy(str + at, item, len);
		at += len;
		str[at] = '\0';
		item = end ? end + 1 : NULL;
		if (!item)
			break;
	}
	p->list_rest = item;
	return str;
}

/*
 * inih's reader: the next line for inih, num bytes at most with the NUL, after what the top
 * of this file says: comments cut, whitespace trimmed, sections opened, long lists in
 * pieces. NULL at the end, and after an error.
 */
static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const struct xt_conf_key *key;
	char *s, *sep;
	ssize_t n;
	int index;

	if (p->failed)
		return NULL;
	if (p->list_rest)
		return list_piece(p, str, num);
	for (;;) {
		errno = 0;
		n = getline(&p->buf, &p->cap, p->f);
		if (n < 0) {
			if (errno)
				fail(p, p->line + 1, "reading: %s", strerror(errno));
			return NULL;
		}
		p->line++;
		if (memchr(p->buf, '\0', (size_t)n)) {
			fail(p, p->line, "a NUL byte in the line");
			return NULL;
		}
		s = p->buf;
		if (p->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
			s += 3; /* a UTF-8 byte order mark */
		cut_comment(s);
		s = trim(s);
		if (*s)
			break;
	}
	if (*s == '[') {
		if (!section_open(p, s))
			return NULL;
		snprintf(str, (size_t)num, "[%s]", xt_conf_section_names[p->section]);
		return str;
	}
	sep = strpbrk(s, "=:");
	if (!sep || *sep == ':') {
		fail(p, p->line, "'%.40s%s' is not 'Key = Value'", s, strlen(s) > 40 ? "..." : "");
		return NULL;
	}
	if (strlen(s) < (size_t)num) {
		memcpy(str, s, strlen(s) + 1);
		return str;
	}
	*sep = '\0';
	key = p->section >= 0 ? key_named(p->section, trim(s), &index) : NULL;
	if (!key || !key->list || strlen(key->name) >= sizeof(p->list_key)) {
		fail(p, p->line, "longer than %d characters", num - 1);
		return NULL;
	}
	snprintf(p->list_key, sizeof(p->list_key), "%s", key->name);
	p->list_rest = trim(sep + 1);
	return list_piece(p, str, num);
}

/* ---- keys ---- */

static int overlay_key(struct parser *p, const struct xt_conf_key *key, const char *value)
{
	struct xt_overlay_spec *o = &p->d->overlay;
	int n_addrs, n_ports;

	if (!key->bit) {
		if (xt_dev_name_check("Name", value))
			return fail(p, p->line, "%s", xt_errmsg());
		if (strlen(value) > (size_t)XT_DEV_NAME_MAX)
			return fail(p, p->line,
				    "Name '%s': an overlay's device name has at most %d characters "
				    "(its hidden end is NAME%s)",
				    value, XT_DEV_NAME_MAX, XT_PEER_SUFFIX);
		snprintf(o->dev, sizeof(o->dev), "%s", value);
		return 1;
	}
	n_addrs = o->n_addrs;
	n_ports = o->n_forward;
	if (xt_setting_parse(o, key->bit, value))
		return fail(p, p->line, "%s: %s", key->name, xt_errmsg());
	while (n_addrs < o->n_addrs)
		p->addr_lines[n_addrs++] = p->line;
	while (n_ports < o->n_forward)
		p->port_lines[n_ports++] = p->line;
	return 1;
}

/* One more prefix of the current peer's allowed-ips, with the line it is on. */
static int peer_allow(struct parser *p, struct xt_peer_spec *peer, const char *text)
{
	struct peer_lines *lines = current_peer(p);
	int count = peer->n_allowed;
	struct xt_prefix prefix;

	if (xt_parse_prefix(text, &prefix))
		return fail(p, p->line, "AllowedIPs: %s", xt_errmsg());
	if (!(count & (count - 1))) {
		int *grown =
			realloc(lines->allowed, (size_t)(count ? count * 2 : 1) * sizeof(*grown));

		if (!grown)
			return fail(p, p->line, "out of memory");
		lines->allowed = grown;
	}
	if (xt_peer_spec_allow(peer, &prefix))
		return fail(p, p->line, "%s", xt_errmsg());
	lines->allowed[count] = p->line;
	return 1;
}

/* A comma-separated list, items trimmed, none empty (a typo like "a,,b" is refused). */
static int peer_allowed(struct parser *p, struct xt_peer_spec *peer, const char *value)
{
	char item[INET6_ADDRSTRLEN + 8], *t;
	const char *end;
	size_t len;

	do {
		end = strchr(value, ',');
		len = end ? (size_t)(end - value) : strlen(value);
		if (len >= sizeof(item))
			return fail(p, p->line, "AllowedIPs: '%.*s...' is no prefix", 20, value);
		memcpy(item, value, len);
		item[len] = '\0';
		t = trim(item);
		if (!*t)
			return fail(p, p->line, "AllowedIPs: an empty item in the list");
		if (!peer_allow(p, peer, t))
			return 0;
		value = end + 1;
	} while (end);
	peer->has |= XT_PEER_ALLOWED;
	return 1;
}

static int peer_key(struct parser *p, const struct xt_conf_key *key, const char *value)
{
	struct xt_peer_spec *peer = &p->d->peers[p->d->n_peers - 1];
	struct peer_lines *lines = current_peer(p);

	switch (key->bit) {
	case 0:
		if (xt_peer_name_check(value))
			return fail(p, p->line, "Name: %s", xt_errmsg());
		snprintf(peer->name, sizeof(peer->name), "%s", value);
		lines->name = p->line;
		return 1;
	case XT_PEER_ENDPOINT:
		if (xt_parse_endpoint(value, &peer->endpoint, &peer->port))
			return fail(p, p->line, "Endpoint: %s", xt_errmsg());
		peer->has |= XT_PEER_ENDPOINT;
		lines->endpoint = p->line;
		return 1;
	case XT_PEER_ALLOWED:
		return peer_allowed(p, peer, value);
	case XT_PEER_UDP6_ZERO_CSUM:
		/* A bit of the whole flags word a file gives (a reconcile sets the word), as
		 * Managed is. */
		if (strcmp(value, "true") && strcmp(value, "false"))
			return fail(p, p->line, "UDP6ZeroChecksum: '%s' is not true or false",
				    value);
		peer->udp6_zero_csum = !strcmp(value, "true");
		peer->flags = peer->udp6_zero_csum ? peer->flags | XT_PEER_F_UDP6_ZERO_CSUM
						   : peer->flags & ~XT_PEER_F_UDP6_ZERO_CSUM;
		peer->has |= XT_PEER_FLAGS;
		return 1;
	default: /* Managed */
		if (strcmp(value, "true") && strcmp(value, "false"))
			return fail(p, p->line, "Managed: '%s' is not true or false", value);
		peer->flags = !strcmp(value, "true") ? peer->flags | XT_PEER_F_MANAGED
						     : peer->flags & ~XT_PEER_F_MANAGED;
		peer->has |= XT_PEER_FLAGS;
		return 1;
	}
}

/* The line a key of the current peer was given on, 0 if not. */
static int *peer_key_line(struct parser *p, uint32_t bit)
{
	struct peer_lines *lines = current_peer(p);

	return !bit			       ? &lines->name
	       : bit == XT_PEER_ENDPOINT       ? &lines->endpoint
	       : bit == XT_PEER_FLAGS	       ? &lines->managed
	       : bit == XT_PEER_UDP6_ZERO_CSUM ? &lines->udp6_zero_csum
					       : NULL;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const struct xt_conf_key *key;
	int index, *seen;

	(void)section; /* the reader knows which one, and which [Peer] of many */
	if (p->failed)
		return 0;
	if (p->section < 0)
		return fail(p, p->line, "%s: outside a section ([Overlay] or [Peer] comes first)",
			    name);
	key = key_named(p->section, name, &index);
	if (!key && p->section == XT_CONF_OVERLAY && xt_conf_is_l2_key(name))
		return fail(p, p->line,
			    "%s: a config file describes L3 overlays only; an L2 overlay is made "
			    "with 'xtunnel attach ... mode l2' (see xtunnel.conf(5))",
			    name);
	if (!key)
		return fail(p, p->line, "unknown key '%s' in [%s] (see xtunnel.conf(5))", name,
			    xt_conf_section_names[p->section]);
	seen = p->section == XT_CONF_OVERLAY ? &p->overlay_keys[index] : peer_key_line(p, key->bit);
	if (seen && *seen && !key->list)
		return fail(p, p->line, "%s is given twice (first at line %d)", key->name, *seen);
	if (seen && !*seen)
		*seen = p->line;
	return p->section == XT_CONF_OVERLAY ? overlay_key(p, key, value) : peer_key(p, key, value);
}

/* ---- the whole file ---- */

static int overlay_line_of(const struct parser *p, uint32_t bit)
{
	const struct xt_conf_key *keys;
	int n, i;

	keys = xt_conf_keys(XT_CONF_OVERLAY, &n);
	for (i = 0; i < n; i++)
		if (keys[i].bit == bit)
			return p->overlay_keys[i];
	return 0;
}

/* The device when the file has no Name: its name without ".conf", as wg-quick's. */
static bool default_dev(struct parser *p)
{
	const char *base = strrchr(p->file, '/');
	size_t len;

	base = base ? base + 1 : p->file;
	len = strlen(base);
	if (len <= 5 || strcmp(base + len - 5, ".conf"))
		return fail(p, p->overlay_line,
			    "[Overlay] has no Name, and the file's name is not NAME.conf");
	len -= 5;
	if (len > (size_t)XT_DEV_NAME_MAX || len >= sizeof(p->d->overlay.dev))
		return fail(p, p->overlay_line,
			    "[Overlay] has no Name, and '%.*s' (the file's) is longer than %d "
			    "characters",
			    (int)len, base, XT_DEV_NAME_MAX);
	memcpy(p->d->overlay.dev, base, len);
	p->d->overlay.dev[len] = '\0';
	if (xt_dev_name_check("the file's name", p->d->overlay.dev))
		return fail(p, p->overlay_line, "[Overlay] has no Name: %s", xt_errmsg());
	return true;
}

/* What only the whole [Overlay] section can say: the keys that need others. */
static bool overlay_check(struct parser *p)
{
	struct xt_overlay_spec *o = &p->d->overlay;
	const char *encap = xt_encap_name(o->encap);
	char a[INET6_ADDRSTRLEN];
	int i, j;

	if (!p->overlay_line)
		return fail(p, 0, "no [Overlay] section");
	if (!(o->has & XT_OV_UPLINK))
		return fail(p, p->overlay_line, "[Overlay] has no Uplink");
	if (!*o->dev && !default_dev(p))
		return false;
	if (!xt_encap_is_udp(o->encap) && (o->has & XT_OV_VNI))
		return fail(p, overlay_line_of(p, XT_OV_VNI),
			    "VNI: encap %s has none (only vxlan and geneve)", encap);
	if (!xt_encap_is_udp(o->encap) && (o->has & XT_OV_PORT))
		return fail(p, overlay_line_of(p, XT_OV_PORT),
			    "Port: encap %s has none (only vxlan and geneve)", encap);
	if (o->encap != XT_ENCAP_GRE && (o->has & XT_OV_KEY))
		return fail(p, overlay_line_of(p, XT_OV_KEY), "Key: encap %s has none (only gre)",
			    encap);
	if (o->xdp_mode == XT_XDP_GENERIC && o->rx != XT_RX_XDP && !o->n_forward)
		return fail(p, overlay_line_of(p, XT_OV_XDP_MODE),
			    "XDPMode generic: only with Receive = xdp or ForwardFrom");
	for (i = 0; i < o->n_addrs; i++)
		for (j = 0; j < i; j++)
			if (o->addrs[i].ip.family == o->addrs[j].ip.family &&
			    !memcmp(o->addrs[i].ip.addr, o->addrs[j].ip.addr, XT_ADDR_LEN)) {
				xt_format_ip(&o->addrs[i].ip, a, sizeof(a));
				return fail(p, p->addr_lines[i],
					    "Address %s: given twice (first at line %d)", a,
					    p->addr_lines[j]);
			}
	for (i = 0; i < o->n_forward; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(o->forward_from[i], o->forward_from[j]))
				return fail(p, p->port_lines[i],
					    "ForwardFrom %s: given twice (first at line %d)",
					    o->forward_from[i], p->port_lines[j]);
	for (i = 0; (o->has & XT_OV_MTU) && o->mtu < 1280 && i < o->n_addrs; i++)
		if (o->addrs[i].ip.family == XT_FAMILY_V6)
			return fail(p, overlay_line_of(p, XT_OV_MTU),
				    "MTU %u: an IPv6 Address needs at least 1280", o->mtu);
	return true;
}

/* The peers together (xt_desired_check), a fault at the line that holds it. */
static bool peers_check(struct parser *p)
{
	struct xt_desired_fault fault;
	const struct peer_lines *l, *o;
	int line, other = 0;
	char why[512];

	if (!xt_desired_check(p->d, &fault))
		return true;
	snprintf(why, sizeof(why), "%s", xt_errmsg());
	if (fault.peer < 0)
		return fail(p, overlay_line_of(p, XT_OV_ADDRS), "%s", why);
	l = &p->peers[fault.peer];
	line = fault.item == XT_ITEM_NAME	? (l->name ? l->name : l->section)
	       : fault.item == XT_ITEM_ENDPOINT ? l->endpoint
	       : fault.item == XT_ITEM_FLAGS	? l->udp6_zero_csum
	       : fault.prefix >= 0 && fault.prefix < p->d->peers[fault.peer].n_allowed
		       ? l->allowed[fault.prefix]
		       : l->section;
	if (fault.other_peer >= 0) {
		o = &p->peers[fault.other_peer];
		other = fault.item == XT_ITEM_NAME	 ? o->name
			: fault.item == XT_ITEM_ENDPOINT ? o->endpoint
			: fault.other_prefix >= 0	 ? o->allowed[fault.other_prefix]
							 : o->section;
	}
	if (other)
		return fail(p, line, "%s (line %d)", why, other);
	return fail(p, line, "%s", why);
}

int xt_conf_parse(FILE *f, const char *name, struct xt_desired *out)
{
	struct parser p = { .file = name, .f = f, .section = -1, .d = out };
	int i, err;

	memset(out, 0, sizeof(*out));
	err = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed && err == -2)
		fail(&p, 0, "out of memory");
	else if (!p.failed && err)
		fail(&p, p.line, "not 'Key = Value'"); /* inih's own refusal: not expected */
	if (!p.failed && section_close(&p) && overlay_check(&p))
		peers_check(&p);
	for (i = 0; i < out->n_peers; i++)
		free(p.peers[i].allowed);
	free(p.peers);
	free(p.buf);
	if (p.failed) {
		xt_desired_free(out);
		return -EINVAL;
	}
	return 0;
}

int xt_conf_read(const char *path, struct xt_desired *out)
{
	FILE *f = fopen(path, "re");
	int err;

	if (!f) {
		err = -errno;
		if (err == -ENOENT)
			return err;
		return xt_err_input(err, "%s: %s", path, strerror(-err));
	}
	err = xt_conf_parse(f, path, out);
	fclose(f);
	return err;
}

bool xt_conf_is_path(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 5 && !strcmp(arg + n - 5, ".conf"));
}

int xt_conf_path(const char *arg, char *path, size_t len)
{
	size_t n = strlen(arg);

	if (xt_conf_is_path(arg)) {
		if (n >= len)
			return xt_err_input(-ENAMETOOLONG, "%s: a path too long", arg);
		memcpy(path, arg, n + 1);
		return 0;
	}
	if (xt_dev_name_check("NAME", arg))
		return -EINVAL;
	snprintf(path, len, "%s/%s.conf", XT_CONF_DIR, arg);
	return 0;
}
