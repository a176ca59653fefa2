#!/usr/bin/env python3
"""sockscope-cli trace on two hosts across the wire (--hosts, --wire, --run "a: CMD"), end to end
as an unprivileged user (uid 65534 when the tests run as root): TP09's server on host a and its
client on host b reaching it by name, a lost SYN sent again after a second, forks and threads on
their parent's host, and the command line's errors.  Usage: test_hosts.py NAME (see TESTS)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from test_trace import CLI, EXAMPLES, NOBODY, PROGRAMS, calls, check, check_tcp_causes, packets, ret, states, trace  # noqa: E402

TP09 = os.path.join(EXAMPLES, "python")
SERVER = "a: python3 tp09_server.py 0.0.0.0"
CLIENT = "b: python3 tp09_client.py alice"


def actor_hosts(ev):
    return {e["actor"]: e.get("host") for e in ev if e["type"] == "actor"}


def test_tp09():
    """Server on alice (192.0.2.1), client on bob (192.0.2.2) connecting to 'alice'."""
    status, ev, err = trace("--hosts", "--run", SERVER, "--run", CLIENT, cwd=TP09)
    check(status == 0, "trace ends with 0: %s" % err)
    check(actor_hosts(ev) == {"python3": "a", "python3-2": "b"}, "the server on a, the client on b: %r" % actor_hosts(ev))
    for name in ("socket", "bind", "listen", "accept4", "sendto", "recvfrom", "close"):
        check(calls(ev, "python3", name), "the server's %s is traced" % name)
    for name in ("socket", "connect", "recvfrom", "sendto", "close"):
        check(calls(ev, "python3-2", name), "the client's %s is traced" % name)
    conn = [c for c in calls(ev, "python3-2", "connect") if c["args"][1] == "192.0.2.1:65432"]
    check(len(conn) == 1, "the client connects to alice's address, 192.0.2.1:65432: %r"
          % [c["text"] for c in calls(ev, "python3-2", "connect")])
    check(ret(ev, conn[0])["ret"] == 0, "connect succeeds")
    syn = [p for p in packets(ev) if p["pkt"]["flags"] == "S"]
    check(len(syn) == 1, "one SYN")
    syn = syn[0]
    check(syn["pkt"]["src"] == "192.0.2.2" and syn["pkt"]["dst"] == "192.0.2.1", "the SYN goes from bob to alice: %r" % syn["pkt"])
    check(syn["wire"] == "b>a", "the SYN crossed the wire from b to a: %r" % syn.get("wire"))
    check(syn["cause"] == conn[0]["seq"], "the SYN is caused by the client's connect")
    check(all(p.get("wire") in ("a>b", "b>a") for p in packets(ev)),
          "every packet crossed the wire (none on a host's lo): %r" % [(p["n"], p.get("wire"), p.get("host")) for p in packets(ev)])
    check({p["wire"] for p in packets(ev)} == {"a>b", "b>a"}, "packets in both directions")
    acc = ret(ev, calls(ev, "python3", "accept4")[0])
    check(acc["out"]["addr"] == "192.0.2.2:%d" % syn["pkt"]["sport"], "accept's peer is bob's address: %r" % acc["out"])
    check_tcp_causes(ev, "python3-2", "python3")
    data = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "python3", "recvfrom"))
    check("au revoir, à bientôt" in data, "the client's messages arrive intact: %r" % data)
    check([s for s in states(ev, "LISTEN") if s["local"] == "*:65432" and s["holders"] == ["python3"]],
          "the server's LISTEN state on 0.0.0.0, held by python3: %r" % states(ev, "LISTEN"))
    check(states(ev, "TIME-WAIT"), "a TIME-WAIT after the close")
    exits = {e["actor"]: e["status"] for e in ev if e["type"] == "exit"}
    check(exits == {"python3": 0, "python3-2": 0}, "both exit with 0: %r" % exits)


def test_loss():
    """A 10 % loss, seeded (seed 2 loses three frames of this exchange here; seed 3 none): TCP
    still delivers everything, the drops are wire events naming their packet, and the same seed
    drops the same packets again."""
    runs = []
    for _ in range(2):
        status, ev, err = trace("--hosts=alice,bob", "--wire", "loss=10%,seed=2", "--run", SERVER, "--run", CLIENT, cwd=TP09)
        check(status == 0, "trace ends with 0: %s" % err)
        sets = [e for e in ev if e["type"] == "wire" and e["action"] == "set"]
        check(sets and sets[0]["spec"] == "loss=10%,seed=2" and sets[0]["seq"] < min(p["seq"] for p in packets(ev)),
              "the wire's rules are logged before the first packet: %r" % sets)
        data = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "python3", "recvfrom"))
        check("nous sommes donc" in data and "au revoir" in data, "TCP delivers both messages despite the loss: %r" % data)
        by_seq = {p["seq"]: p for p in packets(ev)}
        drops = [e for e in ev if e["type"] == "wire" and e["action"] == "drop"]
        for d in drops:
            check(d["packet"] in by_seq and d["rule"].startswith("loss"), "a drop names its packet and rule: %r" % d)
        check(drops, "the wire lost at least one frame")
        retrans = [p for p in packets(ev) if p.get("analysis") == "retransmission"]
        check(retrans, "a lost segment is sent again: %r" % [p["pkt"]["summary"] for p in packets(ev)])
        # The seed replays the same decision for the nth frame of each direction; which segment is
        # the nth can differ (after a lost SYN-ACK, the server's and the client's 1-s timers race).
        dropped = {d["packet"] for d in drops}
        runs.append({w: [i for i, p in enumerate(p for p in packets(ev) if p["wire"] == w) if p["seq"] in dropped]
                     for w in ("a>b", "b>a")})
        print("dropped:", [(by_seq[d["packet"]]["wire"], by_seq[d["packet"]]["pkt"]["flags"], by_seq[d["packet"]]["pkt"]["len"]) for d in drops],
              "frames of each direction:", runs[-1])
    check(runs[0] == runs[1], "the seed replays the same drops (the same frames of each direction): %r" % runs)


def test_drop_syn():
    """drop=syn: the SYN is lost on the wire, the kernel sends it again after 1 s, connect blocks that long."""
    status, ev, err = trace("--hosts", "--wire", "drop=syn", "--run", SERVER, "--run", CLIENT, cwd=TP09)
    check(status == 0, "trace ends with 0: %s" % err)
    syns = [p for p in packets(ev) if p["pkt"]["flags"] == "S"]
    check(len(syns) == 2, "two SYNs, the first lost: %d" % len(syns))
    drops = [e for e in ev if e["type"] == "wire" and e["action"] == "drop"]
    check(len(drops) == 1 and drops[0]["packet"] == syns[0]["seq"] and drops[0]["rule"] == "drop=syn",
          "one drop, the first SYN's, by rule drop=syn: %r" % drops)
    check(all(s["from"] == "python3-2" and s["to"] == "python3" and s["wire"] == "b>a" for s in syns),
          "both SYNs go from the client's actor (b) to the server's (a)")
    check(syns[1].get("analysis") == "retransmission" and syns[1].get("analysis_of") == syns[0]["n"],
          "the second SYN is the first one's retransmission: %r" % ((syns[1].get("analysis"), syns[1].get("analysis_of")),))
    gap = (syns[1]["t_ns"] - syns[0]["t_ns"]) / 1e9
    check(0.9 <= gap <= 1.5, "the SYN comes again after about 1 s: %.3f s" % gap)
    conn = [c for c in calls(ev, "python3-2", "connect") if c["args"][1] == "192.0.2.1:65432"][0]
    check([e for e in ev if e["type"] == "blocked" and e["call_seq"] == conn["seq"]], "connect is reported blocked")
    r = ret(ev, conn)
    waited = (r["t_ns"] - conn["t_ns"]) / 1e9
    check(r["ret"] == 0 and 0.9 <= waited <= 2.0, "connect returns 0 after about 1 s: %.3f s" % waited)
    print("SYN again after %.3f s, connect blocked %.3f s" % (gap, waited))


def test_fork_threads():
    """Two programs on host a talking over its own lo: the thread and the forked child are on a too."""
    status, ev, err = trace("--hosts", "--run", "a: python3 fork_server.py", "--run", "a: python3 client.py 7777", cwd=PROGRAMS)
    check(status == 0, "trace ends with 0: %s" % err)
    hosts = actor_hosts(ev)
    check(len(hosts) == 4 and set(hosts.values()) == {"a"}, "the programs, the thread and the child are all on host a: %r" % hosts)
    check(packets(ev) and all(p.get("host") == "a" and "wire" not in p for p in packets(ev)),
          "127.0.0.1 stays inside host a: its packets are on a's lo, none on the wire")
    child = [e["actor"] for e in ev if e["type"] == "actor" and not e["thread"] and e["parent"] == "python3"]
    check(child and calls(ev, child[0], "sendto"), "the child serves the client")


def test_step():
    """--step across the wire: every call held, let go one at a time, the run still completes."""
    status, ev, err = trace("--step", "--run", SERVER, "--run", CLIENT, cwd=TP09)
    check(status == 0, "trace ends with 0: %s" % err)
    held = [e for e in ev if e["type"] == "call" and e.get("held")]
    check({e["actor"] for e in held} == {"python3", "python3-2"}, "both programs' calls are held")
    check(actor_hosts(ev) == {"python3": "a", "python3-2": "b"}, "on their hosts: %r" % actor_hosts(ev))
    data = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "python3", "recvfrom"))
    check("au revoir" in data, "the messages cross the wire: %r" % data)


def test_refused():
    """The client left at its default, 127.0.0.1, on the other host: refused, and one note says why."""
    status, ev, err = trace("--run", SERVER, "--run", "b: python3 tp09_client.py", cwd=TP09)
    check(status == 0, "trace ends with 0: %s" % err)
    conn = [c for c in calls(ev, "python3-2", "connect") if c["args"][1] == "127.0.0.1:65432"]
    check(conn and ret(ev, conn[0])["errno"] == "ECONNREFUSED", "connect to 127.0.0.1 on host b is refused")
    rst = [p for p in packets(ev) if "R" in p["pkt"]["flags"]]
    check(rst and all(p.get("host") == "b" and "wire" not in p for p in packets(ev)),
          "the SYN and its RST stay on host b's lo: %r" % [(p.get("host"), p.get("wire")) for p in packets(ev)])
    notes = [e for e in ev if e["type"] == "note" and "ECONNREFUSED" in e["text"]]
    check(len(notes) == 1 and "stay inside each host" in notes[0]["text"] and "alice" in notes[0]["text"],
          "one note explains it: %r" % notes)
    exits = {e["actor"]: e for e in ev if e["type"] == "exit"}
    check(set(exits) == {"python3", "python3-2"}, "the client fails, the waiting server is stopped: %r" % exits)


def test_text():
    """The ladder: each host's name and address above its program's column."""
    p = subprocess.run(list(NOBODY) + [CLI, "trace", "--hosts=paris,lyon", "--run", "paris: python3 tp09_server.py 0.0.0.0",
                                       "--run", "lyon: python3 tp09_client.py paris"],
                       cwd=TP09, capture_output=True, timeout=60, env=dict(os.environ, LANGUAGE="en"))
    out = p.stdout.decode()
    check(p.returncode == 0, "trace ends with 0: %s" % p.stderr.decode())
    heads = [line for line in out.splitlines() if "paris · 192.0.2.1" in line and "lyon · 192.0.2.2" in line]
    check(heads and heads[0].index("paris") < heads[0].index("lyon"), "the hosts' names head their columns:\n%s" % out)
    for line in ("connect(3, 192.0.2.1:65432)", "SYN seq=0", "python3-2: exited, status 0"):
        check(line in out, "the text has %r:\n%s" % (line, out))


def test_session_names():
    """trace --hosts=paris,tokyo --session: the session keeps the names (each actor event's
    host_name), so replay's events and its ladder say paris and tokyo, not alice and bob; a session
    recorded before the lab logged them still reads, with alice and bob."""
    tmp = tempfile.mkdtemp(prefix="sockscope-hosts-session-")
    os.chmod(tmp, 0o777)
    session = os.path.join(tmp, "paris-tokyo.sockscope")
    try:
        status, ev, err = trace("--hosts=paris,tokyo", "--session", session, "--run", "paris: python3 tp09_server.py 0.0.0.0",
                                "--run", "tokyo: python3 tp09_client.py paris", cwd=TP09)
        check(status == 0, "trace ends with 0: %s" % err)
        names = {e["actor"]: (e.get("host"), e.get("host_name")) for e in ev if e["type"] == "actor"}
        check(names == {"python3": ("a", "paris"), "python3-2": ("b", "tokyo")}, "each actor names its host: %r" % names)
        p = subprocess.run([CLI, "replay", "--json", session], capture_output=True, timeout=60)
        check(p.returncode == 0, "replay reads the session: %s" % p.stderr.decode())
        replayed = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
        check({e["actor"]: e.get("host_name") for e in replayed if e["type"] == "actor"} == {"python3": "paris", "python3-2": "tokyo"},
              "the session keeps the hosts' names")
        for command in (["replay", session],):
            p = subprocess.run([CLI] + command, capture_output=True, timeout=60, env=dict(os.environ, LANGUAGE="en"))
            out = p.stdout.decode()
            check(p.returncode == 0, "%s reads the session: %s" % (command[0], p.stderr.decode()))
            heads = [line for line in out.splitlines() if "paris · 192.0.2.1" in line and "tokyo · 192.0.2.2" in line]
            check(heads and heads[0].index("paris") < heads[0].index("tokyo"), "%s's ladder heads the columns with paris and tokyo:\n%s" % (command[0], out))
            check("alice" not in out and "bob" not in out, "%s's ladder never says alice or bob:\n%s" % (command[0], out))
        # an older session: no host_name
        old = os.path.join(tmp, "older.sockscope")
        with open(session) as f, open(old, "w") as o:
            for line in f:
                o.write(line.replace(',"host_name":"paris"', "").replace(',"host_name":"tokyo"', ""))
        p = subprocess.run([CLI, "replay", old], capture_output=True, timeout=60, env=dict(os.environ, LANGUAGE="en"))
        out = p.stdout.decode()
        check(p.returncode == 0 and "host_name" not in open(old).read(), "an older session reads: %s" % p.stderr.decode())
        check([line for line in out.splitlines() if "alice · 192.0.2.1" in line and "bob · 192.0.2.2" in line],
              "an older session's ladder says alice and bob:\n%s" % out)
    finally:
        shutil.rmtree(tmp)


def cli_error(*args):
    p = subprocess.run(list(NOBODY) + [CLI, "trace"] + list(args), cwd=TP09, capture_output=True, timeout=20,
                       env=dict(os.environ, LANGUAGE="en"))
    err = p.stderr.decode()
    check(p.returncode == 2, "exit status 2 for %r: %d %s" % (args, p.returncode, err))
    check(len(err.strip().splitlines()) == 1 and p.stdout == b"", "one line, nothing run: %r" % err)
    return err


def test_errors():
    err = cli_error("--wire", "loss=10%", "--run", "python3 tp09_server.py", "--run", "python3 tp09_client.py")
    check("--wire" in err and "one host" in err and "a: " in err, "--wire without hosts says there is no wire and how to get one: %r" % err)
    err = cli_error("--hosts", "--run", "python3 tp09_server.py")
    check("each program names its host" in err, "--hosts with a program on no host: %r" % err)
    err = cli_error("--wire", "loss=120%", "--run", SERVER)
    check("loss=120%" in err, "a bad rule is named: %r" % err)
    err = cli_error("--hosts=alice", "--run", SERVER)
    check("two different names" in err, "--hosts takes two names: %r" % err)


TESTS = {"tp09": test_tp09, "loss": test_loss, "drop-syn": test_drop_syn, "fork-threads": test_fork_threads,
         "step": test_step, "refused": test_refused, "text": test_text, "errors": test_errors,
         "session-names": test_session_names}

if __name__ == "__main__":
    TESTS[sys.argv[1]]()
    print("ok", sys.argv[1])
