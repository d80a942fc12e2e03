/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The receive path: an overlay's decap program attached to its uplink (decap.c). */
#ifndef XT_DECAP_H
#define XT_DECAP_H

#include <stdbool.h>
#include "objects.h"
#include "overlay.h"

/* What xt_decap_attach did, for its rollback. */
struct xt_decap {
	enum xt_rx_mode rx; /* attached: XT_RX_TC or XT_RX_XDP */
	bool xdp_attached, tc_attached, hook_created;
	struct xt_objects xdp; /* the XDP object of ov's kind, loaded if XDP was tried:
				* xt_decap_free */
};

/*
 * Attaches the receive path the overlay asks for (cfg->rx_request, cfg->xdp_mode) to
 * cfg->uplink_ifindex, where none of the overlay's is: the TC program tc_decap_fd, or the
 * XDP decap program of an XDP object of ov's kind made here (and xt_pass on the overlay
 * device). Auto takes
 * TC on a veth uplink, else native XDP, and TC if that fails. attach does this, and reload
 * where the uplink was deleted and made again. 0 or an error for xt_errmsg(); d says what
 * stays attached either way.
 */
int xt_decap_attach(const struct xt_overlay *ov, const struct xt_config *cfg, int tc_decap_fd,
		    struct xt_decap *d);
/* Takes off what xt_decap_attach attached. */
void xt_decap_rollback(const struct xt_overlay *ov, const struct xt_config *cfg,
		       const struct xt_decap *d);
void xt_decap_free(struct xt_decap *d);

#endif
