// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xtunnel trace: packets as the data path reports them, one line each, until Ctrl-C. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include "cli.h"

const char trace_usage[] = "xtunnel trace [[dev] NAME] [peer PEER] [drops|all] [--rate N] "
			   "[--count N] [--duration S] [-j|--json]";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct trace_out {
	const struct cli *cli;
	uint64_t printed, count; /* count 0: no end */
};

static const char *inner_type_name(uint16_t type)
{
	return type == 0x0800 ? "ipv4" : type == 0x86dd ? "ipv6" : type == 0x0806 ? "arp" : "other";
}

static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		return NULL;
	}
}

static json_object *json_packet(const struct xt_trace_packet *p)
{
	json_object *o = json_object_new_object(), *outer = NULL, *inner = NULL;
	char a[64], time[32];

	snprintf(time, sizeof(time), "%" PRId64 ".%06" PRId64, p->time_ns / 1000000000,
		 (p->time_ns % 1000000000) / 1000);
	json_object_object_add(o, "time", json_object_new_double_s((double)p->time_ns / 1e9, time));
	json_object_object_add(o, "prog", json_object_new_string(xt_trace_prog_name(p->prog)));
	json_object_object_add(o, "dir", json_object_new_string(p->rx ? "rx" : "tx"));
	json_object_object_add(o, "peer", p->peer[0] ? json_object_new_string(p->peer) : NULL);
	json_object_object_add(o, "len", json_object_new_int64(p->len));
	json_object_object_add(o, "verdict", json_object_new_string(xt_reason_verdict(p->reason)));
	json_object_object_add(o, "reason", json_object_new_string(xt_reason_key(p->reason)));
	if (p->has_outer) {
		outer = json_object_new_object();
		xt_format_ip(&p->outer_src, a, sizeof(a));
		json_object_object_add(outer, "src", json_object_new_string(a));
		xt_format_ip(&p->outer_dst, a, sizeof(a));
		json_object_object_add(outer, "dst", json_object_new_string(a));
		if (p->outer_sport)
			json_object_object_add(outer, "sport", json_object_new_int(p->outer_sport));
		if (p->outer_dport)
			json_object_object_add(outer, "dport", json_object_new_int(p->outer_dport));
		if (p->has_vni)
			json_object_object_add(outer, "vni", json_object_new_int64(p->vni));
		if (p->has_key)
			json_object_object_add(outer, "key", json_object_new_int64(p->key));
	}
	json_object_object_add(o, "outer", outer);
	if (p->has_inner) {
		inner = json_object_new_object();
		json_object_object_add(inner, "type",
				       json_object_new_string(inner_type_name(p->inner_type)));
		if (p->inner_type != 0x0806)
			json_object_object_add(inner, "proto", json_object_new_int(p->inner_proto));
		xt_format_ip(&p->inner_src, a, sizeof(a));
		json_object_object_add(inner, "src", json_object_new_string(a));
		xt_format_ip(&p->inner_dst, a, sizeof(a));
		json_object_object_add(inner, "dst", json_object_new_string(a));
		if (p->inner_sport || p->inner_dport) {
			json_object_object_add(inner, "sport", json_object_new_int(p->inner_sport));
			json_object_object_add(inner, "dport", json_object_new_int(p->inner_dport));
		}
	}
	json_object_object_add(o, "inner", inner);
	return o;
}

/* 12:00:01.123456 xt_decap_tc rx b 192.0.2.2:50123 > 192.0.2.1:4789 vni 1 | udp
 * 10.10.0.77:5555 > 10.10.0.1:6666 | 96 B drop drop-spoofed */
static void print_packet(FILE *f, const struct xt_trace_packet *p)
{
	time_t secs = (time_t)(p->time_ns / 1000000000);
	char when[16] = "?", src[64], dst[64];
	const char *l4;
	struct tm tm;

	if (localtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(f, "%s.%06" PRId64 " %s %s %s", when, (p->time_ns % 1000000000) / 1000,
		xt_trace_prog_name(p->prog), p->rx ? "rx" : "tx", p->peer[0] ? p->peer : "-");
	if (p->has_outer) {
		xt_format_endpoint(&p->outer_src, p->outer_sport, src, sizeof(src));
		xt_format_endpoint(&p->outer_dst, p->outer_dport, dst, sizeof(dst));
		fprintf(f, " %s > %s", src, dst);
		if (p->has_vni)
			fprintf(f, " vni %u", p->vni);
		if (p->has_key)
			fprintf(f, " key %u", p->key);
	}
	if (p->has_inner) {
		l4 = l4_name(p->inner_proto);
		xt_format_endpoint(&p->inner_src, p->inner_sport, src, sizeof(src));
		xt_format_endpoint(&p->inner_dst, p->inner_dport, dst, sizeof(dst));
		if (p->inner_type == 0x0806)
			fprintf(f, " | arp %s > %s", src, dst);
		else if (l4)
			fprintf(f, " | %s %s > %s", l4, src, dst);
		else
			fprintf(f, " | %s proto %u %s > %s", inner_type_name(p->inner_type),
				p->inner_proto, src, dst);
	}
	fprintf(f, " | %" PRIu32 " B %s %s\n", p->len, xt_reason_verdict(p->reason),
		xt_reason_name(p->reason));
}

static void on_packet(const struct xt_trace_packet *p, void *arg)
{
	struct trace_out *out = arg;

	if (out->count && out->printed >= out->count)
		return; /* one poll may bring more than were asked for */
	if (out->cli->json) {
		json_object *j = json_packet(p);

		printf("%s\n", json_object_to_json_string_ext(
				       j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		print_packet(stdout, p);
	}
	fflush(stdout);
	out->printed++;
}

static int trace_parse(int argc, char **argv, struct cli *cli, struct xt_trace_request *req,
		       uint64_t *count, double *duration)
{
	const char *v;
	uint32_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if (cli_output_option(cli, argv[i]))
			continue;
		if (!strcmp(argv[i], "all") || !strcmp(argv[i], "drops")) {
			req->all = !strcmp(argv[i], "all");
		} else if (!strcmp(argv[i], "peer") || !strcmp(argv[i], "dev") ||
			   !strcmp(argv[i], "--rate") || !strcmp(argv[i], "--count")) {
			v = cli_value(argc, argv, &i);
			if (!v)
				return cli_usage_error(trace_usage, "trace: %s needs a value",
						       argv[i]);
			if (!strcmp(argv[i - 1], "peer")) {
				req->peer = v;
			} else if (!strcmp(argv[i - 1], "dev")) {
				req->dev = v;
			} else if (xt_parse_u32(v, 1, UINT32_MAX, &n)) {
				return cli_usage_error(trace_usage, "trace: %s %s: %s", argv[i - 1],
						       v, xt_errmsg());
			} else if (!strcmp(argv[i - 1], "--rate")) {
				req->rate = n;
			} else {
				*count = n;
			}
		} else if (!strcmp(argv[i], "--duration")) {
			char *end;

			v = cli_value(argc, argv, &i);
			*duration = v ? strtod(v, &end) : 0;
			if (!v || *end || !(*duration > 0))
				return cli_usage_error(trace_usage,
						       "trace: --duration takes seconds (> 0)");
		} else if (!req->dev && argv[i][0] != '-') {
			req->dev = argv[i];
		} else {
			return cli_usage_error(trace_usage, "trace: unexpected '%s'", argv[i]);
		}
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_trace(struct cli *cli, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: poll returns */
	struct xt_trace_request req = {};
	struct trace_out out = { cli, 0, 0 };
	struct xt_tracer *t;
	double duration = 0, end;
	uint64_t lost;
	int err, wait_ms;

	if (cli_is_help(argc, argv))
		return cli_print_usage(trace_usage);
	err = trace_parse(argc, argv, cli, &req, &out.count, &duration);
	if (err)
		return err;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (xt_trace_start(&req, &t))
		return cli_fail("trace");
	end = duration > 0 ? now_s() + duration : 0;
	err = 0;
	while (!stop && (!out.count || out.printed < out.count)) {
		wait_ms = 500;
		if (end) {
			double left = end - now_s();

			if (left <= 0)
				break;
			if (left * 1000 < wait_ms)
				wait_ms = (int)(left * 1000) + 1;
		}
		err = xt_trace_poll(t, wait_ms, on_packet, &out);
		if (err == -EINTR)
			err = 0;
		else if (err < 0)
			break;
	}
	lost = xt_trace_lost(t);
	xt_trace_stop(t);
	if (err < 0)
		return cli_fail("trace");
	if (lost)
		fprintf(stderr,
			"xtunnel: trace: %" PRIu64
			" events lost (over the rate, or the ring buffer "
			"was full)\n",
			lost);
	return 0;
}
