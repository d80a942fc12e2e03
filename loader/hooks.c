// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Hooks (hooks.h): every TC and XDP attach, replace, query and detach of the library.
 *
 * TC: clsact filters through libbpf's bpf_tc_* (Debian 12's libbpf 1.1 has no tcx links;
 * they would come here). Our filters are told apart by priority and handle.
 * XDP: the uplink's decap goes through libxdp's multi-program dispatcher, so that other
 * XDP programs can share the uplink; the forward-from ports and the overlay device get one
 * program each, attached by netlink only where no program is, and detached only while it
 * is still ours (XDP_FLAGS_REPLACE with the expected program), so that we never take
 * another tool's program off a device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include <xdp/libxdp.h>
#include <sys/stat.h>
#include <net/if.h>
#include "errmsg.h"
#include "hooks.h"
#include "netlink.h"

bool xt_mount_ns_is_private(void)
{
	char path[64];
	struct stat self, parent;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", getppid());
	if (stat("/proc/self/ns/mnt", &self) || stat(path, &parent))
		return false;
	return self.st_ino != parent.st_ino;
}

int xt_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t n_ids)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	info->nr_map_ids = n_ids;
	info->map_ids = (uint64_t)(unsigned long)map_ids;
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

bool xt_prog_uses_map(int prog_fd, uint32_t map_id)
{
	uint32_t ids[XT_PROG_MAPS_MAX], i;
	struct bpf_prog_info info;

	if (xt_prog_info(prog_fd, &info, ids, XT_PROG_MAPS_MAX))
		return false;
	for (i = 0; i < info.nr_map_ids && i < XT_PROG_MAPS_MAX; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

/* ---- TC ---- */

uint32_t xt_tc_query(struct xt_tc_filter f)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = f.ifindex, .attach_point = f.point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = f.handle, .priority = f.priority);

	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id;
}

int xt_tc_attach(struct xt_tc_filter f, int prog_fd, unsigned int flags, bool *created)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = f.ifindex, .attach_point = f.point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = f.handle, .priority = f.priority,
			    .prog_fd = prog_fd,
			    .flags = flags & XT_TC_REPLACE ? BPF_TC_F_REPLACE : 0);
	int err;

	if (flags & XT_TC_CREATE) {
		err = bpf_tc_hook_create(&hook);
		if (err && err != -EEXIST)
			return err;
		if (!err && created)
			*created = true;
	}
	return bpf_tc_attach(&hook, &opts);
}

int xt_tc_detach(struct xt_tc_filter f)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = f.ifindex, .attach_point = f.point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = f.handle, .priority = f.priority);

	return bpf_tc_detach(&hook, &opts);
}

/* What a dump of one clsact direction's filters gives: every message (a filter, and one
 * per priority for the classifier itself, with handle 0), and the handles of the filters
 * with one priority. */
struct filter_list {
	uint32_t priority;
	int messages;
	uint32_t *handles;
	int max, n;
};

static int filter_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	struct filter_list *l = data;

	l->messages++;
	if (tcm->tcm_handle && TC_H_MAJ(tcm->tcm_info) >> 16 == l->priority && l->n < l->max)
		l->handles[l->n++] = tcm->tcm_handle;
	return MNL_CB_OK;
}

static int filter_dump(int ifindex, enum bpf_tc_attach_point point, struct filter_list *l)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = xt_nl_new(buf, RTM_GETTFILTER, NLM_F_DUMP);
	struct tcmsg *tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));

	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = TC_H_MAKE(TC_H_CLSACT,
				    point == BPF_TC_INGRESS ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
	return xt_nl_talk(nlh, filter_list_cb, l);
}

void xt_tc_hook_release(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	static const enum bpf_tc_attach_point points[] = { BPF_TC_INGRESS, BPF_TC_EGRESS };
	struct filter_list l = { 0 };
	size_t i;
	int err;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		err = filter_dump(ifindex, points[i], &l);
		/* No clsact at all, or no such device: nothing to release. */
		if (err && err != -EINVAL && err != -ENOENT)
			return;
	}
	if (l.messages == 0)
		bpf_tc_hook_destroy(&hook);
}

int xt_tc_handles(int ifindex, enum bpf_tc_attach_point point, uint32_t priority, uint32_t *handles,
		  int max, int *n)
{
	struct filter_list l = { .priority = priority, .handles = handles, .max = max };
	int err = filter_dump(ifindex, point, &l);

	*n = l.n;
	return err;
}

/* ---- XDP, one program per device ---- */

uint32_t xt_xdp_mode_flags(enum xt_xdp_mode mode)
{
	return mode == XT_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

uint32_t xt_xdp_query(int ifindex, uint32_t *flags)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	*flags = q.attach_mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	return q.prog_id;
}

int xt_xdp_attach(int ifindex, int prog_fd, uint32_t flags)
{
	return bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
}

int xt_xdp_replace(int ifindex, int prog_fd, uint32_t old_id, uint32_t flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int err;

	opts.old_prog_fd = bpf_prog_get_fd_by_id(old_id);
	if (opts.old_prog_fd < 0)
		return -errno;
	err = bpf_xdp_attach(ifindex, prog_fd, flags | XDP_FLAGS_REPLACE, &opts);
	close(opts.old_prog_fd);
	return err;
}

int xt_xdp_detach_expected(int ifindex, uint32_t id, uint32_t flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int err;

	opts.old_prog_fd = bpf_prog_get_fd_by_id(id);
	if (opts.old_prog_fd < 0)
		return -errno;
	err = bpf_xdp_detach(ifindex, flags, &opts);
	close(opts.old_prog_fd);
	return err;
}

/* ---- XDP through libxdp ---- */

int xt_xdp_multi_attach(int ifindex, struct bpf_object *obj, const char *prog_name,
			enum xt_xdp_mode mode)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = obj, .prog_name = prog_name);
	char name[IF_NAMESIZE] = "?";
	struct xdp_program *prog;
	int err;

	/* libxdp keeps its multi-program dispatcher alive through pins in bpffs. A bpffs we
	 * mount in a private mount namespace (`ip netns exec`) dies with this command, and
	 * our program would silently leave the dispatcher with it: attach it directly. */
	if (xt_mount_ns_is_private()) {
		setenv("LIBXDP_SKIP_DISPATCHER", "1", 1);
		if_indextoname((unsigned int)ifindex, name);
		xt_warn("private mount namespace (ip netns exec?): XDP attached without libxdp's "
			"dispatcher, so other XDP programs cannot share %s; use nsenter --net to "
			"keep the host's bpffs",
			name);
	}
	prog = xdp_program__create(&xopts);
	err = (int)libxdp_get_error(prog);
	if (err)
		return err;
	err = xdp_program__attach(prog, ifindex,
				  mode == XT_XDP_GENERIC ? XDP_MODE_SKB : XDP_MODE_NATIVE, 0);
	xdp_program__close(prog);
	return err;
}

/* Ours on ifindex: the program using map map_id. Returns the multiprog (close it) and sets
 * *prog, or NULL if none of ifindex's programs is ours. */
static struct xdp_multiprog *multi_find(int ifindex, uint32_t map_id, struct xdp_program **prog)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p = NULL;

	*prog = NULL;
	if (libxdp_get_error(mp))
		return NULL;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && xt_prog_uses_map(xdp_program__fd(p), map_id))
			*prog = p;
	} else {
		while ((p = xdp_multiprog__next_prog(p, mp)))
			if (xt_prog_uses_map(xdp_program__fd(p), map_id)) {
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

bool xt_xdp_multi_find(int ifindex, uint32_t map_id)
{
	struct xdp_program *p;
	struct xdp_multiprog *mp = multi_find(ifindex, map_id, &p);

	if (!mp)
		return false;
	xdp_multiprog__close(mp);
	return true;
}

int xt_xdp_multi_detach(int ifindex, uint32_t map_id)
{
	struct xdp_program *p;
	struct xdp_multiprog *mp = multi_find(ifindex, map_id, &p);
	int err;

	if (!mp)
		return 0;
	if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(p, ifindex, xdp_multiprog__attach_mode(mp), 0);
	xdp_multiprog__close(mp);
	return err;
}

int xt_xdp_multi_replace(int ifindex, uint32_t map_id, struct bpf_object *obj,
			 const char *prog_name)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, xopts, .obj = obj, .prog_name = prog_name);
	struct xdp_program *old, *new;
	struct xdp_multiprog *mp = multi_find(ifindex, map_id, &old);
	enum xdp_attach_mode mode;
	int err;

	if (!mp)
		return -ENOENT;
	mode = xdp_multiprog__attach_mode(mp);
	if (xdp_multiprog__is_legacy(mp)) {
		err = bpf_object__load(obj);
		if (!err)
			err = xt_xdp_replace(
				ifindex,
				bpf_program__fd(bpf_object__find_program_by_name(obj, prog_name)),
				xdp_program__id(old),
				mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	} else {
		new = xdp_program__create(&xopts);
		err = (int)libxdp_get_error(new);
		if (!err) {
			err = xdp_program__attach(new, ifindex, mode, 0);
			if (!err)
				err = xdp_program__detach(old, ifindex, mode, 0);
			xdp_program__close(new);
		}
	}
	xdp_multiprog__close(mp);
	return err;
}
