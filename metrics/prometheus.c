// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The text exposition format of Prometheus (version 0.0.4): a family is its HELP and TYPE
 * lines, then every sample of it, each family once (a parser refuses a family seen twice),
 * so the loops run family by family over the overlays, not overlay by overlay. Names follow
 * Prometheus' conventions: counters end in _total, values are in base units (bytes,
 * seconds), and what varies is in the labels dev, peer and reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "metrics.h"

int xt_prom_label_value(FILE *f, const char *value)
{
	char *text = malloc(XT_NAME_UTF8_SIZE(value)), *c;

	if (!text)
		return -ENOMEM;
	xt_name_utf8(value, text);
	fputc('"', f);
	for (c = text; *c; c++) {
		if (*c == '\\' || *c == '"')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else
			fputc(*c, f);
	}
	fputc('"', f);
	free(text);
	return 0;
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{dev="D"[,peer="P"][,reason="R"]}: the value follows. */
static int sample(FILE *f, const char *name, const char *dev, const char *peer, const char *reason)
{
	int err;

	fprintf(f, "%s{dev=", name);
	err = xt_prom_label_value(f, dev);
	if (!err && peer) {
		fputs(",peer=", f);
		err = xt_prom_label_value(f, peer);
	}
	if (!err && reason) {
		fputs(",reason=", f);
		err = xt_prom_label_value(f, reason);
	}
	fputs("} ", f);
	return err;
}

/* Every reason of every overlay, zeros included: a series exists from the start, so that
 * rate() and increase() see its first packets. */
static int overlay_reasons(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	static const char name[] = "xtunnel_packets_total";
	int i, r, err;

	family(f, name, "counter",
	       "Packets the overlay's programs handled, by what became of them "
	       "(reason: see COUNTERS in xtunnel(8)).");
	for (i = 0; i < n; i++)
		for (r = 0; r < XT_REASON_COUNT; r++) {
			err = sample(f, name, ovs[i].spec.dev, NULL,
				     xt_reason_key((enum xt_reason)r));
			if (err)
				return err;
			fprintf(f, "%" PRIu64 "\n", ovs[i].reasons[r]);
		}
	return 0;
}

static int64_t peers_of(const struct xt_overlay_state *ov)
{
	return ov->n_peers;
}

static int64_t routes_of(const struct xt_overlay_state *ov)
{
	return ov->n_routes;
}

/* What an overlay holds: its peers, its routes. */
static int overlay_gauges(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	static const struct {
		const char *name, *help;
		int64_t (*value)(const struct xt_overlay_state *ov);
	} gauges[] = {
		{ "xtunnel_peers", "Peers of the overlay.", peers_of },
		{ "xtunnel_routes", "Routes of the overlay (its peers' allowed-ips).", routes_of },
	};
	size_t g;
	int i, err;

	for (g = 0; g < sizeof(gauges) / sizeof(gauges[0]); g++) {
		family(f, gauges[g].name, "gauge", gauges[g].help);
		for (i = 0; i < n; i++) {
			err = sample(f, gauges[g].name, ovs[i].spec.dev, NULL, NULL);
			if (err)
				return err;
			fprintf(f, "%" PRId64 "\n", gauges[g].value(&ovs[i]));
		}
	}
	return 0;
}

/* The peers' transfer counters, from struct xt_peer_stats. */
static int peer_counters(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	static const struct {
		const char *name, *help;
		size_t offset; /* of a __u64 in struct xt_peer_stats */
	} counters[] = {
		{ "xtunnel_peer_received_packets_total",
		  "Packets decapsulated from the peer and delivered (or forwarded).",
		  offsetof(struct xt_peer_stats, rx_packets) },
		{ "xtunnel_peer_received_bytes_total",
		  "Bytes of the packets received from the peer (the inner Ethernet frames).",
		  offsetof(struct xt_peer_stats, rx_bytes) },
		{ "xtunnel_peer_sent_packets_total", "Packets encapsulated and sent to the peer.",
		  offsetof(struct xt_peer_stats, tx_packets) },
		{ "xtunnel_peer_sent_bytes_total",
		  "Bytes of the packets sent to the peer (the inner Ethernet frames).",
		  offsetof(struct xt_peer_stats, tx_bytes) },
	};
	const struct xt_peer_state *p;
	size_t c;
	int i, j, err;

	for (c = 0; c < sizeof(counters) / sizeof(counters[0]); c++) {
		family(f, counters[c].name, "counter", counters[c].help);
		for (i = 0; i < n; i++)
			for (j = 0; j < ovs[i].n_peers; j++) {
				p = &ovs[i].peers[j];
				err = sample(f, counters[c].name, ovs[i].spec.dev, p->spec.name,
					     NULL);
				if (err)
					return err;
				fprintf(f, "%" PRIu64 "\n",
					(uint64_t) * (const __u64 *)((const char *)&p->stats +
								     counters[c].offset));
			}
	}
	return 0;
}

static int peer_drops(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	static const char name[] = "xtunnel_peer_dropped_packets_total";
	const struct xt_peer_state *p;
	int i, j, r, err;

	family(f, name, "counter", "Packets from or to the peer that were dropped, by reason.");
	for (i = 0; i < n; i++)
		for (j = 0; j < ovs[i].n_peers; j++)
			for (r = 0; r < XT_DROP_COUNT; r++) {
				p = &ovs[i].peers[j];
				err = sample(f, name, ovs[i].spec.dev, p->spec.name,
					     xt_reason_key((enum xt_reason)(XT_FIRST_DROP + r)));
				if (err)
					return err;
				fprintf(f, "%" PRIu64 "\n", p->drops[r]);
			}
	return 0;
}

/* Liveness: when the latest valid packet came (Unix time, ms as decimals), and whether the
 * peer is silent. */
static int peer_liveness(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	static const char latest[] = "xtunnel_peer_latest_packet_timestamp_seconds";
	static const char silent[] = "xtunnel_peer_silent";
	const struct xt_peer_state *p;
	char help[128];
	int i, j, err;

	family(f, latest, "gauge",
	       "When the latest valid packet came from the peer, in seconds since the Unix "
	       "epoch; 0: none since it was added.");
	for (i = 0; i < n; i++)
		for (j = 0; j < ovs[i].n_peers; j++) {
			p = &ovs[i].peers[j];
			err = sample(f, latest, ovs[i].spec.dev, p->spec.name, NULL);
			if (err)
				return err;
			fprintf(f, "%" PRId64 ".%03d\n", p->latest_rx_ms / 1000,
				(int)(p->latest_rx_ms % 1000));
		}
	snprintf(help, sizeof(help),
		 "1 when no valid packet came from the peer for %d seconds, or none ever did; "
		 "else 0.",
		 XT_PEER_SILENT_S);
	family(f, silent, "gauge", help);
	for (i = 0; i < n; i++)
		for (j = 0; j < ovs[i].n_peers; j++) {
			p = &ovs[i].peers[j];
			err = sample(f, silent, ovs[i].spec.dev, p->spec.name, NULL);
			if (err)
				return err;
			fprintf(f, "%d\n", p->silent ? 1 : 0);
		}
	return 0;
}

int xt_prom_write(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	static int (*const families[])(FILE *, const struct xt_overlay_state *, int) = {
		overlay_reasons, overlay_gauges, peer_counters, peer_drops, peer_liveness,
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		err = families[i](f, ovs, n);
		if (err)
			return xt_err(err, "metrics: out of memory");
	}
	if (ferror(f))
		return xt_err(-EIO, "metrics: cannot write the text");
	return 0;
}

int xt_prom_read(const char *dev, char **text, size_t *len)
{
	struct xt_overlay_state *ovs;
	FILE *f;
	int n, err;

	err = xt_show(dev, &ovs, &n);
	if (err)
		return err;
	*text = NULL;
	f = open_memstream(text, len);
	if (!f) {
		err = xt_err(-errno, "metrics: open_memstream: %s", strerror(errno));
		goto out;
	}
	err = xt_prom_write(f, ovs, n);
	if (fclose(f) && !err)
		err = xt_err(-ENOMEM, "metrics: cannot write the text");
	if (err) {
		free(*text);
		*text = NULL;
	}
out:
	xt_overlay_states_free(ovs, n);
	return err;
}
