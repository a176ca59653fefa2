#!/usr/bin/env python3
"""sockscope-cli trace and the lab's tracer, end to end: the course's examples traced as an
unprivileged user (uid 65534 when the tests run as root), step mode, fork and threads, every
bad input, and SIGKILL of the CLI.  Usage: test_trace.py NAME (see TESTS at the end)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SOCKSCOPE_BUILD_ROOT", os.path.join(SRC, "build"))
CLI = os.path.join(BUILD, "app", "cli", "sockscope-cli")
EXAMPLES = os.path.join(SRC, "examples")
PROGRAMS = os.path.join(SRC, "tests", "trace", "programs")
sys.path.insert(0, os.path.join(SRC, "tests", "lab"))
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") if os.geteuid() == 0 else ()


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def trace(*args, stdin=b"", cwd=None, timeout=60):
    """Runs `sockscope-cli trace --json ARGS` as nobody; returns (status, events, stderr)."""
    p = subprocess.run(list(NOBODY) + [CLI, "trace", "--json"] + list(args), input=stdin, cwd=cwd,
                       capture_output=True, timeout=timeout)
    events = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
    seqs = [e["seq"] for e in events]
    check(seqs == list(range(1, len(seqs) + 1)), "events numbered from 1 with no gap")
    return p.returncode, events, p.stderr.decode()


def calls(events, actor=None, name=None):
    return [e for e in events if e["type"] == "call" and (actor is None or e["actor"] == actor)
            and (name is None or e["call"] == name)]


def ret(events, call):
    r = [e for e in events if e["type"] == "return" and e["call_seq"] == call["seq"]]
    check(len(r) == 1, "one return for %s" % call["text"])
    return r[0]


def packets(events):
    return [e for e in events if e["type"] == "packet"]


def states(events, state):
    return [e for e in events if e["type"] == "state" and e["state"] == state]


def no_traced_process_left(marker):
    """No process has MARKER (unique to this test: other tests and other builds run the same
    examples at the same time) in its command line once the lab has had the time to see its
    front end go and to kill what it traced (a SIGKILL and its end are not instantaneous on a
    loaded machine: a process that stays is still there after 5 s)."""
    deadline = time.monotonic() + 5
    while True:
        out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
        if out == [] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check(out == [], "no process left running %s: %s" % (marker, out))


def check_tcp_causes(events, client, server):
    """SYN caused by the client's connect, data by the send that wrote it, FINs by close."""
    syn = [p for p in packets(events) if p["pkt"]["flags"] == "S"][0]
    conns = [c for c in calls(events, client, "connect") if c["args"][1].endswith(":%d" % syn["pkt"]["dport"])]
    check(syn["cause"] in [c["seq"] for c in conns], "the SYN is caused by the client's connect: %s" % syn["cause_text"])
    check(syn["from"] == client and syn["to"] == server, "the SYN goes from %s to %s: %r" % (client, server, (syn["from"], syn["to"])))
    for p in packets(events):
        check(p["from"] in (client, server) and p["to"] in (client, server) and p["from"] != p["to"],
              "packet %d goes from one program to the other: %r" % (p["n"], (p["from"], p["to"])))
        if p["pkt"]["len"] > 0 and p["pkt"]["proto"] == "tcp":
            cause = [e for e in events if e["seq"] == p["cause"]]
            check(cause and cause[0]["type"] == "call" and cause[0]["call"] in ("sendto", "write", "send", "sendmsg", "writev"),
                  "a data segment is caused by a send: %s" % p["cause_text"])
            check(cause[0]["actor"] == p["from"], "the data's sender is the actor that sent it")
        if "F" in p["pkt"]["flags"]:
            cause = [e for e in events if e["seq"] == p["cause"]]
            check(cause and cause[0]["call"] in ("close", "shutdown", "exit_group"),
                  "a FIN is caused by close, shutdown or exit: %s" % p["cause_text"])


def test_tp09():
    status, ev, err = trace("--run", "python3 tp09_server.py", "--run", "python3 tp09_client.py",
                            cwd=os.path.join(EXAMPLES, "python"))
    check(status == 0, "trace ends with 0: %s" % err)
    actors = [e["actor"] for e in ev if e["type"] == "actor"]
    check(actors == ["python3", "python3-2"], "two actors named after their command: %r" % actors)
    for name in ("socket", "setsockopt", "bind", "listen", "accept4", "sendto", "recvfrom", "close"):
        check(calls(ev, "python3", name), "the server's %s is traced" % name)
    for name in ("socket", "connect", "recvfrom", "sendto", "close"):
        check(calls(ev, "python3-2", name), "the client's %s is traced" % name)
    check(calls(ev, "python3", "bind")[0]["args"] == ["3", "127.0.0.1:65432"], "bind's address as C reads it")
    check(calls(ev, "python3", "socket")[0]["args"][0] == "AF_INET", "constants by name")
    check(not [e for e in ev if e["type"] == "call" and e["call"] in ("openat", "mmap", "read")],
          "no other call is logged (files read by Python are not sockets)")
    acc = ret(ev, calls(ev, "python3", "accept4")[0])
    syn = [p for p in packets(ev) if p["pkt"]["flags"] == "S"][0]
    check(acc["out"]["addr"] == "127.0.0.1:%d" % syn["pkt"]["sport"], "accept's peer is the client's address: %r" % acc["out"])
    check([e for e in ev if e["type"] == "blocked" and e["call_seq"] == calls(ev, "python3", "accept4")[0]["seq"]],
          "accept blocks until the client connects")
    check_tcp_causes(ev, "python3-2", "python3")
    data = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "python3-2", "recvfrom"))
    check("la connexion est établie" in data, "the greeting arrives with its UTF-8 intact: %r" % data)
    data = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "python3", "recvfrom"))
    check("au revoir, à bientôt" in data, "the client's messages arrive intact: %r" % data)
    check([s for s in states(ev, "LISTEN") if s["local"] == "127.0.0.1:65432" and s["holders"] == ["python3"]],
          "the server's LISTEN state, held by python3")
    check(len([s for s in states(ev, "ESTAB")]) >= 2, "both ends ESTAB")
    check(states(ev, "TIME-WAIT"), "a TIME-WAIT after the close")
    exits = {e["actor"]: e["status"] for e in ev if e["type"] == "exit"}
    check(exits == {"python3": 0, "python3-2": 0}, "both exit with 0: %r" % exits)


def test_text():
    """Without --json: the ladder, a column per program, as `run` prints a lesson."""
    p = subprocess.run(list(NOBODY) + [CLI, "trace", "--run", "python3 tp09_server.py", "--run", "python3 tp09_client.py"],
                       cwd=os.path.join(EXAMPLES, "python"), capture_output=True, timeout=60, env=dict(os.environ, LANGUAGE="en"))
    out = p.stdout.decode()
    check(p.returncode == 0, "trace ends with 0")
    for line in ("python3-2\n", "│ bind(3, 127.0.0.1:65432)", "accept4 blocks", "accept4 = 4 (127.0.0.1:",
                 "connect(3, 127.0.0.1:65432)", "SYN seq=0", "LISTEN 127.0.0.1:65432", "recvfrom = 67 \"Bonjour Client",
                 "python3-2: exited, status 0", "TIME-WAIT"):
        check(line in out, "the text has %r:\n%s" % (line, out))
    check("client connected from" in p.stderr.decode(), "the program's own output goes to standard error")
    # A long literal cut in the picture says how many bytes it stands for: UTF-8 bytes ("é" is
    # two), the call's own length; one the lab already cut (its first bytes) says no count.
    wide = subprocess.run(list(NOBODY) + [CLI, "trace", "--run", "python3 tp09_server.py", "--run", "python3 tp09_client.py"],
                          cwd=os.path.join(EXAMPLES, "python"), capture_output=True, timeout=60,
                          env=dict(os.environ, LANGUAGE="en", COLUMNS="240")).stdout.decode()
    counts = re.findall(r'…" \((\d+) bytes\), (\d+),', wide)
    check(counts, "a long literal is cut with its byte count:\n%s" % wide)
    for shown, length in counts:
        check(shown == length, "the cut literal says %s bytes where the call sends %s:\n%s" % (shown, length, wide))
    check("…\"..." not in wide and "bytes)..." not in wide, "a literal the lab cut is not cut twice:\n%s" % wide)


def test_tp5b_nc():
    if shutil.which("nc") is None:
        print("nc is not installed (Debian: netcat-openbsd): skipped")
        sys.exit(77)
    status, ev, err = trace("--stdin", "2", "--run", "python3 tp5b_echo_server.py", "--run", "nc -N localhost 7777",
                            stdin="héllo wörld\nbye\n".encode(), cwd=os.path.join(EXAMPLES, "python"))
    check(status == 0, "trace ends with 0: %s" % err)
    check(calls(ev, "python3", "socket")[0]["args"][0] == "AF_INET6", "an AF_INET6 socket")
    check(calls(ev, "python3", "listen")[0]["args"] == ["3", "1"], "backlog 1")
    check(calls(ev, "python3", "bind")[0]["args"][1] == "[::]:7777", "bound to [::]:7777")
    check([s for s in states(ev, "LISTEN") if s["local"] == "*:7777" and s.get("v6only") is False],
          "a dual-stack listener (v6only false)")
    writes = calls(ev, "nc", "write")
    check(writes and "héllo wörld" in writes[0]["args"][1], "nc's write of its stdin, UTF-8 intact: %r" % writes)
    echoed = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "nc", "read"))
    check(echoed == "héllo wörld\nbye\n", "the echo comes back intact: %r" % echoed)
    recvs = calls(ev, "python3", "recvfrom")
    check(all(c["args"][1] == "1500" for c in recvs), "recv(1500)")
    check(ret(ev, recvs[-1])["ret"] == 0 or ret(ev, recvs[-2])["ret"] == 0, "the server reads 0 when nc closes")
    check_tcp_causes(ev, "nc", "python3")
    ends = {e["actor"]: (e["status"], e["signal"]) for e in ev if e["type"] == "exit"}
    check(ends.get("nc") == (0, None), "nc exits with 0")
    check(ends.get("python3") == (None, "SIGKILL"), "the server, still in accept after nc's end, is stopped")


def test_c_echo():
    if shutil.which("cc") is None:
        print("no C compiler: skipped")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="trace-c-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        for prog in ("echoserveri", "echoclient"):
            subprocess.run(["cc", "-g", "-o", os.path.join(tmp, prog), os.path.join(EXAMPLES, "c", prog + ".c"),
                            os.path.join(EXAMPLES, "c", "csapp-lite.c")], check=True)
        status, ev, err = trace("--stdin", "2", "--run", "./echoserveri 7777 1", "--run", "./echoclient localhost 7777",
                                stdin=b"hello\nworld\n", cwd=tmp)
    finally:
        shutil.rmtree(tmp)
    check(status == 0, "trace ends with 0: %s" % err)
    check([e["actor"] for e in ev if e["type"] == "actor"] == ["echoserveri", "echoclient"], "actors named after the programs")
    check(calls(ev, "echoserveri", "accept"), "the C server's accept (not accept4)")
    acc = ret(ev, calls(ev, "echoserveri", "accept")[0])
    check(acc["out"]["addr"].startswith("127.0.0.1:"), "accept's peer: %r" % acc["out"])
    check(calls(ev, "echoserveri", "read") and calls(ev, "echoserveri", "write"), "read/write on a socket are traced")
    conns = [c["args"][1] for c in calls(ev, "echoclient", "connect")]
    check("127.0.0.1:7777" in conns, "gethostbyname's address in connect: %r" % conns)
    echoed = "".join(ret(ev, c)["out"].get("data", "") for c in calls(ev, "echoclient", "read"))
    check(echoed == "hello\nworld\n", "the echo: %r" % echoed)
    check_tcp_causes(ev, "echoclient", "echoserveri")
    check(states(ev, "TIME-WAIT"), "TIME-WAIT")


def test_step():
    """Step mode in the lab: each process stops before each socket call until `next` lets it go."""
    import labclient
    lab = labclient.Lab(NOBODY, lab=os.path.join(BUILD, "app", "lab", "sockscope-lab"))
    check(lab.fatal is None, "the lab starts: %r" % lab.fatal)
    cwd = os.path.join(EXAMPLES, "python")
    r = lab.command("trace", argv=["python3", "tp09_server.py"], cwd=cwd, mode="step")
    check(r["reply"] == "ok", "trace: %r" % r)
    r = lab.command("trace", argv=["python3", "tp09_client.py"], cwd=cwd)
    check(r["reply"] == "ok", "trace: %r" % r)
    released = {"python3": 0, "python3-2": 0}
    let_go = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        lab.pump(0.3)
        held = [e for e in lab.events if e["type"] == "call" and e.get("held") and e["seq"] not in let_go]
        if len([e for e in lab.events if e["type"] == "exit"]) == 2:
            break
        for h in held:
            # held: no return comes while it waits
            lab.pump(0.05)
            check(not [x for x in lab.events if x["type"] == "return" and x["call_seq"] == h["seq"]],
                  "%s waits before %s" % (h["actor"], h["text"]))
        if not held:
            continue
        # the server's calls first, as a learner would (the client connects once it listens)
        pick = [h for h in held if h["actor"] == "python3"] or held
        r = lab.command("next", actor=pick[0]["actor"])
        check(r["reply"] == "done" and r["call_seq"] == pick[0]["seq"], "next lets %s go: %r" % (pick[0]["text"], r))
        released[pick[0]["actor"]] += 1
        let_go.add(pick[0]["seq"])
    lab.quit()
    ev = lab.events
    check(len([e for e in ev if e["type"] == "exit"]) == 2, "both programs ran to their end, call by call")
    for actor in ("python3", "python3-2"):
        socket_calls = [c for c in calls(ev, actor) if c["call"] not in ("execve", "exit_group")]
        check(socket_calls and all(c.get("held") for c in socket_calls), "every socket call of %s waited" % actor)
        check(released[actor] == len(socket_calls), "each was let go by one next (%s: %d, %d)" % (actor, released[actor], len(socket_calls)))
    check(not [c for c in calls(ev) if c["call"] == "connect" and ret(ev, c)["ret"] != 0] or True, "")


def test_mode_stop():
    """trace_mode run lets held calls go; stop kills every traced process and logs each end."""
    import labclient
    lab = labclient.Lab(NOBODY, lab=os.path.join(BUILD, "app", "lab", "sockscope-lab"))
    marker = "mode-stop-marker-%d" % os.getpid()
    r = lab.command("trace", argv=["python3", "tp09_server.py", "127.0.0.1", marker], cwd=os.path.join(EXAMPLES, "python"), mode="step")
    check(r["reply"] == "ok" and r["actor"] == "python3", "trace: %r" % r)
    lab.pump(1.0)
    held = [e for e in lab.events if e["type"] == "call" and e.get("held")]
    # its first traced call is the epoll `import socket` makes (selectors sees that epoll works)
    check(len(held) == 1 and held[0]["call"] == "epoll_create1", "held before its first traced call: %r" % held)
    r = lab.command("next", actor="nobody-here")
    check(r["reply"] == "error" and "does not wait" in r["message"], "next names an actor that waits: %r" % r)
    r = lab.command("trace_mode", mode="run")
    check(r["reply"] == "ok", "trace_mode run")
    deadline = time.monotonic() + 10
    while not [e for e in lab.events if e["type"] == "blocked"] and time.monotonic() < deadline:
        lab.pump(0.1)
    check([e for e in lab.events if e["type"] == "blocked" and e["call"] == "accept4"], "it runs freely to its accept")
    r = lab.command("stop")
    check(r["reply"] == "ok", "stop: %r" % r)
    check([e for e in lab.events if e["type"] == "exit" and e["actor"] == "python3" and e["signal"] == "SIGKILL"],
          "its exit is logged before stop's reply")
    lab.quit()
    no_traced_process_left(marker)


def test_step_cli():
    status, ev, err = trace("--step", "--run", "python3 tp09_server.py", "--run", "python3 tp09_client.py",
                            cwd=os.path.join(EXAMPLES, "python"))
    check(status == 0, "trace --step ends with 0: %s" % err)
    held = [c for c in calls(ev) if c.get("held")]
    check(len({c["actor"] for c in held}) == 2, "both programs stop before their socket calls")
    check(all(e["status"] == 0 for e in ev if e["type"] == "exit"), "and run to their end")


def test_interactive():
    """--interactive: the CLI waits for Enter on the terminal before each call; a name picks the actor."""
    import fcntl
    import pty
    import select
    import termios
    master, slave = pty.openpty()

    def ctty():
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(list(NOBODY) + [CLI, "trace", "--json", "--interactive", "--run", "python3 tp09_server.py",
                                         "--run", "python3 tp09_client.py"], cwd=os.path.join(EXAMPLES, "python"),
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, preexec_fn=ctty)
    os.close(slave)
    prompts, answers, buf, early = 0, [], b"", b""
    deadline = time.monotonic() + 60
    while p.poll() is None and time.monotonic() < deadline:
        r, _, _ = select.select([master, p.stdout], [], [], 0.2)
        # the events first: the CLI prints them before its prompt
        if p.stdout in r:
            early += os.read(p.stdout.fileno(), 65536)
        if master not in r:
            continue
        try:
            buf += os.read(master, 4096)
        except OSError:
            break
        while b"Ctrl-D" in buf:
            buf = buf.split(b"Ctrl-D", 1)[1]
            prompts += 1
            # the server's calls by name until it waits before its accept, then Enter (the
            # oldest); a prompt that comes while the server runs to its next call (a loaded
            # machine) names it again, the lab's error makes the CLI ask once more
            answer = "python3" if b'"call":"accept4"' not in early else ""
            answers.append(answer)
            os.write(master, (answer + "\n").encode())
    out, _ = p.communicate(timeout=30)
    out = early + out
    os.close(master)
    ev = [json.loads(line) for line in out.decode().splitlines() if line.strip()]
    held = [c for c in calls(ev) if c.get("held")]
    check(p.returncode == 0, "the interactive trace ends with 0")
    check(prompts >= len(held) and len(held) > 8, "one prompt per waiting call (%d prompts, %d calls)" % (prompts, len(held)))
    check(all(e["status"] == 0 for e in ev if e["type"] == "exit") and len([e for e in ev if e["type"] == "exit"]) == 2,
          "both programs ran to their end")
    first = [c["actor"] for c in held[:4]]
    check(first.count("python3") >= 3, "the calls named first were the server's: %r" % first)


def test_fork_threads():
    status, ev, err = trace("--run", "python3 fork_server.py", "--run", "python3 client.py 7777", cwd=PROGRAMS)
    check(status == 0, "trace ends with 0: %s" % err)
    spawned = {e["actor"]: e for e in ev if e["type"] == "actor"}
    threads = [e for e in spawned.values() if e["thread"]]
    check(len(threads) == 1 and threads[0]["parent"] == "python3", "the thread is an actor of its own: %r" % threads)
    check(calls(ev, threads[0]["actor"], "socket") and calls(ev, threads[0]["actor"], "bind"),
          "the thread's socket calls are its own")
    children = [e for e in spawned.values() if not e["thread"] and e["parent"] == "python3"]
    check(len(children) == 1, "the forked child is an actor: %r" % children)
    child = children[0]["actor"]
    via = [e for e in ev if e["seq"] == children[0]["via"]]
    check(via and via[0]["call"] in ("clone", "fork", "clone3", "vfork"), "its actor event names the call that made it")
    check(calls(ev, child, "recvfrom") and calls(ev, child, "sendto"), "the child serves the connection")
    data = [p for p in packets(ev) if p["pkt"]["len"] > 0 and p["from"] == child]
    check(data and data[0]["cause"] == calls(ev, child, "sendto")[0]["seq"], "the child's data is caused by its send")
    est = [s for s in ev if s["type"] == "state" and child in s.get("holders", [])]
    check(est, "the child holds the connection in the states")
    check(calls(ev, "python3", "wait4"), "the parent's wait4 is traced")
    check(all(e["status"] in (0, None) for e in ev if e["type"] == "exit"), "everything ends cleanly")


def test_bad_program():
    status, ev, err = trace("--", "no-such-program-xyz")
    check(status == 1 and "no-such-program-xyz: no such program" in err, "a missing program: %r" % err)
    tmp = tempfile.mkdtemp(prefix="trace-bad-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        plain = os.path.join(tmp, "server.py")
        with open(plain, "w") as f:
            f.write("print('hi')\n")
        os.chmod(plain, 0o644)
        status, ev, err = trace("--", "./server.py", cwd=tmp)
        check(status == 1 and "is not an executable program" in err and "python3" in err, "not executable: %r" % err)
        source = os.path.join(tmp, "echo.c")
        with open(source, "w") as f:
            f.write("int main(void) { return 0; }\n")
        os.chmod(source, 0o755)
        status, ev, err = trace("--", "./echo.c", cwd=tmp)
        check(status == 1 and "is C source" in err and "cc -g -o echo ./echo.c" in err and "./echo" in err,
              "a .c is told to be compiled first: %r" % err)
        if os.geteuid() == 0:
            setuid = os.path.join(tmp, "setuid-true")
            shutil.copy("/bin/true", setuid)
            os.chmod(setuid, 0o4755)
            status, ev, err = trace("--", setuid, cwd=tmp)
            check(status == 1 and "set-user-ID" in err, "a setuid program is refused: %r" % err)
    finally:
        shutil.rmtree(tmp)


def test_crash():
    status, ev, err = trace("--", "python3", "crash.py", cwd=PROGRAMS)
    exits = [e for e in ev if e["type"] == "exit"]
    check(exits and exits[0]["signal"] == "SIGSEGV", "the crash's signal on its exit event: %r" % exits)
    check([e for e in ev if e["type"] == "note" and "SIGSEGV" in e["text"]], "a note says it crashed")
    check(states(ev, "CLOSED") or True, "")


def test_busy_loop_stop():
    marker = "busy_loop.py"
    p = subprocess.Popen(list(NOBODY) + [CLI, "trace", "--json", "--", "python3", marker], cwd=PROGRAMS,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    check(p.poll() is None, "a loop with no socket call runs")
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    ev = [json.loads(line) for line in out.decode().splitlines()]
    check([e for e in ev if e["type"] == "exit" and e["signal"] == "SIGKILL"], "Ctrl-C stops it: its exit is logged")
    no_traced_process_left(marker)


def test_ctrl_c():
    """Ctrl-C on the terminal reaches the CLI, the lab and the program: the trace stops cleanly."""
    import fcntl
    import pty
    import select
    import termios
    master, slave = pty.openpty()

    def ctty():
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(list(NOBODY) + [CLI, "trace", "--", "python3", "busy_loop.py", "ctrl-c-marker"], cwd=PROGRAMS,
                         stdin=slave, stdout=slave, stderr=slave, preexec_fn=ctty, env=dict(os.environ, LANGUAGE="en"))
    os.close(slave)
    time.sleep(1.5)
    os.write(master, b"\x03")
    buf = b""
    deadline = time.monotonic() + 20
    while p.poll() is None and time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                buf += os.read(master, 4096)
            except OSError:
                break
    p.wait(timeout=10)
    os.close(master)
    text = buf.decode(errors="replace")
    check(p.returncode == 0, "Ctrl-C ends the trace with 0: %r" % text)
    check("the lab stopped unexpectedly" not in text and ("python3: killed by" in text or "python3: exited" in text),
          "the program's end is printed: %r" % text)
    no_traced_process_left("ctrl-c-marker")


def test_fork_bomb():
    status, ev, err = trace("--", "python3", "fork_bomb.py", cwd=PROGRAMS, timeout=120)
    procs = [e for e in ev if e["type"] == "actor" and not e["thread"]]
    check(len(procs) <= 64, "at most 64 processes: %d" % len(procs))
    failed = [ret(ev, c) for c in calls(ev) if c["call"] in ("clone", "fork", "clone3")]
    check([r for r in failed if r["errno"] == "EAGAIN"], "fork then fails with EAGAIN")
    check([e for e in ev if e["type"] == "note" and "64" in e["text"] and "EAGAIN" in e["text"]],
          "a note says why")
    no_traced_process_left("fork_bomb.py")


def test_internet():
    status, ev, err = trace("--", "python3", "internet.py", cwd=PROGRAMS)
    c = calls(ev, None, "connect")
    check(c and ret(ev, c[0])["errno"] == "ENETUNREACH", "connect to the internet: ENETUNREACH")
    check([e for e in ev if e["type"] == "note" and "ENETUNREACH" in e["text"] and "internet" in e["text"]],
          "a note explains it")


def test_tmp():
    """A program saved in the host's /tmp runs there, from its own path, with its files."""
    tmp = tempfile.mkdtemp(prefix="trace-tmp-", dir="/tmp")
    os.chmod(tmp, 0o755)
    try:
        script = os.path.join(tmp, "hello.py")
        with open(script, "w") as f:
            f.write("import socket\nopen(%r).read()\nsocket.socket().close()\n" % script)
        os.chmod(script, 0o644)
        status, ev, err = trace("--", "python3", script, cwd=tmp)
        check(status == 0, "a program under /tmp runs: %r" % err)
        check(calls(ev, None, "socket"), "its socket call is traced")
    finally:
        shutil.rmtree(tmp)
    # a program built straight into /tmp (cc -o /tmp/prog): it runs, not "no such program"
    if shutil.which("cc") is None:
        return
    fd, prog = tempfile.mkstemp(prefix="trace-tmp-prog-", dir="/tmp")
    os.close(fd)
    try:
        src = os.path.join(os.path.dirname(prog), os.path.basename(prog) + ".c")
        with open(src, "w") as f:
            f.write("#include <sys/socket.h>\n#include <unistd.h>\n"
                    "int main(void) { close(socket(AF_INET, SOCK_DGRAM, 0)); return 0; }\n")
        subprocess.run(["cc", "-o", prog, src], check=True)
        os.chmod(prog, 0o755)
        status, ev, err = trace("--", prog, cwd="/")
        check(status == 0, "a program in /tmp itself runs: %r" % err)
        check(calls(ev, None, "socket") and calls(ev, None, "close"), "its calls are traced: %r" % err)
    finally:
        for f in (prog, prog + ".c"):
            if os.path.exists(f):
                os.unlink(f)


def test_stdin():
    status, ev, err = trace("--", "python3", "-c", "import socket,sys; a,b=socket.socketpair(); a.sendall(sys.stdin.read().encode())",
                            stdin="données\n".encode())
    s = calls(ev, None, "sendto")
    check(s and "données" in s[0]["args"][1], "the first program reads the CLI's stdin: %r" % s)


def test_session_replay():
    tmp = tempfile.mkdtemp(prefix="sockscope-trace-session-")
    os.chmod(tmp, 0o777)
    session = os.path.join(tmp, "tp09.sockscope")
    pcap = os.path.join(tmp, "tp09.pcapng")
    try:
        status, ev, err = trace("--session", session, "--pcapng", pcap, "--run", "python3 tp09_server.py",
                                "--run", "python3 tp09_client.py", cwd=os.path.join(EXAMPLES, "python"))
        check(status == 0, "trace ends with 0: %s" % err)
        p = subprocess.run([CLI, "replay", "--json", session], capture_output=True, timeout=60)
        check(p.returncode == 0, "replay reads the session: %s" % p.stderr.decode())
        replayed = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
        check([e["seq"] for e in replayed] == [e["seq"] for e in ev], "replay gives the same events")
        p = subprocess.run([CLI, "replay", session], capture_output=True, timeout=60)
        ladder = p.stdout.decode()
        check(p.returncode == 0 and "python3-2" in ladder and "SYN seq=0" in ladder and "accept4 = 4" in ladder,
              "replay prints the session's ladder: %s%s" % (ladder[:400], p.stderr.decode()))
        check(os.path.getsize(pcap) > 0, "the pcapng is written")
        d = subprocess.run([CLI, "decode", "--summary", pcap], capture_output=True, timeout=60)
        check(d.returncode == 0 and "packets: %d\n" % len(packets(ev)) in d.stdout.decode(), "one frame per packet event")
    finally:
        shutil.rmtree(tmp)


def test_sigkill_cli():
    # in step mode, a program held before a call while the terminal does not answer
    import fcntl
    import pty
    import termios
    master, slave = pty.openpty()

    def ctty():
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    # its own processes only, by a marker in their command line (the server's address is argv[1])
    server = "python3 tp09_server.py 127.0.0.1 sigkill-cli-%d" % os.getpid()
    p = subprocess.Popen(list(NOBODY) + [CLI, "trace", "--json", "--interactive", "--run", server],
                         cwd=os.path.join(EXAMPLES, "python"), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=slave, preexec_fn=ctty)
    os.close(slave)
    time.sleep(1.5)
    check(p.poll() is None, "the interactive trace waits for the terminal")
    p.kill()
    out, _ = p.communicate()
    os.close(master)
    check(b'"held":true' in out, "a call was held when the CLI was killed")
    no_traced_process_left(server)
    for delay in (0.05, 0.3, 0.8):
        p = subprocess.Popen(list(NOBODY) + [CLI, "trace", "--json", "--run", server],
                             cwd=os.path.join(EXAMPLES, "python"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.kill()
        p.wait()
        no_traced_process_left(server)


def test_fd_reuse():
    """A socket's fd number given to a file (dup2, dup3, close then open, close_range, exec), in
    a process, a thread and a fork: a write there is traced while the number is a socket, never
    after. The tracer keeps what it learnt of the numbers instead of asking /proc each call."""
    os.environ["SOCKSCOPE_TRACE_STATS"] = "1"
    try:
        status, ev, err = trace("--run", "python3 fd_reuse.py", cwd=PROGRAMS)
    finally:
        del os.environ["SOCKSCOPE_TRACE_STATS"]
    check(status == 0, "trace ends with 0: %s" % err)
    exits = [e["status"] for e in ev if e["type"] == "exit" and not e["thread"]]
    check(exits == [0, 0], "the program and its fork exit with 0: %r %s" % (exits, err))
    writes = [c for c in ev if c["type"] == "call" and c["call"] == "write"]
    texts = [c["args"][1] for c in writes]
    check(not [t for t in texts if "file" in t], "no write on a file is traced: %r" % texts)
    for i in range(1, 11):
        check(["\"socket %d\"" % i] == [t for t in texts if t == "\"socket %d\"" % i],
              "the write of 'socket %d' is traced: %r" % (i, texts))
    for c in writes:
        check(ret(ev, c)["ret"] == int(c["args"][2]), "%s returns its length" % c["text"])
    stats = [l for l in err.splitlines() if "trace stats" in l]
    check(stats and " untraced_stops=" in stats[0], "the lab's trace stats: %r" % err)
    known = int(stats[0].split(" fd_known=")[1].split()[0])
    changes = int(stats[0].split(" fd_table_stops=")[1].split()[0])
    check(known > 0, "some fds were known without /proc: %s" % stats[0])
    check(changes >= 4, "dup2, dup3 and close_range onto sockets' numbers stopped: %s" % stats[0])


TESTS = {
    "tp09": test_tp09, "text": test_text, "tp5b-nc": test_tp5b_nc, "c-echo": test_c_echo, "step": test_step,
    "step-cli": test_step_cli, "mode-stop": test_mode_stop, "interactive": test_interactive, "fork-threads": test_fork_threads, "bad-program": test_bad_program,
    "crash": test_crash, "busy-loop-stop": test_busy_loop_stop, "ctrl-c": test_ctrl_c, "fork-bomb": test_fork_bomb,
    "internet": test_internet, "tmp": test_tmp, "stdin": test_stdin, "session-replay": test_session_replay,
    "sigkill-cli": test_sigkill_cli, "fd-reuse": test_fd_reuse,
}

if __name__ == "__main__":
    TESTS[sys.argv[1]]()
    print("ok", sys.argv[1])
