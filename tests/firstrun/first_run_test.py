#!/usr/bin/env python3
"""The README on a fresh machine: the app and the CLI, run from the build tree in a clean
environment (env -i with only PATH, HOME set to a new folder and DISPLAY of a private Xvfb: no
GSETTINGS_*, XDG_*, SOCKSCOPE_*), as uid 65534 when root, find their settings schema, lab,
lessons and translations by themselves; a teacher's broken or duplicate lessons in
~/.local/share/sockscope/lessons never stop them.   python3 first_run_test.py APP CLI

The screenshot command is read from README.md and run as written (the build tree's path
replaced by this build's); the picture must show the window, not an empty surface."""
import collections
import glob
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

APP = os.path.abspath(sys.argv.pop(1))
CLI = os.path.abspath(sys.argv.pop(1))
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))
ROOT = os.geteuid() == 0
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def png_pixels(path):
    """(width, height, bytes per pixel, rows) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        i = y * (stride + 1)
        kind = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        if kind == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
        elif kind == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def readme_screenshot_command():
    """The README's screenshot command, as words, without its optional [--pane ...] part."""
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("build/app/ui/sockscope --screenshot"):
                return re.sub(r"\s*\[[^\]]*\]", "", line).split()
    raise AssertionError("README.md has no 'build/app/ui/sockscope --screenshot' command")


def readme_course():
    """The lesson ids of README's table, in its order."""
    ids = []
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\| (tcp|udp|errors|servers|multiplexing|advanced|wire)\b[^|]*\|(.*)\|", line)
            if m:
                ids += re.findall(r"`([a-z0-9-]+)`", m.group(2))
    return ids


class Xvfb:
    """A private X server on a display it picks itself."""

    def __enter__(self):
        r, w = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1920x1200x24",
                                      "-nolisten", "tcp"], pass_fds=[w],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            self.display = ":" + f.readline().strip()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)


class FirstRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("Xvfb") is None:
            raise unittest.SkipTest("Xvfb is not installed")
        cls.xvfb = Xvfb().__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.xvfb.__exit__(None, None, None)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sockscope-firstrun-")
        os.chmod(self.tmp, 0o777)      # the pictures are written by uid 65534
        self.home = os.path.join(self.tmp, "home")
        os.mkdir(self.home, 0o700)
        if ROOT:
            os.chown(self.home, 65534, 65534)
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.addCleanup(self.kill_leftovers)

    def kill_leftovers(self):
        """What the app started and left behind (a D-Bus autolaunched for the X display,
        dconf, the accessibility bus): every process whose HOME is this test's."""
        mark = ("HOME=" + self.home).encode()
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    if mark in f.read().split(b"\0"):
                        os.kill(int(pid), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass

    def run_clean(self, argv, lang=None, timeout=120):
        """argv with env -i: PATH, HOME, DISPLAY (and LANG when asked), as nobody when root."""
        env = ["env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + self.home,
               "DISPLAY=" + self.xvfb.display]
        if lang is not None:
            env.append("LANG=" + lang)
        cmd = env + (NOBODY if ROOT else []) + list(argv)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=SRC)

    def writable(self, name):
        return os.path.join(self.tmp, name)

    def sessions(self):
        return sorted(glob.glob(os.path.join(self.home, ".local", "share", "sockscope", "sessions", "*.sockscope")))

    def assert_window_picture(self, path, size):
        w, h, bpp, rows = png_pixels(path)
        self.assertEqual((w, h), size)
        opaque = collections.Counter()
        n = 0
        for row in rows[::4]:
            for x in range(0, len(row), bpp * 4):
                n += 1
                if bpp == 3 or row[x + 3] == 255:
                    opaque[row[x:x + 3]] += 1
        total = sum(opaque.values())
        # A window: mostly painted, in hundreds of colours (text, code, arrows), not one flat
        # background.
        self.assertGreater(total, n * 0.6, f"{path}: only {total} of {n} pixels are painted")
        self.assertGreater(len(opaque), 200, f"{path}: {len(opaque)} colours")
        self.assertLess(opaque.most_common(1)[0][1], total * 0.8, f"{path}: one colour covers it")

    def test_readme_screenshot_command(self):
        words = readme_screenshot_command()
        self.assertEqual(words[0], "build/app/ui/sockscope")
        out = self.writable("out.png")
        argv = [APP] + [out if w == "out.png" else w for w in words[1:]]
        r = self.run_clean(argv)
        self.assertEqual(r.returncode, 0, r.stderr)
        size = tuple(int(v) for v in words[words.index("--size") + 1].split("x"))
        self.assert_window_picture(out, size)
        # The run was recorded in the user's data folder, with the lesson's text.
        sessions = self.sessions()
        self.assertEqual(len(sessions), 1, sessions)
        with open(sessions[0], encoding="utf-8") as f:
            header = json.loads(f.readline())
        self.assertEqual(header["lesson"], "tcp-handshake")
        self.assertIn("id: tcp-handshake", header["lesson_text"])

    def test_dev_run_as_the_readme_says(self):
        """The quick start's first command, in a clean environment, as root (it installs what is
        missing): it builds, then opens the window (asked for a picture here)."""
        with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertRegex(readme, r"(?m)^\./dev run\b", "the quick start has no ./dev run")
        if not ROOT:
            self.skipTest("./dev run installs packages: run as root")
        out = self.writable("dev-run.png")
        env = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "HOME=" + self.home, "DISPLAY=" + self.xvfb.display]
        r = subprocess.run(env + ["./dev", "run", "--screenshot", out, "--lesson", "tcp-handshake",
                                  "--step", "6", "--size", "1280x720"],
                           capture_output=True, text=True, timeout=280, cwd=SRC)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assert_window_picture(out, (1280, 720))

    def test_opens_on_the_first_lesson_of_the_course(self):
        out = self.writable("first.png")
        r = self.run_clean([APP, "--screenshot", out])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_window_picture(out, (1600, 1000))
        names = [os.path.basename(p) for p in self.sessions()]
        self.assertEqual(len(names), 1, names)
        self.assertTrue(names[0].startswith("tcp-handshake-"), names)

    def install_teacher_lessons(self):
        folder = os.path.join(self.home, ".local", "share", "sockscope", "lessons")
        os.makedirs(folder)
        for name in ("half-written.lesson", "zz-second-handshake.lesson"):
            shutil.copy(os.path.join(HERE, "lessons", name), folder)
        for name in ("my-socket.lesson", "udp-echo.lesson"):
            shutil.copy(os.path.join(HERE, "teacher", name), folder)
        if ROOT:
            for d, _, files in os.walk(os.path.join(self.home, ".local")):
                os.chown(d, 65534, 65534)
                for name in files:
                    os.chown(os.path.join(d, name), 65534, 65534)
        return folder

    def test_teacher_lessons_never_stop_the_app(self):
        folder = self.install_teacher_lessons()
        out = self.writable("teacher.png")
        r = self.run_clean([APP, "--screenshot", out, "--lesson", "my-socket", "--step", "2"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_window_picture(out, (1600, 1000))
        r = self.run_clean([APP, "--screenshot", out, "--lesson", "udp-echo", "--step", "2"])
        self.assertEqual(r.returncode, 0, r.stderr)

        r = self.run_clean([CLI, "list"])
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {line.split()[0]: line for line in r.stdout.splitlines()}
        self.assertIn(f"(yours: {folder}/my-socket.lesson)", rows["my-socket"])
        self.assertNotIn("yours", rows["udp-echo"])
        self.assertIn(f"{folder}/half-written.lesson:15: cannot read the call", r.stderr)
        self.assertIn(f"{folder}/udp-echo.lesson:2: duplicate id 'udp-echo': the built-in lesson ", r.stderr)
        self.assertIn(f"{folder}/zz-second-handshake.lesson:2: duplicate id 'tcp-handshake': the built-in lesson ",
                      r.stderr)

    def test_cli_lists_the_course_in_its_order(self):
        r = self.run_clean([CLI, "list"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        ids = [line.split()[0] for line in r.stdout.splitlines()]
        self.assertEqual(ids, readme_course())

    def test_translations_from_the_build_tree(self):
        r = self.run_clean([CLI, "check", "/nonexistent/lesson.lesson"], lang="fr_FR.UTF-8")
        self.assertEqual(r.returncode, 1)
        self.assertIn("impossible de lire la leçon /nonexistent/lesson.lesson", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
