#!/usr/bin/env python3
"""Sessions recorded before the lab named packet ends (format 1) read as if recorded today.

Each lesson runs in a real lab as an unprivileged user; its session is then turned into what
format 1 held (no from/to, analysis, sock, last_actor, v6only, no embedded lesson) and replayed:
the ends and the analysis worked out on load must be the lab's own, packet for packet (but a
"syn-ignored", which only the lab could see from the listener's queue: its retransmission is
still named, and an IPv4 packet to an IPV6_V6ONLY port, which format 1 did not record)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from lesson_runs import as_user, lesson_ids

CLI = sys.argv.pop(1)
LESSONS = sys.argv.pop(1)
NEW_MEMBERS = {"from", "to", "from_fd", "to_fd", "analysis", "analysis_of", "analysis_count",
               "sock", "last_actor", "last_fd", "v6only"}






class Legacy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sockscope-legacy-")
        os.chmod(cls.tmp, 0o777)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def check(self, lesson):
        today = os.path.join(self.tmp, lesson + ".sockscope")
        r = subprocess.run(as_user([CLI, "run", lesson, "--json", "--session", today]),
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(today, encoding="utf-8") as f:
            lines = f.read().splitlines()
        header = json.loads(lines[0])
        header["sockscope_session"] = 1
        for key in ("lesson_text", "lesson_path"):
            header.pop(key, None)
        events = [json.loads(l) for l in lines[1:] if l]
        old = os.path.join(self.tmp, lesson + "-v1.sockscope")
        with open(old, "w", encoding="utf-8") as f:
            f.write(json.dumps(header) + "\n")
            for e in events:
                f.write(json.dumps({k: v for k, v in e.items() if k not in NEW_MEMBERS}) + "\n")

        r = subprocess.run([CLI, "replay", old, "--json"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        loaded = [json.loads(l) for l in r.stdout.splitlines()]
        self.assertEqual(len(loaded), len(events))
        differ = []
        n_packets = 0
        v6only_ports = {int(e["local"].rsplit(":", 1)[1]) for e in events
                        if e["type"] == "state" and e.get("v6only") and not e["local"].endswith(":*")}
        for lab, read in zip(events, loaded):
            if lab["type"] != "packet":
                continue
            pkt = lab["pkt"]
            if ":" not in (pkt.get("src") or ":") and {pkt.get("sport"), pkt.get("dport")} & v6only_ports:
                continue
            if pkt.get("sport") is None and pkt.get("proto") in ("ipv4", "ipv6", "ip-fragment"):
                continue  # a datagram's later fragment: the lab gives it the first one's ends, by IP id
            n_packets += 1
            for key in ("from", "to"):
                if lab.get(key) != read.get(key):
                    differ.append(f"packet {lab['n']}: {key} {lab.get(key)} read as {read.get(key)}")
            if lab.get("analysis") != "syn-ignored" and lab.get("analysis") != read.get("analysis"):
                differ.append(f"packet {lab['n']}: analysis {lab.get('analysis')} read as {read.get('analysis')}")
        self.assertEqual(differ, [], f"{lesson}: {len(differ)} differences in {n_packets} packets")
        # The ladder replays it too (the lesson is found by its id).
        r = subprocess.run([CLI, "replay", old], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)


def make_test(lesson):
    return lambda self: self.check(lesson)


for _lesson in lesson_ids(LESSONS):
    setattr(Legacy, "test_" + _lesson.replace("-", "_"), make_test(_lesson))

if __name__ == "__main__":
    unittest.main(verbosity=2)
