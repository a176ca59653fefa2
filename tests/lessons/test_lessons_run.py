#!/usr/bin/env python3
"""Every shipped lesson runs to its end in a real lab (`sockscope-cli run ID --json`, as an
unprivileged user), and the event log shows what the lesson's text teaches."""
import json
import os
import re
import subprocess
import sys
import unittest

CLI = sys.argv.pop(1)
LAB = os.environ.get("SOCKSCOPE_LAB", "")
LESSONS = os.environ["SOCKSCOPE_LESSONS"]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_user(argv):
    """The CLI is the unprivileged front end: run it as nobody when the test runs as root."""
    if os.geteuid() == 0:
        return NOBODY + argv
    return argv


def step_count(lesson):
    r = subprocess.run([CLI, "check", lesson], capture_output=True, text=True, timeout=60)
    m = re.search(r": ok \(([a-z0-9-]+), (\d+) steps\)", r.stdout)
    if r.returncode != 0 or m is None:
        raise AssertionError(f"check {lesson}: {r.stderr}")
    return int(m.group(2))


class Log:
    """The events of one run, with the look-ups the assertions need."""

    def __init__(self, events):
        self.events = events
        self.calls = [e for e in events if e["type"] == "call"]
        self.returns = {e["call_seq"]: e for e in events if e["type"] == "return"}
        self.blocked = {e["call_seq"]: e for e in events if e["type"] == "blocked"}
        self.packets = [e for e in events if e["type"] == "packet"]
        self.states = [e for e in events if e["type"] == "state"]

    def call(self, actor, name, nth=0):
        found = [e for e in self.calls if e["actor"] == actor and e["call"] == name]
        return found[nth]

    def ret(self, actor, name, nth=0):
        return self.returns[self.call(actor, name, nth)["seq"]]

    def rets(self, actor, name):
        return [self.returns[c["seq"]] for c in self.calls
                if c["actor"] == actor and c["call"] == name and c["seq"] in self.returns]

    def tcp(self):
        return [p for p in self.packets if p["pkt"]["proto"] == "tcp"]

    def states_of(self, local=None, peer=None):
        return [s for s in self.states
                if (local is None or s["local"] == local) and (peer is None or s["peer"] == peer)]


def questions(lesson):
    """(step number, kind, choices or None) of each `ask:` of a lesson file, read directly."""
    found, actors, step = [], set(), 0
    with open(os.path.join(LESSONS, lesson + ".lesson"), encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.strip().partition(":")
            value = value.strip()
            if line[0] not in " \t":
                if key == "actor":
                    actors.add(value)
                elif key in actors:
                    step += 1
            elif key == "ask":
                found.append([step, value, None])
            elif key == "choices":
                found[-1][2] = [c.strip() for c in value.split("|")]
    return found


def packet_name(pkt):
    """As the grader names packets (app/session/sockscope-question.c)."""
    if pkt["proto"] == "tcp":
        flags = pkt["flags"]
        ack = "." in flags
        if "S" in flags:
            return "SYN-ACK" if ack else "SYN"
        if "R" in flags:
            return "RST"
        if "F" in flags:
            return "PSH-FIN" if "P" in flags else "FIN"
        if "P" in flags:
            return "PSH-ACK" if ack else "PSH"
        return "ACK" if ack else "TCP"
    if pkt["proto"] == "udp":
        return "UDP datagram"
    if pkt["proto"].startswith("icmp"):
        return "ICMP port unreachable" if "unreachable" in pkt["summary"] else "ICMP"
    if pkt["proto"] == "ip-fragment":
        return "IP fragment"      # a later fragment of a datagram cut by the MTU
    return pkt["proto"].upper()


def actual_answer(log, step, kind):
    """What the kernel did at @step: the answer a question about it is graded against."""
    events = log.events
    start = next(i for i, e in enumerate(events) if e["type"] == "call" and e["step"] == step)
    call = events[start]
    end = next((i for i in range(start, len(events))
                if events[i]["type"] in ("call", "note") and (events[i]["step"] or 0) > step), len(events))
    if kind == "blocks":
        return "yes" if call["seq"] in log.blocked else "no"
    if kind == "returns":
        ret = log.returns[call["seq"]]
        return f"{ret['ret']} {ret['errno']}" if ret["errno"] else str(ret["ret"])
    if kind == "packets":
        names = [packet_name(e["pkt"]) for e in events[start:end]
                 if e["type"] == "packet" and e["cause"] == call["seq"]]
        return " / ".join(names) if names else "none"
    raise AssertionError(f"no rule for ask: {kind}")


def same(a, b):
    return re.sub(r"\s", "", a).upper() == re.sub(r"\s", "", b).upper()


_cache = {}


def run(lesson):
    if lesson not in _cache:
        r = subprocess.run(as_user([CLI, "run", lesson, "--json"]), capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"run {lesson} failed ({r.returncode}): {r.stderr}")
        _cache[lesson] = Log([json.loads(line) for line in r.stdout.splitlines()])
    return _cache[lesson]


class Lessons(unittest.TestCase):
    def test_every_lesson_runs_to_its_end(self):
        ids = [line.split()[0] for line in
               subprocess.run([CLI, "list"], capture_output=True, text=True, timeout=60).stdout.splitlines()]
        self.assertTrue(ids)
        for lesson in ids:
            with self.subTest(lesson=lesson):
                log = run(lesson)
                steps = {c["step"] for c in log.calls}
                self.assertEqual(steps, set(range(1, step_count(lesson) + 1)))
                notes = [e for e in log.events if e["type"] == "note" and e["level"] == "error"]
                self.assertEqual(notes, [])

    def test_questions_can_be_answered(self):
        """Each question's right answer, read from a real run, is one of the choices it offers;
        every lesson asks one to three questions."""
        ids = [line.split()[0] for line in
               subprocess.run([CLI, "list"], capture_output=True, text=True, timeout=60).stdout.splitlines()]
        for lesson in ids:
            asked = questions(lesson)
            with self.subTest(lesson=lesson):
                # tcp-handshake is the fixture of tests/cli (interactive prompts, run == replay):
                # it asks nothing until those tests know about question objects.
                low = 0 if lesson == "tcp-handshake" else 1
                self.assertTrue(low <= len(asked) <= 3, f"{lesson} asks {len(asked)} questions")
                log = run(lesson)
                graded = {e["step"]: e for e in log.events if e["type"] == "question"}
                self.assertEqual(sorted(graded), [step for step, _, _ in asked])
                for step, kind, choices in asked:
                    actual = actual_answer(log, step, kind)
                    # The CLI grades against the same run: it must read the same answer.
                    self.assertTrue(same(graded[step]["actual"], actual), (lesson, step, graded[step], actual))
                    if choices is not None:
                        self.assertEqual(graded[step]["choices"], choices)
                        self.assertTrue(any(same(c, actual) for c in choices),
                                        f"{lesson} step {step}: {actual!r} is not among {choices}")

    def test_tcp_handshake(self):
        log = run("tcp-handshake")
        port = log.ret("server", "accept")["out"]["addr"].rsplit(":", 1)[1]
        self.assertEqual(log.states_of(local=f"127.0.0.1:{port}")[-1]["state"], "TIME-WAIT")

    def test_tcp_echo(self):
        log = run("tcp-echo")
        # Each line comes back to the client that sent it.
        self.assertEqual([r["out"]["data"] for r in log.rets("client", "recv")], ["hello\n", "bye\n"])
        self.assertEqual([r["out"]["data"] for r in log.rets("client2", "recv")], ["next\n"])
        # The server sees the end of file (recv returns 0) after each client's close.
        server_recv = log.rets("server", "recv")
        self.assertEqual([r["ret"] for r in server_recv], [6, 4, 0, 5, 0])
        self.assertGreater(server_recv[2]["seq"], log.call("client", "close")["seq"])
        # The client that closed first ends in TIME-WAIT; the server's side is gone.
        p1 = log.ret("server", "accept", 0)["out"]["addr"].rsplit(":", 1)[1]
        self.assertEqual(log.states_of(local=f"127.0.0.1:{p1}")[-1]["state"], "TIME-WAIT")
        self.assertEqual(log.states_of(local="127.0.0.1:7777", peer=f"127.0.0.1:{p1}")[-1]["state"], "CLOSED")
        first_fin = [p for p in log.tcp() if "F" in p["pkt"]["flags"]][0]
        self.assertEqual(first_fin["cause"], log.call("client", "close")["seq"])
        # Iterative: the second client is connected (by the kernel) while the server is busy,
        # and the server's second accept returns at once.
        second = log.call("server", "accept", 1)
        self.assertLess(log.call("client2", "connect")["seq"], second["seq"])
        self.assertNotIn(second["seq"], log.blocked)
        self.assertIn(log.call("server", "accept", 0)["seq"], log.blocked)
        listen_q = [s["recv_q"] for s in log.states_of(local="127.0.0.1:7777", peer="*:*")]
        self.assertIn(1, listen_q)

    def test_tp_bonjour(self):
        log = run("tp-bonjour")
        greeting = log.ret("client", "recv")["out"]["data"]
        self.assertTrue(greeting.startswith("Bonjour Client, je suis le serveur 65432"), greeting)
        self.assertEqual([r["out"]["data"] for r in log.rets("server", "recv")],
                         ["Bonjour Serveur 65432, nous sommes donc dans la phase de transfert",
                          "Serveur 65432, je vous dis au revoir"])
        self.assertEqual(log.states_of(local="*:65432")[0]["state"], "LISTEN")
        self.assertTrue(all(p["pkt"]["dport"] == 65432 or p["pkt"]["sport"] == 65432 for p in log.tcp()))
        port = log.ret("server", "accept")["out"]["addr"].rsplit(":", 1)[1]
        self.assertEqual(log.states_of(local=f"127.0.0.1:{port}")[-1]["state"], "TIME-WAIT")

    def test_udp_echo(self):
        log = run("udp-echo")
        self.assertEqual([p["pkt"]["proto"] for p in log.packets], ["udp", "udp"])

    def test_stream_vs_datagram(self):
        log = run("stream-vs-datagram")
        # TCP: two sends, two segments, one recv of both; a short recv leaves the rest queued.
        data = [p for p in log.tcp() if p["pkt"]["len"] > 0]
        self.assertEqual([p["pkt"]["len"] for p in data[:2]], [3, 3])
        tcp_recv = log.rets("server", "recv")[:3]
        self.assertEqual([(r["ret"], r["out"]["data"]) for r in tcp_recv],
                         [(6, "onetwo"), (4, "abcd"), (6, "efghij")])
        # UDP: each recvfrom returns one datagram, even with room for both.
        self.assertEqual([(r["ret"], r["out"]["data"]) for r in log.rets("server", "recvfrom")],
                         [(3, "one"), (3, "two")])
        # A datagram bigger than the buffer is cut: MSG_TRUNC, and its end is gone.
        trunc, after = log.rets("server", "recv")[3:]
        self.assertEqual((trunc["ret"], trunc["out"]["data"]), (4, "abcd"))
        self.assertIn("MSG_TRUNC", trunc["out"]["flags"])
        self.assertEqual(after["out"]["data"], "next")
        self.assertNotIn("MSG_TRUNC", after["out"]["flags"])
        udp = [p for p in log.packets if p["pkt"]["proto"] == "udp"]
        self.assertEqual([p["pkt"]["len"] for p in udp], [3, 3, 10, 4])

    def test_connection_refused(self):
        log = run("connection-refused")
        connect = log.call("client", "connect", 0)
        tcp = log.tcp()
        self.assertEqual([p["pkt"]["flags"] for p in tcp], ["S", "R."])
        self.assertEqual({p["cause"] for p in tcp}, {connect["seq"]})
        self.assertEqual(log.returns[connect["seq"]]["errno"], "ECONNREFUSED")
        # UDP: connect sends nothing, the send's datagram draws an ICMP port unreachable,
        # and the next call on the connected socket reports it.
        self.assertEqual(log.ret("client", "connect", 1)["ret"], 0)
        send = log.call("client", "send")
        udp = [p for p in log.packets if p["pkt"]["proto"] == "udp"]
        icmp = [p for p in log.packets if p["pkt"]["proto"] == "icmp"]
        self.assertEqual([p["cause"] for p in udp], [send["seq"]])
        self.assertEqual(len(icmp), 1)
        self.assertIn("unreachable", icmp[0]["pkt"]["summary"])
        self.assertIn("9999", icmp[0]["pkt"]["summary"])
        self.assertGreater(icmp[0]["seq"], udp[0]["seq"])
        # The ICMP error quotes the datagram: its cause is the send that provoked it
        # (docs/LAB-PROTOCOL.md, cause of a packet).
        self.assertEqual(icmp[0]["cause"], send["seq"])
        self.assertEqual(log.ret("client", "send")["ret"], 7)
        recv = log.ret("client", "recv")
        self.assertEqual((recv["ret"], recv["errno"]), (-1, "ECONNREFUSED"))

    def test_backlog(self):
        log = run("backlog")
        listener = log.states_of(local="127.0.0.1:7777", peer="*:*")
        self.assertEqual({s["send_q"] for s in listener if s["state"] == "LISTEN"}, {1})
        self.assertEqual(max(s["recv_q"] for s in listener), 2)   # above the backlog of 1
        # The third client's SYN is dropped, its connect blocks; after an accept the kernel
        # retransmits the same SYN on its own and the handshake completes.
        connect3 = log.call("client3", "connect")
        self.assertIn(connect3["seq"], log.blocked)
        syns = [p for p in log.tcp() if p["pkt"]["flags"] == "S"]
        port3 = syns[2]["pkt"]["sport"]
        third = [p for p in syns if p["pkt"]["sport"] == port3]
        self.assertEqual(len(third), 2)
        self.assertEqual(third[0]["pkt"]["seq"], third[1]["pkt"]["seq"])
        self.assertEqual((third[0]["cause"], third[1]["cause"]), (connect3["seq"], None))
        self.assertEqual(third[1]["cause_text"], "kernel")
        self.assertGreater(third[1]["seq"], log.call("server", "accept", 0)["seq"])
        synack = [p for p in log.tcp() if p["pkt"]["flags"] == "S." and p["pkt"]["dport"] == port3]
        self.assertEqual(len(synack), 1)
        self.assertGreater(synack[0]["seq"], third[1]["seq"])
        self.assertEqual(log.returns[connect3["seq"]]["ret"], 0)
        self.assertEqual(log.ret("server", "recv")["out"]["data"], "finally")

    def test_reuseaddr(self):
        log = run("reuseaddr")
        # The server closed first: its side (local port 7777) is in TIME-WAIT.
        tw = [s for s in log.states_of(local="127.0.0.1:7777") if s["state"] == "TIME-WAIT"]
        self.assertEqual(len(tw), 1)
        first_fin = [p for p in log.tcp() if "F" in p["pkt"]["flags"]][0]
        self.assertEqual(first_fin["pkt"]["sport"], 7777)
        binds = log.rets("restarted", "bind")
        self.assertEqual([(b["ret"], b["errno"]) for b in binds], [(-1, "EADDRINUSE"), (0, None)])
        opt = log.call("restarted", "setsockopt")
        self.assertIn("SO_REUSEADDR", opt["text"])
        self.assertTrue(binds[0]["seq"] < opt["seq"] < binds[1]["seq"])
        self.assertTrue(tw[0]["seq"] < binds[0]["seq"])
        self.assertIn("LISTEN", [s["state"] for s in log.states if s["actor"] == "restarted"])

    def test_shutdown_linger(self):
        log = run("shutdown-linger")
        shutdown = log.call("client", "shutdown")
        fins = [p for p in log.tcp() if "F" in p["pkt"]["flags"]]
        self.assertEqual(fins[0]["cause"], shutdown["seq"])
        # The server reads the request, then the end of file, and still answers.
        recv = log.rets("server", "recv")
        self.assertEqual([r["ret"] for r in recv[:2]], [26, 0])
        answer = log.call("server", "send")
        self.assertGreater(answer["seq"], recv[1]["seq"])
        self.assertEqual(log.ret("client", "recv")["out"]["data"], "26")
        self.assertEqual(fins[1]["cause"], log.call("server", "close", 0)["seq"])
        port1 = fins[0]["pkt"]["sport"]
        self.assertEqual(log.states_of(local=f"127.0.0.1:{port1}")[-1]["state"], "TIME-WAIT")
        # SO_LINGER {1, 0}: close sends a RST, no FIN, no TIME-WAIT, and the server gets ECONNRESET.
        close2 = log.call("client", "close", 1)
        rst = [p for p in log.tcp() if "R" in p["pkt"]["flags"]]
        self.assertEqual([p["cause"] for p in rst], [close2["seq"]])
        port2 = rst[0]["pkt"]["sport"]
        self.assertFalse([p for p in fins if p["pkt"]["sport"] == port2 or p["pkt"]["dport"] == port2])
        self.assertNotIn("TIME-WAIT", [s["state"] for s in log.states_of(local=f"127.0.0.1:{port2}")])
        self.assertEqual((recv[2]["ret"], recv[2]["errno"]), (-1, "ECONNRESET"))

    def test_blocking(self):
        log = run("blocking")
        self.assertIn(log.call("server", "accept")["seq"], log.blocked)
        recv1 = log.call("server", "recv", 0)
        self.assertIn(recv1["seq"], log.blocked)
        self.assertGreater(log.returns[recv1["seq"]]["seq"], log.call("client", "send")["seq"])
        self.assertNotIn(log.call("client", "send")["seq"], log.blocked)
        eagain = log.ret("client", "recv", 0)
        self.assertEqual((eagain["ret"], eagain["errno"]), (-1, "EAGAIN"))
        self.assertEqual(log.ret("client", "recv", 1)["out"]["data"], "pong")
        # The deadlock: both last recvs block, neither returns, nothing is sent any more.
        last_server, last_client = log.call("server", "recv", 1), log.call("client", "recv", 2)
        for c in (last_server, last_client):
            self.assertIn(c["seq"], log.blocked)
            self.assertNotIn(c["seq"], log.returns)
        self.assertFalse([p for p in log.packets if p["seq"] > last_server["seq"]])

    def test_unix_sockets(self):
        log = run("unix-sockets")
        self.assertEqual(log.packets, [])
        self.assertTrue(log.states)
        self.assertEqual({s["family"] for s in log.states}, {"unix"})
        self.assertIn(("LISTEN", "name.sock"), {(s["state"], s["local"]) for s in log.states})
        self.assertEqual([r["out"]["data"] for r in log.rets("server", "recv")],
                         ["local hello", "to the other end", ""])
        self.assertEqual(len(log.ret("server", "socketpair")["out"]["fds"]), 2)
        self.assertIn(11, [s["recv_q"] for s in log.states if s["actor"] == "server"])

    def test_ipv6_dual_stack(self):
        log = run("ipv6-dual-stack")
        a6, a4 = log.rets("server", "accept")
        self.assertRegex(a6["out"]["addr"], r"^\[::1\]:\d+$")
        self.assertRegex(a4["out"]["addr"], r"^\[::ffff:127\.0\.0\.1\]:\d+$")
        srcs = {p["pkt"]["src"] for p in log.tcp()}
        self.assertEqual(srcs, {"::1", "127.0.0.1"})   # IPv6 and IPv4 on the wire
        self.assertEqual({s["family"] for s in log.states if s["actor"] == "server"}, {"inet6"})
        refused = log.ret("client4", "connect", 1)
        self.assertEqual((refused["ret"], refused["errno"]), (-1, "ECONNREFUSED"))

    def test_http_get(self):
        log = run("http-get")
        request = log.ret("server", "recv")["out"]["data"]
        self.assertTrue(request.startswith("GET /index.html HTTP/1.0\r\n"), request)
        self.assertTrue(request.endswith("\r\n\r\n"))
        response = log.rets("client", "recv")
        self.assertTrue(response[0]["out"]["data"].startswith("HTTP/1.0 200 OK\r\n"))
        head, _, body = response[0]["out"]["data"].partition("\r\n\r\n")
        length = int(re.search(r"Content-Length: (\d+)", head).group(1))
        self.assertEqual(len(body.encode()), length)
        self.assertEqual(response[1]["ret"], 0)
        self.assertEqual({80} & {p["pkt"]["dport"] for p in log.tcp()}, {80})
        first_fin = [p for p in log.tcp() if "F" in p["pkt"]["flags"]][0]
        self.assertEqual(first_fin["pkt"]["sport"], 80)     # the server closes first
        self.assertIn("TIME-WAIT", [s["state"] for s in log.states_of(local="127.0.0.1:80")])

    def test_concurrent_fork(self):
        log = run("concurrent-fork")
        spawned = {e["actor"]: e for e in log.events if e["type"] == "actor"}
        for n, worker in ((0, "worker1"), (1, "worker2")):
            fork = log.call("server", "fork", n)
            self.assertEqual(spawned[worker]["parent"], "server")
            self.assertEqual(spawned[worker]["via"], fork["seq"])
            self.assertFalse(spawned[worker]["thread"])
            self.assertEqual(log.returns[fork["seq"]]["ret"], spawned[worker]["pid"])
            # The watcher closes its copy: no packet, the executor still holds the connection.
            close = log.call("server", "close", n)
            self.assertFalse([p for p in log.packets if p["cause"] == close["seq"]])
        held = [s for s in log.states if len(s.get("holders") or []) == 2]
        self.assertTrue(held, "no socket held by the watcher and an executor after fork")
        # The watcher goes back to accept and blocks while executor 1 serves.
        self.assertIn(log.call("server", "accept", 1)["seq"], log.blocked)
        self.assertEqual([r["out"]["data"] for r in log.rets("worker1", "recv")], ["one\n", ""])
        self.assertEqual([r["out"]["data"] for r in log.rets("worker2", "recv")], ["two\n", ""])
        self.assertEqual(log.ret("client1", "recv")["out"]["data"], "one\n")
        self.assertEqual(log.ret("client2", "recv")["out"]["data"], "two\n")
        # exit closes the connection (the FIN is the executor's), SIGCHLD, waitpid reaps it.
        for worker, n in (("worker1", 0), ("worker2", 1)):
            ex = log.call(worker, "exit")
            exits = [e for e in log.events if e["type"] == "exit" and e["actor"] == worker]
            self.assertEqual([e["status"] for e in exits], [0])
            sig = [e for e in log.events if e["type"] == "signal" and e["from"] == worker]
            self.assertEqual([(e["actor"], e["signal"]) for e in sig], [("server", "SIGCHLD")])
            fin = [p for p in log.tcp() if "F" in p["pkt"]["flags"] and p["pkt"]["sport"] == 7777]
            self.assertIn(ex["seq"], [p["cause"] for p in fin])
            wait = log.ret("server", "waitpid", n)
            self.assertEqual(wait["ret"], spawned[worker]["pid"])
            self.assertEqual(wait["out"]["exited"], 1)
            self.assertGreater(wait["seq"], sig[0]["seq"])

    def test_concurrent_select(self):
        log = run("concurrent-select")
        selects = log.rets("server", "select")
        self.assertIn(log.call("server", "select", 0)["seq"], log.blocked)
        self.assertEqual([(r["ret"], r["out"]["ready"]) for r in selects],
                         [(1, ["s"]), (1, ["s"]), (1, ["c2"]), (2, ["c1", "c2"]), (1, ["c1"])])
        self.assertNotIn(log.call("server", "select", 1)["seq"], log.blocked)
        self.assertIn(log.call("server", "select", 2)["seq"], log.blocked)
        # After select, neither accept nor recv ever blocks.
        for name in ("accept", "recv"):
            for c in [c for c in log.calls if c["actor"] == "server" and c["call"] == name]:
                self.assertNotIn(c["seq"], log.blocked)
        self.assertEqual([r["ret"] for r in log.rets("server", "recv")], [9, 9, 0, 0])
        self.assertEqual(len({e["actor"] for e in log.events if e["type"] == "actor"}), 3)

    def test_concurrent_threads(self):
        log = run("concurrent-threads")
        spawned = {e["actor"]: e for e in log.events if e["type"] == "actor"}
        for t in ("thread1", "thread2"):
            self.assertTrue(spawned[t]["thread"])
            self.assertEqual(spawned[t]["parent"], "server")
            self.assertEqual(spawned[t]["pid"], spawned["server"]["pid"])   # one process
        # Thread 1 blocks for the slow client while thread 2 serves the other one.
        recv1 = log.call("thread1", "recv", 0)
        self.assertIn(recv1["seq"], log.blocked)
        served2 = log.ret("client2", "recv")
        self.assertEqual(served2["out"]["data"], "quick\n")
        self.assertGreater(log.returns[recv1["seq"]]["seq"], served2["seq"])
        self.assertEqual(log.returns[recv1["seq"]]["out"]["data"], "slow\n")
        exits = [e for e in log.events if e["type"] == "exit"]
        self.assertEqual(sorted(e["actor"] for e in exits if e["thread"]), ["thread1", "thread2"])
        self.assertFalse([e for e in log.events if e["type"] == "signal"])   # no SIGCHLD for threads
        self.assertEqual([r["ret"] for r in log.rets("server", "pthread_join")], [0, 0])

    def test_flow_control(self):
        log = run("flow-control")
        first = log.ret("client", "send", 0)
        self.assertGreater(first["ret"], 0)
        self.assertLess(first["ret"], 100000)                     # a short count
        self.assertEqual(log.ret("server", "getsockopt")["out"]["value"], 8192)
        self.assertEqual(log.ret("client", "getsockopt")["out"]["value"], 8192)
        # The server's kernel closes its window.
        zero = [p for p in log.tcp() if p["pkt"]["sport"] == 7777 and p["pkt"]["win"] == 0]
        self.assertTrue(zero, "no zero window from the receiver")
        self.assertTrue(all(p["cause"] is None for p in zero))
        # A blocking send waits until the server reads, then takes everything.
        blocking = log.call("client", "send", 1)
        self.assertIn(blocking["seq"], log.blocked)
        self.assertEqual(log.returns[blocking["seq"]]["ret"], 60000)
        recv = log.ret("server", "recv")
        self.assertEqual(recv["ret"], 65536)
        self.assertGreater(log.returns[blocking["seq"]]["seq"], log.call("server", "recv")["seq"])
        queued = [s["send_q"] for s in log.states if s["actor"] == "client" and s["state"] == "ESTAB"]
        self.assertGreater(max(queued), 4096)
        # Closing with unread data: a RST, caused by the server's close.
        rst = [p for p in log.tcp() if "R" in p["pkt"]["flags"]]
        self.assertEqual([p["cause"] for p in rst][:1], [log.call("server", "close", 0)["seq"]])

    def test_byte_order(self):
        log = run("byte-order")
        htons = log.ret("client", "htons")
        self.assertEqual(htons["out"]["bytes"], "1e 61")
        syn = log.tcp()[0]
        self.assertEqual(syn["pkt"]["dport"], 7777)
        import base64
        raw = base64.b64decode(syn["raw"])
        self.assertIn(bytes.fromhex("1e61"), raw)
        raw_int, net_int = [p for p in log.tcp() if p["pkt"]["len"] == 4]
        self.assertEqual([r["out"]["data_hex"] for r in log.rets("server", "recv")],
                         ["d2040000", "000004d2"])
        self.assertEqual([r["out"]["value"] for r in log.rets("server", "ntohl")], [0xd2040000, 1234])
        self.assertEqual(base64.b64decode(raw_int["raw"])[-4:], bytes.fromhex("d2040000"))
        self.assertEqual(base64.b64decode(net_int["raw"])[-4:], bytes.fromhex("000004d2"))

    def test_names_and_ports(self):
        log = run("names-and-ports")
        self.assertEqual(log.ret("server", "getservbyname")["out"]["port"], 7777)
        self.assertEqual(log.ret("client", "getservbyname")["out"]["port"], 80)
        self.assertEqual(log.ret("client", "gethostbyname")["out"]["addr"].split(":")[0], "127.0.0.1")
        web6, srv = log.rets("client", "getaddrinfo")
        self.assertEqual(web6["out"]["addr"], "[::1]:80")
        self.assertEqual(srv["out"]["addr"], "127.0.0.1:7777")
        self.assertEqual(log.call("client", "connect")["args"][1], "127.0.0.1:7777")
        # Names come from the lab's files: the only packets are the connection's.
        self.assertEqual({p["pkt"]["proto"] for p in log.packets}, {"tcp"})
        self.assertEqual(log.tcp()[0]["cause"], log.call("client", "connect")["seq"])
        port = int(log.ret("client", "getsockname")["out"]["addr"].rsplit(":", 1)[1])
        self.assertTrue(32768 <= port <= 60999, port)
        self.assertEqual(log.ret("server", "accept")["out"]["addr"], f"127.0.0.1:{port}")


if __name__ == "__main__":
    if not os.access(LAB, os.X_OK):
        print(f"sockscope-lab is not built ({LAB}): skipped")
        sys.exit(77)
    unittest.main(verbosity=2)
