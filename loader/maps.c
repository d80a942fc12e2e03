// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The maps of an overlay (maps.h): the list, and what goes by it. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "maps.h"

const struct xt_map_desc xt_maps[XT_MAP_COUNT] = {
#define XT_MAP_DESC(id, name, key, value, kinds)                                                   \
	[XT_MAP_##id] = { "xt_" #name, #name, sizeof(key), sizeof(value), kinds },
	XT_MAPS(XT_MAP_DESC)
#undef XT_MAP_DESC
};

int xt_map_named(const char *name)
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++)
		if (!strcmp(xt_maps[m].name, name))
			return m;
	return -1;
}

void xt_maps_init(int fd[XT_MAP_COUNT])
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++)
		fd[m] = -1;
}

void xt_maps_close(int fd[XT_MAP_COUNT])
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++) {
		if (fd[m] >= 0)
			close(fd[m]);
		fd[m] = -1;
	}
}

void xt_maps_of_obj(const struct bpf_object *obj, int fd[XT_MAP_COUNT])
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++)
		fd[m] = bpf_map__fd(bpf_object__find_map_by_name(obj, xt_maps[m].name));
}

int xt_maps_reuse(struct bpf_object *obj, const int fd[XT_MAP_COUNT])
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, xt_maps[m].name);

		if (!map)
			continue; /* of the other kind */
		if (fd[m] < 0)
			return -ENOENT;
		if (bpf_map__reuse_fd(map, fd[m]))
			return -errno;
	}
	return 0;
}

int xt_maps_ids(const int fd[XT_MAP_COUNT], uint32_t id[XT_MAP_COUNT])
{
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++) {
		struct bpf_map_info info = {};
		uint32_t len = sizeof(info);

		id[m] = 0;
		if (fd[m] < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd[m], &info, &len))
			return -errno;
		id[m] = info.id;
	}
	return 0;
}
