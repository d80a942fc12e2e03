// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* L2 overlays (l2.h): their programs' configuration, and xt_l2_ctl. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "errmsg.h"
#include "l2.h"
#include "xt_l2.skel.h"

#define NS_PER_SEC 1000000000ull
#define CTL_TRIES 100 /* an entry another CPU holds is let go within nanoseconds */

int xt_l2_config_make(const struct xt_overlay_spec *o, struct xt_l2_config *l2)
{
	memset(l2, 0, sizeof(*l2));
	l2->ageing_ns = (uint64_t)o->ageing * NS_PER_SEC;
	/* A learned entry's time is written at most once a second (bpf/fdb.h), and more often
	 * under a short ageing time, so that an entry in use never looks older than a quarter
	 * of it. */
	l2->refresh_ns = XT_L2_REFRESH_NS;
	if (l2->ageing_ns && l2->ageing_ns / 4 < l2->refresh_ns)
		l2->refresh_ns = l2->ageing_ns / 4;
	l2->max_macs = o->max_macs;
	/* The mark of the copies of a frame to flood (bpf/flood.h): what the stack leaves in
	 * skb->cb must not pass for it, by chance or by design. Never 0, which is none. */
	while (!l2->cookie)
		if (getrandom(&l2->cookie, sizeof(l2->cookie), 0) != sizeof(l2->cookie))
			return xt_err(-errno, "getrandom: %s", strerror(errno));
	return 0;
}

/* xt_l2_ctl of the build's object, on ov's maps and with its configuration: only that
 * program is loaded (and verified). */
static int ctl_load(const struct xt_overlay *ov, struct xt_l2_bpf **out)
{
	struct xt_l2_bpf *skel = xt_l2_bpf__open();
	struct bpf_program *p;
	int err;

	if (!skel)
		return -errno;
	skel->rodata->xt_cfg = ov->cfg;
	skel->rodata->xt_l2_cfg = ov->l2;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoload(p, p == skel->progs.xt_l2_ctl);
	err = xt_reuse_maps(skel->obj, ov);
	if (!err)
		err = xt_l2_bpf__load(skel);
	if (err) {
		xt_l2_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

int xt_l2_ctl(const struct xt_overlay *ov, struct xt_l2_ctl *c)
{
	struct xt_l2_bpf *skel;
	int err, tries;

	err = ctl_load(ov, &skel);
	if (err)
		return xt_err(err, "loading xt_l2_ctl: %s", strerror(-err));
	for (tries = 0; tries < CTL_TRIES; tries++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = c, .ctx_size_in = sizeof(*c));

		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xt_l2_ctl), &opts)) {
			err = xt_err(-errno, "running xt_l2_ctl: %s", strerror(errno));
			break;
		}
		err = c->result;
		if (err != -EAGAIN)
			break;
		usleep(100);
	}
	xt_l2_bpf__destroy(skel);
	return err;
}

void xt_l2_counts(const struct xt_overlay *ov, uint32_t *n_fdb, uint32_t *n_neigh)
{
	struct xt_neigh_key nk, *np = NULL;
	struct xt_fdb_key fk, *fp = NULL;

	*n_fdb = *n_neigh = 0;
	while (!bpf_map_get_next_key(ov->fd[XT_MAP_FDB], fp, &fk)) {
		(*n_fdb)++;
		fp = &fk;
	}
	while (!bpf_map_get_next_key(ov->fd[XT_MAP_NEIGH], np, &nk)) {
		(*n_neigh)++;
		np = &nk;
	}
}
