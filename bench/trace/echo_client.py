#!/usr/bin/env python3
"""trace-bench's echo client: N round trips of a 64-byte message, each answer checked."""
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7878
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
msg = b"0123456789abcdef" * 4
for attempt in range(500):          # untraced runs start both at once: wait for the listener
    try:
        sock = socket.create_connection(("127.0.0.1", port))
        break
    except ConnectionRefusedError:
        time.sleep(0.01)
else:
    sys.exit("echo_client: no server on port %d" % port)
for i in range(rounds):
    sock.sendall(msg)
    got = b""
    while len(got) < len(msg):
        part = sock.recv(1500)
        if not part:
            sys.exit("echo_client: the server closed after %d round trips" % i)
        got += part
    if got != msg:
        sys.exit("echo_client: round trip %d came back wrong" % i)
sock.close()
