#!/bin/bash
# xtunnel stats and xtunnel metrics (issue 14). Host B sends A known traffic across the
# overlay: pings of a known size and UDP datagrams (no ARP: both ends have the other's MAC
# as a permanent neighbour), so every per-peer counter is known from what was sent, here,
# not from any output of xtunnel. Then:
# - `stats -j --interval 0.5`: one JSON object per line, whose rates times their intervals
#   add up to the packets and bytes sent while it ran;
# - `stats --prometheus`: `promtool check metrics` passes, also with an overlay whose name
#   holds a quote and a backslash, and refuses the same text with one quote unescaped;
# - `xtunnel metrics` in host A scraped every second by a real Prometheus server (Debian's
#   /usr/bin/prometheus, started here in host A on its loopback, its database in $TMP): its
#   query API returns each peer's series with the values the traffic makes, the drops by
#   reason, the latest packet's time and the silent gauge; GET /metrics only; SIGTERM and
#   SIGINT end it with status 0.
. "$(dirname "$0")/../lib/netns.sh"
PY=/usr/bin/python3 # Debian's interpreter, where python3-scapy is (see DESIGN.md)
SEND="$(dirname "$0")/../lib/send_vxlan.py"
PROMETHEUS=/usr/bin/prometheus
PROMTOOL=/usr/bin/promtool
METRICS_PORT=9587
PROM_PORT=9090
ODD='q"\1' # an overlay name with a quote and a backslash: both escaped in label values
ODD_LABEL='q\"\\1'
# One ping with -s 100, one UDP datagram of 100 bytes: the inner Ethernet frame the
# counters count (man page, COUNTERS) is 14 (Ethernet) + 20 (IPv4) + 8 (ICMP or UDP) + 100.
FRAME=$((14 + 20 + 8 + 100))

# bg_xtunnel NS OUT ARGS...: xtunnel in the background; its PID in $bg. Not through xt: a
# function in the background is a subshell, whose PID $! would be.
bg_xtunnel() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$XTUNNEL" "$@" >"$out" 2>"$out.err" &
	bg=$!
	_started_pids+=("$bg")
}

# http_code PATH [CURL ARGS...]: the status of a request to xtunnel metrics in A.
http_code() {
	local path=$1
	shift
	in_ns "$NS_A" curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" \
		"http://127.0.0.1:$METRICS_PORT$path"
}

# wait_http PORT PATH: until something answers 200 there in A (at most 10 s).
wait_http() {
	local i
	for i in $(seq 100); do
		in_ns "$NS_A" curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$1$2" && return 0
		sleep 0.1
	done
	return 1
}

# query PROMQL: the value of the one series Prometheus returns for it; "n=COUNT" when it
# returns none or several.
query() {
	in_ns "$NS_A" curl -sfG --max-time 5 "http://127.0.0.1:$PROM_PORT/api/v1/query" \
		--data-urlencode "query=$1" |
		jq -r 'if (.data.result | length) == 1 then .data.result[0].value[1]
			else "n=\(.data.result | length)" end'
}

# is QUERY WANT: passes when the query's value is WANT, else says what it was.
is() {
	local got
	got=$(query "$1")
	[ "$got" = "$2" ] || {
		diag "$1: $got, want $2"
		return 1
	}
}

# udp_to_a COUNT: datagrams of 100 bytes from B to A's port 7777, where A listens.
udp_to_a() {
	in_ns "$NS_B" bash -c 'for i in $(seq '"$1"'); do
		printf "%100s" "" >/dev/udp/10.10.0.1/7777 || exit 1; done'
}

topo_pair || { not_ok "build two hosts"; tap_done; }
check "attach A" xt "$NS_A" attach ua address 10.10.0.1/24
check "attach B" xt "$NS_B" attach ub address 10.10.0.2/24
check "A: peer b" xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32
check "A: peer quiet, which never sends" xt "$NS_A" peer add quiet endpoint 192.0.2.50 \
	allowed-ips 10.10.0.50/32
check "B: peer a" xt "$NS_B" peer add a endpoint "$UNDER_A" allowed-ips 10.10.0.1/32
check "A: a second overlay named $ODD" xt "$NS_A" attach ua dev "$ODD" vni 2 \
	address 10.20.0.1/24
check "with a peer c" xt "$NS_A" peer add c dev "$ODD" endpoint 192.0.2.3 \
	allowed-ips 10.20.0.3/32
mac_a=$(ip -n "$NS_A" -j link show xt0 | jq -r '.[0].address')
mac_b=$(ip -n "$NS_B" -j link show xt0 | jq -r '.[0].address')
mac_ua=$(ip -n "$NS_A" -j link show ua | jq -r '.[0].address')
neighbours() {
	ip -n "$NS_A" neigh replace 10.10.0.2 lladdr "$mac_b" dev xt0 nud permanent &&
		ip -n "$NS_B" neigh replace 10.10.0.1 lladdr "$mac_a" dev xt0 nud permanent
}
check "no ARP: permanent neighbours both ways" neighbours
# A listener for the datagrams, so that A answers none of them (port unreachable).
ip netns exec "$NS_A" timeout 60 socat -u UDP-RECV:7777 /dev/null >/dev/null 2>&1 &
_started_pids+=($!)

# ---- stats -j: rates over the intervals ----
rx0=$(json_field "$NS_A" '.[0].peers[] | select(.name == "b") | .rx_packets')
tx0=$(json_field "$NS_A" '.[0].peers[] | select(.name == "b") | .tx_packets')
bg_xtunnel "$NS_A" "$TMP/stats.json" stats xt0 -j --interval 0.5 --count 8
stats=$bg
sleep 0.3
# pings COUNT INTERVAL: from B to A, each of 100 bytes.
pings() { in_ns "$NS_B" ping -c "$1" -i "$2" -s 100 -W 1 -q 10.10.0.1 >/dev/null; }
check "B pings A 20 times (while stats runs)" pings 20 0.1
wait "$stats"
check "stats -j --count 8 ends with status 0" [ $? = 0 ]
check "8 lines, each one JSON object" \
	[ "$(wc -l <"$TMP/stats.json")" = 8 -a "$(jq -s 'map(type == "object") | length' \
		"$TMP/stats.json")" = 8 ]
# sum FIELD: the sum over the lines of peer b's rate of FIELD times the line's interval,
# which is the counter's growth over the whole run (rates have 3 decimals).
sum() {
	jq -s --arg f "$1" '[.[] | .interval as $i | .overlays[0].peers[] |
		select(.name == "b") | .rates[$f] * $i] | add' "$TMP/stats.json"
}
near() { jq -en --argjson a "$1" --argjson b "$2" '($a - $b) | fabs < 0.5' >/dev/null; }
diag "rates x intervals: rx $(sum rx_packets) packets, $(sum rx_bytes) bytes"
check "b's received packet rates add up to the 20 pings" near "$(sum rx_packets)" 20
check "b's received byte rates add up to 20 frames of $FRAME bytes" \
	near "$(sum rx_bytes)" $((20 * FRAME))
check "b's sent packet rates add up to the 20 replies" near "$(sum tx_packets)" 20
check "b's sent byte rates add up to 20 frames of $FRAME bytes" \
	near "$(sum tx_bytes)" $((20 * FRAME))
check "the last line's totals moved by the 20 pings" \
	[ "$(tail -1 "$TMP/stats.json" | jq '.overlays[0].peers[] | select(.name == "b") |
		[.rx_packets, .tx_packets] | @csv' -r)" = "$((rx0 + 20)),$((tx0 + 20))" ]
check "the overlay's decap rate adds up to the 20 pings too" \
	near "$(jq -s '[.[] | .interval as $i | .overlays[0].rates.decap * $i] | add' \
		"$TMP/stats.json")" 20
check "quiet's rates are 0 in every line" \
	[ "$(jq -s '[.[].overlays[0].peers[] | select(.name == "quiet") | .rates |
		.rx_packets, .tx_packets, .drops_total] | unique' -c "$TMP/stats.json")" = '[0]' ]
check "stats xt0 shows xt0 alone" \
	[ "$(jq -s '[.[].overlays[].dev] | unique' -c "$TMP/stats.json")" = '["xt0"]' ]

# On a terminal (script(1) gives it one), a screen that replaces the last one: the cursor
# home and the screen cleared, then the table; no JSON.
script -qec "ip netns exec $NS_A $XTUNNEL stats --count 2 --interval 0.2" /dev/null \
	>"$TMP/screen.txt"
check "on a terminal, stats draws 2 screens, each from the top of a cleared screen" \
	[ "$(grep -o $'\e\\[H\e\\[2J' "$TMP/screen.txt" | wc -l)" = 2 ]
check "with the peers' rates" grep -q '^  b  *[0-9.]* ' "$TMP/screen.txt"
check_fails "and no JSON" grep -q '{' "$TMP/screen.txt"

# ---- stats --prometheus, checked by promtool ----
xt "$NS_A" stats --prometheus >"$TMP/prom.txt"
check "stats --prometheus exits 0" [ $? = 0 ]
check "promtool check metrics passes on it" "$PROMTOOL" check metrics <"$TMP/prom.txt"
check "it has b's received packets, as sent" grep -qxF \
	"xtunnel_peer_received_packets_total{dev=\"xt0\",peer=\"b\"} $((rx0 + 20))" "$TMP/prom.txt"
check "and $ODD's peers, its name escaped" \
	grep -qxF "xtunnel_peers{dev=\"$ODD_LABEL\"} 1" "$TMP/prom.txt"
sed 's/dev="q\\"/dev="q"/' "$TMP/prom.txt" >"$TMP/broken.txt"
check_fails "promtool refuses the text with that quote unescaped" \
	"$PROMTOOL" check metrics <"$TMP/broken.txt" 2>/dev/null
expect 2 "--prometheus prints the counters once" "--prometheus with --count is a usage error" \
	-- stats --prometheus --count 2

# ---- xtunnel metrics, scraped by Prometheus ----
expect 2 "a port is needed" "metrics --listen without a port is a usage error" \
	-- metrics --listen 127.0.0.1
expect 2 "--listen ADDR:PORT is needed" "metrics without --listen is a usage error" -- metrics
bg_xtunnel "$NS_A" "$TMP/metrics.out" metrics --listen "127.0.0.1:$METRICS_PORT"
metrics=$bg
check "xtunnel metrics answers on 127.0.0.1:$METRICS_PORT" wait_http "$METRICS_PORT" /metrics
expect 1 "Address already in use" "a second one on the same port fails at once" \
	-- metrics --listen "127.0.0.1:$METRICS_PORT"
check "GET / is 404" [ "$(http_code /)" = 404 ]
check "GET /metricsx is 404" [ "$(http_code /metricsx)" = 404 ]
check "POST /metrics is 405" [ "$(http_code /metrics -X POST -d x=1)" = 405 ]
check "GET /metrics is text/plain; version=0.0.4" \
	grep -qix 'content-type: text/plain; version=0.0.4; charset=utf-8.' \
	<(in_ns "$NS_A" curl -s -D - -o /dev/null "http://127.0.0.1:$METRICS_PORT/metrics")
check "what it serves passes promtool" \
	"$PROMTOOL" check metrics < <(in_ns "$NS_A" curl -s "http://127.0.0.1:$METRICS_PORT/metrics")

cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: xtunnel
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
EOF
t_start=$(date +%s.%N)
ip netns exec "$NS_A" "$PROMETHEUS" --config.file="$TMP/prometheus.yml" \
	--storage.tsdb.path="$TMP/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT" \
	>"$TMP/prometheus.log" 2>&1 &
prometheus=$!
_started_pids+=("$prometheus")
check "Prometheus is ready" wait_http "$PROM_PORT" /-/ready
diag "Prometheus ready after $(echo "$(date +%s.%N) - $t_start" | bc) s"

# More traffic: 30 pings (30 each way), 25 datagrams (one way), 3 spoofed frames from b.
check "B pings A 30 more times" pings 30 0.05
t0=$(date +%s)
check "B sends A 25 UDP datagrams" udp_to_a 25
t1=$(date +%s)
in_ns "$NS_B" "$PY" "$SEND" ub "$mac_ua" "$UNDER_B" "$UNDER_A" 1 10.10.0.77 10.10.0.1 3 good \
	2>&1 | grep -v WARNING
rx=$((rx0 + 20 + 30 + 25)) tx=$((tx0 + 20 + 30))
b='{dev="xt0",peer="b"}'
for i in $(seq 150); do # until a scrape after the traffic is in (at most 15 s)
	[ "$(query "xtunnel_peer_dropped_packets_total{peer=\"b\",reason=\"drop_spoofed\"}")" = 3 ] &&
		[ "$(query "xtunnel_peer_received_packets_total$b")" = "$rx" ] && break
	sleep 0.1
done
diag "scraped after $i tries"
check "Prometheus scraped xtunnel: up is 1" is 'up{job="xtunnel"}' 1
check "b's received packets are the $rx it was sent" \
	is "xtunnel_peer_received_packets_total$b" "$rx"
check "b's received bytes are $rx frames of $FRAME" \
	is "xtunnel_peer_received_bytes_total$b" $((rx * FRAME))
check "b's sent packets are the $tx replies" is "xtunnel_peer_sent_packets_total$b" "$tx"
check "b's sent bytes are $tx frames of $FRAME" is "xtunnel_peer_sent_bytes_total$b" \
	$((tx * FRAME))
check "b's drops: 3 under reason drop_spoofed" \
	is "xtunnel_peer_dropped_packets_total{dev=\"xt0\",peer=\"b\",reason=\"drop_spoofed\"}" 3
check "and 0 under every other reason" \
	is "sum(xtunnel_peer_dropped_packets_total{peer=\"b\",reason!=\"drop_spoofed\"})" 0
check "the overlay's drop_spoofed counter is 3" \
	is 'xtunnel_packets_total{dev="xt0",reason="drop_spoofed"}' 3
latest=$(query "xtunnel_peer_latest_packet_timestamp_seconds$b")
diag "b's latest packet at $latest; the datagrams went from $t0 to $t1 (date +%s)"
check "b's latest packet is the time of the last datagram, by date +%s" \
	jq -en --argjson v "$latest" --argjson lo "$((t0 - 1))" --argjson hi "$((t1 + 1))" \
	'$v >= $lo and $v <= $hi' >/dev/null
check "b is not silent" is "xtunnel_peer_silent$b" 0
check "quiet is silent" is 'xtunnel_peer_silent{peer="quiet"}' 1
check "quiet was never heard from: timestamp 0" \
	is 'xtunnel_peer_latest_packet_timestamp_seconds{peer="quiet"}' 0
check "and nothing received" is 'xtunnel_peer_received_packets_total{peer="quiet"}' 0
check "$ODD's series carry its name, escaped" \
	is "xtunnel_peer_received_packets_total{dev=\"$ODD_LABEL\",peer=\"c\"}" 0
check "2 overlays" is 'count(count by (dev) (xtunnel_peers))' 2
check "3 peers" is 'count(xtunnel_peer_silent)' 3

kill -TERM "$metrics"
wait "$metrics"
check "SIGTERM ends xtunnel metrics with status 0" [ $? = 0 ]
check "and nothing listens any more" [ "$(http_code /metrics)" = 000 ]
check "metrics xt0 serves xt0 alone" bg_xtunnel "$NS_A" "$TMP/metrics2.out" metrics xt0 \
	--listen "127.0.0.1:$METRICS_PORT"
metrics=$bg
wait_http "$METRICS_PORT" /metrics
check "(its series have dev xt0 only)" [ "$(in_ns "$NS_A" curl -s \
	"http://127.0.0.1:$METRICS_PORT/metrics" | grep -v '^#' | grep -o 'dev="[^"]*"' |
	sort -u)" = 'dev="xt0"' ]
kill -INT "$metrics"
wait "$metrics"
check "SIGINT ends it with status 0" [ $? = 0 ]
expect 2 "nosuch" "metrics of an overlay that does not exist fails at once" \
	-- metrics nosuch --listen "127.0.0.1:$METRICS_PORT"
kill -TERM "$prometheus"
wait "$prometheus"
check "Prometheus stops on SIGTERM" [ $? = 0 ]
tap_done
