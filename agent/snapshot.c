// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The agent's snapshot (snapshot.h): {"revision", "lease", "config", "nodes": [{"name",
 * "create_revision", "lease", "value"}]}, each node's value as etcd had it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "snapshot.h"

static void set_i64(json_object *o, const char *field, int64_t v)
{
	json_object_object_add(o, field, json_object_new_int64(v));
}

static int64_t get_i64(json_object *o, const char *field)
{
	json_object *v;

	return json_object_object_get_ex(o, field, &v) ? json_object_get_int64(v) : 0;
}

int xt_snapshot_write(const char *path, const struct xt_snapshot *s)
{
	json_object *root = json_object_new_object(), *nodes = json_object_new_array();
	char tmp[4200];
	int i, err = 0;
	FILE *f;

	set_i64(root, "revision", s->revision);
	set_i64(root, "lease", s->lease);
	json_object_object_add(root, "config",
			       s->config ? json_object_new_string(s->config) : NULL);
	for (i = 0; i < s->fleet.n_nodes; i++) {
		const struct xt_node *n = &s->fleet.nodes[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(n->name));
		set_i64(o, "create_revision", n->create_revision);
		set_i64(o, "lease", n->lease);
		json_object_object_add(o, "value", json_object_new_string(n->value));
		json_object_array_add(nodes, o);
	}
	json_object_object_add(root, "nodes", nodes);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		err = xt_err(-errno, "snapshot %s: %s", tmp, strerror(errno));
	} else {
		if (fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN), f) < 0 ||
		    fputc('\n', f) < 0)
			err = -EIO;
		if (fclose(f) && !err)
			err = -errno;
		if (err)
			err = xt_err(err, "snapshot %s: %s", tmp, strerror(-err));
		else if (rename(tmp, path))
			err = xt_err(-errno, "snapshot %s: %s", path, strerror(errno));
		if (err)
			unlink(tmp);
	}
	json_object_put(root);
	return err;
}

int xt_snapshot_read(const char *path, struct xt_snapshot *s)
{
	json_object *root, *nodes, *v;
	int i, n, err = 0;

	memset(s, 0, sizeof(*s));
	if (access(path, F_OK))
		return -ENOENT;
	root = json_object_from_file(path);
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return xt_err(-EINVAL, "snapshot %s: no JSON object", path);
	}
	s->revision = get_i64(root, "revision");
	s->lease = get_i64(root, "lease");
	if (json_object_object_get_ex(root, "config", &v) &&
	    json_object_is_type(v, json_type_string))
		s->config = strdup(json_object_get_string(v));
	n = json_object_object_get_ex(root, "nodes", &nodes) &&
			    json_object_is_type(nodes, json_type_array)
		    ? (int)json_object_array_length(nodes)
		    : 0;
	for (i = 0; i < n && !err; i++) {
		json_object *o = json_object_array_get_idx(nodes, i), *name, *value;

		if (!json_object_object_get_ex(o, "name", &name) ||
		    !json_object_object_get_ex(o, "value", &value))
			continue;
		err = xt_fleet_put(&s->fleet, json_object_get_string(name),
				   json_object_get_string(value), get_i64(o, "create_revision"),
				   get_i64(o, "lease"));
	}
	json_object_put(root);
	if (err) {
		xt_snapshot_free(s);
		return xt_err(err, "snapshot %s: out of memory", path);
	}
	return 0;
}

void xt_snapshot_free(struct xt_snapshot *s)
{
	free(s->config);
	xt_fleet_clear(&s->fleet);
	memset(s, 0, sizeof(*s));
}
