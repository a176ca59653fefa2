#!/usr/bin/env python3
"""Golden outputs of `sockscope-cli decode` on the two committed captures.

usage: golden_test.py SOCKSCOPE-CLI [--update]

golden/handshake.pcap  a real TCP handshake, 5+6 bytes of data, FIN both ways (make_handshake.py)
golden/mutated.pcap    hand-made broken frames (make_mutated.py, byte for byte reproducible)

For each capture NAME, the text form must equal golden/NAME.txt and --json must equal
golden/NAME.jsonl. --update rewrites those files from the current decoder: read the diff
before committing it. Beyond the goldens, every frame of mutated.pcap must carry the
truncated/malformed flags make_mutated.py states for it, the well-formed frames must agree with
tshark field by field, and pcapng/nanosecond-pcap copies must decode to the same JSON.
"""

import difflib
import json
import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_tshark  # noqa: E402
import make_mutated  # noqa: E402
import sslib  # noqa: E402
from sslib import Failure  # noqa: E402

CAPTURES = ("handshake", "mutated")


def show_diff(name, want, got):
    diff = list(difflib.unified_diff(want.splitlines(), got.splitlines(), "golden/" + name,
                                     "decoder output", lineterm="", n=1))
    cut = diff[:60] + (["... (%d more diff lines)" % (len(diff) - 60)] if len(diff) > 60 else [])
    return "\n".join(cut)


def first_difference(a, b, path=""):
    """Path and the two values where JSON values a and b first differ, or None."""
    if type(a) is not type(b):
        return path or "(top)", a, b
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return path + "." + k, a.get(k, "(absent)"), b.get(k, "(absent)")
            d = first_difference(a[k], b[k], path + "." + k)
            if d:
                return d
        if list(a) != list(b):
            return path + " (member order)", list(a), list(b)
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            ident = x.get("id") if isinstance(x, dict) else None
            d = first_difference(x, y, "%s[%d%s]" % (path, i, "=" + ident if ident else ""))
            if d:
                return d
        if len(a) != len(b):
            return path + " (length)", len(a), len(b)
        return None
    return None if a == b else (path or "(top)", a, b)


def json_diff(want, got):
    w, g = want.splitlines(), got.splitlines()
    out = []
    for i in range(max(len(w), len(g))):
        if i >= len(w) or i >= len(g):
            out.append("line %d: %s" % (i + 1, "extra packet in the output" if i >= len(w)
                                        else "packet missing from the output"))
            continue
        if w[i] == g[i]:
            continue
        try:
            d = first_difference(json.loads(w[i]), json.loads(g[i]))
        except ValueError:
            d = ("(not JSON)", w[i][:120], g[i][:120])
        d = d or ("(same value, different text)", w[i][:120], g[i][:120])
        out.append("packet %d: %s: golden %r, now %r" % (i + 1, d[0], d[1], d[2]))
        if len(out) >= 20:
            out.append("...")
            break
    return "\n".join(out)


def check_golden(cli, name, update):
    pcap = os.path.join(sslib.GOLDEN, name + ".pcap")
    text = sslib.run_cli(cli, pcap).stdout.decode()
    js = sslib.run_cli(cli, "--json", pcap).stdout.decode()
    for suffix, got in ((".txt", text), (".jsonl", js)):
        gold = os.path.join(sslib.GOLDEN, name + suffix)
        if update:
            with open(gold, "w") as f:
                f.write(got)
            sslib.log("wrote " + gold)
            continue
        if not os.path.exists(gold):
            raise Failure("golden/%s%s is missing; write it with --update and review it"
                          % (name, suffix))
        with open(gold) as f:
            want = f.read()
        if got != want and suffix == ".jsonl":
            raise Failure("decode --json %s.pcap differs from golden/%s.jsonl:\n%s"
                          % (name, name, json_diff(want, got)))
        if got != want:
            raise Failure("decode %s%s differs from golden/%s%s:\n%s"
                          % ("--json " if suffix == ".jsonl" else "", name + ".pcap", name,
                             suffix, show_diff(name + suffix, want, got)))
    sslib.log("%s: text and JSON match the goldens" % name)


def check_mutated_file_is_reproducible():
    d = sslib.tmpdir("mutated")
    try:
        fresh = os.path.join(d, "mutated.pcap")
        make_mutated.write(fresh)
        with open(fresh, "rb") as a, open(os.path.join(sslib.GOLDEN, "mutated.pcap"), "rb") as b:
            if a.read() != b.read():
                raise Failure("make_mutated.py no longer writes golden/mutated.pcap; rerun it "
                              "and update the goldens (--update) if the change is meant")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_mutated_flags(cli):
    pkts = sslib.decode_json(cli, os.path.join(sslib.GOLDEN, "mutated.pcap"))
    names, expect = make_mutated.NAMES, make_mutated.EXPECT
    if len(pkts) != len(names):
        raise Failure("mutated.pcap: %d frames decoded, the file has %d"
                      % (len(pkts), len(names)))
    problems = []
    for i, (p, name, exp) in enumerate(zip(pkts, names, expect)):
        tr, mf = p.get("truncated"), p.get("malformed")
        if not isinstance(tr, bool) or not isinstance(mf, bool):
            problems.append("frame %d (%s): truncated=%r malformed=%r are not booleans"
                            % (i + 1, name, tr, mf))
            continue
        ok = {"ok": not tr and not mf, "truncated": tr, "malformed": mf, "bad": tr or mf,
              "any": True}[exp]
        if not ok:
            problems.append("frame %d (%s): expected %s, got truncated=%s malformed=%s "
                            "reason=%r" % (i + 1, name, exp, tr, mf, p.get("reason")))
        if (tr or mf) and not p.get("reason"):
            problems.append("frame %d (%s): flagged but 'reason' is empty" % (i + 1, name))
        if not isinstance(p.get("summary"), str) or not p.get("summary"):
            problems.append("frame %d (%s): no summary" % (i + 1, name))
    if problems:
        raise Failure("mutated.pcap flags:\n  " + "\n  ".join(problems))
    sslib.log("mutated.pcap: %d frames carry the expected truncated/malformed flags" % len(pkts))


def check_mutated_against_tshark(pkts):
    layers = sslib.tshark(os.path.join(sslib.GOLDEN, "mutated.pcap"))
    problems = []
    compared = 0
    for i, (p, t) in enumerate(zip(pkts, layers)):
        name = make_mutated.NAMES[i]
        # only well-formed frames; fragments are left out: whether the first fragment's UDP
        # header is shown differs between tools (tcpdump does, tshark does not)
        if make_mutated.EXPECT[i] != "ok" or "fragment" in name:
            continue
        compared += 1
        problems += compare_tshark.check_packet(p, t, i + 1, "mutated.pcap (%s)" % name,
                                                malformed=False)
    compare_tshark.report("mutated.pcap", problems)
    sslib.log("mutated.pcap: %d well-formed frames agree with tshark" % compared)


def check_handshake_against_tshark(cli):
    n = len(compare_tshark.compare(cli, os.path.join(sslib.GOLDEN, "handshake.pcap"),
                                   "handshake.pcap"))
    sslib.log("handshake.pcap: %d packets agree with tshark" % n)


def check_other_formats(cli):
    if shutil.which("editcap") is None:
        sslib.log("editcap missing: pcapng/nsecpcap copies not checked")
        return
    d = sslib.tmpdir("golden-formats")
    try:
        for name in CAPTURES:
            src = os.path.join(d, name + ".pcap")
            shutil.copy(os.path.join(sslib.GOLDEN, name + ".pcap"), src)
            ours = sslib.decode_json(cli, src)
            compare_tshark.same_json_in_other_formats(cli, src, name, ours)
        sslib.log("pcapng and nanosecond pcap copies decode to the same JSON")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def check_members(cli):
    """Every JSON line is valid JSON with the documented members."""
    for name in CAPTURES:
        for p in sslib.decode_json(cli, os.path.join(sslib.GOLDEN, name + ".pcap")):
            missing = [k for k in MEMBERS if k not in p]
            if missing:
                raise Failure("%s packet %s lacks %s: %s" % (name, p.get("n"), missing,
                                                            json.dumps(p)[:300]))


MEMBERS = ("n", "t_ns", "proto", "src", "dst", "sport", "dport", "flags", "seq", "ack", "win",
           "len", "truncated", "malformed", "reason", "summary", "fields")


def main():
    cli = sslib.cli_path(sys.argv)
    update = "--update" in sys.argv[2:]
    # every check runs; the failures are reported together at the end
    checks = [check_mutated_file_is_reproducible]
    checks += [lambda name=name: check_golden(cli, name, update) for name in CAPTURES]
    checks += [lambda: check_members(cli), lambda: check_mutated_flags(cli)]
    if shutil.which("tshark"):
        checks.append(lambda: check_handshake_against_tshark(cli))
        checks.append(lambda: check_mutated_against_tshark(
            sslib.decode_json(cli, os.path.join(sslib.GOLDEN, "mutated.pcap"))))
    else:
        sslib.log("tshark missing: field comparison of mutated.pcap skipped")
    checks.append(lambda: check_other_formats(cli))
    failures = []
    for check in checks:
        try:
            check()
        except Failure as e:
            sslib.log("FAIL: " + str(e))
            failures.append(str(e).splitlines()[0])
    if failures:
        raise Failure("%d of %d checks failed:\n  %s" % (len(failures), len(checks),
                                                        "\n  ".join(failures)))


if __name__ == "__main__":
    sslib.run_main(main)
