#!/usr/bin/env python3
"""Each traced call's line in the program's own source (`sockscope-cli trace --source`), as an
unprivileged user (uid 65534 when the tests run as root): the C echo server and client built
with cc -g (libdw unwinds to the program's own frame), built without -g (the call says why it
has no line), the TP09 Python server and client, a Python server's thread and forked child
(the lab's startup hook).  Each line is checked against the source file's own text.
Usage: test_source.py NAME (see TESTS at the end)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_trace import BUILD, CLI, EXAMPLES, NOBODY, PROGRAMS, calls, check, trace  # noqa: E402


def line_number(path, text):
    """The number of the only line of PATH that holds TEXT."""
    with open(path, encoding="utf-8") as f:
        found = [i + 1 for i, line in enumerate(f.read().split("\n")) if text in line]
    check(len(found) == 1, "one line of %s holds %s: %r" % (path, text, found))
    return found[0]


def line_of(source):
    with open(source["file"], encoding="utf-8") as f:
        lines = f.read().split("\n")
    check(1 <= source["line"] <= len(lines), "line %d is in %s" % (source["line"], source["file"]))
    return lines[source["line"] - 1]


def check_lines(ev, expect, actors):
    """expect: call name -> what its source line holds (a string, or a tuple of choices)."""
    seen = 0
    for c in [e for e in ev if e["type"] == "call" and e["actor"] in actors]:
        if c["call"] in ("execve",):
            check("source" not in c, "the lab's own exec has no line: %r" % c.get("source"))
            continue
        if c["call"] in ("exit_group", "exit") and "file" not in c["source"]:
            check(c["source"] == {"missing": "outside-program"}, "an exit after the script or main ended: %r" % c["source"])
            continue
        src = c.get("source")
        check(src is not None and "file" in src, "%s: %s has a source line: %r" % (c["actor"], c["text"], src))
        text = line_of(src)
        want = expect[c["call"]] if isinstance(expect[c["call"]], tuple) else (expect[c["call"]],)
        check(any(w in text for w in want), "%s: %s is made at %s:%d %r, which should hold %r"
              % (c["actor"], c["text"], os.path.basename(src["file"]), src["line"], text.strip(), want))
        seen += 1
    return seen


def build_c(tmp, debug):
    for prog in ("echoserveri", "echoclient"):
        subprocess.run(["cc"] + (["-g", "-O0"] if debug else ["-O2"]) + ["-o", os.path.join(tmp, prog),
                        os.path.join(EXAMPLES, "c", prog + ".c"), os.path.join(EXAMPLES, "c", "csapp-lite.c")], check=True)


def c_trace(debug, *extra):
    if shutil.which("cc") is None:
        print("no C compiler: skipped")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="trace-src-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        build_c(tmp, debug)
        return trace("--stdin", "2", *extra, "--run", "./echoserveri 7777 1", "--run", "./echoclient localhost 7777",
                     stdin=b"hello\nworld\n", cwd=tmp)
    finally:
        shutil.rmtree(tmp)


def test_c():
    status, ev, err = c_trace(True, "--source")
    check(status == 0, "trace ends with 0: %s" % err)
    expect = {"socket": ("socket (", "gethostbyname"), "setsockopt": "setsockopt (", "bind": "bind (",
              "listen": "listen (", "accept": "accept (", "connect": ("connect (", "gethostbyname"),
              "read": "read (", "write": "write (", "close": ("close (", "gethostbyname")}
    n = check_lines(ev, expect, ("echoserveri", "echoclient"))
    check(n >= 20, "every call of the echo has its line (%d)" % n)
    acc = calls(ev, "echoserveri", "accept")[0]["source"]
    check(acc["file"] == os.path.join(os.path.realpath(EXAMPLES), "c", "echoserveri.c"),
          "accept's line is in echoserveri.c, by its absolute path: %r" % acc)
    check(calls(ev, "echoserveri", "bind")[0]["source"]["file"].endswith("/csapp-lite.c"),
          "bind is made in the wrapper open_listenfd (csapp-lite.c), the program's own code")
    nscd = [c for c in calls(ev, "echoclient", "connect") if "127.0.0.1" not in c["args"][1]]
    for c in nscd:
        check("gethostbyname" in line_of(c["source"]), "the C library's own connect for a name lookup is at the gethostbyname line")


def test_c_ladder():
    if shutil.which("cc") is None:
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="trace-src-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        build_c(tmp, True)
        p = subprocess.run(list(NOBODY) + [CLI, "trace", "--source", "--stdin", "2", "--run", "./echoserveri 7777 1",
                                           "--run", "./echoclient localhost 7777"], input=b"hi\n", cwd=tmp,
                           capture_output=True, timeout=60, env=dict(os.environ, LANGUAGE="en", COLUMNS="200"))
    finally:
        shutil.rmtree(tmp)
    out = p.stdout.decode()
    check(p.returncode == 0, "trace ends with 0: %s" % p.stderr.decode())
    check("(echoserveri.c:48)" in out and "(csapp-lite.c:26)" in out,
          "the ladder names accept's and bind's lines: %s" % out)


def test_c_nodebug():
    status, ev, err = c_trace(False, "--source")
    check(status == 0, "trace ends with 0: %s" % err)
    cs = [e for e in ev if e["type"] == "call" and e["call"] != "execve"]
    check(cs and all(c.get("source") == {"missing": "no-debug-info"} for c in cs),
          "built without -g, every call says it has no debug information: %r" % [c.get("source") for c in cs])
    status, ev, err = c_trace(True)
    check(status == 0 and not [e for e in ev if "source" in e], "without --source no call looks for its line")


def test_python():
    status, ev, err = trace("--source", "--run", "python3 tp09_server.py", "--run", "python3 tp09_client.py",
                            cwd=os.path.join(EXAMPLES, "python"))
    check(status == 0, "trace ends with 0: %s" % err)
    # importing socket imports selectors, which makes an epoll to see that it can (then closes it)
    expect = {"socket": "socket.socket(", "setsockopt": ".setsockopt(", "bind": ".bind(", "listen": ".listen(",
              "accept4": ".accept(", "getsockname": ".accept(", "connect": ".connect(", "recvfrom": ".recv(",
              "sendto": ".sendall(", "close": ("with ", "import socket"), "epoll_create1": "import socket"}
    n = check_lines(ev, expect, ("python3", "python3-2"))
    check(n >= 14, "every call of TP09 has its line (%d)" % n)
    server_py = os.path.join(os.path.realpath(EXAMPLES), "python", "tp09_server.py")
    bind_line = line_number(server_py, "server.bind(")
    check(calls(ev, "python3", "bind")[0]["source"] == {"file": server_py, "line": bind_line},
          "the server's bind is line %d of tp09_server.py: %r" % (bind_line, calls(ev, "python3", "bind")[0]["source"]))
    connect_line = line_number(os.path.join(EXAMPLES, "python", "tp09_client.py"), "client.connect(")
    check(calls(ev, "python3-2", "connect")[0]["source"]["line"] == connect_line, "the client's connect is line %d" % connect_line)
    out = [e for e in ev if e["type"] == "return" and e["call"] == "recvfrom" and "établie" in e["out"].get("data", "")]
    check(out, "the program runs as before under the hook (UTF-8 greeting received)")


def test_python_fork_threads():
    status, ev, err = trace("--source", "--run", "python3 fork_server.py", "--run", "python3 client.py 7777", cwd=PROGRAMS)
    check(status == 0, "trace ends with 0: %s" % err)
    spawned = {e["actor"]: e for e in ev if e["type"] == "actor"}
    thread = [a for a, e in spawned.items() if e["thread"]][0]
    child = [a for a, e in spawned.items() if not e["thread"] and e["parent"] == "python3"][0]
    expect = {"socket": ("socket.socket(", "create_connection"), "setsockopt": ".setsockopt(", "bind": ".bind(",
              "listen": ".listen(", "accept4": ".accept(", "getsockname": ".accept(", "recvfrom": ".recv(",
              "sendto": ".sendall(", "close": (".close(", "with ", "import socket"), "clone": "os.fork(", "clone3": "t.start(", "wait4": "os.waitpid(",
              "connect": "create_connection", "exit_group": "os._exit(", "epoll_create1": "import socket"}
    check_lines(ev, expect, ("python3", thread, child, "python3-2"))
    check([c["source"]["line"] for c in calls(ev, thread) if c["call"] != "exit"] == [9, 10, 11],
          "the thread's own lines: %r" % [c["source"] for c in calls(ev, thread)])
    check(calls(ev, "python3", "clone3")[0]["source"]["line"] == 14, "the thread starts at t.start(), line 14")
    check([c["source"]["line"] for c in calls(ev, child) if c["call"] != "exit_group"][:3] == [24, 25, 26],
          "the forked child's own lines: %r" % [c["source"] for c in calls(ev, child)])


def test_python_selectors():
    """A server on one selector (epoll): the epoll made, each socket registered and each wait, at
    the script's own lines; which socket each wait found ready."""
    status, ev, err = trace("--source", "--run", "python3 selectors_server.py", "--run", "python3 client.py 7777", cwd=PROGRAMS)
    check(status == 0, "trace ends with 0: %s" % err)
    expect = {"epoll_create1": ("import selectors", "DefaultSelector("), "epoll_ctl": ("sel.register(", "sel.unregister("),
              "epoll_wait": "sel.select(", "socket": "socket.socket(", "setsockopt": ".setsockopt(", "bind": ".bind(",
              "listen": ".listen(", "accept4": ".accept(", "getsockname": ".accept(", "recvfrom": ".recv(",
              "sendto": ".sendall(", "close": (".close(", "import selectors")}
    check(check_lines(ev, expect, ("python3",)) >= 14, "every call of the server has its line")
    server = calls(ev, "python3")

    def ret(call):
        return [e for e in ev if e["type"] == "return" and e["call_seq"] == call["seq"]][0]
    first = [c["call"] for c in server if c["call"] != "execve"][0]
    check(first == "epoll_create1", "the first call is the epoll selectors' import makes, at its line: %r" % first)
    ctl = [c["text"] for c in server if c["call"] == "epoll_ctl"]
    epolls = [ret(c)["ret"] for c in server if c["call"] == "epoll_create1"]
    closed = [c["args"][0] for c in server if c["call"] == "close"]
    check(len(epolls) == 2 and closed.count(str(epolls[0])) >= 1 and str(epolls[1]) in closed,
          "both epolls closed: the one import makes at once, the selector's at sel.close(): %r %r" % (epolls, closed))
    check(len(ctl) == 3 and "EPOLL_CTL_ADD" in ctl[0] and "EPOLL_CTL_ADD" in ctl[1] and "EPOLL_CTL_DEL" in ctl[2],
          "the listener and the connection registered, the connection unregistered: %r" % ctl)

    listener = ret([c for c in server if c["call"] == "socket"][0])["ret"]
    conn = ret([c for c in server if c["call"] == "accept4"][0])["ret"]
    ready = [ret(c)["out"]["ready_fds"] for c in server if c["call"] == "epoll_wait"]
    check(ready[0] == [listener] and ready[1:] and all(r == [conn] for r in ready[1:]),
          "the first wait finds the listener (fd %d) ready, the others the connection (fd %d): %r" % (listener, conn, ready))
    # the hook keeps no fd of its own: the program's fds are numbered as without --source
    status, plain, err = trace("--run", "python3 selectors_server.py", "--run", "python3 client.py 7777", cwd=PROGRAMS)
    check(status == 0, "trace ends with 0: %s" % err)
    numbers = [e["ret"] for e in plain if e["type"] == "return" and e["actor"] == "python3"
               and e["call"] in ("epoll_create1", "socket", "accept4")]
    check(numbers == [3, 3, 4, conn] and listener == 4,
          "the same fd numbers with and without --source: %r, listener %d" % (numbers, listener))


def test_c_threads():
    """Each thread of a C program is unwound on its own stack (libdw, the thread's registers)."""
    if shutil.which("cc") is None:
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="trace-src-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        subprocess.run(["cc", "-g", "-O0", "-pthread", "-o", os.path.join(tmp, "threads_server"),
                        os.path.join(PROGRAMS, "threads_server.c")], check=True)
        status, ev, err = trace("--source", "--", "./threads_server", cwd=tmp)
    finally:
        shutil.rmtree(tmp)
    check(status == 0, "trace ends with 0: %s" % err)
    spawned = {e["actor"]: e for e in ev if e["type"] == "actor"}
    threads = [a for a, e in spawned.items() if e["thread"]]
    check(len(threads) == 2, "two thread actors: %r" % threads)
    for c in [e for e in ev if e["type"] == "call" and e["call"] not in ("execve", "exit", "exit_group")]:
        src = c.get("source", {})
        check("file" in src, "%s: %s has a line: %r" % (c["actor"], c["text"], src))
        text = line_of(src)
        who = "worker" if c["actor"] in threads else "main"
        what = {"socket": "socket", "bind": "bind", "close": "close", "clone3": "start", "clone": "start"}[c["call"]]
        check("/* %s %s */" % (who, what) in text, "%s: %s is at line %d: %r" % (c["actor"], c["text"], src["line"], text.strip()))
    check(len([c for c in calls(ev) if c["actor"] in threads and c["call"] == "bind"]) == 2, "both threads bind")


def test_python_no_hook():
    """python3 -I ignores PYTHONPATH: the calls say the hook is missing, and the program runs."""
    status, ev, err = trace("--source", "--run", "python3 -I tp09_server.py", "--run", "python3 tp09_client.py",
                            cwd=os.path.join(EXAMPLES, "python"))
    check(status == 0, "trace ends with 0: %s" % err)
    server = [c for c in calls(ev, "python3") if c["call"] not in ("execve", "exit_group")]
    check(server and all(c["source"] == {"missing": "no-python-hook"} for c in server),
          "python3 -I: no line, and why: %r" % [c.get("source") for c in server])
    check(calls(ev, "python3-2", "connect")[0]["source"]["line"] == line_number(os.path.join(EXAMPLES, "python", "tp09_client.py"), "client.connect("),
          "the client, with its hook, still has its lines")


TESTS = {"c": test_c, "c-ladder": test_c_ladder, "c-nodebug": test_c_nodebug, "python": test_python,
         "python-fork-threads": test_python_fork_threads, "c-threads": test_c_threads,
         "python-no-hook": test_python_no_hook, "python-selectors": test_python_selectors}

if __name__ == "__main__":
    TESTS[sys.argv[1]]()
    print("ok", sys.argv[1])
