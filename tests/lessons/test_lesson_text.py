#!/usr/bin/env python3
"""The shipped lessons: `check` is clean, `list` shows exactly them, and no text is missing in
English or in French (title, description, actor labels, every step, every question)."""
import glob
import os
import re
import subprocess
import sys
import unittest

CLI = sys.argv.pop(1)
LESSONS = os.environ["SOCKSCOPE_LESSONS"]

# The course, in teaching order.
EXPECTED = [
    "tcp-handshake", "tcp-echo", "tp-bonjour", "udp-echo", "stream-vs-datagram",
    "connection-refused", "backlog", "reuseaddr", "shutdown-linger", "blocking",
    "concurrent-fork", "concurrent-select", "concurrent-threads", "flow-control",
    "unix-sockets", "ipv6-dual-stack", "byte-order", "http-get", "names-and-ports",
    "udp-loss", "tcp-retransmission", "handshake-loss", "reorder-and-duplicate", "fragmentation",
    "bandwidth-delay",
]
LANGS = ("en", "fr")
ASK_KINDS = {"blocks", "returns", "packets", "state"}


def lesson_files():
    return sorted(f for f in glob.glob(os.path.join(LESSONS, "*.lesson"))
                  if os.path.basename(f) != "TEMPLATE.lesson")


def parse(path):
    """A small independent reading of the format: header keys, actor blocks, steps and the
    indented attributes of each, as (key, value, line) lists."""
    header, actors, steps = [], [], []
    current = None
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.strip().partition(":")
            value = value.strip()
            if line[0] in " \t":
                if current is None:
                    raise AssertionError(f"{path}:{lineno}: indented line outside a block")
                current["attrs"].append((key, value, lineno))
            elif key == "actor":
                current = {"name": value, "attrs": [], "line": lineno}
                actors.append(current)
            elif "(" in value and re.fullmatch(r"[a-z][a-z0-9_]*", key) and \
                    key in {a["name"] for a in actors}:
                current = {"actor": key, "call": value, "attrs": [], "line": lineno}
                steps.append(current)
            else:
                current = None
                header.append((key, value, lineno))
    return header, actors, steps


class Text(unittest.TestCase):
    def test_check_is_clean(self):
        files = sorted(glob.glob(os.path.join(LESSONS, "*.lesson")))
        r = subprocess.run([CLI, "check", *files], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertEqual(len([l for l in r.stdout.splitlines() if ": ok (" in l]), len(files), r.stdout)

    def test_list_shows_exactly_the_course(self):
        r = subprocess.run([CLI, "list"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        ids = [line.split()[0] for line in r.stdout.splitlines() if line.strip()]
        self.assertEqual(sorted(ids), sorted(EXPECTED))
        for line in r.stdout.splitlines():
            self.assertTrue(line.rstrip().endswith("en, fr"), line)

    def test_file_names_are_ids(self):
        for path in lesson_files():
            header, _, _ = parse(path)
            ids = [v for k, v, _ in header if k == "id"]
            self.assertEqual(ids, [os.path.basename(path)[:-len(".lesson")]], path)
            self.assertTrue([v for k, v, _ in header if k == "theme"], f"{path}: no theme")

    def test_every_text_in_both_languages(self):
        for path in lesson_files():
            header, actors, steps = parse(path)
            name = os.path.basename(path)
            keys = {k for k, _, _ in header}
            for lang in LANGS:
                self.assertIn(f"title.{lang}", keys, f"{name}: no title.{lang}")
                self.assertIn(f"description.{lang}", keys, f"{name}: no description.{lang}")
            self.assertTrue(actors, name)
            for actor in actors:
                akeys = {k for k, _, _ in actor["attrs"]}
                for lang in LANGS:
                    self.assertIn(f"label.{lang}", akeys, f"{name}:{actor['line']}: actor {actor['name']}")
            self.assertTrue(steps, name)
            for n, step in enumerate(steps, 1):
                where = f"{name}:{step['line']} (step {n})"
                texts = {lang: " ".join(v for k, v, _ in step["attrs"] if k == lang) for lang in LANGS}
                for lang in LANGS:
                    # A sentence, not a placeholder: at least a few words of explanation.
                    self.assertGreaterEqual(len(re.findall(r"\w{2,}", texts[lang])), 2,
                                            f"{where}: {lang} text missing or empty")
                    self.assertNotRegex(texts[lang], r"^\W*$", where)
                # Any translated attribute (a question's text, its choices...) exists in both.
                attr_keys = {k for k, _, _ in step["attrs"]}
                for key in attr_keys:
                    base, dot, lang = key.rpartition(".")
                    if dot and lang in LANGS:
                        for other in LANGS:
                            self.assertIn(f"{base}.{other}", attr_keys, f"{where}: {key} without {base}.{other}")
                for key, value, line in step["attrs"]:
                    if key == "ask":
                        self.assertIn(value.split()[0], ASK_KINDS, f"{name}:{line}")

    def test_french_is_french(self):
        """Catch a copied English line under fr: (same text in both languages)."""
        for path in lesson_files():
            _, _, steps = parse(path)
            for n, step in enumerate(steps, 1):
                en = " ".join(v for k, v, _ in step["attrs"] if k == "en")
                fr = " ".join(v for k, v, _ in step["attrs"] if k == "fr")
                if len(en) > 20:
                    self.assertNotEqual(en, fr, f"{os.path.basename(path)} step {n}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
