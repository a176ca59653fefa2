#!/usr/bin/env python3
"""Captures golden/cut-tcp.pcap and golden/cut-udp.pcap once: real frames cut the way a
snapshot length cuts them, at every length of their transport header.

TCP: the scenarios tcp4 and tcp6 (traffic.py) are captured on lo in a private namespace; their
SYN, SYN-ACK, ACK, first data segment and two FINs are kept. UDP: the scenario udp (IPv4 and
IPv6 datagrams); the first three of each family and the empty one are kept. Each kept frame is
written once per captured length, from 0 bytes of its transport header to 2 bytes past it (TCP:
past its options), with its original length, as `tcpdump -s N` would have recorded it.
Timestamps move to 2023-11-14 22:13:20 UTC. Run it by hand only to replace the committed files.
"""

import os
import shutil
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sslib  # noqa: E402

T0 = 1700000000


def l4_offset(frame):
    """Offset and protocol of the transport header in an Ethernet frame from lo."""
    etype = struct.unpack(">H", frame[12:14])[0]
    if etype == 0x0800:
        return 14 + (frame[14] & 0x0f) * 4, frame[14 + 9]
    if etype == 0x86dd:
        return 14 + 40, frame[14 + 6]
    return None, None


def kept_tcp(frames):
    out = []
    fin = [f for f in frames if l4_offset(f)[1] == 6 and frame_tcp_flags(f) & 0x01]
    for f in frames:
        off, proto = l4_offset(f)
        if proto != 6:
            continue
        flags = frame_tcp_flags(f)
        data = len(f) - off - (f[off + 12] >> 4) * 4
        if flags & 0x02 or (not out or len(out) < 3) or (data > 0 and not any(
                len(k) - l4_offset(k)[0] - (k[l4_offset(k)[0] + 12] >> 4) * 4 > 0 for k in out)):
            out.append(f)
    return out[:4] + fin[:2]


def frame_tcp_flags(f):
    off, _ = l4_offset(f)
    return f[off + 13]


def kept_udp(frames):
    out = []
    for fam in (0x0800, 0x86dd):
        udp = [f for f in frames if struct.unpack(">H", f[12:14])[0] == fam
               and l4_offset(f)[1] == 17]
        empty = [f for f in udp if struct.unpack(">H", f[l4_offset(f)[0] + 4:][:2])[0] == 8]
        out += udp[:3] + empty[:1]
    return out


def capture(scenario):
    d = sslib.tmpdir("cut")
    raw = os.path.join(d, "raw.pcap")
    sslib.capture(raw, scenario)
    hdr, recs = sslib.read_pcap_records(raw)
    shutil.rmtree(d)
    if hdr[:4] != b"\xd4\xc3\xb2\xa1":
        sys.exit("expected a little-endian microsecond pcap from tcpdump")
    return [rec[16:] for _, rec in recs]


def write(path, frames):
    body = bytearray(sslib.pcap_header())
    n = 0
    for f in frames:
        off, proto = l4_offset(f)
        end = off + ((f[off + 12] >> 4) * 4 if proto == 6 else 8) + 2
        for caplen in range(off, min(end, len(f)) + 1):
            if caplen == len(f):
                break
            us = n * 1000
            body += sslib.pcap_record(T0 + us // 1000000, us % 1000000, f[:caplen],
                                      caplen, len(f))
            n += 1
    with open(path, "wb") as out:
        out.write(body)
    print("%s: %d frames" % (path, n))


def main():
    tcp = []
    for scenario in ("tcp4", "tcp6"):
        tcp += kept_tcp(capture(scenario))
    write(os.path.join(sslib.GOLDEN, "cut-tcp.pcap"), tcp)
    write(os.path.join(sslib.GOLDEN, "cut-udp.pcap"), kept_udp(capture("udp")))


if __name__ == "__main__":
    main()
