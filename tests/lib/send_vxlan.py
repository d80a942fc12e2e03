# Sends COUNT VXLAN frames, built by scapy (an encoder independent of ours), out of IFACE
# through an AF_PACKET socket, so that the outer source can be any address: a peer's, or a
# stranger's. Run with Debian's /usr/bin/python3 (python3-scapy), inside the sender's
# namespace. The inner packet is UDP from INNER_SRC:5555 to INNER_DST:6666; KIND changes it:
#   good       as is
#   malformed  the inner IPv4 header says version 5
# Usage: send_vxlan.py IFACE DST_MAC OUTER_SRC OUTER_DST VNI INNER_SRC INNER_DST COUNT [KIND]
import socket
import sys

from scapy.all import IP, UDP, Ether, Raw, get_if_hwaddr
from scapy.layers.vxlan import VXLAN

iface, dst_mac, outer_src, outer_dst, vni, inner_src, inner_dst, count = sys.argv[1:9]
kind = sys.argv[9] if len(sys.argv) > 9 else "good"
inner = (Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02") /
         IP(src=inner_src, dst=inner_dst, ttl=64) / UDP(sport=5555, dport=6666) /
         Raw(b"xtunnel test payload"))
frame = (Ether(dst=dst_mac, src=get_if_hwaddr(iface)) /
         IP(src=outer_src, dst=outer_dst, flags="DF", ttl=64) /
         UDP(sport=50123, dport=4789, chksum=0) / VXLAN(vni=int(vni), flags=0x08) / inner)
frame = bytearray(bytes(frame))
if kind == "malformed":
    inner_ip = 14 + 20 + 8 + 8 + 14
    assert frame[inner_ip] == 0x45
    frame[inner_ip] = 0x55
elif kind != "good":
    sys.exit("send_vxlan.py: unknown kind " + kind)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
for _ in range(int(count)):
    s.send(bytes(frame))
