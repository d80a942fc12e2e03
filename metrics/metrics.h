/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The overlays' counters for monitoring: Prometheus' text exposition format (version
 * 0.0.4), printed by `xtunnel stats --prometheus` for node_exporter's textfile collector
 * and served over HTTP by `xtunnel metrics`. This room sits above loader/ and uses only
 * its public API (loader/xtunnel.h): the counters are what xt_show returns.
 */
#ifndef XT_METRICS_H
#define XT_METRICS_H

#include <stdio.h>
#include "xtunnel.h"

/* What a scrape is answered with (the text format's media type). */
#define XT_PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The overlays' metrics as text, every family with its HELP and TYPE lines, the families
 * in one order whatever the overlays. Pure: the tests give it overlays made by hand. */
int xt_prom_write(FILE *f, const struct xt_overlay_state *ovs, int n);
/* A label value as the text format takes it: quoted, '\' '"' and newline escaped, and
 * bytes that are no UTF-8 replaced (xt_name_utf8). */
int xt_prom_label_value(FILE *f, const char *value);
/* Reads overlay dev (NULL: every overlay of the namespace) through xt_show and formats it:
 * *text is malloc'ed, *len bytes long. */
int xt_prom_read(const char *dev, char **text, size_t *len);

/*
 * The HTTP server of `xtunnel metrics`: GET (and HEAD) /metrics answered with the text of
 * xt_prom_read, read anew at each request; 404 for any other path, 405 for another method.
 * Requests are answered one at a time by the server's thread (libmicrohttpd), so reads of
 * the overlays never run at once.
 */
struct xt_metrics_server;
/* Listens on addr:port (IPv4 or IPv6) and serves overlay dev (NULL: all) until stopped. */
int xt_metrics_serve(const char *dev, const struct xt_ip *addr, uint16_t port,
		     struct xt_metrics_server **out);
void xt_metrics_stop(struct xt_metrics_server *server);

#endif
