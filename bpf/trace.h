/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Events for `xtunnel trace` (the structs are in xtunnel_shared.h). Each program reports a
 * packet where its fate is counted: its program, reason and peer, and its first bytes, as
 * Cilium's drop and trace notifications do.
 *
 * While nobody traces, a program pays xt_tracing(): one lookup in an array of one entry
 * (which the verifier inlines into a few instructions), one load and one branch. What a
 * trace costs is in global functions (verified once, called only while a trace runs), so
 * the programs do not grow by a copy per call site. bench/progcost measures both against
 * a build without any of it (XT_NO_TRACE).
 *
 * While a trace runs, each CPU keeps a token bucket (xt_trace_cpu): events over the rate,
 * and those the ring buffer has no room for, are counted as lost, never waited for. The
 * tracer renews a lease in xt_trace; past it, the first program that looks turns tracing
 * off, so a tracer that was killed costs the data path a bounded rate of events into a ring
 * buffer nobody reads, for at most the lease.
 */
#ifndef XT_BPF_TRACE_H
#define XT_BPF_TRACE_H

#include "common.h"

static __always_inline struct xt_trace_cfg *xt_trace_cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&xt_trace, &zero);
}

/* The price every packet pays while nobody traces. */
static __always_inline bool xt_tracing(void)
{
#ifdef XT_NO_TRACE
	return false;
#else
	struct xt_trace_cfg *t = xt_trace_cfg();

	return t && t->on;
#endif
}

/* This CPU's state if an event of this reason and peer is wanted now and within the rate,
 * else NULL. *now: the time, CLOCK_MONOTONIC. */
static __always_inline struct xt_trace_cpu *xt_trace_admit(__u32 reason, __u32 peer_id, __u64 *now)
{
	struct xt_trace_cfg *t = xt_trace_cfg();
	struct xt_trace_cpu *c;
	__u64 credit;
	__u32 zero = 0;

	if (!t || !t->on)
		return NULL;
	*now = bpf_ktime_get_ns();
	if (*now > t->lease_end_ns) {
		t->on = 0; /* the tracer stopped renewing: it is gone */
		return NULL;
	}
	if (!(t->flags & XT_TRACE_F_ALL) && reason < XT_FIRST_DROP)
		return NULL;
	if (t->peer_id != XT_TRACE_NO_PEER && t->peer_id != peer_id)
		return NULL;
	c = bpf_map_lookup_elem(&xt_trace_cpu, &zero);
	if (!c)
		return NULL;
	credit = c->credit_ns + (*now - c->last_ns);
	c->last_ns = *now;
	if (credit > t->burst_ns)
		credit = t->burst_ns;
	if (credit < t->cost_ns) {
		c->credit_ns = credit;
		c->lost++;
		return NULL;
	}
	c->credit_ns = credit - t->cost_ns;
	return c;
}

static __always_inline void xt_trace_meta(struct xt_trace_event *ev, __u64 now, __u32 prog,
					  __u32 reason, __u32 peer_id)
{
	ev->time_ns = now;
	ev->prog = prog;
	ev->reason = reason;
	ev->peer_id = peer_id;
}

static __always_inline void xt_trace_send(struct xt_trace_cpu *c)
{
	if (bpf_ringbuf_output(&xt_events, &c->ev, sizeof(c->ev), 0))
		c->lost++;
}

/* How many bytes of a packet of len bytes go into the head. The barrier keeps the value
 * in one register that is compared and then passed on: otherwise clang compares a copy, and
 * the verifier does not see the bound on the one the helper gets. */
static __always_inline __u64 xt_trace_head_len(__u64 len)
{
	__u64 n = len;

	barrier_var(n);
	if (n > XT_TRACE_HEAD_LEN)
		n = XT_TRACE_HEAD_LEN;
	return n;
}

/*
 * The TC programs' event: the packet as it is now (head: what its first bytes are). Global,
 * so the verifier checks it once; it reads the packet and changes nothing in it.
 */
__attribute__((noinline)) int xt_trace_skb(struct __sk_buff *skb, __u32 prog, __u32 reason,
					   __u32 peer_id, __u32 head)
{
	struct xt_trace_cpu *c;
	__u64 now, n = 0;

	c = xt_trace_admit(reason, peer_id, &now);
	if (!c)
		return 0;
	xt_trace_meta(&c->ev, now, prog, reason, peer_id);
	c->ev.len = skb->len;
	if (head != XT_TRACE_HEAD_NONE)
		n = xt_trace_head_len(skb->len);
	if (n && bpf_skb_load_bytes(skb, 0, c->ev.head, n))
		n = 0;
	c->ev.head_len = n;
	c->ev.head_kind = n ? head : XT_TRACE_HEAD_NONE;
	xt_trace_send(c);
	return 0;
}

/* The XDP programs' event, as xt_trace_skb. */
__attribute__((noinline)) int xt_trace_xdp(struct xdp_md *ctx, __u32 prog, __u32 reason,
					   __u32 peer_id, __u32 head)
{
	/* The length from pointers, not from the 32-bit fields: built with 32-bit
	 * subregisters (-mcpu=v3, the L2 objects), clang would spill a packet pointer in 32
	 * bits, which the verifier refuses. */
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data, now, n = 0;
	struct xt_trace_cpu *c;

	c = xt_trace_admit(reason, peer_id, &now);
	if (!c)
		return 0;
	xt_trace_meta(&c->ev, now, prog, reason, peer_id);
	c->ev.len = len;
	if (head != XT_TRACE_HEAD_NONE)
		n = xt_trace_head_len(len);
	if (n && bpf_xdp_load_bytes(ctx, 0, c->ev.head, n))
		n = 0;
	c->ev.head_len = n;
	c->ev.head_kind = n ? head : XT_TRACE_HEAD_NONE;
	xt_trace_send(c);
	return 0;
}

/*
 * Decap changes the packet before its fate is known (decapsulated, forwarded, or failed
 * half-way): the tunnel packet as received is kept first (only if every packet is wanted:
 * a drop trace needs no copy of what is delivered), and the event goes out with the fate
 * (xt_trace_kept). Returns 1 if an event may follow.
 */
__attribute__((noinline)) int xt_trace_keep_skb(struct __sk_buff *skb)
{
	struct xt_trace_cfg *t = xt_trace_cfg();
	struct xt_trace_cpu *c;
	__u32 zero = 0;
	__u64 n = 0;

	c = bpf_map_lookup_elem(&xt_trace_cpu, &zero);
	if (!t || !c)
		return 0;
	if (t->flags & XT_TRACE_F_ALL)
		n = xt_trace_head_len(skb->len);
	if (n && bpf_skb_load_bytes(skb, 0, c->ev.head, n))
		n = 0;
	c->ev.len = skb->len;
	c->ev.head_len = n;
	c->ev.head_kind = n ? XT_TRACE_HEAD_OUTER : XT_TRACE_HEAD_NONE;
	return 1;
}

__attribute__((noinline)) int xt_trace_keep_xdp(struct xdp_md *ctx)
{
	/* From pointers, as xt_trace_xdp. */
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data, n = 0;
	struct xt_trace_cfg *t = xt_trace_cfg();
	__u32 zero = 0;
	struct xt_trace_cpu *c;

	c = bpf_map_lookup_elem(&xt_trace_cpu, &zero);
	if (!t || !c)
		return 0;
	if (t->flags & XT_TRACE_F_ALL)
		n = xt_trace_head_len(len);
	if (n && bpf_xdp_load_bytes(ctx, 0, c->ev.head, n))
		n = 0;
	c->ev.len = len;
	c->ev.head_len = n;
	c->ev.head_kind = n ? XT_TRACE_HEAD_OUTER : XT_TRACE_HEAD_NONE;
	return 1;
}

/* The event of a packet xt_trace_keep_* kept, with its fate. */
__attribute__((noinline)) int xt_trace_kept(__u32 prog, __u32 reason, __u32 peer_id)
{
	struct xt_trace_cpu *c;
	__u64 now;

	c = xt_trace_admit(reason, peer_id, &now);
	if (!c)
		return 0;
	xt_trace_meta(&c->ev, now, prog, reason, peer_id);
	xt_trace_send(c);
	return 0;
}

/* At the place a packet's reason is counted: its event, if someone traces. */
static __always_inline void xt_trace_tc(struct __sk_buff *skb, enum xt_trace_prog prog,
					enum xt_reason reason, __u32 peer_id,
					enum xt_trace_head head)
{
	if (xt_tracing())
		xt_trace_skb(skb, prog, reason, peer_id, head);
}

static __always_inline void xt_trace_xdp_at(struct xdp_md *ctx, enum xt_trace_prog prog,
					    enum xt_reason reason, __u32 peer_id,
					    enum xt_trace_head head)
{
	if (xt_tracing())
		xt_trace_xdp(ctx, prog, reason, peer_id, head);
}

#endif
