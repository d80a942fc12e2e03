#!/bin/bash
# Runs every test: unit (cmocka), BPF_PROG_TEST_RUN (cmocka), end-to-end and interop
# (shell, in namespaces). Every test speaks TAP ("ok N - name" / "not ok N - name"); this
# runner counts the results and ends with "N passed, N failed". A test program that exits
# non-zero without reporting a failure counts as one failure: a crash never passes.
# Usage: tests/run.sh [FILTER]   (runs only tests whose path contains FILTER)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
export BUILD XTUNNEL=${XTUNNEL:-$BUILD/xtunnel} CMOCKA_MESSAGE_OUTPUT=TAP
filter=${1:-}
passed=0 failed=0
failures=()
log_dir=$BUILD/test-logs
mkdir -p "$log_dir"

if [ "$(id -u)" != 0 ]; then
	echo "tests/run.sh: the tests load BPF programs and build namespaces: run as root" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

run_one() {
	local name=$1; shift
	local log=$log_dir/$(echo "$name" | tr '/' '_').log
	local start=$SECONDS rc p f
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -cE '^ok [0-9]+' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "not ok - $name reported no test" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-44s %3d passed %3d failed  %3ds\n' "$name" "$p" "$f" $((SECONDS - start))
	if [ "$f" != 0 ]; then
		grep -E '^not ok|^#' "$log" | sed 's/^/    /' | head -40
		failures+=("$name")
	fi
}

for t in "$BUILD"/tests/unit/* "$BUILD"/tests/bpf/*; do
	[ -x "$t" ] || continue
	case "$t" in *"$filter"*) ;; *) continue ;; esac
	run_one "${t#"$BUILD"/}" "$t"
done
for t in tests/e2e/*.sh tests/interop/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *"$filter"*) ;; *) continue ;; esac
	run_one "$t" bash "$t"
done

[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]} (logs in $log_dir)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
