/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The neighbour table of an L2 overlay: which MAC an IPv4 or IPv6 address is at, from
 * `neigh add` (static) or from the ARP packets and neighbour advertisements peers send
 * (learned), for suppress.h to answer from.
 *
 * A peer is believed only about the MACs it has in the FDB: an answer that claims another
 * peer's MAC is not learned, or a peer could point our answers at a host it does not own.
 * A learned entry's MAC, flags and padding are its first 8 bytes, written and read as one
 * 64-bit word, so that an answer never mixes two MACs.
 */
#ifndef XT_BPF_NEIGH_H
#define XT_BPF_NEIGH_H

#include "l2.h"
#include "csum.h"
#include "fdb.h"
#include "tunnel.h"

#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2
#define ND_HOP_LIMIT 255 /* RFC 4861 section 7.1: what a router would have lowered */
#define ND_F_SOLICITED 0x40000000
#define ND_OPT_TARGET_LL 2
#define ND_LEN 24    /* the ICMPv6 message of a solicitation or advertisement, no option */
#define ND_OPT_LEN 8 /* a link-layer address option for Ethernet */

/* RFC 4861 sections 4.3 and 4.4. */
struct xt_nd {
	__u8 type;
	__u8 code;
	__be16 check;
	__be32 flags; /* advertisements: R, S, O; solicitations: reserved */
	__u8 target[XT_ADDR_LEN];
};

struct xt_nd_opt_ll {
	__u8 type;
	__u8 len; /* in units of 8 bytes */
	__u8 mac[ETH_ALEN];
};

static __always_inline __u64 xt_neigh_word(const struct xt_neigh *n)
{
	return *(const volatile __u64 *)n;
}

/* The MAC of a live entry for addr (static, or learned and not aged); false: none. */
static __always_inline bool xt_neigh_answer(const __u8 *addr, __u8 *mac)
{
	struct xt_neigh_key key;
	struct xt_neigh *n;
	__u64 w;

	__builtin_memcpy(key.addr, addr, XT_ADDR_LEN);
	n = bpf_map_lookup_elem(&xt_neigh, &key);
	if (!n)
		return false;
	w = xt_neigh_word(n);
	if (!(((const struct xt_neigh *)&w)->flags & XT_L2_STATIC) &&
	    !xt_l2_fresh(n->seen_ns, bpf_ktime_get_ns()))
		return false;
	__builtin_memcpy(mac, &w, ETH_ALEN);
	return true;
}

/* Peer peer_id says addr is at mac: learned, moved from another peer, or refreshed. */
static __always_inline void xt_neigh_put(const struct xt_neigh_key *key, const __u8 *mac,
					 __u32 peer_id, __u64 now)
{
	struct xt_neigh v = { .peer_id = peer_id, .seen_ns = now };
	struct xt_l2_learned *count, *old;
	struct xt_neigh *n;
	__u32 owner;
	__u64 w;

	__builtin_memcpy(v.mac, mac, ETH_ALEN);
	n = bpf_map_lookup_elem(&xt_neigh, key);
	if (!n) {
		count = xt_l2_learned_of(peer_id);
		if (!count || !xt_l2_count_take(&count->neighs))
			return;
		if (bpf_map_update_elem(&xt_neigh, key, &v, BPF_NOEXIST))
			xt_l2_count_give(&count->neighs);
		return;
	}
	w = xt_neigh_word(n);
	owner = n->peer_id;
	if ((((const struct xt_neigh *)&w)->flags & XT_L2_STATIC) || owner == XT_L2_PEER_NONE)
		return;
	if (owner != peer_id) {
		count = xt_l2_learned_of(peer_id);
		if (!count || !xt_l2_count_take(&count->neighs))
			return;
		if (__sync_val_compare_and_swap(&n->peer_id, owner, peer_id) != owner) {
			xt_l2_count_give(&count->neighs);
			return;
		}
		old = xt_l2_learned_of(owner);
		if (old)
			xt_l2_count_give(&old->neighs);
	} else if (xt_mac_eq((const __u8 *)&w, mac) &&
		   (__s64)(now - n->seen_ns) < (__s64)xt_l2_cfg.refresh_ns) {
		return;
	}
	*(volatile __u64 *)n = *(__u64 *)&v;
	n->seen_ns = now;
}

/* An ARP request or reply from a peer (RFC 826): its sender is where its sender address
 * is. Requests too: a gratuitous ARP (RFC 5227 section 3) is a request, and it is how a
 * moved address announces itself. Probes, from 0.0.0.0, say nothing. */
static __always_inline void xt_neigh_learn_arp(const struct xt_arp *arp, __u32 peer_id, __u64 now)
{
	struct xt_neigh_key key;
	__be32 spa;

	if (arp->hrd != bpf_htons(1) || arp->pro != bpf_htons(ETH_P_IP) || arp->hln != ETH_ALEN ||
	    arp->pln != 4 ||
	    (arp->op != bpf_htons(ARPOP_REQUEST) && arp->op != bpf_htons(ARPOP_REPLY)))
		return;
	__builtin_memcpy(&spa, arp->spa, sizeof(spa));
	if (!spa || !xt_fdb_owned_by(arp->sha, peer_id))
		return;
	xt_addr_from_ipv4(key.addr, spa);
	xt_neigh_put(&key, arp->sha, peer_id, now);
}

/* The ICMPv6 checksum of a neighbour discovery message behind ip6, of ND_LEN bytes, or
 * ND_LEN + ND_OPT_LEN with the option opt (NULL: none), is right: the pseudo-header and the
 * message sum to all ones (RFC 4443 section 2.3). The caller has checked that both are in
 * the packet. */
static __always_inline bool xt_nd_check_ok(const struct ipv6hdr *ip6, const struct xt_nd *nd,
					   const struct xt_nd_opt_ll *opt)
{
	__u32 len = ND_LEN + (opt ? ND_OPT_LEN : 0);
	__u64 sum = xt_pseudo6(&ip6->saddr, &ip6->daddr, IPPROTO_ICMPV6, len);

	sum += xt_csum_words(nd, ND_LEN);
	if (opt)
		sum += xt_csum_words(opt, ND_OPT_LEN);
	return xt_csum_fold(sum) == 0xffff;
}

/* A neighbour advertisement from a peer (RFC 4861 section 4.4), bare or with one option,
 * valid as section 7.1.2 asks (hop limit 255, code 0, checksum, no multicast target): its
 * target is at the target link-layer address it gives, or at the frame's source. */
static __always_inline void xt_neigh_learn_na(const struct ethhdr *eth, void *data_end,
					      __u32 peer_id, __u64 now)
{
	const struct ipv6hdr *ip6 = (void *)(eth + 1);
	const struct xt_nd_opt_ll *opt = NULL;
	const struct xt_nd *nd;
	struct xt_neigh_key key;
	const __u8 *mac = eth->h_source;
	__u32 len;

	nd = (void *)(ip6 + 1);
	if ((void *)(nd + 1) > data_end || ip6->version != 6 || ip6->nexthdr != IPPROTO_ICMPV6 ||
	    ip6->hop_limit != ND_HOP_LIMIT)
		return;
	len = bpf_ntohs(ip6->payload_len);
	if (len == ND_LEN + ND_OPT_LEN) {
		opt = (void *)(nd + 1);
		if ((void *)(opt + 1) > data_end)
			return;
		if (opt->type == ND_OPT_TARGET_LL && opt->len == 1)
			mac = opt->mac;
	} else if (len != ND_LEN) {
		return;
	}
	if (nd->type != ICMPV6_NA || nd->code || nd->target[0] == 0xff ||
	    !xt_nd_check_ok(ip6, nd, opt) || !xt_fdb_owned_by(mac, peer_id))
		return;
	__builtin_memcpy(key.addr, nd->target, XT_ADDR_LEN);
	xt_neigh_put(&key, mac, peer_id, now);
}

/* What a decapsulated frame from peer peer_id teaches the neighbour table. eth: the inner
 * Ethernet header, in the packet. Best effort: what cannot be read is not learned. */
static __always_inline void xt_neigh_learn(const struct ethhdr *eth, void *data_end, __u32 peer_id,
					   __u64 now)
{
	if (eth->h_proto == bpf_htons(ETH_P_ARP)) {
		const struct xt_arp *arp = (void *)(eth + 1);

		if ((void *)(arp + 1) <= data_end)
			xt_neigh_learn_arp(arp, peer_id, now);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		xt_neigh_learn_na(eth, data_end, peer_id, now);
	}
}

#endif
