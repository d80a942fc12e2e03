// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one place state is formatted: JSON (json-c) and human output in the spirit of `wg`. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

/* Room for any formatted address, prefix or endpoint: "[IPV6]:PORT" is the longest. */
#define ADDR_TEXT (INET6_ADDRSTRLEN + 8)

/* A name the kernel gave (a device's, or a path with one) as a JSON string: JSON text must
 * be UTF-8 (RFC 8259 section 8.1), and json-c copies bytes as they are (xt_name_utf8). */
json_object *json_name(const char *name)
{
	char *text = malloc(XT_NAME_UTF8_SIZE(name));
	json_object *o;

	if (!text)
		return NULL;
	xt_name_utf8(name, text);
	o = json_object_new_string(text);
	free(text);
	return o;
}

static json_object *json_prefixes(const struct xt_prefix *p, int n)
{
	json_object *a = json_object_new_array();
	char buf[ADDR_TEXT];
	int i;

	for (i = 0; i < n; i++) {
		xt_format_prefix(&p[i], buf, sizeof(buf));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

/* The names of the flags set (XT_PEER_F_*); a bit without a name as its number. */
static json_object *json_peer_flags(uint16_t flags)
{
	json_object *a = json_object_new_array();
	char number[8];
	unsigned int bit;

	for (bit = 0; bit < 16; bit++) {
		const char *name = xt_peer_flag_name((uint16_t)(1u << bit));

		if (!(flags & (1u << bit)))
			continue;
		snprintf(number, sizeof(number), "0x%x", 1u << bit);
		json_object_array_add(a, json_object_new_string(name ? name : number));
	}
	return a;
}

/* A number of ms as seconds with three decimals, written as such (json-c would print a
 * double with 17 digits). */
static json_object *json_seconds(uint64_t ms)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIu64 ".%03u", ms / 1000, (unsigned int)(ms % 1000));
	return json_object_new_double_s((double)ms / 1000, text);
}

/* Every drop reason, zeros included, as counters has every reason. */
static json_object *json_drops(const uint64_t drops[XT_DROP_COUNT])
{
	json_object *o = json_object_new_object();
	int r;

	for (r = 0; r < XT_DROP_COUNT; r++)
		json_object_object_add(o, xt_reason_key((enum xt_reason)(XT_FIRST_DROP + r)),
				       json_object_new_uint64(drops[r]));
	return o;
}

/* The endpoint is the address alone; "port" is there only for the UDP encapsulations. The
 * id indexes the peer's counters in xt_peer_stats, and stays while the peer does. A peer of
 * an L3 overlay has allowed IPs; a peer of an L2 overlay, a flood setting. */
static json_object *json_peer(const struct xt_peer_state *p, const struct xt_overlay_spec *ov)
{
	json_object *o = json_object_new_object();
	bool heard = p->latest_rx_ms > 0;
	char a[ADDR_TEXT];

	xt_format_ip(&p->spec.endpoint, a, sizeof(a));
	json_object_object_add(o, "name", json_object_new_string(p->spec.name));
	json_object_object_add(o, "id", json_object_new_int64(p->id));
	json_object_object_add(o, "endpoint", json_object_new_string(a));
	if (xt_encap_is_udp(ov->encap))
		json_object_object_add(o, "port", json_object_new_int(p->spec.port));
	if (xt_encap_is_udp(ov->encap) && ov->mode == XT_MODE_L3)
		json_object_object_add(o, "udp6_zero_csum",
				       json_object_new_boolean(p->spec.udp6_zero_csum));
	if (ov->mode == XT_MODE_L2)
		json_object_object_add(o, "flood", json_object_new_boolean(p->spec.flood));
	else
		json_object_object_add(o, "allowed_ips",
				       json_prefixes(p->spec.allowed, p->spec.n_allowed));
	json_object_object_add(o, "flags", json_peer_flags(p->spec.flags));
	json_object_object_add(o, "rx_packets", json_object_new_uint64(p->stats.rx_packets));
	json_object_object_add(o, "rx_bytes", json_object_new_uint64(p->stats.rx_bytes));
	json_object_object_add(o, "tx_packets", json_object_new_uint64(p->stats.tx_packets));
	json_object_object_add(o, "tx_bytes", json_object_new_uint64(p->stats.tx_bytes));
	json_object_object_add(o, "drops_total", json_object_new_uint64(p->stats.drops));
	json_object_object_add(o, "drops", json_drops(p->drops));
	json_object_object_add(o, "latest_rx",
			       heard ? json_seconds((uint64_t)p->latest_rx_ms) : NULL);
	json_object_object_add(o, "latest_rx_age_s",
			       heard ? json_seconds(p->latest_rx_age_ms) : NULL);
	json_object_object_add(o, "silent", json_object_new_boolean(p->silent));
	return o;
}

/* What `show` calls the uplink: its name, or "(gone)" when not even that is known. */
static const char *uplink_name(const struct xt_overlay_spec *spec)
{
	return spec->has & XT_OV_UPLINK ? spec->uplink : "(gone)";
}

/* What became of the uplink, and what to do about it; "" when it is there. */
static const char *uplink_note(enum xt_uplink_state state)
{
	switch (state) {
	case XT_UPLINK_OK:
		return "";
	case XT_UPLINK_RECREATED:
		return " (was deleted; it exists again: run 'xtunnel reload')";
	default:
		return " (was deleted and is gone: make it again, then run 'xtunnel reload')";
	}
}

/* Every setting (the spec: what attach takes), then what runs. Only the fields the
 * encapsulation has: a GRE key of 0 is a key, not its absence. */
static json_object *json_overlay(const struct xt_overlay_state *ov)
{
	const struct xt_overlay_spec *spec = &ov->spec;
	json_object *o = json_object_new_object(), *peers, *counters, *fwd;
	char a[ADDR_TEXT];
	int i;

	xt_format_ip(&spec->local, a, sizeof(a));
	json_object_object_add(o, "dev", json_name(spec->dev));
	json_object_object_add(o, "mode", json_object_new_string(xt_mode_name(spec->mode)));
	json_object_object_add(o, "uplink", json_name(uplink_name(spec)));
	json_object_object_add(o, "encap", json_object_new_string(xt_encap_name(spec->encap)));
	if (spec->has & XT_OV_VNI)
		json_object_object_add(o, "vni", json_object_new_int64(spec->vni));
	if (spec->has & XT_OV_PORT)
		json_object_object_add(o, "port", json_object_new_int(spec->port));
	if (spec->has & XT_OV_KEY)
		json_object_object_add(o, "key", json_object_new_int64(spec->key));
	json_object_object_add(o, "local", json_object_new_string(a));
	json_object_object_add(o, "addresses", json_prefixes(spec->addrs, spec->n_addrs));
	json_object_object_add(o, "mtu", json_object_new_int64(spec->mtu));
	json_object_object_add(o, "uplink_state",
			       json_object_new_string(xt_uplink_state_name(ov->uplink)));
	json_object_object_add(o, "rx", json_object_new_string(xt_rx_mode_name(ov->rx)));
	json_object_object_add(o, "rx_request", json_object_new_string(xt_rx_mode_name(spec->rx)));
	json_object_object_add(o, "rx_reason", json_object_new_string(ov->rx_reason));
	json_object_object_add(o, "xdp_mode",
			       json_object_new_string(xt_xdp_mode_name(spec->xdp_mode)));
	json_object_object_add(o, "gso", json_object_new_string(xt_gso_path_name(ov->gso)));
	json_object_object_add(o, "gso_reason", json_object_new_string(ov->gso_reason));
	json_object_object_add(o, "max_peers", json_object_new_int64(spec->max_peers));
	if (spec->mode == XT_MODE_L2) {
		xt_format_mac(spec->mac, a, sizeof(a));
		json_object_object_add(o, "mac", json_object_new_string(a));
		json_object_object_add(o, "max_macs", json_object_new_int64(spec->max_macs));
		json_object_object_add(o, "ageing", json_object_new_int64(spec->ageing));
		json_object_object_add(o, "fdb_entries", json_object_new_int64(ov->n_fdb));
		json_object_object_add(o, "neigh_entries", json_object_new_int64(ov->n_neigh));
	} else {
		fwd = json_object_new_array();
		for (i = 0; i < spec->n_forward; i++)
			json_object_array_add(fwd, json_name(spec->forward_from[i]));
		json_object_object_add(o, "forward_from", fwd);
		json_object_object_add(o, "max_routes", json_object_new_int64(spec->max_routes));
		json_object_object_add(o, "routes", json_object_new_int64(ov->n_routes));
	}
	json_object_object_add(o, "pin_dir", ov->pin_dir[0] ? json_name(ov->pin_dir) : NULL);
	json_object_object_add(o, "trace_pid",
			       ov->trace_pid ? json_object_new_int64(ov->trace_pid) : NULL);
	counters = json_object_new_object();
	for (i = 0; i < XT_REASON_COUNT; i++)
		json_object_object_add(counters, xt_reason_key((enum xt_reason)i),
				       json_object_new_uint64(ov->reasons[i]));
	json_object_object_add(o, "counters", counters);
	peers = json_object_new_array();
	for (i = 0; i < ov->n_peers; i++)
		json_object_array_add(peers, json_peer(&ov->peers[i], spec));
	json_object_object_add(o, "peers", peers);
	return o;
}

json_object *json_overlays(const struct xt_overlay_state *ovs, int n)
{
	json_object *a = json_object_new_array();
	int i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_overlay(&ovs[i]));
	return a;
}

static void print_bytes(FILE *f, uint64_t b)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		fprintf(f, "%" PRIu64 " B", b);
	else
		fprintf(f, "%.2f %s", v, units[u]);
}

/* A list of prefixes, comma-separated. */
static void print_prefixes(FILE *f, const struct xt_prefix *p, int n)
{
	char text[ADDR_TEXT];
	int i;

	for (i = 0; i < n; i++) {
		xt_format_prefix(&p[i], text, sizeof(text));
		fprintf(f, "%s%s", i ? ", " : "", text);
	}
}

/* "1 day, 2 hours, 3 seconds ago", as wg prints a handshake's age. */
static void print_age(FILE *f, uint64_t ms)
{
	static const struct {
		const char *name;
		uint64_t seconds;
	} units[] = { { "day", 86400 }, { "hour", 3600 }, { "minute", 60 }, { "second", 1 } };
	uint64_t left = ms / 1000, n;
	size_t i;
	int shown = 0;

	if (!left) {
		fputs("less than a second ago", f);
		return;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		n = left / units[i].seconds;
		left %= units[i].seconds;
		if (n)
			fprintf(f, "%s%" PRIu64 " %s%s", shown++ ? ", " : "", n, units[i].name,
				n == 1 ? "" : "s");
	}
	fputs(" ago", f);
}

/* The total, and the reasons that are not zero. */
static void print_peer_drops(FILE *f, const struct xt_peer_state *p)
{
	int r, shown = 0;

	fprintf(f, "  drops: %" PRIu64, (uint64_t)p->stats.drops);
	for (r = 0; r < XT_DROP_COUNT; r++)
		if (p->drops[r])
			fprintf(f, "%s%s %" PRIu64, shown++ ? ", " : " (",
				xt_reason_name((enum xt_reason)(XT_FIRST_DROP + r)), p->drops[r]);
	fputs(shown ? ")\n" : "\n", f);
}

static void print_peer(FILE *f, const struct xt_peer_state *p, const struct xt_overlay_spec *ov)
{
	char a[ADDR_TEXT];

	xt_format_endpoint(&p->spec.endpoint, xt_encap_is_udp(ov->encap) ? p->spec.port : 0, a,
			   sizeof(a));
	fprintf(f, "\npeer: %s\n  endpoint: %s\n", p->spec.name, a);
	if (ov->mode == XT_MODE_L2) {
		fprintf(f, "  flood: %s\n", p->spec.flood ? "on" : "off");
	} else {
		fputs("  allowed ips: ", f);
		print_prefixes(f, p->spec.allowed, p->spec.n_allowed);
		fprintf(f, "%s\n", p->spec.n_allowed ? "" : "(none)");
	}
	fputs("  latest packet: ", f);
	if (p->latest_rx_ms)
		print_age(f, p->latest_rx_age_ms);
	else
		fputs("never", f);
	fprintf(f, "%s\n  transfer: %" PRIu64 " packets (", p->silent ? " (silent)" : "",
		(uint64_t)p->stats.rx_packets);
	print_bytes(f, (uint64_t)p->stats.rx_bytes);
	fprintf(f, ") received, %" PRIu64 " packets (", (uint64_t)p->stats.tx_packets);
	print_bytes(f, (uint64_t)p->stats.tx_bytes);
	fputs(") sent\n", f);
	print_peer_drops(f, p);
	if (p->spec.flags) {
		json_object *flags = json_peer_flags(p->spec.flags);
		size_t i;

		for (i = 0; i < json_object_array_length(flags); i++)
			fprintf(f, "%s%s", i ? ", " : "  flags: ",
				json_object_get_string(json_object_array_get_idx(flags, i)));
		fputc('\n', f);
		json_object_put(flags);
	}
}

static void print_overlay(FILE *f, const struct xt_overlay_state *ov)
{
	const struct xt_overlay_spec *spec = &ov->spec;
	char a[ADDR_TEXT];
	int i, shown = 0;

	xt_format_ip(&spec->local, a, sizeof(a));
	fprintf(f, "overlay: %s%s\n", spec->dev, spec->mode == XT_MODE_L2 ? " (l2)" : "");
	fprintf(f, "  uplink: %s%s, local %s\n", uplink_name(spec), uplink_note(ov->uplink), a);
	if (spec->n_addrs) {
		fputs("  addresses: ", f);
		print_prefixes(f, spec->addrs, spec->n_addrs);
		fputc('\n', f);
	}
	fprintf(f, "  encap: %s", xt_encap_name(spec->encap));
	if (spec->has & XT_OV_VNI)
		fprintf(f, ", vni %u", spec->vni);
	if (spec->has & XT_OV_PORT)
		fprintf(f, ", port %u", spec->port);
	if (spec->has & XT_OV_KEY)
		fprintf(f, ", key %u", spec->key);
	fprintf(f, ", mtu %u\n", spec->mtu);
	if (spec->mode == XT_MODE_L2) {
		xt_format_mac(spec->mac, a, sizeof(a));
		/* What a bridge port needs: a bridge takes its ports' smallest MTU, and a frame
		 * larger than the overlay's is dropped before it is encapsulated. */
		fprintf(f, "  mac: %s; bridge ports and stations behind them: MTU %u at most\n", a,
			spec->mtu);
		fprintf(f, "  fdb entries: %u, neighbour entries: %u, max-macs %u a peer, ageing ",
			ov->n_fdb, ov->n_neigh, spec->max_macs);
		if (spec->ageing)
			fprintf(f, "%u s\n", spec->ageing);
		else
			fputs("never\n", f);
	}
	fprintf(f, "  receive path: %s (%s)\n", xt_rx_mode_name(ov->rx), ov->rx_reason);
	fprintf(f, "  GSO path: %s (%s)\n", xt_gso_path_name(ov->gso), ov->gso_reason);
	if (spec->xdp_mode != XT_XDP_NATIVE)
		fprintf(f, "  xdp mode: %s\n", xt_xdp_mode_name(spec->xdp_mode));
	for (i = 0; i < spec->n_forward; i++)
		fprintf(f, "%s%s", i ? ", " : "  forward from: ", spec->forward_from[i]);
	if (spec->n_forward)
		fputc('\n', f);
	if (spec->mode == XT_MODE_L2)
		fprintf(f, "  peers: %d of %u\n", ov->n_peers, spec->max_peers);
	else
		fprintf(f, "  peers: %d of %u, routes: %u of %u\n", ov->n_peers, spec->max_peers,
			ov->n_routes, spec->max_routes);
	if (ov->pin_dir[0])
		fprintf(f, "  maps: %s\n", ov->pin_dir);
	if (ov->trace_pid)
		fprintf(f, "  traced by: pid %u\n", ov->trace_pid);
	for (i = 0; i < XT_REASON_COUNT; i++) {
		if (!ov->reasons[i])
			continue;
		fprintf(f, "%s%s %" PRIu64,
			shown++ ? ", " : "  packets: ", xt_reason_name((enum xt_reason)i),
			ov->reasons[i]);
	}
	if (shown)
		fputc('\n', f);
	for (i = 0; i < ov->n_peers; i++)
		print_peer(f, &ov->peers[i], spec);
}

void print_overlays(FILE *f, const struct xt_overlay_state *ovs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc('\n', f);
		print_overlay(f, &ovs[i]);
	}
}

/* j as the options say, and j released: compact unless asked, as `ip -j` and
 * `bpftool -j`, one line per command. */
void output_json(const struct cli *cli, FILE *f, json_object *j)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (cli->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
				 : JSON_C_TO_STRING_PLAIN);

	fprintf(f, "%s\n", json_object_to_json_string_ext(j, flags));
	json_object_put(j);
}

void output_overlays(const struct cli *cli, FILE *f, const struct xt_overlay_state *ovs, int n)
{
	if (cli->json)
		output_json(cli, f, json_overlays(ovs, n));
	else
		print_overlays(f, ovs, n);
}

/* The peer an entry belongs to, in JSON: its name, null for none. */
static json_object *json_peer_name(const char *peer)
{
	return peer[0] ? json_object_new_string(peer) : NULL;
}

json_object *json_fdb(const struct xt_fdb_entry *e, int n)
{
	json_object *a = json_object_new_array();
	char mac[18];
	int i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		xt_format_mac(e[i].mac, mac, sizeof(mac));
		json_object_object_add(o, "mac", json_object_new_string(mac));
		json_object_object_add(o, "peer", json_peer_name(e[i].peer));
		json_object_object_add(o, "static", json_object_new_boolean(e[i].is_static));
		json_object_object_add(o, "age",
				       e[i].is_static ? NULL : json_object_new_int64(e[i].age));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *json_neigh(const struct xt_neigh_entry *e, int n)
{
	json_object *a = json_object_new_array();
	char mac[18], ip[ADDR_TEXT];
	int i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		xt_format_ip(&e[i].ip, ip, sizeof(ip));
		xt_format_mac(e[i].mac, mac, sizeof(mac));
		json_object_object_add(o, "address", json_object_new_string(ip));
		json_object_object_add(o, "mac", json_object_new_string(mac));
		json_object_object_add(o, "peer", json_peer_name(e[i].peer));
		json_object_object_add(o, "static", json_object_new_boolean(e[i].is_static));
		json_object_object_add(o, "age",
				       e[i].is_static ? NULL : json_object_new_int64(e[i].age));
		json_object_array_add(a, o);
	}
	return a;
}

/* "static", or "learned [from PEER], N s ago" (peer NULL: named already). */
static void print_origin(FILE *f, const char *peer, bool is_static, uint32_t age)
{
	if (is_static)
		fputs("static", f);
	else if (peer)
		fprintf(f, "learned from %s, %u s ago", peer[0] ? peer : "(gone)", age);
	else
		fprintf(f, "learned, %u s ago", age);
}

void output_fdb(const struct cli *cli, FILE *f, const struct xt_fdb_entry *e, int n)
{
	char mac[18];
	int i;

	if (cli->json) {
		output_json(cli, f, json_fdb(e, n));
		return;
	}
	for (i = 0; i < n; i++) {
		xt_format_mac(e[i].mac, mac, sizeof(mac));
		fprintf(f, "%s peer %s ", mac, e[i].peer[0] ? e[i].peer : "(gone)");
		print_origin(f, NULL, e[i].is_static, e[i].age);
		fputc('\n', f);
	}
}

void output_neigh(const struct cli *cli, FILE *f, const struct xt_neigh_entry *e, int n)
{
	char mac[18], ip[ADDR_TEXT];
	int i;

	if (cli->json) {
		output_json(cli, f, json_neigh(e, n));
		return;
	}
	for (i = 0; i < n; i++) {
		xt_format_ip(&e[i].ip, ip, sizeof(ip));
		xt_format_mac(e[i].mac, mac, sizeof(mac));
		fprintf(f, "%s lladdr %s ", ip, mac);
		print_origin(f, e[i].peer, e[i].is_static, e[i].age);
		fputc('\n', f);
	}
}

/* ---- xtunnel stats: counters and their rates ---- */

/* A counter's rate: per second between two reads; NAN when it has no earlier value (a peer
 * or an overlay that was not there) or went back (made anew in between). */
static double rate_of(bool had, uint64_t before, uint64_t now, double secs)
{
	if (!had || before > now || !(secs > 0))
		return NAN;
	return (double)(now - before) / secs;
}

/* A rate with three decimals, written as such; null when it is not known. */
static json_object *json_rate(double rate)
{
	char text[48];

	if (isnan(rate))
		return NULL;
	snprintf(text, sizeof(text), "%.3f", rate);
	return json_object_new_double_s(rate, text);
}

static const struct xt_overlay_state *overlay_in(const struct stats_sample *s, const char *dev)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->ovs[i].spec.dev, dev))
			return &s->ovs[i];
	return NULL;
}

static int peer_name_cmp(const void *name, const void *peer)
{
	return strcmp(name, ((const struct xt_peer_state *)peer)->spec.name);
}

/* The peer of that name in ov, found as xt_show sorts them: by name. */
static const struct xt_peer_state *peer_in(const struct xt_overlay_state *ov, const char *name)
{
	if (!ov || !ov->n_peers)
		return NULL;
	return bsearch(name, ov->peers, (size_t)ov->n_peers, sizeof(*ov->peers), peer_name_cmp);
}

/* A peer's counters and their rates, in the order JSON and the screen give them. */
enum { RX_PACKETS, RX_BYTES, TX_PACKETS, TX_BYTES, DROPS_TOTAL, N_PEER_COUNTERS };
static const char *const peer_counter_keys[N_PEER_COUNTERS] = {
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops_total",
};

struct peer_rates {
	uint64_t total[N_PEER_COUNTERS];
	double rate[N_PEER_COUNTERS];
	double drops[XT_DROP_COUNT];
};

/* before: the same peer one read earlier, or NULL. */
static void peer_rates(const struct xt_peer_state *before, const struct xt_peer_state *p,
		       double secs, struct peer_rates *r)
{
	const struct xt_peer_stats *b = before ? &before->stats : NULL;
	uint64_t was[N_PEER_COUNTERS] = {};
	int i;

	r->total[RX_PACKETS] = p->stats.rx_packets;
	r->total[RX_BYTES] = p->stats.rx_bytes;
	r->total[TX_PACKETS] = p->stats.tx_packets;
	r->total[TX_BYTES] = p->stats.tx_bytes;
	r->total[DROPS_TOTAL] = p->stats.drops;
	if (b) {
		was[RX_PACKETS] = b->rx_packets;
		was[RX_BYTES] = b->rx_bytes;
		was[TX_PACKETS] = b->tx_packets;
		was[TX_BYTES] = b->tx_bytes;
		was[DROPS_TOTAL] = b->drops;
	}
	for (i = 0; i < N_PEER_COUNTERS; i++)
		r->rate[i] = rate_of(b, was[i], r->total[i], secs);
	for (i = 0; i < XT_DROP_COUNT; i++)
		r->drops[i] = rate_of(b, b ? before->drops[i] : 0, p->drops[i], secs);
}

static json_object *json_peer_stats(const struct xt_peer_state *before,
				    const struct xt_peer_state *p, double secs)
{
	json_object *o = json_object_new_object(), *rates = json_object_new_object(), *drops;
	struct peer_rates r;
	int i;

	peer_rates(before, p, secs, &r);
	json_object_object_add(o, "name", json_object_new_string(p->spec.name));
	for (i = 0; i < N_PEER_COUNTERS; i++) {
		json_object_object_add(o, peer_counter_keys[i], json_object_new_uint64(r.total[i]));
		json_object_object_add(rates, peer_counter_keys[i], json_rate(r.rate[i]));
	}
	json_object_object_add(o, "drops", json_drops(p->drops));
	json_object_object_add(o, "latest_rx",
			       p->latest_rx_ms > 0 ? json_seconds((uint64_t)p->latest_rx_ms)
						   : NULL);
	json_object_object_add(o, "silent", json_object_new_boolean(p->silent));
	drops = json_object_new_object();
	for (i = 0; i < XT_DROP_COUNT; i++)
		json_object_object_add(drops, xt_reason_key((enum xt_reason)(XT_FIRST_DROP + i)),
				       json_rate(r.drops[i]));
	json_object_object_add(rates, "drops", drops);
	json_object_object_add(o, "rates", rates);
	return o;
}

static json_object *json_overlay_stats(const struct xt_overlay_state *before,
				       const struct xt_overlay_state *ov, double secs)
{
	json_object *o = json_object_new_object(), *counters = json_object_new_object(),
		    *rates = json_object_new_object(), *peers = json_object_new_array();
	int i;

	json_object_object_add(o, "dev", json_name(ov->spec.dev));
	for (i = 0; i < XT_REASON_COUNT; i++) {
		const char *key = xt_reason_key((enum xt_reason)i);

		json_object_object_add(counters, key, json_object_new_uint64(ov->reasons[i]));
		json_object_object_add(rates, key,
				       json_rate(rate_of(before, before ? before->reasons[i] : 0,
							 ov->reasons[i], secs)));
	}
	json_object_object_add(o, "counters", counters);
	json_object_object_add(o, "rates", rates);
	for (i = 0; i < ov->n_peers; i++)
		json_object_array_add(peers,
				      json_peer_stats(peer_in(before, ov->peers[i].spec.name),
						      &ov->peers[i], secs));
	json_object_object_add(o, "peers", peers);
	return o;
}

json_object *json_stats(const struct stats_sample *prev, const struct stats_sample *cur)
{
	json_object *o = json_object_new_object(), *ovs = json_object_new_array();
	double secs = cur->mono_s - prev->mono_s;
	char text[32];
	int i;

	json_object_object_add(o, "time", json_seconds((uint64_t)cur->wall_ms));
	snprintf(text, sizeof(text), "%.6f", secs);
	json_object_object_add(o, "interval", json_object_new_double_s(secs, text));
	for (i = 0; i < cur->n; i++)
		json_object_array_add(ovs,
				      json_overlay_stats(overlay_in(prev, cur->ovs[i].spec.dev),
							 &cur->ovs[i], secs));
	json_object_object_add(o, "overlays", ovs);
	return o;
}

/* A rate for people: "-" when not known, else with units of 1024 for bytes. */
static const char *human_rate(char *buf, size_t len, double rate, bool bytes)
{
	static const char *const units[] = { "", "Ki", "Mi", "Gi", "Ti" };
	int u = 0;

	if (isnan(rate))
		return "-";
	while (bytes && rate >= 1024 && u < 4) {
		rate /= 1024;
		u++;
	}
	snprintf(buf, len, bytes ? "%.1f %sB" : "%.1f", rate, units[u]);
	return buf;
}

static void print_overlay_stats(FILE *f, const struct xt_overlay_state *before,
				const struct xt_overlay_state *ov, double secs)
{
	char a[5][24];
	struct peer_rates r;
	int i, j;

	fprintf(f, "overlay: %s\n  %-22s %20s %12s\n", ov->spec.dev, "counter", "total", "/s");
	for (i = 0; i < XT_REASON_COUNT; i++)
		if (ov->reasons[i])
			fprintf(f, "  %-22s %20" PRIu64 " %12s\n",
				xt_reason_name((enum xt_reason)i), ov->reasons[i],
				human_rate(a[0], sizeof(a[0]),
					   rate_of(before, before ? before->reasons[i] : 0,
						   ov->reasons[i], secs),
					   false));
	if (!ov->n_peers)
		return;
	fprintf(f, "\n  %-15s %10s %12s %10s %12s %9s latest packet\n", "peer", "rx pkt/s",
		"rx B/s", "tx pkt/s", "tx B/s", "drops/s");
	for (i = 0; i < ov->n_peers; i++) {
		const struct xt_peer_state *p = &ov->peers[i];

		peer_rates(peer_in(before, p->spec.name), p, secs, &r);
		fprintf(f, "  %-15s %10s %12s %10s %12s %9s ", p->spec.name,
			human_rate(a[0], sizeof(a[0]), r.rate[RX_PACKETS], false),
			human_rate(a[1], sizeof(a[1]), r.rate[RX_BYTES], true),
			human_rate(a[2], sizeof(a[2]), r.rate[TX_PACKETS], false),
			human_rate(a[3], sizeof(a[3]), r.rate[TX_BYTES], true),
			human_rate(a[4], sizeof(a[4]), r.rate[DROPS_TOTAL], false));
		if (p->latest_rx_ms)
			print_age(f, p->latest_rx_age_ms);
		else
			fputs("never", f);
		fputs(p->silent ? " (silent)\n" : "\n", f);
		for (j = 0; j < XT_DROP_COUNT; j++)
			if (p->drops[j])
				fprintf(f, "    %-20s %12" PRIu64 " %12s/s\n",
					xt_reason_name((enum xt_reason)(XT_FIRST_DROP + j)),
					p->drops[j],
					human_rate(a[0], sizeof(a[0]), r.drops[j], false));
	}
}

void print_stats(FILE *f, const struct stats_sample *prev, const struct stats_sample *cur)
{
	double secs = cur->mono_s - prev->mono_s;
	time_t when = (time_t)(cur->wall_ms / 1000);
	char clock[16] = "?";
	struct tm tm;
	int i;

	if (localtime_r(&when, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	fprintf(f, "%s, rates over %.1f s (Ctrl-C ends)\n", clock, secs);
	if (!cur->n)
		fputs("\nno overlay\n", f);
	for (i = 0; i < cur->n; i++) {
		fputc('\n', f);
		print_overlay_stats(f, overlay_in(prev, cur->ovs[i].spec.dev), &cur->ovs[i], secs);
	}
}

void output_stats(const struct cli *cli, FILE *f, const struct stats_sample *prev,
		  const struct stats_sample *cur)
{
	if (!cli->json) {
		/* A terminal: the cursor home and the screen cleared, then the new one. */
		fputs("\033[H\033[2J", f);
		print_stats(f, prev, cur);
		return;
	}
	output_json(cli, f, json_stats(prev, cur));
}
