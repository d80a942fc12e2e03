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
#include "bpffs.h"
#include "errmsg.h"
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

/* A mount namespace of our own that our parent does not share (e.g. `ip netns exec`):
 * whatever we mount in it vanishes when this command exits. */
bool xt_mount_ns_is_private(void)
{
	char path[64];
	struct stat self, parent;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", getppid());
	if (stat("/proc/self/ns/mnt", &self) || stat(path, &parent))
		return false;
	return self.st_ino != parent.st_ino;
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

void xt_pins_remove(const char *dev)
{
	char dir[256], path[300];
	size_t i;
	int m;

	if (xt_pin_dir(dev, dir, sizeof(dir), false))
		return;
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
