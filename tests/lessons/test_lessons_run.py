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
        # ICMP errors are the kernel's (docs/LAB-PROTOCOL.md, cause of a packet).
        self.assertIsNone(icmp[0]["cause"])
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


if __name__ == "__main__":
    if not os.access(LAB, os.X_OK):
        print(f"sockscope-lab is not built ({LAB}): skipped")
        sys.exit(77)
    unittest.main(verbosity=2)
