#!/usr/bin/env python3
"""Writes golden/mutated.pcap: hand-made broken frames, byte for byte the same on every run.

usage: make_mutated.py [OUT.pcap]     (default: golden/mutated.pcap next to this script)

Each frame carries what the decoder must say about it (EXPECT below); golden_test.py checks
those flags, the golden text and JSON outputs, and that this script still writes the committed
file. Timestamps are fixed: 2023-11-14 22:13:20 UTC plus one second and a millisecond per frame.
"""

import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sslib  # noqa: E402

SNAPLEN = 1024          # the file header's snaplen; one record claims more
T0 = 1700000000

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")
IP_A = bytes([10, 0, 0, 1])
IP_B = bytes([10, 0, 0, 2])
IP6_A = bytes.fromhex("20010db8000000000000000000000001")
IP6_B = bytes.fromhex("20010db8000000000000000000000002")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(etype, payload, dst=MAC_B, src=MAC_A):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(proto, payload, ihl=5, total=None, version=4, options=b"", src=IP_A, dst=IP_B,
         frag=0x4000, ident=0x1234, ttl=64):
    total = 4 * ihl + len(payload) if total is None else total
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, 0, total & 0xffff, ident, frag,
                      ttl, proto, 0, src, dst) + options
    c = csum(hdr[:20 + len(options)])
    hdr = hdr[:10] + struct.pack("!H", c) + hdr[12:]
    return hdr + payload


def ipv6(nxt, payload, plen=None, src=IP6_A, dst=IP6_B):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 0x60000000, plen & 0xffff, nxt, 64, src, dst) + payload


def tcp(sport=40000, dport=80, seq=1000, ack=0, flags=0x02, win=65535, options=b"",
        doff=None, payload=b"", urg=0):
    doff = (20 + len(options)) // 4 if doff is None else doff
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, win, 0, urg) \
        + options + payload


def udp(sport=40000, dport=53, payload=b"", length=None):
    length = 8 + len(payload) if length is None else length
    return struct.pack("!HHHH", sport, dport, length & 0xffff, 0) + payload


def icmp(typ, code, body):
    return struct.pack("!BBHI", typ, code, 0, 0) + body


SYN_OPTS = bytes.fromhex("020405b4" "0402" "080a" "0001e240" "00000000" "01" "030307")


def xorshift_bytes(seed, n):
    """Deterministic pseudo-random bytes (xorshift32), independent of Python's random."""
    x = seed & 0xffffffff
    out = bytearray()
    for _ in range(n):
        x ^= (x << 13) & 0xffffffff
        x ^= x >> 17
        x ^= (x << 5) & 0xffffffff
        out.append(x & 0xff)
    return bytes(out)


def frames():
    """(name, data, caplen, origlen, expect) in file order.

    expect: 'ok' (neither truncated nor malformed), 'truncated', 'malformed',
            'bad' (truncated or malformed, either will do), 'any' (just no crash)."""
    F = []

    def add(name, data, expect, caplen=None, origlen=None):
        F.append((name, data, caplen, origlen, expect))

    # a few well-formed frames first, so a reader sees what normal looks like
    add("ipv4 tcp syn with options", eth(0x0800, ipv4(6, tcp(options=SYN_OPTS))), "ok")
    add("ipv4 udp 5 bytes", eth(0x0800, ipv4(17, udp(payload=b"hello"))), "ok")
    add("ipv6 tcp syn-ack", eth(0x86dd, ipv6(6, tcp(sport=80, dport=40000, seq=5000,
                                                     ack=1001, flags=0x12))), "ok")
    add("ipv4 tcp ack padded to 60 bytes",
        eth(0x0800, ipv4(6, tcp(flags=0x10, seq=1001, ack=5001))) + b"\0" * 6, "ok")
    add("arp request", eth(0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_A,
                                               IP_A, b"\0" * 6, IP_B),
                           dst=b"\xff" * 6), "ok")
    add("unknown ethertype 0x88b5", eth(0x88b5, b"local experimental" + b"\0" * 28), "ok")
    add("ipv4 tcp rst without ack", eth(0x0800, ipv4(6, tcp(flags=0x04, seq=1001))), "ok")
    add("ipv4 tcp fin+psh+ack with data",
        eth(0x0800, ipv4(6, tcp(flags=0x19, seq=1001, ack=5001, payload=b"last words"))), "ok")
    add("ipv6 hop-by-hop + dest options + tcp",
        eth(0x86dd, ipv6(0, bytes([60, 0, 1, 4, 0, 0, 0, 0]) + bytes([6, 0, 1, 4, 0, 0, 0, 0])
                         + tcp(flags=0x10, seq=7, ack=9))), "ok")
    add("ipv4 non-first fragment of udp",
        eth(0x0800, ipv4(17, b"fragment payload", frag=0x0010)), "ok")

    # IPv4 header damage
    add("ipv4 ihl 3", eth(0x0800, ipv4(6, tcp(), ihl=3)), "malformed")
    add("ipv4 ihl 15 longer than the packet", eth(0x0800, ipv4(17, udp(), ihl=15)), "malformed")
    add("ipv4 total length 10 (< header)", eth(0x0800, ipv4(6, tcp(), total=10)), "malformed")
    add("ipv4 total length 1500, 40 bytes there", eth(0x0800, ipv4(6, tcp(), total=1500)),
        "bad")
    add("ipv4 version 6 under ethertype ipv4", eth(0x0800, ipv4(6, tcp(), version=6)),
        "malformed")
    add("ipv4 options run past ihl", eth(0x0800, ipv4(17, udp(), ihl=6,
                                                      options=bytes([7, 39, 4, 0]))), "any")

    # TCP header damage
    add("tcp data offset 2", eth(0x0800, ipv4(6, tcp(doff=2))), "malformed")
    add("tcp data offset 15, 20 bytes there", eth(0x0800, ipv4(6, tcp(doff=15))), "malformed")
    add("tcp option mss runs past the header",
        eth(0x0800, ipv4(6, tcp(options=bytes.fromhex("01010204")))), "malformed")
    add("tcp option length 0", eth(0x0800, ipv4(6, tcp(options=bytes.fromhex("08000000")))),
        "malformed")
    add("tcp option length 1", eth(0x0800, ipv4(6, tcp(options=bytes.fromhex("fe010000")))),
        "malformed")
    add("tcp options: nop, unknown kind, eol then junk",
        eth(0x0800, ipv4(6, tcp(options=bytes.fromhex("01fd0200ffffffff")))), "ok")

    # UDP damage
    add("udp length 4 (< 8)", eth(0x0800, ipv4(17, udp(length=4))), "malformed")
    add("udp length 200, 12 bytes there", eth(0x0800, ipv4(17, udp(payload=b"abcd",
                                                                   length=200))), "bad")

    # ICMP errors with a damaged quote
    quote = ipv4(17, udp(sport=40001, dport=9, payload=b"hi"))
    add("icmp port unreachable, full quote", eth(0x0800, ipv4(1, icmp(3, 3, quote))), "ok")
    add("icmp port unreachable, quote cut at 10 bytes",
        eth(0x0800, ipv4(1, icmp(3, 3, quote[:10]))), "any")
    add("icmp port unreachable, quoted ihl 2",
        eth(0x0800, ipv4(1, icmp(3, 3, bytes([0x42]) + quote[1:]))), "any")
    add("icmpv6 port unreachable, quote cut inside udp",
        eth(0x86dd, ipv6(58, icmp(1, 4, ipv6(17, udp(sport=40002, dport=9))[:44]))), "any")

    # IPv6 damage
    add("ipv6 hop-by-hop cut by the capture (caplen < len)",
        eth(0x86dd, ipv6(0, bytes([6, 1, 1, 12] + [0] * 12) + tcp())), "truncated",
        caplen=14 + 40 + 6)
    add("ipv6 hop-by-hop longer than the payload length",
        eth(0x86dd, ipv6(0, bytes([6, 3, 1, 4, 0, 0, 0, 0]))), "malformed")
    add("ipv6 payload length 2000, 28 bytes there", eth(0x86dd, ipv6(17, udp(payload=b"abcd"),
                                                                 plen=2000)), "bad")
    add("ipv6 header cut at 30 bytes", eth(0x86dd, ipv6(17, udp()))[:14 + 30], "bad")
    add("ipv6 fragment header", eth(0x86dd, ipv6(44, bytes([17, 0, 0, 1, 0, 0, 0, 42])
                                                 + udp(payload=b"frag"))), "ok")

    # capture-level damage
    add("tcp header cut by the capture (caplen 40 < len 54)",
        eth(0x0800, ipv4(6, tcp(flags=0x10))), "truncated", caplen=40)
    add("empty frame", b"", "bad")
    add("empty capture of a 60-byte frame", b"", "truncated", caplen=0, origlen=60)
    add("10 bytes: not even an ethernet header", b"\x02\0\0\0\0\x02\x02\0\0\0", "bad")
    add("caplen 1100 > the file's snaplen 1024",
        eth(0x0800, ipv4(17, udp(payload=b"s" * 1058))), "bad")
    add("origlen 20 < caplen 42", eth(0x0800, ipv4(17, udp())), "bad", origlen=20)

    # noise
    for i in range(6):
        n = 20 + 37 * i
        noise = xorshift_bytes(0x5eed + i, n)
        etype = (0x0800, 0x86dd, 0x0806)[i % 3]
        add("random bytes under ethertype 0x%04x (%d bytes)" % (etype, n), eth(etype, noise),
            "any")
    for i in range(3):
        add("random frame %d" % i, xorshift_bytes(0xbad + i, 60 + 100 * i), "any")
    return F


EXPECT = [f[4] for f in frames()]
NAMES = [f[0] for f in frames()]


def write(path):
    out = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, SNAPLEN, 1))
    for i, (name, data, caplen, origlen, _) in enumerate(frames()):
        cap = data if caplen is None else data[:caplen]
        out += sslib.pcap_record(T0 + i, 1000 * i, cap, len(cap),
                                 len(data) if origlen is None else origlen)
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(sslib.GOLDEN, "mutated.pcap"))
