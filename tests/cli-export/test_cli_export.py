#!/usr/bin/env python3
"""sockscope-cli export: diagrams (PNG, SVG, PDF) that other programs render, the packets as
pcapng with their causes, the session file; with no display, as an unprivileged user."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv.pop(1)
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def headless_env():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["LANG"] = "C.UTF-8"
    env.pop("LANGUAGE", None)
    env.pop("LC_ALL", None)
    return env


def png_size(path):
    with open(path, "rb") as f:
        data = f.read(24)
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


class Export(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sockscope-export-")
        os.chmod(cls.tmp, 0o777)
        cls.session = os.path.join(cls.tmp, "tcp.sockscope")
        # A lesson is run in a fresh lab first, as `run` does; its session is written.
        r = cls.cli("export", "tcp-handshake", "--format", "session", "--output", cls.session, "--lang", "fr")
        assert r.returncode == 0, r.stderr
        with open(cls.session) as f:
            cls.header = json.loads(f.readline())
            cls.events = [json.loads(line) for line in f]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    @classmethod
    def cli(cls, *args):
        argv = [CLI, *args]
        if os.geteuid() == 0:
            argv = NOBODY + argv
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=headless_env())

    def export(self, fmt, *extra, name=None):
        out = os.path.join(self.tmp, name or f"diagram.{fmt}")
        r = self.cli("export", self.session, "--format", fmt, "--output", out, *extra)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(os.path.getsize(out), 1000)
        return out

    def pdf_text(self, path):
        r = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_session_holds_the_run(self):
        self.assertEqual(self.header["lesson"], "tcp-handshake")
        self.assertEqual(self.header["lang"], "fr")
        types = [e["type"] for e in self.events]
        self.assertIn("packet", types)
        self.assertEqual(types.count("call"), types.count("return"))

    def test_png_is_a_16_9_slide(self):
        out = self.export("png", "--range", "1-10")
        self.assertEqual(png_size(out), (1920, 1080))

    def test_svg_renders_with_rsvg(self):
        out = self.export("svg", "--range", "1-10")
        png = os.path.join(self.tmp, "svg.png")
        r = subprocess.run(["rsvg-convert", "-o", png, out], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(png_size(png), (1920, 1080))

    def test_pdf_renders_with_poppler_in_the_language_asked(self):
        fr = self.export("pdf", "--lang", "fr", name="fr.pdf")
        r = subprocess.run(["pdftoppm", "-png", "-r", "72", "-singlefile", fr, os.path.join(self.tmp, "pdf")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(png_size(os.path.join(self.tmp, "pdf.png")), (960, 540))
        text = self.pdf_text(fr)
        for word in ("Serveur", "Client", "SYN", "connect(3, 127.0.0.1:7777)", "ESTAB", "TIME-WAIT"):
            self.assertIn(word, text)
        en = self.pdf_text(self.export("pdf", "--lang", "en", name="en.pdf"))
        self.assertIn("Server", en)
        self.assertNotIn("Serveur", en)

    def test_range_keeps_only_those_events(self):
        calls = [e for e in self.events if e["type"] == "call"]
        connect = next(e for e in calls if e["call"] == "connect")
        close = next(e for e in calls if e["call"] == "close")
        part = self.pdf_text(self.export("pdf", "--range", f"{connect['seq']}-{connect['seq'] + 4}",
                                         name="part.pdf"))
        self.assertIn("connect(3, 127.0.0.1:7777)", part)
        self.assertIn("SYN", part)
        self.assertNotIn(close["text"], part)
        self.assertIn(f"{connect['seq']}–{connect['seq'] + 4}", part)

    def pdf_pages(self, path):
        r = subprocess.run(["pdfinfo", path], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return int(next(line.split()[1] for line in r.stdout.splitlines() if line.startswith("Pages:")))

    def test_long_session_is_cut_into_readable_slides(self):
        """The whole handshake does not fit one slide: a PDF page a slide, each captioned with its
        events and its number, the text at least 14 pt; --per-slide N makes smaller slides, and a
        PNG export numbered files."""
        whole = self.export("pdf", "--lang", "en", name="slides.pdf")
        n = self.pdf_pages(whole)
        self.assertGreaterEqual(n, 2)
        six = self.export("pdf", "--lang", "en", "--per-slide", "6", name="slides6.pdf")
        n6 = self.pdf_pages(six)
        self.assertGreater(n6, n)
        last_event = 0
        for page in range(1, n6 + 1):
            r = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), six, "-"],
                               capture_output=True, text=True, timeout=60)
            caption = re.search(r"events (\d+)–(\d+) of (\d+) · slide (\d+)/(\d+)", r.stdout)
            self.assertIsNotNone(caption, r.stdout)
            first, last, total, k, of = map(int, caption.groups())
            self.assertEqual((k, of), (page, n6))
            self.assertGreater(first, last_event)
            self.assertGreaterEqual(last, first)
            last_event = last
        self.assertEqual(last_event, len(self.events))
        # Word boxes are about 1.16 times the font size in DejaVu Sans: 14 pt is 16.2 pt tall.
        r = subprocess.run(["pdftotext", "-bbox", whole, "-"], capture_output=True, text=True, timeout=60)
        heights = [float(b) - float(a) for a, b in re.findall(r'yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)"', r.stdout)]
        self.assertGreater(len(heights), 100)
        self.assertGreaterEqual(min(heights), 14 * 1.1, "text smaller than 14 pt on the page")

        png = os.path.join(self.tmp, "slides.png")
        r = self.cli("export", self.session, "--format", "png", "--per-slide", "6", "--output", png)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(png))
        for page in range(1, n6 + 1):
            self.assertEqual(png_size(os.path.join(self.tmp, f"slides-{page}.png")), (1920, 1080))
        self.assertFalse(os.path.exists(os.path.join(self.tmp, f"slides-{n6 + 1}.png")))

    def test_pcapng_carries_the_causes(self):
        out = self.export("pcapng")
        r = subprocess.run(["tshark", "-r", out, "-T", "fields", "-E", "separator=|",
                            "-e", "tcp.srcport", "-e", "frame.comment"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [line.split("|") for line in r.stdout.splitlines()]
        packets = [e for e in self.events if e["type"] == "packet"]
        self.assertEqual(len(rows), len(packets))
        for row, p in zip(rows, packets):
            self.assertEqual(row[1], p["cause_text"])
        self.assertTrue(any("connect" in row[1] for row in rows))

    def test_bad_arguments(self):
        out = os.path.join(self.tmp, "x")
        for args in (["--format", "gif"], ["--format", "png", "--range", "9-3"],
                     ["--format", "png", "--lang", "de"], ["--format", "pdf", "--per-slide", "0"],
                     ["--format", "pdf", "--per-slide", "many"]):
            r = self.cli("export", self.session, "--output", out, *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.strip())
        r = self.cli("export", self.session, "--format", "png", "--output", out, "--range", "5000-6000")
        self.assertEqual(r.returncode, 1)
        self.assertIn("5000", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
