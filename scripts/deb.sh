#!/bin/sh
# make deb: a Debian package of xtunnel, from what `make install` installs, with dpkg's own
# tools: dpkg-shlibdeps for the libraries it needs, dpkg-deb to build it (files owned by
# root without fakeroot). Units go where Debian 12 keeps them (/lib/systemd/system), man
# pages compressed as Debian policy asks. No maintainer scripts: systemd finds a new unit
# when it is first enabled or started, and nothing else needs doing at install or removal.
set -eu
BUILD=${BUILD:?}
VERSION=${VERSION:?}
arch=$(dpkg --print-architecture)
work=$BUILD/deb
root=$work/root
out=$BUILD/xtunnel_${VERSION}_$arch.deb
rm -rf "$work"
mkdir -p "$root/DEBIAN"
make -s --no-print-directory install BUILD="$BUILD" DESTDIR="$root" PREFIX=/usr \
	SYSTEMDUNITDIR=/lib/systemd/system
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/sbin/xtunnel"
find "$root/usr/share/man" -type f -exec gzip -9n {} +
doc=$root/usr/share/doc/xtunnel
install -d "$doc"
printf '%s\n' "xtunnel: an overlay tunnel with an eBPF data path." "" \
	"License: GPL-2.0 OR BSD-2-Clause (see the SPDX line of each source file)." >"$doc/copyright"
# dpkg-shlibdeps reads the package's name from debian/control in its working directory.
mkdir -p "$work/debian"
printf 'Source: xtunnel\n\nPackage: xtunnel\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "root/usr/sbin/xtunnel" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
cat >"$root/DEBIAN/control" <<CONTROL
Package: xtunnel
Version: $VERSION
Architecture: $arch
Maintainer: xtunnel developers <xtunnel@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: net
Priority: optional
Description: overlay tunnel (VXLAN, GENEVE, GRE, IPIP) with an eBPF data path
 xtunnel builds overlay networks over IPv4 or IPv6 underlays with VXLAN, GENEVE, GRE or
 IP-in-IP, carrying IPv4 and IPv6. Encapsulation and decapsulation run in eBPF programs
 (TC and XDP); peers and routes live in BPF maps. The xtunnel command attaches, shows and
 changes overlays in the style of wg; systemd units bring overlays up at boot.
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "  DEB      $out"
