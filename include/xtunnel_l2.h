/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Types of the L2 overlays (`attach ... mode l2`) that the BPF programs (bpf/l2.h) and
 * userspace share: the FDB (MAC -> peer), the neighbour table for ARP and ND suppression
 * (address -> MAC), the peers by id, their learned-entry counts, the flood list, and the
 * control commands the loader runs through xt_l2_ctl. Fixed-width, explicitly padded, each
 * with a size assertion, as in xtunnel_shared.h; addresses are 16 bytes, IPv4 mapped.
 *
 * Learned entries belong to the peer they were learned from (peer_id) and count against
 * it (struct xt_l2_learned). Who changes an entry that counts first takes it with a
 * compare-and-swap of peer_id (to another peer, or to XT_L2_PEER_NONE when it is to go),
 * so that the data path, the ageing sweep and the loader's commands never count one entry
 * twice: an entry whose peer_id is XT_L2_PEER_NONE belongs to whoever is removing it and
 * is left alone by everyone else.
 */
#ifndef XTUNNEL_L2_H
#define XTUNNEL_L2_H

#include "xtunnel_shared.h"

#define XT_L2_DEFAULT_MAX_MACS 1024   /* learned MACs per peer (and neighbour entries) */
#define XT_L2_DEFAULT_AGEING 300      /* seconds, as the kernel's bridge and vxlan */
#define XT_L2_MAX_MACS_LIMIT 65536    /* the most max-macs can be */
#define XT_L2_AGEING_LIMIT 1000000    /* the longest ageing, in seconds */
#define XT_L2_DEFAULT_MAX_FDB 65536   /* FDB entries, static and learned */
#define XT_L2_DEFAULT_MAX_NEIGH 65536 /* neighbour entries, static and learned */
#define XT_L2_MAX_FLOOD 1024	      /* peers a frame to flood is replicated to */
#define XT_L2_PEER_NONE 0xffffffffu   /* no peer: static neighbour entries, removals */
/* A learned entry's time is written again at most this often, not with every packet. */
#define XT_L2_REFRESH_NS 1000000000ull
/* The ageing sweep runs at most this often. */
#define XT_L2_SWEEP_NS 1000000000ull

/* rodata of the L2 programs, next to struct xt_config; set by the loader before load. */
struct xt_l2_config {
	__u64 ageing_ns;  /* learned entries older than this are gone; 0: never */
	__u64 refresh_ns; /* write a learned entry's time again after this */
	/* Random, per load: marks the copies of a frame to flood in skb->cb (bpf/flood.h).
	 * 0 is no cookie, and nothing is replicated. */
	__u64 cookie;
	__u32 max_macs; /* learned MACs, and learned neighbour entries, per peer */
	__u32 pad;
};
_Static_assert(sizeof(struct xt_l2_config) == 32, "xt_l2_config layout");

/* xt_fdb: MAC -> peer. */
struct xt_fdb_key {
	__u8 mac[6];
	__u16 pad;
};
_Static_assert(sizeof(struct xt_fdb_key) == 8, "xt_fdb_key layout");

#define XT_L2_STATIC 0x1 /* added by the user: never learned over, never aged */

struct xt_fdb {
	__u32 peer_id; /* XT_L2_PEER_NONE: being removed */
	__u8 flags;    /* XT_L2_STATIC */
	__u8 pad[3];
	__u64 seen_ns; /* learned: when a frame from it was last seen (bpf_ktime_get_ns) */
};
_Static_assert(sizeof(struct xt_fdb) == 16, "xt_fdb layout");

/* xt_neigh: IPv4 (mapped) or IPv6 address -> MAC, for ARP and ND suppression. */
struct xt_neigh_key {
	__u8 addr[XT_ADDR_LEN];
};
_Static_assert(sizeof(struct xt_neigh_key) == 16, "xt_neigh_key layout");

struct xt_neigh {
	__u8 mac[6];
	__u8 flags; /* XT_L2_STATIC */
	__u8 pad;
	__u32 peer_id; /* learned: the peer the answer came from; static: XT_L2_PEER_NONE */
	__u32 pad2;
	__u64 seen_ns;
};
_Static_assert(sizeof(struct xt_neigh) == 24, "xt_neigh layout");

/* xt_l2_peers: array, peer id -> where its frames go. */
#define XT_L2_PEER_ACTIVE 0x1 /* the id is a peer's */
#define XT_L2_PEER_FLOOD 0x2  /* frames to flood go to it (also in xt_flood) */

struct xt_l2_peer {
	__u8 endpoint[XT_ADDR_LEN];
	__u16 port; /* the peer's UDP destination port */
	__u8 flags; /* XT_L2_PEER_* */
	__u8 pad;
};
_Static_assert(sizeof(struct xt_l2_peer) == 20, "xt_l2_peer layout");

/* xt_l2_learned: array, peer id -> how many learned entries count against it. */
struct xt_l2_learned {
	__u32 macs;
	__u32 neighs;
};
_Static_assert(sizeof(struct xt_l2_learned) == 8, "xt_l2_learned layout");

/* xt_flood: one element, the peers with flood on. As xt_lens: the loader fills the list
 * not in use, then flips cur, so a reader never sees a list half written. */
struct xt_flood_list {
	__u32 n;
	__u32 ids[XT_L2_MAX_FLOOD];
};

struct xt_flood {
	struct xt_flood_list list[2];
	__u32 cur;
	__u32 pad;
};
_Static_assert(sizeof(struct xt_flood) == 2 * 4 * (XT_L2_MAX_FLOOD + 1) + 8, "xt_flood layout");

/* xt_l2_state: one element, the data path's own. */
struct xt_l2_state {
	__u64 next_sweep_ns; /* the ageing sweep is due then */
};
_Static_assert(sizeof(struct xt_l2_state) == 8, "xt_l2_state layout");

/* What xt_l2_ctl, a BPF_PROG_TYPE_SYSCALL program the loader runs with BPF_PROG_TEST_RUN,
 * does: the changes that must count as the data path counts (see the top). */
enum xt_l2_op {
	XT_L2_FDB_ADD = 1,     /* mac -> peer_id, static; a learned entry's count is undone */
	XT_L2_FDB_DEL = 2,     /* mac */
	XT_L2_NEIGH_ADD = 3,   /* addr -> mac, static */
	XT_L2_NEIGH_DEL = 4,   /* addr */
	XT_L2_PEER_FORGET = 5, /* every entry of peer_id, static or learned; its counts zero */
	XT_L2_SWEEP = 6,       /* the ageing sweep, now */
};

struct xt_l2_ctl {
	__u32 op;      /* enum xt_l2_op */
	__u32 peer_id; /* FDB_ADD, PEER_FORGET */
	__u8 mac[6];   /* FDB_ADD, FDB_DEL, NEIGH_ADD */
	__u8 pad[2];
	__u8 addr[XT_ADDR_LEN]; /* NEIGH_ADD, NEIGH_DEL */
	__s32 result;		/* out: 0 or -errno */
	__u32 removed;		/* out: entries removed (FDB_DEL, NEIGH_DEL, PEER_FORGET, SWEEP) */
};
_Static_assert(sizeof(struct xt_l2_ctl) == 40, "xt_l2_ctl layout");

#endif /* XTUNNEL_L2_H */
