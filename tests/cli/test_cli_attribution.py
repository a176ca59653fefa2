#!/usr/bin/env python3
"""Every TCP/UDP arrow of every lesson lands on the right lifelines.

Each lesson runs in a real lab as an unprivileged user; its log is checked against the kernel's
sockets as its own `state` events report them (4-tuple and holders): the actor the lab names as
a packet's sender must hold (or be a thread of a process holding, or have held last) a socket
whose local end is the packet's source, and the receiver one whose local end is its destination.
Every call's return must be logged after the packets captured before it returned. Then the
CLI ladder printed by the same run (drawn through the projection the window and the
slide export use) must draw each arrow between exactly those two actors' columns.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from lesson_runs import as_user, lesson_ids

CLI = sys.argv.pop(1)
LESSONS = sys.argv.pop(1)






def endpoint(addr, port):
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def normalise(ep):
    """'[::ffff:127.0.0.1]:7777' -> '127.0.0.1:7777' (a v4 packet reaching a dual-stack socket)."""
    m = re.match(r"\[::ffff:(\d+\.\d+\.\d+\.\d+)\]:(.*)", ep or "")
    return f"{m.group(1)}:{m.group(2)}" if m else ep


class Sockets:
    """The kernel's sockets as the log reports them, each with every report in log order."""

    def __init__(self, events):
        self.reports = {}     # sock id -> [(position, state event)]
        self.process = {}     # actor -> process actor
        for i, e in enumerate(events):
            if e["type"] == "actor":
                parent = e.get("parent")
                self.process[e["actor"]] = self.process.get(parent, parent) if e.get("thread") else e["actor"]
            elif e["type"] == "state" and e.get("proto") in ("tcp", "udp"):
                self.reports.setdefault(e["sock"], []).append((i, e))

    def at(self, position, reported_before):
        """Each socket as last reported before @position, or (not reported yet) as first reported."""
        for reports in self.reports.values():
            before = [e for i, e in reports if i < position]
            if before and reported_before:
                yield before[-1]
            elif not before and not reported_before:
                yield reports[0][1]

    def allowed(self, position, proto, addr, port, peer_addr, peer_port, listener_first, segment):
        """Actors that may be the end at addr:port of a packet to/from peer, as the kernel
        delivers: the socket connected to that peer (even one just reported CLOSED: its last
        packets), else one bound there with no peer (a listener, first for a SYN it receives or
        a SYN-ACK it sends; an unconnected UDP socket); its holders and their threads, or for a
        socket no one holds, its last holder. A TCP segment other than a SYN reaches a listener
        only while its connection waits in the accept queue, held by no process."""
        local = endpoint(addr, port)
        peer = endpoint(peer_addr, peer_port)
        wildcard = f"*:{port}"
        v4 = ":" not in addr

        def reachable(s):
            # An IPv4 packet never reaches an IPV6_V6ONLY socket.
            return not (v4 and s.get("family") == "inet6" and s.get("v6only")) and \
                not (not v4 and s.get("family") == "inet")

        def connected(s):
            return normalise(s["local"]) == local and normalise(s["peer"]) == peer

        def bound(s):
            return normalise(s["local"]) in (local, wildcard) and s["peer"] == "*:*" and s["state"] != "CLOSED"

        def owners(matching):
            actors = set()
            for s in matching:
                holders = s.get("holders") or ([s["last_actor"]] if s.get("last_actor") else [])
                for h in holders:
                    actors.add(h)
                    actors.update(a for a, p in self.process.items() if p == h)
            return actors

        tests = (bound, connected) if listener_first else (connected, bound)
        # The sockets as last reported, and those not reported yet as they first are.
        live = [s for before in (True, False) for s in self.at(position, before)
                if s["proto"] == proto and reachable(s)]
        queued = False
        for test in tests:
            matching = [s for s in live if test(s)]
            if test is bound and segment and not queued:
                continue
            actors = owners(matching)
            if actors:
                return True, actors
            # A connection no process has accepted yet waits in its listener's queue.
            queued = queued or (test is connected and any(s["state"] != "CLOSED" for s in matching))
        return False, set()


def arrows_of_ladder(text):
    """(from column, to column) of every arrow row, and the column names from the header (each
    name starts where its lifeline is drawn)."""
    lines = text.splitlines()
    # two hosts: a line of hosts ("bob · 192.0.2.2") above the actors'
    first = 1 if "·" in lines[0] else 0
    header = lines[first]
    starts = [m.start() for m in re.finditer(r"\S+", header)]
    names = header.split()
    arrows = []
    for line in lines[first + 1:]:
        for m in re.finditer(r"│(<?)─[^│]*?(>?)│", line):
            if not (m.group(1) or m.group(2)) or "─" not in m.group(0)[-3:]:
                continue
            left, right = starts.index(m.start()), starts.index(m.end() - 1)
            arrows.append((right, left) if m.group(1) else (left, right))
    return names, arrows


class Attribution(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sockscope-attr-")
        os.chmod(cls.tmp, 0o777)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def run_lesson(self, lesson):
        session = os.path.join(self.tmp, lesson + ".sockscope")
        env = dict(os.environ, COLUMNS="160")
        r = subprocess.run(as_user([CLI, "run", lesson, "--session", session, "--lang", "en"]),
                           capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(r.returncode, 0, f"{lesson}: {r.stderr}")
        with open(session, encoding="utf-8") as f:
            events = [json.loads(line) for line in f.read().splitlines()[1:] if line]
        return events, r.stdout

    def check(self, lesson):
        events, ladder = self.run_lesson(lesson)
        sockets = Sockets(events)
        calls = {e["seq"]: e for e in events if e["type"] == "call"}
        wrong, expected_arrows, n_packets = [], [], 0
        for i, e in enumerate(events):
            if e["type"] == "packet" and e["from"] and e["to"] and e["from"] != e["to"] \
                    and e["pkt"].get("proto") not in ("tcp", "udp"):
                # a datagram's later fragments have its first fragment's ends
                expected_arrows.append((e["from"], e["to"], e["n"]))
            if e["type"] != "packet" or e["pkt"].get("proto") not in ("tcp", "udp"):
                continue
            n_packets += 1
            p = e["pkt"]
            self.assertIn("from", e, f"{lesson}: packet {e['n']} has no from")
            self.assertIn("to", e, f"{lesson}: packet {e['n']} has no to")
            cause = calls.get(e.get("cause"), {}).get("actor")
            flags = p.get("flags") or ""
            syn, ack = "S" in flags, "." in flags
            for end, addr, port, peer, peer_port, listener in (
                    ("from", p["src"], p["sport"], p["dst"], p["dport"], syn and ack),
                    ("to", p["dst"], p["dport"], p["src"], p["sport"], syn and not ack)):
                found, actors = sockets.allowed(i, p["proto"], addr, port, peer, peer_port, listener,
                                                p["proto"] == "tcp" and not syn)
                named = e[end]
                if found and named not in actors:
                    wrong.append(f"packet {e['n']} {p.get('flags') or 'udp'} {p['sport']}>{p['dport']}: "
                                 f"{end}={named}, the kernel's sockets say one of {sorted(actors)}")
                if not found and named not in (None, cause):
                    wrong.append(f"packet {e['n']}: {end}={named} but no socket of the lab is at "
                                 f"{endpoint(addr, port)}")
            if e["from"] and e["to"] and e["from"] != e["to"]:
                expected_arrows.append((e["from"], e["to"], e["n"]))
        self.assertEqual(wrong, [], f"{lesson}: {len(wrong)} wrong ends of {n_packets} packets")

        # Time order: a call's return comes after every packet captured before the call
        # returned (those that woke it), so every view draws the result below its cause.
        late = []
        for i, e in enumerate(events):
            if e["type"] != "return" or not e.get("t_end_ns"):
                continue
            late += [f"packet {p['n']} logged after {e['actor']}'s {e['call']} returned"
                     for p in events[i + 1:] if p["type"] == "packet" and p["t_ns"] < e["t_end_ns"]]
        self.assertEqual(late, [], f"{lesson}: packets logged after a return they came before")

        names, arrows = arrows_of_ladder(ladder)
        drawn = [(names[a], names[b]) for a, b in arrows]
        # two hosts: a frame the wire dropped stops half-way (no arrow head), a delayed or held one
        # is drawn where it arrived: the same arrows, not in the same order
        dropped = {w["packet"] for w in events if w["type"] == "wire" and w.get("action") == "drop"}
        seq_of = {e["n"]: e["seq"] for e in events if e["type"] == "packet"}
        want = [(a, b) for a, b, n in expected_arrows if a in names and b in names and names.index(a) != names.index(b)
                and seq_of[n] not in dropped]
        # ... and a copy the wire made is an arrow of its own
        ends_of = {seq_of[n]: (a, b) for a, b, n in expected_arrows}
        want += [ends_of[w["packet"]] for w in events
                 if w["type"] == "wire" and w.get("action") == "duplicate" and w["packet"] in ends_of]
        if any(e["type"] == "wire" for e in events):
            drawn, want = sorted(drawn), sorted(want)
        self.assertEqual(drawn, want, f"{lesson}: the ladder's arrows differ from the lab's ends")
        return n_packets


def make_test(lesson):
    def test(self):
        self.check(lesson)
    return test


for _lesson in lesson_ids(LESSONS):
    setattr(Attribution, "test_" + _lesson.replace("-", "_"), make_test(_lesson))


if __name__ == "__main__":
    unittest.main(verbosity=2)
