#!/usr/bin/python3
"""Golden packets judged by encoders and decoders that are not ours.

For every encapsulation x underlay family x inner family, scapy builds the inner frames,
tests/tools/pcaprun runs the real xt_encap over them (BPF_PROG_TEST_RUN), and scapy builds
the packet each must become: outputs are compared byte for byte. The UDP source port and
the IPv6 flow label come from the kernel's flow hash, whose seed is random per boot: they
are checked for range and taken from the output; every other byte, the outer UDP checksum
over IPv6 included, is scapy's. tshark then reads the outputs with checksum validation on
and must find every checksum good, the VNI/key/protocol we configured, lengths that add up,
and no malformed packet. In the other direction scapy builds encapsulated frames (GENEVE
with options, GRE with flags we refuse, ...) and both decap programs must deliver exactly
the inner frame, or drop/pass them for the documented reason.
Prints TAP.
"""
import os
import re
import subprocess
import sys
import tempfile

from scapy.all import (ARP, GRE, ICMP, IP, TCP, UDP, Ether, ICMPv6EchoRequest, ICMPv6ND_NS,
                       IPv6, Raw, conf, rdpcap, wrpcap)
from scapy.contrib.geneve import GENEVE, GeneveOptions
from scapy.layers.vxlan import VXLAN

conf.verb = 0
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
PCAPRUN = os.path.join(BUILD, "tests", "tools", "pcaprun")

VNI, KEY = 0x12AB34, 0x01020304
UNDERLAY = {4: ("198.51.100.1", "198.51.100.2"), 6: ("2001:db8::1", "2001:db8::2")}
INNER = {4: ("10.10.1.1", "10.10.2.7", "10.10.2.0/24"),
         6: ("fd00:10:1::1", "fd00:10:2::7", "fd00:10:2::/64")}
HOST_MAC, REMOTE_MAC, OVERLAY_MAC = "02:00:00:0a:01:01", "02:00:00:0a:02:07", "02:00:00:00:00:aa"
UPLINK_MAC, PEER_UPLINK_MAC = "02:00:5e:00:00:01", "02:00:5e:00:00:02"
PORTS = {"vxlan": 4789, "geneve": 6081}
PEER_ID = 5
TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT, TC_ACT_UNSPEC = 0, 2, 7, -1
XDP_DROP, XDP_PASS, XDP_REDIRECT = 1, 2, 4


def reason_names():
    """enum xt_reason, in order: the X(ID, name) entries of XT_REASONS in the header the
    programs are built from, whose enum is XT_ID for each."""
    text = open(os.path.join(ROOT, "include", "xtunnel_shared.h")).read()
    body = re.search(r"#define XT_REASONS\(X\)((?:.*\\\n)*.*)", text).group(1)
    return ["XT_" + m for m in re.findall(r"\bX\(([A-Z0-9_]+),", body)]


REASONS = reason_names()
n_tests = 0
n_failed = 0


def ok(cond, name, detail=""):
    global n_tests, n_failed
    n_tests += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_tests, name))
    if not cond:
        n_failed += 1
        for line in str(detail).splitlines():
            print("# " + line)
    sys.stdout.flush()


def run(prog, frames, opts, tmp):
    """Run prog over frames; returns [(verdict, reason name, output bytes)]."""
    pin, pout = os.path.join(tmp, "in.pcap"), os.path.join(tmp, "out.pcap")
    wrpcap(pin, frames)
    args = [PCAPRUN, prog, pin, pout]
    for k, v in opts:
        args += [k, str(v)]
    res = subprocess.run(args, capture_output=True, text=True)
    if res.returncode:
        raise RuntimeError("pcaprun failed: " + res.stderr)
    outs = [bytes(p) for p in rdpcap(pout)] if os.path.getsize(pout) > 24 else []
    lines = [l.split() for l in res.stdout.splitlines()]
    return [(int(v), REASONS[int(r)] if int(r) >= 0 else "none", o)
            for (_, v, r), o in zip(lines, outs)]


def overlay_opts(encap, fam):
    local, peer = UNDERLAY[fam]
    kind = "gre" if encap == "gre-key" else encap
    opts = [("encap", kind), ("local", local), ("overlay-mac", OVERLAY_MAC),
            ("uplink-mac", UPLINK_MAC)]
    if kind in PORTS:
        opts += [("vni", VNI), ("port", PORTS[kind])]
    if encap == "gre-key":
        opts += [("key", KEY)]
    port = PORTS.get(kind, 0)
    opts += [("peer", "%s,%d,%d" % (peer, PEER_ID, port))]
    for f in (4, 6):
        opts += [("route", "%s,%d,%s,%d" % (INNER[f][2], PEER_ID, peer, port))]
    return opts


def inner_frames(encap, fam):
    """(name, frame) pairs the host sends on the overlay device."""
    src, dst, _ = INNER[fam]
    eth = Ether(src=HOST_MAC, dst=REMOTE_MAC)
    pay = Raw(b"xtunnel golden packet " * 3)
    if fam == 4:
        frames = [("tcp", eth / IP(src=src, dst=dst, id=1) / TCP(sport=40000, dport=80, flags="PA") / pay),
                  ("udp", eth / IP(src=src, dst=dst, id=2) / UDP(sport=40001, dport=45053) / pay),
                  ("udp-no-checksum", eth / IP(src=src, dst=dst, id=3) / UDP(sport=40002, dport=45053, chksum=0) / pay),
                  ("icmp", eth / IP(src=src, dst=dst, id=4) / ICMP(id=9, seq=1) / pay),
                  ("fragment", eth / IP(src=src, dst=dst, id=5, flags="MF") / Raw(b"f" * 48))]
        if encap in PORTS:
            frames.append(("arp", Ether(src=HOST_MAC, dst="ff:ff:ff:ff:ff:ff") /
                           ARP(op=1, hwsrc=HOST_MAC, psrc=src, pdst=dst)))
    else:
        frames = [("tcp", eth / IPv6(src=src, dst=dst) / TCP(sport=40000, dport=80, flags="PA") / pay),
                  ("udp", eth / IPv6(src=src, dst=dst) / UDP(sport=40001, dport=45053) / pay),
                  ("icmpv6", eth / IPv6(src=src, dst=dst) / ICMPv6EchoRequest(id=9, seq=1) / pay)]
        if encap in PORTS:
            # Neighbour solicitation to the target's solicited-node group: routed by target.
            frames.append(("neighbour-solicitation",
                           Ether(src=HOST_MAC, dst="33:33:ff:00:00:07") /
                           IPv6(src=src, dst="ff02::1:ff00:7", hlim=255) / ICMPv6ND_NS(tgt=dst)))
    return frames


def expected_encap(encap, fam, frame, sport, flow):
    local, peer = UNDERLAY[fam]
    kind = "gre" if encap == "gre-key" else encap
    inner_ip = frame.payload
    inner_fam = 6 if frame.type == 0x86DD else 4
    if kind == "vxlan":
        l4 = UDP(sport=sport, dport=PORTS[kind]) / VXLAN(flags=0x08, vni=VNI) / frame
    elif kind == "geneve":
        l4 = UDP(sport=sport, dport=PORTS[kind]) / GENEVE(vni=VNI, proto=0x6558) / frame
    elif kind == "gre":
        gre = GRE(proto=0x86DD if inner_fam == 6 else 0x0800)
        if encap == "gre-key":
            gre.key_present, gre.key = 1, KEY
        l4 = gre / inner_ip
    else:
        l4 = inner_ip
    if fam == 4:
        if kind in PORTS:
            l4[UDP].chksum = 0  # allowed over IPv4 (RFC 768)
        outer = IP(src=local, dst=peer, id=0, flags="DF", ttl=64,
                   proto={"vxlan": 17, "geneve": 17, "gre": 47}.get(kind, 41 if inner_fam == 6 else 4)) / l4
        ethertype = 0x0800
    else:
        outer = IPv6(src=local, dst=peer, hlim=64, fl=flow,
                     nh={"vxlan": 17, "geneve": 17, "gre": 47}.get(kind, 41 if inner_fam == 6 else 4)) / l4
        ethertype = 0x86DD
    return bytes(Ether(src="00:00:00:00:00:00", dst="00:00:00:00:00:00", type=ethertype) / outer)


def hash_fields(out, encap, fam):
    """UDP source port and IPv6 flow label: hash-derived, checked for range."""
    pkt = Ether(out)
    sport = pkt[UDP].sport if encap in PORTS and UDP in pkt else None
    flow = pkt[IPv6].fl if fam == 6 else 0
    return sport, flow


def tshark_fields(pcap, fields, extra=()):
    cmd = ["tshark", "-n", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
           "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-E", "separator=|", "-E", "occurrence=a"]
    cmd += list(extra)
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True)
    return [l.split("|") for l in res.stdout.splitlines()], res.stderr


def check_with_tshark(encap, fam, outputs, tmp):
    kind = "gre" if encap == "gre-key" else encap
    pcap = os.path.join(tmp, "tshark.pcap")
    wrpcap(pcap, [Ether(o) for o in outputs])
    fields = ["frame.len", "ip.checksum.status", "udp.checksum.status", "tcp.checksum.status",
              "ip.len", "ipv6.plen", "udp.length", "vxlan.vni", "geneve.vni", "gre.key",
              "gre.proto", "_ws.malformed", "_ws.expert.severity"]
    rows, err = tshark_fields(pcap, fields)
    name = "tshark: %s over IPv%d" % (encap, fam)
    if len(rows) != len(outputs):
        ok(False, name + ": reads every packet", err)
        return
    problems = []
    for i, row in enumerate(rows):
        f = dict(zip(fields, row))
        flen = int(f["frame.len"])
        ipcs = f["ip.checksum.status"].split(",")
        if fam == 4 and ipcs[0] != "1":
            problems.append("%d: outer IPv4 checksum status %s" % (i, ipcs[0]))
        if "0" in ipcs:
            problems.append("%d: an IPv4 checksum is bad" % i)
        udpcs = [s for s in f["udp.checksum.status"].split(",") if s]
        if kind in PORTS and fam == 6 and (not udpcs or udpcs[0] != "1"):
            problems.append("%d: outer UDP checksum over IPv6 not good: %s" % (i, udpcs))
        if "0" in udpcs or "0" in f["tcp.checksum.status"].split(","):
            problems.append("%d: a UDP or TCP checksum is bad" % i)
        outer_len = f["ip.len"].split(",")[0] if fam == 4 else f["ipv6.plen"].split(",")[0]
        want_len = flen - 14 if fam == 4 else flen - 54
        if int(outer_len or -1) != want_len:
            problems.append("%d: outer length %s, frame says %d" % (i, outer_len, want_len))
        if kind in PORTS and int(f["udp.length"].split(",")[0]) != flen - 14 - (20 if fam == 4 else 40):
            problems.append("%d: UDP length %s" % (i, f["udp.length"]))
        vni = f["vxlan.vni" if kind == "vxlan" else "geneve.vni"] if kind in PORTS else None
        if vni is not None and (not vni or int(vni.split(",")[0], 0) != VNI):
            problems.append("%d: VNI %s" % (i, vni))
        if encap == "gre-key" and int(f["gre.key"] or "-1", 0) != KEY:
            problems.append("%d: GRE key %s" % (i, f["gre.key"]))
        if kind == "gre" and int(f["gre.proto"], 0) not in (0x0800, 0x86DD):
            problems.append("%d: GRE protocol %s" % (i, f["gre.proto"]))
        if f["_ws.malformed"]:
            problems.append("%d: malformed" % i)
        sev = [int(s, 0) for s in f["_ws.expert.severity"].split(",") if s]
        if any(s >= 0x00800000 for s in sev):  # PI_ERROR
            problems.append("%d: expert error" % i)
    ok(not problems, name + ": checksums good, fields and lengths as configured, nothing malformed",
       "\n".join(problems))


def test_encap(tmp):
    for encap in ("vxlan", "geneve", "gre", "gre-key", "ipip"):
        for fam in (4, 6):
            opts = overlay_opts(encap, fam)
            outputs = []
            for inner_fam in (4, 6):
                frames = inner_frames(encap, inner_fam)
                results = run("encap", [f for _, f in frames], opts, tmp)
                for (what, frame), (verdict, reason, out) in zip(frames, results):
                    name = "encap %s over IPv%d: IPv%d %s" % (encap, fam, inner_fam, what)
                    if verdict != TC_ACT_REDIRECT or reason != "XT_OK_ENCAP":
                        ok(False, name, "verdict %d reason %s" % (verdict, reason))
                        continue
                    sport, flow = hash_fields(out, encap, fam)
                    if sport is not None and not 49152 <= sport <= 65535:
                        ok(False, name, "UDP source port %d outside 49152-65535" % sport)
                        continue
                    want = expected_encap(encap, fam, frame, sport, flow)
                    detail = ""
                    if out != want:
                        diff = [i for i in range(min(len(out), len(want))) if out[i] != want[i]]
                        detail = "got %d bytes, want %d; first differing bytes at %s\n got  %s\n want %s" % (
                            len(out), len(want), diff[:8], out.hex(), want.hex())
                    ok(out == want, name + ": exactly scapy's packet", detail)
                    outputs.append(out)
            if outputs:
                check_with_tshark(encap, fam, outputs, tmp)


def outer(encap, fam, payload, sport=50000, key=KEY, gre=None):
    """A frame the peer sends us, built by scapy."""
    local, peer = UNDERLAY[fam]
    kind = "gre" if encap == "gre-key" else encap
    if kind in PORTS:
        l4 = UDP(sport=sport, dport=PORTS[kind]) / payload
    elif kind == "gre":
        l4 = (gre or GRE(proto=0x86DD if IPv6 in payload else 0x0800)) / payload
        if encap == "gre-key" and gre is None:
            l4.key_present, l4.key = 1, key
    else:
        l4 = payload
    ip = (IP(src=peer, dst=local, flags="DF") if fam == 4 else IPv6(src=peer, dst=local)) / l4
    if kind == "ipip":
        ip.proto if fam == 4 else None
    return Ether(src=PEER_UPLINK_MAC, dst=UPLINK_MAC) / ip


def inner_for(encap, inner_fam):
    src, dst, _ = INNER[inner_fam]
    dst, src = src, dst  # from the peer's host to ours
    ip = (IP(src=src, dst=dst) if inner_fam == 4 else IPv6(src=src, dst=dst)) / \
        TCP(sport=80, dport=40000, flags="A") / Raw(b"golden reply" * 4)
    return Ether(src=REMOTE_MAC, dst=HOST_MAC) / ip


def encapsulate(encap, frame, options=None, flags=0):
    kind = "gre" if encap == "gre-key" else encap
    if kind == "vxlan":
        return VXLAN(flags=0x08, vni=VNI) / frame
    if kind == "geneve":
        g = GENEVE(vni=VNI, proto=0x6558, options=options or [])
        g.critical = 1 if flags & 1 else 0
        g.oam = 1 if flags & 2 else 0
        return g / frame
    return frame.payload


def delivered(encap, frame):
    if encap in PORTS:
        return bytes(frame)
    fam = 6 if IPv6 in frame else 4
    return bytes(Ether(dst=OVERLAY_MAC, src="00:00:00:00:00:00",
                       type=0x86DD if fam == 6 else 0x0800) / frame.payload)


def test_decap(tmp):
    for encap in ("vxlan", "geneve", "gre", "gre-key", "ipip"):
        for fam in (4, 6):
            opts = overlay_opts(encap, fam)
            cases = []
            for inner_fam in (4, 6):
                frame = inner_for(encap, inner_fam)
                cases.append(("IPv%d TCP" % inner_fam, outer(encap, fam, encapsulate(encap, frame)),
                              delivered(encap, frame)))
            src, dst, _ = INNER[4]
            tiny = Ether(src=REMOTE_MAC, dst=HOST_MAC) / IP(src=dst, dst=src) / ICMP(type=0, id=1, seq=1)
            cases.append(("IPv4 echo reply without payload",
                          outer(encap, fam, encapsulate(encap, tiny)), delivered(encap, tiny)))
            if encap in PORTS:
                arp = Ether(src=REMOTE_MAC, dst=HOST_MAC) / ARP(op=2, hwsrc=REMOTE_MAC, psrc=dst,
                                                               hwdst=HOST_MAC, pdst=src)
                cases.append(("ARP reply", outer(encap, fam, encapsulate(encap, arp)), bytes(arp)))
            for prog, want_verdict in (("decap-tc", TC_ACT_REDIRECT), ("decap-xdp", XDP_REDIRECT)):
                results = run(prog, [c[1] for c in cases], opts, tmp)
                for (what, _, want), (verdict, reason, out) in zip(cases, results):
                    name = "%s %s over IPv%d: scapy's %s frame delivered exactly" % (prog, encap, fam, what)
                    ok(verdict == want_verdict and reason == "XT_OK_DECAP" and out == want, name,
                       "verdict %d reason %s\n got  %s\n want %s" % (verdict, reason, out.hex(), want.hex()))


def test_decap_refusals(tmp):
    """Headers we must refuse or leave alone, as scapy writes them."""
    frame4 = inner_for("geneve", 4)
    opt = lambda cls, typ, n: GeneveOptions(classid=cls, type=typ, data=b"\x00" * (4 * n))
    for fam in (4, 6):
        gopts = overlay_opts("geneve", fam)
        cases = [
            ("two options of 4 and 8 bytes are skipped", encapsulate("geneve", frame4, [opt(0x0102, 1, 1), opt(0x0103, 2, 2)]),
             "XT_OK_DECAP"),
            ("a critical option is dropped", encapsulate("geneve", frame4, [opt(0x0102, 0x81, 1)]), "XT_DROP_GENEVE_CRITICAL"),
            ("the C bit is dropped", encapsulate("geneve", frame4, [], flags=1), "XT_DROP_GENEVE_CRITICAL"),
            ("the O bit (OAM) is dropped", encapsulate("geneve", frame4, [], flags=2), "XT_DROP_GENEVE_HEADER"),
        ]
        bad_len = GENEVE(vni=VNI, proto=0x6558, options=[opt(0x0102, 1, 2)])
        bad_len.optionlen = 2  # says 8 bytes; the option inside claims 12
        cases.append(("an option overrunning the option length is dropped", bad_len / frame4, "XT_DROP_GENEVE_HEADER"))
        other_vni = GENEVE(vni=VNI + 1, proto=0x6558) / frame4
        cases.append(("another VNI passes untouched", other_vni, "XT_PASS_OTHER_VNI"))
        for prog in ("decap-tc", "decap-xdp"):
            frames = [outer("geneve", fam, p) for _, p, _ in cases]
            results = run(prog, frames, gopts, tmp)
            for (what, _, want), (verdict, reason, out) in zip(cases, results):
                ok(reason == want, "%s geneve over IPv%d: %s" % (prog, fam, what), "reason %s, want %s" % (reason, want))
        ip4 = inner_for("gre", 4).payload
        gre_cases = [
            ("checksum flag", "gre", GRE(proto=0x0800, chksum_present=1), "XT_DROP_GRE_FLAGS"),
            ("sequence flag", "gre", GRE(proto=0x0800, seqnum_present=1, sequence_number=1), "XT_DROP_GRE_FLAGS"),
            ("version 1", "gre", GRE(proto=0x0800, version=1), "XT_DROP_GRE_FLAGS"),
            ("a key on a keyless overlay passes", "gre", GRE(proto=0x0800, key_present=1, key=KEY), "XT_PASS_OTHER_KEY"),
            ("another key passes", "gre-key", GRE(proto=0x0800, key_present=1, key=KEY + 1), "XT_PASS_OTHER_KEY"),
            ("no key on a keyed overlay passes", "gre-key", GRE(proto=0x0800), "XT_PASS_OTHER_KEY"),
            ("Ethernet payload (0x6558) is dropped", "gre", GRE(proto=0x6558), "XT_DROP_INNER_PROTO"),
        ]
        for what, encap, gre, want in gre_cases:
            frame = outer(encap, fam, ip4, gre=gre)
            for prog in ("decap-tc", "decap-xdp"):
                (verdict, reason, out), = run(prog, [frame], overlay_opts(encap, fam), tmp)
                ok(reason == want, "%s gre over IPv%d: %s" % (prog, fam, what), "reason %s, want %s" % (reason, want))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_encap(tmp)
        test_decap(tmp)
        test_decap_refusals(tmp)
    print("1..%d" % n_tests)
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
