#!/usr/bin/env python3
"""Two hosts and a wire (#16) from the command line: the lesson format's host: and wire: lines
and their messages, `run --wire` and `wire RULES` in --interactive, and each lesson of the wire
theme run to its end in a real lab (as an unprivileged user when root) with what it teaches
asserted on its event log."""
import base64
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

CLI = sys.argv.pop(1)
LAB = os.environ.get("SOCKSCOPE_LAB", "")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_user(argv):
    return NOBODY + argv if os.geteuid() == 0 else argv


def cli(*args, stdin=None, timeout=120):
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": ""}
    return subprocess.run(as_user([CLI, *args]), capture_output=True, text=True, timeout=timeout,
                          env=env, input=stdin)


def events_of(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


_runs = {}


def run(lesson, *extra):
    """The events of `run LESSON --json`, once per command line."""
    key = (lesson, *extra)
    if key not in _runs:
        r = cli("run", lesson, "--json", *extra)
        if r.returncode != 0:
            raise AssertionError(f"run {lesson} {extra} failed ({r.returncode}): {r.stderr}")
        _runs[key] = Log(events_of(r.stdout))
    return _runs[key]


class Log:
    def __init__(self, events):
        self.events = [e for e in events if "seq" in e]
        self.by_seq = {e["seq"]: e for e in self.events}
        self.calls = [e for e in self.events if e["type"] == "call"]
        self.returns = {e["call_seq"]: e for e in self.events if e["type"] == "return"}
        self.packets = [e for e in self.events if e["type"] == "packet"]
        self.wire = [e for e in self.events if e["type"] == "wire"]
        self.by_n = {p["n"]: p for p in self.packets}

    def call(self, step):
        return next(c for c in self.calls if c["step"] == step)

    def ret(self, step):
        return self.returns[self.call(step)["seq"]]

    def took(self, step):
        """Seconds from the step's call to its return."""
        return (self.ret(step)["t_ns"] - self.call(step)["t_ns"]) / 1e9

    def decisions(self, action):
        return [w for w in self.wire if w["action"] == action]

    def dropped(self):
        return [self.by_seq[w["packet"]] for w in self.decisions("drop")]


def lesson_file(folder, text):
    path = os.path.join(folder, "wire-test.lesson")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


HEADER = """id: wire-test
theme: wire
title.en: t
title.fr: t
"""
ACTORS = """actor: server
  host: b
  label.en: S
  label.fr: S
actor: client
  host: a
  label.en: C
  label.fr: C
"""
STEPS = """server: s = socket(AF_INET, SOCK_DGRAM, 0)
  en: a step
  fr: une étape
client: c = socket(AF_INET, SOCK_DGRAM, 0)
  en: a step
  fr: une étape
"""


class Format(unittest.TestCase):
    """`check`: each mistake is one line, file:line: what; hint (the nearest name)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        os.chmod(self.dir, 0o755)

    def check(self, text):
        path = lesson_file(self.dir, text)
        r = cli("check", path)
        return r.returncode, r.stdout, [line[len(path) + 1:] for line in r.stderr.splitlines()]

    def test_a_two_host_lesson_checks(self):
        status, out, err = self.check(HEADER + "host.a: ann\nhost.b: ben\nwire: loss=10%, seed=7\n"
                                      + ACTORS + STEPS.replace("  en: a step\n  fr: une étape\nclient",
                                                               "  wire: dir=b>a, delay=5ms\n  en: a step\n"
                                                               "  fr: une étape\nclient", 1))
        self.assertEqual((status, err), (0, []), err)
        self.assertIn("ok (wire-test, 2 steps)", out)

    def test_bad_wire_word(self):
        status, _, err = self.check(HEADER + "wire: los=20%\n" + ACTORS + STEPS)
        self.assertEqual(status, 1)
        self.assertEqual(len(err), 1, err)
        self.assertTrue(err[0].startswith('5: bad wire rule "los=20%": unknown word "los"'), err)
        self.assertTrue(err[0].endswith("; hint: did you mean loss?"), err)

    def test_bad_step_wire_value(self):
        status, _, err = self.check(HEADER + ACTORS + STEPS.replace("  en: a step", "  wire: loss=120%\n  en: a step", 1))
        self.assertEqual((status, err), (1, ['14: bad wire rule "loss=120%": a loss is between 0% and 100%']))

    def test_wire_line_after_the_actors(self):
        _, _, err = self.check(HEADER + ACTORS + "wire: loss=10%\n" + STEPS)
        self.assertEqual(len(err), 1, err)
        self.assertTrue(err[0].startswith("13: a lesson's 'wire:' line comes before its actors"), err)

    def test_an_actor_without_host(self):
        _, _, err = self.check(HEADER + ACTORS.replace("  host: a\n", "") + STEPS)
        self.assertEqual(err, ["9: actor 'client' names no host, but line 6 puts an actor on a host; "
                               "hint: in a lesson of two hosts every actor is on one: add '  host: a' "
                               "or '  host: b' under it"])

    def test_unknown_host(self):
        _, _, err = self.check(HEADER + ACTORS.replace("host: a", "host: c") + STEPS)
        self.assertEqual(err, ["10: unknown host 'c'; hint: write 'host: a' (alice) or 'host: b' (bob)"])
        _, _, err = self.check(HEADER + "host.b: server1\n" + ACTORS.replace("host: b", "host: server1") + STEPS)
        self.assertEqual(err, ["7: unknown host 'server1'; hint: write 'host: b', the host named server1"])

    def test_near_keys(self):
        _, _, err = self.check(HEADER + "wires: loss=10%\n" + ACTORS + STEPS)
        self.assertEqual(err, ["5: unknown key 'wires'; hint: did you mean 'wire'?"])
        _, _, err = self.check(HEADER + ACTORS.replace("  host: a", "  hots: a") + STEPS)
        self.assertEqual(err[0], "10: unknown actor attribute 'hots'; hint: did you mean 'host'?")

    def test_a_wire_needs_two_hosts(self):
        one_host = ACTORS.replace("  host: b\n", "").replace("  host: a\n", "")
        _, _, err = self.check(HEADER + "wire: loss=10%\n" + one_host + STEPS)
        self.assertEqual(err, ["5: a wire joins two hosts, but no actor is on a host; hint: put each "
                               "actor on a host with '  host: a' or '  host: b' under it"])

    def test_bad_host_names(self):
        _, _, err = self.check(HEADER + "host.a: Alice Smith\n" + ACTORS + STEPS)
        self.assertEqual(len(err), 1, err)
        self.assertTrue(err[0].startswith("5: bad host name 'Alice Smith'"), err)
        _, _, err = self.check(HEADER + "host.a: bob\n" + ACTORS + STEPS)
        self.assertEqual(err, ["5: both hosts are named 'bob'; hint: give host.a and host.b two names"])

    def test_a_child_is_on_its_parents_host(self):
        child = ("actor: worker\n  parent: server\n  host: a\n  label.en: W\n  label.fr: W\n")
        text = HEADER + ACTORS + child + STEPS + "server: pid = fork() -> worker\n  en: a fork\n  fr: un fork\n"
        _, _, err = self.check(text)
        self.assertEqual(err, ["13: actor 'worker' is on host a but its parent server is on host b; hint: "
                               "a child process or a thread runs on its parent's host, remove its host: line"])
        status, _, err = self.check(text.replace("  host: a\n  label.en: W", "  label.en: W"))
        self.assertEqual((status, err), (0, []))


@unittest.skipUnless(os.access(LAB, os.X_OK), "sockscope-lab is not built")
class CommandLine(unittest.TestCase):
    def test_bad_wire_specs(self):
        for spec, message in [
                ("loss=120%", '"loss=120%": a loss is between 0% and 100%'),
                ("lss=20%", '"lss=20%": unknown word "lss"; the words are dir, loss, drop, delay, '
                            'jitter, dup, reorder, rate, mtu, seed and clear; hint: did you mean loss?'),
                ("delay=fast", '"delay=fast": a delay is a time with its unit: us, ms or s (such as 50ms)'),
                ("dir=sideways", '"dir=sideways": dir is a>b, b>a or both')]:
            with self.subTest(spec=spec):
                r = cli("run", "udp-loss", "--wire", spec)
                self.assertEqual(r.returncode, 2)
                self.assertEqual(r.stderr, f"sockscope-cli run: --wire: {message}\n")
                self.assertEqual(r.stdout, "")

    def test_wire_on_a_one_host_lesson(self):
        r = cli("run", "tcp-handshake", "--wire", "loss=20%")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertTrue(r.stderr.startswith("sockscope-cli run: --wire: the lesson tcp-handshake runs on "
                                            "one host, with no wire to break"), r.stderr)
        self.assertEqual(r.stdout, "")

    def test_help_names_wire(self):
        r = subprocess.run([CLI, "run", "--help"], capture_output=True, text=True, timeout=30,
                           env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": ""})
        self.assertIn("--wire=RULES", r.stdout)

    def test_loss_100_loses_every_datagram(self):
        log = run("udp-loss", "--wire", "loss=100%")
        udp = [p for p in log.packets if p["pkt"]["proto"] == "udp"]
        self.assertEqual(len(udp), 4)
        self.assertEqual(sorted(p["seq"] for p in log.dropped()), [p["seq"] for p in udp])
        self.assertTrue(all(w["rule"] == "loss=100%" for w in log.decisions("drop")))
        # --wire replaces the lesson's rules: one rule set, before any actor, none at a step.
        sets = log.decisions("set")
        self.assertEqual([(w["spec"], w["step"] or None) for w in sets], [("loss=100%", None)])
        first_actor = next(e for e in log.events if e["type"] == "actor")
        self.assertLess(sets[0]["seq"], first_actor["seq"])
        # The server gets nothing: each recvfrom waits out its timeout.
        recvs = [log.returns[c["seq"]] for c in log.calls if c["call"] == "recvfrom"]
        self.assertEqual([(r["ret"], r["errno"]) for r in recvs], [(-1, "EAGAIN")] * 3)

    def test_the_seed_replays_the_same_drops(self):
        spec = "loss=50%,dup=30%,seed=7"

        def decisions(log):
            return [(w["action"], log.by_seq[w["packet"]]["n"]) for w in log.wire if w["action"] != "set"]

        first = decisions(run("udp-loss", "--wire", spec))
        again = Log(events_of(cli("run", "udp-loss", "--json", "--wire", spec).stdout))
        self.assertTrue(first, "loss=50% and dup=30% over 4 datagrams decided nothing")
        self.assertEqual(decisions(again), first)

    def test_interactive_wire_words(self):
        # At the first prompt: a misspelt rule (one message, the prompt again), then a rule that
        # loses the next frame from a to b: "one", the client's first datagram.
        r = cli("run", "udp-loss", "--interactive", "--json",
                stdin="wire lss=5%\nwire dir=a>b, drop=next\n" + "1\n" * 40)
        self.assertEqual(r.returncode, 0, r.stderr)
        # The prompts go to stderr too.
        self.assertEqual([line for line in r.stderr.splitlines() if line.startswith("wire")],
                         ['wire: "lss=5%": unknown word "lss"; the words are dir, loss, drop, delay, jitter, '
                          'dup, reorder, rate, mtu, seed and clear; hint: did you mean loss?'])
        log = Log(events_of(r.stdout))
        sets = [(w["spec"], w["step"]) for w in log.decisions("set")]
        self.assertEqual(sets[0], ("dir=a>b, drop=next", 1))
        self.assertEqual([p["n"] for p in log.dropped()], [1, 2, 4])
        # The server's first recvfrom waits, and gets "three" when it comes ("two" is lost too).
        self.assertEqual(log.ret(6)["out"]["data"], "three")
        self.assertEqual([log.ret(s)["errno"] for s in (9, 11)], ["EAGAIN", "EAGAIN"])
        self.assertIn("type wire RULES to change the wire", r.stderr)

    def test_interactive_wire_at_a_question(self):
        # Six steps, then the question of step 7: a wire line there, then the answer.
        r = cli("run", "udp-loss", "--interactive", "--json",
                stdin="\n" * 6 + "wire dir=a>b, delay=5ms\n" + "1\n" * 30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.count("Question, step 7/13"), 2, r.stderr)   # asked again
        log = Log(events_of(r.stdout))
        sets = [(w["spec"], w["step"]) for w in log.decisions("set")]
        self.assertEqual(sets[:2], [("dir=a>b, delay=5ms", 7), ("dir=a>b, drop=next", 7)])
        # "three" crosses the wire 5 ms late; "two" is still lost by the lesson's own rule.
        (late,) = log.decisions("delay")
        self.assertEqual(log.by_seq[late["packet"]]["pkt"]["len"], 5)
        self.assertGreaterEqual(late["delay_ns"], 5_000_000)
        questions = [q for q in events_of(r.stdout) if q.get("type") == "question"]
        self.assertEqual([(q["step"], q["answer"]) for q in questions][0], (7, "3"))

    def test_interactive_wire_on_one_host(self):
        r = cli("run", "tcp-handshake", "--interactive", "--until", "1", stdin="wire loss=5%\n\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual([line for line in r.stderr.splitlines() if not line.startswith("Step ")],
                         ["wire: the lesson tcp-handshake runs on one host: there is no wire to change"])
        # The step's prompt again after the message, without the wire words of two hosts.
        self.assertEqual(r.stderr.count("Step 1/13"), 2)
        self.assertNotIn("wire RULES", r.stderr)


def ip_fragment(p):
    """(identification, more fragments, offset in bytes) of a packet's IPv4 header."""
    frame = base64.b64decode(p["raw"])
    ident, frag = struct.unpack("!HH", frame[14 + 4:14 + 8])
    return ident, bool(frag & 0x2000), (frag & 0x1fff) * 8


@unittest.skipUnless(os.access(LAB, os.X_OK), "sockscope-lab is not built")
class Lessons(unittest.TestCase):
    def hosts(self, log):
        return {e["actor"]: e.get("host") for e in log.events if e["type"] == "actor"}

    def test_udp_loss(self):
        log = run("udp-loss")
        self.assertEqual(self.hosts(log), {"server": "b", "client": "a"})
        udp = [p for p in log.packets if p["pkt"]["proto"] == "udp"]
        self.assertTrue(all(p["wire"] == "a>b" for p in udp))
        lost = log.dropped()
        self.assertEqual([p["pkt"]["len"] for p in lost], [3, 4])          # "two", "four"
        self.assertEqual([(w["rule"], w["dir"], w["step"]) for w in log.decisions("drop")],
                         [("drop=next", "a>b", 7), ("drop=next", "a>b", 10)])
        self.assertEqual(log.ret(7)["ret"], 3)                              # sendto never knows
        self.assertEqual([log.ret(s)["out"]["data"] for s in (6, 9)], ["one", "three"])
        self.assertEqual((log.ret(11)["ret"], log.ret(11)["errno"]), (-1, "EAGAIN"))
        self.assertGreaterEqual(log.took(11), 0.95)                         # SO_RCVTIMEO {1, 0}
        self.assertLess(log.took(11), 2.5)
        # Nothing is ever sent again over UDP.
        self.assertEqual(len(udp), 4)

    def test_tcp_retransmission(self):
        log = run("tcp-retransmission")
        self.assertEqual(self.hosts(log), {"server": "b", "client": "a"})
        lost_hello, lost_burst = log.dropped()
        self.assertEqual((lost_hello["pkt"]["len"], lost_hello["step"]), (5, 9))
        again = [p for p in log.packets if p.get("analysis_of") == lost_hello["n"]]
        self.assertEqual([p["analysis"] for p in again], ["retransmission"])
        self.assertEqual(again[0]["pkt"]["seq"], lost_hello["pkt"]["seq"])
        self.assertIsNone(again[0]["cause"])                               # the kernel, on its own
        waited = (again[0]["t_ns"] - lost_hello["t_ns"]) / 1e9
        self.assertGreaterEqual(waited, 0.19)                              # Linux's minimum RTO
        self.assertLess(waited, 1.5)
        self.assertEqual(log.ret(8)["out"]["data"], "hello")
        # The burst: the first of five segments lost, three ACKs asking for it, then at once a
        # fast retransmission.
        burst = [p for p in log.packets if p["cause"] == log.call(13)["seq"]]
        self.assertEqual([p["pkt"]["len"] for p in burst], [1448] * 5)
        self.assertEqual(lost_burst["n"], burst[0]["n"])
        fast = [p for p in log.packets if p.get("analysis_of") == lost_burst["n"]]
        self.assertEqual([p["analysis"] for p in fast], ["fast-retransmission"])
        asking = [p for p in log.packets if lost_burst["seq"] < p["seq"] < fast[0]["seq"]
                  and p["from"] == "server" and p["pkt"]["ack"] == lost_burst["pkt"]["seq"]]
        # Bob answers the first three out-of-order segments at once (the first ACK also moves
        # its window: a window update); the analysis calls it fast after two duplicate ACKs.
        self.assertGreaterEqual(len(asking), 3, [p["analysis"] for p in asking])
        self.assertGreaterEqual([p["analysis"] for p in asking].count("dup-ack"), 2)
        self.assertLess((fast[0]["t_ns"] - lost_burst["t_ns"]) / 1e9, 0.1)  # not the timer
        self.assertEqual(log.ret(12)["ret"], 7240)

    def test_handshake_loss(self):
        log = run("handshake-loss")
        (syn,) = log.dropped()
        self.assertEqual(syn["pkt"]["flags"], "S")
        self.assertEqual(log.decisions("drop")[0]["rule"], "drop=syn")
        again = [p for p in log.packets if p.get("analysis_of") == syn["n"]]
        self.assertEqual([(p["analysis"], p["pkt"]["flags"]) for p in again], [("retransmission", "S")])
        self.assertTrue(0.9 <= (again[0]["t_ns"] - syn["t_ns"]) / 1e9 < 2.0)   # the first timeout, 1 s
        self.assertEqual(log.ret(5)["ret"], 0)
        self.assertTrue(0.9 <= log.took(5) < 2.5, log.took(5))               # connect blocks that long
        self.assertEqual(log.ret(8)["out"]["data"], "late hello")

    def test_reorder_and_duplicate(self):
        log = run("reorder-and-duplicate")
        tcp_reorder, udp_reorder = log.decisions("reorder")
        first, second = [p for p in log.packets if p["cause"] == log.call(8)["seq"]]
        self.assertEqual((tcp_reorder["packet"], tcp_reorder["behind"]), (first["seq"], second["seq"]))
        self.assertEqual(log.ret(7)["out"]["data"], "abcdefghij" * 289)     # in order, once
        tcp_dup, udp_dup = log.decisions("duplicate")
        self.assertEqual(log.by_seq[tcp_dup["packet"]]["pkt"]["len"], 5)
        self.assertEqual((log.ret(9)["ret"], log.ret(9)["out"]["data"]), (5, "three"))
        self.assertEqual(log.by_seq[udp_reorder["packet"]]["cause"], log.call(14)["seq"])   # "one"
        self.assertEqual([log.ret(s)["out"]["data"] for s in (16, 17, 19, 20)], ["two", "one", "three", "three"])
        self.assertEqual(log.by_seq[udp_dup["packet"]]["cause"], log.call(18)["seq"])

    def test_fragmentation(self):
        log = run("fragmentation")
        sets = log.decisions("set")
        self.assertEqual((sets[0]["spec"], sets[0]["step"] or None), ("mtu=1280", None))
        for step in (5, 7):
            frames = [p for p in log.packets if p["step"] == step]
            self.assertEqual(len(frames), 3, [p["pkt"]["summary"] for p in frames])
            ids, more, offsets = zip(*map(ip_fragment, frames))
            self.assertEqual(len(set(ids)), 1)
            self.assertEqual(more, (True, True, False))
            self.assertEqual(offsets, (0, 1256, 2512))
            self.assertTrue(all(p["caplen"] - 14 <= 1280 for p in frames))
        self.assertEqual(log.ret(6)["ret"], 3000)
        (lost,) = log.dropped()
        self.assertEqual(ip_fragment(lost)[2], 0)                          # the first fragment
        self.assertEqual((log.ret(8)["ret"], log.ret(8)["errno"]), (-1, "EAGAIN"))

    def test_names_and_a_child_on_its_parents_host(self):
        folder = tempfile.mkdtemp()
        os.chmod(folder, 0o755)
        path = lesson_file(folder, HEADER + "host.b: server1\n" + ACTORS.replace(
            "actor: client", "actor: worker\n  parent: server\n  label.en: W\n  label.fr: W\nactor: client") + """
server: s = socket(AF_INET, SOCK_STREAM, 0)
  en: a step
  fr: une étape
server: bind(s, *:7777)
  en: a step
  fr: une étape
server: listen(s, 5)
  en: a step
  fr: une étape
client: gethostbyname("server1") -> h
  en: a step
  fr: une étape
client: c = socket(AF_INET, SOCK_STREAM, 0)
  en: a step
  fr: une étape
client: connect(c, 192.0.2.2:7777)
  en: a step
  fr: une étape
server: conn = accept(s)
  en: a step
  fr: une étape
server: pid = fork() -> worker
  en: a step
  fr: une étape
worker: send(conn, "hi", 0)
  en: a step
  fr: une étape
client: n = recv(c, 64, 0)
  en: a step
  fr: une étape
""")
        log = run(path)
        self.assertEqual(self.hosts(log), {"server": "b", "client": "a", "worker": "b"})
        self.assertEqual(log.ret(4)["out"]["addr"], "192.0.2.2")          # the lab's /etc/hosts
        (hi,) = [p for p in log.packets if p["cause"] == log.call(9)["seq"]]
        self.assertEqual((hi["from"], hi["to"], hi["wire"]), ("worker", "client", "b>a"))
        self.assertEqual(log.ret(10)["out"]["data"], "hi")

    def test_bandwidth_delay(self):
        log = run("bandwidth-delay")
        delays = log.decisions("delay")
        crossing = [p for p in log.packets if p.get("wire")]
        self.assertEqual(len(delays), len(crossing))
        self.assertTrue(all(0.049 <= w["delay_ns"] / 1e9 < 0.2 for w in delays))
        self.assertTrue(0.095 <= log.took(7) < 0.3, log.took(7))           # one round trip
        self.assertGreater(log.ret(5)["t_ns"], log.ret(7)["t_ns"])          # accept after the ACK arrives
        # 65536 bytes, a window of a few KB at a time: several round trips.
        windows = [p["pkt"]["win"] for p in log.packets if p["from"] == "server" and p["pkt"]["proto"] == "tcp"]
        self.assertLessEqual(max(windows), 16384)
        self.assertEqual(log.ret(8)["ret"], 65536)
        transfer = (log.ret(8)["t_ns"] - log.call(9)["t_ns"]) / 1e9
        self.assertGreaterEqual(transfer, 65536 / max(windows) * 0.1 * 0.9, transfer)


if __name__ == "__main__":
    unittest.main(verbosity=2)
