#!/usr/bin/env python3
"""A damaged capture FILE (not frame): the packets before the damage, then one error naming
the offset of the damage, and a non-zero exit; the same in the text, --json and --summary forms,
for pcap and pcapng.

usage: damaged_file_test.py SOCKSCOPE-CLI

Made from golden/handshake.pcap (10 packets) by cutting or corrupting it; the pcapng copy comes
from editcap when it is installed, or else that half is skipped.
"""

import os
import re
import shutil
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sslib  # noqa: E402
from sslib import Failure  # noqa: E402


def pcapng_blocks(data):
    """[(offset, type, total length)] of a little-endian pcapng file."""
    out = []
    off = 0
    while off + 12 <= len(data):
        btype, blen = struct.unpack("<II", data[off:off + 8])
        out.append((off, btype, blen))
        off += blen
    return out


def offsets_named(text):
    """Every number the error message names, decimal or 0x hex."""
    nums = set()
    # Whole numbers only: digits inside a file name (a temp dir such as .../x-09ab) are not offsets.
    for m in re.finditer(r"(?<![\w.-])(0x[0-9a-fA-F]+|\d+)(?![\w.-])", text):
        nums.add(int(m.group(1), 16 if m.group(1).startswith("0x") else 10))
    return nums


def expect_damage(cli, path, what, good, offsets):
    """good: packets that must come out; offsets: acceptable offsets for the error to name."""
    for form in ("--json", "text", "--summary"):
        args = [] if form == "text" else [form]
        p = sslib.run_cli(cli, *(args + [path]), check=False)
        err = p.stderr.decode(errors="replace").strip()
        out = p.stdout.decode(errors="replace")
        where = "%s (decode %s)" % (what, form)
        if p.returncode == 0:
            raise Failure("%s: exit status 0 on a damaged file; stderr: %r" % (where, err))
        if not err:
            raise Failure("%s: exit %d but nothing on stderr" % (where, p.returncode))
        named = offsets_named(err)
        if offsets is not None and not named & set(offsets):
            raise Failure("%s: the error does not name the offset of the damage (%s): %r"
                          % (where, " or ".join(str(o) for o in offsets), err))
        if len(err.splitlines()) != 1:
            raise Failure("%s: expected one error line on stderr, got:\n%s" % (where, err))
        if form == "--summary":
            m = re.search(r"packets:\s*(\d+)", out)
            if m and int(m.group(1)) != good:
                raise Failure("%s: the summary counts %s packets, %d came before the damage"
                              % (where, m.group(1), good))
            continue
        lines = [ln for ln in out.splitlines() if ln.strip()]
        if form == "--json":
            ns = []
            for ln in lines:
                try:
                    ns.append(sslib.json.loads(ln).get("n"))
                except ValueError:
                    raise Failure("%s: stdout has a line that is not JSON: %r" % (where, ln))
            if ns != list(range(1, good + 1)):
                raise Failure("%s: expected packets 1..%d before the damage, got n = %s"
                              % (where, good, ns))
        elif len(lines) != good:
            raise Failure("%s: expected %d packet lines before the damage, got %d:\n%s"
                          % (where, good, len(lines), out))
    sslib.log("%s: %d packets, then an error%s, non-zero exit"
              % (what, good, " naming offset " + "/".join(str(o) for o in offsets)
                 if offsets else ""))


def write(d, name, data):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def pcap_cases(cli, d):
    src = os.path.join(sslib.GOLDEN, "handshake.pcap")
    with open(src, "rb") as f:
        data = f.read()
    _, recs = sslib.read_pcap_records(src)
    assert len(recs) == 10
    off5, rec5 = recs[5]                  # the 6th record
    off3, _ = recs[3]

    # cut in the middle of the 6th record's bytes
    cut = off5 + 16 + (len(rec5) - 16) // 2
    expect_damage(cli, write(d, "cut-data.pcap", data[:cut]), "pcap cut inside record 6's data",
                  5, (off5, off5 + 16, cut))
    # cut inside the 4th record's header
    expect_damage(cli, write(d, "cut-hdr.pcap", data[:off3 + 7]),
                  "pcap cut inside record 4's header", 3, (off3, off3 + 7))
    # a record claiming 2 GiB
    bad = bytearray(data)
    struct.pack_into("<I", bad, off3 + 8, 0x7fffffff)
    expect_damage(cli, write(d, "huge-caplen.pcap", bytes(bad)),
                  "pcap record 4 claims caplen 0x7fffffff", 3, (off3, off3 + 8))
    # a file cut inside its own header
    expect_damage(cli, write(d, "cut-filehdr.pcap", data[:10]), "pcap cut inside the file header",
                  0, (0, 10))
    # not a capture at all: an error and a non-zero exit; no offset needed to say so
    expect_damage(cli, write(d, "not-a-capture.pcap", b"this is not a capture file\n" * 3),
                  "a text file", 0, None)
    # an empty file
    expect_damage(cli, write(d, "empty.pcap", b""), "an empty file", 0, None)

    # a complete header and no packet is a valid, empty capture
    p = sslib.run_cli(cli, "--json", write(d, "no-packets.pcap", data[:24]), check=False)
    if p.returncode != 0 or p.stdout.strip():
        raise Failure("a pcap with a header and no packets: expected exit 0 and no output, got "
                      "exit %d, stdout %r, stderr %r" % (p.returncode, p.stdout[:200], p.stderr))


def pcapng_cases(cli, d):
    if shutil.which("editcap") is None:
        sslib.log("editcap missing: pcapng cases skipped")
        return
    ng = os.path.join(d, "handshake.pcapng")
    sslib.editcap(os.path.join(sslib.GOLDEN, "handshake.pcap"), ng, "pcapng")
    with open(ng, "rb") as f:
        data = f.read()
    blocks = pcapng_blocks(data)
    epbs = [b for b in blocks if b[1] == 6]
    if len(epbs) != 10:
        raise Failure("editcap wrote %d enhanced packet blocks, expected 10" % len(epbs))

    off6, _, len6 = epbs[5]
    cut = off6 + len6 // 2
    expect_damage(cli, write(d, "cut.pcapng", data[:cut]), "pcapng cut inside packet block 6",
                  5, (off6, cut))
    off4, _, len4 = epbs[3]
    bad = bytearray(data)
    struct.pack_into("<I", bad, off4 + len4 - 4, len4 + 4)   # trailing length disagrees
    expect_damage(cli, write(d, "bad-trailer.pcapng", bytes(bad)),
                  "pcapng block 4 with a wrong trailing length", 3, (off4, off4 + len4 - 4))
    bad = bytearray(data)
    struct.pack_into("<I", bad, off4 + 4, 0x7ffffff0)          # block claims 2 GiB
    expect_damage(cli, write(d, "huge-block.pcapng", bytes(bad)),
                  "pcapng block 4 claiming 2 GiB", 3, (off4, off4 + 4))


def main():
    cli = sslib.cli_path(sys.argv)
    d = sslib.tmpdir("damaged")
    ok = False
    try:
        pcap_cases(cli, d)
        pcapng_cases(cli, d)
        ok = True
    finally:
        if ok:
            shutil.rmtree(d, ignore_errors=True)
        else:
            sslib.log("files kept for a look in " + d)


if __name__ == "__main__":
    sslib.run_main(main)
