#!/usr/bin/env python3
"""Two hosts and the wire, through the lab protocol: python3 test-wire.py NAME.

Each test drives sockscope-lab as a front end does (docs/LAB-PROTOCOL.md: `hosts`, `actor` with
`host`, `wire`), as uid 65534 when run as root, and checks what a learner would see in the log
(docs/EVENT-LOG.md: packet `wire`/`host`, `wire` events). Exit 0: pass, 77: skipped, else fail.
"""
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
from labclient import LAB, Lab  # noqa: E402

SKIP = 77
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") if os.getuid() == 0 else ()


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def ok(reply, what):
    check(reply.get("reply") in ("ok", "done"), "%s: %r" % (what, reply))
    return reply


def two_hosts(a="alice", b="bob"):
    lab = Lab(prefix=NOBODY)
    if lab.fatal:
        raise AssertionError("the lab did not start: %r" % lab.fatal)
    ok(lab.command("hosts", a=a, b=b), "hosts")
    return lab


def wire(lab, spec, step=None):
    return ok(lab.command("wire", spec=spec, step=step), "wire " + spec)


def call(lab, actor, name, *args, assign=None, status=None):
    r = ok(lab.call(actor, name, *args, assign=assign), "%s: %s" % (actor, name))
    if status is not None:
        check(r["status"] == status, "%s %s: %s expected, got %r" % (actor, name, status, r))
    return r


def wait_return(lab, call_seq, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = lab.return_of(call_seq)
        if r is not None:
            return r
        lab.pump(0.05)
    raise AssertionError("call %d never returned" % call_seq)


def packets(lab, wire_dir=None):
    return [e for e in lab.of_type("packet") if wire_dir is None or e.get("wire") == wire_dir]


def decisions(lab, action=None):
    return [e for e in lab.of_type("wire") if e["action"] != "set" and (action is None or e["action"] == action)]


def udp_pair(lab, port=7777):
    lab.actor("server", host="b")
    lab.actor("client", host="a")
    call(lab, "server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s")
    call(lab, "server", "bind", "s", "*:%d" % port)
    call(lab, "client", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="c")


# ---- the hosts ----

def test_udp_ping_pong():
    lab = two_hosts()
    try:
        udp_pair(lab)
        ping = call(lab, "client", "sendto", "c", '"ping"', "0", "192.0.2.2:7777")
        got = call(lab, "server", "recvfrom", "s", "100", "0", status="returned")
        rf = lab.return_of(got["call_seq"])
        check(rf["out"]["data"] == "ping", "bob received ping: %r" % rf["out"])
        check(rf["out"]["addr"].startswith("192.0.2.1:"), "from alice's address: %r" % rf["out"]["addr"])
        pong = call(lab, "server", "sendto", "s", '"pong"', "0", rf["out"]["addr"])
        back = call(lab, "client", "recvfrom", "c", "100", "0", status="returned")
        check(lab.return_of(back["call_seq"])["out"]["addr"] == "192.0.2.2:7777", "pong came from bob")
        ok(lab.settle(200), "settle")
        actors = {e["actor"]: e.get("host") for e in lab.of_type("actor")}
        check(actors == {"server": "b", "client": "a"}, "actor events name their host: %r" % actors)
        pk = packets(lab)
        check(len(pk) == 2, "two datagrams, both on the wire: %r" % [(p.get("wire"), p.get("host")) for p in pk])
        a2b, b2a = pk
        check(a2b.get("wire") == "a>b" and "host" not in a2b, "ping crosses a>b: %r" % a2b.get("wire"))
        check(b2a.get("wire") == "b>a", "pong crosses b>a")
        check((a2b["from"], a2b["to"], a2b["cause"]) == ("client", "server", ping["call_seq"]),
              "ping: client -> server, caused by its sendto: %r" % ((a2b["from"], a2b["to"], a2b["cause"]),))
        check((b2a["from"], b2a["to"], b2a["cause"]) == ("server", "client", pong["call_seq"]),
              "pong: server -> client: %r" % ((b2a["from"], b2a["to"], b2a["cause"]),))
        check(a2b["pkt"]["src"] == "192.0.2.1" and a2b["pkt"]["dst"] == "192.0.2.2",
              "the hosts' addresses: %r" % a2b["pkt"])
        check(not decisions(lab), "a perfect wire decides nothing: %r" % decisions(lab))
        states = {(s["actor"], s.get("host")) for s in lab.of_type("state") if s["proto"] == "udp"}
        check(states == {("server", "b"), ("client", "a")}, "each socket's state names its host: %r" % states)
        lab.quit()
    finally:
        lab.kill()


def tcp_connect(lab, port=80):
    lab.actor("server", host="b")
    lab.actor("client", host="a")
    call(lab, "server", "socket", "AF_INET", "SOCK_STREAM", "0", assign="s")
    call(lab, "server", "bind", "s", "*:%d" % port)
    call(lab, "server", "listen", "s", "5")
    acc = call(lab, "server", "accept", "s", assign="c")
    call(lab, "client", "socket", "AF_INET", "SOCK_STREAM", "0", assign="c")
    return acc


def test_tcp_ping_pong():
    lab = two_hosts()
    try:
        acc = tcp_connect(lab)
        con = call(lab, "client", "connect", "c", "192.0.2.2:80")
        wait_return(lab, con["call_seq"])
        wait_return(lab, acc["call_seq"])
        call(lab, "client", "send", "c", '"hello"', "0")
        call(lab, "server", "recv", "c", "100", "0", status="returned")
        call(lab, "server", "send", "c", '"world"', "0")
        call(lab, "client", "recv", "c", "100", "0", status="returned")
        call(lab, "client", "close", "c")
        call(lab, "server", "close", "c")
        ok(lab.settle(300), "settle")
        pk = packets(lab)
        check(len(pk) >= 7, "handshake, data, ACKs, FINs: %d packets" % len(pk))
        for p in pk:
            d = p.get("wire")
            check(d in ("a>b", "b>a"), "every segment crosses the wire: %r" % p.get("host"))
            want = ("client", "server") if d == "a>b" else ("server", "client")
            check((p["from"], p["to"]) == want, "packet %d (%s, %s): from/to %r, want %r"
                  % (p["n"], d, p["pkt"].get("flags"), (p["from"], p["to"]), want))
        check(pk[0]["pkt"]["flags"] == "S" and pk[0]["cause"] == con["call_seq"], "the SYN is connect's")
        est = {(s["actor"], s.get("host")) for s in lab.of_type("state") if s["state"] == "ESTAB"}
        check(("client", "a") in est and ("server", "b") in est, "ESTAB on both hosts: %r" % est)
        lab.quit()
    finally:
        lab.kill()


def test_ipv6():
    """The hosts' IPv6 addresses cross the wire too, with the same ends."""
    lab = two_hosts()
    try:
        lab.actor("server", host="b")
        lab.actor("client", host="a")
        call(lab, "server", "socket", "AF_INET6", "SOCK_STREAM", "0", assign="s")
        call(lab, "server", "bind", "s", "[::]:8080")
        call(lab, "server", "listen", "s", "5")
        acc = call(lab, "server", "accept", "s", assign="c")
        call(lab, "client", "socket", "AF_INET6", "SOCK_STREAM", "0", assign="c")
        wire(lab, "dir=a>b,drop=syn")
        con = call(lab, "client", "connect", "c", "[2001:db8::2]:8080")
        wait_return(lab, con["call_seq"], timeout=6)
        wait_return(lab, acc["call_seq"])
        ok(lab.settle(200), "settle")
        pk = packets(lab)
        check(pk and all(p["pkt"]["src"] in ("2001:db8::1", "2001:db8::2") for p in pk), "IPv6 on the wire")
        for p in pk:
            want = ("client", "server") if p["wire"] == "a>b" else ("server", "client")
            check((p["from"], p["to"]) == want, "packet %d %s: %r" % (p["n"], p["pkt"]["flags"], (p["from"], p["to"])))
        syns = [p for p in pk if p["pkt"]["flags"] == "S"]
        check(len(syns) == 2 and syns[1].get("analysis") == "retransmission", "the lost SYN is sent again: %r"
              % [(p["pkt"]["flags"], p.get("analysis")) for p in pk])
        check(syns[1]["t_ns"] - syns[0]["t_ns"] >= 0.9e9, "after about a second")
        lab.quit()
    finally:
        lab.kill()


def test_host_loopback():
    """localhost stays inside a host: two actors on host a talk over a's lo, not the wire."""
    lab = two_hosts()
    try:
        lab.actor("server", host="a")
        lab.actor("client", host="a")
        lab.actor("other", host="b")
        call(lab, "server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s")
        call(lab, "server", "bind", "s", "127.0.0.1:5000")
        # the same port on b's lo: another host, another socket
        call(lab, "other", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s")
        call(lab, "other", "bind", "s", "127.0.0.1:5000")
        call(lab, "client", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="c")
        call(lab, "client", "sendto", "c", '"hi"', "0", "127.0.0.1:5000")
        r = call(lab, "server", "recvfrom", "s", "100", "0", status="returned")
        check(lab.return_of(r["call_seq"])["out"]["data"] == "hi", "a's server got it")
        r = call(lab, "other", "recvfrom", "s", "100", "MSG_DONTWAIT")
        check(lab.return_of(r["call_seq"])["errno"] == "EAGAIN", "b's socket on the same port got nothing")
        ok(lab.settle(200), "settle")
        pk = packets(lab)
        check(len(pk) == 1 and pk[0].get("host") == "a" and "wire" not in pk[0], "one frame on a's lo: %r"
              % [(p.get("host"), p.get("wire")) for p in pk])
        check((pk[0]["from"], pk[0]["to"]) == ("client", "server"), "client -> server on a, not b's 'other': %r"
              % ((pk[0]["from"], pk[0]["to"]),))
        lab.quit()
    finally:
        lab.kill()


def test_names():
    """The lab's /etc/hosts names the hosts with the lesson's names."""
    lab = two_hosts(a="pc1", b="pc2")
    try:
        lab.actor("client", host="a")
        r = call(lab, "client", "gethostbyname", '"pc2"')
        out = lab.return_of(r["call_seq"])
        check("192.0.2.2" in json.dumps(out), "pc2 is 192.0.2.2: %r" % out)
        r = call(lab, "client", "getaddrinfo", '"pc1"', '"80"')
        out = json.dumps(lab.return_of(r["call_seq"]))
        check("192.0.2.1" in out and "2001:db8::1" in out, "pc1 has both addresses: %s" % out)
        lab.quit()
    finally:
        lab.kill()


# ---- the wire ----

def send_n(lab, n, port=7777, start=0):
    seqs = []
    for i in range(start, start + n):
        seqs.append(call(lab, "client", "sendto", "c", '"d%d"' % i, "0", "192.0.2.2:%d" % port)["call_seq"])
    return seqs


def drain(lab, sock="s"):
    got = []
    while True:
        r = call(lab, "server", "recvfrom", sock, "100", "MSG_DONTWAIT")
        ret = lab.return_of(r["call_seq"])
        if ret["ret"] < 0:
            check(ret["errno"] == "EAGAIN", "nothing more: EAGAIN, not %r" % ret["errno"])
            return got
        got.append(ret["out"]["data"])


def test_loss_all():
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, "loss=100%", step=4)
        sends = send_n(lab, 10)
        ok(lab.settle(200), "settle")
        check(drain(lab) == [], "loss=100%: nothing arrives")
        pk = packets(lab, "a>b")
        check(len(pk) == 10, "every datagram is still a packet event (shown as sent): %d" % len(pk))
        drops = decisions(lab, "drop")
        check([d["packet"] for d in drops] == [p["seq"] for p in pk], "one drop per datagram, naming it")
        for d, p in zip(drops, pk):
            check(d["seq"] > p["seq"] and d["n"] == p["n"] and d["dir"] == "a>b" and d["rule"] == "loss=100%"
                  and "delay_ns" not in d, "drop event: %r" % d)
        check(sorted(p["cause"] for p in pk) == sends, "each caused by its sendto")
        sets = [e for e in lab.of_type("wire") if e["action"] == "set"]
        check(len(sets) == 1 and sets[0]["spec"] == "loss=100%" and sets[0]["step"] == 4, "the set event: %r" % sets)
        lab.quit()
    finally:
        lab.kill()


def dropped_under(spec, n=60):
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, spec)
        lab.command("burst", actor="client", fd_var="c", count=n, size=16, addr="192.0.2.2:7777")
        ok(lab.settle(300), "settle")
        pk = packets(lab, "a>b")
        check(len(pk) == n, "%d datagrams on the wire, %d seen" % (n, len(pk)))
        lost = [d["n"] for d in decisions(lab, "drop")]
        lab.quit()
        return lost
    finally:
        lab.kill()


def test_seed_replays():
    first = dropped_under("loss=30%,seed=7")
    second = dropped_under("loss=30%,seed=7")
    other = dropped_under("loss=30%,seed=8")
    check(5 <= len(first) <= 40, "about 30%% of 60 lost: %d" % len(first))
    check(first == second, "seed=7 drops the same datagrams twice: %r vs %r" % (first, second))
    check(first != other, "seed=8 drops others: %r" % other)


def test_drop_rules():
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, "drop=next:2")
        send_n(lab, 4)
        wire(lab, "drop=every:3")
        send_n(lab, 6, start=4)
        ok(lab.settle(200), "settle")
        got = drain(lab)
        check(got == ["d2", "d3", "d4", "d5", "d7", "d8"], "next:2 then every 3rd lost: %r" % got)
        rules = [d["rule"] for d in decisions(lab, "drop")]
        check(rules == ["drop=next:2", "drop=next:2", "drop=every:3", "drop=every:3"], "rules named: %r" % rules)
        lab.quit()
    finally:
        lab.kill()


def test_drop_syn_ack():
    lab = two_hosts()
    try:
        acc = tcp_connect(lab)
        wire(lab, "dir=b>a,drop=syn-ack")
        t0 = time.monotonic()
        con = call(lab, "client", "connect", "c", "192.0.2.2:80")
        check(con["status"] == "blocked", "connect waits for the SYN-ACK that was lost")
        wait_return(lab, con["call_seq"], timeout=6)
        took = time.monotonic() - t0
        wait_return(lab, acc["call_seq"])
        ok(lab.settle(300), "settle")
        check(took >= 0.9, "the connection waited for a retransmission (~1 s): %.2f s" % took)
        synacks = [p for p in packets(lab, "b>a") if p["pkt"].get("flags") == "S."]
        check(len(synacks) >= 2, "the SYN-ACK is sent again: %d" % len(synacks))
        drops = decisions(lab, "drop")
        check(len(drops) == 1 and drops[0]["packet"] == synacks[0]["seq"] and drops[0]["rule"] == "drop=syn-ack",
              "the first SYN-ACK dropped: %r" % drops)
        check(all((p["from"], p["to"]) == ("server", "client") for p in synacks), "SYN-ACKs server -> client")
        named = [p for p in packets(lab) if p.get("analysis") in ("retransmission", "spurious_retransmission")]
        check(named, "a retransmission is named: %r" % [(p["pkt"].get("flags"), p.get("analysis")) for p in packets(lab)])
        lab.quit()
    finally:
        lab.kill()


def test_delay():
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, "dir=a>b,delay=100ms")
        call(lab, "client", "sendto", "c", '"slow"', "0", "192.0.2.2:7777")
        check(len(decisions(lab, "delay")) == 1, "sendto's step settles once its datagram has left the wire")
        r = call(lab, "server", "recvfrom", "s", "100", "0")
        wait_return(lab, r["call_seq"])
        ok(lab.settle(200), "settle")
        d = decisions(lab, "delay")
        check(len(d) == 1 and d[0]["rule"] == "delay=100ms", "one delay: %r" % d)
        check(100e6 <= d[0]["delay_ns"] < 180e6, "delay_ns about 100 ms: %r" % d[0]["delay_ns"])
        pk = packets(lab, "a>b")[0]
        ret = lab.return_of(r["call_seq"])
        check(ret["t_end_ns"] - pk["t_ns"] >= 100e6, "recvfrom returned 100 ms after the datagram left")
        lab.quit()
    finally:
        lab.kill()


def test_duplicate_reorder():
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, "dup=next")
        send_n(lab, 1)
        wire(lab, "reorder=next")
        send_n(lab, 2, start=1)
        ok(lab.settle(200), "settle")
        got = drain(lab)
        check(got == ["d0", "d0", "d2", "d1"], "d0 twice, d1 after d2: %r" % got)
        dup = decisions(lab, "duplicate")
        pk = packets(lab, "a>b")
        check(len(dup) == 1 and dup[0]["packet"] == pk[0]["seq"] and "delay_ns" in dup[0], "the copy: %r" % dup)
        ro = decisions(lab, "reorder")
        check(len(ro) == 1 and ro[0]["packet"] == pk[1]["seq"] and ro[0]["behind"] == pk[2]["seq"],
              "d1 held behind d2: %r" % ro)
        lab.quit()
    finally:
        lab.kill()


def test_mtu():
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, "mtu=1280")
        send = call(lab, "client", "sendto", "c", '"%s"' % ("x" * 3000), "0", "192.0.2.2:7777")
        r = call(lab, "server", "recvfrom", "s", "4000", "0")
        wait_return(lab, r["call_seq"])
        ok(lab.settle(200), "settle")
        check(lab.return_of(r["call_seq"])["ret"] == 3000, "3000 bytes reassembled")
        pk = packets(lab, "a>b")
        check(len(pk) == 3 and all(p["origlen"] <= 1280 + 14 for p in pk), "three fragments of at most 1280 bytes: %r"
              % [p["origlen"] for p in pk])
        check(all((p["from"], p["to"], p["cause"]) == ("client", "server", send["call_seq"]) for p in pk),
              "every fragment is the sendto's, client -> server: %r" % [(p["from"], p["to"], p["cause"]) for p in pk])
        lab.quit()
    finally:
        lab.kill()


def test_rate():
    lab = two_hosts()
    try:
        udp_pair(lab)
        wire(lab, "dir=a>b,rate=10kB/s")
        # five at once: the wire sends them one after the other at its rate
        ok(lab.command("burst", actor="client", fd_var="c", count=5, size=972, addr="192.0.2.2:7777"), "burst")
        deadline = time.monotonic() + 3
        while len(decisions(lab, "delay")) < 5 and time.monotonic() < deadline:
            lab.pump(0.05)
        ok(lab.settle(200), "settle")
        d = decisions(lab, "delay")
        check(len(d) == 5 and all(x["rule"] == "rate=10kB/s" for x in d), "five frames paced: %r" % d)
        # 1014-byte frames at 10,000 B/s: ~0.1 s each, one after the other
        check(d[-1]["delay_ns"] >= 0.35e9, "the fifth waited for the four before it: %r" % [x["delay_ns"] for x in d])
        lab.quit()
    finally:
        lab.kill()


def test_bad_specs():
    lab = Lab(prefix=NOBODY)
    try:
        r = lab.command("wire", spec="loss=10%")
        check(r["reply"] == "error" and "hosts command first" in r["message"], "no wire in a one-host lab: %r" % r)
        r = lab.command("actor", name="x", host="a")
        check(r["reply"] == "error" and "hosts" in r["message"], "no host without hosts: %r" % r)
        ok(lab.command("hosts"), "hosts")
        r = lab.command("hosts")
        check(r["reply"] == "error", "hosts once")
        r = lab.command("actor", name="x")
        check(r["reply"] == "error" and "needs a host" in r["message"], "two hosts: an actor names its own: %r" % r)
        cases = {
            "loss=120%": '"loss=120%": a loss is between 0% and 100%',
            "delay=5": '"delay=5": a delay is a time with its unit',
            "foo=1": '"foo=1": unknown word "foo"',
            "drop=sometimes": '"drop=sometimes": drop is next',
            "mtu=100": '"mtu=100": an MTU is a number of bytes from 1280 to 1500',
            "rate=fast": '"rate=fast": a rate is a number with its unit',
            "dir=up": '"dir=up": dir is a>b, b>a or both',
            "loss=5%,,delay=1ms": "an empty word",
        }
        n = len(lab.events)
        for spec, message in cases.items():
            r = lab.command("wire", spec=spec)
            check(r["reply"] == "error" and r["message"].startswith(message if message[0] == '"' else '"' + spec)
                  and message in r["message"] and "\n" not in r["message"],
                  "%s: one clear message, got %r" % (spec, r.get("message")))
        lab.pump(0.05)
        check(len(lab.events) == n, "a refused spec adds nothing to the log")
        lab.quit()
    finally:
        lab.kill()


FRONT_END = r"""
import sys, time
sys.path.insert(0, %(labdir)r)
from labclient import Lab
lab = Lab(prefix=%(prefix)r, lab=%(lab)r)
lab.command("hosts")
lab.actor("server", host="b")
lab.actor("client", host="a")
lab.call("server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s")
lab.call("server", "bind", "s", "*:7777")
lab.call("client", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="c")
lab.command("wire", spec="delay=2s")
lab.sock.sendall(b'{"cmd":"burst","id":99,"actor":"client","fd_var":"c","count":500,"size":100,"addr":"192.0.2.2:7777"}\n')
print(lab.ready["pid"], flush=True)
time.sleep(60)
"""


def descendants(pid):
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        q = todo.pop()
        for k in kids.get(q, []):
            out.append(k)
            todo.append(k)
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigkill_front_end():
    src = FRONT_END % {"labdir": os.path.join(HERE, "..", "lab"), "prefix": NOBODY, "lab": LAB}
    fe = subprocess.Popen([sys.executable, "-c", src], stdout=subprocess.PIPE)
    try:
        lab_pid = int(fe.stdout.readline())
        time.sleep(0.5)  # the burst is in the wire's queue, 2 s from delivery
        procs = [fe.pid] + descendants(fe.pid)
        check(len(procs) >= 5, "front end, lab, two actors and the wire: %r" % procs)
        check(lab_pid in procs or any(alive(p) for p in procs), "the lab runs")
        fe.send_signal(signal.SIGKILL)
        fe.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(p) for p in procs):
            time.sleep(0.05)
        left = [p for p in procs if alive(p)]
        check(not left, "no process left after SIGKILL of the front end: %r" % left)
    finally:
        if fe.poll() is None:
            fe.kill()
            fe.wait()


def test_one_host_unchanged():
    """Without `hosts`, a lab is as before: no host, no wire member anywhere."""
    lab = Lab(prefix=NOBODY)
    try:
        lab.actor("server")
        lab.actor("client")
        call(lab, "server", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="s")
        call(lab, "server", "bind", "s", "127.0.0.1:9999")
        call(lab, "client", "socket", "AF_INET", "SOCK_DGRAM", "0", assign="c")
        call(lab, "client", "sendto", "c", '"x"', "0", "127.0.0.1:9999")
        ok(lab.settle(200), "settle")
        for e in lab.events:
            check("host" not in e and "wire" not in e, "no host or wire member: %r" % e)
        check(len(packets(lab)) == 1 and packets(lab)[0]["from"] == "client", "the datagram, as before")
        lab.quit()
    finally:
        lab.kill()


def main():
    if len(sys.argv) != 2:
        print("usage: test-wire.py NAME", file=sys.stderr)
        return 2
    fn = globals().get("test_" + sys.argv[1].replace("-", "_"))
    if fn is None:
        print("no such test: %s" % sys.argv[1], file=sys.stderr)
        return 2
    return fn() or 0


if __name__ == "__main__":
    sys.exit(main())
