// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The peers of an L2 overlay (l2.h): a remote VTEP, its endpoint, and whether frames to
 * flood go to it. No allowed-ips: which stations are behind a peer the FDB learns.
 *
 * A peer is in three places: xt_l2_peers (by id: where encap sends its frames), xt_peers
 * (by endpoint: decap takes frames from it, and its name, port and flags for show), and,
 * with flood on, the flood list. In that order they are written, and removed the other way:
 * a command that stops half-way leaves the data path sending nothing to a peer it does not
 * take frames from. A peer's removal then forgets everything learned from it (xt_l2_ctl),
 * before its id can be another peer's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "addr.h"
#include "counters.h"
#include "errmsg.h"
#include "l2.h"
#include "peer_check.h"
#include "routes.h"

/*
 * The flood list made again from the peers with flood on, by id (bpf/flood.h reads cur
 * once, then that list): written into the list not in use, then made the one in use, as
 * routes.c publishes the lists of prefix lengths. The list not in use was in use until the
 * last change, and a frame flooded just before it may still be read from it: the list is
 * rewritten after an RCU grace period, when no such frame is left. Without one (a kernel
 * with nohz_full) it is rewritten all the same: a copy that such a late frame then sends
 * goes to a peer that is configured now, or was a moment ago.
 */
static int flood_publish(const struct xt_view *v)
{
	int fd = v->ov.fd[XT_MAP_FLOOD];
	struct xt_flood *f = calloc(1, sizeof(*f));
	struct xt_flood_list *list;
	uint32_t zero = 0, id, next;
	int err = 0;

	if (!f)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, f)) {
		err = -errno;
		goto out;
	}
	next = !(f->cur & 1);
	list = &f->list[next];
	xt_lens_grace_period();
	memset(list, 0, sizeof(*list));
	for (id = 0; id < v->ov.cfg.max_peers; id++) {
		const struct xt_view_peer *p = v->by_id[id];

		if (!p || !(p->val.flags & XT_PEER_F_FLOOD))
			continue;
		if (list->n == XT_L2_MAX_FLOOD) {
			err = -ENOSPC;
			goto out;
		}
		list->ids[list->n++] = id;
	}
	if (bpf_map_update_elem(fd, &zero, f, BPF_ANY)) {
		err = -errno;
		goto out;
	}
	f->cur = next;
	if (bpf_map_update_elem(fd, &zero, f, BPF_ANY))
		err = -errno;
out:
	free(f);
	return err;
}

/* The flood peers there would be with peer id `id` changed to flood `on`. */
static uint32_t flood_count(const struct xt_view *v, uint32_t id, bool on)
{
	uint32_t i, n = on;

	for (i = 0; i < v->ov.cfg.max_peers; i++)
		n += i != id && v->by_id[i] && (v->by_id[i]->val.flags & XT_PEER_F_FLOOD);
	return n;
}

static int l2_peer_put(const struct xt_view *v, uint32_t id, const struct xt_ip *ep, uint16_t port,
		       bool active)
{
	struct xt_l2_peer p = { .port = port };

	if (active) {
		memcpy(p.endpoint, ep->addr, XT_ADDR_LEN);
		/* Flood is the flood list's to say; xt_peers' flag is for show. */
		p.flags = XT_L2_PEER_ACTIVE;
	}
	if (bpf_map_update_elem(v->ov.fd[XT_MAP_L2_PEERS], &id, &p, BPF_ANY))
		return -errno;
	return 0;
}

int xt_l2_peer_add(struct xt_view *v, const struct xt_peer_spec *o)
{
	const struct xt_l2_learned zero = {};
	bool flood = !(o->has & XT_PEER_FLOOD) || o->flood;
	struct xt_peer_key key = {};
	struct xt_peer pv = {};
	uint32_t id;
	int err;

	err = xt_peer_name_check(o->name);
	if (err)
		return err;
	if (o->has & XT_PEER_ALLOWED)
		return xt_err_input(-EINVAL,
				    "allowed-ips: overlay %s is an L2 overlay, whose peers have "
				    "none (the FDB learns which stations are behind them)",
				    v->ov.dev);
	if (!(o->has & XT_PEER_ENDPOINT))
		return xt_err_input(-EINVAL, "peer add needs 'endpoint'");
	err = xt_peer_check_endpoint(&v->ov, &o->endpoint, o->port);
	if (err)
		return err;
	err = xt_peer_check_new(v, o, &id);
	if (err)
		return err;
	memcpy(key.endpoint, o->endpoint.addr, XT_ADDR_LEN);
	if (flood && flood_count(v, id, true) > XT_L2_MAX_FLOOD)
		return xt_err_input(-ENOSPC,
				    "%d peers have flood on already, the most there can be",
				    XT_L2_MAX_FLOOD);
	memset(&pv, 0, sizeof(pv));
	snprintf(pv.name, sizeof(pv.name), "%s", o->name);
	pv.id = id;
	pv.port = o->port ? o->port : v->ov.cfg.port;
	/* flood says the one flag that is the flood list's; the others come as given. */
	pv.flags = (o->has & XT_PEER_FLAGS ? o->flags & ~XT_PEER_F_FLOOD : 0) |
		   (flood ? XT_PEER_F_FLOOD : 0);
	err = xt_peer_stats_reset(v->ov.fd[XT_MAP_PEER_STATS], v->ov.fd[XT_MAP_PEER_DROPS], id);
	if (!err && bpf_map_update_elem(v->ov.fd[XT_MAP_L2_LEARNED], &id, &zero, BPF_ANY))
		err = -errno;
	if (!err)
		err = l2_peer_put(v, id, &o->endpoint, pv.port, true);
	if (err)
		return xt_err(err, "adding peer %s: %s", o->name, strerror(-err));
	err = xt_view_peer_add(v, &key, &pv);
	if (err) {
		l2_peer_put(v, id, NULL, 0, false);
		return xt_err(err, "adding peer %s: %s", o->name, strerror(-err));
	}
	if (flood) {
		err = flood_publish(v);
		if (err) {
			xt_view_peer_del(v, xt_view_peer_named(v, o->name));
			l2_peer_put(v, id, NULL, 0, false);
			return xt_err(err, "adding peer %s to the flood list: %s", o->name,
				      strerror(-err));
		}
	}
	return 0;
}

int xt_l2_peer_set(struct xt_view *v, const struct xt_peer_spec *o)
{
	struct xt_view_peer *pe = xt_view_peer_named(v, o->name);
	struct xt_peer_key key = {}, orig_key;
	struct xt_ip ep;
	uint16_t port, orig_port;
	uint16_t flags, orig_flags;
	int err;

	if (!pe)
		return xt_err_input(-ENOENT, "no peer named %s", o->name);
	if (o->has & XT_PEER_ALLOWED)
		return xt_err_input(-EINVAL,
				    "allowed-ips: overlay %s is an L2 overlay, whose peers have "
				    "none",
				    v->ov.dev);
	if (!(o->has & (XT_PEER_ENDPOINT | XT_PEER_FLOOD | XT_PEER_FLAGS)))
		return xt_err_input(-EINVAL, "peer set needs 'endpoint' or 'flood'");
	orig_key = pe->key;
	orig_port = pe->val.port;
	orig_flags = pe->val.flags;
	key = pe->key;
	port = orig_port;
	flags = orig_flags;
	if (o->has & XT_PEER_ENDPOINT) {
		err = xt_peer_check_endpoint(&v->ov, &o->endpoint, o->port);
		if (err)
			return err;
		memcpy(key.endpoint, o->endpoint.addr, XT_ADDR_LEN);
		port = o->port ? o->port : v->ov.cfg.port;
	}
	if (o->has & XT_PEER_FLAGS)
		flags = (o->flags & ~XT_PEER_F_FLOOD) | (flags & XT_PEER_F_FLOOD);
	if (o->has & XT_PEER_FLOOD)
		flags = o->flood ? flags | XT_PEER_F_FLOOD : flags & ~XT_PEER_F_FLOOD;
	if ((flags & XT_PEER_F_FLOOD) && flood_count(v, pe->val.id, true) > XT_L2_MAX_FLOOD)
		return xt_err_input(-ENOSPC,
				    "%d peers have flood on already, the most there can be",
				    XT_L2_MAX_FLOOD);
	/* Where encap sends first, then where decap takes from (see the top). */
	xt_ip_from_bytes(&ep, key.endpoint);
	err = l2_peer_put(v, pe->val.id, &ep, port, true);
	if (!err)
		err = xt_view_peer_rekey(v, pe, &key, port);
	if (!err && flags != orig_flags)
		err = xt_view_peer_flags(v, pe, flags);
	if (!err && flags != orig_flags)
		err = flood_publish(v);
	if (err) {
		xt_ip_from_bytes(&ep, orig_key.endpoint);
		l2_peer_put(v, pe->val.id, &ep, orig_port, true);
		xt_view_peer_rekey(v, pe, &orig_key, orig_port);
		xt_view_peer_flags(v, pe, orig_flags);
		flood_publish(v);
		return xt_err(err, "changing peer %s: %s", o->name, strerror(-err));
	}
	return 0;
}

int xt_l2_peer_del(struct xt_view *v, const char *name)
{
	struct xt_view_peer *pe = xt_view_peer_named(v, name);
	struct xt_l2_ctl forget = { .op = XT_L2_PEER_FORGET };
	uint32_t id;
	int err;

	if (!pe)
		return xt_err_input(-ENOENT, "no peer named %s", name ? name : "");
	id = pe->val.id;
	/* Out of the flood list, then decap no longer takes its frames, then encap no longer
	 * sends to it (see the top). */
	if (pe->val.flags & XT_PEER_F_FLOOD) {
		err = xt_view_peer_flags(v, pe, pe->val.flags & ~XT_PEER_F_FLOOD);
		if (!err)
			err = flood_publish(v);
		if (err)
			return xt_err(err, "removing peer %s from the flood list: %s", name,
				      strerror(-err));
	}
	err = xt_view_peer_del(v, pe);
	if (err)
		return xt_err(err, "removing peer %s: %s", name, strerror(-err));
	l2_peer_put(v, id, NULL, 0, false);
	/* A frame from it may be in flight still, learning as it goes: its entries go after
	 * an RCU grace period, when none is left. */
	xt_lens_grace_period();
	forget.peer_id = id;
	err = xt_l2_ctl(&v->ov, &forget);
	if (err)
		return xt_err(err, "removing what was learned from peer %s: %s", name,
			      strerror(-err));
	return 0;
}
