#!/usr/bin/env python3
"""sockscope-cli list / check, and the errors a teacher or a learner meets before any lab runs."""
import os
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv.pop(1)


def cli(*args, **kw):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=30, **kw)


class Lessons(unittest.TestCase):
    def test_list_shows_the_lessons(self):
        r = cli("list")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {line.split()[0]: line for line in r.stdout.splitlines()}
        # The full list of 25 is the lessons suite's; here: both first lessons, no template.
        self.assertLessEqual({"tcp-handshake", "udp-echo"}, set(rows))
        self.assertNotIn("template", " ".join(rows).lower())
        self.assertIn("The TCP handshake", rows["tcp-handshake"])
        self.assertIn("A UDP echo", rows["udp-echo"])
        for row in rows.values():
            self.assertTrue(row.rstrip().endswith("en, fr"), row)

    def test_list_in_french(self):
        r = cli("list", env={**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": ""})
        self.assertIn("La poignée de main TCP", r.stdout)

    def test_check_shipped_lessons(self):
        template = os.path.join(os.environ["SOCKSCOPE_LESSONS"], "TEMPLATE.lesson")
        r = cli("check", "tcp-handshake", "udp-echo", template)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        self.assertEqual(len([l for l in r.stdout.splitlines() if ": ok" in l]), 3)

    def write(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".lesson", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    HEAD = ("id: t\ntitle.en: T\ntitle.fr: T\nactor: server\n  label.en: S\n  label.fr: S\n")

    def test_help_and_exit_statuses(self):
        # Every command answers --help on stdout with status 0, names itself, and states the
        # exit statuses; `help COMMAND` says the same.
        commands = ["list", "check", "code", "run", "replay", "export", "decode"]
        r = cli("help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for command in commands:
            self.assertRegex(r.stdout, rf"\n  {command} ")
        self.assertIn("Exit status: 0 done; 1 ", r.stdout)
        for command in commands:
            for args in ([command, "--help"], [command, "-h"], ["help", command]):
                r = cli(*args)
                self.assertEqual(r.returncode, 0, (args, r.stderr))
                self.assertIn(f"sockscope-cli {command} [OPTION…]", r.stdout, args)
                self.assertIn("Exit status: 0 done", r.stdout, args)
                self.assertEqual(r.stderr, "", args)
        for args in (["--help"], ["help", "help"], ["help", "--help"]):
            r = cli(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("Usage: sockscope-cli COMMAND", r.stdout, args)
        # 2: the command line is wrong.
        for args in ([], ["nope"], ["help", "nope"], ["list", "extra"], ["list", "--bogus"], ["check"],
                     ["check", "--bogus", "tcp-handshake"], ["code"], ["run"], ["replay"], ["decode"],
                     ["decode", "a.pcap", "b.pcap"], ["decode", "--json", "--summary", "a.pcap"],
                     ["export", "tcp-handshake"]):
            r = cli(*args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertTrue(r.stderr.strip(), args)
        # 1: the input has errors.
        with tempfile.TemporaryDirectory() as tmp:
            for args in (["check", "no-such-lesson"], ["code", "no-such-lesson"],
                         ["decode", os.path.join(tmp, "missing.pcap")], ["replay", os.path.join(tmp, "missing")]):
                r = cli(*args)
                self.assertEqual(r.returncode, 1, (args, r.stderr))

    def test_check_reports_file_line(self):
        path = self.write(self.HEAD + "server: s = socket(AF_INET, SOCK_STREAM, 0)\n  en: e\n  fr: f\n"
                          "server: bnd(s, 127.0.0.1:7777)\n  en: e\n  fr: f\n")
        r = cli("check", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}:10: unknown call 'bnd'; hint: did you mean 'bind'?", r.stderr)
        self.assertNotIn(": ok", r.stdout)

    def test_check_duplicate_id(self):
        r = cli("check", "tcp-handshake", os.path.join(os.environ["SOCKSCOPE_LESSONS"], "tcp-handshake.lesson"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("duplicate id 'tcp-handshake'", r.stderr)

    def test_run_lesson_that_does_not_parse(self):
        path = self.write(self.HEAD + "server: s = socket(AF_INET, SOCK_STREAM\n  en: e\n  fr: f\n")
        r = cli("run", path)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(f"{path}:7: cannot read the call", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_run_unknown_call(self):
        path = self.write(self.HEAD + "server: s = sockett(AF_INET, SOCK_STREAM, 0)\n  en: e\n  fr: f\n")
        r = cli("run", path)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(f"{path}:7: unknown call 'sockett'", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

    def test_run_missing_lesson(self):
        r = cli("run", "no-such-lesson")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no lesson 'no-such-lesson'", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)

    def fake_lab(self, body):
        path = self.write("#!/bin/sh\n" + body + "\n")
        os.chmod(path, 0o755)
        return {**os.environ, "SOCKSCOPE_LAB": path}

    def test_run_lab_crash(self):
        env = self.fake_lab("""echo '{"reply":"ready","pid":1,"t_ns":1}' >&3; sleep 0.2; exit 3""")
        r = cli("run", "udp-echo", env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("the lab stopped unexpectedly (exit status 3)", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_run_lab_fatal(self):
        env = self.fake_lab("""echo '{"reply":"fatal","what":"userns","message":"No namespace.","remedy":"Ask root."}' >&3; exit 1""")
        r = cli("run", "udp-echo", env=env)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stderr, "sockscope-cli: No namespace.\nRemedy: Ask root.\n")

    def test_replay_cut_and_corrupt_sessions(self):
        head = '{"sockscope_session":1,"lesson":"t","lang":"en","started_ns":1}\n'
        ev = '{"seq":%d,"t_ns":1,"type":"note","step":1,"level":"info","text":"hello %d"}\n'
        cut = self.write(head + ev % (1, 1) + ev % (2, 2) + '{"seq":3,"t_n')
        r = cli("replay", "--json", cut)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, ev % (1, 1) + ev % (2, 2))
        self.assertIn(f"{cut}:4: the last line is cut short", r.stderr)

        corrupt = self.write(head + ev % (1, 1) + "garbage\n" + ev % (3, 3))
        r = cli("replay", corrupt)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{corrupt}:3: corrupt line", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
