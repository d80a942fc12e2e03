// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xt_reconcile (state.h): what runs is read through the loader, the plan made (plan.c) and
 * its steps applied, all in one batch, so that nothing else of xtunnel's changes the
 * overlays meanwhile and the loader reads the peers and routes once for every step. A step
 * that fails is undone by the loader itself (each call is whole or nothing); the steps
 * before it are undone by a second plan, from what runs then to what ran before.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"

/* The overlays of the namespace as they are: this one (NULL if it does not run) and the
 * others, in one array that holds this one last. */
struct snapshot {
	struct xt_overlay_state *all;
	int n_all;
	const struct xt_overlay_state *mine;
	int n_others;
};

static void snapshot_free(struct snapshot *s)
{
	xt_overlay_states_free(s->all, s->n_all);
	memset(s, 0, sizeof(*s));
}

static int snapshot_read(const char *dev, struct snapshot *s)
{
	struct xt_overlay_state *one, swap;
	int i, n, err;

	memset(s, 0, sizeof(*s));
	err = xt_show(NULL, &s->all, &s->n_all);
	if (err)
		return err;
	s->n_others = s->n_all;
	for (i = 0; i < s->n_all; i++) {
		if (strcmp(s->all[i].spec.dev, dev))
			continue;
		swap = s->all[s->n_all - 1];
		s->all[s->n_all - 1] = s->all[i];
		s->all[i] = swap;
		s->mine = &s->all[s->n_all - 1];
		s->n_others = s->n_all - 1;
		return 0;
	}
	if (!if_nametoindex(dev))
		return 0; /* it does not run */
	/* A device of that name that show did not list: not an overlay, one of another
	 * version, or beyond the first 64. show of it alone says which. */
	err = xt_show(dev, &one, &n);
	if (err)
		return err;
	xt_overlay_states_free(one, n);
	return xt_err_input(-E2BIG, "overlay %s: more overlays here than xtunnel reads (64)", dev);
}

/* A step's failure, with what it was doing. */
static int step_failed(const struct xt_step *s, int err)
{
	bool input = xt_err_is_input();
	char why[512];

	snprintf(why, sizeof(why), "%s", xt_errmsg());
	if (s->kind == XT_STEP_SETTINGS)
		return input ? xt_err_input(err, "%s", why) : xt_err(err, "%s", why);
	return input ? xt_err_input(err, "peer %s: %s", s->peer.name, why)
		     : xt_err(err, "peer %s: %s", s->peer.name, why);
}

static int apply(const struct xt_plan *plan, const char *dev)
{
	int i, err = 0;

	for (i = 0; i < plan->n_steps && !err; i++) {
		struct xt_step *s = &plan->steps[i];

		switch (s->kind) {
		case XT_STEP_SETTINGS:
			snprintf(s->settings.dev, sizeof(s->settings.dev), "%s", dev);
			err = xt_overlay_set(&s->settings, 0);
			break;
		case XT_STEP_PEER_DEL:
			err = xt_peer_del(dev, s->peer.name);
			break;
		case XT_STEP_PEER_SET:
			err = xt_peer_set(dev, &s->peer, s->flags);
			break;
		case XT_STEP_PEER_ADD:
			err = xt_peer_add(dev, &s->peer, s->flags);
			break;
		}
		if (err)
			err = step_failed(s, err);
	}
	return err;
}

/* The live settings as they will be, checked as far as the loader can without the peers:
 * nothing then fails half-way that a look at the request could have told. */
static int check_live_settings(const struct xt_overlay_spec *want, uint32_t live)
{
	struct xt_overlay_spec s = *want;

	s.has = live;
	return xt_overlay_set(&s, XT_SET_CHECK);
}

/* What ran before as a desired state: the peers of the reconciler's, as they were. */
static int desired_of(const struct xt_overlay_state *before, unsigned int flags,
		      struct xt_desired *d)
{
	int i;

	memset(d, 0, sizeof(*d));
	d->overlay = before->spec;
	d->peers = calloc((size_t)before->n_peers + 1, sizeof(*d->peers));
	if (!d->peers)
		return xt_err(-ENOMEM, "out of memory");
	for (i = 0; i < before->n_peers; i++)
		if (!(flags & XT_RECONCILE_MANAGED_ONLY) ||
		    (before->peers[i].spec.flags & XT_PEER_F_MANAGED))
			d->peers[d->n_peers++] =
				before->peers[i].spec; /* the lists stay before's */
	return 0;
}

/* Makes again what ran before: the overlay removed if this call made it, else a plan from
 * what runs now to what ran before. */
static int undo(const char *dev, const struct snapshot *before, unsigned int flags)
{
	struct xt_plan_input in = { .flags = flags & (XT_RECONCILE_PEERS_ONLY |
						      XT_RECONCILE_MANAGED_ONLY) };
	struct snapshot now = {};
	struct xt_desired was;
	struct xt_plan plan;
	int err;

	if (!before->mine)
		return xt_detach(dev);
	err = desired_of(before->mine, flags, &was);
	if (err)
		return err;
	err = snapshot_read(dev, &now);
	if (!err && !now.mine)
		err = xt_err(-ENODEV, "%s is gone", dev);
	if (!err) {
		in.running = now.mine;
		in.want = &was;
		in.overlay = &before->mine->spec;
		in.others = now.all;
		in.n_others = now.n_others;
		err = xt_plan_make(&in, &plan);
	}
	if (!err) {
		err = apply(&plan, dev);
		xt_plan_free(&plan);
	}
	snapshot_free(&now);
	free(was.peers);
	return err;
}

/* The error of the step that failed, and what became of the steps before it. */
static int rolled_back(const char *dev, const struct snapshot *before, unsigned int flags, int err,
		       struct xt_reconcile_result *result)
{
	bool input = xt_err_is_input();
	char why[512], undo_why[512];

	snprintf(why, sizeof(why), "%s", xt_errmsg());
	if (undo(dev, before, flags)) {
		snprintf(undo_why, sizeof(undo_why), "%s", xt_errmsg());
		return xt_err(err,
			      "%s; undoing what was done failed too (%s): %s is between the "
			      "state it had and the one asked for",
			      why, undo_why, dev);
	}
	result->rolled_back = true;
	if (!before->mine)
		return input ? xt_err_input(err, "%s; %s was removed again", why, dev)
			     : xt_err(err, "%s; %s was removed again", why, dev);
	return input ? xt_err_input(err, "%s; undone: %s is as it was", why, dev)
		     : xt_err(err, "%s; undone: %s is as it was", why, dev);
}

int xt_reconcile(const struct xt_desired *want, unsigned int flags,
		 struct xt_reconcile_result *result)
{
	struct xt_overlay_spec complete, attach;
	struct xt_plan_input in = { .want = want, .flags = flags };
	struct snapshot before = {};
	struct xt_plan plan = {};
	const char *dev;
	int err;

	memset(result, 0, sizeof(*result));
	if (!memchr(want->overlay.dev, 0, IF_NAMESIZE))
		return xt_err_input(-EINVAL, "dev: a name without its end");
	dev = want->overlay.dev[0] ? want->overlay.dev : XT_DEFAULT_DEV;
	err = xt_dev_name_check("dev", dev);
	if (err)
		return err;
	err = xt_batch_begin();
	if (err)
		return err;
	err = snapshot_read(dev, &before);
	if (err)
		goto out;
	if (before.mine && before.mine->spec.mode == XT_MODE_L2) {
		err = xt_err_input(
			-EINVAL,
			"overlay %s is an L2 overlay (mode l2), which config files cannot "
			"describe yet: nothing was changed",
			dev);
		goto out;
	}
	if (before.mine && (flags & XT_RECONCILE_NEW)) {
		err = xt_err_input(-EEXIST,
				   "overlay %s runs already ('xtunnel sync' changes a running "
				   "overlay; 'xtunnel down' removes it)",
				   dev);
		goto out;
	}
	if (!before.mine && !(flags & XT_RECONCILE_CREATE)) {
		err = xt_err_input(-ENODEV, "overlay %s does not run ('xtunnel up' makes it)", dev);
		goto out;
	}
	if (before.mine && (flags & XT_RECONCILE_PEERS_ONLY)) {
		complete = before.mine->spec;
	} else {
		err = xt_overlay_spec_complete(&want->overlay, &complete);
		if (err)
			goto out;
		snprintf(complete.dev, sizeof(complete.dev), "%s", dev);
	}
	in.running = before.mine;
	in.overlay = &complete;
	in.others = before.all;
	in.n_others = before.n_others;
	err = xt_plan_make(&in, &plan);
	if (!err && before.mine && plan.settings)
		err = check_live_settings(&complete, plan.settings);
	if (err || (flags & XT_RECONCILE_DRY_RUN))
		goto out;
	if (!before.mine) {
		attach = want->overlay;
		snprintf(attach.dev, sizeof(attach.dev), "%s", dev);
		err = xt_attach(&attach, 0);
		if (err)
			goto out;
	}
	err = apply(&plan, dev);
	if (err)
		err = rolled_back(dev, &before, flags, err, &plan.result);
out:
	*result = plan.result; /* the list is the caller's now */
	plan.result.peers = NULL;
	plan.result.n_peers = 0;
	xt_plan_free(&plan);
	snapshot_free(&before);
	xt_batch_end();
	return err;
}
