// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The TC programs of an L2 overlay (`attach ... mode l2`): a VTEP whose overlay device a
 * bridge can enslave. xt_l2_encap on the overlay device's egress sends what the bridge (or
 * the host) sends into the overlay to the peer the FDB has for its destination MAC, floods
 * it to every flood peer when the FDB has none (or it is broadcast or multicast), and
 * answers ARP requests and neighbour solicitations the neighbour table can answer.
 * xt_l2_decap_tc on the uplink's ingress delivers what configured peers send to the
 * overlay device's receive side, learning where its source MAC is. xt_l2_ctl is the
 * loader's way to change what counts against peers (include/xtunnel_l2.h). xt_sock_drop
 * (sock.h) is the drop filter on the kernel's vxlan device of VXLAN over IPv6.
 */
/* The encap programs' trace ids are the L2 ones (tc.h). */
#define XT_L2_PROGS
#include "common.h"
#include "l2.h"
#include "ageing.h"
#include "encap.h"
#include "fdb.h"
#include "flood.h"
#include "l2_rx.h"
#include "sock.h"
#include "stats.h"
#include "suppress.h"
#include "tc.h"
#include "trace.h"

/*
 * The frame, as it is, to peer peer_id. An accelerated VLAN tag (a VLAN-aware bridge's)
 * goes into the inner frame, so the inner Ethernet header takes the tag's type; anything
 * but an untagged IPv4 or IPv6 frame takes the way of ARP on the L3 overlays
 * (xt_skb_as_ipv4).
 */
static __always_inline int xt_l2_send(struct __sk_buff *skb, __u32 peer_id,
				      const struct xt_l2_peer *p, enum xt_reason reason)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data, inner;
	struct xt_route r = { .peer_id = peer_id, .port = p->port };
	__u16 proto = 0;
	__u32 hash;

	if ((void *)(eth + 1) > data_end)
		return xt_tc_drop(skb, XT_DROP_MALFORMED);
	__builtin_memcpy(&inner, eth, ETH_HLEN);
	__builtin_memcpy(r.endpoint, p->endpoint, XT_ADDR_LEN);
	if (skb->vlan_present)
		inner.h_proto = (__be16)skb->vlan_proto;
	else if (eth->h_proto == bpf_htons(ETH_P_IP) || eth->h_proto == bpf_htons(ETH_P_IPV6))
		proto = bpf_ntohs(eth->h_proto);
	hash = xt_skb_flow_hash(skb, eth, proto);
	return xt_encap_to(skb, &r, &inner, proto, hash, reason);
}

/* A copy made by xt_replicate, for its peer. */
static __always_inline int xt_l2_send_copy(struct __sk_buff *skb, __u32 peer_id)
{
	struct xt_l2_peer *p = xt_l2_peer(peer_id);

	if (!p) /* the peer went between the clone and now */
		return xt_tc_drop(skb, XT_DROP_ENCAP_FAILED);
	return xt_l2_send(skb, peer_id, p, XT_OK_FLOOD);
}

/* A broadcast, multicast or unknown-unicast frame: to every flood peer. A GSO packet over
 * an IPv6 UDP underlay is segmented first (xt_encap_gso6's segment path): its segments come
 * back to xt_l2_encap_seg one by one and are flooded there, so that no copy is ever handed
 * on whole, to lose its mark on the way. */
static __always_inline int xt_l2_flood(struct __sk_buff *skb)
{
	enum xt_reason reason;
	struct xt_l2_peer *p;
	__u32 last = 0;

	if (xt_udp6() && skb->gso_size) {
		xt_encap_count(skb, XT_OK_SEGMENT, XT_TRACE_NO_PEER, XT_TRACE_HEAD_INNER);
		return TC_ACT_OK;
	}
	reason = xt_replicate(skb, &last);
	if (reason != XT_OK_FLOOD)
		return xt_tc_drop(skb, reason);
	p = xt_l2_peer(last);
	if (!p)
		return xt_tc_drop(skb, XT_DROP_ENCAP_FAILED);
	return xt_l2_send(skb, last, p, XT_OK_FLOOD);
}

static __always_inline int xt_l2_frame(struct __sk_buff *skb)
{
	struct xt_l2_peer *p;
	struct ethhdr *eth;
	__u32 peer_id = 0;
	int verdict;

	xt_tc_pull(skb, XT_ENCAP_PULL_LEN);
	eth = (void *)(long)skb->data;
	if ((void *)(eth + 1) > (void *)(long)skb->data_end)
		return xt_tc_drop(skb, XT_DROP_MALFORMED);
	if (eth->h_dest[0] & 1) {
		__be16 proto = eth->h_proto;

		/* Only what is broadcast or multicast is answered here: a unicast request is
		 * a host checking that its neighbour is still there (RFC 4861 section 7.3.1,
		 * and ARP's the same way), which only that neighbour may answer. A request is
		 * small: what the answers read is pulled whole. */
		xt_tc_pull(skb, XT_PULL_LEN);
		if (proto == bpf_htons(ETH_P_ARP) && xt_arp_answer(skb, &verdict))
			return verdict;
		if (proto == bpf_htons(ETH_P_IPV6) && xt_ns_answer(skb, &verdict))
			return verdict;
		return xt_l2_flood(skb);
	}
	p = xt_fdb_peer(eth->h_dest, &peer_id);
	if (!p)
		return xt_l2_flood(skb);
	return xt_l2_send(skb, peer_id, p, XT_OK_ENCAP);
}

/* Everything the bridge or the host sends into the overlay. Nothing leaves through the
 * device's hidden veth end but what xt_l2_flood hands to the kernel to segment. */
SEC("tc")
int xt_l2_encap(struct __sk_buff *skb)
{
	__u32 peer_id;

	/* Came in on the overlay device and goes out again (a bridge port in hairpin mode):
	 * from one peer to another, never relayed. */
	if (skb->ingress_ifindex == xt_cfg.overlay_ifindex)
		return xt_tc_drop(skb, XT_DROP_RELAY);
	if (xt_flood_copy(skb, &peer_id))
		return xt_l2_send_copy(skb, peer_id);
	return xt_l2_frame(skb);
}

/* The segments of what xt_l2_encap left to the kernel to segment (xt_encap_gso6,
 * xt_l2_flood), on the ingress of the hidden end. */
SEC("tc")
int xt_l2_encap_seg(struct __sk_buff *skb)
{
	if (skb->gso_size)
		return xt_tc_drop(skb, XT_DROP_ENCAP_FAILED); /* offloads back on: fail closed */
	return xt_l2_frame(skb);
}

/* Counted, and traced as the packet was received. */
static __always_inline void xt_l2_decap_tc_count(struct __sk_buff *skb, enum xt_reason reason,
						 __u32 peer_id)
{
	xt_count(reason);
	xt_trace_tc(skb, XT_TRACE_L2_DECAP_TC, reason, peer_id, XT_TRACE_HEAD_OUTER);
}

SEC("tc")
int xt_l2_decap_tc(struct __sk_buff *skb)
{
	struct xt_rx rx = {};
	struct ethhdr eth;
	__u32 segs, len, pull;
	bool traced;
	int verdict;

	/* As xt_decap_tc: the stack took an outer VLAN tag out of the frame, and another
	 * host's frame is the stack's to drop. */
	if (skb->vlan_present) {
		xt_l2_decap_tc_count(skb, XT_PASS_NOT_IP, XT_TRACE_NO_PEER);
		return TC_ACT_UNSPEC;
	}
	if (skb->pkt_type == PACKET_OTHERHOST) {
		xt_l2_decap_tc_count(skb, XT_PASS_OTHER_HOST, XT_TRACE_NO_PEER);
		return TC_ACT_UNSPEC;
	}
	/* Parsed as it comes, as xt_decap_tc does, and pulled only where a header runs past
	 * the linear area. A frame small enough to be an ARP packet or a neighbour
	 * advertisement is pulled whole first: learning from them reads what it can, and does
	 * not ask for more. */
	pull = XT_PULL_LEN + xt_geneve_options_len(skb);
	if (skb->len <= pull)
		xt_tc_pull(skb, pull);
	verdict = xt_l2_rx((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len, &rx);
	if (verdict == XT_RX_NEED) {
		xt_tc_pull(skb, pull);
		__builtin_memset(&rx, 0, sizeof(rx));
		verdict = xt_l2_rx((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len,
				   &rx);
		if (verdict == XT_RX_NEED)
			verdict = xt_tc_unreadable(&rx);
	}
	if (verdict != XT_RX_DECAP) {
		xt_l2_decap_tc_count(skb, rx.reason, xt_rx_peer(&rx));
		return verdict == XT_RX_PASS ? TC_ACT_UNSPEC : TC_ACT_SHOT;
	}
	/* The packet changes from here on: a trace keeps it as it came. */
	traced = xt_tracing() && xt_trace_keep_skb(skb);
	len = skb->len - rx.outer_len;
	if (len < xt_l2_min_inner(rx.inner_proto)) {
		len = ETH_ZLEN;
		if (bpf_skb_change_tail(skb, rx.outer_len + len, 0))
			goto fail;
	}
	/* After: bpf_skb_change_tail takes the GSO state with it. */
	segs = xt_tc_segments(skb);
	/* The outer IP and tunnel headers and the inner Ethernet header go, and the inner
	 * Ethernet header takes the outer one's place. */
	if (bpf_skb_load_bytes(skb, rx.outer_len, &eth, sizeof(eth)) ||
	    xt_tc_strip(skb, rx.outer_len, &eth, rx.inner_proto))
		goto fail;
	xt_count(XT_OK_DECAP);
	xt_count_rx(rx.peer_id, segs, len);
	if (traced)
		xt_trace_kept(XT_TRACE_L2_DECAP_TC, XT_OK_DECAP, rx.peer_id);
	return bpf_redirect(xt_cfg.overlay_ifindex, BPF_F_INGRESS);
fail:
	xt_count(XT_DROP_DECAP_FAILED);
	xt_count_peer_drop(rx.peer_id, XT_DROP_DECAP_FAILED);
	if (traced)
		xt_trace_kept(XT_TRACE_L2_DECAP_TC, XT_DROP_DECAP_FAILED, rx.peer_id);
	return TC_ACT_SHOT;
}

/*
 * The loader's changes to the tables, made here so that they count as the data path
 * counts: an entry that counts against a peer is taken first (xt_l2_take), and only then
 * replaced or deleted, its count given back. -EAGAIN: another CPU is changing that entry
 * right now (learning, moving, ageing it); the loader tries again.
 */

/* A learned entry's peer: taken, its count (macs or neighs) given back. */
static __always_inline int xt_ctl_take(__u32 *peer_id, bool neigh)
{
	__u32 owner = *peer_id;
	struct xt_l2_learned *count;

	if (!xt_l2_take(peer_id, owner))
		return -EAGAIN;
	count = xt_l2_learned_of(owner);
	if (count)
		xt_l2_count_give(neigh ? &count->neighs : &count->macs);
	return 0;
}

/* Puts value (static) under key: in place of a learned entry, or new. */
static __always_inline int xt_ctl_put_static(void *map, const void *key, const void *value,
					     __u32 *learned_owner, bool neigh)
{
	long err;

	if (learned_owner && xt_ctl_take(learned_owner, neigh))
		return -EAGAIN;
	err = bpf_map_update_elem(map, key, value, learned_owner ? BPF_ANY : BPF_NOEXIST);
	return err == -EEXIST ? -EAGAIN : (int)err;
}

static __always_inline int xt_ctl_fdb_add(struct xt_l2_ctl *c)
{
	struct xt_fdb v = { .peer_id = c->peer_id, .flags = XT_L2_STATIC };
	struct xt_fdb_key key = {};
	struct xt_fdb *e;

	if (!xt_mac_is_station(c->mac) || !xt_l2_peer(c->peer_id))
		return -EINVAL;
	__builtin_memcpy(key.mac, c->mac, ETH_ALEN);
	e = bpf_map_lookup_elem(&xt_fdb, &key);
	if (e && (e->flags & XT_L2_STATIC))
		return bpf_map_update_elem(&xt_fdb, &key, &v, BPF_EXIST) ? -EAGAIN : 0;
	return xt_ctl_put_static(&xt_fdb, &key, &v, e ? &e->peer_id : NULL, false);
}

static __always_inline int xt_ctl_fdb_del(struct xt_l2_ctl *c)
{
	struct xt_fdb_key key = {};
	struct xt_fdb *e;

	__builtin_memcpy(key.mac, c->mac, ETH_ALEN);
	e = bpf_map_lookup_elem(&xt_fdb, &key);
	if (!e)
		return -ENOENT;
	if (!(e->flags & XT_L2_STATIC) && xt_ctl_take(&e->peer_id, false))
		return -EAGAIN;
	if (bpf_map_delete_elem(&xt_fdb, &key))
		return -EAGAIN;
	c->removed = 1;
	return 0;
}

static __always_inline int xt_ctl_neigh_add(struct xt_l2_ctl *c)
{
	/* Filled field by field: an initialised const struct would be a constant of its own
	 * in .rodata, making the section larger than the skeleton's view of it, which the
	 * loader reads as another build's layout (loader/overlay.c). */
	struct xt_neigh v = {};
	struct xt_neigh_key key;
	struct xt_neigh *n;

	if (!xt_mac_is_station(c->mac))
		return -EINVAL;
	v.peer_id = XT_L2_PEER_NONE;
	v.flags = XT_L2_STATIC;
	__builtin_memcpy(v.mac, c->mac, ETH_ALEN);
	__builtin_memcpy(key.addr, c->addr, XT_ADDR_LEN);
	n = bpf_map_lookup_elem(&xt_neigh, &key);
	if (n && (n->flags & XT_L2_STATIC))
		return bpf_map_update_elem(&xt_neigh, &key, &v, BPF_EXIST) ? -EAGAIN : 0;
	return xt_ctl_put_static(&xt_neigh, &key, &v, n ? &n->peer_id : NULL, true);
}

static __always_inline int xt_ctl_neigh_del(struct xt_l2_ctl *c)
{
	struct xt_neigh_key key;
	struct xt_neigh *n;

	__builtin_memcpy(key.addr, c->addr, XT_ADDR_LEN);
	n = bpf_map_lookup_elem(&xt_neigh, &key);
	if (!n)
		return -ENOENT;
	if (!(n->flags & XT_L2_STATIC) && xt_ctl_take(&n->peer_id, true))
		return -EAGAIN;
	if (bpf_map_delete_elem(&xt_neigh, &key))
		return -EAGAIN;
	c->removed = 1;
	return 0;
}

/* Every entry of a peer that is gone (from xt_peers and xt_l2_peers first, so that
 * nothing learns for it meanwhile), and its counts back to zero for the next peer that
 * gets its id. */
static __always_inline int xt_ctl_peer_forget(struct xt_l2_ctl *c)
{
	struct xt_sweep s = { .now = bpf_ktime_get_ns(), .peer_id = c->peer_id };
	struct xt_l2_learned *count;

	if (c->peer_id == XT_L2_PEER_NONE)
		return -EINVAL;
	c->removed = xt_l2_sweep(&s);
	count = xt_l2_learned_of(c->peer_id);
	if (count) {
		count->macs = 0;
		count->neighs = 0;
	}
	return 0;
}

SEC("syscall")
int xt_l2_ctl(struct xt_l2_ctl *ctx)
{
	struct xt_sweep s = { .now = bpf_ktime_get_ns(), .peer_id = XT_L2_PEER_NONE };
	struct xt_l2_ctl c;
	int err;

	/* Worked on as a copy: the verifier lets a syscall program read its context only at
	 * fixed offsets, not hand out pointers into it. */
	__builtin_memcpy(&c, ctx, sizeof(c));
	c.removed = 0;
	switch (c.op) {
	case XT_L2_FDB_ADD:
		err = xt_ctl_fdb_add(&c);
		break;
	case XT_L2_FDB_DEL:
		err = xt_ctl_fdb_del(&c);
		break;
	case XT_L2_NEIGH_ADD:
		err = xt_ctl_neigh_add(&c);
		break;
	case XT_L2_NEIGH_DEL:
		err = xt_ctl_neigh_del(&c);
		break;
	case XT_L2_PEER_FORGET:
		err = xt_ctl_peer_forget(&c);
		break;
	case XT_L2_SWEEP:
		c.removed = xt_l2_sweep(&s);
		err = 0;
		break;
	default:
		err = -EINVAL;
	}
	ctx->result = err;
	ctx->removed = c.removed;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
