// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * reconcile_loop FILE_A FILE_B ROUNDS: the reconciler as the fleet agent will call it, in
 * one long-running process: PEERS_ONLY and MANAGED_ONLY, the peers of FILE_A and FILE_B in
 * turn, ROUNDS times. Prints each round's result, then the heap in use after the second
 * round and after the last (glibc's mallinfo2): what a leak per call would make grow.
 * Exits 1 at the first error. Not a test itself: tests/e2e/reconcile_agent.sh runs it.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include "config.h"

static void print_warning(const char *msg)
{
	fprintf(stderr, "reconcile_loop: warning: %s\n", msg);
}

int main(int argc, char **argv)
{
	const unsigned int flags = XT_RECONCILE_PEERS_ONLY | XT_RECONCILE_MANAGED_ONLY;
	struct xt_reconcile_result r;
	struct xt_desired want[2];
	size_t warm = 0;
	int rounds, i;

	if (argc != 4 || (rounds = atoi(argv[3])) < 3) {
		fprintf(stderr, "usage: reconcile_loop FILE_A FILE_B ROUNDS (3 or more)\n");
		return 2;
	}
	xt_set_warn(print_warning);
	for (i = 0; i < 2; i++)
		if (xt_conf_read(argv[1 + i], &want[i])) {
			fprintf(stderr, "reconcile_loop: %s\n", xt_errmsg());
			return 1;
		}
	for (i = 0; i < rounds; i++) {
		if (xt_reconcile(&want[i % 2], flags, &r)) {
			fprintf(stderr, "reconcile_loop: round %d: %s\n", i, xt_errmsg());
			return 1;
		}
		printf("round %d: %d added, %d changed, %d removed, %d unchanged\n", i, r.added,
		       r.changed, r.removed, r.unchanged);
		xt_reconcile_result_free(&r);
		if (i == 1)
			warm = mallinfo2().uordblks;
	}
	printf("heap in use after round 1: %zu bytes, after round %d: %zu bytes\n", warm,
	       rounds - 1, mallinfo2().uordblks);
	xt_desired_free(&want[0]);
	xt_desired_free(&want[1]);
	return 0;
}
