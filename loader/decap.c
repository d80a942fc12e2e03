// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The receive path attached anew: the choice between TC and XDP on the uplink, and the
 * attach. attach makes an overlay's first one; reload makes one again when the uplink was
 * deleted and made again (the programs went with it) or somebody took ours off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <bpf/libbpf.h>
#include "decap.h"
#include "dev.h"
#include "errmsg.h"
#include "hooks.h"

static bool driver_is_veth(const char *uplink)
{
	char driver[32] = "";

	return xt_dev_driver(uplink, driver, sizeof(driver)) == 0 && !strcmp(driver, "veth");
}

static int decap_xdp(const struct xt_overlay *ov, const struct xt_config *cfg, struct xt_decap *d)
{
	int err = xt_objects_open_xdp(&d->xdp, ov, cfg);

	if (!err)
		err = xt_xdp_multi_attach((int)cfg->uplink_ifindex, xt_objects_xdp(&d->xdp),
					  xt_role_name(ov->mode, XT_ROLE_DECAP_XDP),
					  (enum xt_xdp_mode)cfg->xdp_mode);
	if (err)
		return err;
	d->xdp_attached = true;
	/* Frames redirected into a veth are only accepted if its peer runs XDP. */
	return xt_xdp_attach((int)cfg->overlay_ifindex, xt_objects_prog(&d->xdp, XT_ROLE_PASS),
			     XDP_FLAGS_DRV_MODE);
}

int xt_decap_attach(const struct xt_overlay *ov, const struct xt_config *cfg, int tc_decap_fd,
		    struct xt_decap *d)
{
	enum xt_rx_mode asked = (enum xt_rx_mode)cfg->rx_request, rx = asked;
	bool generic = cfg->xdp_mode == XT_XDP_GENERIC, veth;
	int uplink = (int)cfg->uplink_ifindex;
	char name[IF_NAMESIZE] = "?", stuck[ETH_GSTRING_LEN + 1];
	int err;

	memset(d, 0, sizeof(*d));
	if_indextoname((unsigned int)uplink, name);
	veth = driver_is_veth(name);
	if (rx == XT_RX_AUTO && veth)
		rx = XT_RX_TC;
	if (asked == XT_RX_XDP && veth)
		xt_warn("rx xdp on veth uplink %s: a veth sender leaves checksums to the receiver "
			"(CHECKSUM_PARTIAL), which XDP cannot see, so TCP fails unless the sending "
			"end turns transmit checksum offload off; XDP on a veth also costs the "
			"sender its TSO. 'rx tc' is correct and faster on veth",
			name);
	if (rx != XT_RX_TC) {
		err = decap_xdp(ov, cfg, d);
		if ((err == -EBUSY || err == -EEXIST) && rx == XT_RX_XDP)
			return xt_err(err,
				      "attaching XDP to %s: another XDP program is attached "
				      "there without libxdp's dispatcher, so it cannot be "
				      "shared; detach it or use 'rx tc'",
				      name);
		if (err && rx == XT_RX_XDP)
			return xt_err(err, "attaching XDP (%s) to %s: %s%s",
				      generic ? "generic" : "native", name, strerror(-err),
				      generic ? ""
					      : "; the driver may lack native XDP: try "
						"'xdp-mode generic' or 'rx tc'");
		if (err) {
			/* auto: no native XDP here, TC it is. */
			if (d->xdp_attached)
				xt_xdp_multi_detach(uplink, ov->map_id[XT_MAP_PEERS]);
			d->xdp_attached = false;
			rx = XT_RX_TC;
		}
	}
	if (rx != XT_RX_TC) {
		/* Decapsulated frames reach the overlay device through its veth peer, in NAPI:
		 * GRO there gives TCP super-packets back (measured on a tx-off veth wire: 4.0-4.2
		 * to 5.8 Gbit/s). Only speed depends on it, so a refusal is a warning. */
		err = xt_dev_features_set(ov->dev, xt_feature_is_rx_gro, true, stuck);
		if (err)
			xt_warn("could not turn GRO on on %s (%s): XDP receive works, slower",
				ov->dev, *stuck ? stuck : strerror(-err));
	}
	if (rx == XT_RX_TC) {
		err = xt_tc_attach(xt_tc_filter_at(uplink, BPF_TC_INGRESS, cfg->overlay_ifindex),
				   tc_decap_fd, XT_TC_CREATE, &d->hook_created);
		if (err)
			return xt_err(err, "attaching decap to %s ingress: %s", name,
				      strerror(-err));
		d->tc_attached = true;
	}
	d->rx = rx;
	return 0;
}

void xt_decap_rollback(const struct xt_overlay *ov, const struct xt_config *cfg,
		       const struct xt_decap *d)
{
	int uplink = (int)cfg->uplink_ifindex;

	if (d->xdp_attached)
		xt_xdp_multi_detach(uplink, ov->map_id[XT_MAP_PEERS]);
	if (d->tc_attached)
		xt_tc_detach(xt_tc_filter_at(uplink, BPF_TC_INGRESS, cfg->overlay_ifindex));
	if (d->hook_created)
		xt_tc_hook_release(uplink);
}

void xt_decap_free(struct xt_decap *d)
{
	xt_objects_free(&d->xdp);
}
