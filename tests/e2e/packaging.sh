#!/bin/bash
# Packaging (issue 14): make install with PREFIX and DESTDIR puts the binary, the man pages,
# the bash completion and the systemd units in their places; the units pass systemd-analyze
# verify; the completion offers what the binary's own tables and the system hold (commands,
# keywords and their values, overlays, peers, interfaces, files), run as bash runs it; and
# make deb builds a package that dpkg installs into a scratch root and removes without a
# trace. The live system's package database is never touched.
. "$(dirname "$0")/../lib/netns.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mk() { make -s --no-print-directory -C "$ROOT" BUILD="$BUILD" "$@"; }

# ---- make install ----
D=$TMP/dest
check "make install PREFIX=/usr/local DESTDIR=..." mk install PREFIX=/usr/local DESTDIR="$D"
want="usr/local/lib/systemd/system/xtunnel-agent@.service
usr/local/lib/systemd/system/xtunnel-metrics.service
usr/local/lib/systemd/system/xtunnel@.service
usr/local/sbin/xtunnel
usr/local/share/bash-completion/completions/xtunnel
usr/local/share/man/man8/xtunnel.8"
for m in "$ROOT"/docs/*.[1-8]; do # every man page the tree has, in its section
	want="$want
usr/local/share/man/man${m##*.}/${m##*/}"
done
check "it installs exactly the binary, the man pages, the completion and the units" \
	[ "$(cd "$D" && find . -type f | sed 's|^\./||' | sort)" = "$(sort -u <<<"$want")" ]
check "the binary runs" bash -c "$D/usr/local/sbin/xtunnel --version | grep -q '^xtunnel [0-9]'"
check "the units run the binary where it was installed" [ "$(grep -h '^Exec' \
	"$D"/usr/local/lib/systemd/system/* | sort | paste -sd' ')" = \
	"ExecReload=/usr/local/sbin/xtunnel sync %i ExecStart=/usr/local/sbin/xtunnel agent --network %i --etcd \${ETCD} --name \${NAME} --uplink \${UPLINK} --dev \${DEV} --address \${ADDRESS} --advertise \${ADVERTISE} \$EXTRA_ARGS ExecStart=/usr/local/sbin/xtunnel metrics --listen \${XTUNNEL_METRICS_LISTEN} ExecStart=/usr/local/sbin/xtunnel up %i ExecStop=/usr/local/sbin/xtunnel down %i" ]

# ---- systemd-analyze verify ----
# verify checks that the commands exist: the units of an install whose binary is this
# build's, and the man pages they name from that install.
V=$TMP/verify
mk install PREFIX=/usr SBINDIR="$BUILD" DESTDIR="$V"
units="$V/usr/lib/systemd/system"
verify() { (cd "$V" && MANPATH="$V/usr/share/man" systemd-analyze verify "$@" 2>&1); }
out=$(verify "$units/xtunnel@wan.service" "$units/xtunnel-metrics.service" \
	"$units/xtunnel-agent@dc1.service")
check "systemd-analyze verify passes on the three units, without a word ($out)" \
	[ $? = 0 -a -z "$out" ]
sed 's/^ExecStop=/ExecStpo=/' "$units/xtunnel@.service" >"$TMP/xtunnel-typo@.service"
check "and it would say so of a unit with a mistake" bash -c \
	"cd $V && systemd-analyze verify $TMP/xtunnel-typo@x.service 2>&1 | grep -q ExecStpo"

# ---- bash completion ----
comp=$D/usr/local/share/bash-completion/completions/xtunnel
topo_pair &&
	xt "$NS_A" attach ua address 10.10.0.1/24 2>/dev/null &&
	xt "$NS_A" attach ua dev xt1 vni 2 address 10.11.0.1/24 2>/dev/null &&
	xt "$NS_A" peer add b endpoint "$UNDER_B" allowed-ips 10.10.0.2/32 dev xt0 &&
	xt "$NS_B" attach ub address 10.10.0.2/24 2>/dev/null &&
	xt "$NS_B" peer add p1 endpoint 192.0.2.11 allowed-ips 10.10.0.11/32 &&
	xt "$NS_B" peer add p2 endpoint 192.0.2.12 allowed-ips 10.10.0.12/32 ||
	not_ok "overlays and peers to complete"

# offers NS WORD...: what bash completes for the last WORD ("" to start a new one) after
# the others, in NS, sorted, on one line.
offers() {
	local ns=$1
	shift
	in_ns "$ns" bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_xtunnel; printf "%s\n" "${COMPREPLY[@]}"' "$comp" "$XTUNNEL" "$@" |
		sort | paste -sd' '
}
sorted() { tr ' ' '\n' | sed '/^$/d' | sort | paste -sd' '; }

commands=$("$XTUNNEL" help | awk '/^Commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 }')
check "help lists commands ($(echo $commands))" [ -n "$commands" ]
check "a first word: the global options and every command help lists" \
	[ "$(offers "$NS_A" "")" = "$(sorted <<<"-j --json -p --pretty --version --help $commands")" ]
check "a command's beginning: that command" [ "$(offers "$NS_A" at)" = attach ]
check "help: the commands" [ "$(offers "$NS_A" help "")" = "$(sorted <<<"$commands")" ]
check "attach: the interfaces of the namespace" [ "$(offers "$NS_A" attach "")" = \
	"$(ip -n "$NS_A" -o link | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sorted)" ]
check "attach UPLINK: the keywords of its usage" [ "$(offers "$NS_A" attach ua "")" = \
	"$(sorted <<<"address ageing dev encap forward-from force key local mac max-macs max-peers max-routes mode mtu port rx vni xdp-mode")" ]
check "attach ... encap: the encapsulations" [ "$(offers "$NS_A" attach ua encap "")" = \
	"geneve gre ipip vxlan" ]
check "attach ... encap g: those that start so" [ "$(offers "$NS_A" attach ua encap g)" = \
	"geneve gre" ]
check "attach ... rx: the receive paths" [ "$(offers "$NS_A" attach ua rx "")" = "auto tc xdp" ]
check "attach ... forward-from: interfaces" bash -c \
	"[[ ' $(offers "$NS_A" attach ua forward-from "") ' == *' ua '* ]]"
check "attach ... vni: nothing to guess" [ -z "$(offers "$NS_A" attach ua vni "")" ]
overlays=$(xt "$NS_A" show -j | jq -r '.[].dev' | sorted)
check "show: its options, dev and the overlays ($overlays)" [ "$(offers "$NS_A" show "")" = \
	"$(sorted <<<"-j --json -p --pretty dev $overlays")" ]
check "detach: dev and the overlays" [ "$(offers "$NS_A" detach "")" = \
	"$(sorted <<<"dev $overlays")" ]
check "reload dev x: the overlays" [ "$(offers "$NS_A" reload dev x)" = "$overlays" ]
check "peer: its verbs" [ "$(offers "$NS_A" peer "")" = "add del set" ]
check "peer set, of the only overlay: its peers" [ "$(offers "$NS_B" peer set "")" = "p1 p2" ]
check "peer add: nothing (a new name is the user's)" [ -z "$(offers "$NS_B" peer add "")" ]
check "peer set NAME: the verb's keywords" [ "$(offers "$NS_B" peer set p1 "")" = \
	"allowed-ips dev endpoint flood move udp6-zero-csum" ]
check "peer del NAME dev: the overlays" [ "$(offers "$NS_A" peer del b dev "")" = "$overlays" ]
check "fdb: its verbs" [ "$(offers "$NS_A" fdb "")" = "add del show" ]
check "neigh: its verbs" [ "$(offers "$NS_A" neigh "")" = "add del show" ]
check "fdb add MAC: the verb's keywords" [ "$(offers "$NS_A" fdb add 02:00:00:00:00:01 "")" = \
	"dev peer" ]
touch "$TMP/changes.batch"
check "batch: file names" [ "$(offers "$NS_A" batch "$TMP/chan")" = "$TMP/changes.batch" ]

# ---- make deb ----
arch=$(dpkg --print-architecture)
version=$("$XTUNNEL" --version | cut -d' ' -f2)
deb=$BUILD/xtunnel_${version}_$arch.deb
rm -f "$deb"
check "make deb builds $deb" bash -c "make -s --no-print-directory -C $ROOT BUILD=$BUILD deb \
	>/dev/null && [ -s $deb ]"
check "its name, version and architecture" [ "$(dpkg-deb -f "$deb" Package Version Architecture |
	paste -sd' ')" = "Package: xtunnel Version: $version Architecture: $arch" ]
want="./lib/systemd/system/xtunnel-agent@.service
./lib/systemd/system/xtunnel-metrics.service
./lib/systemd/system/xtunnel@.service
./usr/sbin/xtunnel
./usr/share/bash-completion/completions/xtunnel
./usr/share/doc/xtunnel/copyright"
for m in "$ROOT"/docs/*.[1-8]; do
	want="$want
./usr/share/man/man${m##*.}/${m##*/}.gz"
done
check "it holds the binary, the compressed man pages, the completion, the units, the copyright" \
	[ "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)" = "$(sort <<<"$want")" ]
check "every file root's" [ -z "$(dpkg-deb -c "$deb" | awk '$2 != "root/root"')" ]
depends=$(dpkg-deb -f "$deb" Depends)
check "it depends on the libraries the binary links ($depends)" bash -c \
	"for lib in libbpf1 libxdp1 libjson-c5 libmnl0 libcurl4 libc6; do grep -q \"\\<\$lib\\>\" <<<'$depends' || exit 1; done"
satisfied() {
	local dep name op ver have
	while read -r dep; do
		name=${dep%% *}
		have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null) || return 1
		if [[ $dep =~ \((..?)\ (.*)\) ]]; then
			op=${BASH_REMATCH[1]} ver=${BASH_REMATCH[2]}
			case $op in '>=') op=ge ;; '>>') op=gt ;; '=') op=eq ;; *) return 1 ;; esac
			dpkg --compare-versions "$have" "$op" "$ver" || return 1
		fi
	done < <(tr ',' '\n' <<<"$depends" | sed 's/^ *//')
}
check "and this Debian has every one of them, in a version it asks for" satisfied

# Installed into a scratch root: dpkg's database there, not the live one. The libraries are
# the live system's, so their dependencies are forced there.
R=$TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" && touch "$R/var/lib/dpkg/status"
check "dpkg installs it (into $R)" dpkg --root="$R" --force-depends -i "$deb" >/dev/null 2>&1
check "and lists it installed" [ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W \
	-f='${Status} ${Version}' xtunnel)" = "install ok installed $version" ]
check "the installed binary runs" bash -c "$R/usr/sbin/xtunnel --version | grep -q '^xtunnel $version\$'"
check "the installed man page reads" bash -c "man -l $R/usr/share/man/man8/xtunnel.8.gz 2>/dev/null |
	grep -q 'READING THE MAPS'"
check "dpkg removes it" dpkg --root="$R" -r xtunnel >/dev/null 2>&1
check "and purges it" dpkg --root="$R" -P xtunnel >/dev/null 2>&1
check "nothing of it is left ($(cd "$R" && find . -mindepth 1 -not -path './var*' | head -3))" \
	[ -z "$(cd "$R" && find . -mindepth 1 -not -path './var' -not -path './var/lib' \
		-not -path './var/lib/dpkg*')" ]
check "not even in dpkg's database" [ -z "$(dpkg-query --admindir="$R/var/lib/dpkg" -W \
	-f='${Status}' xtunnel 2>/dev/null)" ]
tap_done
