#!/bin/bash
# make fleet-bench: figures of xtunnel agent on a one-member etcd started here (figures, not
# assertions; docs/benchmarks.md has a run). Two hosts with agents; then
#   converge - N nodes (default 1,000) written in transactions of 100; the time from the
#              end of the last write until host 1 has every one as a peer (polled every
#              50 ms, so up to one poll and one `show` late), then the nodes deleted;
#   change   - one node's endpoint and prefix changed; the time until both hosts apply it;
#   memory   - BIG nodes (default 10,000) on an overlay attached with room for them; the
#              agent's resident memory (VmRSS) and its peak (VmHWM) once converged.
# RUNS (default 3) of converge and change; the median and the range are reported.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
export BUILD
. "$(dirname "$0")/../tests/lib/netns.sh"
. "$(dirname "$0")/../tests/lib/fleet.sh"
RUNS=${RUNS:-3}
N=${N:-1000}
BIG=${BIG:-10000}
ETCD_URLS=$(etcd_urls 1)
[ "$(id -u)" = 0 ] || { echo "fleet-bench: run as root" >&2; exit 1; }

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
# until_ok SECONDS COMMAND...: polls COMMAND every 50 ms; gives up (exit 1) after SECONDS.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || { echo "fleet-bench: gave up waiting: $*" >&2; exit 1; }
		sleep 0.05
	done
}
s7_at() { xt "${TAG}h$1" show xf0 -j | jq -e ".[0].peers[] | select(.name == \"s7\") |
	.endpoint == \"198.18.200.$2\"" >/dev/null; }
# median_range V...: "median (min-max)"
median_range() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
	printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }

fleet_switch && fleet_host 1 && fleet_host 2 && etcd_start 1 1 && etcd_healthy ||
	{ echo "fleet-bench: no etcd" >&2; exit 1; }
# Room for BIG peers, attached before the agents, which adopt the overlay.
for i in 1 2; do
	xt "${TAG}h$i" attach "u$i" dev xf0 address "10.100.$i.1/24" max-peers 16384 \
		max-routes 65536 || exit 1
	agent_start "$i"
done
wait_peers 1 h2 && wait_peers 2 h1 || { echo "fleet-bench: agents did not start" >&2; exit 1; }

conv=() change=()
for r in $(seq "$RUNS"); do
	sim_put 1 "$N" || exit 1
	t=$(date +%s%N)
	until_ok 60 count_is 1 $((N + 1))
	conv+=("$(ms_since "$t")")
	ectl put "/xtunnel/$NET/nodes/s7" \
		"{\"endpoint\": \"198.18.200.$r\", \"prefixes\": [\"10.99.$r.0/24\"]}" >/dev/null
	t=$(date +%s%N)
	for i in 1 2; do until_ok 30 s7_at "$i" "$r"; done
	change+=("$(ms_since "$t")")
	ectl del --prefix "/xtunnel/$NET/nodes/s" >/dev/null
	wait_peers 1 h2 60 && wait_peers 2 h1 60 || exit 1
	echo "run $r: $N nodes converged ${conv[-1]} ms after the last write; one change on both hosts ${change[-1]} ms"
done

sim_put 1 "$BIG" || exit 1
t=$(date +%s%N)
until_ok 600 count_is 1 $((BIG + 1))
big_ms=$(ms_since "$t")
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/${AGENT_PID[1]}/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/${AGENT_PID[1]}/status")
ectl del --prefix "/xtunnel/$NET/nodes/s" >/dev/null
wait_peers 1 h2 120
for i in 1 2; do agent_stop "$i"; done

echo
echo "| figure | value |"
echo "|---|---|"
echo "| $N nodes: converged after the last write (ms, median of $RUNS, range) | $(median_range "${conv[@]}") |"
echo "| one changed node applied on both hosts (ms, median of $RUNS, range) | $(median_range "${change[@]}") |"
echo "| $BIG nodes: converged after the last write (ms, one run) | $big_ms |"
echo "| agent memory at $BIG nodes: VmRSS / VmHWM (KiB) | $rss / $hwm |"
