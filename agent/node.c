// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The JSON of a node's key and of the network's config key (fleet.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "fleet.h"

static void node_reset(struct xt_node *n)
{
	free(n->prefixes);
	n->prefixes = NULL;
	n->n_prefixes = 0;
	n->valid = false;
	n->port = 0;
	memset(&n->endpoint, 0, sizeof(n->endpoint));
}

static int parse_port(json_object *v, uint16_t *port)
{
	int64_t p;

	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	p = json_object_get_int64(v);
	if (p < 1 || p > 65535)
		return -EINVAL;
	*port = (uint16_t)p;
	return 0;
}

static int parse_prefixes(json_object *list, struct xt_node *n, char *why, size_t len)
{
	int i, count;

	if (!json_object_is_type(list, json_type_array)) {
		snprintf(why, len, "prefixes is no list");
		return -EINVAL;
	}
	count = (int)json_object_array_length(list);
	n->prefixes = calloc((size_t)count + 1, sizeof(*n->prefixes));
	if (!n->prefixes) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		json_object *p = json_object_array_get_idx(list, i);
		const char *text = json_object_get_string(p);

		if (!json_object_is_type(p, json_type_string) ||
		    xt_parse_prefix(text, &n->prefixes[i]) ||
		    xt_allowed_ip_check(&n->prefixes[i])) {
			snprintf(why, len, "prefix %s: %s", json_object_to_json_string(p),
				 json_object_is_type(p, json_type_string) ? xt_errmsg()
									  : "no string");
			return -EINVAL;
		}
	}
	n->n_prefixes = count;
	return 0;
}

int xt_node_parse(const char *name, const char *json, struct xt_node *n, char *why, size_t len)
{
	enum json_tokener_error jerr;
	json_object *o, *v;
	int err = -EINVAL;

	node_reset(n);
	if (xt_peer_name_check(name)) {
		snprintf(why, len, "%s", xt_errmsg());
		return -EINVAL;
	}
	o = json_tokener_parse_verbose(json, &jerr);
	if (!o) {
		snprintf(why, len, "no JSON: %s", json_tokener_error_desc(jerr));
		return -EINVAL;
	}
	if (!json_object_is_type(o, json_type_object))
		snprintf(why, len, "no JSON object");
	else if (!json_object_object_get_ex(o, "endpoint", &v) ||
		 !json_object_is_type(v, json_type_string))
		snprintf(why, len, "no endpoint");
	else if (xt_parse_ip(json_object_get_string(v), &n->endpoint))
		snprintf(why, len, "endpoint: %s", xt_errmsg());
	else if (json_object_object_get_ex(o, "port", &v) && parse_port(v, &n->port))
		snprintf(why, len, "port %s: not 1-65535", json_object_to_json_string(v));
	else if (json_object_object_get_ex(o, "prefixes", &v) &&
		 (err = parse_prefixes(v, n, why, len)))
		;
	else
		err = 0;
	json_object_put(o);
	if (err)
		node_reset(n);
	n->valid = !err;
	return err;
}

/* The fields of the config key and the settings of attach they are. */
static const struct {
	const char *field;
	uint32_t bit;
} config_fields[] = {
	{ "encap", XT_OV_ENCAP }, { "vni", XT_OV_VNI }, { "port", XT_OV_PORT },
	{ "mtu", XT_OV_MTU },	  { "key", XT_OV_KEY },
};

int xt_network_config_parse(const char *json, struct xt_overlay_spec *spec, char *why, size_t len)
{
	struct xt_overlay_spec s = *spec;
	enum json_tokener_error jerr;
	json_object *o, *v;
	size_t i;
	int err = 0;

	o = json_tokener_parse_verbose(json, &jerr);
	if (!o || !json_object_is_type(o, json_type_object)) {
		snprintf(why, len, "no JSON object%s%s", o ? "" : ": ",
			 o ? "" : json_tokener_error_desc(jerr));
		json_object_put(o);
		return -EINVAL;
	}
	for (i = 0; i < sizeof(config_fields) / sizeof(config_fields[0]) && !err; i++) {
		if (!json_object_object_get_ex(o, config_fields[i].field, &v))
			continue;
		if (!json_object_is_type(v, json_type_string) &&
		    !json_object_is_type(v, json_type_int)) {
			snprintf(why, len, "%s: neither a string nor a number",
				 config_fields[i].field);
			err = -EINVAL;
		} else if (xt_setting_parse(&s, config_fields[i].bit, json_object_get_string(v))) {
			snprintf(why, len, "%s: %s", config_fields[i].field, xt_errmsg());
			err = -EINVAL;
		}
	}
	json_object_put(o);
	if (!err)
		*spec = s;
	return err;
}
