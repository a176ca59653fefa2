#!/usr/bin/env python3
"""The ladder of a two-host run (#16): each host's name and address over its actors' column, a
lost packet's arrow cut half-way with an x and marked, a delayed one marked, a duplicate printed
twice, the wire's rule changes on the wire; the same marks in French. The recorded two-host
session of tests/layout, then real runs of tcp-retransmission and reorder-and-duplicate as an
unprivileged user."""
import os
import re
import json
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv.pop(1)
SOURCE = os.environ["SOCKSCOPE_SOURCE_ROOT"]
SESSION = os.path.join(SOURCE, "tests", "layout", "wire-retransmission.sockscope")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def ladder(args, lang="en"):
    env = dict(os.environ, COLUMNS="80", NO_COLOR="1", LANGUAGE=lang, LC_ALL="C.UTF-8")
    argv = [CLI] + args
    if os.geteuid() == 0:
        argv = NOBODY + argv
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    if done.returncode != 0:
        raise AssertionError(done.stderr)
    return done.stdout.splitlines()


def lost_arrow(lines, mark):
    """The line of a lost packet's label, and the arrow under it: from the client's lifeline
    (right) to an x half-way, nothing beyond it."""
    for i, line in enumerate(lines):
        if mark in line:
            arrow = lines[i + 1]
            return line, arrow
    raise AssertionError(f"no {mark!r} in the ladder")


class WireLadder(unittest.TestCase):
    def check_session(self, lang, lost, copy, delayed):
        # replay speaks the language the session was recorded in
        with tempfile.TemporaryDirectory() as tmp:
            os.chmod(tmp, 0o755)
            path = os.path.join(tmp, "wire.sockscope")
            with open(SESSION) as f:
                header, rest = f.readline(), f.read()
            header = json.loads(header)
            header["lang"] = lang
            with open(path, "w") as f:
                f.write(json.dumps(header, ensure_ascii=False) + "\n" + rest)
            os.chmod(path, 0o644)
            lines = ladder(["replay", path], lang)
        # Hosts first, host a over the client's column... the lesson's order puts the server
        # first: bob's name stands over it.
        self.assertRegex(lines[0], r"^\s+bob · 192\.0\.2\.2\s+alice · 192\.0\.2\.1$")
        label, arrow = lost_arrow(lines, lost)
        self.assertIn("PSH,ACK seq=1 ack=1 len=6", label)
        left, right = arrow.index("│"), arrow.rindex("│")
        x = arrow.index("x")
        self.assertLess(abs(x - (left + right) / 2), 1.01)
        self.assertEqual(arrow[left + 1:x].strip(), "")          # nothing between the server and the x
        self.assertEqual(set(arrow[x + 1:right]), {"─"})         # the shaft from the client
        self.assertNotIn("<", arrow)
        self.assertNotIn(">", arrow)
        # The rules, on the wire.
        self.assertTrue(any(re.search(r"│\s+\S.*dir a → b, drop data\s+│", l) for l in lines), lines)
        # Delayed and duplicated: marked, then a second arrow for the copy.
        text = "\n".join(lines)
        self.assertIn(f"PSH,ACK seq=7 ack=1 len=6 · {delayed}", text)
        self.assertIn(f"PSH,ACK seq=7 ack=1 len=6 {copy}", text)
        copy_line = next(i for i, l in enumerate(lines) if f"len=6 {copy}" in l)
        self.assertIn("<─", lines[copy_line + 1])

    def test_session_en(self):
        self.check_session("en", "· lost on the wire", "(copy)", "delayed 44 ms, duplicated")

    def test_session_fr(self):
        self.check_session("fr", "· perdu sur le câble", "(copie)", "retardé de 44 ms, dupliqué")

    def test_real_run(self):
        lines = ladder(["run", "tcp-retransmission"])
        self.assertRegex(lines[0], r"alice · 192\.0\.2\.1\s+$|bob · 192\.0\.2\.2")
        # Step 9's segment: lost, cut short on the wire, then sent again by the kernel.
        label, arrow = lost_arrow(lines, "len=5 · lost on the wire")
        self.assertIn("x", arrow)
        self.assertNotIn("<", arrow)
        i = lines.index(label)
        self.assertTrue(any("retransmission of #" in l for l in lines[i:i + 8]), lines[i:i + 8])
        # No decision printed apart from its packet.
        self.assertFalse(any(re.match(r"\s*│?\s*#\d+: ", l) for l in lines), lines)

    def test_reorder_and_duplicate(self):
        lines = ladder(["run", "reorder-and-duplicate"])
        text = " ".join(l.strip("│ ") for l in lines)
        # A reordered packet is named under the one it was held behind; a copy is a second arrow.
        self.assertIn("(sent before it): reordered, delivered after the packet above", re.sub(r"\s+", " ", text))
        copies = [i for i, l in enumerate(lines) if "(copy)" in l]
        self.assertGreaterEqual(len(copies), 2, lines)
        for i in copies:
            self.assertTrue("<─" in lines[i] or "<─" in lines[i + 1] or "─>" in lines[i] or "─>" in lines[i + 1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
