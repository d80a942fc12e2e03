// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The capabilities a command needs, checked once, before anything else, so that a
 * command without them says so instead of failing somewhere on the way, or worse, not
 * failing: without CAP_SYS_ADMIN the kernel hides every program from
 * BPF_PROG_GET_FD_BY_ID, and an overlay found through its program looks like no overlay
 * at all (`show` printed nothing and exited 0).
 *
 * - Reading (show): CAP_SYS_ADMIN. Overlays are found through their programs, and the
 *   kernel opens a program or a map by id, or walks the ids, only for CAP_SYS_ADMIN
 *   (kernel/bpf/syscall.c); that also passes every other bpf() check (bpf_capable() is
 *   CAP_BPF or CAP_SYS_ADMIN, since 5.8).
 * - Changing: CAP_NET_ADMIN too, for devices, routes, TC and XDP; and CAP_BPF, which
 *   CAP_SYS_ADMIN stands in for.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "errmsg.h"
#include "privileges.h"

#ifndef CAP_BPF
#define CAP_BPF 39 /* kernel 5.8 */
#endif

/* Whether cap is in the effective set. capget(2) directly: two words of bits, no library. */
static bool cap_effective(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1u << (cap % 32));
}

int xt_privileges_check(bool change)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};
	static bool passed[2]; /* by change */
	const char *lacks[3];
	int n = 0;

	if (passed[change])
		return 0;
	if (syscall(SYS_capget, &header, data))
		return xt_err(-errno, "reading this process's capabilities: %s", strerror(errno));
	if (change && !cap_effective(data, CAP_SYS_ADMIN) && !cap_effective(data, CAP_BPF))
		lacks[n++] = "CAP_BPF";
	if (change && !cap_effective(data, CAP_NET_ADMIN))
		lacks[n++] = "CAP_NET_ADMIN";
	if (!cap_effective(data, CAP_SYS_ADMIN))
		lacks[n++] = "CAP_SYS_ADMIN";
	if (n)
		return xt_err(-EPERM, "needs root: this process lacks %s%s%s%s%s", lacks[0],
			      n == 3   ? ", "
			      : n == 2 ? " and "
				       : "",
			      n > 1 ? lacks[1] : "", n == 3 ? " and " : "", n == 3 ? lacks[2] : "");
	passed[change] = true;
	return 0;
}
