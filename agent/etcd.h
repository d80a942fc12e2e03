/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * An etcd v3 client over etcd's gRPC JSON gateway (etcd 3.4: POST /v3/kv/range, /v3/kv/txn,
 * /v3/lease/grant|keepalive|revoke, /v3/watch), with libcurl and json-c. Debian has no
 * maintained C client of the v3 API (the v2 API etcd 3.4 still serves has no leases on
 * prefixes nor revisions to watch from), and the gateway is documented and served by every
 * member. Keys and values travel base64-encoded, int64 fields as JSON strings.
 *
 * Every unary call goes to the current endpoint; when it cannot be reached, or answers
 * that it cannot serve (no leader, shutting down), the next one is tried, once each: the
 * caller retries with backoff. Errors are the library's (xt_errmsg): what failed and why.
 */
#ifndef XT_AGENT_ETCD_H
#define XT_AGENT_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct etcd_tls {
	const char *cacert; /* the CA that signed the members' certificates */
	const char *cert;   /* a client certificate and its key, for --client-cert-auth */
	const char *key;
};

/* One key as etcd keeps it. */
struct etcd_kv {
	char *key;
	char *value; /* with a 0 after value_len bytes */
	size_t value_len;
	int64_t create_revision, mod_revision, lease;
};

void etcd_kv_free(struct etcd_kv *kv);

struct etcd;

/* endpoints: comma-separated URLs (http://H:P or https://H:P). Connects to none yet. */
int etcd_open(const char *endpoints, const struct etcd_tls *tls, struct etcd **out);
void etcd_close(struct etcd *e);
/* The endpoint calls go to now (for the log). */
const char *etcd_endpoint(const struct etcd *e);
/* Hands each failover line ("etcd URL: why; trying URL") to fn. */
void etcd_set_log(struct etcd *e, void (*fn)(const char *msg));

/* The keys under prefix, and the revision they were read at. Free with etcd_kvs_free. */
int etcd_range_prefix(struct etcd *e, const char *prefix, struct etcd_kv **kvs, int *n,
		      int64_t *revision);
void etcd_kvs_free(struct etcd_kv *kvs, int n);

/* A lease of ttl seconds. */
int etcd_lease_grant(struct etcd *e, int ttl, int64_t *id);
/* Renews it: *ttl is what it has left, 0 when it is gone (expired or revoked). */
int etcd_lease_keepalive(struct etcd *e, int64_t id, int64_t *ttl);
int etcd_lease_revoke(struct etcd *e, int64_t id);

/* Puts key = value bound to lease if key does not exist (its create_revision is 0): *created
 * says so; if not, *holder (when not NULL) is the key as it is. */
int etcd_create(struct etcd *e, const char *key, const char *value, int64_t lease, bool *created,
		struct etcd_kv *holder);
/* Puts key = value bound to lease, whatever was there. */
int etcd_put(struct etcd *e, const char *key, const char *value, int64_t lease);

/* ---- watch: a stream of events under a prefix ---- */

enum etcd_event_type {
	ETCD_PUT,
	ETCD_DELETE, /* kv has its key and mod_revision alone */
};

/* What a watch reports. */
struct etcd_watch_handler {
	void (*event)(void *arg, enum etcd_event_type type, const struct etcd_kv *kv);
	/* After each message's events: the revision of the last one (the watch resumes after
	 * it). */
	void (*revision)(void *arg, int64_t revision);
	void *arg;
};

/* Watches prefix from start_revision on the current endpoint. */
int etcd_watch_start(struct etcd *e, const char *prefix, int64_t start_revision,
		     const struct etcd_watch_handler *h);
/*
 * Waits up to timeout_ms for the stream and hands what came to the handler. 0 while it
 * runs; -ESTALE when etcd canceled it because start_revision is compacted away (re-list);
 * -EPIPE when the stream broke (the member went, or said an error): the endpoint is moved
 * on, and the caller watches again from the revision after the last event it got. The
 * watch is stopped after either.
 */
int etcd_watch_poll(struct etcd *e, int timeout_ms);
void etcd_watch_stop(struct etcd *e);
bool etcd_watching(const struct etcd *e);
/* The latest watch said something since it started (it reached a member that serves);
 * still so after it stopped. */
bool etcd_watch_answered(const struct etcd *e);

/* ---- base64 (RFC 4648 section 4), as the gateway encodes bytes ---- */

/* The encoding of len bytes, malloc'ed; NULL when out of memory. */
char *etcd_base64_encode(const void *data, size_t len);
/* The bytes of text, malloc'ed with a 0 after them, *len of them; -EINVAL if it is no
 * base64. */
int etcd_base64_decode(const char *text, char **out, size_t *len);

#endif
