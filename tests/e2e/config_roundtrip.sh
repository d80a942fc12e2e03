#!/bin/bash
# Config files (issue 14): up makes what a file says, save writes it back, and save -> down
# -> up -> save gives the same text, byte for byte, for every encapsulation over an IPv4 and
# an IPv6 underlay, GRE with and without a key, and with forward-from. The first save is
# compared with the file the test expects, written out here from the same parameters the
# input file was (the MTU from the uplink's 1500 minus the overhead each RFC gives). Both
# hosts brought up from files carry TCP byte for byte; down takes FILE, NAME or DEV.
. "$(dirname "$0")/../lib/netns.sh"
UNDER6_A=2001:db8::1
UNDER6_B=2001:db8::2

topo_pair && ip -n "$NS_A" addr add "$UNDER6_A/64" dev ua nodad &&
	ip -n "$NS_B" addr add "$UNDER6_B/64" dev ub nodad || { not_ok "two hosts"; tap_done; }

# overhead ENCAP FAMILY KEY: outer IP (20 or 40) + UDP 8 + VXLAN/GENEVE 8 + inner Ethernet
# 14 (RFC 7348, RFC 8926), GRE 4 + key 4 (RFC 2784, RFC 2890), IPIP nothing more.
overhead() {
	local ip=20 key=0
	[ "$2" = 6 ] && ip=40
	[ -n "${3:-}" ] && key=4
	case $1 in
	vxlan | geneve) echo $((ip + 30)) ;;
	gre) echo $((ip + 4 + key)) ;;
	ipip) echo "$ip" ;;
	esac
}

# zero_csum ENCAP FAMILY: peer b's udp6-zero-csum line where it has a meaning (VXLAN and
# GENEVE over IPv6), nothing elsewhere.
zero_csum() {
	case $1$2 in vxlan6 | geneve6) echo "UDP6ZeroChecksum = true" ;; esac
}

# case_file ENCAP FAMILY KEY: the input file (settings left to their defaults where they
# have one), and the file save must write (every setting).
case_files() {
	local encap=$1 fam=$2 key=${3:-} local=$UNDER_A ep=$UNDER_B ep2=192.0.2.50 port="" extra=""
	[ "$fam" = 6 ] && local=$UNDER6_A ep=$UNDER6_B ep2=2001:db8::50
	cat >"$TMP/in.conf" <<EOF
# $encap over IPv$fam${key:+ with key $key}
[Overlay]
Name = xr0
Uplink = ua
Encap = $encap
$(case $encap in vxlan | geneve) echo "VNI = 77" ;; gre) [ -n "$key" ] && echo "Key = $key" ;; esac)
Local = $local
Address = fd00:20::1/64, 10.20.0.1/24
Address = fd00:10::1/64   ; two IPv6 addresses, not in order
MaxPeers = 32

[Peer]
Name = zed
Endpoint = $([ "$fam" = 6 ] && echo "[$ep2]" || echo "$ep2")
AllowedIPs = 10.30.0.0/16
Managed = true

[Peer]
Name = b
Endpoint = $([ "$fam" = 6 ] && echo "[$ep]" || echo "$ep")$(
		case $encap in vxlan | geneve) echo ":4791" ;; esac
	)
AllowedIPs = fd00:40::/64, 10.20.0.2/32
AllowedIPs = 10.40.0.0/16
$(zero_csum "$encap" "$fam")
EOF
	case $encap in
	vxlan) port=4789 ;;
	geneve) port=6081 ;;
	esac
	{
		echo "# Written by xtunnel save; xtunnel up makes the overlay again. xtunnel.conf(5)"
		echo "[Overlay]"
		echo "Name = xr0"
		echo "Uplink = ua"
		echo "Encap = $encap"
		[ -n "$port" ] && echo "VNI = 77" && echo "Port = $port"
		[ -n "$key" ] && echo "Key = $key"
		echo "Local = $local"
		echo "Address = 10.20.0.1/24, fd00:10::1/64, fd00:20::1/64"
		echo "MTU = $((1500 - $(overhead "$encap" "$fam" "$key")))"
		echo "Receive = auto"
		echo "XDPMode = native"
		echo "MaxPeers = 32"
		echo "MaxRoutes = 16384"
		echo
		echo "[Peer]"
		echo "Name = b"
		if [ -n "$port" ]; then
			[ "$fam" = 6 ] && echo "Endpoint = [$ep]:4791" || echo "Endpoint = $ep:4791"
		else
			echo "Endpoint = $ep"
		fi
		echo "AllowedIPs = 10.20.0.2/32, 10.40.0.0/16, fd00:40::/64"
		zero_csum "$encap" "$fam"
		echo
		echo "[Peer]"
		echo "Name = zed"
		echo "Endpoint = $ep2"
		echo "AllowedIPs = 10.30.0.0/16"
		echo "Managed = true"
	} >"$TMP/want.conf"
}

# Settings and peers of show -j, without counters: what up must make again.
# IPv6 addresses in one order: the kernel lists them newest first.
state() { xt "$NS_A" show xr0 -j | jq -cS '.[0] | del(.counters, .rx_reason, .gso_reason) |
	.addresses |= sort |
	.peers |= map(del(.rx_packets, .rx_bytes, .tx_packets, .tx_bytes, .drops, .id) |
	.allowed_ips |= sort)'; }

roundtrip() {
	local name=$1
	shift
	case_files "$@"
	check "$name: up FILE" xt "$NS_A" up "$TMP/in.conf"
	xt "$NS_A" save xr0 >"$TMP/save1.conf"
	check "$name: save writes every setting, as expected" diff -u "$TMP/want.conf" "$TMP/save1.conf"
	state >"$TMP/state1"
	check "$name: down FILE" xt "$NS_A" down "$TMP/save1.conf"
	check "$name: the overlay is gone" bash -c "! ip -n $NS_A link show xr0 2>/dev/null"
	check "$name: up the saved file" xt "$NS_A" up "$TMP/save1.conf"
	xt "$NS_A" save xr0 >"$TMP/save2.conf"
	check "$name: save -> down -> up -> save: the same text" cmp "$TMP/save1.conf" "$TMP/save2.conf"
	state >"$TMP/state2"
	check "$name: and the same overlay and peers in show -j" cmp "$TMP/state1" "$TMP/state2"
	check "$name: down DEV" xt "$NS_A" down xr0
}

for fam in 4 6; do
	roundtrip "vxlan over IPv$fam" vxlan "$fam"
	roundtrip "geneve over IPv$fam" geneve "$fam"
	roundtrip "gre with key over IPv$fam" gre "$fam" 4242
	roundtrip "gre without key over IPv$fam" gre "$fam" ""
	roundtrip "ipip over IPv$fam" ipip "$fam"
done
# GRE's key 0 is a key: written, and read back as one.
case_files gre 4 0
check "gre key 0: up" xt "$NS_A" up "$TMP/in.conf"
check "gre key 0: saved as Key = 0" diff -u "$TMP/want.conf" <(xt "$NS_A" save xr0)
xt "$NS_A" down xr0

# ---- forward-from, and every setting away from its default ----
ip -n "$NS_A" link add lan0 type veth peer name lan1 && ip -n "$NS_A" link set lan0 up &&
	ip -n "$NS_A" link set lan1 up && ip -n "$NS_A" link add lan2 type veth peer name lan3 &&
	ip -n "$NS_A" link set lan2 up && ip -n "$NS_A" link set lan3 up &&
	in_ns "$NS_A" sysctl -qw net.ipv4.ip_forward=1 || not_ok "forward-from ports"
cat >"$TMP/fwd.conf" <<EOF
[Overlay]
Name = xf0
Uplink = ua
Encap = geneve
VNI = 9
Port = 6090
Local = $UNDER_A
Address = 10.50.0.1/24
MTU = 1400
Receive = tc
XDPMode = generic
ForwardFrom = lan2, lan0
MaxPeers = 8
MaxRoutes = 64

[Peer]
Name = b
Endpoint = $UNDER_B
AllowedIPs = 10.50.0.2/32, 10.60.0.0/16
EOF
check "forward-from: up" xt "$NS_A" up "$TMP/fwd.conf"
xt "$NS_A" save xf0 >"$TMP/fwd1.conf"
check "forward-from: save writes the file as it was written (one order)" diff -u \
	<(echo "# Written by xtunnel save; xtunnel up makes the overlay again. xtunnel.conf(5)"
		sed 's/^ForwardFrom = .*/ForwardFrom = lan0, lan2/' "$TMP/fwd.conf") "$TMP/fwd1.conf"
check "forward-from: down DEV" xt "$NS_A" down xf0
check "forward-from: no forward program left on lan0" bash -c \
	"! ip -n $NS_A link show lan0 | grep -q xdp"
check "forward-from: up the saved file" xt "$NS_A" up "$TMP/fwd1.conf"
check "forward-from: save -> down -> up -> save: the same text" cmp "$TMP/fwd1.conf" \
	<(xt "$NS_A" save xf0)
check "forward-from: both ports forward again" bash -c \
	"ip -n $NS_A link show lan0 | grep -q xdpgeneric && ip -n $NS_A link show lan2 | grep -q xdpgeneric"
xt "$NS_A" down xf0

# ---- two hosts from files carry traffic ----
cat >"$TMP/a.conf" <<EOF
[Overlay]
Uplink = ua
VNI = 42
Address = 10.10.0.1/24
[Peer]
Name = b
Endpoint = $UNDER_B
AllowedIPs = 10.10.0.2/32
EOF
sed "s/^Uplink = ua/Name = xt0\nUplink = ub/; s/10.10.0.1/10.10.0.2/; s/Name = b/Name = a/;
	s/$UNDER_B/$UNDER_A/; s|10.10.0.2/32|10.10.0.1/32|" "$TMP/a.conf" >"$TMP/b.conf"
cp "$TMP/a.conf" "$TMP/xt0.conf"
check "a file without Name makes the device its name says (xt0.conf: xt0)" \
	xt "$NS_A" up "$TMP/xt0.conf"
check "host B up from its file" xt "$NS_B" up "$TMP/b.conf"
check "ping across the overlay both made" ping_ok "$NS_A" 10.10.0.2
check "TCP 4 MiB byte for byte" tcp_transfer "$NS_A" "$NS_B" 10.10.0.2 4
check "up of a running overlay is refused (exit 2), naming sync" bash -c \
	"out=\$(ip netns exec $NS_A $XTUNNEL up $TMP/xt0.conf 2>&1); [ \$? = 2 ] &&
	grep -q 'runs already (.xtunnel sync' <<<\"\$out\""

# down NAME: the file /etc/xtunnel/NAME.conf (its Name is the device), else the device.
name="xtc$$"
[ -d /etc/xtunnel ] || made_dir=1
mkdir -p /etc/xtunnel && cp "$TMP/b.conf" "/etc/xtunnel/$name.conf" ||
	not_ok "a file in /etc/xtunnel"
check "down NAME reads /etc/xtunnel/NAME.conf and removes its Name's device" \
	xt "$NS_B" down "$name"
check "B's xt0 is gone" bash -c "! ip -n $NS_B link show xt0 2>/dev/null"
check "up NAME reads /etc/xtunnel/NAME.conf" xt "$NS_B" up "$name"
rm -f "/etc/xtunnel/$name.conf"
[ -n "${made_dir:-}" ] && rmdir /etc/xtunnel
check "down NAME without a file is the device NAME" xt "$NS_B" down xt0
check "down of a missing FILE is refused (exit 2)" bash -c \
	"ip netns exec $NS_A $XTUNNEL down $TMP/nofile.conf 2>/dev/null; [ \$? = 2 ]"
check "NAME cannot lead out of /etc/xtunnel (exit 2)" bash -c \
	"out=\$(ip netns exec $NS_A $XTUNNEL up .. 2>&1); [ \$? = 2 ] && grep -q 'not a device name' <<<\"\$out\""
xt "$NS_A" down xt0

tap_done
