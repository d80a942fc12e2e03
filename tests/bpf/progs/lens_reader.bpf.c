// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test programs for the lists of prefix lengths (include/xtunnel_shared.h, xt_lens) that
 * loader/routes.c publishes while the data path reads them (tests/bpf/lens_race.c):
 * - lens_lookups: many longest-prefix lookups of one address through the data path's own
 *   code (bpf/route.h), counting those that did not find the expected peer;
 * - lens_slow_reader: a reader caught at the worst moment, the data path's own reads
 *   (cur, then the list cur names) followed by a long wait, as if it were interrupted there;
 *   it reports whether the list it read changed under it.
 */
#include "common.h"
#include "route.h"

#define WAIT_ROUNDS 16 /* of 2^23 checks of writer_done */

/* Set by the test; read and written through the skeleton's mmap of .bss. */
__u8 lookup_addr[XT_ADDR_LEN];
__u32 expected_peer;
__u64 lookups, wrong;
__u32 reader_holds, writer_done, writer_ready;
__u32 seen_n, seen_len[XT_MAX_LENS];
__u32 now_n, now_len[XT_MAX_LENS];

static long one_lookup(__u32 i, void *ctx)
{
	struct xt_route *r = xt_route_lookup(lookup_addr);

	lookups++;
	if (!r || r->peer_id != expected_peer)
		wrong++;
	return 0;
}

SEC("tc")
int lens_lookups(struct __sk_buff *skb)
{
	bpf_loop(1000, one_lookup, NULL, 0);
	return TC_ACT_OK;
}

static long wait_for_writer(__u32 i, void *ctx)
{
	return *(volatile __u32 *)&writer_done ? 1 : 0;
}

static long wait_longer(__u32 i, void *ctx)
{
	bpf_loop(1 << 23, wait_for_writer, NULL, 0);
	return *(volatile __u32 *)&writer_done ? 1 : 0;
}

SEC("tc")
int lens_slow_reader(struct __sk_buff *skb)
{
	struct xt_len_list *list;
	struct xt_lens *lens;
	__u32 zero = 0, i;

	lens = bpf_map_lookup_elem(&xt_lens, &zero);
	if (!lens)
		return TC_ACT_SHOT;
	list = &lens->list[lens->cur & 1];
	seen_n = list->n;
	for (i = 0; i < XT_MAX_LENS; i++)
		seen_len[i] = list->len[i];
	*(volatile __u32 *)&reader_holds = 1;
	/* About half a second at most: the writer is done well before, unless it waits for
	 * this program to end. */
	bpf_loop(WAIT_ROUNDS, wait_longer, NULL, 0);
	now_n = list->n;
	for (i = 0; i < XT_MAX_LENS; i++)
		now_len[i] = list->len[i];
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
