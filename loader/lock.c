// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one lock of the commands that change an overlay (lock.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "errmsg.h"
#include "lock.h"
#include "privileges.h"

#define XT_RUN_DIR "/run/xtunnel"

/* The lock is held once per process: a command run inside a batch, which holds it for the
 * whole batch, takes it again without blocking on itself (flock locks belong to an open
 * file, and a second open of the lock file would wait for the first). */
static int lock_fd = -1, lock_depth;

int xt_lock(void)
{
	int fd;

	if (lock_depth) {
		lock_depth++;
		return lock_fd;
	}
	/* Every command that changes an overlay comes here first. */
	fd = xt_privileges_check(true);
	if (fd)
		return fd;
	if (mkdir(XT_RUN_DIR, 0700) && errno != EEXIST)
		return xt_err(-errno, "creating " XT_RUN_DIR ": %s", strerror(errno));
	fd = open(XT_RUN_DIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return xt_err(-errno, "opening " XT_RUN_DIR "/lock: %s", strerror(errno));
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		return xt_err(err, "locking " XT_RUN_DIR "/lock: %s", strerror(-err));
	}
	lock_fd = fd;
	lock_depth = 1;
	return fd;
}

void xt_unlock(int fd)
{
	if (fd < 0 || fd != lock_fd || --lock_depth)
		return;
	close(lock_fd);
	lock_fd = -1;
}
