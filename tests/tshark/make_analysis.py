#!/usr/bin/env python3
"""Captures golden/analysis.pcap once: traffic.py 'analysis' on lo in a private namespace (a
zero window, its probes and the window update; a SYN ignored by a full accept queue and sent
again; ICMP and ICMPv6 port unreachable), frames cut at 200 bytes (the headers are what
matters), timestamps moved to start at 2023-11-14 22:13:20 UTC. tests/decoder/test-analysis.c
checks SsAnalyzer on it against what tshark's analysis says of each frame (listed there).
Run it by hand only to replace the committed file, then update the list in test-analysis.c.
"""

import os
import shutil
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sslib  # noqa: E402

T0 = 1700000000


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(sslib.GOLDEN, "analysis.pcap")
    d = sslib.tmpdir("analysis")
    raw = os.path.join(d, "raw.pcap")
    sslib.capture(raw, "analysis", 200, timeout=40)
    hdr, recs = sslib.read_pcap_records(raw)
    shutil.rmtree(d)
    if hdr[:4] != b"\xd4\xc3\xb2\xa1":
        sys.exit("expected a little-endian microsecond pcap from tcpdump")
    first_us = None
    body = bytearray(hdr)
    for _, rec in recs:
        sec, usec = struct.unpack("<II", rec[:8])
        us = sec * 1000000 + usec
        first_us = us if first_us is None else first_us
        us = T0 * 1000000 + (us - first_us)
        body += struct.pack("<II", us // 1000000, us % 1000000) + rec[8:]
    with open(out, "wb") as f:
        f.write(body)
    print("%s: %d packets" % (out, len(recs)))


if __name__ == "__main__":
    main()
