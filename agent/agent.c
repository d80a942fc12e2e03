// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agent's loop (agent.h). One thread: the watch stream is polled in short steps between
 * the lease's keepalives and the reconciles, so that nothing needs a lock.
 *
 * As etcd intends a watcher to work (and flannel and Calico do): list the prefix, then
 * watch from the listed revision + 1. When the stream breaks, watch again from the next
 * member, from the revision after the last event that came (as etcd's own clientv3 does),
 * so nothing is missed; when etcd cancels a watch because that revision is compacted
 * away, list again and reconcile: the reconciler adds what is missing, removes what is
 * gone and leaves every unchanged peer as it is, counters and all.
 * While etcd does not answer, the peers stay as they are (the data path needs no agent).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "agent.h"
#include "snapshot.h"

#define KEY_LEN 512
/* Events come in bursts (1,000 keys written at once): the reconcile waits until the
 * stream is quiet this long, or at most DEBOUNCE_MAX_MS after the first change. */
#define DEBOUNCE_QUIET_MS 20
#define DEBOUNCE_MAX_MS 300
#define POLL_MS 100
#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 8000

struct agent {
	const struct xt_agent_opts *o;
	struct etcd *etcd;
	struct xt_fleet fleet;
	char *config; /* the config key's value; NULL: none */
	char prefix[KEY_LEN], nodes_prefix[KEY_LEN], config_key[KEY_LEN], self_key[KEY_LEN];
	char snapshot_path[4096];
	struct xt_overlay_spec overlay; /* the flags', with the config key's settings */
	struct xt_overlay_spec running; /* the overlay's as it runs, when running_known */
	bool running_known;
	char *self_value;
	int64_t revision, lease, snapshot_revision;
	int64_t previous_lease; /* the snapshot's: taken up if it lives */
	bool listed, registered, dirty;
	int64_t dirty_since, last_event, keepalive_at, list_at, register_at, watch_at;
	int backoff_ms;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("xtunnel agent: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void say_line(const char *msg)
{
	say("%s", msg);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next wait: doubled each time up to the most, each one drawn from its upper half, so
 * that agents that lost etcd together do not come back together. */
static int backoff(struct agent *a)
{
	int ms;

	a->backoff_ms = a->backoff_ms ? a->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (a->backoff_ms > BACKOFF_MAX_MS)
		a->backoff_ms = BACKOFF_MAX_MS;
	ms = a->backoff_ms / 2 + rand() % (a->backoff_ms / 2 + 1);
	return ms;
}

int xt_agent_network_check(const char *network)
{
	const char *c;

	if (!*network || strlen(network) > 64)
		return xt_err_input(-EINVAL, "network '%s': 1 to 64 characters", network);
	for (c = network; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && !strchr("._-", *c))
			return xt_err_input(-EINVAL,
					    "network '%s': letters, digits, '.', '_' and '-' only",
					    network);
	return 0;
}

/* This host's node: where the others send to, and what it routes. */
static int self_value_make(struct agent *a, const struct xt_overlay_spec *complete)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	char text[INET6_ADDRSTRLEN + 4];
	int i;

	xt_format_ip(a->o->has_endpoint ? &a->o->endpoint : &complete->local, text, sizeof(text));
	json_object_object_add(o, "endpoint", json_object_new_string(text));
	for (i = 0; i < a->o->n_advertise; i++) {
		xt_format_prefix(&a->o->advertise[i], text, sizeof(text));
		json_object_array_add(list, json_object_new_string(text));
	}
	json_object_object_add(o, "prefixes", list);
	free(a->self_value);
	a->self_value = strdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return a->self_value ? 0 : xt_err(-ENOMEM, "out of memory");
}

/* The overlay's settings: the flags', then the network's config key over them. */
static void overlay_make(struct agent *a)
{
	char why[256];

	a->overlay = a->o->overlay;
	if (a->config && xt_network_config_parse(a->config, &a->overlay, why, sizeof(why)))
		say("%s: ignored: %s (the defaults of attach apply)", a->config_key, why);
}

static void snapshot_save(struct agent *a)
{
	struct xt_snapshot s = {
		.revision = a->revision, .lease = a->lease, .config = a->config, .fleet = a->fleet
	};

	if (a->revision == a->snapshot_revision)
		return;
	if (xt_snapshot_write(a->snapshot_path, &s))
		say("%s", xt_errmsg());
	else
		a->snapshot_revision = a->revision;
}

static void print_result(const struct xt_reconcile_result *r, int n)
{
	static const char *const ops[] = { "added", "changed", "removed" };
	int i;

	if (!r->created && !r->added && !r->changed && !r->removed)
		return;
	for (i = 0; i < r->n_peers && i < 10; i++)
		say("peer %s %s", r->peers[i].name, ops[r->peers[i].op]);
	if (r->n_peers > 10)
		say("... and %d more", r->n_peers - 10);
	say("%s%d nodes: peers %d added, %d changed, %d removed, %d unchanged",
	    r->created ? "overlay attached; " : "", n, r->added, r->changed, r->removed,
	    r->unchanged);
}

/*
 * The overlay's settings the nodes are checked against: those of the overlay that runs (one
 * the agent adopted may have others than the flags and the config key say: room for more
 * peers, another MTU), read once; else those attach will give it.
 */
static int overlay_as_it_runs(struct agent *a, struct xt_overlay_spec *out)
{
	struct xt_overlay_state *ovs;
	int n, err;

	if (a->running_known) {
		*out = a->running;
		return 0;
	}
	if (!if_nametoindex(a->overlay.dev))
		return xt_overlay_spec_complete(&a->overlay, out);
	err = xt_show(a->overlay.dev, &ovs, &n);
	if (err)
		return err;
	if (n == 1) {
		a->running = ovs[0].spec;
		a->running_known = true;
		*out = a->running;
	} else {
		err = xt_overlay_spec_complete(&a->overlay, out);
	}
	xt_overlay_states_free(ovs, n);
	return err;
}

/* Makes the overlay and its managed peers what the nodes say. */
static int reconcile(struct agent *a)
{
	const unsigned int flags =
		XT_RECONCILE_CREATE | XT_RECONCILE_PEERS_ONLY | XT_RECONCILE_MANAGED_ONLY;
	struct xt_overlay_spec complete;
	struct xt_reconcile_result r;
	struct xt_desired want;
	int err;

	err = overlay_as_it_runs(a, &complete);
	if (err)
		return err;
	if (!a->self_value && (err = self_value_make(a, &complete)))
		return err;
	err = xt_fleet_desired(&a->fleet, a->o->name, &complete, a->nodes_prefix, say_line, &want);
	if (err == -ENOMEM)
		return xt_err(err, "out of memory");
	if (err)
		return err;	   /* the overlay's settings refuse: xt_desired_check said why */
	want.overlay = a->overlay; /* as attach takes it, for an overlay that does not run */
	err = xt_reconcile(&want, flags, &r);
	if (!err)
		print_result(&r, a->fleet.n_nodes);
	if (r.created)
		a->running_known = false; /* read what attach made, next time */
	xt_reconcile_result_free(&r);
	xt_desired_free(&want);
	return err;
}

/* ---- etcd ---- */

static const char *key_name(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(key, prefix, n) ? NULL : key + n;
}

static void set_config(struct agent *a, const char *value)
{
	if ((!a->config && !value) || (a->config && value && !strcmp(a->config, value)))
		return;
	if (a->listed)
		say("%s changed: settings apply when the overlay is made again (the running "
		    "overlay keeps its own)",
		    a->config_key);
	free(a->config);
	a->config = value ? strdup(value) : NULL;
	overlay_make(a);
}

/* One key of the network as it is now (value NULL: gone). */
static void key_changed(struct agent *a, const struct etcd_kv *kv, bool gone)
{
	const char *name = key_name(kv->key, a->nodes_prefix);

	if (!strcmp(kv->key, a->config_key)) {
		set_config(a, gone ? NULL : kv->value);
		return;
	}
	if (!name || !*name || strchr(name, '/'))
		return; /* not a key of ours */
	if (gone) {
		xt_fleet_del(&a->fleet, name);
		if (!strcmp(name, a->o->name) && a->registered) {
			say("%s was deleted: registering again", a->self_key);
			a->registered = false;
		}
	} else if (xt_fleet_put(&a->fleet, name, kv->value, kv->create_revision, kv->lease)) {
		say("out of memory: node %s", name);
	}
	if (!a->dirty)
		a->dirty_since = now_ms();
	a->dirty = true;
	a->last_event = now_ms();
}

static void on_event(void *arg, enum etcd_event_type type, const struct etcd_kv *kv)
{
	key_changed(arg, kv, type == ETCD_DELETE);
}

static void on_revision(void *arg, int64_t revision)
{
	struct agent *a = arg;

	if (revision > a->revision)
		a->revision = revision;
}

/* The whole network again: the fleet made anew, each node that did not change keeping what
 * was logged of it. */
static int list(struct agent *a)
{
	struct xt_fleet old = a->fleet;
	struct etcd_kv *kvs;
	bool had_config = false;
	int i, n, err;

	err = etcd_range_prefix(a->etcd, a->prefix, &kvs, &n, &a->revision);
	if (err)
		return err;
	memset(&a->fleet, 0, sizeof(a->fleet));
	for (i = 0; i < n; i++) {
		had_config |= !strcmp(kvs[i].key, a->config_key);
		key_changed(a, &kvs[i], false);
	}
	if (!had_config)
		set_config(a, NULL);
	for (i = 0; i < a->fleet.n_nodes; i++) {
		struct xt_node *was = xt_fleet_find(&old, a->fleet.nodes[i].name);

		if (was && !strcmp(was->value, a->fleet.nodes[i].value))
			a->fleet.nodes[i].reported = was->reported;
	}
	xt_fleet_clear(&old);
	etcd_kvs_free(kvs, n);
	a->dirty = true;
	a->dirty_since = a->last_event = 0;
	say("etcd %s: %d nodes at revision %lld", etcd_endpoint(a->etcd), a->fleet.n_nodes,
	    (long long)a->revision);
	return 0;
}

/* The node key, created under this agent's lease; a name another lease holds is refused. */
static int register_self(struct agent *a)
{
	struct etcd_kv holder = {};
	bool created;
	int64_t ttl;
	int err;

	if (!a->self_value) {
		struct xt_overlay_spec complete;

		err = overlay_as_it_runs(a, &complete);
		if (!err)
			err = self_value_make(a, &complete);
		if (err)
			return err;
	}
	/* The lease of the previous run (the snapshot's), if it lives still: the node key it
	 * holds is this agent's, not another's of the same name. */
	if (!a->lease && a->previous_lease &&
	    !etcd_lease_keepalive(a->etcd, a->previous_lease, &ttl)) {
		if (ttl > 0) {
			a->lease = a->previous_lease;
			a->keepalive_at = now_ms() + a->o->ttl * 1000 / 3;
			say("lease %llx of the previous run lives: taken up",
			    (unsigned long long)a->lease);
		}
		a->previous_lease = 0;
	}
	if (!a->lease) {
		err = etcd_lease_grant(a->etcd, a->o->ttl, &a->lease);
		if (err)
			return err;
		a->keepalive_at = now_ms() + a->o->ttl * 1000 / 3;
	}
	err = etcd_create(a->etcd, a->self_key, a->self_value, a->lease, &created, &holder);
	if (err)
		return err;
	if (!created && holder.lease == a->lease && a->lease) {
		/* This agent's own key from before a restart, under the lease it took up again:
		 * its value may be older than the flags. */
		err = etcd_put(a->etcd, a->self_key, a->self_value, a->lease);
		created = !err;
	} else if (!created) {
		err = xt_err_input(-EEXIST,
				   "name %s is taken: %s exists (create_revision %lld, lease "
				   "%llx%s): another node has this name",
				   a->o->name, a->self_key, (long long)holder.create_revision,
				   (unsigned long long)holder.lease,
				   holder.lease ? ", alive" : ", none: written by hand");
	}
	etcd_kv_free(&holder);
	if (err)
		return err;
	a->registered = true;
	say("registered %s under lease %llx (ttl %d s)", a->self_key, (unsigned long long)a->lease,
	    a->o->ttl);
	return 0;
}

static void keepalive(struct agent *a)
{
	int64_t ttl;

	if (etcd_lease_keepalive(a->etcd, a->lease, &ttl)) {
		say("lease %llx: %s; retrying", (unsigned long long)a->lease, xt_errmsg());
		a->keepalive_at = now_ms() + 500;
		return;
	}
	a->keepalive_at = now_ms() + a->o->ttl * 1000 / 3;
	if (ttl > 0)
		return;
	say("lease %llx is gone (expired while etcd was out of reach?): registering again",
	    (unsigned long long)a->lease);
	a->lease = 0;
	a->registered = false;
}

/* ---- the loop ---- */

static int paths_make(struct agent *a)
{
	const char *dir = a->o->state_dir ? a->o->state_dir : XT_AGENT_STATE_DIR;

	snprintf(a->prefix, sizeof(a->prefix), "/xtunnel/%s/", a->o->network);
	snprintf(a->nodes_prefix, sizeof(a->nodes_prefix), "/xtunnel/%s/nodes/", a->o->network);
	snprintf(a->config_key, sizeof(a->config_key), "/xtunnel/%s/config", a->o->network);
	snprintf(a->self_key, sizeof(a->self_key), "/xtunnel/%s/nodes/%s", a->o->network,
		 a->o->name);
	if (snprintf(a->snapshot_path, sizeof(a->snapshot_path), "%s/agent-%s.json", dir,
		     a->o->network) >= (int)sizeof(a->snapshot_path))
		return xt_err_input(-ENAMETOOLONG, "--state-dir: too long");
	if (mkdir(dir, 0700) && errno != EEXIST)
		return xt_err(-errno, "--state-dir %s: %s", dir, strerror(errno));
	return 0;
}

/* The last known view, programmed before etcd answers. */
static void snapshot_load(struct agent *a)
{
	struct xt_snapshot s;
	int err;

	err = xt_snapshot_read(a->snapshot_path, &s);
	if (err == -ENOENT)
		return;
	if (err) {
		say("%s: ignored", xt_errmsg());
		return;
	}
	a->fleet = s.fleet;
	a->config = s.config;
	overlay_make(a);
	say("snapshot %s: %d nodes of revision %lld", a->snapshot_path, a->fleet.n_nodes,
	    (long long)s.revision);
	if (reconcile(a))
		say("snapshot: %s", xt_errmsg());
	a->previous_lease = s.lease;
}

static void stop(struct agent *a)
{
	etcd_watch_stop(a->etcd);
	if (a->lease && a->registered) {
		/* Revoking deletes the node key: every other host removes this one at once. */
		if (etcd_lease_revoke(a->etcd, a->lease))
			say("lease %llx: %s (the node goes when it expires)",
			    (unsigned long long)a->lease, xt_errmsg());
		else
			say("lease %llx revoked: %s deleted", (unsigned long long)a->lease,
			    a->self_key);
		a->lease = 0;
	}
	snapshot_save(a);
}

static int step(struct agent *a)
{
	const struct etcd_watch_handler h = { on_event, on_revision, a };
	int64_t now = now_ms();
	int err, wait;

	if (!a->listed && now >= a->list_at) {
		if (list(a)) {
			if (a->o->once)
				return -EHOSTUNREACH;
			wait = backoff(a);
			say("%s; the peers stay as they are; retrying in %d ms", xt_errmsg(), wait);
			a->list_at = now + wait;
		} else {
			a->listed = true;
			a->backoff_ms = 0;
		}
	}
	if (a->listed && !a->o->once && !a->registered && now >= a->register_at) {
		err = register_self(a);
		if (err == -EEXIST)
			return err; /* the name is another node's */
		if (err) {
			wait = backoff(a);
			say("registering: %s; retrying in %d ms", xt_errmsg(), wait);
			a->register_at = now + wait;
		}
	}
	if (a->dirty && (a->o->once || !a->last_event || now - a->last_event >= DEBOUNCE_QUIET_MS ||
			 now - a->dirty_since >= DEBOUNCE_MAX_MS)) {
		a->dirty = false;
		err = reconcile(a);
		if (err) {
			if (a->o->once)
				return err;
			say("reconcile: %s", xt_errmsg());
		}
		snapshot_save(a);
	}
	if (a->o->once)
		return a->listed ? 1 : 0;
	if (a->lease && now >= a->keepalive_at)
		keepalive(a);
	if (!a->listed) {
		struct timespec ts = { 0, POLL_MS * 1000000L };

		nanosleep(&ts, NULL);
		return 0;
	}
	if (!etcd_watching(a->etcd) && now >= a->watch_at &&
	    etcd_watch_start(a->etcd, a->prefix, a->revision + 1, &h))
		return -ENOMEM;
	if (!etcd_watching(a->etcd)) {
		struct timespec ts = { 0, POLL_MS * 1000000L };

		nanosleep(&ts, NULL);
		return 0;
	}
	err = etcd_watch_poll(a->etcd, a->dirty ? DEBOUNCE_QUIET_MS : POLL_MS);
	if (err == -ESTALE) {
		a->listed = false; /* what came since is compacted away: the whole state again */
	} else if (err == -EPIPE && etcd_watch_answered(a->etcd)) {
		a->backoff_ms = 0; /* it broke after working: the next member, at once */
	} else if (err == -EPIPE) {
		wait = backoff(a);
		say("watching again in %d ms from revision %lld; the peers stay as they are", wait,
		    (long long)a->revision + 1);
		a->watch_at = now + wait;
	}
	if (!err && etcd_watch_answered(a->etcd))
		a->backoff_ms = 0;
	return 0;
}

int xt_agent_run(const struct xt_agent_opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct agent a = { .o = o };
	int err;

	err = xt_agent_network_check(o->network);
	if (!err)
		err = xt_peer_name_check(o->name);
	if (!err)
		err = paths_make(&a);
	if (!err)
		err = etcd_open(o->etcd, &o->tls, &a.etcd);
	if (err)
		return err;
	etcd_set_log(a.etcd, say_line);
	srand((unsigned int)(now_ms() ^ getpid()));
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	overlay_make(&a);
	snapshot_load(&a);
	say("network %s, node %s, etcd %s", o->network, o->name, o->etcd);
	while (!stopping && !(err = step(&a)))
		;
	if (err > 0)
		err = 0; /* --once is done */
	if (err != -EEXIST)
		stop(&a);
	xt_fleet_clear(&a.fleet);
	free(a.config);
	free(a.self_value);
	etcd_close(a.etcd);
	return err;
}
