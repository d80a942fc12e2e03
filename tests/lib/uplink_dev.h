/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* An uplink for BPF_PROG_TEST_RUN's TC runs: see uplink_dev.c. */
#ifndef XT_TEST_UPLINK_DEV_H
#define XT_TEST_UPLINK_DEV_H

#include <stdint.h>

/* The ifindex of a device whose MAC is mac, in a network namespace of this process's own;
 * -errno if it cannot be made. The first call makes both, and fixes the MAC. */
int test_uplink_dev(const uint8_t mac[6]);

#endif
