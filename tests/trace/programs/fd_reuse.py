#!/usr/bin/env python3
"""A socket's fd number given to another file in every way a program can (dup2, dup3, close
then open, close_range, execve's close-on-exec), in a process, its thread and its fork: a write
on the number is traced while it is a socket, and only then (test_trace.py fd-reuse)."""
import os
import socket
import sys
import threading


def pair():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    c = socket.create_connection(srv.getsockname())
    s, _ = srv.accept()
    srv.close()
    return c.detach(), s.detach()


def null():
    return os.open("/dev/null", os.O_WRONLY)


def null_at(n):
    """/dev/null opened at the free number n (lower free numbers filled, then freed)."""
    taken = []
    while True:
        fd = null()
        if fd == n:
            break
        assert fd < n, (fd, n)
        taken.append(fd)
    for t in taken:
        os.close(t)
    return n


if len(sys.argv) == 3:
    # after the execve at the end: the socket closed on exec, a file at its number
    c, f = int(sys.argv[1]), int(sys.argv[2])
    os.dup2(f, c)
    os.write(c, b"file 10")
    sys.exit(0)
c, s = pair()
os.write(c, b"socket 1")
os.read(s, 100)
# dup2 a file onto the socket's number: the number is the file from then on
f = null()
os.dup2(f, c)
os.write(c, b"file 1")
# dup3 (O_CLOEXEC) of a file onto a socket's number
c, s2 = pair()
os.write(c, b"socket 2")
os.dup2(f, c, inheritable=False)
os.write(c, b"file 2")
# close, then a file opened at the same number
os.write(s, b"socket 3")
os.close(s)
g = null_at(s)
os.write(g, b"file 3")
# close_range over a socket's number, then a file there
c, s = pair()
os.write(c, b"socket 4")
os.closerange(c, c + 1)   # close_range (c, c, 0)
g = null_at(c)
os.write(g, b"file 4")
# and back: a socket dup2'ed onto a file's number is a socket there
os.dup2(s, g)
os.write(g, b"socket 5")
# a thread sharing the table changes it; the main thread's next write sees the change
c, s = pair()
os.write(c, b"socket 6")
t = threading.Thread(target=lambda: os.dup2(f, c))
t.start()
t.join()
os.write(c, b"file 6")
# a fork: the child's table is its own copy
c, s = pair()
os.write(c, b"socket 7")
pid = os.fork()
if pid == 0:
    os.write(c, b"socket 8")
    os.dup2(f, c)
    os.write(c, b"file 8")
    os._exit(0)
os.waitpid(pid, 0)
os.write(c, b"socket 9")
# execve: a close-on-exec socket is gone in the new program, a file takes its number there
c, s = pair()
os.write(c, b"socket 10")
os.set_inheritable(f, True)
os.execv(sys.executable, [sys.executable, sys.argv[0], str(c), str(f)])
