// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The etcd client (etcd.h): unary calls with one curl easy handle, the watch with another
 * driven by a curl multi handle, so that the agent's loop polls it between its other work
 * without a thread.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include "etcd.h"
#include "xtunnel.h"

#define ETCD_MAX_ENDPOINTS 16
#define ETCD_CALL_TIMEOUT_MS 3000
#define ETCD_CONNECT_TIMEOUT_MS 1000
/* gRPC status codes the gateway passes on ("code" of an error): the member cannot serve
 * now, another may. */
#define GRPC_UNAVAILABLE 14
#define GRPC_DEADLINE_EXCEEDED 4

struct buffer {
	char *data;
	size_t len, cap;
};

struct etcd {
	char *endpoints[ETCD_MAX_ENDPOINTS];
	int n_endpoints, current;
	struct etcd_tls tls;
	CURL *easy;
	struct curl_slist *headers;
	void (*log)(const char *msg);
	/* the watch */
	CURLM *multi;
	CURL *watch;
	struct curl_slist *watch_headers;
	char *watch_body;
	struct buffer stream;
	struct etcd_watch_handler handler;
	int watch_state;     /* 0 running, else what etcd_watch_poll returns */
	bool watch_answered; /* a message came since the watch started */
};

static size_t buffer_write(char *ptr, size_t size, size_t n, void *arg)
{
	struct buffer *b = arg;
	size_t len = size * n;
	char *grown;

	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + len + 1)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (!grown)
			return 0; /* curl fails the transfer: CURLE_WRITE_ERROR */
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, len);
	b->len += len;
	b->data[b->len] = 0;
	return len;
}

void etcd_kv_free(struct etcd_kv *kv)
{
	free(kv->key);
	free(kv->value);
	memset(kv, 0, sizeof(*kv));
}

void etcd_kvs_free(struct etcd_kv *kvs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		etcd_kv_free(&kvs[i]);
	free(kvs);
}

/* ---- base64 ---- */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *etcd_base64_encode(const void *data, size_t len)
{
	const uint8_t *in = data;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = b64_alphabet[(v >> 6) & 63];
		*o++ = b64_alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);

		*o++ = b64_alphabet[v >> 18];
		*o++ = b64_alphabet[(v >> 12) & 63];
		*o++ = i + 1 < len ? b64_alphabet[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = 0;
	return out;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64_alphabet, c) : NULL;

	return p ? (int)(p - b64_alphabet) : -1;
}

int etcd_base64_decode(const char *text, char **out, size_t *len)
{
	size_t n = strlen(text), i, o = 0;
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	char *buf;

	if (n % 4)
		return -EINVAL;
	buf = malloc(n / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		int v;

		if (text[i] == '=' && i >= n - 2) {
			pad++;
			continue;
		}
		v = b64_value(text[i]);
		if (v < 0 || pad) {
			free(buf);
			return -EINVAL;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (char)(acc >> bits);
		}
	}
	buf[o] = 0;
	*out = buf;
	*len = o;
	return 0;
}

/* ---- JSON of the gateway ---- */

/* An int64 field: a string, as proto3's JSON mapping writes them; 0 when absent. */
static int64_t json_i64(json_object *o, const char *field)
{
	json_object *v;

	if (!json_object_object_get_ex(o, field, &v))
		return 0;
	return json_object_is_type(v, json_type_string)
		       ? strtoll(json_object_get_string(v), NULL, 10)
		       : json_object_get_int64(v);
}

static void json_set_b64(json_object *o, const char *field, const void *data, size_t len)
{
	char *text = etcd_base64_encode(data, len);

	json_object_object_add(o, field, json_object_new_string(text ? text : ""));
	free(text);
}

static void json_set_i64(json_object *o, const char *field, int64_t v)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", (long long)v);
	json_object_object_add(o, field, json_object_new_string(text));
}

/* The key after every key that starts with prefix: the prefix with its last byte + 1
 * (etcd's clientv3.GetPrefixRangeEnd). */
static char *prefix_end(const char *prefix)
{
	char *end = strdup(prefix);
	size_t i = strlen(prefix);

	while (end && i--) {
		if ((uint8_t)end[i] < 0xff) {
			end[i]++;
			end[i + 1] = 0;
			return end;
		}
	}
	free(end);
	return NULL;
}

static void json_set_prefix(json_object *o, const char *prefix)
{
	char *end = prefix_end(prefix);

	json_set_b64(o, "key", prefix, strlen(prefix));
	json_set_b64(o, "range_end", end ? end : "\0", end ? strlen(end) : 1);
	free(end);
}

static int kv_parse(json_object *o, struct etcd_kv *kv)
{
	json_object *v;
	int err;

	memset(kv, 0, sizeof(*kv));
	if (!json_object_object_get_ex(o, "key", &v) ||
	    etcd_base64_decode(json_object_get_string(v), &kv->key, &kv->value_len))
		return -EINVAL;
	kv->value_len = 0;
	if (json_object_object_get_ex(o, "value", &v))
		err = etcd_base64_decode(json_object_get_string(v), &kv->value, &kv->value_len);
	else
		err = (kv->value = strdup("")) ? 0 : -ENOMEM;
	if (err) {
		etcd_kv_free(kv);
		return -EINVAL;
	}
	kv->create_revision = json_i64(o, "create_revision");
	kv->mod_revision = json_i64(o, "mod_revision");
	kv->lease = json_i64(o, "lease");
	return 0;
}

/* ---- endpoints ---- */

int etcd_open(const char *endpoints, const struct etcd_tls *tls, struct etcd **out)
{
	struct etcd *e;
	char *list, *tok, *save = NULL;
	int err = 0;

	e = calloc(1, sizeof(*e));
	list = strdup(endpoints);
	if (!e || !list) {
		free(e);
		free(list);
		return xt_err(-ENOMEM, "out of memory");
	}
	for (tok = strtok_r(list, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(tok);

		while (len && tok[len - 1] == '/')
			tok[--len] = 0;
		if (strncmp(tok, "http://", 7) && strncmp(tok, "https://", 8))
			err = xt_err_input(-EINVAL, "--etcd: '%s' is no http:// or https:// URL",
					   tok);
		else if (e->n_endpoints == ETCD_MAX_ENDPOINTS)
			err = xt_err_input(-E2BIG, "--etcd: more than %d endpoints",
					   ETCD_MAX_ENDPOINTS);
		else if (!(e->endpoints[e->n_endpoints++] = strdup(tok)))
			err = xt_err(-ENOMEM, "out of memory");
	}
	free(list);
	if (!err && !e->n_endpoints)
		err = xt_err_input(-EINVAL, "--etcd: no endpoint");
	if (!err && curl_global_init(CURL_GLOBAL_DEFAULT))
		err = xt_err(-EIO, "libcurl does not initialise");
	if (!err) {
		if (tls)
			e->tls = *tls;
		e->easy = curl_easy_init();
		e->multi = curl_multi_init();
		e->headers = curl_slist_append(NULL, "Content-Type: application/json");
		if (!e->easy || !e->multi || !e->headers)
			err = xt_err(-ENOMEM, "out of memory");
	}
	if (err) {
		etcd_close(e);
		return err;
	}
	*out = e;
	return 0;
}

void etcd_close(struct etcd *e)
{
	int i;

	if (!e)
		return;
	etcd_watch_stop(e);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	if (e->easy)
		curl_easy_cleanup(e->easy);
	curl_slist_free_all(e->headers);
	for (i = 0; i < e->n_endpoints; i++)
		free(e->endpoints[i]);
	free(e);
}

const char *etcd_endpoint(const struct etcd *e)
{
	return e->endpoints[e->current];
}

void etcd_set_log(struct etcd *e, void (*fn)(const char *msg))
{
	e->log = fn;
}

static void log_line(struct etcd *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(struct etcd *e, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!e->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	e->log(line);
}

/* The options every request of ours carries: TLS as the flags say, and no signals (curl's
 * resolver timeouts use SIGALRM otherwise, which the agent's loop would see). */
static void set_common(struct etcd *e, CURL *c, const char *url, struct curl_slist *headers,
		       const char *body)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)ETCD_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	if (e->tls.cacert)
		curl_easy_setopt(c, CURLOPT_CAINFO, e->tls.cacert);
	if (e->tls.cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, e->tls.cert);
	if (e->tls.key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, e->tls.key);
}

static void move_on(struct etcd *e, const char *why)
{
	int next = (e->current + 1) % e->n_endpoints;

	if (e->n_endpoints > 1)
		log_line(e, "etcd %s: %s; trying %s", e->endpoints[e->current], why,
			 e->endpoints[next]);
	else
		log_line(e, "etcd %s: %s", e->endpoints[e->current], why);
	e->current = next;
}

/* The gateway's error object ({"error": ..., "code": N}) as one line; the gRPC code in
 * *code. */
static const char *gateway_error(json_object *resp, int *code)
{
	json_object *v;

	*code = json_object_object_get_ex(resp, "code", &v) ? json_object_get_int(v) : 0;
	if (json_object_object_get_ex(resp, "message", &v) ||
	    json_object_object_get_ex(resp, "error", &v))
		return json_object_get_string(v);
	return NULL;
}

/*
 * POSTs req to path and parses the answer: at each endpoint once, from the current one on,
 * until one answers. An answer that is an error etcd means (a key, a lease) ends there; one
 * that says the member cannot serve moves on.
 */
static int call(struct etcd *e, const char *path, json_object *req, json_object **resp)
{
	const char *body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	char url[512], why[256];
	int tries, code;

	*resp = NULL;
	for (tries = 0; tries < e->n_endpoints; tries++) {
		struct buffer b = {};
		const char *msg;
		long status = 0;
		CURLcode rc;

		snprintf(url, sizeof(url), "%s%s", e->endpoints[e->current], path);
		curl_easy_reset(e->easy);
		set_common(e, e->easy, url, e->headers, body);
		curl_easy_setopt(e->easy, CURLOPT_TIMEOUT_MS, (long)ETCD_CALL_TIMEOUT_MS);
		curl_easy_setopt(e->easy, CURLOPT_WRITEFUNCTION, buffer_write);
		curl_easy_setopt(e->easy, CURLOPT_WRITEDATA, &b);
		rc = curl_easy_perform(e->easy);
		if (rc != CURLE_OK) {
			snprintf(why, sizeof(why), "%s", curl_easy_strerror(rc));
			free(b.data);
			move_on(e, why);
			continue;
		}
		curl_easy_getinfo(e->easy, CURLINFO_RESPONSE_CODE, &status);
		*resp = b.data ? json_tokener_parse(b.data) : NULL;
		free(b.data);
		if (!*resp) {
			snprintf(why, sizeof(why), "HTTP %ld without a JSON answer", status);
			move_on(e, why);
			continue;
		}
		msg = gateway_error(*resp, &code);
		if (status == 200 && !msg)
			return 0;
		snprintf(why, sizeof(why), "%s", msg ? msg : "an error without a message");
		json_object_put(*resp);
		*resp = NULL;
		if (code == GRPC_UNAVAILABLE || code == GRPC_DEADLINE_EXCEEDED || status >= 500) {
			move_on(e, why);
			continue;
		}
		return xt_err(-EPROTO, "etcd %s: %s: %s", e->endpoints[e->current], path, why);
	}
	return xt_err(-EHOSTUNREACH, "etcd: no endpoint answers (%s)", why);
}

int etcd_range_prefix(struct etcd *e, const char *prefix, struct etcd_kv **kvs, int *n,
		      int64_t *revision)
{
	json_object *req = json_object_new_object(), *resp, *header, *list;
	int err, i, len;

	*kvs = NULL;
	*n = 0;
	json_set_prefix(req, prefix);
	err = call(e, "/v3/kv/range", req, &resp);
	json_object_put(req);
	if (err)
		return err;
	*revision = json_object_object_get_ex(resp, "header", &header)
			    ? json_i64(header, "revision")
			    : 0;
	len = json_object_object_get_ex(resp, "kvs", &list) ? (int)json_object_array_length(list)
							    : 0;
	*kvs = calloc((size_t)len + 1, sizeof(**kvs));
	if (!*kvs)
		err = xt_err(-ENOMEM, "out of memory");
	for (i = 0; i < len && !err; i++) {
		if (kv_parse(json_object_array_get_idx(list, i), &(*kvs)[*n]))
			continue; /* not base64: not a key of ours */
		(*n)++;
	}
	json_object_put(resp);
	if (err) {
		etcd_kvs_free(*kvs, *n);
		*kvs = NULL;
		*n = 0;
	}
	return err;
}

/* POSTs {field: value} to path: the lease calls, which take one number. */
static int call_i64(struct etcd *e, const char *path, const char *field, int64_t value,
		    json_object **resp)
{
	json_object *req = json_object_new_object();
	int err;

	json_set_i64(req, field, value);
	err = call(e, path, req, resp);
	json_object_put(req);
	return err;
}

int etcd_lease_grant(struct etcd *e, int ttl, int64_t *id)
{
	json_object *resp;
	int err;

	err = call_i64(e, "/v3/lease/grant", "TTL", ttl, &resp);
	if (err)
		return err;
	*id = json_i64(resp, "ID");
	json_object_put(resp);
	return *id ? 0 : xt_err(-EPROTO, "etcd: a lease grant without an ID");
}

int etcd_lease_keepalive(struct etcd *e, int64_t id, int64_t *ttl)
{
	json_object *resp, *result;
	int err;

	/* A stream in gRPC: the gateway sends the one request and answers with one result. */
	err = call_i64(e, "/v3/lease/keepalive", "ID", id, &resp);
	if (err)
		return err;
	/* A lease that is gone is answered without a TTL (proto3 leaves out a 0). */
	*ttl = json_object_object_get_ex(resp, "result", &result) ? json_i64(result, "TTL") : 0;
	json_object_put(resp);
	return 0;
}

int etcd_lease_revoke(struct etcd *e, int64_t id)
{
	json_object *resp;
	int err;

	err = call_i64(e, "/v3/lease/revoke", "ID", id, &resp);
	if (!err)
		json_object_put(resp);
	return err;
}

static json_object *put_request(const char *key, const char *value, int64_t lease)
{
	json_object *put = json_object_new_object();

	json_set_b64(put, "key", key, strlen(key));
	json_set_b64(put, "value", value, strlen(value));
	if (lease)
		json_set_i64(put, "lease", lease);
	return put;
}

int etcd_create(struct etcd *e, const char *key, const char *value, int64_t lease, bool *created,
		struct etcd_kv *holder)
{
	json_object *req = json_object_new_object(), *resp, *cmp = json_object_new_object();
	json_object *ops = json_object_new_array(), *fail = json_object_new_array();
	json_object *op = json_object_new_object(), *range = json_object_new_object(), *v;
	int err;

	/* create_revision == 0: the key does not exist (etcd's clientv3 CreateRevision). */
	json_set_b64(cmp, "key", key, strlen(key));
	json_object_object_add(cmp, "target", json_object_new_string("CREATE"));
	json_object_object_add(cmp, "result", json_object_new_string("EQUAL"));
	json_set_i64(cmp, "create_revision", 0);
	v = json_object_new_array();
	json_object_array_add(v, cmp);
	json_object_object_add(req, "compare", v);
	json_object_object_add(op, "request_put", put_request(key, value, lease));
	json_object_array_add(ops, op);
	json_object_object_add(req, "success", ops);
	json_set_b64(range, "key", key, strlen(key));
	op = json_object_new_object();
	json_object_object_add(op, "request_range", range);
	json_object_array_add(fail, op);
	json_object_object_add(req, "failure", fail);
	err = call(e, "/v3/kv/txn", req, &resp);
	json_object_put(req);
	if (err)
		return err;
	*created = json_object_object_get_ex(resp, "succeeded", &v) && json_object_get_boolean(v);
	if (!*created && holder) {
		json_object *responses, *first, *rr, *kvs;

		memset(holder, 0, sizeof(*holder));
		if (json_object_object_get_ex(resp, "responses", &responses) &&
		    (first = json_object_array_get_idx(responses, 0)) &&
		    json_object_object_get_ex(first, "response_range", &rr) &&
		    json_object_object_get_ex(rr, "kvs", &kvs) && json_object_array_length(kvs))
			kv_parse(json_object_array_get_idx(kvs, 0), holder);
	}
	json_object_put(resp);
	return 0;
}

int etcd_put(struct etcd *e, const char *key, const char *value, int64_t lease)
{
	json_object *req = put_request(key, value, lease), *resp;
	int err;

	err = call(e, "/v3/kv/put", req, &resp);
	json_object_put(req);
	if (!err)
		json_object_put(resp);
	return err;
}

/* ---- watch ---- */

bool etcd_watch_answered(const struct etcd *e)
{
	return e->watch_answered;
}

bool etcd_watching(const struct etcd *e)
{
	return e->watch != NULL;
}

void etcd_watch_stop(struct etcd *e)
{
	if (!e->watch)
		return;
	curl_multi_remove_handle(e->multi, e->watch);
	curl_easy_cleanup(e->watch);
	curl_slist_free_all(e->watch_headers);
	free(e->watch_body);
	free(e->stream.data);
	e->watch = NULL;
	e->watch_headers = NULL;
	e->watch_body = NULL;
	memset(&e->stream, 0, sizeof(e->stream));
}

/* One message of the stream: {"result": {"header", "created", "canceled",
 * "compact_revision", "events": [...]}}, or {"error": ...}. */
static int watch_message(struct etcd *e, json_object *msg)
{
	json_object *result, *events, *v;
	int64_t last = 0;
	int i, n;

	if (!json_object_object_get_ex(msg, "result", &result)) {
		const char *why = json_object_object_get_ex(msg, "error", &v)
					  ? json_object_to_json_string(v)
					  : "a message without a result";

		log_line(e, "etcd %s: watch: %s", etcd_endpoint(e), why);
		return -EPIPE;
	}
	if (json_object_object_get_ex(result, "canceled", &v) && json_object_get_boolean(v)) {
		if (json_i64(result, "compact_revision")) {
			log_line(e,
				 "etcd %s: watch: revision compacted (now from %lld): re-listing",
				 etcd_endpoint(e), (long long)json_i64(result, "compact_revision"));
			return -ESTALE;
		}
		log_line(e, "etcd %s: watch canceled: %s", etcd_endpoint(e),
			 json_object_object_get_ex(result, "cancel_reason", &v)
				 ? json_object_get_string(v)
				 : "no reason given");
		return -EPIPE;
	}
	n = json_object_object_get_ex(result, "events", &events)
		    ? (int)json_object_array_length(events)
		    : 0;
	e->watch_answered = true;
	for (i = 0; i < n; i++) {
		json_object *ev = json_object_array_get_idx(events, i), *kvo;
		struct etcd_kv kv;
		bool del;

		if (!json_object_object_get_ex(ev, "kv", &kvo) || kv_parse(kvo, &kv))
			continue;
		del = json_object_object_get_ex(ev, "type", &v) &&
		      !strcmp(json_object_get_string(v), "DELETE");
		e->handler.event(e->handler.arg, del ? ETCD_DELETE : ETCD_PUT, &kv);
		if (kv.mod_revision > last)
			last = kv.mod_revision;
		etcd_kv_free(&kv);
	}
	/* Not the header's revision: the store may be ahead of the events sent so far, and a
	 * watch resumed from there would miss the ones still on their way. */
	if (last)
		e->handler.revision(e->handler.arg, last);
	return 0;
}

/* The gateway writes one JSON object a line; a line may come in many pieces. */
static size_t watch_write(char *ptr, size_t size, size_t n, void *arg)
{
	struct etcd *e = arg;
	size_t len = size * n, start = 0, i;

	if (buffer_write(ptr, size, n, &e->stream) != len)
		return 0;
	for (i = 0; i < e->stream.len && !e->watch_state; i++) {
		json_object *msg;

		if (e->stream.data[i] != '\n')
			continue;
		e->stream.data[i] = 0;
		msg = json_tokener_parse(e->stream.data + start);
		if (msg) {
			e->watch_state = watch_message(e, msg);
			json_object_put(msg);
		} else if (i > start) {
			log_line(e, "etcd %s: watch: a line that is no JSON", etcd_endpoint(e));
			e->watch_state = -EPIPE;
		}
		start = i + 1;
	}
	memmove(e->stream.data, e->stream.data + start, e->stream.len - start);
	e->stream.len -= start;
	return len;
}

int etcd_watch_start(struct etcd *e, const char *prefix, int64_t start_revision,
		     const struct etcd_watch_handler *h)
{
	json_object *req = json_object_new_object(), *create = json_object_new_object();
	char url[512];

	etcd_watch_stop(e);
	json_set_prefix(create, prefix);
	json_set_i64(create, "start_revision", start_revision);
	json_object_object_add(req, "create_request", create);
	e->watch_body = strdup(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	json_object_put(req);
	e->watch = curl_easy_init();
	/* etcd's "hasleader" metadata: a member cut off from the leader ends the watch instead
	 * of keeping a stream that no event will come through (clientv3.WithRequireLeader). */
	e->watch_headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (e->watch_headers)
		e->watch_headers =
			curl_slist_append(e->watch_headers, "Grpc-Metadata-hasleader: true");
	if (!e->watch_body || !e->watch || !e->watch_headers) {
		etcd_watch_stop(e);
		return xt_err(-ENOMEM, "out of memory");
	}
	e->handler = *h;
	e->watch_state = 0;
	e->watch_answered = false;
	snprintf(url, sizeof(url), "%s/v3/watch", etcd_endpoint(e));
	set_common(e, e->watch, url, e->watch_headers, e->watch_body);
	curl_easy_setopt(e->watch, CURLOPT_WRITEFUNCTION, watch_write);
	curl_easy_setopt(e->watch, CURLOPT_WRITEDATA, e);
	curl_multi_add_handle(e->multi, e->watch);
	return 0;
}

int etcd_watch_poll(struct etcd *e, int timeout_ms)
{
	int running = 0, left, err;
	CURLMsg *m;

	if (!e->watch)
		return -EPIPE;
	curl_multi_poll(e->multi, NULL, 0, timeout_ms, NULL);
	curl_multi_perform(e->multi, &running);
	err = e->watch_state;
	while ((m = curl_multi_info_read(e->multi, &left)))
		if (m->msg == CURLMSG_DONE && !err) {
			log_line(e, "etcd %s: watch stream ended: %s", etcd_endpoint(e),
				 m->data.result == CURLE_OK ? "closed by the member"
							    : curl_easy_strerror(m->data.result));
			err = -EPIPE;
		}
	if (!err && !running) {
		log_line(e, "etcd %s: watch stream ended", etcd_endpoint(e));
		err = -EPIPE;
	}
	if (err) {
		etcd_watch_stop(e);
		if (err == -EPIPE)
			e->current = (e->current + 1) % e->n_endpoints;
	}
	return err;
}
