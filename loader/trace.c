// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trace: the loader's side of bpf/trace.h. The tracer writes what it wants into the
 * overlay's xt_trace (on, drops or all, a peer, the rate as a token bucket), reads the
 * events from the ring buffer xt_events with libbpf's ring_buffer (Debian's libbpf 1.1 has
 * it), names their peers and decodes their bytes (trace_decode.c).
 *
 * One tracer per overlay: a ring buffer has one consumer, and two would take each other's
 * events. The tracer holds a lease that it renews while it polls; the programs turn the
 * trace off at the first packet after it ends, so a tracer killed with SIGKILL, which can
 * clean nothing up, costs the data path at most XT_TRACE_LEASE_S seconds of events at the
 * rate it asked for (and none once the ring buffer is full: a failed reservation is counted
 * as lost), then again one load and a branch per packet. A new tracer takes over a lease
 * that ran out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "addr.h"
#include "errmsg.h"
#include "lock.h"
#include "overlay.h"

#define NSEC_PER_SEC 1000000000ull
#define RENEW_NS (NSEC_PER_SEC) /* well inside the lease */

struct trace_peer {
	uint32_t id;
	char name[XT_PEER_NAME_LEN];
	struct xt_ip endpoint;
	uint16_t port;
};

struct xt_tracer {
	struct xt_overlay ov;
	struct ring_buffer *rb;
	struct xt_trace_cfg cfg; /* as this tracer set it */
	uint64_t lost_at_start;
	uint64_t renewed_ns;	  /* CLOCK_MONOTONIC */
	struct trace_peer *peers; /* by id */
	size_t n_peers;
	bool peers_reread; /* in this poll */
	xt_trace_fn fn;	   /* of the poll under way; NULL: drop the events */
	void *arg;
};

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static int peer_by_id(const void *a, const void *b)
{
	uint32_t x = ((const struct trace_peer *)a)->id, y = ((const struct trace_peer *)b)->id;

	return x < y ? -1 : x > y;
}

/* The overlay's peers, sorted by id. */
static int peers_read(struct xt_tracer *t)
{
	int fd = t->ov.fd[XT_MAP_PEERS];
	struct xt_peer_key key, next;
	struct trace_peer *list = NULL;
	size_t n = 0, cap = 0;
	struct xt_peer peer;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &peer))
			continue;
		if (n == cap) {
			void *grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				free(list);
				return -ENOMEM;
			}
			list = grown;
		}
		list[n].id = peer.id;
		memcpy(list[n].name, peer.name, sizeof(list[n].name));
		list[n].name[sizeof(list[n].name) - 1] = '\0';
		xt_ip_from_bytes(&list[n].endpoint, key.endpoint);
		list[n].port = peer.port;
		n++;
	}
	if (n)
		qsort(list, n, sizeof(*list), peer_by_id);
	free(t->peers);
	t->peers = list;
	t->n_peers = n;
	return 0;
}

/* Peer id's entry; the table is read again once per poll for an id it lacks (a peer added
 * while the trace runs). */
static const struct trace_peer *peer_find(struct xt_tracer *t, uint32_t id)
{
	struct trace_peer want = { .id = id }, *found;

	if (id == XT_TRACE_NO_PEER)
		return NULL;
	found = bsearch(&want, t->peers, t->n_peers, sizeof(*t->peers), peer_by_id);
	if (!found && !t->peers_reread) {
		t->peers_reread = true;
		if (!peers_read(t))
			found = bsearch(&want, t->peers, t->n_peers, sizeof(*t->peers), peer_by_id);
	}
	return found;
}

/* What the bytes did not say of the tunnel packet, from the peer and the overlay: a packet
 * seen before encapsulation, or not at all, still goes to or came from the peer's endpoint. */
static void outer_from_peer(const struct xt_tracer *t, const struct trace_peer *peer,
			    struct xt_trace_packet *p)
{
	struct xt_ip local;

	if (p->has_outer || !peer)
		return;
	xt_ip_from_bytes(&local, t->ov.cfg.local);
	p->has_outer = true;
	p->outer_src = p->rx ? peer->endpoint : local;
	p->outer_dst = p->rx ? local : peer->endpoint;
	if (xt_encap_is_udp(t->ov.cfg.encap))
		p->outer_dport = p->rx ? t->ov.cfg.port : peer->port;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct xt_tracer *t = ctx;
	const struct xt_trace_event *ev = data;
	const struct trace_peer *peer;
	struct xt_trace_packet p;
	uint64_t mono, wall;

	if (!t->fn || size < sizeof(*ev))
		return 0;
	xt_trace_decode(&t->ov.cfg, ev, &p);
	peer = peer_find(t, ev->peer_id);
	if (peer)
		memcpy(p.peer, peer->name, sizeof(p.peer));
	outer_from_peer(t, peer, &p);
	/* The programs' clock is CLOCK_MONOTONIC: wall-clock time is now minus the age. */
	mono = clock_ns(CLOCK_MONOTONIC);
	wall = clock_ns(CLOCK_REALTIME);
	p.time_ns = (int64_t)(wall - (mono > ev->time_ns ? mono - ev->time_ns : 0));
	t->fn(&p, t->arg);
	return 0;
}

static int cfg_read(const struct xt_tracer *t, struct xt_trace_cfg *cfg)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(t->ov.fd[XT_MAP_TRACE], &zero, cfg) ? -errno : 0;
}

static int cfg_write(const struct xt_tracer *t, const struct xt_trace_cfg *cfg)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(t->ov.fd[XT_MAP_TRACE], &zero, cfg, BPF_ANY) ? -errno : 0;
}

/* Events the programs counted as lost, over every CPU, since the overlay was attached. */
static uint64_t lost_sum(const struct xt_tracer *t)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct xt_trace_cpu *vals;
	uint32_t zero = 0;
	uint64_t sum = 0;

	if (ncpu <= 0)
		return 0;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(t->ov.fd[XT_MAP_TRACE_CPU], &zero, vals))
		for (c = 0; c < ncpu; c++)
			sum += vals[c].lost;
	free(vals);
	return sum;
}

static int peer_id_of(struct xt_tracer *t, const char *name, uint32_t *id)
{
	size_t i;

	for (i = 0; i < t->n_peers; i++)
		if (!strcmp(t->peers[i].name, name)) {
			*id = t->peers[i].id;
			return 0;
		}
	return xt_err_input(-ENOENT, "no peer '%s' on %s", name, t->ov.dev);
}

/* Under the lock: refused while another tracer's lease runs, else this tracer's. */
static int trace_claim(struct xt_tracer *t)
{
	struct xt_trace_cfg now_cfg;
	int lock = xt_lock(), err;

	if (lock < 0)
		return lock;
	err = cfg_read(t, &now_cfg);
	if (err) {
		err = xt_err(err, "reading the trace settings of %s: %s", t->ov.dev,
			     strerror(-err));
		goto out;
	}
	if (now_cfg.on && now_cfg.lease_end_ns > clock_ns(CLOCK_MONOTONIC)) {
		err = xt_err(-EBUSY,
			     "%s is traced already (pid %u): one trace at a time, as they would "
			     "share its events",
			     t->ov.dev, now_cfg.owner_pid);
		goto out;
	}
	/* Whatever a tracer that is gone left in the ring buffer is not this trace's. */
	ring_buffer__consume(t->rb);
	t->renewed_ns = clock_ns(CLOCK_MONOTONIC);
	t->cfg.lease_end_ns = t->renewed_ns + XT_TRACE_LEASE_S * NSEC_PER_SEC;
	err = cfg_write(t, &t->cfg);
	if (err)
		err = xt_err(err, "turning the trace of %s on: %s", t->ov.dev, strerror(-err));
out:
	xt_unlock(lock);
	return err;
}

int xt_trace_start(const struct xt_trace_request *req, struct xt_tracer **out)
{
	uint32_t rate = req->rate ? req->rate : XT_TRACE_DEFAULT_RATE;
	struct xt_tracer *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return xt_err(-ENOMEM, "out of memory");
	xt_overlay_init(&t->ov);
	err = xt_overlay_open(req->dev, &t->ov);
	if (err)
		goto fail;
	err = peers_read(t);
	if (err) {
		err = xt_err(err, "reading the peers of %s: %s", t->ov.dev, strerror(-err));
		goto fail;
	}
	t->cfg.on = 1;
	t->cfg.flags = req->all ? XT_TRACE_F_ALL : 0;
	t->cfg.peer_id = XT_TRACE_NO_PEER;
	if (req->peer) {
		err = peer_id_of(t, req->peer, &t->cfg.peer_id);
		if (err)
			goto fail;
	}
	t->cfg.owner_pid = (uint32_t)getpid();
	/* Each CPU may send `rate` events a second, and a second's worth at once. */
	t->cfg.cost_ns = NSEC_PER_SEC / rate;
	t->cfg.burst_ns = t->cfg.cost_ns * rate;
	t->rb = ring_buffer__new(t->ov.fd[XT_MAP_EVENTS], on_event, t, NULL);
	if (!t->rb) {
		err = xt_err(-errno, "reading the events of %s: %s", t->ov.dev, strerror(errno));
		goto fail;
	}
	err = trace_claim(t);
	if (err)
		goto fail;
	t->lost_at_start = lost_sum(t);
	*out = t;
	return 0;
fail:
	ring_buffer__free(t->rb);
	xt_overlay_close(&t->ov);
	free(t->peers);
	free(t);
	return err;
}

/* Renews the lease. The trace is this tracer's as long as it renews in time; if it did not
 * (stopped for longer than the lease), it takes it again unless another tracer has. */
static int trace_renew(struct xt_tracer *t)
{
	struct xt_trace_cfg now_cfg;
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	int err;

	if (now - t->renewed_ns < RENEW_NS)
		return 0;
	err = cfg_read(t, &now_cfg);
	if (!err && now_cfg.owner_pid != t->cfg.owner_pid && now_cfg.on)
		return xt_err(-EBUSY, "another trace of %s took over (pid %u)", t->ov.dev,
			      now_cfg.owner_pid);
	t->renewed_ns = now;
	t->cfg.lease_end_ns = now + XT_TRACE_LEASE_S * NSEC_PER_SEC;
	if (!err)
		err = cfg_write(t, &t->cfg);
	return err ? xt_err(err, "renewing the trace of %s: %s", t->ov.dev, strerror(-err)) : 0;
}

int xt_trace_poll(struct xt_tracer *t, int timeout_ms, xt_trace_fn fn, void *arg)
{
	int n, err;

	err = trace_renew(t);
	if (err)
		return err;
	if (timeout_ms < 0 || timeout_ms > 1000)
		timeout_ms = 1000; /* back in time to renew */
	t->fn = fn;
	t->arg = arg;
	t->peers_reread = false;
	n = ring_buffer__poll(t->rb, timeout_ms);
	t->fn = NULL;
	if (n == -EINTR)
		return n;
	if (n < 0)
		return xt_err(n, "reading the events of %s: %s", t->ov.dev, strerror(-n));
	return n;
}

uint64_t xt_trace_lost(struct xt_tracer *t)
{
	return lost_sum(t) - t->lost_at_start;
}

void xt_trace_stop(struct xt_tracer *t)
{
	struct xt_trace_cfg now_cfg;

	if (!t)
		return;
	if (!cfg_read(t, &now_cfg) && now_cfg.owner_pid == t->cfg.owner_pid) {
		memset(&now_cfg, 0, sizeof(now_cfg));
		cfg_write(t, &now_cfg);
	}
	ring_buffer__free(t->rb);
	xt_overlay_close(&t->ov);
	free(t->peers);
	free(t);
}
