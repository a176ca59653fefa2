#!/usr/bin/env python3
"""Malformed inputs, each with its expected message: python3 malformed_test.py CLI [--update]

- captures/*: `sockscope-cli decode NAME` (text), run in captures/ so the messages name the file
  as NAME; compared with captures/NAME.expected (exit status, stdout, stderr).
- lessons/*.lesson: `sockscope-cli check NAME`, compared with lessons/NAME.expected. Every
  bad-*.lesson must fail with a message naming NAME:LINE; ok-*.lesson must pass.
- make-corpus must still write the committed files byte for byte.
- The damaged-frame categories (bad IHL, lengths, data offset, options past the end, zero-length
  frames, frames above the snaplen) must each appear in the decode golden of
  tests/tshark/golden/mutated.pcap, which holds those frames (not repeated here).
--update rewrites the .expected files: read the diff before committing.
Messages are compared in English (LANGUAGE=en, LC_ALL=C.UTF-8), times in UTC."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.abspath(sys.argv[1])
UPDATE = "--update" in sys.argv[2:]
ENV = dict(os.environ, LANGUAGE="en", LC_ALL="C.UTF-8", TZ="UTC")
# Each damaged-frame category the issue lists, and how mutated.txt says it.
FRAME_CATEGORIES = {
    "truncated headers": r"\[truncated: (Ethernet|IPv6|TCP) header: \d+ of \d+ bytes captured\]",
    "bad lengths": r"\[malformed: (IPv4 total length|UDP length) \d+ ",
    "bad IHL": r"\[malformed: IPv4 header length \d+ < 20\]",
    "bad TCP data offset": r"\[malformed: TCP data offset ",
    "options past the end": r"\[malformed: TCP option \d+ length \d+ past end of options\]",
    "zero-length frames": r"length 0 \[malformed: empty frame\]",
    "frames above the snaplen": r"\[truncated: \d+ of \d+ bytes captured \(snapshot length\)\]",
    "original length below captured": r"\[malformed: original length \d+ is less than the captured length",
}

failures = []


def fail(what):
    failures.append(what)
    print("FAIL " + what)


def run_case(folder, name, command):
    p = subprocess.run([CLI, command, name], cwd=folder, capture_output=True, text=True,
                       env=ENV, timeout=30)
    out = "exit %d\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout, p.stderr)
    if p.returncode < 0 or "AddressSanitizer" in p.stderr or "runtime error" in p.stderr:
        fail("%s/%s: crashed: %s" % (folder, name, p.stderr[-500:]))
    expected_path = os.path.join(folder, name + ".expected")
    if UPDATE:
        with open(expected_path, "w") as f:
            f.write(out)
        return p
    try:
        with open(expected_path) as f:
            expected = f.read()
    except OSError:
        fail("%s: no golden %s.expected (run with --update)" % (name, name))
        return p
    if out != expected:
        fail("%s %s: output differs from %s.expected\n--- expected\n%s--- got\n%s"
             % (command, name, name, expected, out))
    else:
        print("ok   %s %s (exit %d)" % (command, name, p.returncode))
    return p


def main():
    # the committed corpus is what make-corpus writes
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(HERE, "make-corpus"), tmp], check=True)
        for sub in ("captures", "lessons"):
            for name in sorted(os.listdir(os.path.join(tmp, sub))):
                with open(os.path.join(tmp, sub, name), "rb") as a:
                    made = a.read()
                try:
                    with open(os.path.join(HERE, sub, name), "rb") as b:
                        committed = b.read()
                except OSError:
                    committed = None
                if made != committed:
                    fail("%s/%s: make-corpus writes something else than the committed file" % (sub, name))

    captures = os.path.join(HERE, "captures")
    names = sorted(n for n in os.listdir(captures) if not n.endswith(".expected"))
    if len(names) < 20:
        fail("only %d malformed captures" % len(names))
    for name in names:
        p = run_case(captures, name, "decode")
        # a damaged file (not a damaged frame) stops the read with one error naming the file
        if name.startswith(("pcap-cut", "pcap-bad", "pcap-huge", "pcap-empty", "pcapng-")) and (
                p.returncode == 0 or p.stderr.count("\n") != 1 or name not in p.stderr):
            fail("decode %s: expected exit 1 and one error naming the file, got exit %d, %r"
                 % (name, p.returncode, p.stderr))

    lessons = os.path.join(HERE, "lessons")
    names = sorted(n for n in os.listdir(lessons) if n.endswith(".lesson"))
    if len(names) < 15:
        fail("only %d malformed lessons" % len(names))
    for name in names:
        p = run_case(lessons, name, "check")
        if name.startswith("bad-"):
            if p.returncode != 1 or not re.match(re.escape(name) + r":\d+: ", p.stderr + p.stdout):
                fail("check %s: expected exit 1 and NAME:LINE: messages, got exit %d, %r"
                     % (name, p.returncode, p.stderr + p.stdout))
        elif p.returncode != 0:
            fail("check %s: a valid lesson is refused: %r" % (name, p.stderr))

    with open(os.path.join(HERE, "..", "tshark", "golden", "mutated.txt")) as f:
        mutated = f.read()
    for what, pattern in FRAME_CATEGORIES.items():
        if not re.search(pattern, mutated):
            fail("tests/tshark/golden/mutated.txt has no frame with %s (/%s/)" % (what, pattern))

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("all malformed inputs give their expected message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
