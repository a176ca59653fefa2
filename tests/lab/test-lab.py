#!/usr/bin/env python3
"""Headless tests of sockscope-lab: python3 test-lab.py NAME.

Each test speaks the lab protocol (docs/LAB-PROTOCOL.md) as a front end
would, and checks what a learner would see in the event log
(docs/EVENT-LOG.md).  Exit 0: pass, 77: skipped, anything else: fail.
"""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labclient import LAB, Lab  # noqa: E402

SKIP = 77


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def ok(reply, what):
    check(reply.get("reply") in ("ok", "done"), "%s: %r" % (what, reply))
    return reply


def new_lab(prefix=()):
    lab = Lab(prefix=prefix)
    if lab.fatal:
        raise AssertionError("the lab did not start: %r" % lab.fatal)
    return lab


def tcp_session(lab):
    """The lesson every test below builds on. Returns the call seqs by name."""
    seqs = {}

    def step(name, actor, call, *args, assign=None, status="returned"):
        r = ok(lab.call(actor, call, *args, assign=assign), name)
        check(r["status"] == status, "%s: expected %s, got %r" % (name, status, r))
        seqs[name] = r["call_seq"]

    lab.actor("server")
    lab.actor("client")
    step("srv_socket", "server", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s")
    step("bind", "server", "bind", "s", "127.0.0.1:7777")
    step("listen", "server", "listen", "s", "5")
    step("accept", "server", "accept", "s", assign="c", status="blocked")
    step("cli_socket", "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s")
    step("connect", "client", "connect", "s", "127.0.0.1:7777")
    step("send", "client", "send", "s", '"hello"', "0")
    step("recv", "server", "recv", "c", "100", "0")
    step("close", "client", "close", "s")
    step("recv_eof", "server", "recv", "c", "100", "0")
    step("srv_close", "server", "close", "c")
    ok(lab.settle(300), "settle")
    lab.pump(0.05)
    return seqs


def flags(p):
    return p["pkt"].get("flags")


def test_handshake():
    lab = new_lab()
    try:
        seqs = tcp_session(lab)
        ev = lab.events
        check([e["seq"] for e in ev] == list(range(1, len(ev) + 1)), "seq numbers from 1 without gaps")

        # accept blocked at once, and returned only after the handshake
        blocked = [e for e in lab.of_type("blocked") if e["call_seq"] == seqs["accept"]]
        check(len(blocked) == 1, "accept() reported blocked once")
        acc = lab.return_of(seqs["accept"])
        check(acc and acc["ret"] >= 0, "accept() returned a socket: %r" % acc)

        # the three-way handshake, each segment caused by connect()
        hs = lab.packets_caused_by(seqs["connect"])
        check([flags(p) for p in hs] == ["S", "S.", "."], "SYN, SYN-ACK, ACK caused by connect: %r"
              % [flags(p) for p in hs])
        check(all(p["cause_text"] == "client: connect(3, 127.0.0.1:7777)" for p in hs), "cause_text")
        syn = hs[0]
        client_addr = "127.0.0.1:%d" % syn["pkt"]["sport"]
        check(acc["out"]["addr"] == client_addr, "accept's out.addr %r is the client's %r"
              % (acc["out"]["addr"], client_addr))
        check(acc["seq"] > hs[-1]["seq"], "accept returned after the handshake")
        # libpcap keeps each packet of lo once
        all_syns = [p for p in lab.of_type("packet") if flags(p) == "S"]
        check(len(all_syns) == 1, "one SYN captured, not %d" % len(all_syns))

        # states: LISTEN with the backlog, both ends ESTAB with owner and fd
        states = lab.of_type("state")
        listen = [s for s in states if s["state"] == "LISTEN"]
        check(listen and listen[0]["send_q"] == 5 and listen[0]["actor"] == "server"
              and listen[0]["fd"] == 3 and listen[0]["local"] == "127.0.0.1:7777", "LISTEN state: %r" % listen)
        estab = {s["actor"]: s for s in states if s["state"] == "ESTAB"}
        check("server" in estab and estab["server"]["fd"] == acc["ret"], "server ESTAB on the accepted fd")
        check("client" in estab and estab["client"]["fd"] == 3
              and estab["client"]["local"] == client_addr, "client ESTAB on fd 3")
        check(isinstance(estab["client"]["tcp"]["cwnd"], int), "tcp_info present")

        # data: one segment of 5 bytes caused by send, received as "hello"
        data = lab.packets_caused_by(seqs["send"])
        check(len(data) == 1 and data[0]["pkt"]["len"] == 5, "one 5-byte segment caused by send: %r"
              % [(flags(p), p["pkt"]["len"]) for p in data])
        rcv = lab.return_of(seqs["recv"])
        check(rcv["ret"] == 5 and rcv["out"]["data"] == "hello", "recv returned hello: %r" % rcv)

        # close: FIN caused by close; at the end the client is in TIME-WAIT, held by nobody
        fin = lab.packets_caused_by(seqs["close"])
        check(len(fin) == 1 and "F" in flags(fin[0]), "FIN caused by close(): %r" % [flags(p) for p in fin])
        eof = lab.return_of(seqs["recv_eof"])
        check(eof["ret"] == 0, "recv() returns 0 at end of stream")
        last = {}
        for s in states:
            last[s["local"] + ">" + s["peer"]] = s
        tw = last.get(client_addr + ">127.0.0.1:7777")
        check(tw is not None and tw["state"] == "TIME-WAIT" and tw["actor"] is None and tw["fd"] is None,
              "client socket ends in TIME-WAIT held by no actor: %r" % tw)
        kernel = [p for p in lab.of_type("packet") if p["cause"] is None]
        check(all(p["cause_text"] == "kernel" and flags(p) == "." for p in kernel),
              "packets without a call are the kernel's pure ACKs: %r" % [flags(p) for p in kernel])
        check(lab.quit()["reply"] == "ok", "quit")
    finally:
        lab.kill()


def test_udp():
    lab = new_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        ok(lab.call("server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s"), "socket")
        ok(lab.call("server", "bind", "s", "127.0.0.1:9999"), "bind")
        ok(lab.call("client", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s"), "socket")
        ping = ok(lab.call("client", "sendto", "s", '"ping"', "0", "127.0.0.1:9999"), "sendto")
        got = ok(lab.call("server", "recvfrom", "s", "100", "0"), "recvfrom")
        rf = lab.return_of(got["call_seq"])
        client_addr = rf["out"]["addr"]
        check(rf["out"]["data"] == "ping", "recvfrom got ping")
        pong = ok(lab.call("server", "sendto", "s", '"pong"', "0", client_addr), "sendto back")
        back = ok(lab.call("client", "recvfrom", "s", "100", "0"), "recvfrom")
        check(lab.return_of(back["call_seq"])["out"]["addr"] == "127.0.0.1:9999", "reply from the server")
        ok(lab.settle(200), "settle")
        pkts = lab.of_type("packet")
        check(len(pkts) == 2, "exactly two datagrams, no handshake: %d" % len(pkts))
        check(pkts[0]["cause"] == ping["call_seq"] and pkts[1]["cause"] == pong["call_seq"],
              "each datagram caused by its sendto")
        check(pkts[0]["pkt"]["proto"] == "udp" and pkts[0]["pkt"]["len"] == 4, "a 4-byte UDP datagram")
        check("127.0.0.1:%d" % pkts[0]["pkt"]["sport"] == client_addr, "recvfrom's addr is the client's")
        udp = [s for s in lab.of_type("state") if s["proto"] == "udp"]
        check(udp and all(s["state"] == "UNCONN" for s in udp), "UDP sockets are UNCONN")
        check({s["actor"] for s in udp} == {"server", "client"}, "both sockets have their owner")
        lab.quit()
    finally:
        lab.kill()


def signature(events):
    """What must not depend on who runs the lab: not timestamps, ports or pids,
    nor the order of events the kernel produces concurrently (a return and a
    packet, two sockets in one dump)."""
    index = {e["seq"]: i for i, e in enumerate(e for e in events if e["type"] == "call")}
    calls = [(e["actor"], e["call"]) for e in events if e["type"] == "call"]
    returns = sorted((index[e["call_seq"]], e["ret"], e["errno"]) for e in events if e["type"] == "return")
    # A call slower than 10 ms on a loaded machine is reported blocked too: compare the one
    # call that must block.
    blocked = sorted(e["call"] for e in events if e["type"] == "blocked" and e["call"] == "accept")
    packets = [(e["pkt"]["proto"], e["pkt"].get("flags"), e["pkt"].get("len"), index.get(e["cause"]))
               for e in events if e["type"] == "packet"]
    # A connection waiting in the accept queue (ESTAB, no owner yet) is seen or not,
    # depending on when a dump falls.
    states = sorted({(e["actor"] or "", e["state"]) for e in events
                     if e["type"] == "state" and (e["actor"] or e["state"] != "ESTAB")})
    return calls, returns, blocked, packets, states


def test_unprivileged():
    if os.getuid() != 0:
        # Already an ordinary user: the handshake test is the unprivileged run.
        return SKIP
    runs = []
    for prefix in ((), ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")):
        lab = new_lab(prefix)
        try:
            tcp_session(lab)
            runs.append(signature(lab.events))
            lab.quit()
        finally:
            lab.kill()
    check(runs[0] == runs[1], "root and nobody see the same events:\n%r\n%r" % (runs[0], runs[1]))


def test_errors():
    lab = new_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        n = len(lab.events)
        r = lab.call("server", "conect", "s", "127.0.0.1:1")
        check(r["reply"] == "error" and "unknown call 'conect'" in r["message"], "unknown call: %r" % r)
        r = lab.call("server", "listen", "nope", "5")
        check(r["reply"] == "error" and "unknown variable 'nope'" in r["message"], "unknown variable: %r" % r)
        r = lab.call("server", "bind", "3")
        check(r["reply"] == "error" and "takes 2 arguments" in r["message"], "argument count: %r" % r)
        r = lab.call("ghost", "close", "3")
        check(r["reply"] == "error" and "unknown actor" in r["message"], "unknown actor: %r" % r)
        lab.pump(0.05)
        check(len(lab.events) == n, "errors add nothing to the log")

        ok(lab.call("server", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s"), "socket")
        ok(lab.call("server", "bind", "s", "127.0.0.1:8080"), "bind")
        ok(lab.call("server", "listen", "s", "1"), "listen")
        r = ok(lab.call("server", "accept", "s", assign="c"), "accept")
        check(r["status"] == "blocked", "accept blocks")
        r = lab.call("server", "close", "s")
        check(r["reply"] == "error" and r["message"] == "server is blocked in accept()", "busy actor: %r" % r)

        ok(lab.call("client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s"), "socket")
        r = ok(lab.call("client", "bind", "s", "127.0.0.1:8080"), "bind in use")
        ret = lab.return_of(r["call_seq"])
        check(ret["ret"] == -1 and ret["errno"] == "EADDRINUSE" and ret["strerror"], "EADDRINUSE: %r" % ret)
        r = ok(lab.call("client", "connect", "s", "127.0.0.1:1"), "connect refused")
        ret = lab.return_of(r["call_seq"])
        check(ret["errno"] == "ECONNREFUSED", "ECONNREFUSED: %r" % ret)
        rst = [p for p in lab.of_type("packet") if "R" in (p["pkt"].get("flags") or "")]
        check(rst and rst[0]["cause"] == r["call_seq"], "the RST answering the SYN is tied to connect")
        # the lab keeps working
        r = ok(lab.call("client", "socket", "AF_INET6", "SOCK_DGRAM", "0", assign="u"), "socket")
        check(lab.return_of(r["call_seq"])["ret"] >= 0, "still working after errors")
        lab.quit()
    finally:
        lab.kill()


def test_refused_userns():
    if subprocess.call(["unshare", "-Ur", "true"], stderr=subprocess.DEVNULL) != 0:
        return SKIP
    lab = Lab(prefix=("unshare", "-Ur", "sh", "-c",
                      'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"', "sh"))
    try:
        check(lab.fatal is not None, "a fatal line instead of ready: %r" % lab.ready)
        check(lab.fatal["what"] == "userns", "fatal names the namespace")
        check("max_user_namespaces" in lab.fatal["remedy"] and "sysctl" in lab.fatal["remedy"],
              "the remedy says which sysctl to change: %r" % lab.fatal["remedy"])
        check(lab.proc.wait(timeout=5) != 0, "exit status is non-zero")
    finally:
        lab.kill()


def lab_pids(lab_pid):
    """The lab and every process it started (actors), from /proc."""
    pids = set()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(d) == lab_pid or int(fields[1]) == lab_pid:
            pids.add(int(d))
    return pids


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_no_orphans():
    # A front end (an intermediate process) spawns the lab; we keep the
    # other end of the socketpair, so only the front end's death can kill it.
    mine, theirs = socket.socketpair()
    code = ("import os,subprocess,sys,time; fd=int(sys.argv[2]);"
            "subprocess.Popen([sys.argv[1],'--fd',str(fd)],pass_fds=[fd]); time.sleep(3600)")
    front = subprocess.Popen([sys.executable, "-c", code, LAB, str(theirs.fileno())],
                             pass_fds=[theirs.fileno()])
    theirs.close()
    lab = Lab.__new__(Lab)
    lab.sock, lab.proc = mine, front
    lab.buf, lab.lines, lab.raw_packets, lab.n_raw_packets = b"", __import__("collections").deque(), False, 0
    lab.events, lab.replies, lab.recv_times, lab.next_id, lab.timeout = [], [], {}, 1, 10.0
    try:
        ready = lab._next_line(10)
        check(ready and ready.get("reply") == "ready", "lab ready: %r" % ready)
        lab_pid = ready["pid"]
        lab.actor("server")
        lab.actor("client")
        ok(lab.call("server", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s"), "socket")
        ok(lab.call("server", "listen", "s", "1"), "listen")
        check(lab.call("server", "accept", "s")["status"] == "blocked", "accept blocked")
        family = lab_pids(lab_pid)
        check(len(family) == 3, "lab and two actors: %r" % family)
        front.kill()
        front.wait()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and any(alive(p) for p in family):
            time.sleep(0.02)
        left = [p for p in family if alive(p)]
        check(not left, "processes left 1 s after the front end died: %r" % left)
    finally:
        if front.poll() is None:
            front.kill()
        mine.close()


def test_actor_killed():
    lab = new_lab()
    try:
        r = lab.actor("server")
        lab.actor("client")
        pid = r["pid"]
        ok(lab.call("server", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s"), "socket")
        ok(lab.call("server", "listen", "s", "1"), "listen")
        check(lab.call("server", "accept", "s")["status"] == "blocked", "accept blocked")
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 2
        killed = []
        while not killed and time.monotonic() < deadline:
            lab.pump(0.05)
            killed = [e for e in lab.of_type("actor") if e["event"] == "killed"]
        check(killed and killed[0]["actor"] == "server" and killed[0]["signal"] == "SIGKILL"
              and killed[0]["pid"] == pid, "actor event killed by SIGKILL: %r" % killed)
        closed = [s for s in lab.of_type("state") if s["state"] == "CLOSED"]
        r = lab.call("server", "close", "s")
        check(r["reply"] == "error" and "exited" in r["message"], "a dead actor cannot call: %r" % r)
        r = ok(lab.call("client", "socket", "AF_INET", "SOCK_STREAM", "0"), "the lab keeps running")
        lab.settle(100)
        check(closed or [s for s in lab.of_type("state") if s["state"] == "CLOSED"],
              "the killed actor's listener is reported CLOSED")
        lab.quit()
    finally:
        lab.kill()


TESTS = {name[5:].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("test_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        sys.exit("usage: test-lab.py {%s}" % ",".join(TESTS))
    rc = TESTS[sys.argv[1]]()
    sys.exit(rc or 0)
