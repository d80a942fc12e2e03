// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The words of the config file (xtunnel.conf(5)), in one list per section: the parser
 * finds keys in it, save writes them in its order. CamelCase as wg-quick's.
 */
#include <string.h>
#include <strings.h>
#include "config.h"

const char *const xt_conf_section_names[XT_CONF_SECTIONS] = { "Overlay", "Peer" };

static const struct xt_conf_key overlay_keys[] = {
	{ "Name", 0, false },
	{ "Uplink", XT_OV_UPLINK, false },
	{ "Encap", XT_OV_ENCAP, false },
	{ "VNI", XT_OV_VNI, false },
	{ "Port", XT_OV_PORT, false },
	{ "Key", XT_OV_KEY, false },
	{ "Local", XT_OV_LOCAL, false },
	{ "Address", XT_OV_ADDRS, true },
	{ "MTU", XT_OV_MTU, false },
	{ "Receive", XT_OV_RX, false },
	{ "XDPMode", XT_OV_XDP_MODE, false },
	{ "ForwardFrom", XT_OV_FORWARD_FROM, true },
	{ "MaxPeers", XT_OV_MAX_PEERS, false },
	{ "MaxRoutes", XT_OV_MAX_ROUTES, false },
};

static const struct xt_conf_key peer_keys[] = {
	{ "Name", 0, false },
	{ "Endpoint", XT_PEER_ENDPOINT, false },
	{ "AllowedIPs", XT_PEER_ALLOWED, true },
	{ "Managed", XT_PEER_FLAGS, false },
	{ "UDP6ZeroChecksum", XT_PEER_UDP6_ZERO_CSUM, false },
};

const struct xt_conf_key *xt_conf_keys(enum xt_conf_section section, int *n)
{
	if (section == XT_CONF_OVERLAY) {
		*n = (int)(sizeof(overlay_keys) / sizeof(overlay_keys[0]));
		return overlay_keys;
	}
	*n = (int)(sizeof(peer_keys) / sizeof(peer_keys[0]));
	return peer_keys;
}

const struct xt_conf_key *xt_conf_key_of(enum xt_conf_section section, uint32_t bit)
{
	const struct xt_conf_key *keys;
	int n, i;

	keys = xt_conf_keys(section, &n);
	for (i = 0; i < n; i++)
		if (keys[i].bit == bit)
			return &keys[i];
	return NULL;
}

/* The words attach takes for L2 overlays (mode, mac, max-macs, ageing) as keys would spell
 * them: a file cannot describe an L2 overlay yet (its peers' flood setting, its static FDB
 * and neighbour entries have no keys), and says so rather than "unknown key". */
bool xt_conf_is_l2_key(const char *name)
{
	static const char *const l2_keys[] = { "Mode", "MAC", "MaxMACs", "Ageing", "Flood" };
	size_t i;

	for (i = 0; i < sizeof(l2_keys) / sizeof(l2_keys[0]); i++)
		if (!strcasecmp(l2_keys[i], name))
			return true;
	return false;
}
