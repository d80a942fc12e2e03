// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * forward-from: the XDP forwarding path on local interfaces (bpf/fwd.h).
 *
 * The ports live in the overlay's xt_ports devmap together with the uplink: the map XDP
 * redirects through is also the list that show, reload and detach read, so there is no
 * second copy to drift. Each port gets xt_fwd_xdp attached directly, not through libxdp's
 * dispatcher: one program per port, attached only where no XDP program is (the kernel's
 * XDP_FLAGS_UPDATE_IF_NOEXIST), and detached only if it is still ours (XDP_FLAGS_REPLACE
 * with the expected program), so that we never take another tool's program off a port.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "xt_xdp.skel.h"

/*
 * Interfaces are compared by index, never by name: a device answers to its altnames too
 * (`ip link property add dev eth0 altname wan`), so the uplink or one port could be given
 * under two names. The overlay device does not exist yet (attach_validate refuses a name in
 * use), so no port can be it.
 */
int xt_fwd_validate(const struct xt_overlay_spec *o)
{
	unsigned int ifindex[XT_MAX_FWD_PORTS], uplink = if_nametoindex(o->uplink);
	int i, j, err, on = 0;

	if (o->n_forward == 0)
		return 0;
	for (i = 0; i < o->n_forward; i++) {
		const char *port = o->forward_from[i];

		err = xt_dev_name_check("forward-from", port);
		if (err)
			return err;
		ifindex[i] = if_nametoindex(port);
		if (!ifindex[i])
			return xt_err_input(-ENODEV, "forward-from %s: no such device", port);
		if (ifindex[i] == uplink)
			return xt_err_input(
				-EINVAL,
				"forward-from %s: that is the uplink %s; name the local "
				"interfaces whose traffic goes into the overlay",
				port, o->uplink);
		for (j = 0; j < i; j++)
			if (ifindex[i] == ifindex[j])
				return xt_err_input(-EINVAL,
						    "forward-from %s: named twice (as %s too)",
						    port, o->forward_from[j]);
	}
	/* bpf_fib_lookup answers only for devices that forward (BPF_FIB_LKUP_RET_FWD_DISABLED
	 * otherwise): without it every packet would take the slow path, unannounced. */
	if (xt_sysctl_read("/proc/sys/net/ipv4/ip_forward", &on) || on != 1)
		return xt_err_input(-EINVAL,
				    "forward-from: IPv4 forwarding is off in this network "
				    "namespace; a gateway forwards (sysctl -w "
				    "net.ipv4.ip_forward=1, and net.ipv6.conf.all.forwarding=1 "
				    "for IPv6)");
	return 0;
}

/* The ports in xt_ports, without the uplink. */
int xt_fwd_ports(const struct xt_overlay *ov, uint32_t *ports, int max, int *n)
{
	uint32_t key, next;
	void *prev = NULL;

	*n = 0;
	if (ov->fd[XT_MAP_PORTS] < 0)
		return 0;
	while (!bpf_map_get_next_key(ov->fd[XT_MAP_PORTS], prev, &next)) {
		key = next;
		prev = &key;
		if (key != ov->cfg.uplink_ifindex && *n < max)
			ports[(*n)++] = key;
	}
	return 0;
}

/* The id of our forward program on ifindex (the one using this overlay's xt_ports), and
 * how it is attached; 0 if there is none. */
static uint32_t fwd_prog_on(const struct xt_overlay *ov, uint32_t ifindex, uint32_t *flags)
{
	uint32_t id = xt_xdp_query((int)ifindex, flags);
	int fd;
	bool ours;

	if (!id)
		return 0;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return 0;
	ours = xt_prog_uses_map(fd, ov->map_id[XT_MAP_PORTS]);
	close(fd);
	return ours ? id : 0;
}

/* Takes our program off ifindex if it is still there; the port stays in xt_ports. */
static int fwd_detach_port(const struct xt_overlay *ov, uint32_t ifindex)
{
	uint32_t flags = 0, id = fwd_prog_on(ov, ifindex, &flags);

	return id ? xt_xdp_detach_expected((int)ifindex, id, flags) : 0;
}

void xt_fwd_state_free(struct xt_fwd_state *st)
{
	xt_xdp_bpf__destroy(st->skel);
	st->skel = NULL;
}

void xt_fwd_rollback(struct xt_fwd_state *st, const struct xt_overlay *ov)
{
	int i;

	for (i = 0; i < st->n_attached; i++)
		fwd_detach_port(ov, st->attached[i]);
	st->n_attached = 0;
}

/* A forward object sharing the overlay's maps, loaded. */
static int fwd_load(const struct xt_overlay *ov, struct xt_xdp_bpf **out)
{
	struct xt_xdp_bpf *skel;
	int err = xt_overlay_xdp_object(ov, &ov->cfg, &skel);

	if (err)
		return err;
	err = xt_xdp_bpf__load(skel);
	if (err) {
		xt_xdp_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

int xt_fwd_attach(struct xt_fwd_state *st, const struct xt_overlay *ov,
		  const struct xt_overlay_spec *o)
{
	uint32_t uplink = ov->cfg.uplink_ifindex;
	int i, err, fd;

	if (o->n_forward == 0)
		return 0;
	/* The uplink first: every encapsulated packet is redirected to it through the map. */
	if (bpf_map_update_elem(ov->fd[XT_MAP_PORTS], &uplink, &uplink, BPF_ANY))
		return xt_err(-errno, "adding the uplink to xt_ports: %s", strerror(errno));
	err = fwd_load(ov, &st->skel);
	if (err)
		return xt_err(err,
			      "loading the forward program: %s (XTUNNEL_DEBUG=1 shows the log)",
			      strerror(-err));
	fd = bpf_program__fd(st->skel->progs.xt_fwd_xdp);
	for (i = 0; i < o->n_forward; i++) {
		const char *port = o->forward_from[i];
		uint32_t ifindex = if_nametoindex(port);

		if (bpf_map_update_elem(ov->fd[XT_MAP_PORTS], &ifindex, &ifindex, BPF_ANY))
			return xt_err(-errno, "adding %s to xt_ports: %s", port, strerror(errno));
		err = xt_xdp_attach((int)ifindex, fd,
				    xt_xdp_mode_flags(o->xdp_mode) | XDP_FLAGS_UPDATE_IF_NOEXIST);
		if (err == -EBUSY || err == -EEXIST)
			return xt_err(err,
				      "forward-from %s: another XDP program is attached there; "
				      "detach it first",
				      port);
		if (err)
			return xt_err(err, "forward-from %s: attaching XDP (%s): %s%s", port,
				      o->xdp_mode == XT_XDP_GENERIC ? "generic" : "native",
				      strerror(-err),
				      o->xdp_mode == XT_XDP_GENERIC
					      ? ""
					      : "; the driver may lack native XDP: try "
						"'xdp-mode generic'");
		st->attached[st->n_attached++] = ifindex;
	}
	return 0;
}

static bool listed(const uint32_t *list, int n, uint32_t ifindex)
{
	int i;

	for (i = 0; i < n; i++)
		if (list[i] == ifindex)
			return true;
	return false;
}

/*
 * The ports of a running overlay that forwards made o's (which forwards too): the new ones
 * first, as attach adds them, so that a failure leaves nothing removed and takes back what
 * it added; then the old ones go, their program off first and their entry after it.
 */
int xt_fwd_set(const struct xt_overlay *ov, const struct xt_overlay_spec *o)
{
	uint32_t old[XT_MAX_FWD_PORTS], want[XT_MAX_FWD_PORTS];
	struct xt_overlay_spec added = *o;
	struct xt_fwd_state st = {};
	int n_old, i, err;

	xt_fwd_ports(ov, old, XT_MAX_FWD_PORTS, &n_old);
	added.n_forward = 0;
	for (i = 0; i < o->n_forward; i++) {
		want[i] = if_nametoindex(o->forward_from[i]);
		if (!listed(old, n_old, want[i]))
			memcpy(added.forward_from[added.n_forward++], o->forward_from[i],
			       IF_NAMESIZE);
	}
	err = xt_fwd_attach(&st, ov, &added);
	if (err) {
		xt_fwd_rollback(&st, ov);
		for (i = 0; i < added.n_forward; i++) {
			uint32_t ifindex = if_nametoindex(added.forward_from[i]);

			bpf_map_delete_elem(ov->fd[XT_MAP_PORTS], &ifindex);
		}
	}
	xt_fwd_state_free(&st);
	if (err)
		return err;
	for (i = 0; i < n_old; i++) {
		if (listed(want, o->n_forward, old[i]))
			continue;
		err = fwd_detach_port(ov, old[i]);
		if (err) {
			char name[IF_NAMESIZE] = "?";

			if_indextoname(old[i], name);
			return xt_err(err, "forward-from %s: detaching XDP: %s", name,
				      strerror(-err));
		}
		bpf_map_delete_elem(ov->fd[XT_MAP_PORTS], &old[i]);
	}
	return 0;
}

int xt_fwd_detach(const struct xt_overlay *ov)
{
	uint32_t ports[XT_MAX_FWD_PORTS];
	int n, i, err, first = 0;

	xt_fwd_ports(ov, ports, XT_MAX_FWD_PORTS, &n);
	for (i = 0; i < n; i++) {
		err = fwd_detach_port(ov, ports[i]);
		if (err && !first)
			first = err;
		if (err) {
			char name[IF_NAMESIZE] = "?";

			if_indextoname(ports[i], name);
			xt_warn("detaching XDP from forward-from port %s: %s", name,
				strerror(-err));
		}
	}
	return first;
}

int xt_fwd_reload(const struct xt_overlay *ov)
{
	uint32_t ports[XT_MAX_FWD_PORTS];
	struct xt_xdp_bpf *skel = NULL;
	int n, i, err = 0;

	xt_fwd_ports(ov, ports, XT_MAX_FWD_PORTS, &n);
	if (n == 0)
		return 0;
	err = fwd_load(ov, &skel);
	for (i = 0; !err && i < n; i++) {
		uint32_t flags = 0, id = fwd_prog_on(ov, ports[i], &flags);

		if (!id)
			continue; /* taken off by someone else: not ours to put back */
		err = xt_xdp_replace((int)ports[i], bpf_program__fd(skel->progs.xt_fwd_xdp), id,
				     flags);
	}
	xt_xdp_bpf__destroy(skel);
	return err;
}

int xt_fwd_port_names(const struct xt_overlay *ov, char (*names)[IF_NAMESIZE], int max, int *n)
{
	uint32_t ports[XT_MAX_FWD_PORTS];
	int count, i;

	xt_fwd_ports(ov, ports, XT_MAX_FWD_PORTS, &count);
	*n = 0;
	for (i = 0; i < count && *n < max; i++)
		if (!if_indextoname(ports[i], names[(*n)++]))
			snprintf(names[*n - 1], IF_NAMESIZE, "(ifindex %u)", ports[i]);
	return 0;
}

/* An orphan's forward program (its overlay device was deleted behind our back): off every
 * interface here that still runs it. Returns how many. */
int xt_fwd_detach_prog(uint32_t prog_id)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	uint32_t flags = 0;
	int removed = 0;

	if (!ifs)
		return 0;
	for (i = ifs; i->if_index; i++)
		if (xt_xdp_query((int)i->if_index, &flags) == prog_id &&
		    !xt_xdp_detach_expected((int)i->if_index, prog_id, flags))
			removed++;
	if_freenameindex(ifs);
	return removed;
}
