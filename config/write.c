// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * save: an overlay as it runs, written as a config file (config.h). Every setting is
 * written, defaults too, so that the file makes the same overlay whatever a later version
 * takes as default; `local` and `mtu` as they are (show returns them so). The output is a
 * function of the state alone: peers by name, allowed-ips and IPv6 addresses in one order
 * (the kernel lists IPv6 addresses newest first, so their order does not survive down and
 * up); IPv4 addresses stay in the kernel's order, which is the order they were added in and
 * says which one is primary.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "config.h"

#define LINE_WIDTH 80 /* lists are wrapped into lines of the key, as many as it takes */

/* IPv4 first, then by address, then by length. */
static int prefix_order(const void *a, const void *b)
{
	const struct xt_prefix *x = a, *y = b;
	int c;

	if (x->ip.family != y->ip.family)
		return x->ip.family == XT_FAMILY_V4 ? -1 : 1;
	c = memcmp(x->ip.addr, y->ip.addr, XT_ADDR_LEN);
	return c ? c : (int)x->len - (int)y->len;
}

static int name_order(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "Key = a, b, c" lines, as many as the items take. */
struct list_writer {
	FILE *f;
	const char *key;
	int width; /* of the current line; 0: none started */
};

static void list_item(struct list_writer *w, const char *item)
{
	int len = (int)strlen(item);

	if (w->width && w->width + 2 + len > LINE_WIDTH) {
		fputc('\n', w->f);
		w->width = 0;
	}
	if (!w->width)
		w->width = fprintf(w->f, "%s = %s", w->key, item);
	else
		w->width += fprintf(w->f, ", %s", item);
}

static void list_end(struct list_writer *w)
{
	if (w->width)
		fputc('\n', w->f);
	w->width = 0;
}

static void write_prefixes(FILE *f, const char *key, const struct xt_prefix *list, int n)
{
	struct list_writer w = { f, key, 0 };
	char text[INET6_ADDRSTRLEN + 4];
	int i;

	for (i = 0; i < n; i++) {
		xt_format_prefix(&list[i], text, sizeof(text));
		list_item(&w, text);
	}
	list_end(&w);
}

/* A sorted copy of a list (which may be empty). */
static struct xt_prefix *sorted(const struct xt_prefix *list, int n)
{
	struct xt_prefix *copy = calloc((size_t)n + 1, sizeof(*copy));

	if (copy && n) {
		memcpy(copy, list, (size_t)n * sizeof(*copy));
		qsort(copy, (size_t)n, sizeof(*copy), prefix_order);
	}
	return copy;
}

static int write_overlay(FILE *f, const struct xt_overlay_spec *s)
{
	char ports[XT_MAX_FWD_PORTS][IF_NAMESIZE];
	struct xt_prefix addrs[XT_MAX_ADDRS], *v6;
	struct list_writer w = { f, NULL, 0 };
	const struct xt_conf_key *keys;
	char value[INET6_ADDRSTRLEN + 8];
	int n_keys, n_addrs = 0, i, k;

	keys = xt_conf_keys(XT_CONF_OVERLAY, &n_keys);
	fputs("[Overlay]\n", f);
	for (k = 0; k < n_keys; k++) {
		uint32_t bit = keys[k].bit;

		if (!bit) {
			fprintf(f, "%s = %s\n", keys[k].name, s->dev);
		} else if (bit == XT_OV_ADDRS) {
			/* IPv4 in the kernel's order, then IPv6 in ours (the top of this file). */
			v6 = sorted(s->addrs, s->n_addrs);
			if (!v6)
				return xt_err(-ENOMEM, "out of memory");
			for (i = 0; i < s->n_addrs; i++)
				if (s->addrs[i].ip.family == XT_FAMILY_V4)
					addrs[n_addrs++] = s->addrs[i];
			for (i = 0; i < s->n_addrs; i++)
				if (v6[i].ip.family != XT_FAMILY_V4)
					addrs[n_addrs++] = v6[i];
			free(v6);
			write_prefixes(f, keys[k].name, addrs, n_addrs);
		} else if (bit == XT_OV_FORWARD_FROM) {
			/* By name: the ports come from a hash map, in no order of their own. */
			memcpy(ports, s->forward_from, sizeof(ports));
			qsort(ports, (size_t)s->n_forward, sizeof(ports[0]), name_order);
			w.key = keys[k].name;
			for (i = 0; i < s->n_forward; i++)
				list_item(&w, ports[i]);
			list_end(&w);
		} else if (s->has & bit) {
			xt_setting_format(s, bit, value, sizeof(value));
			fprintf(f, "%s = %s\n", keys[k].name, value);
		}
	}
	return 0;
}

static int write_peer(FILE *f, const struct xt_overlay_spec *ov, const struct xt_peer_spec *p)
{
	bool udp = xt_encap_is_udp(ov->encap);
	char endpoint[INET6_ADDRSTRLEN + 8];
	struct xt_prefix *allowed;

	if (p->flags & ~(XT_PEER_F_MANAGED | XT_PEER_F_UDP6_ZERO_CSUM))
		return xt_err_input(-EINVAL,
				    "peer %s has flags (0x%x) a config file cannot say yet: not "
				    "saved",
				    p->name, p->flags);
	/* The port only where it is not the overlay's: the peer follows the overlay's. */
	xt_format_endpoint(&p->endpoint, udp && p->port != ov->port ? p->port : 0, endpoint,
			   sizeof(endpoint));
	fprintf(f, "\n[Peer]\nName = %s\nEndpoint = %s\n", p->name, endpoint);
	allowed = sorted(p->allowed, p->n_allowed);
	if (!allowed)
		return xt_err(-ENOMEM, "out of memory");
	write_prefixes(f, xt_conf_key_of(XT_CONF_PEER, XT_PEER_ALLOWED)->name, allowed,
		       p->n_allowed);
	free(allowed);
	if (p->flags & XT_PEER_F_MANAGED)
		fprintf(f, "%s = true\n", xt_conf_key_of(XT_CONF_PEER, XT_PEER_FLAGS)->name);
	if (p->flags & XT_PEER_F_UDP6_ZERO_CSUM)
		fprintf(f, "%s = true\n",
			xt_conf_key_of(XT_CONF_PEER, XT_PEER_UDP6_ZERO_CSUM)->name);
	return 0;
}

int xt_conf_write(FILE *f, const struct xt_overlay_state *ov)
{
	int i, err;

	if (ov->spec.mode == XT_MODE_L2)
		return xt_err_input(-EINVAL,
				    "overlay %s is an L2 overlay (mode l2), which a config file "
				    "cannot describe yet: not saved",
				    ov->spec.dev);
	if (!(ov->spec.has & XT_OV_UPLINK))
		return xt_err_input(-ENODEV,
				    "overlay %s: its uplink is gone, and a file cannot make it "
				    "again without one",
				    ov->spec.dev);
	fputs("# Written by xtunnel save; xtunnel up makes the overlay again. xtunnel.conf(5)\n",
	      f);
	err = write_overlay(f, &ov->spec);
	for (i = 0; !err && i < ov->n_peers; i++)
		err = write_peer(f, &ov->spec, &ov->peers[i].spec);
	if (!err && (fflush(f) || ferror(f)))
		err = xt_err(-EIO, "writing: %s", strerror(errno));
	return err;
}
