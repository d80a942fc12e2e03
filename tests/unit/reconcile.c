// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of the reconciler's pure half (state/plan.h): the checks of a state as it will
 * be, and the plan, the loader calls from what runs to what is wanted, in their order.
 * States are built here by hand; each expected plan is written out as text, one step a
 * line ("set b allowed=10.2.0.0/16 move"), from what the order must be (plan.h), not from
 * what the code printed.
 */
#include <errno.h>
#include <stdlib.h>
#include "unit.h"
#include "plan.h"

#define MAX_PEERS 8

struct fixture {
	struct xt_overlay_spec ov; /* as it will be: show's shape */
	struct xt_overlay_state run;
	struct xt_peer_state run_peers[MAX_PEERS];
	struct xt_desired want;
	struct xt_peer_spec want_peers[MAX_PEERS];
	struct xt_overlay_state other;
	struct xt_peer_state other_peers[MAX_PEERS];
	unsigned int flags;
	struct xt_plan plan;
	char text[4096];
};

static struct xt_overlay_spec overlay(void)
{
	struct xt_overlay_spec o = {};

	snprintf(o.dev, IF_NAMESIZE, "xt0");
	snprintf(o.uplink, IF_NAMESIZE, "eth0");
	o.has = XT_OV_UPLINK | XT_OV_ENCAP | XT_OV_VNI | XT_OV_PORT | XT_OV_LOCAL | XT_OV_ADDRS |
		XT_OV_MTU | XT_OV_RX | XT_OV_XDP_MODE | XT_OV_MAX_PEERS | XT_OV_MAX_ROUTES |
		XT_OV_FORWARD_FROM;
	o.encap = XT_ENCAP_VXLAN;
	o.vni = 1;
	o.port = 4789;
	o.local = ip4(192, 0, 2, 1);
	o.addrs[0] = pfx(ip4(10, 0, 0, 1), 24);
	o.n_addrs = 1;
	o.mtu = 1450;
	o.rx = XT_RX_AUTO;
	o.xdp_mode = XT_XDP_NATIVE;
	o.max_peers = MAX_PEERS;
	o.max_routes = 64;
	return o;
}

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->ov = overlay();
	f->run.spec = f->ov;
	f->run.peers = f->run_peers;
	f->want.overlay = f->ov;
	f->want.peers = f->want_peers;
	f->other.spec = f->ov;
	snprintf(f->other.spec.dev, IF_NAMESIZE, "xt1");
	f->other.peers = f->other_peers;
}

/* A peer: name, the last octet of its endpoint 192.0.2.X, its port, prefixes "a,b". */
static void peer_set(struct xt_peer_spec *p, const char *name, uint8_t host, uint16_t port,
		     const char *allowed)
{
	char list[256], *item, *save = NULL;
	struct xt_prefix prefix;

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->endpoint = ip4(192, 0, 2, host);
	p->port = port;
	p->has = XT_PEER_ENDPOINT | XT_PEER_ALLOWED | XT_PEER_FLAGS;
	snprintf(list, sizeof(list), "%s", allowed);
	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		assert_int_equal(xt_parse_prefix(item, &prefix), 0);
		assert_int_equal(xt_peer_spec_allow(p, &prefix), 0);
	}
}

/* Running peers must come sorted by name, as show returns them. */
static struct xt_peer_spec *run_peer(struct fixture *f, const char *name, uint8_t host,
				     const char *allowed)
{
	struct xt_peer_state *p = &f->run_peers[f->run.n_peers];

	p->id = (uint32_t)f->run.n_peers++;
	peer_set(&p->spec, name, host, 4789, allowed);
	return &p->spec;
}

static struct xt_peer_spec *want_peer(struct fixture *f, const char *name, uint8_t host,
				      const char *allowed)
{
	struct xt_peer_spec *p = &f->want_peers[f->want.n_peers++];

	peer_set(p, name, host, 0, allowed);
	p->has &= ~(uint32_t)XT_PEER_FLAGS; /* a file says no flags: none */
	return p;
}

static void fixture_free(struct fixture *f)
{
	int i;

	xt_plan_free(&f->plan);
	for (i = 0; i < f->run.n_peers; i++)
		xt_peer_spec_free(&f->run_peers[i].spec);
	for (i = 0; i < f->want.n_peers; i++)
		xt_peer_spec_free(&f->want_peers[i]);
	for (i = 0; i < f->other.n_peers; i++)
		xt_peer_spec_free(&f->other_peers[i].spec);
}

static void text_prefixes(char *buf, size_t len, const struct xt_prefix *list, int n)
{
	char p[INET6_ADDRSTRLEN + 4];
	int i;

	for (i = 0; i < n; i++) {
		xt_format_prefix(&list[i], p, sizeof(p));
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? "," : "", p);
	}
}

/* The plan as text, one step a line. */
static const char *plan_text(struct fixture *f)
{
	static const char *const kinds[] = { "settings", "del", "set", "add" };
	char *t = f->text, ep[INET6_ADDRSTRLEN + 8];
	size_t len = sizeof(f->text);
	int i, j;

	t[0] = '\0';
	for (i = 0; i < f->plan.n_steps; i++) {
		const struct xt_step *s = &f->plan.steps[i];
		const struct xt_overlay_spec *o = &s->settings;

		snprintf(t + strlen(t), len - strlen(t), "%s%s", i ? "\n" : "", kinds[s->kind]);
		if (s->kind != XT_STEP_SETTINGS)
			snprintf(t + strlen(t), len - strlen(t), " %s", s->peer.name);
		if (s->kind == XT_STEP_SETTINGS && (o->has & XT_OV_ADDRS)) {
			strcat(t, " address=");
			text_prefixes(t, len, o->addrs, o->n_addrs);
		}
		if (s->kind == XT_STEP_SETTINGS && (o->has & XT_OV_MTU))
			snprintf(t + strlen(t), len - strlen(t), " mtu=%u", o->mtu);
		if (s->kind == XT_STEP_SETTINGS && (o->has & XT_OV_FORWARD_FROM)) {
			strcat(t, " forward-from=");
			for (j = 0; j < o->n_forward; j++)
				snprintf(t + strlen(t), len - strlen(t), "%s%s", j ? "," : "",
					 o->forward_from[j]);
		}
		if (s->peer.has & XT_PEER_ENDPOINT) {
			xt_format_endpoint(&s->peer.endpoint, s->peer.port, ep, sizeof(ep));
			snprintf(t + strlen(t), len - strlen(t), " endpoint=%s", ep);
		}
		if (s->peer.has & XT_PEER_FLAGS)
			snprintf(t + strlen(t), len - strlen(t), " flags=%u", s->peer.flags);
		if (s->peer.has & XT_PEER_ALLOWED) {
			strcat(t, " allowed=");
			text_prefixes(t, len, s->peer.allowed, s->peer.n_allowed);
		}
		if (s->flags & XT_PEER_MOVE)
			strcat(t, " move");
	}
	return t;
}

static int make(struct fixture *f, bool running)
{
	struct xt_plan_input in = {
		.running = running ? &f->run : NULL,
		.want = &f->want,
		.overlay = &f->ov,
		.others = &f->other,
		.n_others = f->other.n_peers ? 1 : 0,
		.flags = f->flags,
	};

	xt_plan_free(&f->plan);
	return xt_plan_make(&in, &f->plan);
}

#define assert_plan(f, want)                                                                       \
	do {                                                                                       \
		if (make(f, true))                                                                 \
			fail_because("refused: %s", xt_errmsg());                                  \
		if (strcmp(plan_text(f), want))                                                    \
			fail_because("plan:\n%s\nexpected:\n%s", (f)->text, want);                 \
	} while (0)

#define assert_plan_refused(f, fragment)                                                           \
	do {                                                                                       \
		if (!make(f, true))                                                                \
			fail_because("planned:\n%s", plan_text(f));                                \
		if (!xt_err_is_input() || !strstr(xt_errmsg(), fragment))                          \
			fail_because("said \"%s\", expected \"%s\"", xt_errmsg(), fragment);       \
	} while (0)

static void unchanged_peers_get_no_step(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16,10.11.0.0/16");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	/* The same, in another order, a list in another order, the port left to the
	 * overlay's. */
	want_peer(&f, "b", 3, "10.2.0.0/16");
	want_peer(&f, "a", 2, "10.11.0.0/16,10.1.0.0/16");
	assert_plan(&f, "");
	assert_int_equal(f.plan.result.unchanged, 2);
	assert_int_equal(f.plan.result.n_peers, 0);
	fixture_free(&f);
}

static void changes_go_in_place_in_their_order(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	run_peer(&f, "c", 4, "10.3.0.0/16");
	run_peer(&f, "e", 7, "10.5.0.0/16,10.6.0.0/16");
	want_peer(&f, "a", 2, "10.1.0.0/16,10.11.0.0/16");
	want_peer(&f, "b", 5, "10.2.0.0/16");
	want_peer(&f, "d", 6, "10.4.0.0/16");
	want_peer(&f, "e", 7, "10.6.0.0/16");
	assert_plan(&f, "del c\n"
			"set e allowed=10.6.0.0/16\n"
			"set b endpoint=192.0.2.5\n"
			"set a allowed=10.1.0.0/16,10.11.0.0/16\n"
			"add d endpoint=192.0.2.6 flags=0 allowed=10.4.0.0/16");
	assert_int_equal(f.plan.result.added, 1);
	assert_int_equal(f.plan.result.changed, 3);
	assert_int_equal(f.plan.result.removed, 1);
	assert_int_equal(f.plan.result.unchanged, 0);
	assert_int_equal(f.plan.result.n_peers, 5);
	assert_int_equal(f.plan.result.peers[0].op, XT_PEER_REMOVED);
	assert_string_equal(f.plan.result.peers[0].name, "c");
	assert_int_equal(f.plan.result.peers[2].what, XT_PEER_ENDPOINT);
	assert_string_equal(f.plan.result.peers[2].name, "b");
	fixture_free(&f);
}

/* A prefix one peer gives to another whole stays with the giver until the taker takes it in
 * one map update: no moment without an owner. */
static void a_prefix_moves_whole_in_one_step(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16,10.9.0.0/16");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	want_peer(&f, "a", 2, "10.1.0.0/16");
	want_peer(&f, "b", 3, "10.2.0.0/16,10.9.0.0/16");
	assert_plan(&f, "set b allowed=10.2.0.0/16,10.9.0.0/16 move");
	/* To a new peer, the same. */
	fixture_free(&f);
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16,10.9.0.0/16");
	want_peer(&f, "a", 2, "10.1.0.0/16");
	want_peer(&f, "c", 4, "10.9.0.0/16");
	assert_plan(&f, "add c endpoint=192.0.2.4 flags=0 allowed=10.9.0.0/16 move");
	fixture_free(&f);
}

/* Two peers swap prefixes: the first keeps what the second takes until it takes it. */
static void two_peers_swap_prefixes(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	want_peer(&f, "a", 2, "10.2.0.0/16");
	want_peer(&f, "b", 3, "10.1.0.0/16");
	assert_plan(&f, "set a allowed=10.2.0.0/16,10.1.0.0/16 move\n"
			"set b allowed=10.1.0.0/16 move");
	fixture_free(&f);
}

/* A prefix that is not taken whole (a part of it goes elsewhere) goes first, then the part
 * comes: never two owners of an overlap. */
static void a_peer_shrinks_before_another_grows(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.8.0.0/13");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	want_peer(&f, "a", 2, "");
	want_peer(&f, "b", 3, "10.2.0.0/16,10.9.0.0/16");
	assert_plan(&f, "set a allowed=\n"
			"set b allowed=10.2.0.0/16,10.9.0.0/16");
	fixture_free(&f);
}

/* An endpoint another peer leaves is taken after it left. */
static void endpoints_move_along_their_chain(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	run_peer(&f, "c", 4, "10.3.0.0/16");
	want_peer(&f, "a", 3, "10.1.0.0/16");
	want_peer(&f, "b", 4, "10.2.0.0/16");
	want_peer(&f, "c", 9, "10.3.0.0/16")->port = 4790;
	assert_plan(&f, "set c endpoint=192.0.2.9:4790\n"
			"set b endpoint=192.0.2.4\n"
			"set a endpoint=192.0.2.3");
	/* The same endpoint on another port is no move of the address. */
	f.want_peers[2].endpoint = ip4(192, 0, 2, 4);
	f.want_peers[1].endpoint = ip4(192, 0, 2, 9);
	assert_plan(&f, "set b endpoint=192.0.2.9\n"
			"set a endpoint=192.0.2.3\n"
			"set c endpoint=192.0.2.4:4790");
	fixture_free(&f);
}

static void peers_that_swap_endpoints_are_refused(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16");
	run_peer(&f, "b", 3, "10.2.0.0/16");
	want_peer(&f, "a", 3, "10.1.0.0/16");
	want_peer(&f, "b", 2, "10.2.0.0/16");
	assert_plan_refused(&f, "peers a and b would take each other's endpoint");
	fixture_free(&f);
}

/* A peer renamed is one that goes and one that comes: the endpoint is free first. */
static void peers_go_before_others_come(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16");
	want_peer(&f, "z", 2, "10.1.0.0/16");
	assert_plan(&f, "del a\nadd z endpoint=192.0.2.2 flags=0 allowed=10.1.0.0/16");
	fixture_free(&f);
}

static void flags_change_in_place(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	run_peer(&f, "a", 2, "10.1.0.0/16");
	want_peer(&f, "a", 2, "10.1.0.0/16");
	f.want_peers[0].has |= XT_PEER_FLAGS;
	f.want_peers[0].flags = XT_PEER_F_MANAGED;
	assert_plan(&f, "set a flags=1");
	assert_int_equal(f.plan.result.peers[0].what, XT_PEER_FLAGS);
	fixture_free(&f);
}

/* ---- the checks ---- */

static void check_of(struct fixture *f, struct xt_desired_fault *fault, int want_err)
{
	int err = xt_desired_check(&f->want, fault);

	if (err != want_err)
		fail_because("xt_desired_check: %d (%s), expected %d", err, xt_errmsg(), want_err);
}

#define assert_fault(f, peer_, item_, prefix_, other_, other_prefix_, msg)                         \
	do {                                                                                       \
		struct xt_desired_fault _fault;                                                    \
		check_of(f, &_fault, -EINVAL);                                                     \
		if (strcmp(xt_errmsg(), msg))                                                      \
			fail_because("said \"%s\", expected \"%s\"", xt_errmsg(), msg);            \
		assert_int_equal(_fault.peer, peer_);                                              \
		assert_int_equal(_fault.item, item_);                                              \
		if (item_ == XT_ITEM_ALLOWED)                                                      \
			assert_int_equal(_fault.prefix, prefix_);                                  \
		assert_int_equal(_fault.other_peer, other_);                                       \
		if (other_ >= 0 && item_ == XT_ITEM_ALLOWED)                                       \
			assert_int_equal(_fault.other_prefix, other_prefix_);                      \
	} while (0)

static void check_finds_every_clash_and_names_the_later_one(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	want_peer(&f, "a", 2, "10.1.0.0/16,10.20.0.0/16");
	want_peer(&f, "b", 3, "10.20.1.0/24");
	/* Inside another's, around it, equal: the later peer named, the earlier after it. */
	assert_fault(&f, 1, XT_ITEM_ALLOWED, 0, 0, 1,
		     "peer b: allowed-ips 10.20.1.0/24 overlaps 10.20.0.0/16 of peer a");
	xt_peer_spec_free(&f.want_peers[0]);
	peer_set(&f.want_peers[0], "a", 2, 0, "10.20.1.128/25");
	assert_fault(&f, 1, XT_ITEM_ALLOWED, 0, 0, 0,
		     "peer b: allowed-ips 10.20.1.0/24 overlaps 10.20.1.128/25 of peer a");
	xt_peer_spec_free(&f.want_peers[0]);
	peer_set(&f.want_peers[0], "a", 2, 0, "fd00::/64,10.20.1.0/24");
	assert_fault(&f, 1, XT_ITEM_ALLOWED, 0, 0, 1,
		     "peer b: allowed-ips 10.20.1.0/24 overlaps 10.20.1.0/24 of peer a");
	/* Within one peer only the same prefix twice; one inside another is fine. */
	xt_peer_spec_free(&f.want_peers[0]);
	peer_set(&f.want_peers[0], "a", 2, 0, "10.1.0.0/16,10.1.2.0/24,10.9.0.0/16,10.1.0.0/16");
	xt_peer_spec_free(&f.want_peers[1]);
	peer_set(&f.want_peers[1], "b", 3, 0, "10.2.0.0/16");
	assert_fault(&f, 0, XT_ITEM_ALLOWED, 3, 0, 0,
		     "peer a: allowed-ips 10.1.0.0/16 is listed twice");
	f.want_peers[0].n_allowed = 3;
	check_of(&f, NULL, 0);
	/* Names and endpoints. */
	snprintf(f.want_peers[1].name, XT_PEER_NAME_LEN, "a");
	assert_fault(&f, 1, XT_ITEM_NAME, 0, 0, 0, "peer a is named twice");
	snprintf(f.want_peers[1].name, XT_PEER_NAME_LEN, "b");
	f.want_peers[1].endpoint = ip4(192, 0, 2, 2);
	assert_fault(&f, 1, XT_ITEM_ENDPOINT, 0, 0, 0,
		     "peer b: endpoint 192.0.2.2 is peer a's already");
	fixture_free(&f);
}

static void check_holds_peers_to_the_overlay(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	want_peer(&f, "a", 2, "10.0.0.0/16");
	assert_fault(&f, 0, XT_ITEM_ALLOWED, 0, -1, 0,
		     "peer a: allowed-ips 10.0.0.0/16 holds 10.0.0.1, an address of xt0 itself");
	xt_peer_spec_free(&f.want_peers[0]);
	peer_set(&f.want_peers[0], "a", 2, 0, "fd00:1::/64");
	f.want.overlay.mtu = 1279;
	assert_fault(&f, 0, XT_ITEM_ALLOWED, 0, -1, 0,
		     "peer a: allowed-ips fd00:1::/64: an MTU of 1279 carries no IPv6 (1280 at "
		     "least)");
	f.want.overlay.mtu = 1280;
	check_of(&f, NULL, 0);
	f.want_peers[0].endpoint = ip6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
	assert_fault(&f, 0, XT_ITEM_ENDPOINT, 0, -1, 0,
		     "peer a: endpoint 2001:db8::2 is IPv6 but the underlay is IPv4 (local "
		     "192.0.2.1)");
	f.want_peers[0].endpoint = ip4(192, 0, 2, 1);
	assert_fault(&f, 0, XT_ITEM_ENDPOINT, 0, -1, 0,
		     "peer a: endpoint 192.0.2.1 is the overlay's own");
	f.want_peers[0].endpoint = ip4(192, 0, 2, 2);
	f.want_peers[0].port = 4790;
	f.want.overlay.encap = XT_ENCAP_IPIP;
	assert_fault(&f, 0, XT_ITEM_ENDPOINT, 0, -1, 0,
		     "peer a: endpoint 192.0.2.2 port 4790: encap ipip has no port");
	f.want.overlay.encap = XT_ENCAP_VXLAN;
	/* Where xtunnel keeps IPv4: no IPv6 prefix covers it. */
	xt_peer_spec_free(&f.want_peers[0]);
	peer_set(&f.want_peers[0], "a", 2, 0, "::/0");
	assert_fault(&f, 0, XT_ITEM_ALLOWED, 0, -1, 0,
		     "peer a: allowed-ips ::/0 covers ::ffff:0:0/96, where xtunnel keeps IPv4 "
		     "prefixes: list IPv6 prefixes outside it (all global and unique-local IPv6 "
		     "is 2000::/3,fc00::/7)");
	fixture_free(&f);
}

static void check_counts_peers_and_routes(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.want.overlay.max_peers = 2;
	f.want.overlay.max_routes = 3;
	want_peer(&f, "a", 2, "10.1.0.0/16,10.2.0.0/16");
	want_peer(&f, "b", 3, "10.3.0.0/16,10.4.0.0/16");
	assert_fault(&f, 1, XT_ITEM_ALLOWED, 1, -1, 0,
		     "peer b: more allowed-ips than max-routes 3");
	f.want.overlay.max_routes = 4;
	want_peer(&f, "c", 4, "");
	assert_fault(&f, 2, XT_ITEM_NAME, 0, -1, 0, "peer c: more than max-peers 2");
	fixture_free(&f);
}

/* The state as it will be has the peers that stay: those that are not the reconciler's, and
 * the other overlays'. */
static void plan_checks_against_the_peers_that_stay(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.flags = XT_RECONCILE_MANAGED_ONLY;
	run_peer(&f, "hand", 2, "10.5.0.0/16"); /* not managed */
	want_peer(&f, "m", 3, "10.5.1.0/24");
	assert_plan_refused(&f,
			    "peer m: allowed-ips 10.5.1.0/24 overlaps 10.5.0.0/16 of peer hand");
	xt_peer_spec_free(&f.want_peers[0]);
	peer_set(&f.want_peers[0], "m", 2, 0, "10.6.0.0/16");
	assert_plan_refused(&f, "peer m: endpoint 192.0.2.2 is peer hand's already");
	snprintf(f.want_peers[0].name, XT_PEER_NAME_LEN, "hand");
	f.want_peers[0].endpoint = ip4(192, 0, 2, 3);
	assert_plan_refused(&f, "peer hand exists already and is not managed");
	/* Another overlay's prefix: one prefix, one overlay. Its names and endpoints are its
	 * own business. */
	snprintf(f.want_peers[0].name, XT_PEER_NAME_LEN, "m");
	peer_set(&f.other_peers[f.other.n_peers++].spec, "m", 3, 0, "10.6.0.0/24");
	assert_plan_refused(&f, "peer m: allowed-ips 10.6.0.0/16 overlaps 10.6.0.0/24 of peer m "
				"of overlay xt1: one prefix, one overlay");
	fixture_free(&f);
}

static void managed_only_leaves_the_others_alone(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.flags = XT_RECONCILE_MANAGED_ONLY;
	run_peer(&f, "hand", 2, "10.5.0.0/16");
	run_peer(&f, "m1", 3, "10.6.0.0/16")->flags = XT_PEER_F_MANAGED;
	run_peer(&f, "m2", 4, "10.7.0.0/16")->flags = XT_PEER_F_MANAGED;
	want_peer(&f, "m2", 4, "10.7.0.0/16");
	want_peer(&f, "m3", 5, "10.8.0.0/16");
	/* The wanted peers are managed ones without saying so. */
	assert_plan(&f, "del m1\nadd m3 endpoint=192.0.2.5 flags=1 allowed=10.8.0.0/16");
	assert_int_equal(f.plan.result.unchanged, 1);
	/* Without the flag every peer is the file's. */
	f.flags = 0;
	assert_plan(&f, "del hand\ndel m1\nset m2 flags=0\n"
			"add m3 endpoint=192.0.2.5 flags=0 allowed=10.8.0.0/16");
	fixture_free(&f);
}

/* ---- settings ---- */

static void settings_that_cannot_change_live_are_named(void **state)
{
	static const struct {
		uint32_t bit;
		const char *said;
	} cases[] = {
		{ XT_OV_UPLINK, "uplink eth0 -> eth9" },
		{ XT_OV_ENCAP, "encap vxlan -> geneve" },
		{ XT_OV_VNI, "vni 1 -> 2" },
		{ XT_OV_PORT, "port 4789 -> 4790" },
		{ XT_OV_KEY, "key none -> 7" },
		{ XT_OV_LOCAL, "local 192.0.2.1 -> 192.0.2.9" },
		{ XT_OV_RX, "rx auto -> xdp" },
		{ XT_OV_XDP_MODE, "xdp-mode native -> generic" },
		{ XT_OV_MAX_PEERS, "max-peers 8 -> 9" },
		{ XT_OV_MAX_ROUTES, "max-routes 64 -> 65" },
	};
	struct xt_overlay_spec *o;
	struct fixture f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fixture_init(&f);
		o = &f.ov;
		switch (cases[i].bit) {
		case XT_OV_UPLINK:
			snprintf(o->uplink, IF_NAMESIZE, "eth9");
			break;
		case XT_OV_ENCAP:
			o->encap = XT_ENCAP_GENEVE;
			break;
		case XT_OV_VNI:
			o->vni = 2;
			break;
		case XT_OV_PORT:
			o->port = 4790;
			break;
		case XT_OV_KEY:
			o->has |= XT_OV_KEY;
			o->key = 7;
			break;
		case XT_OV_LOCAL:
			o->local = ip4(192, 0, 2, 9);
			f.want.overlay.has |= XT_OV_LOCAL;
			break;
		case XT_OV_RX:
			o->rx = XT_RX_XDP;
			break;
		case XT_OV_XDP_MODE:
			o->xdp_mode = XT_XDP_GENERIC;
			break;
		case XT_OV_MAX_PEERS:
			o->max_peers = 9;
			break;
		case XT_OV_MAX_ROUTES:
			o->max_routes = 65;
			break;
		}
		assert_plan_refused(&f, cases[i].said);
		assert_non_null(strstr(xt_errmsg(), "cannot change on running overlay xt0"));
		/* Not the reconciler's business with PEERS_ONLY (the agent). */
		f.flags = XT_RECONCILE_PEERS_ONLY;
		assert_plan(&f, "");
		fixture_free(&f);
	}
	/* Two at once: both named. */
	fixture_init(&f);
	f.ov.encap = XT_ENCAP_GENEVE;
	f.ov.vni = 5;
	assert_plan_refused(&f, "encap vxlan -> geneve, vni 1 -> 5");
	/* A local address found on the uplink, not given, is not compared. */
	f.ov = overlay();
	f.ov.local = ip4(192, 0, 2, 9);
	f.want.overlay.has &= ~(uint32_t)XT_OV_LOCAL;
	assert_plan(&f, "");
	fixture_free(&f);
}

static void live_settings_change_around_the_peers(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	f.run.spec.addrs[1] = pfx(ip4(10, 7, 0, 1), 24);
	f.run.spec.n_addrs = 2;
	snprintf(f.run.spec.forward_from[0], IF_NAMESIZE, "lan0");
	f.run.spec.n_forward = 1;
	f.ov.addrs[1] = pfx(ip4(10, 8, 0, 1), 24);
	f.ov.n_addrs = 2;
	f.ov.mtu = 1400;
	snprintf(f.ov.forward_from[0], IF_NAMESIZE, "lan1");
	f.ov.n_forward = 1;
	run_peer(&f, "a", 2, "10.1.0.0/16");
	want_peer(&f, "a", 2, "10.2.0.0/16");
	/* Addresses that go first, then the peers, then those that come, a smaller MTU and the
	 * ports. */
	assert_plan(&f, "settings address=10.0.0.1/24\n"
			"set a allowed=\n"
			"set a allowed=10.2.0.0/16\n"
			"settings address=10.0.0.1/24,10.8.0.1/24 mtu=1400 forward-from=lan1");
	assert_int_equal(f.plan.settings, XT_OV_ADDRS | XT_OV_MTU | XT_OV_FORWARD_FROM);
	/* A larger MTU before the peers (an IPv6 prefix may need it). */
	f.ov.mtu = 1450;
	f.run.spec.mtu = 1300;
	assert_plan(&f, "settings address=10.0.0.1/24 mtu=1450\n"
			"set a allowed=\n"
			"set a allowed=10.2.0.0/16\n"
			"settings address=10.0.0.1/24,10.8.0.1/24 forward-from=lan1");
	fixture_free(&f);
}

/* Up: nothing runs, every peer is added. */
static void nothing_running_adds_every_peer(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f);
	want_peer(&f, "b", 3, "10.2.0.0/16");
	want_peer(&f, "a", 2, "10.1.0.0/16");
	assert_int_equal(make(&f, false), 0);
	assert_string_equal(plan_text(&f), "add a endpoint=192.0.2.2 flags=0 allowed=10.1.0.0/16\n"
					   "add b endpoint=192.0.2.3 flags=0 allowed=10.2.0.0/16");
	assert_true(f.plan.result.created);
	assert_int_equal(f.plan.result.added, 2);
	fixture_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unchanged_peers_get_no_step),
		cmocka_unit_test(changes_go_in_place_in_their_order),
		cmocka_unit_test(a_prefix_moves_whole_in_one_step),
		cmocka_unit_test(two_peers_swap_prefixes),
		cmocka_unit_test(a_peer_shrinks_before_another_grows),
		cmocka_unit_test(endpoints_move_along_their_chain),
		cmocka_unit_test(peers_that_swap_endpoints_are_refused),
		cmocka_unit_test(peers_go_before_others_come),
		cmocka_unit_test(flags_change_in_place),
		cmocka_unit_test(check_finds_every_clash_and_names_the_later_one),
		cmocka_unit_test(check_holds_peers_to_the_overlay),
		cmocka_unit_test(check_counts_peers_and_routes),
		cmocka_unit_test(plan_checks_against_the_peers_that_stay),
		cmocka_unit_test(managed_only_leaves_the_others_alone),
		cmocka_unit_test(settings_that_cannot_change_live_are_named),
		cmocka_unit_test(live_settings_change_around_the_peers),
		cmocka_unit_test(nothing_running_adds_every_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
