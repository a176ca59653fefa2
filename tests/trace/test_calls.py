#!/usr/bin/env python3
"""The socket calls the course's examples do not make (socketpair, readv/writev on sockets,
sendmmsg/recvmmsg, getsockopt, getpeername, fcntl O_NONBLOCK, ioctl FIONBIO, select/pselect, poll/ppoll,
epoll_create1/epoll_ctl/epoll_wait, shutdown, vfork, wait4), traced from tests/trace/programs/calls.c as uid 65534 when
run as root: each shown with its arguments as C reads them."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SOCKSCOPE_BUILD_ROOT", os.path.join(SRC, "build"))
CLI = os.path.join(BUILD, "app", "cli", "sockscope-cli")
NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups") if os.geteuid() == 0 else ()


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def main():
    tmp = tempfile.mkdtemp(prefix="trace-calls-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        prog = os.path.join(tmp, "calls")
        subprocess.run(["cc", "-g", "-o", prog, os.path.join(SRC, "tests", "trace", "programs", "calls.c")], check=True)
        p = subprocess.run(list(NOBODY) + [CLI, "trace", "--json", "--", prog], cwd=tmp,
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(tmp)
    check(p.returncode == 0, "trace ends with 0: %s" % p.stderr.decode())
    ev = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
    text = {}
    for e in ev:
        if e["type"] == "call":
            text.setdefault(e["call"], []).append(e)

    def ret(call):
        return [e for e in ev if e["type"] == "return" and e["call_seq"] == call["seq"]][0]

    def one(name, expected):
        check(name in text, "%s is traced" % name)
        check(text[name][0]["text"] == expected, "%s shown as %r, not %r" % (name, expected, text[name][0]["text"]))
        return text[name][0]

    check(ret(one("socketpair", "socketpair(AF_UNIX, SOCK_STREAM, 0)"))["out"]["fds"] == [3, 4], "socketpair's two fds")
    one("writev", 'writev(3, "abcde", 5)')
    check(ret(one("readv", "readv(4, 12, 2)"))["out"]["data"] == "abcde", "readv's data")
    # sendmmsg(fd, msgvec, vlen, flags): vlen 2 is not MSG_PEEK, each message's data shown
    one("sendmmsg", 'sendmmsg(5, ["one", "two!"], 2, 0)')
    r = ret(one("recvmmsg", "recvmmsg(6, 2, MSG_DONTWAIT)"))
    check(r["ret"] == 2 and r["out"]["data"] == "onetwo!", "recvmmsg's two messages received: %r" % r)
    check(ret(one("getsockopt", "getsockopt(6, SOL_SOCKET, SO_RCVBUF)"))["out"]["value"] > 0, "getsockopt's value")
    check(ret(one("getpeername", "getpeername(5)"))["out"]["addr"] == "127.0.0.1:9000", "getpeername's address")
    check([c for c in text["fcntl"] if c["text"] == "fcntl(5, F_SETFL, O_RDWR|O_NONBLOCK)"], "fcntl O_NONBLOCK by name")
    check(ret(text["recvfrom"][0])["errno"] == "EAGAIN", "a non-blocking recv: EAGAIN")
    check([c["text"] for c in text.get("ioctl", [])] == ["ioctl(6, FIONBIO, 1)"],
          "ioctl FIONBIO on a socket, only it: %r" % [c["text"] for c in text.get("ioctl", [])])
    # select's three sets as C passes them (glibc's select is pselect6); one waiting to write,
    # as nc does for its connect: the socket found ready in the write set
    one("pselect6", "pselect6(7, [4, 6], NULL, NULL)")
    w = [c for c in text["pselect6"] if c["text"] == "pselect6(6, NULL, [5], NULL)"]
    check(w and ret(w[0])["ret"] == 1 and ret(w[0])["out"]["ready_fds"] == [5],
          "a write set: %r" % [(c["text"], ret(c)["out"]) for c in text["pselect6"]])
    # a pollfd of fd -1 (the kernel ignores it) is not shown; each fd with its events; the ready fd still found
    check(ret(one("poll", "poll([{4, POLLIN}, {6, POLLIN}], 3)"))["out"]["ready_fds"] == [4], "poll's ready fd")
    check(ret(one("ppoll", "ppoll([{4, POLLIN}, {6, POLLIN}], 3)"))["out"]["revents"] == ["POLLIN", "0"], "ppoll's revents by fd")
    # epoll: the epoll fd made, each socket registered (its data as given), the ready fds found
    # from the kernel's list of the epoll's items even when data is not the fd
    check(ret(one("epoll_create1", "epoll_create1(0)"))["ret"] == 7, "epoll_create1 gives fd 7")
    ctl = [c["text"] for c in text.get("epoll_ctl", [])]
    check(ctl == ["epoll_ctl(7, EPOLL_CTL_ADD, 4, {events=EPOLLIN, data.fd=4})",
                  "epoll_ctl(7, EPOLL_CTL_ADD, 6, {events=EPOLLIN, data=0x5eed5eed5eed})",
                  "epoll_ctl(7, EPOLL_CTL_MOD, 4, {events=EPOLLIN|EPOLLRDHUP, data.fd=4})",
                  "epoll_ctl(8, EPOLL_CTL_ADD, 4, {events=EPOLLIN, data=0})",
                  "epoll_ctl(8, EPOLL_CTL_ADD, 6, {events=EPOLLIN, data=0})",
                  "epoll_ctl(7, EPOLL_CTL_DEL, 6, NULL)"], "epoll_ctl's operations as C reads them: %r" % ctl)
    r = ret(one("epoll_wait", "epoll_wait(7, 4)"))
    check(r["ret"] == 2 and sorted(r["out"]["ready_fds"]) == [4, 6] and sorted(r["out"]["ready"]) == ["4", "6"],
          "epoll_wait's two ready sockets: %r" % r)
    check(r["out"]["revents"] == ["EPOLLIN", "EPOLLIN"], "epoll_wait's events by name: %r" % r)
    check("close(7)" in [c["text"] for c in text["close"]], "the epoll fd's close is shown, as a socket's")
    # two sockets registered with the same data: the ready events name no fd rather than a wrong one
    check(ret(one("epoll_create", "epoll_create(1)"))["ret"] == 8, "epoll_create (the old API) gives fd 8")
    r = ret(one("epoll_pwait", "epoll_pwait(8, 4)"))
    check(r["ret"] == 2 and r["out"]["ready_fds"] == [None, None] and r["out"]["ready"] == ["data=0", "data=0"],
          "epoll_pwait's ready events whose data two sockets share name no fd: %r" % r)
    check("close(8)" in [c["text"] for c in text["close"]], "the second epoll's close is shown")
    bad = text["epoll_create1"][-1]
    check(bad["text"] == "epoll_create1(10)" and ret(bad)["errno"] == "EINVAL",
          "epoll_create1's flags as given, not 0: %r" % bad["text"])
    one("shutdown", "shutdown(3, SHUT_WR)")
    one("vfork", "vfork()")
    w = ret(one("wait4", "wait4(%d, 0)" % ret(text["vfork"][0])["ret"]))
    check(w["out"]["exit_status"] == 3, "wait4 reads the child's status: %r" % w)
    child = [e for e in ev if e["type"] == "actor" and e["parent"] == "calls"]
    check(child and child[0]["via"] == text["vfork"][0]["seq"], "the vfork child is an actor made by vfork")

    # each epoll's close shown once, whatever comes between its creation and its close
    tmp = tempfile.mkdtemp(prefix="trace-epoll-", dir=BUILD)
    os.chmod(tmp, 0o755)
    try:
        prog = os.path.join(tmp, "epoll_close")
        subprocess.run(["cc", "-g", "-o", prog, os.path.join(SRC, "tests", "trace", "programs", "epoll_close.c")], check=True)
        p = subprocess.run(list(NOBODY) + [CLI, "trace", "--json", "--", prog], cwd=tmp, capture_output=True, timeout=60)
    finally:
        shutil.rmtree(tmp)
    check(p.returncode == 0, "epoll_close traced: %s" % p.stderr.decode())
    events = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
    shown = [e["text"] for e in events if e["type"] == "call" and e["call"] not in ("execve", "exit_group")]
    check(shown == ["epoll_create1(0)", "close(3)", "epoll_create1(0)", "close(3)", "socket(AF_INET, SOCK_DGRAM, 0)",
                    "epoll_create1(EPOLL_CLOEXEC)", "close(3)", "epoll_create(1)", "close(3)", "close(4)"],
          "every epoll's close, each once: %r" % shown)
    check(all(any(r["type"] == "return" and r["call_seq"] == e["seq"] for r in events)
              for e in events if e["type"] == "call" and e["call"] != "exit_group"), "a return for every call")

    # ss (in the lab's terminal too) talks to the kernel over netlink: its address and options by name
    p = subprocess.run(list(NOBODY) + [CLI, "trace", "--json", "--", "ss", "-tln"], cwd="/", capture_output=True, timeout=60)
    check(p.returncode == 0, "ss traced: %s" % p.stderr.decode())
    calls = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
    shown = [e["text"] for e in calls if e["type"] == "call"]
    check("socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_SOCK_DIAG)" in shown,
          "ss's netlink protocol by name: %r" % shown)
    check("bind(3, netlink:0)" in shown, "ss's bind shows a netlink address: %r" % shown)
    check("setsockopt(3, SOL_NETLINK, NETLINK_EXT_ACK, 1)" in shown, "SOL_NETLINK options by name: %r" % shown)
    check(not [t for t in shown if "(family" in t], "no address left as a bare family number: %r" % shown)


main()
