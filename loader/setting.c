// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One setting of an overlay at a time, as text: parsed into a spec (attach's words and the
 * config file's values go through the same parser) and formatted back (save); and a
 * peer's list of allowed-ips, grown as it is given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "addr.h"
#include "dev.h"
#include "errmsg.h"
#include "xtunnel.h"
#include "xtunnel_l2.h"

/* Each item of a comma-separated list (none empty) to add(spec, item). */
static int parse_list(struct xt_overlay_spec *spec, const char *text,
		      int (*add)(struct xt_overlay_spec *spec, const char *item))
{
	const char *end;
	char item[INET6_ADDRSTRLEN + 8];
	size_t len;
	int err;

	do {
		end = strchr(text, ',');
		len = end ? (size_t)(end - text) : strlen(text);
		while (len && (*text == ' ' || *text == '\t')) {
			text++;
			len--;
		}
		while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
			len--;
		if (!len)
			return xt_err_input(-EINVAL, "an empty item in the list");
		if (len >= sizeof(item))
			return xt_err_input(-EINVAL, "'%.*s...' is too long", 20, text);
		memcpy(item, text, len);
		item[len] = '\0';
		err = add(spec, item);
		if (err)
			return err;
		text = end + 1;
	} while (end);
	return 0;
}

/* An address or port given twice is attach's to refuse (attach_validate, xt_fwd_validate:
 * by index, as a device answers to its altnames too). */
static int add_address(struct xt_overlay_spec *spec, const char *item)
{
	struct xt_prefix p;
	int err = xt_parse_address(item, &p);

	if (err)
		return err;
	if (spec->n_addrs == XT_MAX_ADDRS)
		return xt_err_input(-E2BIG, "more than %d addresses", XT_MAX_ADDRS);
	spec->addrs[spec->n_addrs++] = p;
	return 0;
}

static int add_port(struct xt_overlay_spec *spec, const char *item)
{
	int err = xt_dev_name_check("interface", item);

	if (err)
		return err;
	if (spec->n_forward == XT_MAX_FWD_PORTS)
		return xt_err_input(-E2BIG, "more than %d interfaces", XT_MAX_FWD_PORTS);
	snprintf(spec->forward_from[spec->n_forward++], IF_NAMESIZE, "%s", item);
	return 0;
}

int xt_setting_parse(struct xt_overlay_spec *spec, uint32_t bit, const char *text)
{
	uint32_t v;
	int err;

	if (!text)
		text = "";
	switch (bit) {
	case XT_OV_UPLINK:
		err = xt_dev_name_check("device", text);
		if (!err)
			snprintf(spec->uplink, IF_NAMESIZE, "%s", text);
		break;
	case XT_OV_ENCAP:
		err = xt_parse_encap(text, &spec->encap);
		break;
	case XT_OV_VNI:
		err = xt_parse_u32(text, 0, XT_VNI_MAX, &spec->vni);
		break;
	case XT_OV_PORT:
		err = xt_parse_u32(text, 1, 65535, &v);
		if (!err)
			spec->port = (uint16_t)v;
		break;
	case XT_OV_KEY:
		err = xt_parse_u32(text, 0, UINT32_MAX, &spec->key);
		break;
	case XT_OV_LOCAL:
		err = xt_parse_ip(text, &spec->local);
		break;
	case XT_OV_ADDRS:
		err = parse_list(spec, text, add_address);
		break;
	case XT_OV_MTU:
		err = xt_parse_u32(text, 68, 65535, &spec->mtu);
		break;
	case XT_OV_RX:
		err = xt_parse_rx_mode(text, &spec->rx);
		break;
	case XT_OV_XDP_MODE:
		err = xt_parse_xdp_mode(text, &spec->xdp_mode);
		break;
	case XT_OV_MAX_PEERS:
		err = xt_parse_u32(text, 1, XT_MAX_PEERS_LIMIT, &spec->max_peers);
		break;
	case XT_OV_MAX_ROUTES:
		err = xt_parse_u32(text, 1, XT_MAX_ROUTES_LIMIT, &spec->max_routes);
		break;
	case XT_OV_FORWARD_FROM:
		err = parse_list(spec, text, add_port);
		break;
	case XT_OV_MODE:
		err = xt_parse_mode(text, &spec->mode);
		break;
	case XT_OV_MAC:
		err = xt_parse_mac(text, spec->mac);
		break;
	case XT_OV_MAX_MACS:
		err = xt_parse_u32(text, 1, XT_L2_MAX_MACS_LIMIT, &spec->max_macs);
		break;
	case XT_OV_AGEING:
		err = xt_parse_u32(text, 0, XT_L2_AGEING_LIMIT, &spec->ageing);
		break;
	default:
		return xt_err_input(-EINVAL, "setting 0x%x: not one xtunnel knows", bit);
	}
	if (!err)
		spec->has |= bit;
	return err;
}

int xt_setting_format(const struct xt_overlay_spec *spec, uint32_t bit, char *buf, size_t len)
{
	switch (bit) {
	case XT_OV_UPLINK:
		snprintf(buf, len, "%s", spec->has & XT_OV_UPLINK ? spec->uplink : "(gone)");
		return 0;
	case XT_OV_ENCAP:
		snprintf(buf, len, "%s", xt_encap_name(spec->encap));
		return 0;
	case XT_OV_VNI:
	case XT_OV_PORT:
	case XT_OV_KEY:
		if (!(spec->has & bit))
			snprintf(buf, len, "none");
		else
			snprintf(buf, len, "%u",
				 bit == XT_OV_VNI    ? spec->vni
				 : bit == XT_OV_PORT ? spec->port
						     : spec->key);
		return 0;
	case XT_OV_LOCAL:
		return xt_format_ip(&spec->local, buf, len);
	case XT_OV_MTU:
		snprintf(buf, len, "%u", spec->mtu);
		return 0;
	case XT_OV_RX:
		snprintf(buf, len, "%s", xt_rx_mode_name(spec->rx));
		return 0;
	case XT_OV_XDP_MODE:
		snprintf(buf, len, "%s", xt_xdp_mode_name(spec->xdp_mode));
		return 0;
	case XT_OV_MAX_PEERS:
		snprintf(buf, len, "%u", spec->max_peers);
		return 0;
	case XT_OV_MAX_ROUTES:
		snprintf(buf, len, "%u", spec->max_routes);
		return 0;
	case XT_OV_MODE:
		snprintf(buf, len, "%s", xt_mode_name(spec->mode));
		return 0;
	case XT_OV_MAC:
		return xt_format_mac(spec->mac, buf, len);
	case XT_OV_MAX_MACS:
		snprintf(buf, len, "%u", spec->max_macs);
		return 0;
	case XT_OV_AGEING:
		snprintf(buf, len, "%u", spec->ageing);
		return 0;
	}
	return xt_err_input(-EINVAL, "setting 0x%x: not a single value", bit);
}

int xt_peer_spec_allow(struct xt_peer_spec *p, const struct xt_prefix *prefix)
{
	int n = p->n_allowed;

	/* Grown by doubling: a peer may have thousands of prefixes. */
	if (!(n & (n - 1))) {
		struct xt_prefix *grown =
			realloc(p->allowed, (size_t)(n ? n * 2 : 1) * sizeof(*grown));

		if (!grown)
			return xt_err(-ENOMEM, "out of memory");
		p->allowed = grown;
	}
	p->allowed[p->n_allowed++] = *prefix;
	return 0;
}

void xt_peer_spec_free(struct xt_peer_spec *p)
{
	free(p->allowed);
	p->allowed = NULL;
	p->n_allowed = 0;
}
