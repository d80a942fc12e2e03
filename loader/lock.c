// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one lock of the commands that change an overlay (lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "bpffs.h"
#include "errmsg.h"
#include "lock.h"
#include "privileges.h"

#define XT_RUN_DIR "/run/xtunnel"

/* The lock is held once per process: a command run inside a batch, which holds it for the
 * whole batch, takes it again without blocking on itself (flock locks belong to an open
 * file, and a second open of the lock file would wait for the first). */
static int lock_fd = -1, lock_depth;

/*
 * Takes the lock (waiting for it, or -EWOULDBLOCK if another process has it). The first
 * time a process has it, the pins that overlays of deleted network namespaces left are
 * swept: under the lock, so that no attach pins while the sweep decides.
 */
static int lock_take(bool wait)
{
	static bool swept;
	int fd;

	if (lock_depth) {
		lock_depth++;
		return lock_fd;
	}
	if (mkdir(XT_RUN_DIR, 0700) && errno != EEXIST)
		return xt_err(-errno, "creating " XT_RUN_DIR ": %s", strerror(errno));
	fd = open(XT_RUN_DIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return xt_err(-errno, "opening " XT_RUN_DIR "/lock: %s", strerror(errno));
	if (flock(fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB)) {
		int err = -errno;

		close(fd);
		return xt_err(err, "locking " XT_RUN_DIR "/lock: %s", strerror(-err));
	}
	lock_fd = fd;
	lock_depth = 1;
	if (!swept) {
		swept = true;
		xt_pins_sweep();
	}
	return fd;
}

int xt_lock(void)
{
	/* Every command that changes an overlay comes here first. */
	int err = lock_depth ? 0 : xt_privileges_check(true);

	return err ? err : lock_take(true);
}

int xt_lock_try(void)
{
	return lock_take(false);
}

void xt_unlock(int fd)
{
	if (fd < 0 || fd != lock_fd || --lock_depth)
		return;
	close(lock_fd);
	lock_fd = -1;
}
