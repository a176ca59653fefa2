#!/usr/bin/env python3
"""Named kernel packets on real runs: the lab's `analysis` members of packet events.

backlog: the third client's SYN meets a full accept queue (syn-ignored), its copy a second
later is a retransmission of it. connection-refused: the ICMP port unreachable names the very
datagram it quotes. flow-control: the zero window and the window update are named. Every run's
TCP analysis is also checked against tshark's, on the run's own capture (--pcapng).
Runs as nobody (uid 65534) when root, as the lab's front ends do.
"""
import base64
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

# tshark's analysis flags -> our name, in our order of precedence (sockscope-analysis.c)
TSHARK_FLAGS = [
    ("tcp.analysis.zero_window_probe", "window-probe"),
    ("tcp.analysis.zero_window", "zero-window"),
    ("tcp.analysis.keep_alive", "keep-alive"),
    ("tcp.analysis.window_update", "window-update"),
    ("tcp.analysis.duplicate_ack_num", "dup-ack"),
    ("tcp.analysis.fast_retransmission", "fast-retransmission"),
    ("tcp.analysis.retransmission", "retransmission"),
]


def as_user(argv):
    return NOBODY + argv if os.geteuid() == 0 else argv


class Analysis(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sockscope-analysis-")
        os.chmod(self.tmp, 0o777)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def run_lesson(self, lesson):
        pcap = os.path.join(self.tmp, lesson + ".pcapng")
        p = subprocess.run(as_user([CLI, "run", lesson, "--json", "--pcapng=" + pcap]),
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        events = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        packets = [e for e in events if e.get("type") == "packet"]
        self.assertTrue(packets, "the run captured no packet")
        for e in packets:
            # the members are always there, null when the packet is plain
            for k in ("analysis", "analysis_of"):
                self.assertIn(k, e)
            self.assertEqual("analysis_count" in e, e["analysis"] == "dup-ack", e)
        self.against_tshark(lesson, pcap, packets)
        return events, packets

    def against_tshark(self, lesson, pcap, packets):
        """Our names agree with tshark's TCP analysis on every TCP packet of the run, but
        where the lab knows more (syn-ignored) or names a probe what tshark calls a keep-alive
        (Linux probes a zero window with a keep-alive-shaped segment)."""
        if shutil.which("tshark") is None:
            return
        cmd = ["tshark", "-n", "-r", pcap, "-o", "tcp.relative_sequence_numbers:FALSE",
               "-T", "json", "-e", "frame.number", "-e", "tcp.analysis.duplicate_ack_frame"]
        for f, _ in TSHARK_FLAGS:
            cmd += ["-e", f]
        out = subprocess.run(cmd, capture_output=True, timeout=120).stdout
        frames = [f["_source"]["layers"] for f in json.loads(out or b"[]")]
        self.assertEqual(len(frames), len(packets), "the pcapng has one frame per packet event")
        for layers, e in zip(frames, packets):
            if e["pkt"]["proto"] != "tcp":
                continue
            theirs = next((name for f, name in TSHARK_FLAGS if f in layers), None)
            ours = e["analysis"]
            if ours == "syn-ignored" and theirs is None:
                continue
            if ours == "window-probe" and theirs == "keep-alive":
                continue
            self.assertEqual(ours, theirs, "%s packet %d: ours %r, tshark %r (%s)"
                             % (lesson, e["n"], ours, theirs, e["pkt"]["summary"]))
            if ours == "dup-ack":
                self.assertEqual(e["analysis_of"],
                                 int(layers["tcp.analysis.duplicate_ack_frame"][0]))
                self.assertEqual(e["analysis_count"],
                                 int(layers["tcp.analysis.duplicate_ack_num"][0]))

    def assert_retransmissions_point_back(self, packets):
        by_n = {e["n"]: e for e in packets}
        for e in packets:
            if e["analysis"] in ("retransmission", "fast-retransmission") and e["analysis_of"]:
                first = by_n[e["analysis_of"]]
                self.assertLess(first["n"], e["n"])
                for k in ("src", "dst", "sport", "dport", "seq", "flags"):
                    self.assertEqual(first["pkt"][k], e["pkt"][k], (k, first["n"], e["n"]))

    def test_backlog(self):
        events, packets = self.run_lesson("backlog")
        ignored = [e for e in packets if e["analysis"] == "syn-ignored"]
        self.assertEqual(len(ignored), 1, [(e["n"], e["pkt"]["summary"]) for e in ignored])
        syn = ignored[0]
        self.assertEqual(syn["pkt"]["flags"], "S")
        self.assertIsNone(syn["analysis_of"])
        if "from" in syn:
            self.assertEqual(syn["from"], "client3")
        # the listener's queue was full: more connections waiting than the backlog
        listen = [e for e in events if e.get("type") == "state" and e.get("state") == "LISTEN"
                  and e["seq"] < syn["seq"]]
        self.assertGreater(listen[-1]["recv_q"], listen[-1]["send_q"])
        # nobody answered it; its copy is a retransmission of it, and that one is answered
        answers = [e for e in packets if e["pkt"]["flags"] == "S."
                   and e["pkt"]["dport"] == syn["pkt"]["sport"]]
        copies = [e for e in packets if e["analysis"] == "retransmission"
                  and e["analysis_of"] == syn["n"]]
        self.assertEqual(len(copies), 1)
        self.assertTrue(answers)
        self.assertGreater(answers[0]["n"], copies[0]["n"])
        self.assertEqual(copies[0]["pkt"]["seq"], syn["pkt"]["seq"])
        # the first two clients' SYNs are plain
        syns = [e for e in packets if e["pkt"]["flags"] == "S"]
        self.assertEqual([e["analysis"] for e in syns], [None, None, "syn-ignored", "retransmission"])
        self.assert_retransmissions_point_back(packets)

    def test_connection_refused(self):
        _, packets = self.run_lesson("connection-refused")
        errors = [e for e in packets if e["pkt"]["proto"] in ("icmp", "icmpv6")]
        self.assertTrue(errors)
        by_n = {e["n"]: e for e in packets}
        for err in errors:
            self.assertEqual(err["analysis"], "port-unreachable")
            dgram = by_n[err["analysis_of"]]
            self.assertEqual(dgram["pkt"]["proto"], "udp")
            self.assertLess(dgram["n"], err["n"])
            # the datagram is the one quoted: its IP header, byte for byte
            raw = base64.b64decode(err["raw"])
            quoted = raw[14 + 20 + 8:14 + 20 + 8 + 20]
            sent = base64.b64decode(dgram["raw"])[14:14 + 20]
            self.assertEqual(quoted[4:6], sent[4:6], "IP id")
            self.assertEqual(quoted[12:20], sent[12:20], "addresses")
        for e in packets:
            if e["pkt"]["proto"] not in ("icmp", "icmpv6"):
                self.assertNotEqual(e["analysis"], "port-unreachable")

    def test_flow_control(self):
        _, packets = self.run_lesson("flow-control")
        names = [e["analysis"] for e in packets]
        self.assertIn("zero-window", names)
        self.assertIn("window-update", names)
        first_zero = names.index("zero-window")
        self.assertGreater(names.index("window-update"), first_zero)
        for e in packets:
            p = e["pkt"]
            if p["proto"] == "tcp" and p["win"] == 0 and not set(p["flags"]) & set("SFR"):
                self.assertIn(e["analysis"], ("zero-window", "window-probe"), p["summary"])
            if e["analysis"] == "zero-window":
                self.assertEqual(p["win"], 0)
        self.assert_retransmissions_point_back(packets)

    def ladder(self, lesson, lang):
        # the desktop's locale in that language too: the labels' language is what is tested
        env = dict(os.environ, LANG={"fr": "fr_FR.UTF-8", "en": "en_US.UTF-8"}[lang])
        env.pop("LC_ALL", None)
        env.pop("LANGUAGE", None)
        p = subprocess.run(as_user([CLI, "run", lesson, "--lang=" + lang]), capture_output=True,
                           text=True, timeout=120, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_labels_name_them(self):
        """The diagram's labels (the CLI ladder draws the same projection) name them, in
        English and in French; the ICMP error no longer reads 'ICMP 127.0.0.1:0 > ...'."""
        for lang, ignored, again in (
                ("en", r"SYN seq=0 win=\d+ \(ignored: the accept queue is full\)",
                 r"SYN seq=0 win=\d+ \(again: retransmission of #(\d+)\)"),
                ("fr", r"SYN seq=0 win=\d+ \(ignoré : la file d'acceptation est pleine\)",
                 r"SYN seq=0 win=\d+ \(à nouveau : retransmission de #(\d+)\)")):
            text = self.ladder("backlog", lang)
            self.assertEqual(len(re.findall(ignored, text)), 1, text)
            self.assertEqual(len(re.findall(again, text)), 1, text)
        for lang, unreachable in (
                ("en", r"ICMP port unreachable: datagram #\d+ to 127\.0\.0\.1:9999 refused"),
                ("fr", r"ICMP port injoignable : datagramme #\d+ vers 127\.0\.0\.1:9999 refusé")):
            text = self.ladder("connection-refused", lang)
            self.assertRegex(text, unreachable)
            self.assertNotIn(":0 > ", text)
        text = self.ladder("flow-control", "en")
        self.assertRegex(text, r"ACK seq=\d+ ack=\d+ win=0 \(zero window\)")
        self.assertIn("(window update)", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
