#!/usr/bin/env python3
"""trace-bench's echo server: one client, every message sent back, until the client closes."""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7878
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
conn, peer = srv.accept()
while True:
    data = conn.recv(1500)
    if not data:
        break
    conn.sendall(data)
conn.close()
srv.close()
