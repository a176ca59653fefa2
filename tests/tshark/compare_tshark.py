#!/usr/bin/env python3
"""Our decoder against tshark, field by field, on captures made here and now on lo.

usage: compare_tshark.py SOCKSCOPE-CLI GROUP
GROUP: tcp (IPv4 and IPv6 sessions), teardown (RST, refused connect, half-close),
       udp-icmp (UDP echo, ICMP/ICMPv6 port unreachable), snaplen (everything with -s 60),
       linktypes (tcp4 and unreach captured on "any": Linux cooked v1 and v2 headers),
       cut (TCP and UDP over IPv4 and IPv6 cut inside the transport header: live with
       tcpdump -s N, and golden/cut-*.pcap, real frames at every cut length),
       frag (UDP datagrams of 3000 and 1500 bytes over lo at an MTU of 1280: IPv4 and IPv6
       fragments)

Each capture is made inside a private user+net namespace (traffic.py), decoded with
`sockscope-cli decode --json`, dissected with tshark, and compared packet by packet. The same
capture rewritten by editcap as pcapng and as nanosecond pcap must decode to the same JSON.
"""

import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sslib  # noqa: E402
from sslib import Failure, first  # noqa: E402

# group: [(scenario, snaplen, tcpdump arguments in place of "-i lo")]
GROUPS = {
    "tcp": [("tcp4", None, ()), ("tcp6", None, ())],
    "teardown": [("rst", None, ()), ("halfclose", None, ())],
    "udp-icmp": [("udp", None, ()), ("unreach", None, ())],
    "snaplen": [("all", 60, ())],
    # Linux cooked headers, as `tcpdump -i any` (and a lab capturing on "any") writes them
    "linktypes": [("tcp4", None, ("-i", "any", "-y", "LINUX_SLL")),
                  ("unreach", None, ("-i", "any", "-y", "LINUX_SLL2"))],
    # 4 bytes of TCP header over IPv6 (the ports only), 4 over IPv4, UDP v4 whole and v6 cut
    "cut": [("tcp6", 58, ()), ("tcp4", 38, ()), ("udp", 58, ())],
    "frag": [("frag", None, ())],
}
# committed captures compared in a group after its live ones (see make_cut.py)
GROUP_FILES = {"cut": ["cut-tcp.pcap", "cut-udp.pcap"]}

MAX_REPORTED = 25


def fragment_of(layer):
    """tshark's (id, offset in bytes, more) of an IP fragment, None for a whole datagram."""
    if first(layer, "ipv6.fraghdr.ident") is not None:
        off, more = int(first(layer, "ipv6.fraghdr.offset")) * 8, first(layer, "ipv6.fraghdr.more") == "1"
        if off == 0 and not more:
            return None                       # an atomic fragment: the datagram whole
        return int(first(layer, "ipv6.fraghdr.ident"), 16), off, more
    if first(layer, "ip.frag_offset") is None:
        return None
    off, more = int(first(layer, "ip.frag_offset")) * 8, first(layer, "ip.flags.mf") == "1"
    if off == 0 and not more:
        return None
    return int(first(layer, "ip.id"), 16), off, more


def expected_proto(layer):
    frag = fragment_of(layer)
    if frag is not None and frag[1] > 0:
        return "ip-fragment"
    protos = (first(layer, "frame.protocols") or "").split(":")
    for p in protos:
        if p in ("tcp", "udp", "icmp", "icmpv6", "arp"):
            return p
    if "ipv6" in protos:
        return "ipv6"
    if "ip" in protos:
        return "ipv4"
    if "eth" in protos:
        return "eth"
    return "unknown"


FIXED_HEADER = {"tcp": 20, "udp": 8, "icmp": 8, "icmpv6": 8}


def transport_offset(t):
    """Offset of the transport header in an Ethernet frame (no IPv6 extension headers here)."""
    if first(t, "ipv6.src"):
        return 14 + 40
    return 14 + int(first(t, "ip.hdr_len") or 20)


# Transport header fields as (offset, length) in the header, by JSON member and by field id;
# a cut header must give each one exactly when its bytes were captured, with their value.
RAW_FIELDS = {
    "tcp": [("sport", "tcp.srcport", 0, 2), ("dport", "tcp.dstport", 2, 2),
            ("seq", "tcp.seq_raw", 4, 4), ("ack", "tcp.ack_raw", 8, 4),
            (None, "tcp.hdr_len", 12, 1), ("flags", "tcp.flags", 12, 2),
            ("win", "tcp.window_size_value", 14, 2)],
    "udp": [("sport", "udp.srcport", 0, 2), ("dport", "udp.dstport", 2, 2),
            (None, "udp.length", 4, 2)],
    "icmp": [(None, "icmp.type", 0, 1), (None, "icmp.code", 1, 1)],
    "icmpv6": [(None, "icmpv6.type", 0, 1), (None, "icmpv6.code", 1, 1)],
}


def raw_value(frame, off, ln, member, ident):
    v = int.from_bytes(frame[off:off + ln], "big")
    if ident == "tcp.hdr_len":
        return (v >> 4) * 4
    if ident == "tcp.flags":
        return sslib.tcpdump_flags(v & 0xff) if member else v & 0x0fff
    return v


def check_cut_header(p, t, frame, proto, bad):
    """A transport header the capture cut: every field whose bytes are there, none other."""
    l4 = transport_offset(t)
    have = len(frame) - l4
    tops = [n for n in (p.get("fields") or []) if n.get("id") == proto]
    if not tops:
        bad("fields: " + proto, "missing", "a node for the cut header")
    elif tops[0].get("truncated") is not True:
        bad("fields[%s].truncated" % proto, tops[0].get("truncated"), True)
    for member, ident, off, ln in RAW_FIELDS[proto]:
        there = have >= off + ln
        want = raw_value(frame, l4 + off, ln, None, ident) if there else None
        nodes = sslib.tree_find(p.get("fields"), ident)
        got = as_int(nodes[0].get("value")) if nodes else None
        if got != want:
            bad("fields: %s (%d of %d header bytes captured)" % (ident, max(have, 0), off + ln),
                got, want)
        # the JSON member: the ports need both (as tshark shows them)
        if member in ("sport", "dport"):
            there = have >= 4
        want = raw_value(frame, l4 + off, ln, member, ident) if there else None
        if member is not None and p.get(member) != want:
            bad("%s (%d header bytes captured)" % (member, max(have, 0)), p.get(member), want)


def values(pkt, ident, within=None):
    return [n.get("value") for n in sslib.tree_find(pkt.get("fields"), ident, within)]


def as_int(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    try:
        return int(str(v).split()[0], 0)
    except ValueError:
        return v


def check_packet(p, t, n, what, malformed=False, frame=None):
    """Mismatches between our packet p and tshark's layers t, as readable strings; frame: its
    captured bytes, to check a cut transport header field by field."""
    problems = []

    def bad(field, mine, tsh):
        problems.append("%s packet %d: %s: ours %r, tshark %r" % (what, n, field, mine, tsh))

    sslib.check_tree_shape(p, "%s packet %d" % (what, n))
    if p.get("n") != n:
        bad("n", p.get("n"), n)
    caplen = int(first(t, "frame.cap_len"))
    wirelen = int(first(t, "frame.len"))
    for node, _ in sslib.tree_nodes(p.get("fields")):
        off, ln = node.get("offset"), node.get("length")
        if isinstance(off, int) and isinstance(ln, int) and off + ln > caplen:
            bad("fields[%s] offset+length" % node.get("id"), off + ln, "<= caplen %d" % caplen)
    proto = expected_proto(t)
    truncated = caplen < wirelen
    if p.get("truncated") is not truncated:
        # decode --json has no caplen/origlen of its own: 'truncated' is the only way its
        # reader learns that bytes of the frame (headers or payload) were not captured
        bad("truncated", p.get("truncated"), "%s (caplen %d, len %d)"
            % (truncated, caplen, wirelen))
    if malformed is not None and p.get("malformed") is not malformed:
        bad("malformed", p.get("malformed"), malformed)
    cut = truncated and proto in FIXED_HEADER \
        and caplen < transport_offset(t) + FIXED_HEADER[proto]
    if cut and frame is not None and p.get("proto") == proto:
        check_cut_header(p, t, frame, proto, bad)
    if p.get("proto") != proto:
        bad("proto", p.get("proto"), proto)
        return problems

    # an IP fragment: its datagram's id, its offset, MF; the raw offset in the field tree
    frag = fragment_of(t)
    mine = p.get("fragment")
    got = None if mine is None else (mine.get("id"), mine.get("offset"), mine.get("more"))
    if got != frag:
        bad("fragment (id, offset, more)", got, frag)
    if frag is not None:
        ident = "ipv6.fraghdr.offset" if first(t, "ipv6.fraghdr.ident") else "ip.frag_offset"
        raw = values(p, ident)
        if not raw or as_int(raw[0]) != frag[1] // 8:
            bad("fields: " + ident, raw[0] if raw else "missing", frag[1] // 8)
        if proto == "ip-fragment" and as_int(p.get("len")) != int(first(t, "data.len")):
            bad("len (the fragment's bytes)", p.get("len"), int(first(t, "data.len")))
        if proto == "udp" and first(t, "data.len") is not None:
            payload = sslib.tree_find(p.get("fields"), "udp.payload")
            got_len = payload[0].get("length") if payload else None
            if got_len != int(first(t, "data.len")):
                bad("fields: udp.payload length (the first fragment's part)", got_len,
                    int(first(t, "data.len")))

    # ARP: the sender and target protocol addresses
    src = first(t, "ip.src") or first(t, "ipv6.src") or first(t, "arp.src.proto_ipv4")
    dst = first(t, "ip.dst") or first(t, "ipv6.dst") or first(t, "arp.dst.proto_ipv4")
    if p.get("src") != src:
        bad("src", p.get("src"), src)
    if p.get("dst") != dst:
        bad("dst", p.get("dst"), dst)

    if proto == "tcp":
        exp = {
            "sport": first(t, "tcp.srcport"), "dport": first(t, "tcp.dstport"),
            "flags": None, "seq": first(t, "tcp.seq_raw"), "ack": first(t, "tcp.ack_raw"),
            "win": first(t, "tcp.window_size_value"), "len": first(t, "tcp.len"),
        }
        if first(t, "tcp.flags") is not None:
            exp["flags"] = sslib.tcpdump_flags(first(t, "tcp.flags"))
        for k, v in exp.items():
            if v is None:
                # tshark shows no field of a cut TCP header but its ports: the raw bytes
                # judged ours above (check_cut_header); else we must not invent a value
                if p.get(k) is not None and truncated and not (cut and frame is not None):
                    bad(k + " (beyond the captured bytes)", p.get(k), None)
                continue
            mine = p.get(k) if k == "flags" else as_int(p.get(k))
            want = v if k == "flags" else int(v)
            if mine != want:
                bad(k, p.get(k), want)
        # TCP options as tshark reads them
        # (the decoder uses Wireshark's field names where Wireshark has one)
        for tsh in ("tcp.options.mss_val", "tcp.options.wscale.shift",
                    "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
                    "tcp.hdr_len"):
            want = first(t, tsh)
            if want is None:
                continue
            nodes = sslib.tree_find(p.get("fields"), tsh)
            if not nodes:
                bad("fields: " + tsh, "missing", int(want))
            elif as_int(nodes[0].get("value")) != int(want):
                bad("fields: " + tsh, nodes[0].get("value"), int(want))
        if first(t, "tcp.options.sack_perm") is not None \
                and not sslib.tree_find(p.get("fields"), "tcp.options.sack_perm"):
            bad("fields: tcp.options.sack_perm", "missing", "present")

    elif proto == "udp":
        exp = {"sport": first(t, "udp.srcport"), "dport": first(t, "udp.dstport")}
        ulen = first(t, "udp.length")
        exp["len"] = None if ulen is None else str(int(ulen) - 8)
        for k, v in exp.items():
            if v is not None and as_int(p.get(k)) != int(v):
                bad(k, p.get(k), int(v))

    elif proto == "arp":
        want = first(t, "arp.opcode")
        got = values(p, "arp.opcode")
        if want is not None and (not got or as_int(got[0]) != int(want)):
            bad("fields: arp.opcode", got[0] if got else "missing", int(want))

    elif proto in ("icmp", "icmpv6"):
        for name in ("type", "code"):
            want = first(t, proto + "." + name)
            got = values(p, proto + "." + name)
            if want is not None and (not got or as_int(got[0]) != int(want)):
                bad("fields: %s.%s" % (proto, name), got[0] if got else "missing", int(want))
        # the datagram quoted by an ICMP error: its IP source and UDP ports
        q_sport, q_dport = first(t, "udp.srcport"), first(t, "udp.dstport")
        if q_sport is not None:
            got = (values(p, "udp.srcport", proto) or [None])[0], \
                (values(p, "udp.dstport", proto) or [None])[0]
            if (as_int(got[0]), as_int(got[1])) != (int(q_sport), int(q_dport)):
                bad("fields: quoted UDP ports", got, (int(q_sport), int(q_dport)))
        ipid = "ipv6" if proto == "icmpv6" else "ip"
        qsrc = first(t, ipid + ".src", 1)
        if qsrc is not None:
            addrs = values(p, ipid + ".src", proto)
            if qsrc not in addrs:
                bad("fields: quoted %s.src" % ipid, addrs or "missing", qsrc)
    return problems


def report(what, problems):
    if problems:
        more = len(problems) - MAX_REPORTED
        raise Failure("%s: %d mismatches with tshark:\n  " % (what, len(problems))
                      + "\n  ".join(problems[:MAX_REPORTED])
                      + ("\n  ... and %d more" % more if more > 0 else ""))


def compare(cli, path, what, scenario=None):
    ours = sslib.decode_json(cli, path)
    theirs = sslib.tshark(path)
    frames = [rec[16:] for _, rec in sslib.read_pcap_records(path)[1]]
    if scenario:
        scenario_happened(scenario, theirs, what)
    if len(ours) != len(theirs):
        raise Failure("%s: we decoded %d packets, tshark %d" % (what, len(ours), len(theirs)))
    if not theirs:
        raise Failure("%s: the capture is empty; the traffic scenario did not run" % what)
    problems = []
    for i, (p, t) in enumerate(zip(ours, theirs)):
        # the kernel sent every one of these: none is malformed
        problems += check_packet(p, t, i + 1, what, malformed=False, frame=frames[i])
    report(what, problems)
    return ours


def scenario_happened(scenario, layers, what):
    """The capture holds what the scenario is about (read from tshark, not from us), so that a
    capture that missed it cannot pass by comparing nothing."""
    flags = [sslib.tcpdump_flags(first(t, "tcp.flags")) for t in layers if first(t, "tcp.flags")]
    fams = {("6" if first(t, "ipv6.src") else "4") for t in layers}
    icmp = [(first(t, "icmp.type"), first(t, "icmp.code")) for t in layers if first(t, "icmp.type")]
    icmp6 = [(first(t, "icmpv6.type"), first(t, "icmpv6.code")) for t in layers
             if first(t, "icmpv6.type")]
    udp = [t for t in layers if expected_proto(t) == "udp"]
    need = {
        "tcp4": [("SYN, SYN-ACK, FIN-ACK x2", flags.count("S") == 1 and flags.count("S.") == 1
                  and flags.count("F.") + flags.count("FP.") == 2),
                 ("SYN options mss, sackOK, TS, wscale",
                  all(first(layers[0], f) is not None for f in (
                      "tcp.options.mss_val", "tcp.options.sack_perm",
                      "tcp.options.timestamp.tsval", "tcp.options.wscale.shift"))),
                 ("over 100 kB of data", sum(int(first(t, "tcp.len") or 0) for t in layers)
                  >= 100000 + 3072 + 300 + 3)],
        "rst": [("4 resets", sum(f.startswith("R") for f in flags) >= 4),
                ("IPv4 and IPv6", fams == {"4", "6"})],
        "halfclose": [("2 connections with a FIN before the answer",
                       flags.count("FP.") + flags.count("F.") >= 4)],
        "udp": [("24 datagrams, v4 and v6, one empty", len(udp) == 24 and fams == {"4", "6"}
                 and any(first(t, "udp.length") == "8" for t in udp))],
        "unreach": [("3 ICMP port unreachable", icmp.count(("3", "3")) >= 3),
                    ("3 ICMPv6 port unreachable", icmp6.count(("1", "4")) >= 3)],
        "frag": [("4 first fragments with the UDP header, v4 and v6",
                  sum(1 for t in udp if fragment_of(t) is not None) == 4 and fams == {"4", "6"}),
                 ("6 later fragments", sum(1 for t in layers
                                           if expected_proto(t) == "ip-fragment") == 6)],
    }
    need["tcp6"] = need["tcp4"]
    # 'all' (snaplen 60): the options and lengths are cut; the main events must be there
    need["all"] = [("TCP handshakes, resets, ICMP and ICMPv6 errors, UDP v4 and v6",
                    "S." in flags and "R." in flags and icmp and icmp6 and len(udp) >= 24
                    and fams == {"4", "6"})]
    missing = [label for label, ok in need[scenario] if not ok]
    if missing:
        raise Failure("%s: the capture lacks what the scenario makes: %s"
                      % (what, ", ".join(missing)))


def same_json_in_other_formats(cli, path, what, ours):
    d = os.path.dirname(path)
    for fmt in ("pcapng", "nsecpcap"):
        other = os.path.join(d, os.path.basename(path) + "." + fmt)
        sslib.editcap(path, other, fmt)
        theirs = sslib.decode_json(cli, other)
        if len(theirs) != len(ours):
            raise Failure("%s as %s: %d packets, as pcap %d" % (what, fmt, len(theirs), len(ours)))
        for a, b in zip(ours, theirs):
            if a != b:
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                raise Failure("%s as %s: packet %d decodes differently from the pcap: %s"
                              % (what, fmt, a.get("n"),
                                 "; ".join("%s: pcap %r, %s %r" % (k, a.get(k), fmt, b.get(k))
                                           for k in keys)))


def text_and_summary(cli, path, what, ours, snaplen):
    """The text form: one line per packet, and (for whole packets) the very lines
    `tcpdump -n -S` prints, timestamps in nanoseconds; --summary counts what --json shows."""
    count = len(ours)
    text = sslib.run_cli(cli, path).stdout.decode().splitlines()
    if len(text) != count:
        raise Failure("%s: the text form has %d lines for %d packets" % (what, len(text), count))
    if not snaplen:
        p = subprocess.run(["tcpdump", "-n", "-S", "--time-stamp-precision=nano", "-r", path],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           env=dict(os.environ, TZ="UTC"))
        # on a cooked capture tcpdump names the interface and direction: "lo    In  IP ..."
        theirs = [re.sub(r"^(\S+) \S+ +(In|Out|B|M|P) +", r"\1 ", ln)
                  for ln in p.stdout.decode(errors="replace").splitlines()]
        diffs = ["packet %d:\n    ours:    %s\n    tcpdump: %s" % (i + 1, a, b)
                 for i, (a, b) in enumerate(zip(text, theirs)) if a != b]
        if diffs or len(theirs) != count:
            raise Failure("%s: the text form differs from tcpdump -n -S (%d of %d lines):\n  %s"
                          % (what, len(diffs), count, "\n  ".join(diffs[:5])))
    summary = sslib.run_cli(cli, "--summary", path).stdout.decode()
    m = re.search(r"packets:\s*(\d+)", summary)
    if m is None or int(m.group(1)) != count:
        raise Failure("%s: --summary does not say 'packets: %d':\n%s" % (what, count, summary))
    for proto in sorted({p["proto"] for p in ours}):
        n = sum(1 for p in ours if p["proto"] == proto)
        if not re.search(r"^\s*%s\s+%d\s*$" % (proto, n), summary, re.MULTILINE):
            raise Failure("%s: --summary does not count %d %s packets as --json does:\n%s"
                          % (what, n, proto, summary))


def main():
    sslib.need_tools("tshark", "tcpdump", "editcap", "unshare")
    cli = sslib.cli_path(sys.argv)
    group = sys.argv[2] if len(sys.argv) > 2 else "tcp"
    if group not in GROUPS:
        sys.exit("unknown group %r; one of %s" % (group, ", ".join(GROUPS)))
    d = sslib.tmpdir("tshark-" + group)
    ok = False
    try:
        for scenario, snaplen, tcpdump_args in GROUPS[group]:
            path = os.path.join(d, scenario + ".pcap")
            what = scenario + (" (snaplen %d)" % snaplen if snaplen else "") \
                + (" (tcpdump %s)" % " ".join(tcpdump_args) if tcpdump_args else "")
            count = sslib.capture(path, scenario, snaplen, tcpdump_args=tcpdump_args)
            # a cut capture hides what scenario_happened() reads: count the cut headers instead
            ours = compare(cli, path, what, scenario if group != "cut" else None)
            if group == "cut":
                cut = [p for p in ours if p.get("truncated") and p.get("sport") is not None
                       and p.get("flags" if p.get("proto") == "tcp" else "len") is None]
                if len(cut) < 10:
                    raise Failure("%s: only %d frames with a transport header cut after its "
                                  "ports" % (what, len(cut)))
            if len(ours) != count:
                raise Failure("%s: tcpdump captured %d packets, we decoded %d"
                              % (what, count, len(ours)))
            same_json_in_other_formats(cli, path, what, ours)
            text_and_summary(cli, path, what, ours, snaplen)
            sslib.log("%s: %d packets agree with tshark and tcpdump (pcap, pcapng, nsecpcap)"
                      % (what, count))
        for name in GROUP_FILES.get(group, []):
            path = os.path.join(d, name)
            shutil.copyfile(os.path.join(sslib.GOLDEN, name), path)
            ours = compare(cli, path, name)
            cut = [p for p in ours if p.get("truncated") and p.get("proto") in FIXED_HEADER]
            if len(cut) != len(ours):
                raise Failure("%s: %d of %d frames decode as a cut transport header"
                              % (name, len(cut), len(ours)))
            same_json_in_other_formats(cli, path, name, ours)
            sslib.log("%s: %d cut frames agree with tshark and their bytes, field by field"
                      % (name, len(ours)))
        ok = True
    finally:
        if ok:
            shutil.rmtree(d, ignore_errors=True)
        else:
            sslib.log("captures kept for a look in " + d)


if __name__ == "__main__":
    sslib.run_main(main)
