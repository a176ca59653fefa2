"""Runs INSIDE a private user+net namespace (see sslib.capture): brings lo up, starts tcpdump
on it, runs one traffic scenario with real sockets, stops tcpdump.

usage: traffic.py OUT.pcap SCENARIO [SNAPLEN|- [TCPDUMP-ARGS...]]
SCENARIO: tcp4 tcp6 rst halfclose udp unreach handshake analysis frag all
TCPDUMP-ARGS replace "-i lo", e.g. "-i any -y LINUX_SLL2".
"""

import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

V4 = (socket.AF_INET, "127.0.0.1")
V6 = (socket.AF_INET6, "::1")


def listener(fam, port):
    s = socket.socket(fam[0], socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((fam[1], port))
    s.listen(4)
    return s


def recv_all(c):
    out = b""
    while True:
        d = c.recv(65536)
        if not d:
            return out
        out += d


def recv_n(c, n):
    out = b""
    while len(out) < n:
        d = c.recv(n - len(out))
        if not d:
            raise RuntimeError("peer closed after %d of %d bytes" % (len(out), n))
        out += d
    return out


def in_thread(fn, *args):
    t = threading.Thread(target=fn, args=args)
    t.start()
    return t


# ------------------------------------------------------------------ scenarios

def tcp_session(fam, port):
    """Handshake with Linux's default options, data both ways (small and 100 kB), FIN both ways."""
    ls = listener(fam, port)

    def server():
        c, _ = ls.accept()
        assert recv_n(c, 300) == b"hello " * 50
        c.sendall(bytes(range(256)) * 12)            # 3072 bytes
        big = recv_n(c, 100000)
        assert len(big) == 100000
        c.sendall(b"bye")
        assert c.recv(10) == b""
        c.close()

    t = in_thread(server)
    k = socket.socket(fam[0], socket.SOCK_STREAM)
    k.connect((fam[1], port))
    k.sendall(b"hello " * 50)
    recv_n(k, 3072)
    k.sendall(b"x" * 100000)
    assert recv_n(k, 3) == b"bye"
    k.close()
    t.join()
    ls.close()


def tcp4():
    tcp_session(V4, 47001)


def tcp6():
    tcp_session(V6, 47002)


def handshake():
    """Small and quiet: handshake, one request, one answer, FIN both ways."""
    ls = listener(V4, 47000)

    def server():
        c, _ = ls.accept()
        assert recv_n(c, 5) == b"hello"
        c.sendall(b"world!")
        assert c.recv(10) == b""
        c.close()

    t = in_thread(server)
    k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    k.connect(("127.0.0.1", 47000))
    k.sendall(b"hello")
    recv_n(k, 6)
    time.sleep(0.05)  # let the delayed ACK go out so the order is always the same
    k.close()
    t.join()
    ls.close()


def rst():
    for fam, port in ((V4, 47003), (V6, 47004)):
        # close() with SO_LINGER {1, 0}: an abortive close sends RST instead of FIN.
        ls = listener(fam, port)
        k = socket.socket(fam[0], socket.SOCK_STREAM)
        k.connect((fam[1], port))
        c, _ = ls.accept()
        k.sendall(b"abort me")
        assert recv_n(c, 8) == b"abort me"
        k.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        k.close()
        time.sleep(0.02)
        c.close()
        ls.close()
        # connect to a port nobody listens on: SYN, then RST+ACK from the kernel.
        k = socket.socket(fam[0], socket.SOCK_STREAM)
        try:
            k.connect((fam[1], port + 900))
            raise RuntimeError("connect to a closed port succeeded")
        except ConnectionRefusedError:
            pass
        k.close()


def halfclose():
    for fam, port in ((V4, 47005), (V6, 47006)):
        ls = listener(fam, port)

        def server():
            c, _ = ls.accept()
            assert recv_all(c) == b"request"    # until the client's FIN
            c.sendall(b"answer after your FIN")
            c.close()

        t = in_thread(server)
        k = socket.socket(fam[0], socket.SOCK_STREAM)
        k.connect((fam[1], port))
        k.sendall(b"request")
        k.shutdown(socket.SHUT_WR)
        assert recv_all(k) == b"answer after your FIN"
        k.close()
        t.join()
        ls.close()


def udp():
    for fam, port in ((V4, 47010), (V6, 47011)):
        srv = socket.socket(fam[0], socket.SOCK_DGRAM)
        srv.bind((fam[1], port))
        cli = socket.socket(fam[0], socket.SOCK_DGRAM)
        for size in (0, 1, 5, 1400, 9000, 60000):
            cli.sendto(b"u" * size, (fam[1], port))
            data, peer = srv.recvfrom(65536)
            assert len(data) == size
            srv.sendto(data, peer)                   # echo
            assert len(cli.recv(65536)) == size
        cli.close()
        srv.close()


def unreach():
    for fam, port in ((V4, 47020), (V6, 47021)):
        # connected: the ICMP error comes back as ECONNREFUSED on the next call
        k = socket.socket(fam[0], socket.SOCK_DGRAM)
        k.connect((fam[1], port))
        k.send(b"anyone there?")
        time.sleep(0.02)
        try:
            k.send(b"again")
        except ConnectionRefusedError:
            pass
        k.close()
        # unconnected sendto: the error is only in the capture
        k = socket.socket(fam[0], socket.SOCK_DGRAM)
        k.sendto(b"into the void", (fam[1], port + 1))
        k.sendto(b"x" * 700, (fam[1], port + 1))     # quote cut at 576 (v4) / 1280 (v6) bytes
        time.sleep(0.02)
        k.close()


def analysis():
    """Packets that Wireshark's TCP analysis names, made by the kernel on its own: a zero
    window and its probes, then a window update (a reader that stops reading), SYNs ignored by
    a full accept queue and sent again, ICMP port unreachable (v4 and v6) for a datagram."""
    # a receiver with a small buffer that does not read: the sender fills it, the window
    # closes, the sender's kernel probes it (~0.2 s, 0.4 s, ...), then the receiver reads
    ls = listener(V4, 47030)
    k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    k.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    k.connect(("127.0.0.1", 47030))
    c, _ = ls.accept()
    c.setblocking(False)
    sent = 0
    try:
        while sent < 400000:
            sent += c.send(b"z" * 4096)
    except BlockingIOError:
        pass
    time.sleep(1.0)
    k.setblocking(False)
    got = 0
    deadline = time.monotonic() + 5
    while got < sent and time.monotonic() < deadline:
        try:
            d = k.recv(65536)
            got += len(d)
        except BlockingIOError:
            time.sleep(0.005)
    c.close()
    k.close()
    ls.close()

    # listen(s, 1) and no accept: the third SYN is dropped, sent again ~1 s later
    ls = listener(V4, 47031)
    ls.listen(1)
    ks = []
    for _ in range(3):
        k = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        k.setblocking(False)
        try:
            k.connect(("127.0.0.1", 47031))
        except BlockingIOError:
            pass
        ks.append(k)
        time.sleep(0.05)
    time.sleep(1.3)
    for k in ks:
        k.close()
    ls.close()

    for fam, port in ((V4, 47032), (V6, 47033)):
        k = socket.socket(fam[0], socket.SOCK_DGRAM)
        k.sendto(b"first", (fam[1], port))
        k.sendto(b"second", (fam[1], port))
        time.sleep(0.02)
        k.close()


def frag():
    """lo at an MTU of 1280: UDP datagrams of 3000 and 1500 bytes leave in IP fragments (IPv4
    with MF and offsets in its header, IPv6 with Fragment extension headers)."""
    subprocess.run(["ip", "link", "set", "lo", "mtu", "1280"], check=True)
    try:
        for fam, port in ((V4, 47030), (V6, 47031)):
            srv = socket.socket(fam[0], socket.SOCK_DGRAM)
            srv.bind((fam[1], port))
            cli = socket.socket(fam[0], socket.SOCK_DGRAM)
            for size in (3000, 1500):
                cli.sendto(b"f" * size, (fam[1], port))
                data, peer = srv.recvfrom(65536)
                assert len(data) == size
            cli.close()
            srv.close()
    finally:
        subprocess.run(["ip", "link", "set", "lo", "mtu", "65536"], check=True)


def everything():
    for fn in (tcp4, tcp6, rst, halfclose, udp, unreach):
        fn()


SCENARIOS = {"tcp4": tcp4, "tcp6": tcp6, "rst": rst, "halfclose": halfclose, "udp": udp,
             "unreach": unreach, "handshake": handshake, "analysis": analysis, "frag": frag,
             "all": everything}


# ------------------------------------------------------------------ capture around it

def main():
    out, name = sys.argv[1], sys.argv[2]
    snaplen = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "-" else None
    iface = sys.argv[4:] or ["-i", "lo"]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # In immediate mode libpcap gives each packet a ring slot sized by the snap length: the
    # default 262144 bytes with the default 2 MB buffer leaves 8 slots, and a burst on lo drops
    # packets. 65549 bytes hold the largest frame lo carries (64 kB IP packet + Ethernet).
    cmd = ["tcpdump", "-n", "-U", "--immediate-mode", "-B", "65536", "-w", out,
           "-s", snaplen or "65549"] + iface
    errpath = out + ".tcpdump-stderr"
    with open(errpath, "w") as err:
        td = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + 10
    while True:
        with open(errpath) as f:
            text = f.read()
        if "listening on" in text:
            break
        if td.poll() is not None or time.monotonic() > deadline:
            td.kill()
            sys.exit("tcpdump did not start:\n" + text)
        time.sleep(0.01)
    try:
        SCENARIOS[name]()
    finally:
        time.sleep(0.15)
        td.send_signal(signal.SIGINT)
        td.wait(timeout=10)
        with open(errpath) as f:
            sys.stdout.write(f.read())
        os.unlink(errpath)


if __name__ == "__main__":
    main()
