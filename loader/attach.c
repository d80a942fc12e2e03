// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * attach: the configuration the request makes (spec.c) made real: create the device, load,
 * attach, pin; roll back on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include "bpffs.h"
#include "decap.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "hooks.h"
#include "netlink.h"
#include "overlay.h"
#include "spec.h"
#include "l2.h"
#include "objects.h"
#include "view.h"
#include "vxlan_dev.h"

struct attach_state {
	struct xt_objects obj; /* of the overlay's kind */
	struct xt_decap decap;
	struct xt_fwd_state fwd;
	struct xt_overlay ov; /* the maps of tc, not owned; cfg and map ids once loaded */
	int dev_ifindex, vxlan_dev_ifindex;
	uint16_t port;
	bool pinned;
	char dev[IF_NAMESIZE];
};

static void attach_rollback(struct attach_state *st)
{
	xt_fwd_rollback(&st->fwd, &st->ov);
	xt_vxlan_dev_release(st->vxlan_dev_ifindex, st->port, (uint32_t)st->dev_ifindex);
	xt_decap_rollback(&st->ov, &st->ov.cfg, &st->decap);
	if (st->dev_ifindex)
		xt_nl_link_del(st->dev_ifindex); /* takes its programs, addresses and routes */
	if (st->pinned)
		xt_pins_remove(st->dev);
}

static void attach_state_free(struct attach_state *st)
{
	xt_fwd_state_free(&st->fwd);
	xt_decap_free(&st->decap);
	xt_objects_free(&st->obj);
}

/* The overlay's programs, of its kind, with maps of their own, loaded; st->ov gets the
 * maps, cfg, the uplink's name, and for an L2 overlay its configuration. */
static int attach_load(struct attach_state *st, const struct xt_overlay_spec *o,
		       const struct xt_config *cfg, const char uplink[IF_NAMESIZE])
{
	struct xt_l2_config l2 = {};
	int err;

	if (o->mode == XT_MODE_L2) {
		err = xt_l2_config_make(o, &l2);
		if (err)
			return err;
	}
	st->ov.mode = o->mode;
	st->ov.l2 = l2;
	memcpy(st->ov.uplink, uplink, IF_NAMESIZE);
	err = xt_objects_load_tc(&st->obj, &st->ov, cfg, false);
	if (err)
		return xt_err(err, "loading BPF programs: %s (XTUNNEL_DEBUG=1 shows the log)",
			      strerror(-err));
	xt_overlay_of_object(xt_objects_tc(&st->obj), o->dev, &st->ov);
	st->ov.mode = o->mode;
	st->ov.l2 = l2;
	st->ov.cfg = *cfg;
	st->ov.ifindex = st->dev_ifindex;
	memcpy(st->ov.uplink, uplink, IF_NAMESIZE);
	err = xt_overlay_bind_maps(xt_objects_prog(&st->obj, XT_ROLE_ENCAP), &st->ov);
	if (err)
		return xt_err(err, "binding maps to the encap program: %s", strerror(-err));
	return 0;
}

/*
 * IPv6 on the overlay device, set before the link goes up. No link-local address
 * (addr_gen_mode 1, "none"): neighbour discovery then uses the global addresses, which
 * allowed-ips hold, so a peer can check and route it like any packet; and no router
 * advertisements from across the tunnel. The hidden end carries nothing of its own.
 */
static int overlay_ipv6_setup(const char *dev, const char *peer)
{
	int err = xt_ipv6_conf(dev, "addr_gen_mode", "1");

	if (!err)
		err = xt_ipv6_conf(dev, "accept_ra", "0");
	if (!err)
		err = xt_ipv6_conf(dev, "disable_ipv6", "0");
	xt_ipv6_conf(peer, "disable_ipv6", "1");
	return err;
}

/* What xt_attach was asked. */
struct attach_request {
	const struct xt_overlay_spec *spec;
	unsigned int flags;
};

static int attach_locked(const struct attach_request *req, struct attach_state *st)
{
	struct xt_overlay_spec complete, *o = &complete;
	const char *dev = o->dev;
	char peer[IF_NAMESIZE];
	struct xt_config cfg = {};
	char stuck[ETH_GSTRING_LEN + 1], uplink[IF_NAMESIZE] = "";
	uint32_t mtu = 0;
	int err, i;

	err = xt_spec_config(req->spec, req->flags, o, &cfg, &mtu);
	if (err)
		return err;
	memcpy(st->dev, o->dev, sizeof(st->dev));
	/* Kept in rodata by its name, not an altname it may have been given by: the name the
	 * uplink will have if it is made again. */
	if_indextoname(cfg.uplink_ifindex, uplink);

	/* The name fits: xt_spec_config checked it is at most XT_DEV_NAME_MAX long. */
	snprintf(peer, sizeof(peer), "%.*s%s", XT_DEV_NAME_MAX, dev, XT_PEER_SUFFIX);
	err = xt_nl_veth_create(dev, peer, mtu);
	if (err)
		return xt_err(err, "creating device %s: %s", dev, strerror(-err));
	st->dev_ifindex = (int)if_nametoindex(dev);
	cfg.overlay_ifindex = (uint32_t)st->dev_ifindex;
	cfg.overlay_peer_ifindex = if_nametoindex(peer);
	if (o->has & XT_OV_MAC) {
		err = xt_dev_mac_set(dev, o->mac);
		if (err)
			return xt_err(err, "setting the MAC address of %s: %s", dev,
				      strerror(-err));
	}
	/* The veth's MAC is random (or given) and fixed from here on; the L3 decapsulations
	 * write it as the destination of the frames they build, so it goes in rodata. */
	err = xt_dev_mac(dev, cfg.overlay_mac);
	if (err)
		return xt_err(err, "reading the MAC address of %s: %s", dev, strerror(-err));
	/* GRE and IPIP carry no Ethernet header, so nothing answers ARP or neighbour
	 * solicitations across them: with NOARP every neighbour resolves at once to the
	 * device's own MAC, which encapsulation strips anyway. */
	if (!xt_encap_is_l2(cfg.encap)) {
		err = xt_nl_link_flags(st->dev_ifindex, IFF_NOARP, IFF_NOARP);
		if (err)
			return xt_err(err, "setting NOARP on %s: %s", dev, strerror(-err));
	}
	/* Every segmentation offload of the overlay device goes off: with any of them on, the
	 * kernel hands a GSO packet to the veth whole, and it reaches the hidden end
	 * unsegmented. GRO on the hidden end would merge the segments back before
	 * xt_encap_seg sees them. */
	if (xt_needs_segment_path(&cfg)) {
		err = xt_dev_features_set(dev, xt_feature_is_segmentation, false, stuck);
		if (err == -EOPNOTSUPP)
			return xt_err(err, "turning %s off on %s: the driver keeps it on", stuck,
				      dev);
		if (err)
			return xt_err(err, "turning segmentation offload off on %s: %s", dev,
				      strerror(-err));
		err = xt_dev_features_set(peer, xt_feature_is_gro, false, stuck);
		if (err == -EOPNOTSUPP)
			return xt_err(err, "turning %s off on %s: the driver keeps it on", stuck,
				      peer);
		if (err)
			return xt_err(err, "turning GRO off on %s: %s", peer, strerror(-err));
	}

	xt_gso_path_choose(&cfg, dev);
	st->vxlan_dev_ifindex = (int)cfg.vxlan_dev_ifindex;
	st->port = cfg.port;

	err = attach_load(st, o, &cfg, uplink);
	if (err)
		return err;
	err = xt_tc_attach(xt_tc_filter_at(st->dev_ifindex, BPF_TC_EGRESS, XT_TC_HANDLE),
			   xt_objects_prog(&st->obj, XT_ROLE_ENCAP), XT_TC_CREATE, NULL);
	if (err)
		return xt_err(err, "attaching encap to %s: %s", dev, strerror(-err));
	if (xt_needs_segment_path(&cfg)) {
		err = xt_tc_attach(xt_tc_filter_at((int)cfg.overlay_peer_ifindex, BPF_TC_INGRESS,
						   XT_TC_HANDLE),
				   xt_objects_prog(&st->obj, XT_ROLE_ENCAP_SEG), XT_TC_CREATE,
				   NULL);
		if (err)
			return xt_err(err, "attaching segment encap to %s ingress: %s", peer,
				      strerror(-err));
	}
	if (cfg.vxlan_dev) {
		err = xt_vxlan_dev_use(st->vxlan_dev_ifindex, cfg.overlay_ifindex,
				       xt_objects_prog(&st->obj, XT_ROLE_SOCK_DROP));
		if (err)
			return xt_err(err, "attaching the drop filter to the vxlan device: %s",
				      strerror(-err));
	}

	err = xt_decap_attach(&st->ov, &cfg, xt_objects_prog(&st->obj, XT_ROLE_DECAP_TC),
			      &st->decap);
	if (err)
		return err;
	err = xt_fwd_attach(&st->fwd, &st->ov, o);
	if (err)
		return err;

	/* Before any address and before the link is up: link-local addresses are made when
	 * it comes up. Below 1280 bytes the device has no IPv6 at all, which is fine as long
	 * as it gets no IPv6 address (attach_mtu). */
	err = overlay_ipv6_setup(dev, peer);
	if (err && xt_spec_has_ipv6(o))
		return xt_err(err, "enabling IPv6 on %s: %s", dev, strerror(-err));
	for (i = 0; i < o->n_addrs; i++) {
		char a[INET6_ADDRSTRLEN + 4];

		err = xt_nl_addr(true, st->dev_ifindex, &o->addrs[i]);
		xt_format_prefix(&o->addrs[i], a, sizeof(a));
		if (err)
			return xt_err(err, "adding address %s to %s: %s", a, dev, strerror(-err));
	}
	err = xt_nl_link_up((int)cfg.overlay_peer_ifindex);
	if (!err)
		err = xt_nl_link_up(st->dev_ifindex);
	if (err)
		return xt_err(err, "bringing %s up: %s", dev, strerror(-err));

	st->pinned = true;
	return xt_pins_create(st->ov.dev, st->ov.fd);
}

static int attach_or_roll_back(const void *req)
{
	struct attach_state st = {};
	int err = attach_locked(req, &st);

	if (err)
		attach_rollback(&st);
	attach_state_free(&st);
	return err;
}

int xt_attach(const struct xt_overlay_spec *spec, unsigned int flags)
{
	struct attach_request req = { spec, flags };

	return xt_run_locked(attach_or_roll_back, &req);
}
