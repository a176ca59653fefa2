#!/usr/bin/env python3
"""The CLI ladder in a terminal: no line wider than the terminal for every lesson at 80 and 120
columns, long payloads shortened with their length, colour on a tty only (and never with
NO_COLOR), and one language at a time."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import unittest

from lesson_runs import as_user, lesson_ids

CLI = sys.argv.pop(1)
LESSONS = sys.argv.pop(1)
ANSI = re.compile(r"\x1b\[[0-9;]*m")




def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in ANSI.sub("", line))




class Terminal(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sockscope-term-")
        os.chmod(cls.tmp, 0o777)
        cls.sessions = {}
        for lesson in lesson_ids(LESSONS):
            session = os.path.join(cls.tmp, lesson + ".sockscope")
            r = subprocess.run(as_user([CLI, "run", lesson, "--json", "--session", session]),
                               capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, f"{lesson}: {r.stderr}"
            cls.sessions[lesson] = session

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def replay(self, session, **env):
        e = dict(os.environ, **env)
        e.pop("NO_COLOR", None) if "NO_COLOR" not in env else None
        return subprocess.run([CLI, "replay", session], capture_output=True, text=True, timeout=60, env=e)

    def test_no_line_wider_than_the_terminal(self):
        for columns in (80, 120):
            for lesson, session in self.sessions.items():
                r = self.replay(session, COLUMNS=str(columns))
                self.assertEqual(r.returncode, 0, r.stderr)
                lines = r.stdout.splitlines()
                self.assertGreater(len(lines), 10, lesson)
                wide = [l for l in lines if width(l) > columns]
                self.assertEqual(wide, [], f"{lesson} at {columns} columns: {len(wide)} lines too wide")

    def test_lanes_follow_the_width(self):
        narrow = self.replay(self.sessions["concurrent-fork"], COLUMNS="80").stdout.splitlines()[0]
        wide = self.replay(self.sessions["concurrent-fork"], COLUMNS="200").stdout.splitlines()[0]
        self.assertEqual(narrow.split(), wide.split())
        self.assertLess(narrow.index("client2"), 80)
        self.assertGreater(wide.index("client2"), narrow.index("client2"))

    def test_long_payload_is_shortened_with_its_length(self):
        out = self.replay(self.sessions["flow-control"], COLUMNS="120").stdout
        # recv's 65536 bytes: its return value says how many, the text shows the first ones.
        self.assertRegex(out, r'recv = 65536 "x{24}"…')
        self.assertNotIn("x" * 40, out)
        # A long literal in a call: its first characters and its length in bytes.
        out = self.replay(self.sessions["http-get"], COLUMNS="120").stdout
        self.assertIn('send(4, "HTTP/1.0 200 OK\\r\\nCon…" (92 bytes), 0)', out)

    def test_no_colour_when_piped_or_no_color(self):
        self.assertNotRegex(self.replay(self.sessions["tcp-handshake"]).stdout, ANSI)
        if shutil.which("script") is None:
            self.skipTest("no script(1) to give the CLI a terminal")
        cmd = f"{CLI} replay {self.sessions['tcp-handshake']}"
        tty = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, TERM="xterm-256color", COLUMNS="100"))
        self.assertRegex(tty.stdout, ANSI, "no colour on a terminal")
        plain = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, TERM="xterm-256color", COLUMNS="100", NO_COLOR="1"))
        self.assertNotRegex(plain.stdout, ANSI, "colour despite NO_COLOR")

    def test_one_language_at_a_time(self):
        env = dict(os.environ, LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", COLUMNS="120")
        env.pop("LANGUAGE", None)
        r = subprocess.run(as_user([CLI, "run", "tcp-handshake", "--lang", "fr"]), capture_output=True,
                           text=True, timeout=120, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[étape 1]", r.stdout)
        self.assertNotIn("[step 1]", r.stdout)
        self.assertNotIn("blocks: it waits", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
