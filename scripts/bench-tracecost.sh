#!/bin/bash
# What `xtunnel trace` costs the data path while nobody traces: bench/progcost's table per
# encapsulation for the programs as built (trace off) and for the same programs built
# without any trace code (progcost-notrace, XT_NO_TRACE), RUNS times each, alternately, so
# that both see the same phases of the machine. Prints a Markdown table: per program the
# median ns per packet of each build with its spread (min-max over the runs), the difference
# of the medians, and the programs' sizes after the verifier. A figure, never an assertion.
set -u
BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
RUNS=${RUNS:-10}
RAW=$(mktemp /tmp/xtunnel-tracecost.XXXXXX)
trap 'rm -f "$RAW"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench-tracecost: run as root" >&2; exit 1; }

for run in $(seq "$RUNS"); do
	for build in off none; do
		bin=$BUILD/bench/progcost
		[ "$build" = none ] && bin=$BUILD/bench/progcost-notrace
		# | vxlan | IPv4 | null tc | encap (x) | decap tc (x) | null xdp | decap xdp (x) |
		# encap insns | decap tc insns | decap xdp insns |
		"$bin" encaps | awk -F'|' -v b="$build" -v r="$run" 'NF > 10 && $4 ~ /[0-9]/ {
			for (i = 2; i <= 11; i++) { gsub(/^ +| +$/, "", $i); sub(/ .*/, "", $i) }
			print b, r, $2 "/" $3, "encap", $5, $9
			print b, r, $2 "/" $3, "decap_tc", $6, $10
			print b, r, $2 "/" $3, "decap_xdp", $8, $11
		}' >>"$RAW" || { echo "bench-tracecost: $bin failed" >&2; exit 1; }
	done
done

/usr/bin/python3 - "$RAW" "$RUNS" <<'EOF'
import statistics, sys
from collections import defaultdict
ns, insns = defaultdict(list), {}
for line in open(sys.argv[1]):
    build, run, row, prog, t, n = line.split()
    ns[(row, prog, build)].append(float(t))
    insns[(row, prog, build)] = n
print("| encapsulation | program | trace off ns (min-max) | no trace code ns (min-max) "
      "| difference ns | insns off / none |")
print("|---|---|---|---|---|---|")
rows = sorted({(r, p) for r, p, _ in ns}, key=lambda k: list(ns).index((k[0], k[1], "off")))
for row, prog in rows:
    off, none = ns[(row, prog, "off")], ns[(row, prog, "none")]
    mo, mn = statistics.median(off), statistics.median(none)
    print(f"| {row.replace('/', ' over ')} | {prog.replace('_', ' ')} | {mo:.1f} "
          f"({min(off):.1f}-{max(off):.1f}) | {mn:.1f} ({min(none):.1f}-{max(none):.1f}) "
          f"| {mo - mn:+.1f} | {insns[(row, prog, 'off')]} / {insns[(row, prog, 'none')]} |")
print(f"\n{sys.argv[2]} runs of each build, alternated.")
EOF
