// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hooks: every TC and XDP attach, replace, query and detach of the library, so that the
 * way programs are attached (clsact filters and libxdp today, tcx links later) is one
 * file's business.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "hooks.h"
#include "netlink.h"
#include "overlay.h"
#include "xt_xdp.skel.h"

int prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t n_ids)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	info->nr_map_ids = n_ids;
	info->map_ids = (uint64_t)(unsigned long)map_ids;
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

/* The id of the program attached with our handle on a TC hook, 0 if none. */
uint32_t tc_prog_id(int ifindex, enum bpf_tc_attach_point point, uint32_t handle)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY);

	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id;
}

int tc_attach(int ifindex, enum bpf_tc_attach_point point, uint32_t handle, int prog_fd,
	      bool *hook_created)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY,
			    .prog_fd = prog_fd);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		return err;
	if (!err && hook_created)
		*hook_created = true;
	return bpf_tc_attach(&hook, &opts);
}

int tc_replace(int ifindex, enum bpf_tc_attach_point point, uint32_t handle, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);

	return bpf_tc_attach(&hook, &opts);
}

/* The decap filter of overlay `handle` off the uplink's ingress; then the clsact too if no
 * filter is left on it, which then does nothing: detach leaves the uplink as attach found
 * it. */
int tc_decap_detach(int uplink, uint32_t handle)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = uplink, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = XT_TC_PRIORITY);
	int err = bpf_tc_detach(&hook, &opts);

	if (xt_nl_tc_filter_count(uplink) == 0) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
	return err;
}

bool xt_prog_uses_map(int prog_fd, uint32_t map_id)
{
	uint32_t ids[16], i;
	struct bpf_prog_info info;

	if (prog_info(prog_fd, &info, ids, 16))
		return false;
	for (i = 0; i < info.nr_map_ids && i < 16; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

/* Our XDP program on the uplink: the one using this overlay's xt_peers map. Returns the
 * multiprog (close it) and sets *prog, or NULL if the overlay has no XDP program there. */
struct xdp_multiprog *xdp_find(const struct xt_overlay *ov, struct xdp_program **prog)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ov->cfg.uplink_ifindex);
	struct xdp_program *p = NULL;

	*prog = NULL;
	if (libxdp_get_error(mp))
		return NULL;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && xt_prog_uses_map(xdp_program__fd(p), ov->peers_id))
			*prog = p;
	} else {
		while ((p = xdp_multiprog__next_prog(p, mp)))
			if (xt_prog_uses_map(xdp_program__fd(p), ov->peers_id)) {
				*prog = p;
				break;
			}
	}
	if (!*prog) {
		xdp_multiprog__close(mp);
		return NULL;
	}
	return mp;
}

int detach_xdp(const struct xt_overlay *ov)
{
	struct xdp_program *p;
	struct xdp_multiprog *mp = xdp_find(ov, &p);
	int err;

	if (!mp)
		return 0;
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(p, (int)ov->cfg.uplink_ifindex,
					  xdp_multiprog__attach_mode(mp), 0);
	xdp_multiprog__close(mp);
	return err;
}

/* The new XDP program takes the old one's place: atomically where libxdp attached it alone
 * (XDP_FLAGS_REPLACE), else added to the dispatcher before the old one leaves it. */
int xdp_replace(const struct xt_overlay *ov, struct xt_xdp_bpf *xs)
{
	int uplink = (int)ov->cfg.uplink_ifindex, err;
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = xs->obj, .prog_name = "xt_decap_xdp");
	DECLARE_LIBBPF_OPTS(bpf_xdp_attach_opts, aopts);
	struct xdp_program *old, *new;
	struct xdp_multiprog *mp = xdp_find(ov, &old);
	enum xdp_attach_mode mode;

	if (!mp)
		return -ENOENT;
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		err = xt_xdp_bpf__load(xs);
		if (!err) {
			aopts.old_prog_fd = xdp_program__fd(old);
			err = bpf_xdp_attach(uplink, bpf_program__fd(xs->progs.xt_decap_xdp),
					     XDP_FLAGS_REPLACE |
						     (mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE
									   : XDP_FLAGS_DRV_MODE),
					     &aopts);
		}
	} else {
		new = xdp_program__create(&xopts);
		err = (int)libxdp_get_error(new);
		if (!err) {
			err = xdp_program__attach(new, uplink, mode, 0);
			if (!err)
				err = xdp_program__detach(old, uplink, mode, 0);
			xdp_program__close(new);
		}
	}
	xdp_multiprog__close(mp);
	return err;
}

/* The XDP program on ifindex and how it is attached (its flags); 0 if there is none. */
uint32_t xdp_prog_on(uint32_t ifindex, uint32_t *flags)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query((int)ifindex, 0, &q))
		return 0;
	*flags = q.attach_mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	return q.prog_id;
}

/* Takes program id off ifindex, only if it is still the one there (XDP_FLAGS_REPLACE). */
int xdp_detach_expected(uint32_t ifindex, uint32_t id, uint32_t flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int err;

	opts.old_prog_fd = bpf_prog_get_fd_by_id(id);
	if (opts.old_prog_fd < 0)
		return -errno;
	err = bpf_xdp_detach((int)ifindex, flags, &opts);
	close(opts.old_prog_fd);
	return err;
}

/* Adds the filter, or replaces the program of the one that is there. */
int filter_set(int ifindex, uint32_t priority, uint32_t handle, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = priority,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST)
		return err;
	return bpf_tc_attach(&hook, &opts);
}

void filter_del(int ifindex, uint32_t priority, uint32_t handle)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = handle, .priority = priority);

	bpf_tc_detach(&hook, &opts);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

/* Filters on a device's clsact hook, ingress and egress together. */
int xt_nl_tc_filter_count(int ifindex)
{
	static const uint32_t parents[] = { TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
					    TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int count = 0, err;
	size_t i;

	for (i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETTFILTER, NLM_F_DUMP);
		struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));

		tcm->tcm_family = AF_UNSPEC;
		tcm->tcm_ifindex = ifindex;
		tcm->tcm_parent = parents[i];
		err = xt_nl_talk(nlh, count_cb, &count);
		if (err && err != -EINVAL && err != -ENOENT)
			return err;
	}
	return count;
}
