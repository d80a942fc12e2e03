// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The model's helpers (xtunnel.h): what an overlay spec asks for, with its defaults, checked
 * against the host and the overlays there, as the configuration of its programs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include "addr.h"
#include "dev.h"
#include "errmsg.h"
#include "forward.h"
#include "netlink.h"
#include "overlay.h"
#include "spec.h"
#include "xtunnel_l2.h"

bool xt_spec_has_ipv6(const struct xt_overlay_spec *o)
{
	int i;

	for (i = 0; i < o->n_addrs; i++)
		if (o->addrs[i].ip.family == XT_FAMILY_V6)
			return true;
	return false;
}

/*
 * The request with the default of each field it leaves out (struct xt_overlay_spec), `has`
 * as given, so that what follows reads every field, and checks what was given; or an input
 * error if it cannot be read: a name without its end, a count out of bounds.
 */
static int spec_complete(const struct xt_overlay_spec *in, struct xt_overlay_spec *o)
{
	int i;

	*o = *in;
	if (!memchr(o->dev, 0, IF_NAMESIZE) || !memchr(o->uplink, 0, IF_NAMESIZE))
		return xt_err_input(-EINVAL, "dev or uplink: a name without its end");
	if (!o->dev[0])
		snprintf(o->dev, IF_NAMESIZE, "%s", XT_DEFAULT_DEV);
	if (!(o->has & XT_OV_UPLINK))
		o->uplink[0] = '\0';
	if (!(o->has & XT_OV_ENCAP))
		o->encap = XT_ENCAP_VXLAN;
	if (!(o->has & XT_OV_VNI))
		o->vni = 1;
	if (!(o->has & XT_OV_PORT))
		o->port = o->encap == XT_ENCAP_GENEVE ? XT_GENEVE_PORT : XT_VXLAN_PORT;
	else if (o->port == 0)
		return xt_err_input(-EINVAL, "port 0: must be 1 to 65535");
	if (!(o->has & XT_OV_KEY))
		o->key = 0;
	if (!(o->has & XT_OV_ADDRS))
		o->n_addrs = 0;
	if (o->n_addrs < 0 || o->n_addrs > XT_MAX_ADDRS)
		return xt_err_input(-EINVAL, "address: %d of them, at most %d", o->n_addrs,
				    XT_MAX_ADDRS);
	if (!(o->has & XT_OV_MTU))
		o->mtu = 0; /* attach_mtu: the most the uplink carries */
	if (!(o->has & XT_OV_RX))
		o->rx = XT_RX_AUTO;
	if (!(o->has & XT_OV_XDP_MODE))
		o->xdp_mode = XT_XDP_NATIVE;
	if ((unsigned int)o->rx >= XT_RX_MODE_COUNT ||
	    (unsigned int)o->xdp_mode >= XT_XDP_MODE_COUNT)
		return xt_err_input(-EINVAL, "rx or xdp-mode: not one xtunnel knows");
	if (!(o->has & XT_OV_MAX_PEERS))
		o->max_peers = XT_DEFAULT_MAX_PEERS;
	if (!(o->has & XT_OV_MAX_ROUTES))
		o->max_routes = XT_DEFAULT_MAX_ROUTES;
	if (!o->max_peers || !o->max_routes)
		return xt_err_input(-EINVAL, "max-peers and max-routes: at least 1");
	if (!(o->has & XT_OV_FORWARD_FROM))
		o->n_forward = 0;
	if (o->n_forward < 0 || o->n_forward > XT_MAX_FWD_PORTS)
		return xt_err_input(-EINVAL, "forward-from: %d of them, at most %d", o->n_forward,
				    XT_MAX_FWD_PORTS);
	for (i = 0; i < o->n_forward; i++)
		if (!memchr(o->forward_from[i], 0, IF_NAMESIZE))
			return xt_err_input(-EINVAL, "forward-from: a name without its end");
	if (!(o->has & XT_OV_MODE))
		o->mode = XT_MODE_L3;
	if ((unsigned int)o->mode >= XT_MODE_COUNT)
		return xt_err_input(-EINVAL, "mode: not one xtunnel knows");
	if (!(o->has & XT_OV_MAX_MACS))
		o->max_macs = XT_L2_DEFAULT_MAX_MACS;
	if (!(o->has & XT_OV_AGEING))
		o->ageing = XT_L2_DEFAULT_AGEING;
	return 0;
}

/* What only one kind of overlay has, asked of the other. */
static int mode_validate(const struct xt_overlay_spec *o)
{
	if (o->mode == XT_MODE_L3) {
		if (o->has & XT_OV_MAX_MACS)
			return xt_err_input(-EINVAL, "max-macs: only an L2 overlay learns MACs "
						     "(mode l2)");
		if (o->has & XT_OV_AGEING)
			return xt_err_input(-EINVAL, "ageing: only an L2 overlay learns MACs "
						     "(mode l2)");
		return 0;
	}
	if (!xt_encap_is_l2(o->encap))
		return xt_err_input(-EINVAL,
				    "mode l2: encap %s carries no Ethernet frame (vxlan or geneve)",
				    xt_encap_name(o->encap));
	if (o->has & XT_OV_MAX_ROUTES)
		return xt_err_input(-EINVAL, "max-routes: an L2 overlay has no routes (its FDB "
					     "learns where stations are)");
	if (o->n_forward)
		return xt_err_input(-EINVAL, "forward-from: an L2 overlay is bridged, not routed");
	/* A peer's learned MACs are a share of the FDB, which holds XT_L2_DEFAULT_MAX_FDB. */
	if (!o->max_macs || o->max_macs > XT_L2_DEFAULT_MAX_FDB)
		return xt_err_input(-EINVAL, "max-macs %u: from 1 to %u", o->max_macs,
				    XT_L2_DEFAULT_MAX_FDB);
	if (o->ageing > 1000000)
		return xt_err_input(-EINVAL, "ageing %u: at most 1000000 seconds (0: never)",
				    o->ageing);
	return 0;
}

static int attach_validate(const struct xt_overlay_spec *o)
{
	const char *encap = xt_encap_name(o->encap), *dev = o->dev;
	char peer[IF_NAMESIZE + sizeof(XT_PEER_SUFFIX)];
	int err, i, j;

	if (!*o->uplink)
		return xt_err_input(-EINVAL, "attach needs an uplink device");
	err = xt_dev_name_check("uplink", o->uplink) ?: xt_dev_name_check("dev", dev);
	if (err)
		return err;
	if ((unsigned int)o->encap >= XT_ENCAP_COUNT)
		return xt_err_input(-EINVAL, "encapsulation %d is not one xtunnel knows",
				    (int)o->encap);
	if (strlen(dev) > (size_t)XT_DEV_NAME_MAX)
		return xt_err_input(-EINVAL, "device name '%s' is longer than %d characters", dev,
				    XT_DEV_NAME_MAX);
	if (!if_nametoindex(o->uplink))
		return xt_err_input(-ENODEV, "uplink %s: no such device", o->uplink);
	if (if_nametoindex(dev))
		return xt_err_input(-EEXIST, "device %s exists already", dev);
	snprintf(peer, sizeof(peer), "%s%s", dev, XT_PEER_SUFFIX);
	if (if_nametoindex(peer))
		return xt_err_input(-EEXIST, "device %s exists already (the hidden end of %s)",
				    peer, dev);
	if (!xt_encap_is_udp(o->encap) && (o->has & XT_OV_VNI))
		return xt_err_input(-EINVAL, "vni: encap %s has no VNI (only vxlan and geneve)",
				    encap);
	if (!xt_encap_is_udp(o->encap) && (o->has & XT_OV_PORT))
		return xt_err_input(-EINVAL, "port: encap %s has no port (only vxlan and geneve)",
				    encap);
	if (o->encap != XT_ENCAP_GRE && (o->has & XT_OV_KEY))
		return xt_err_input(-EINVAL, "key: encap %s has no key (only gre)", encap);
	if (o->vni > XT_VNI_MAX)
		return xt_err_input(-EINVAL, "vni %u is above %u", o->vni, XT_VNI_MAX);
	for (i = 0; i < o->n_addrs; i++)
		for (j = 0; j < i; j++)
			if (o->addrs[i].ip.family == o->addrs[j].ip.family &&
			    !memcmp(o->addrs[i].ip.addr, o->addrs[j].ip.addr, XT_ADDR_LEN)) {
				char a[INET6_ADDRSTRLEN];

				xt_format_ip(&o->addrs[i].ip, a, sizeof(a));
				return xt_err_input(-EEXIST, "address %s: given twice", a);
			}
	if ((o->has & XT_OV_LOCAL) && o->local.family != XT_FAMILY_V4 &&
	    o->local.family != XT_FAMILY_V6)
		return xt_err_input(-EINVAL, "local: no address family");
	if ((o->has & XT_OV_LOCAL) && !xt_ip_is_unicast(&o->local)) {
		char a[INET6_ADDRSTRLEN];

		xt_format_ip(&o->local, a, sizeof(a));
		return xt_err_input(-EINVAL, "local %s: must be a unicast address", a);
	}
	return 0;
}

/*
 * A local address given: tunnel packets are accepted only when addressed to it, so it must
 * be one the host receives, or the overlay would silently never match a packet. It must be
 * assigned in this network namespace; to any interface, not only the uplink, since an
 * underlay address on the loopback (an anycast or routed host address) is reached through
 * the uplink all the same. XT_ATTACH_FORCE_LOCAL takes one the host does not have yet (a
 * floating address that keepalived, say, moves here on failover). Never an address inside
 * the overlay itself: its own prefixes, or any overlay device's addresses, are reached
 * through the tunnel, not the uplink.
 */
static int local_check(const struct xt_overlay_spec *o, unsigned int flags)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN + 4], owner[IF_NAMESIZE] = "";
	struct xt_overlay ov;
	int ifindex, err, i;

	xt_format_ip(&o->local, a, sizeof(a));
	for (i = 0; i < o->n_addrs; i++) {
		const struct xt_prefix *addr = &o->addrs[i];

		if (addr->ip.family != o->local.family ||
		    !xt_bits_equal(addr->ip.addr, o->local.addr, xt_prefix_key_len(addr)))
			continue;
		xt_format_prefix(addr, p, sizeof(p));
		return xt_err_input(-EINVAL,
				    "local %s is inside the overlay's own address %s: the underlay "
				    "address must be one the peers reach outside the overlay",
				    a, p);
	}
	err = xt_nl_addr_owner(&o->local, &ifindex);
	if (err == -EADDRNOTAVAIL && (flags & XT_ATTACH_FORCE_LOCAL))
		return 0;
	if (err == -EADDRNOTAVAIL)
		return xt_err_input(err,
				    "local %s: no interface here has this address, so no tunnel "
				    "packet would reach this overlay; add it first",
				    a);
	if (err)
		return xt_err(err, "local %s: reading this host's addresses: %s", a,
			      strerror(-err));
	if (if_indextoname((unsigned int)ifindex, owner) && !xt_overlay_open(owner, &ov)) {
		xt_overlay_close(&ov);
		return xt_err_input(-EINVAL,
				    "local %s is an address of overlay %s: the underlay address "
				    "must be one the peers reach outside every overlay",
				    a, owner);
	}
	return 0;
}

/* cfg->family and cfg->local: as given (checked), else the uplink's first IPv4 address,
 * else its first global IPv6 one. */
static int attach_local(const struct xt_overlay_spec *o, unsigned int flags, int uplink,
			struct xt_config *cfg)
{
	struct xt_ip local = o->local;
	int err = 0;

	if (o->has & XT_OV_LOCAL)
		err = local_check(o, flags);
	if (err)
		return err;
	if (!(o->has & XT_OV_LOCAL)) {
		err = xt_nl_first_addr(uplink, XT_FAMILY_V4, &local);
		if (err == -EADDRNOTAVAIL)
			err = xt_nl_first_addr(uplink, XT_FAMILY_V6, &local);
		if (err == -EADDRNOTAVAIL)
			return xt_err_input(err,
					    "uplink %s has no IPv4 or global IPv6 address: give "
					    "'local ADDR'",
					    o->uplink);
		if (err)
			return xt_err(err, "uplink %s: reading its addresses: %s", o->uplink,
				      strerror(-err));
	}
	cfg->family = local.family;
	memcpy(cfg->local, local.addr, XT_ADDR_LEN);
	return 0;
}

/* *mtu: given or the most the uplink carries, and at least what the overlay's
 * addresses need (IPv6: 1280, RFC 8200 section 5). */
static int attach_mtu(const struct xt_overlay_spec *o, const struct xt_config *cfg, uint32_t *mtu)
{
	uint32_t overhead = xt_encap_overhead(cfg->encap, cfg->family, cfg->has_key), uplink_mtu;
	const char *encap = xt_encap_name((enum xt_encap)cfg->encap);
	const char *family = cfg->family == XT_FAMILY_V6 ? "IPv6" : "IPv4";
	uint32_t min = xt_spec_has_ipv6(o) ? 1280 : 68, max;
	int err = xt_dev_mtu(o->uplink, &uplink_mtu);

	if (err)
		return xt_err(err, "uplink %s: reading its MTU: %s", o->uplink, strerror(-err));
	if (uplink_mtu < 68 + overhead)
		return xt_err_input(-EINVAL, "uplink %s: MTU %u is too small for %s over %s",
				    o->uplink, uplink_mtu, encap, family);
	max = uplink_mtu - overhead;
	*mtu = o->mtu ? o->mtu : max;
	if (*mtu < 68 || *mtu > max)
		return xt_err_input(-EINVAL,
				    "mtu %u: must be 68 to %u (uplink %s MTU %u minus %u for %s "
				    "over %s)",
				    *mtu, max, o->uplink, uplink_mtu, overhead, encap, family);
	if (*mtu < min)
		return xt_err_input(-EINVAL,
				    "mtu %u: an overlay with an IPv6 address needs at least 1280 "
				    "(uplink %s MTU %u minus %u for %s over %s leaves %u)",
				    *mtu, o->uplink, uplink_mtu, overhead, encap, family, max);
	return 0;
}

/*
 * Overlays on one uplink tell their packets apart by what their decap programs match: the
 * local address (and so the underlay family), the encapsulation, and the port and VNI of
 * VXLAN and GENEVE or the key of GRE. Two overlays that match the same packets would both
 * claim them: the decap filter that runs first would take every packet from an endpoint
 * both know, and drop those meant for the other overlay as spoofed.
 */
static bool same_packets(const struct xt_config *a, const struct xt_config *b)
{
	if (a->uplink_ifindex != b->uplink_ifindex || a->encap != b->encap ||
	    a->family != b->family || memcmp(a->local, b->local, XT_ADDR_LEN))
		return false;
	if (xt_encap_is_udp(a->encap))
		return a->port == b->port && a->vni == b->vni;
	if (a->encap == XT_ENCAP_GRE)
		return a->has_key == b->has_key && (!a->has_key || a->key == b->key);
	return true; /* IPIP has nothing more to tell overlays apart */
}

static int attach_unique(const struct xt_overlay_spec *o, const struct xt_config *cfg)
{
	const char *what = xt_encap_is_udp(cfg->encap)	? ", port, VNI"
			   : cfg->encap == XT_ENCAP_GRE ? ", GRE key"
							: "";
	char names[XT_MAX_OVERLAYS][IF_NAMESIZE];
	struct xt_overlay ov;
	int n, i, err;

	err = xt_overlay_names(names, XT_MAX_OVERLAYS, &n, false);
	for (i = 0; !err && i < n; i++) {
		if (xt_overlay_open(names[i], &ov))
			continue; /* gone meanwhile */
		if (same_packets(cfg, &ov.cfg))
			err = xt_err_input(
				-EEXIST,
				"overlay %s has the same uplink %s, encapsulation %s%s "
				"and local address: its decap program would take every "
				"packet meant for this one (give another vni, port, key or "
				"local)",
				ov.dev, o->uplink, xt_encap_name((enum xt_encap)cfg->encap), what);
		xt_overlay_close(&ov);
	}
	return err;
}

int xt_spec_config(const struct xt_overlay_spec *spec, unsigned int flags,
		   struct xt_overlay_spec *o, struct xt_config *cfg, uint32_t *mtu)
{
	int err;

	memset(cfg, 0, sizeof(*cfg));
	err = spec_complete(spec, o);
	if (err)
		return err;
	err = attach_validate(o);
	if (!err)
		err = mode_validate(o);
	if (!err)
		err = xt_fwd_validate(o);
	if (err)
		return err;
	cfg->encap = (uint8_t)o->encap;
	if (xt_encap_is_udp(o->encap)) {
		cfg->vni = o->vni;
		cfg->port = o->port;
	}
	cfg->has_key = !!(o->has & XT_OV_KEY);
	cfg->key = o->key;
	cfg->forward = o->n_forward > 0;
	cfg->rx_request = (uint8_t)o->rx;
	cfg->xdp_mode = (uint8_t)o->xdp_mode;
	cfg->uplink_ifindex = if_nametoindex(o->uplink);
	cfg->max_peers = o->max_peers;
	cfg->max_routes = o->max_routes;
	err = attach_local(o, flags, (int)cfg->uplink_ifindex, cfg);
	if (!err)
		err = attach_mtu(o, cfg, mtu);
	if (!err)
		err = attach_unique(o, cfg);
	return err;
}

int xt_overlay_spec_complete(const struct xt_overlay_spec *in, struct xt_overlay_spec *out)
{
	struct xt_config cfg = {};
	uint32_t uplink_mtu, overhead;
	int uplink, err;

	err = spec_complete(in, out);
	if (err)
		return err;
	if ((unsigned int)out->encap >= XT_ENCAP_COUNT)
		return xt_err_input(-EINVAL, "encapsulation %d is not one xtunnel knows",
				    (int)out->encap);
	if (!(in->has & XT_OV_UPLINK) || !*out->uplink)
		return xt_err_input(-EINVAL, "an overlay needs an uplink device");
	err = xt_dev_name_check("uplink", out->uplink);
	if (err)
		return err;
	uplink = (int)if_nametoindex(out->uplink);
	if (!uplink)
		return xt_err_input(-ENODEV, "uplink %s: no such device", out->uplink);
	/* Whether the host has the address is attach's to check (with its force): what
	 * the overlay would be is computed for any, so that sync can name a setting it
	 * cannot change before saying anything of its value. */
	err = attach_local(out, XT_ATTACH_FORCE_LOCAL, uplink, &cfg);
	if (err)
		return err;
	xt_ip_from_bytes(&out->local, cfg.local);
	if (!(in->has & XT_OV_MTU)) {
		err = xt_dev_mtu(out->uplink, &uplink_mtu);
		if (err)
			return xt_err(err, "uplink %s: reading its MTU: %s", out->uplink,
				      strerror(-err));
		overhead =
			xt_encap_overhead((uint8_t)out->encap, cfg.family, !!(in->has & XT_OV_KEY));
		out->mtu = uplink_mtu > overhead ? uplink_mtu - overhead : 0;
	}
	/* `has` as show sets it: every setting but those the encapsulation lacks. */
	out->has = XT_OV_UPLINK | XT_OV_ENCAP | XT_OV_LOCAL | XT_OV_ADDRS | XT_OV_MTU | XT_OV_RX |
		   XT_OV_XDP_MODE | XT_OV_MAX_PEERS | XT_OV_MAX_ROUTES | XT_OV_FORWARD_FROM |
		   (in->has & XT_OV_KEY);
	if (xt_encap_is_udp(out->encap)) {
		out->has |= XT_OV_VNI | XT_OV_PORT;
	} else {
		out->vni = 0;
		out->port = 0;
	}
	return 0;
}
