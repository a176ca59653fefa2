#!/usr/bin/env python3
"""The lab's terminal (`terminal`, `terminal_close`; app/lab/sockscope-terminal.c), as an
unprivileged user (uid 65534 when the tests run as root): an interactive bash on a pty the test
holds, the TP5b echo server and two nc started from it, each an actor named after its command
with its calls and packets, the shell never one; step mode; a tty that is not the lab user's
refused; closing the terminal, or killing the lab, leaves no process started from it.
Usage: test_terminal.py NAME (see TESTS at the end)."""
import os
import pty
import select
import signal
import sys
import time

SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SOCKSCOPE_BUILD_ROOT", os.path.join(SRC, "build"))
LAB = os.path.join(BUILD, "app", "lab", "sockscope-lab")
sys.path.insert(0, os.path.join(SRC, "tests", "lab"))
import labclient  # noqa: E402

ROOT = os.geteuid() == 0
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") if ROOT else ()


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return ") Z " not in f.read()     # a zombie runs nothing
    except OSError:
        return False


def parent(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def lab_processes():
    """This test's processes (its labs' descendants) whose environment has the lab terminal's
    prompt: the shells and all they started.  Other tests may run terminals meanwhile."""
    found = []
    for pid in map(int, filter(str.isdigit, os.listdir("/proc"))):
        up = pid
        while up > 1 and up != os.getpid():
            up = parent(up)
        if up != os.getpid() or not alive(pid):
            continue
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                if b"\0PS1=lab:" in b"\0" + f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def wait_gone(pids, timeout=5):
    end = time.monotonic() + timeout
    while [p for p in pids if alive(p)] and time.monotonic() < end:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


class Terminal:
    def __init__(self, mode="run"):
        self.master, slave = pty.openpty()
        if ROOT:
            os.fchown(slave, 65534, -1)
        self.lab = labclient.Lab(NOBODY, lab=LAB)
        check(self.lab.fatal is None, "the lab starts: %r" % self.lab.fatal)
        r = self.lab.command("terminal", tty=os.ttyname(slave), cwd=SRC, rows=30, cols=100, mode=mode)
        os.close(slave)
        check(r["reply"] == "ok" and r["terminal"] > 0 and r["pid"] > 0, "terminal: %r" % r)
        self.id = r["terminal"]
        self.screen = b""

    def pump(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.lab.pump(0.02)
            while select.select([self.master], [], [], 0)[0]:
                try:
                    self.screen += os.read(self.master, 65536)
                except OSError:
                    return

    def type(self, text):
        os.write(self.master, text.encode())

    def wait(self, what, timeout=15):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.pump(0.05)
            if what(self):
                return True
        return False

    def events(self, kind, actor=None):
        return [e for e in self.lab.events if e["type"] == kind and (actor is None or e.get("actor") == actor)]

    def calls(self, actor):
        return [e["text"] for e in self.events("call", actor)]


def test_terminal():
    """The course's TP5b: the echo server in the background, then two nc clients."""
    t = Terminal()
    check(t.wait(lambda t: b"lab:" in t.screen), "the prompt shows: %r" % t.screen)
    t.type("python3 examples/python/tp5b_echo_server.py &\n")
    check(t.wait(lambda t: any(c.startswith("accept4(") for c in t.calls("python3"))), "the server accepts")
    t.type("echo hello | nc -q 1 127.0.0.1 7777\n")
    check(t.wait(lambda t: t.screen.count(b"hello") >= 2), "nc's line comes back: %r" % t.screen)
    t.type("echo bonjour | nc -q 1 ::1 7777\n")
    check(t.wait(lambda t: t.screen.count(b"bonjour") >= 2), "the second nc's line comes back: %r" % t.screen)
    t.type("ss -tlnp\n")
    check(t.wait(lambda t: len(t.events("exit", "ss")) == 1), "ss ran and ended")
    t.pump(0.5)
    actors = [e["actor"] for e in t.events("actor")]
    check(actors == ["python3", "nc", "nc-2", "ss"], "an actor per command started, none for the shell: %r" % actors)
    check(all(e.get("parent") is None for e in t.events("actor")), "no parent: the shell is not drawn")
    check("connect(3, 127.0.0.1:7777)" in t.calls("nc"), "nc's connect: %r" % t.calls("nc"))
    check("connect(3, [::1]:7777)" in t.calls("nc-2"), "nc-2's connect: %r" % t.calls("nc-2"))
    check(any(c.startswith("socket(AF_NETLINK") for c in t.calls("ss")), "ss asks the kernel with netlink")
    check(not [e for e in t.lab.events if e["type"] == "call" and e["call"] in ("execve", "wait4", "clone")
               and e["actor"] not in ("python3", "nc", "nc-2", "ss")], "no call of the shell is logged")
    for client in ("nc", "nc-2"):
        packets = [e for e in t.events("packet") if {e.get("from"), e.get("to")} == {client, "python3"}]
        check(len(packets) >= 6, "%s and the server exchange their packets (%d)" % (client, len(packets)))
    started = lab_processes()
    check(len(started) >= 2, "the shell and the server run")
    r = t.lab.command("terminal_close", terminal=t.id)
    check(r["reply"] == "ok" and r["killed"] >= 2, "terminal_close kills the shell and the server: %r" % r)
    check(t.wait(lambda t: len(t.events("exit", "python3")) == 1), "the server's exit is logged")
    check(not wait_gone(started), "nothing started from the terminal is left: %r" % wait_gone(started, 0))
    t.lab.quit()


def test_step():
    """Step mode: a program started from the terminal waits before each socket call."""
    t = Terminal(mode="step")
    check(t.wait(lambda t: b"lab:" in t.screen), "the prompt shows")
    t.type("python3 examples/python/tp5b_echo_server.py\n")
    check(t.wait(lambda t: len(t.events("call", "python3")) >= 1), "the server's first call")
    t.pump(0.5)
    held = t.events("call", "python3")
    # its first call: `import socket` imports selectors, which makes an epoll to see that it can
    check(len(held) == 1 and held[0].get("held") and held[0]["text"] == "epoll_create1(EPOLL_CLOEXEC)",
          "it waits before its first call, import socket's epoll_create1(): %r" % [e["text"] for e in held])
    check(not t.events("return", "python3"), "no return while it waits")
    for _ in range(2):
        r = t.lab.command("next", actor="python3")
        check(r["reply"] == "done", "next lets it go: %r" % r)
        t.pump(0.3)
    held = [e["text"] for e in t.events("call", "python3") if e.get("held")]
    check(len(held) == 3 and held[1] == "close(3)" and held[2].startswith("socket(AF_INET6"),
          "then before that epoll's close, then before socket(): %r" % held)
    for _ in range(5):
        r = t.lab.command("next", actor="python3")
        check(r["reply"] == "done", "next lets it go: %r" % r)
        t.pump(0.3)
    texts = t.calls("python3")[2:]
    check([x.split("(")[0] for x in texts[:6]] == ["socket", "setsockopt", "setsockopt", "bind", "listen", "accept4"],
          "one call per next: %r" % texts)
    # Ctrl-C in the terminal reaches the foreground program; held before accept4, it gets the
    # signal once Next lets the call go (a process stopped by its tracer runs nothing, not even
    # its signals)
    t.type("\x03")
    t.pump(0.3)
    check(not t.events("exit", "python3"), "held, it has not ended yet")
    r = t.lab.command("next", actor="python3")
    check(r["reply"] == "done", "next lets accept4 go: %r" % r)
    # Python's KeyboardInterrupt: its exit still makes socket calls, each held in turn
    for _ in range(20):
        if t.wait(lambda t: len(t.events("exit", "python3")) == 1, 0.5):
            break
        t.lab.command("next", actor="python3")
    check(b"KeyboardInterrupt" in t.screen, "the server got Ctrl-C: %r" % t.screen[-300:])
    check(len(t.events("exit", "python3")) == 1, "Ctrl-C ended the server")
    started = lab_processes()
    t.lab.command("terminal_close", terminal=t.id)
    check(not wait_gone(started), "nothing is left")
    t.lab.quit()


def test_refused():
    """Only a pty slave of the lab's own user: never another user's terminal or a device."""
    lab = labclient.Lab(NOBODY, lab=LAB)
    check(lab.fatal is None, "the lab starts")
    r = lab.command("terminal", tty="/dev/null", cwd="/")
    check(r["reply"] == "error" and "/dev/pts/N" in r["message"], "/dev/null is refused: %r" % r)
    if ROOT:
        master, slave = pty.openpty()     # root's: nobody's lab cannot take it
        r = lab.command("terminal", tty=os.ttyname(slave), cwd="/")
        check(r["reply"] == "error", "another user's pty is refused: %r" % r)
        os.close(master)
        os.close(slave)
    check(not lab_processes(), "no shell started")
    lab.quit()


def test_kill_lab():
    """SIGKILL of the lab (the app killed): the shell and the server started from it die too."""
    t = Terminal()
    check(t.wait(lambda t: b"lab:" in t.screen), "the prompt shows")
    t.type("python3 examples/python/tp5b_echo_server.py &\n")
    check(t.wait(lambda t: any(c.startswith("accept4(") for c in t.calls("python3"))), "the server accepts")
    started = lab_processes()
    check(len(started) >= 2, "the shell and the server run")
    t.lab.kill()
    check(not wait_gone(started), "nothing outlives the lab: %r" % wait_gone(started, 0))


TESTS = {"terminal": test_terminal, "step": test_step, "refused": test_refused, "kill-lab": test_kill_lab}

if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    TESTS[sys.argv[1]]()
    print("ok", sys.argv[1])
