# Shared by the namespace tests: TAP output, a two-host topology, TCP transfer checks.
# Source it; it sets a trap that deletes exactly the namespaces and processes it made.
# Hosts are network namespaces joined by a veth pair (the underlay, 192.0.2.0/24).
# Every xtunnel command runs as its own `ip netns exec NS xtunnel ...`, as users do.

set -u
XTUNNEL=${XTUNNEL:-$BUILD/xtunnel}
TAG="xt$$"
NS_A="${TAG}a"
NS_B="${TAG}b"
NS_C="${TAG}c"
NS_D="${TAG}d"
NS_S="${TAG}s"
UNDER_A=192.0.2.1
UNDER_B=192.0.2.2
UNDER_C=192.0.2.3
UNDER_D=192.0.2.4
TMP=$(mktemp -d /tmp/xtunnel-test.XXXXXX)
_made_ns=()
_started_pids=()
declare -A _capture_pid # capture_start's tcpdump of each file
_tap_n=0
_tap_failed=0

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=1
	echo "not ok $_tap_n - $*"
}

# check NAME COMMAND...: one TAP line from the command's status. One command: in
# `check NAME [ a ] && [ b ]` the shell runs [ b ] after check, unchecked; write
# `[ a -a b ]`, or bash -c for more.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# check_fails NAME COMMAND...: passes when the command fails.
check_fails() {
	local name=$1
	shift
	if "$@"; then not_ok "$name"; else ok "$name"; fi
}

diag() {
	echo "# $*"
}

cleanup() {
	local pid ns
	for pid in "${_started_pids[@]}"; do
		# Only while it is still this shell's child: a PID that ended long ago may be
		# another's by now (pid_max is 32768 here, and builds go through thousands).
		[ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$$" ] &&
			kill "$pid" 2>/dev/null
	done
	for ns in "${_made_ns[@]}"; do
		ip netns del "$ns" 2>/dev/null
		# The pins of overlays that were still attached: xtunnel removes those of a gone
		# namespace at its next command, which may never come after the last test.
		[ -d "/sys/fs/bpf/xtunnel/netns/$ns" ] && rm -rf "/sys/fs/bpf/xtunnel/netns/$ns"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

xt() {
	local ns=$1
	shift
	ip netns exec "$ns" "$XTUNNEL" "$@"
}

ns_new() {
	ip netns add "$1" || return 1
	[[ " ${_made_ns[*]} " == *" $1 "* ]] || _made_ns+=("$1") # built again after lans_del
	ip -n "$1" link set lo up
}

# underlay_link NS1 IF1 ADDR1 NS2 IF2 ADDR2 [tx-off]: a veth wire between two hosts.
# With tx-off both ends compute checksums in software, as a NIC's receiver would see them.
underlay_link() {
	local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6 mode=${7:-}
	ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2" || return 1
	ip -n "$ns1" addr add "$a1/24" dev "$if1" &&
		ip -n "$ns2" addr add "$a2/24" dev "$if2" &&
		ip -n "$ns1" link set "$if1" up &&
		ip -n "$ns2" link set "$if2" up || return 1
	if [ "$mode" = tx-off ]; then
		in_ns "$ns1" ethtool -K "$if1" tx off >/dev/null &&
			in_ns "$ns2" ethtool -K "$if2" tx off >/dev/null || return 1
	fi
}

# topo_pair [tx-off]: hosts A and B, underlay ua (A) -- ub (B).
topo_pair() {
	ns_new "$NS_A" && ns_new "$NS_B" &&
		underlay_link "$NS_A" ua "$UNDER_A" "$NS_B" ub "$UNDER_B" "${1:-}"
}

# topo_switch [HOSTS]: hosts A, B and C (uplinks ua, ub, uc), or those named (a to d), on
# one L2 segment, a bridge in a namespace of its own.
topo_switch() {
	local h
	ns_new "$NS_S" && ip -n "$NS_S" link add br0 type bridge &&
		ip -n "$NS_S" link set br0 up || return 1
	for h in ${1:-a b c}; do
		local ns="${TAG}$h" addr
		addr=$(eval echo "\$UNDER_${h^^}")
		ns_new "$ns" &&
			ip link add "u$h" netns "$ns" type veth peer name "p$h" netns "$NS_S" &&
			ip -n "$NS_S" link set "p$h" master br0 up &&
			ip -n "$ns" addr add "$addr/24" dev "u$h" &&
			ip -n "$ns" link set "u$h" up || return 1
	done
}

# topo_lans [6]: two gateways A and B, each with a LAN host: C behind A, S behind B.
#   C c0 10.1.0.2 --- la A ua ==== ub B lb --- s0 S 10.2.0.2
# (IPv6 fd01::/64 and fd02::/64 on the LANs; the underlay IPv4, or IPv6 with 6.) The LAN
# hosts' ends send full checksums (tx off): XDP on a veth sees no checksum state. Every
# veth end that may receive XDP-redirected frames without an XDP program of its own has
# GRO on, which gives it the NAPI context veth needs for them. A and B forward.
topo_lans() {
	local under=${1:-4} ns x
	ns_new "$NS_C" && ns_new "$NS_A" && ns_new "$NS_B" && ns_new "$NS_S" || return 1
	# No duplicate address detection: a router solicits a neighbour for a packet it
	# forwards from its link-local address, unusable while still tentative.
	for ns in "$NS_C" "$NS_A" "$NS_B" "$NS_S"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 || return 1
	done
	ip link add c0 netns "$NS_C" type veth peer name la netns "$NS_A" &&
		ip link add ua netns "$NS_A" type veth peer name ub netns "$NS_B" &&
		ip link add lb netns "$NS_B" type veth peer name s0 netns "$NS_S" || return 1
	for x in "$NS_C c0 10.1.0.2/24 fd01::2/64" "$NS_A la 10.1.0.1/24 fd01::1/64" \
		"$NS_B lb 10.2.0.1/24 fd02::1/64" "$NS_S s0 10.2.0.2/24 fd02::2/64"; do
		set -- $x
		ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" addr add "$4" dev "$2" nodad &&
			ip -n "$1" link set "$2" up || return 1
	done
	ip -n "$NS_C" route add default via 10.1.0.1 && ip -n "$NS_C" route add default via fd01::1 &&
		ip -n "$NS_S" route add default via 10.2.0.1 &&
		ip -n "$NS_S" route add default via fd02::1 || return 1
	if [ "$under" = 6 ]; then
		ip -n "$NS_A" addr add 2001:db8::1/64 dev ua nodad &&
			ip -n "$NS_B" addr add 2001:db8::2/64 dev ub nodad || return 1
	else
		ip -n "$NS_A" addr add 192.0.2.1/24 dev ua && ip -n "$NS_B" addr add 192.0.2.2/24 dev ub ||
			return 1
	fi
	ip -n "$NS_A" link set ua up && ip -n "$NS_B" link set ub up || return 1
	for x in "$NS_C c0" "$NS_S s0" "$NS_A ua" "$NS_B ub"; do
		set -- $x
		in_ns "$1" ethtool -K "$2" tx off gro on >/dev/null || return 1
	done
	for ns in "$NS_A" "$NS_B"; do
		in_ns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
	done
}

# lans_del: removes the four hosts of topo_lans, so that a test can build them again.
lans_del() {
	local ns
	for ns in "$NS_C" "$NS_A" "$NS_B" "$NS_S"; do
		ip netns del "$ns" 2>/dev/null
	done
}

# kernel_vxlan NS UPLINK LOCAL REMOTE ADDR: the kernel's own VXLAN device, configured with
# nothing more than the issue allows: no static neighbour or FDB entries.
kernel_vxlan() {
	local ns=$1 uplink=$2 local=$3 remote=$4 addr=$5
	ip -n "$ns" link add vx0 type vxlan id 42 remote "$remote" local "$local" dstport 4789 \
		dev "$uplink" &&
		ip -n "$ns" addr add "$addr" dev vx0 &&
		ip -n "$ns" link set vx0 up
}

# L2 overlays: hosts with a bridge, "VMs" on it, and the overlay device as a port.

# l2_bridge NS PORT [BRIDGE]: bridge BRIDGE (br0) on host NS, with PORT (xt0, vx0) as one
# of its ports.
l2_bridge() {
	local br=${3:-br0}
	ip -n "$1" link add "$br" type bridge &&
		ip -n "$1" link set "$2" master "$br" &&
		ip -n "$1" link set "$br" up
}

# vm_new VM HOST_NS MAC ADDR4 ADDR6 [BRIDGE]: a "VM", namespace VM with eth0 (MAC, ADDR4/24
# and ADDR6/64), its other end vm-VM a port of HOST_NS's BRIDGE (br0). MTU 1450: what a
# VXLAN device on a 1500-byte underlay carries, and a bridge takes its ports' smallest.
vm_new() {
	local vm=$1 host=$2 mac=$3 a4=$4 a6=$5
	ns_new "$vm" && in_ns "$vm" sysctl -qw net.ipv6.conf.default.accept_dad=0 &&
		vm_plug "$vm" "$host" "$mac" "${6:-br0}" || return 1
	ip -n "$vm" addr add "$a4/24" dev eth0 && ip -n "$vm" addr add "$a6/64" dev eth0 nodad
}

# vm_plug VM HOST_NS MAC [BRIDGE]: VM's eth0 (MAC) plugged into HOST_NS's BRIDGE (br0);
# vm_unplug VM HOST_NS takes it out (the wire goes, and with it the VM's eth0 and its
# addresses).
vm_plug() {
	local vm=$1 host=$2 mac=$3 br=${4:-br0} port=vm${1#"$TAG"}
	ip link add eth0 netns "$vm" mtu 1450 address "$mac" type veth peer name "$port" \
		netns "$host" mtu 1450 &&
		ip -n "$host" link set "$port" master "$br" up &&
		ip -n "$vm" link set eth0 up
}

vm_unplug() {
	ip -n "$2" link del "vm${1#"$TAG"}"
}

# kernel_vxlan_l2 NS UPLINK LOCAL REMOTE...: the kernel's vxlan as VTEP of a bridge, the
# usual way: learning on, an all-zeros FDB entry per remote VTEP (head-end replication).
kernel_vxlan_l2() {
	local ns=$1 uplink=$2 local=$3 r
	shift 3
	ip -n "$ns" link add vx0 type vxlan id 42 local "$local" dstport 4789 dev "$uplink" ||
		return 1
	for r in "$@"; do
		in_ns "$ns" bridge fdb append 00:00:00:00:00:00 dev vx0 dst "$r" || return 1
	done
	ip -n "$ns" link set vx0 up
}

# wait_listen NS PORT: until a TCP listener is up (at most 5 s).
wait_listen() {
	local i
	for i in $(seq 50); do
		in_ns "$1" ss -Hltn "sport = :$2" | grep -q LISTEN && return 0
		sleep 0.1
	done
	return 1
}

# tcp_transfer SRC_NS DST_NS DST_ADDR MIB [slow]: sends MIB of random data over TCP (IPv4 or
# IPv6) and checks that what arrived is byte for byte what was sent. With slow, the
# receiver reads 64 KiB at a time with a pause of 1 ms between reads, so that segments wait
# in its socket's queue.
tcp_transfer() {
	local src=$1 dst=$2 addr=$3 mib=$4 port=$((20000 + RANDOM % 20000)) pid rc v="" a=$3
	case $addr in *:*) v=6 a="[$addr]" ;; esac
	head -c "$((mib * 1024 * 1024))" /dev/urandom >"$TMP/sent" || return 1
	rm -f "$TMP/received"
	if [ "${5:-}" = slow ]; then
		in_ns "$dst" timeout 30 /usr/bin/python3 - "$addr" "$port" "$TMP/received" <<'PY' &
import socket, sys, time
addr, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(1)
c, _ = s.accept()
with open(path, "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
        time.sleep(0.001)
PY
	else
		in_ns "$dst" timeout 30 socat -u "TCP$v-LISTEN:$port,bind=$a,reuseaddr" \
			"OPEN:$TMP/received,creat,trunc" &
	fi
	pid=$!
	_started_pids+=("$pid")
	wait_listen "$dst" "$port" || return 1
	in_ns "$src" timeout 30 socat -u "OPEN:$TMP/sent" "TCP$v:$a:$port" || return 1
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && cmp -s "$TMP/sent" "$TMP/received"
}

ping_ok() {
	in_ns "$1" ping -c "${3:-2}" -i 0.2 -W 1 "$2" >/dev/null 2>&1
}

# expect STATUS TEXT NAME -- ARGS...: runs xtunnel ARGS in host A; passes when it exits
# with STATUS and says TEXT (as it is, not a pattern) in a line of its own "xtunnel: ...".
expect() {
	local status=$1 text=$2 name=$3 out rc
	shift 4
	out=$(xt "$NS_A" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$status" ] && grep -qF -- "$text" <<<"$out" &&
		grep -q "^xtunnel: " <<<"$out"; then
		ok "$name"
	else
		not_ok "$name (exit $rc, said: $(head -1 <<<"$out"))"
	fi
}

# capture_start NS IF FILE FILTER...: tcpdump on IF of NS into FILE (at most 60 s, or
# until capture_stop); returns once it listens. Immediate mode: libpcap's default ring
# hands packets over only when a block fills or after a second, by when capture_stop may
# have read the file: a packet on the wire would count as none.
capture_start() {
	local ns=$1 dev=$2 file=$3 i
	shift 3
	in_ns "$ns" timeout 60 tcpdump -i "$dev" --immediate-mode -U -n -w "$file" "$@" \
		2>"$file.log" &
	_capture_pid[$file]=$!
	_started_pids+=("$!")
	for i in $(seq 50); do
		grep -q "listening on" "$file.log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# capture_stop FILE: ends the capture into FILE; prints how many packets FILE holds.
capture_stop() {
	sleep 0.3 # what is on its way
	kill "${_capture_pid[$1]}" 2>/dev/null
	wait "${_capture_pid[$1]}" 2>/dev/null
	tcpdump -r "$1" --count 2>/dev/null | awk '/^[0-9]+ packets?$/ { print $1 }'
}

# json_field NS JQ_EXPR: a value from `xtunnel show -j`.
json_field() {
	xt "$1" show -j | jq -r "$2"
}

tap_done() {
	echo "1..$_tap_n"
	exit "$_tap_failed"
}
