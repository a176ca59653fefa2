#!/usr/bin/env python3
"""A session carries its lesson. Recorded from a lesson file in a temporary folder that is then
deleted, it replays and exports in every format (png, svg, pdf, pcapng, session) with no display,
as uid 65534 when root. A session of format 1, which named its lesson only by id, still opens
when that lesson is installed, and says so clearly when it is not.
    python3 session_anywhere_test.py CLI"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CLI = os.path.abspath(sys.argv.pop(1))
SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT",
                     os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def cli(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "LANGUAGE", "LC_ALL")}
    env["LANG"] = "C.UTF-8"
    argv = [CLI, *args]
    if os.geteuid() == 0:
        argv = NOBODY + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)


class SessionAnywhere(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sockscope-anywhere-")
        os.chmod(cls.tmp, 0o777)
        folder = os.path.join(cls.tmp, "lesson")
        os.mkdir(folder)
        with open(os.path.join(SRC, "lessons", "tcp-handshake.lesson"), encoding="utf-8") as f:
            text = f.read().replace("id: tcp-handshake", "id: my-handshake")
        text = text.replace("title.en: The TCP handshake", "title.en: My TCP handshake")
        cls.lesson_text = text
        cls.lesson_path = os.path.join(folder, "my-handshake.lesson")
        with open(cls.lesson_path, "w", encoding="utf-8") as f:
            f.write(text)
        cls.session = os.path.join(cls.tmp, "my.sockscope")
        r = cli("export", cls.lesson_path, "--format", "session", "--output", cls.session)
        assert r.returncode == 0, r.stderr
        # The lesson is gone: only the session is left, as on another machine.
        shutil.rmtree(folder)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def header(self, path):
        with open(path, encoding="utf-8") as f:
            return json.loads(f.readline())

    def test_header_embeds_the_lesson(self):
        header = self.header(self.session)
        self.assertEqual(header["sockscope_session"], 2)
        self.assertEqual(header["lesson"], "my-handshake")
        self.assertEqual(header["lesson_text"], self.lesson_text)
        self.assertEqual(header["lesson_path"], self.lesson_path)

    def test_replay(self):
        r = cli("replay", self.session)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("connect", r.stdout)
        self.assertIn("SYN", r.stdout)

    def export(self, fmt):
        out = os.path.join(self.tmp, "out." + fmt)
        r = cli("export", self.session, "--format", fmt, "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("not installed", r.stderr)
        # A session longer than a slide is several pictures: out-1.png, out-2.png…
        first = os.path.join(self.tmp, "out-1." + fmt)
        with open(out if os.path.exists(out) or fmt in ("pdf", "pcapng", "sockscope") else first, "rb") as f:
            return f.read()

    def test_export_every_format(self):
        self.assertTrue(self.export("png").startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertIn(b"<svg", self.export("svg")[:400])
        pdf = self.export("pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"))
        r = subprocess.run(["pdftotext", os.path.join(self.tmp, "out.pdf"), "-"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Server", r.stdout)
        self.assertIn("SYN", r.stdout)
        pcapng = self.export("pcapng")
        self.assertEqual(pcapng[:4], b"\x0a\x0d\x0d\x0a")
        self.assertGreater(len(pcapng), 500)
        again = self.export("session")
        self.assertEqual(json.loads(again.split(b"\n", 1)[0])["lesson_text"], self.lesson_text)

    def format_1(self, lesson_id):
        """This session as format 1 wrote it: no lesson text, no lesson path."""
        path = os.path.join(self.tmp, f"old-{lesson_id}.sockscope")
        with open(self.session, encoding="utf-8") as f:
            lines = f.readlines()
        old = {"sockscope_session": 1, "lesson": lesson_id, "lang": "en",
               "started_ns": self.header(self.session)["started_ns"]}
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(old, separators=(",", ":")) + "\n")
            f.writelines(lines[1:])
        os.chmod(path, 0o644)
        return path

    def test_format_1_opens_by_id(self):
        old = self.format_1("tcp-handshake")
        r = cli("replay", old)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = os.path.join(self.tmp, "old.pdf")
        r = cli("export", old, "--format", "pdf", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_format_1_of_a_lesson_not_here(self):
        old = self.format_1("gone-lesson")
        r = cli("export", old, "--format", "pdf", "--output", os.path.join(self.tmp, "gone.pdf"))
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{old}: this session was recorded with a lesson that is not installed here", r.stderr)
        self.assertIn("no lesson 'gone-lesson'", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
