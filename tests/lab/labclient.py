"""A minimal front end for sockscope-lab, for the lab's tests and bench.

It spawns the lab with one end of a socketpair (as the CLI and the app do),
sends commands, and keeps every event the lab writes.
"""
import collections
import json
import os
import selectors
import socket
import subprocess
import time

LAB = os.environ.get("SOCKSCOPE_LAB", "build/app/lab/sockscope-lab")


class LabError(Exception):
    pass


class Lab:
    def __init__(self, prefix=(), lab=LAB, timeout=10.0):
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.t_spawn = time.monotonic()
        self.proc = subprocess.Popen(
            list(prefix) + [lab, "--fd", str(theirs.fileno())],
            pass_fds=[theirs.fileno()])
        theirs.close()
        self.buf = b""
        self.lines = collections.deque()
        # Bursts: count packet events without parsing them.
        self.raw_packets = False
        self.n_raw_packets = 0
        self.events = []
        self.replies = []
        self.recv_times = {}  # seq -> time.monotonic() when the line arrived
        self.next_id = 1
        self.timeout = timeout
        first = self._next_line(timeout)
        if first is None:
            raise LabError("the lab closed the socket before saying ready")
        if first.get("reply") == "fatal":
            self.fatal = first
            self.ready = None
        else:
            self.fatal = None
            self.ready = first
        self.t_ready = time.monotonic()

    # -- reading --
    def _read_some(self, timeout):
        self.sock.settimeout(max(timeout, 0))
        try:
            data = self.sock.recv(1 << 20)
        except (socket.timeout, BlockingIOError):
            return False
        if not data:
            raise EOFError("the lab closed its end")
        parts = (self.buf + data).split(b"\n")
        self.buf = parts.pop()
        self.lines.extend(parts)
        return True

    def _pop_line(self):
        while self.lines:
            line = self.lines.popleft()
            if self.raw_packets and b'"type":"packet"' in line[:80]:
                self.n_raw_packets += 1
                continue
            return json.loads(line)
        return None

    def _next_line(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            obj = self._pop_line()
            if obj is not None:
                return obj
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                self._read_some(left)
            except EOFError:
                return None

    def _dispatch(self, obj):
        if "seq" in obj:
            self.recv_times[obj["seq"]] = time.monotonic()
            self.events.append(obj)
        else:
            self.replies.append(obj)

    def pump(self, timeout=0.0):
        """Read whatever arrives within timeout."""
        deadline = time.monotonic() + timeout
        while True:
            obj = self._pop_line()
            while obj is not None:
                self._dispatch(obj)
                obj = self._pop_line()
            left = deadline - time.monotonic()
            if left <= 0:
                try:
                    if not self._read_some(0):
                        return
                except EOFError:
                    return
                continue
            try:
                self._read_some(left)
            except EOFError:
                return

    def command(self, cmd, **members):
        cid = self.next_id
        self.next_id += 1
        obj = {"cmd": cmd, "id": cid}
        obj.update(members)
        self.sock.sendall((json.dumps(obj) + "\n").encode())
        deadline = time.monotonic() + self.timeout
        while True:
            for r in self.replies:
                if r.get("id") == cid:
                    self.replies.remove(r)
                    return r
            obj = self._pop_line()
            if obj is not None:
                self._dispatch(obj)
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise LabError("no reply to %r" % (obj,))
            self._read_some(left)

    def actor(self, name, **kw):
        r = self.command("actor", name=name, **kw)
        if r["reply"] != "ok":
            raise LabError(r)
        return r

    def call(self, actor, call, *args, assign=None, step=None):
        return self.command("call", actor=actor, call=call, args=list(args),
                            assign=assign, step=step)

    def settle(self, ms=300):
        return self.command("settle", ms=ms)

    def quit(self):
        try:
            r = self.command("quit")
        except (LabError, EOFError, OSError):
            r = None
        self.pump(0.2)
        self.proc.wait(timeout=5)
        self.sock.close()
        return r

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()

    # -- queries --
    def of_type(self, t):
        return [e for e in self.events if e["type"] == t]

    def event(self, seq):
        for e in self.events:
            if e["seq"] == seq:
                return e
        return None

    def return_of(self, call_seq):
        for e in self.events:
            if e["type"] == "return" and e["call_seq"] == call_seq:
                return e
        return None

    def packets_caused_by(self, call_seq):
        return [e for e in self.events if e["type"] == "packet" and e["cause"] == call_seq]
