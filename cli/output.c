// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one place state is formatted: JSON (json-c) and human output in the spirit of `wg`. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Room for any formatted address, prefix or endpoint: "[IPV6]:PORT" is the longest. */
#define ADDR_TEXT (INET6_ADDRSTRLEN + 8)

/* The length of the well-formed UTF-8 sequence at s (RFC 3629 section 4), 0 if there is
 * none: no overlong form, no surrogate, nothing above U+10FFFF. */
static int utf8_sequence(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	for (i = 1; i < len; i++, lo = 0x80, hi = 0xbf)
		if (s[i] < lo || s[i] > hi)
			return 0;
	return len;
}

/*
 * A name the kernel gave (a device's, or a path with one) as a JSON string. A device name
 * may hold any byte but '/', ':' and whitespace, JSON text must be UTF-8 (RFC 8259 section
 * 8.1), and json-c copies bytes as they are: each byte that starts no well-formed UTF-8
 * sequence becomes U+FFFD, the replacement character.
 */
static json_object *json_name(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	char *text = malloc(3 * strlen(name) + 1), *t = text;
	json_object *o;
	int len;

	if (!text)
		return NULL;
	while (*s) {
		len = utf8_sequence(s);
		if (len) {
			memcpy(t, s, (size_t)len);
			t += len;
			s += len;
		} else {
			memcpy(t, "\xef\xbf\xbd", 3);
			t += 3;
			s++;
		}
	}
	*t = '\0';
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
static void output_json(const struct cli *cli, FILE *f, json_object *j)
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
