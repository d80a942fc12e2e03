// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The batch (xt_batch_begin): from its first command to its last the lock is held and the
 * views of the overlays are kept, so that a command works on what the one before it left,
 * without reading the maps again. Outside a batch, a view lives for one command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errmsg.h"
#include "lock.h"
#include "view.h"

static struct {
	int depth, lock;
	struct xt_view *views[XT_MAX_OVERLAYS];
	int n_views;
	bool listed; /* names holds every overlay of the namespace */
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	int n_names;
} batch;

int xt_batch_begin(void)
{
	int lock;

	/* Nested (a `sync` line of `xtunnel batch`, whose reconciler is a batch of its own):
	 * the outer batch goes on, with its lock and its views. */
	if (batch.depth) {
		batch.depth++;
		return 0;
	}
	lock = xt_lock();
	if (lock < 0)
		return lock;
	batch.lock = lock;
	batch.depth = 1;
	return 0;
}

void xt_batch_end(void)
{
	if (!batch.depth || --batch.depth)
		return;
	xt_views_forget();
	xt_unlock(batch.lock);
}

void xt_views_forget(void)
{
	int i;

	for (i = 0; i < batch.n_views; i++)
		xt_view_free(batch.views[i]);
	batch.n_views = 0;
	batch.listed = false;
}

static bool kept(const struct xt_view *v)
{
	int i;

	for (i = 0; i < batch.n_views; i++)
		if (batch.views[i] == v)
			return true;
	return false;
}

/* Every overlay of the namespace: listed once per batch, else once per call. */
static int overlay_names(char (**names)[IF_NAMESIZE], int *n, char (*local)[IF_NAMESIZE])
{
	int err;

	if (batch.depth && batch.listed) {
		*names = batch.names;
		*n = batch.n_names;
		return 0;
	}
	*names = batch.depth ? batch.names : local;
	err = xt_overlay_names(*names, XT_MAX_OVERLAYS, n, false);
	if (err)
		return err;
	if (batch.depth) {
		batch.n_names = *n;
		batch.listed = true;
	}
	return 0;
}

int xt_view_get(const char *dev, struct xt_view **out)
{
	char local[XT_MAX_OVERLAYS][IF_NAMESIZE], (*names)[IF_NAMESIZE] = local;
	struct xt_view *v;
	unsigned int ifindex;
	int i, n = 0, err;

	if (!dev) {
		err = overlay_names(&names, &n, local);
		if (err)
			return err;
	}
	err = xt_overlay_pick(dev, names, n, &dev);
	if (err)
		return err;
	ifindex = if_nametoindex(dev);
	for (i = 0; ifindex && batch.depth && i < batch.n_views; i++)
		if ((unsigned int)batch.views[i]->ov.ifindex == ifindex) {
			*out = batch.views[i];
			return 0;
		}
	err = xt_view_open(dev, &v);
	if (err)
		return err;
	if (batch.depth && batch.n_views < XT_MAX_OVERLAYS)
		batch.views[batch.n_views++] = v;
	*out = v;
	return 0;
}

void xt_view_put(struct xt_view *v)
{
	if (!kept(v))
		xt_view_free(v);
}

int xt_view_each_other(const struct xt_view *except, int (*fn)(struct xt_view *v, void *ctx),
		       void *ctx)
{
	char local[XT_MAX_OVERLAYS][IF_NAMESIZE], (*names)[IF_NAMESIZE];
	struct xt_view *v;
	int i, n, err;

	err = overlay_names(&names, &n, local);
	for (i = 0; !err && i < n; i++) {
		if (except && if_nametoindex(names[i]) == (unsigned int)except->ov.ifindex)
			continue;
		err = xt_view_get(names[i], &v);
		if (err)
			break;
		err = fn(v, ctx);
		xt_view_put(v);
	}
	return err;
}

/* Commands that change an overlay run under the one lock. */
int xt_run_locked(int (*fn)(const void *arg), const void *arg)
{
	int lock, err;

	xt_libs_quiet();
	lock = xt_lock();
	if (lock < 0)
		return lock;
	xt_views_forget(); /* a batch's views: the overlays change */
	err = fn(arg);
	xt_unlock(lock);
	return err;
}
