// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Pins: the maps of overlay DEV are pinned under /sys/fs/bpf/xtunnel/DEV for bpftool, or
 * /sys/fs/bpf/xtunnel/netns/NS/DEV inside a network namespace named NS by `ip netns` (one
 * bpffs serves every network namespace, and two namespaces may both have an xt0).
 * Pins are a view, not the source of truth: commands find an overlay through the program
 * attached to its device, which works from any mount namespace (see DESIGN.md on
 * `ip netns exec`, which gives each command a /sys of its own).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <limits.h>
#include <stdlib.h>
#include "bpffs.h"
#include "errmsg.h"
#include "hooks.h"
#include "maps.h"
#include "xtunnel.h"

#define XT_BPFFS "/sys/fs/bpf"

static int bpffs_ensure(void)
{
	struct statfs st;

	if (statfs(XT_BPFFS, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", XT_BPFFS, "bpf", 0, "mode=0700"))
		return xt_err(-errno, "mounting bpffs on %s: %s", XT_BPFFS, strerror(errno));
	return 0;
}

/* The name `ip netns` gave our network namespace, if any. */
static int netns_name(char *buf, size_t len)
{
	struct stat self, st;
	struct dirent *de;
	char path[300];
	DIR *dir;
	int found = 0;

	if (stat("/proc/self/ns/net", &self))
		return 0;
	dir = opendir("/run/netns");
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		if (stat(path, &st) == 0 && st.st_ino == self.st_ino && st.st_dev == self.st_dev) {
			snprintf(buf, len, "%s", de->d_name);
			found = 1;
			break;
		}
	}
	closedir(dir);
	return found;
}

int xt_pin_dir(const char *dev, char *buf, size_t len, bool create)
{
	char ns[NAME_MAX + 1], *p;
	int err;

	/* Never a path out of the pin directory, whoever the caller. */
	err = xt_dev_name_check("device", dev);
	if (err)
		return err;
	if (create) {
		err = bpffs_ensure();
		if (err)
			return err;
	}
	if (netns_name(ns, sizeof(ns)))
		snprintf(buf, len, XT_BPFFS "/xtunnel/netns/%s/%s", ns, dev);
	else
		snprintf(buf, len, XT_BPFFS "/xtunnel/%s", dev);
	if (!create)
		return 0;
	/* mkdir -p, root only: pinned maps can redirect traffic. */
	for (p = buf + strlen(XT_BPFFS) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		err = mkdir(buf, 0700) && errno != EEXIST ? -errno : 0;
		*p = '/';
		if (err)
			return xt_err(err, "creating %s: %s", buf, strerror(-err));
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return xt_err(-errno, "creating %s: %s", buf, strerror(errno));
	return 0;
}

int xt_pins_create(const char *dev, const int fd[XT_MAP_COUNT])
{
	char dir[256], path[300];
	int m, err;

	err = xt_pin_dir(dev, dir, sizeof(dir), true);
	if (err)
		return err;
	for (m = 0; m < XT_MAP_COUNT; m++) {
		snprintf(path, sizeof(path), "%s/%s", dir, xt_maps[m].pin);
		unlink(path); /* a stale pin from an overlay of the same name that is gone */
		if (fd[m] < 0)
			continue; /* a map of the other kind of overlay */
		if (bpf_obj_pin(fd[m], path))
			return xt_err(-errno, "pinning %s: %s", path, strerror(errno));
	}
	return 0;
}

/* Pins earlier versions made, removed with an overlay they attached. */
static const char *const old_pin_names[] = { "hosts" };

/* Our pins in dir, dir, and each parent up to /sys/fs/bpf/xtunnel left empty. */
static void pins_remove_dir(char *dir)
{
	char path[PATH_MAX];
	size_t i;
	int m;

	for (m = 0; m < XT_MAP_COUNT; m++) {
		snprintf(path, sizeof(path), "%s/%s", dir, xt_maps[m].pin);
		unlink(path);
	}
	for (i = 0; i < sizeof(old_pin_names) / sizeof(old_pin_names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, old_pin_names[i]);
		unlink(path);
	}
	/* Then each parent up to /sys/fs/bpf/xtunnel, as long as it is empty. */
	while (strlen(dir) > strlen(XT_BPFFS "/xtunnel") - 1 && !rmdir(dir))
		*strrchr(dir, '/') = '\0';
}

void xt_pins_remove(const char *dev)
{
	char dir[256];

	if (!xt_pin_dir(dev, dir, sizeof(dir), false))
		pins_remove_dir(dir);
}

/*
 * The sweep of pins that overlays of deleted network namespaces left. Deleting a namespace
 * deletes its devices, and with them the overlay's programs; its pins stay behind in the
 * one bpffs all namespaces share, and hold the maps. A pin directory is stale when no
 * loaded program uses any of the maps pinned there. That, and not whether /run/netns/NS
 * exists, is what is checked: a namespace that `ip netns del` unnamed lives on while a
 * process is in it (its overlays still run), and one made again under the old name is
 * another namespace (the old one's pins are stale though the name exists). Program and map
 * ids are global, so the answer does not depend on the namespace this command runs in, and
 * the live overlays of other namespaces keep their pins: their programs use their maps.
 */
#define SWEEP_MAX_DIRS 256

struct sweep_dir {
	char ns[NAME_MAX + 1], dev[NAME_MAX + 1];
	char path[sizeof(XT_BPFFS "/xtunnel/netns/") + 2 * NAME_MAX + 2];
	uint32_t ids[XT_MAP_COUNT];
	int n_ids;
	bool used;
};

/* The ids of the maps pinned in dir; how many. */
static int pinned_ids(const char *dir, uint32_t ids[XT_MAP_COUNT])
{
	struct bpf_map_info info;
	uint32_t len;
	char path[PATH_MAX];
	int m, fd, n = 0;

	for (m = 0; m < XT_MAP_COUNT; m++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, xt_maps[m].pin) >= (int)sizeof(path))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.id;
		close(fd);
	}
	return n;
}

/* Every directory netns/NS/DEV with at least one of our pins in it. */
static int sweep_candidates(struct sweep_dir *dirs, int max)
{
	DIR *top = opendir(XT_BPFFS "/xtunnel/netns"), *nsdir;
	struct dirent *ns, *dev;
	char path[PATH_MAX];
	int n = 0;

	if (!top)
		return 0;
	while (n < max && (ns = readdir(top))) {
		if (ns->d_name[0] == '.' || ns->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), XT_BPFFS "/xtunnel/netns/%s", ns->d_name);
		nsdir = opendir(path);
		while (nsdir && n < max && (dev = readdir(nsdir))) {
			if (dev->d_name[0] == '.' || dev->d_type != DT_DIR)
				continue;
			memset(&dirs[n], 0, sizeof(dirs[n]));
			memcpy(dirs[n].ns, ns->d_name, sizeof(dirs[n].ns));
			memcpy(dirs[n].dev, dev->d_name, sizeof(dirs[n].dev));
			if (snprintf(dirs[n].path, sizeof(dirs[n].path), "%s/%s", path,
				     dev->d_name) >= (int)sizeof(dirs[n].path))
				continue;
			dirs[n].n_ids = pinned_ids(dirs[n].path, dirs[n].ids);
			if (dirs[n].n_ids)
				n++;
		}
		if (nsdir)
			closedir(nsdir);
	}
	closedir(top);
	return n;
}

/* Marks the directories whose maps a loaded program uses. false if a program could not
 * be read: then nothing can be known unused. */
static bool sweep_mark_used(struct sweep_dir *dirs, int n)
{
	struct bpf_prog_info info;
	uint32_t id = 0, *map_ids = NULL, cap = 0, i;
	bool complete = true;
	int fd, d, k;

	while (complete && !bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0) {
			complete = errno == ENOENT; /* gone meanwhile */
			continue;
		}
		/* How many maps, then which: a program may use any number. */
		complete = !xt_prog_info(fd, &info, NULL, 0);
		if (complete && info.nr_map_ids > cap) {
			uint32_t *grown = realloc(map_ids, info.nr_map_ids * sizeof(*map_ids));

			complete = grown != NULL;
			if (grown) {
				map_ids = grown;
				cap = info.nr_map_ids;
			}
		}
		if (complete)
			complete = !xt_prog_info(fd, &info, map_ids, cap) && info.nr_map_ids <= cap;
		close(fd);
		for (i = 0; complete && i < info.nr_map_ids; i++)
			for (d = 0; d < n; d++)
				for (k = 0; k < dirs[d].n_ids; k++)
					dirs[d].used |= dirs[d].ids[k] == map_ids[i];
	}
	free(map_ids);
	return complete;
}

void xt_pins_sweep(void)
{
	static struct sweep_dir dirs[SWEEP_MAX_DIRS];
	char run[PATH_MAX];
	struct statfs st;
	int n, d;

	/* Only where pins can be: never mounting a bpffs for this. */
	if (statfs(XT_BPFFS, &st) || st.f_type != BPF_FS_MAGIC)
		return;
	n = sweep_candidates(dirs, SWEEP_MAX_DIRS);
	if (!n || !sweep_mark_used(dirs, n))
		return;
	for (d = 0; d < n; d++) {
		if (dirs[d].used)
			continue;
		if (snprintf(run, sizeof(run), "/run/netns/%s", dirs[d].ns) < (int)sizeof(run) &&
		    access(run, F_OK))
			xt_warn("network namespace %s is gone: removed the pins its overlay %s "
				"left "
				"in %s",
				dirs[d].ns, dirs[d].dev, dirs[d].path);
		else
			xt_warn("overlay %s of network namespace %s is gone (no program uses its "
				"maps; the namespace was deleted and made again?): removed its "
				"pins "
				"in %s",
				dirs[d].dev, dirs[d].ns, dirs[d].path);
		pins_remove_dir(dirs[d].path);
	}
}
