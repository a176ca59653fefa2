#!/usr/bin/env python3
"""Captures golden/handshake.pcap once: a real TCP handshake, 5 bytes each way, FIN both ways,
made on lo in a private namespace (traffic.py 'handshake'), its timestamps moved to start at
2023-11-14 22:13:20 UTC (the gaps between packets are kept). Run it by hand only to replace the
committed file, then rewrite the goldens: golden_test.py CLI --update.
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
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(sslib.GOLDEN, "handshake.pcap")
    d = sslib.tmpdir("handshake")
    raw = os.path.join(d, "raw.pcap")
    sslib.capture(raw, "handshake")
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
