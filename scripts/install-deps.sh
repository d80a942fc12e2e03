#!/bin/sh
# Installs the Debian packages xtunnel needs to build, test and demo. Idempotent:
# it only calls apt-get when a package is missing. See docs/architecture.md for why
# each dependency is there.
set -eu
PKGS="make gcc clang pkg-config libbpf-dev libxdp-dev bpftool libjson-c-dev libmnl-dev libcurl4-openssl-dev etcd-server etcd-client
libcmocka-dev libpcap-dev libinih-dev iproute2 iputils-ping ethtool iperf3 tshark python3 python3-scapy socat jq gnuplot-nox xdp-tools strace
dpkg-dev systemd man-db libmicrohttpd-dev prometheus curl openssl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
