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
    """The lab and every process under it (actors, and the children they forked), from /proc."""
    parent = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(d)] = int(fields[1])
    pids = {lab_pid}
    grew = True
    while grew:
        more = {p for p, pp in parent.items() if pp in pids} - pids
        pids |= more
        grew = bool(more)
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
        r = ok(lab.command("call", actor="server", call="fork", args=[], assign="pid", new_actor="worker"), "fork")
        child = r["new_actor_pid"]
        check(lab.call("worker", "accept", "s")["status"] == "blocked", "the forked child's accept blocked")
        check(lab.call("server", "accept", "s")["status"] == "blocked", "accept blocked")
        family = lab_pids(lab_pid)
        check(len(family) == 4 and child in family, "lab, two actors and a forked child: %r" % family)
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
            killed = lab.of_type("exit")
        check(killed and killed[0]["actor"] == "server" and killed[0]["signal"] == "SIGKILL"
              and killed[0]["status"] is None and killed[0]["pid"] == pid,
              "exit event: killed by SIGKILL: %r" % killed)
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


# ---- processes, threads, multiplexing, names, byte order ----

def nobody_lab():
    """The lab as an ordinary user (nobody) when the tests run as root, as a learner runs it."""
    if os.getuid() == 0:
        return new_lab(("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"))
    return new_lab()


def step(lab, actor, call, *args, assign=None, status="returned", new_actor=None):
    """One call that must be accepted; returns (done reply, return event or None)."""
    members = dict(actor=actor, call=call, args=list(args), assign=assign)
    if new_actor:
        members["new_actor"] = new_actor
    r = ok(lab.command("call", **members), "%s: %s%r" % (actor, call, args))
    check(r["status"] == status, "%s: %s%r: expected %s, got %r" % (actor, call, args, status, r))
    return r, lab.return_of(r["call_seq"])


def wait_for(lab, pred, what, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [e for e in lab.events if pred(e)]
        if found:
            return found
        lab.pump(0.05)
    raise AssertionError("never happened: " + what)


def serve(lab, port=7777):
    step(lab, "server", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s")
    step(lab, "server", "setsockopt", "s", "SOL_SOCKET", "SO_REUSEADDR", "1")
    step(lab, "server", "bind", "s", "127.0.0.1:%d" % port)
    step(lab, "server", "listen", "s", "5")


def payload(packet):
    import base64
    raw = base64.b64decode(packet["raw"])
    n = packet["pkt"]["len"]
    return raw[len(raw) - n:] if n else b""


def test_fork():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        serve(lab)
        step(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
        step(lab, "client", "connect", "c", "127.0.0.1:7777")
        _, acc = step(lab, "server", "accept", "s", assign="conn")
        conn = acc["ret"]

        r, ret = step(lab, "server", "fork", assign="pid", new_actor="worker")
        child = r["new_actor_pid"]
        check(ret["ret"] == child and ret["out"]["pid"] == child, "fork returns the child's pid: %r" % ret)
        born = [e for e in lab.of_type("actor") if e["actor"] == "worker"]
        check(len(born) == 1 and born[0]["parent"] == "server" and born[0]["pid"] == child
              and born[0]["thread"] is False and born[0]["via"] == r["call_seq"]
              and born[0]["seq"] < ret["seq"], "actor event for worker before fork's return: %r" % born)
        with open("/proc/%d/stat" % child) as f:
            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        server_pid = [e for e in lab.of_type("actor") if e["actor"] == "server"][0]["pid"]
        check(ppid == server_pid, "the child is a real child of the server process (ppid %d)" % ppid)
        ok(lab.settle(200), "settle")
        shared = [e for e in lab.of_type("state") if e.get("fd") == conn and e["state"] == "ESTAB"
                  and e["holders"] == ["server", "worker"]]
        check(shared, "the connection is held by server and worker after fork")

        # the parent closes its copy: no FIN, the connection stays up in the child
        close_r, _ = step(lab, "server", "close", "conn")
        ok(lab.settle(200), "settle")
        check(not lab.packets_caused_by(close_r["call_seq"]), "the parent's close sends nothing")
        fins = [p for p in lab.of_type("packet") if "F" in (p["pkt"].get("flags") or "")]
        check(not fins, "no FIN while the child holds the connection: %r" % fins)
        last = [e for e in lab.of_type("state") if e["state"] == "ESTAB" and e["fd"] == conn][-1]
        check(last["actor"] == "worker" and last["holders"] == ["worker"],
              "the connection now belongs to worker alone: %r" % last)

        # the child uses the copied variable conn
        send_r, _ = step(lab, "client", "send", "c", '"job"', "0")
        _, rcv = step(lab, "worker", "recv", "conn", "64", "0", assign="n")
        check(rcv["out"]["data"] == "job", "the child received on its copy: %r" % rcv)
        reply_r, _ = step(lab, "worker", "send", "conn", '"done"', "0")
        pk = lab.packets_caused_by(reply_r["call_seq"])
        check(len(pk) == 1 and pk[0]["cause_text"].startswith("worker: send("), "worker's send caused its segment")

        # exit: the exit event, SIGCHLD to the parent, FIN caused by the exit
        r = ok(lab.command("call", actor="worker", call="exit", args=["3"], assign=None), "exit")
        check(r.get("exited") is True, "exit's reply says the actor ended: %r" % r)
        ex = wait_for(lab, lambda e: e["type"] == "exit" and e["actor"] == "worker", "worker's exit event")[0]
        check(ex["status"] == 3 and ex["signal"] is None and ex["pid"] == child and ex["call_seq"] == r["call_seq"],
              "exit event with status 3: %r" % ex)
        sig = wait_for(lab, lambda e: e["type"] == "signal", "SIGCHLD")[0]
        check(sig["actor"] == "server" and sig["signal"] == "SIGCHLD" and sig["from"] == "worker"
              and sig["seq"] > ex["seq"], "the server got SIGCHLD from worker: %r" % sig)
        ok(lab.settle(300), "settle")
        fin = [p for p in lab.of_type("packet") if "F" in (p["pkt"].get("flags") or "")
               and p["pkt"]["sport"] == 7777]
        check(fin and fin[0]["cause"] == r["call_seq"], "the FIN is caused by the child's exit: %r"
              % [(p["cause_text"]) for p in fin])
        r = lab.call("worker", "close", "conn")
        check(r["reply"] == "error" and "exited" in r["message"], "an exited actor cannot call: %r" % r)

        # waitpid in the parent collects the status (the child is a zombie until then)
        with open("/proc/%d/stat" % child) as f:
            check(f.read().rsplit(")", 1)[1].split()[0] == "Z", "the child is a zombie until waitpid")
        _, w = step(lab, "server", "waitpid", "pid", "0")
        check(w["ret"] == child and w["out"]["pid"] == child and w["out"]["exited"] == 1
              and w["out"]["status"] == 3 << 8 and w["out"]["exit_status"] == 3, "waitpid: %r" % w)
        check(not os.path.exists("/proc/%d" % child), "waitpid reaped the child")
        _, w = step(lab, "server", "waitpid", "-1", "WNOHANG")
        check(w["ret"] == -1 and w["errno"] == "ECHILD", "no child left: %r" % w)
        lab.quit()
    finally:
        lab.kill()


def test_waitpid_blocks():
    lab = nobody_lab()
    try:
        lab.actor("server")
        r, _ = step(lab, "server", "fork", assign="pid", new_actor="worker")
        _, w = step(lab, "server", "waitpid", "-1", "WNOHANG")
        check(w["ret"] == 0 and w["out"]["pid"] == 0, "WNOHANG with a running child returns 0: %r" % w)
        r, _ = step(lab, "server", "waitpid", "pid", "0", status="blocked")
        lab.pump(0.1)
        check(lab.return_of(r["call_seq"]) is None, "waitpid waits while the child runs")
        step(lab, "worker", "socket", "AF_INET", "SOCK_STREAM", "0", assign="x")
        ok(lab.command("call", actor="worker", call="exit", args=["0"]), "exit")
        ret = wait_for(lab, lambda e: e["type"] == "return" and e["call_seq"] == r["call_seq"], "waitpid returns")[0]
        ex = [e for e in lab.of_type("exit") if e["actor"] == "worker"]
        check(ex and ex[0]["seq"] < ret["seq"] and ret["out"]["exited"] == 1 and ret["out"]["status"] == 0,
              "waitpid returned after the child's exit: %r" % ret)
        lab.quit()
    finally:
        lab.kill()


def test_child_killed():
    """A forked child killed by a signal: its exit event names the signal, the parent gets SIGCHLD."""
    lab = nobody_lab()
    try:
        lab.actor("server")
        r, _ = step(lab, "server", "fork", assign="pid", new_actor="worker")
        child = r["new_actor_pid"]
        w, _ = step(lab, "server", "waitpid", "pid", "0", status="blocked")
        os.kill(child, signal.SIGTERM)
        ex = wait_for(lab, lambda e: e["type"] == "exit" and e["actor"] == "worker", "worker's exit")[0]
        check(ex["signal"] == "SIGTERM" and ex["status"] is None and ex["call_seq"] is None,
              "killed by SIGTERM: %r" % ex)
        sig = wait_for(lab, lambda e: e["type"] == "signal", "SIGCHLD")[0]
        check(sig["from"] == "worker" and sig["actor"] == "server", "SIGCHLD: %r" % sig)
        ret = wait_for(lab, lambda e: e["type"] == "return" and e["call_seq"] == w["call_seq"], "waitpid")[0]
        check(ret["out"]["exited"] == 0 and ret["out"]["signal"] == "SIGTERM", "waitpid: %r" % ret)
        lab.quit()
    finally:
        lab.kill()


def test_orphan():
    """The parent exits first: the child lives on (adopted by the lab), then its end is logged."""
    lab = nobody_lab()
    try:
        lab.actor("server")
        r, _ = step(lab, "server", "fork", assign="pid", new_actor="worker")
        child = r["new_actor_pid"]
        ok(lab.command("call", actor="server", call="exit", args=["0"]), "the parent exits")
        wait_for(lab, lambda e: e["type"] == "exit" and e["actor"] == "server", "server's exit")
        lab.pump(0.2)
        check(alive(child), "the child outlives its parent")
        _, sock = step(lab, "worker", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="u")
        check(sock["ret"] == 3, "the orphan still serves calls: %r" % sock)
        ok(lab.command("call", actor="worker", call="exit", args=["7"]), "the child exits")
        ex = wait_for(lab, lambda e: e["type"] == "exit" and e["actor"] == "worker", "worker's exit")[0]
        check(ex["status"] == 7, "the orphan's exit status: %r" % ex)
        check(not lab.of_type("signal"), "nobody left to get SIGCHLD")
        deadline = time.monotonic() + 1
        while os.path.exists("/proc/%d" % child) and time.monotonic() < deadline:
            time.sleep(0.02)
        check(not os.path.exists("/proc/%d" % child), "the lab reaped the orphan")
        lab.quit()
    finally:
        lab.kill()


def test_thread():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        serve(lab)
        r, ret = step(lab, "server", "pthread_create", assign="t", new_actor="t1")
        server_pid = [e for e in lab.of_type("actor") if e["actor"] == "server"][0]["pid"]
        born = [e for e in lab.of_type("actor") if e["actor"] == "t1"]
        check(born and born[0]["thread"] is True and born[0]["pid"] == server_pid
              and born[0]["tid"] != server_pid and born[0]["seq"] < ret["seq"]
              and born[0]["parent"] == "server", "thread actor event: %r" % born)
        check(os.path.exists("/proc/%d/task/%d" % (server_pid, born[0]["tid"])),
              "the thread is a real task of the server process")
        check(ret["ret"] == 1 and ret["out"]["thread"] == 1, "pthread_create returns index 1: %r" % ret)
        # the thread serves a client with the process's listening socket
        acc_r, _ = step(lab, "t1", "accept", "s", assign="conn", status="blocked")
        step(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
        step(lab, "client", "connect", "c", "127.0.0.1:7777")
        acc = wait_for(lab, lambda e: e["type"] == "return" and e["call_seq"] == acc_r["call_seq"], "t1 accepts")[0]
        step(lab, "client", "send", "c", '"ping"', "0")
        _, rcv = step(lab, "t1", "recv", "conn", "64", "0", assign="n")
        check(rcv["out"]["data"] == "ping", "the thread received: %r" % rcv)
        pong, _ = step(lab, "t1", "send", "conn", '"pong"', "0")
        check([p["cause_text"] for p in lab.packets_caused_by(pong["call_seq"])] == ["t1: send(%d, \"pong\", 0)" % acc["ret"]],
              "t1's send caused its segment")
        # the fd table is shared: the main thread closes the connection the thread accepted
        step(lab, "server", "close", "conn")
        r = ok(lab.command("call", actor="t1", call="pthread_exit", args=[]), "pthread_exit")
        check(r.get("exited") is True, "pthread_exit ends t1: %r" % r)
        ex = wait_for(lab, lambda e: e["type"] == "exit" and e["actor"] == "t1", "t1's exit event")[0]
        check(ex["thread"] is True, "thread exit: %r" % ex)
        _, j = step(lab, "server", "pthread_join", "t")
        check(j["ret"] == 0, "pthread_join joined: %r" % j)
        check(not os.path.exists("/proc/%d/task/%d" % (server_pid, born[0]["tid"])), "the thread is gone")
        r = lab.call("server", "pthread_exit")
        check(r["reply"] == "error", "pthread_exit is for thread actors: %r" % r)
        lab.quit()
    finally:
        lab.kill()


def test_select():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        serve(lab)
        step(lab, "server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="u")
        step(lab, "server", "bind", "u", "127.0.0.1:9999")
        sel, _ = step(lab, "server", "select", "s", "u", assign="n", status="blocked")
        check([e for e in lab.of_type("blocked") if e["call_seq"] == sel["call_seq"]], "select reported blocked")
        lab.pump(0.1)
        check(lab.return_of(sel["call_seq"]) is None, "select waits while nothing is ready")
        step(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
        step(lab, "client", "connect", "c", "127.0.0.1:7777")
        ret = wait_for(lab, lambda e: e["type"] == "return" and e["call_seq"] == sel["call_seq"], "select returns")[0]
        check(ret["ret"] == 1 and ret["out"]["ready"] == ["s"] and ret["out"]["ready_fds"] == [3],
              "select says the listener is ready: %r" % ret)
        # already ready: returns at once
        _, ret = step(lab, "server", "select", "u", "s")
        check(ret["out"]["ready"] == ["s"], "ready set in argument order: %r" % ret)
        lab.quit()
    finally:
        lab.kill()


def test_poll():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        step(lab, "server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="a")
        step(lab, "server", "bind", "a", "127.0.0.1:9001")
        step(lab, "server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="b")
        step(lab, "server", "bind", "b", "127.0.0.1:9002")
        pl, _ = step(lab, "server", "poll", "a", "b", status="blocked")
        step(lab, "client", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="c")
        step(lab, "client", "sendto", "c", '"to b"', "0", "127.0.0.1:9002")
        ret = wait_for(lab, lambda e: e["type"] == "return" and e["call_seq"] == pl["call_seq"], "poll returns")[0]
        check(ret["ret"] == 1 and ret["out"]["ready"] == ["b"] and ret["out"]["ready_fds"] == [4]
              and ret["out"]["revents"] == ["0", "POLLIN"], "poll: b is readable: %r" % ret)
        r = lab.call("server", "poll")
        check(r["reply"] == "error" and "1 to 8" in r["message"], "poll needs 1 to 8 fds: %r" % r)
        lab.quit()
    finally:
        lab.kill()


def test_names():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        serve(lab)
        _, g = step(lab, "client", "getaddrinfo", '"server.lab"', '"sockscope"')
        check(g["ret"] == 0 and g["out"]["addr"] == "127.0.0.1:7777" and g["out"]["addrs"] == ["127.0.0.1:7777"],
              "getaddrinfo(server.lab, sockscope): %r" % g)
        step(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
        _, con = step(lab, "client", "connect", "c", g["out"]["addr"])
        check(con["ret"] == 0, "connect to the address getaddrinfo gave")
        _, g6 = step(lab, "client", "getaddrinfo", '"server6.lab"', '"http"')
        check(g6["out"]["addrs"] == ["[::1]:80"], "server6.lab is ::1: %r" % g6)
        _, bad = step(lab, "client", "getaddrinfo", '"www.example.com"', '"http"')
        check(bad["ret"] != 0 and bad["error"] == "EAI_NONAME" and bad["error_text"],
              "no DNS: names outside the lab's /etc/hosts are unknown: %r" % bad)
        _, h = step(lab, "client", "gethostbyname", '"www.lab"')
        check(h["ret"] == 0 and h["out"]["addr"] == "127.0.0.1", "gethostbyname(www.lab): %r" % h)
        _, h = step(lab, "client", "gethostbyname", '"nowhere.lab"')
        check(h["ret"] == -1 and h["error"] == "HOST_NOT_FOUND" and h["error_text"], "unknown host: %r" % h)
        _, sv = step(lab, "client", "getservbyname", '"http"', '"tcp"', assign="port")
        check(sv["ret"] == 80 and sv["out"]["port"] == 80, "getservbyname(http, tcp) == 80: %r" % sv)
        _, sv = step(lab, "client", "getservbyname", '"bonjour"', '"tcp"')
        check(sv["ret"] == 65432, "the lab's own service: %r" % sv)
        _, sv = step(lab, "client", "getservbyname", '"gopher"', '"tcp"')
        check(sv["ret"] == -1 and sv["error_text"], "unknown service: %r" % sv)
        lab.quit()
    finally:
        lab.kill()


def test_byte_order():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        serve(lab)
        _, h = step(lab, "client", "htons", "7777", assign="p")
        check(h["out"]["bytes"] == "1e 61" and h["out"]["value"] == 0x611e, "htons(7777): %r" % h)
        _, h = step(lab, "client", "ntohs", "p")
        check(h["ret"] == 7777 and h["out"]["bytes"] == "61 1e", "ntohs(htons(7777)): %r" % h)
        _, h = step(lab, "client", "htonl", "1234")
        check(h["out"]["bytes"] == "00 00 04 d2", "htonl(1234) bytes: %r" % h)
        step(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
        step(lab, "client", "connect", "c", "127.0.0.1:7777")
        _, acc = step(lab, "server", "accept", "s", assign="conn")
        r, _ = step(lab, "client", "send", "c", "htonl(1234)", "0")
        pk = lab.packets_caused_by(r["call_seq"])
        check(len(pk) == 1 and payload(pk[0]) == b"\x00\x00\x04\xd2", "htonl(1234) on the wire: %r"
              % [payload(p) for p in pk])
        r, _ = step(lab, "client", "send", "c", "int(1234)", "0")
        check(payload(lab.packets_caused_by(r["call_seq"])[0]) == b"\xd2\x04\x00\x00", "int(1234) in host order")
        _, rcv = step(lab, "server", "recv", "conn", "4", "0", assign="n")
        _, v = step(lab, "server", "ntohl", "n")
        check(v["ret"] == 1234, "ntohl of the received bytes: %r" % v)
        # echo: the received bytes go back as they came
        _, rcv = step(lab, "server", "recv", "conn", "64", "0", assign="m")
        r, _ = step(lab, "server", "send", "conn", "m", "0")
        pk = lab.packets_caused_by(r["call_seq"])
        check(len(pk) == 1 and payload(pk[0]) == b"\xd2\x04\x00\x00", "echo of a recv variable: %r"
              % [payload(p) for p in pk])
        r = lab.call("server", "send", "conn", "s", "0")
        check(r["reply"] == "error" and "not bytes" in r["message"], "a number is not data: %r" % r)
        lab.quit()
    finally:
        lab.kill()


def test_big_send():
    lab = nobody_lab()
    try:
        lab.actor("server")
        lab.actor("client")
        serve(lab)
        step(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
        # A fixed send buffer: without it, the kernel grows the buffer until 200000 bytes fit.
        step(lab, "client", "setsockopt", "c", "SOL_SOCKET", "SO_SNDBUF", "16384")
        step(lab, "client", "connect", "c", "127.0.0.1:7777")
        step(lab, "server", "accept", "s", assign="conn")
        # the receiver never reads: the send fills the queues and waits
        r, _ = step(lab, "client", "send", "c", '"x" * 200000', "0", status="blocked")
        ok(lab.settle(300), "settle")
        lab.pump(0.2)
        check(lab.return_of(r["call_seq"]) is None, "the send still waits")
        wire = sum(p["pkt"]["len"] for p in lab.packets_caused_by(r["call_seq"]))
        est = [e for e in lab.of_type("state") if e["state"] == "ESTAB" and e["actor"] == "client"]
        srv = [e for e in lab.of_type("state") if e["state"] == "ESTAB" and e["actor"] == "server"]
        check(est and srv, "both ends reported")
        cli, srv = est[-1], srv[-1]
        print("on the wire %d, server recv_q %d rcvbuf %d, client send_q %d sndbuf %d"
              % (wire, srv["recv_q"], srv["rcvbuf"], cli["send_q"], cli["sndbuf"]))
        check(srv["recv_q"] > 10000 and wire >= srv["recv_q"],
              "the segments on the wire wait in the server's receive queue: %d, %d" % (wire, srv["recv_q"]))
        check(cli["send_q"] > 0 and srv["recv_q"] + cli["send_q"] < 200000,
              "the rest fills the client's send queue and the call waits: %r" % cli)
        check(isinstance(cli["sndbuf"], int) and cli["sndbuf"] > 0 and srv["rcvbuf"] > 0,
              "rcvbuf/sndbuf in the state events")
        # a non-blocking send returns the short count, as the kernel does
        step(lab, "server", "fcntl", "conn", "F_SETFL", "O_NONBLOCK")
        _, short = step(lab, "server", "send", "conn", '"y" * 8000000', "0")
        check(0 < short["ret"] < 8000000, "a non-blocking big send returns a short count: %r" % short["ret"])
        r = lab.call("client", "send", "c", '"x" * 20000000', "0")
        check(r["reply"] == "error", "more than 16 MiB is refused")
        lab.quit()
    finally:
        lab.kill()


TESTS = {name[5:].replace("_", "-"): fn for name, fn in globals().items() if name.startswith("test_")}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        sys.exit("usage: test-lab.py {%s}" % ",".join(TESTS))
    rc = TESTS[sys.argv[1]]()
    sys.exit(rc or 0)
