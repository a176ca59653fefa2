#!/usr/bin/env python3
"""TP5b echo server on port 7777: IPv6 and IPv4 (one dual-stack socket), backlog 1, each
client served until it closes (recv returns 0 bytes).  Try it with nc:
    sockscope-cli trace --run "python3 tp5b_echo_server.py" --run "nc localhost 7777"
"""
import socket

PORT = 7777

server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)   # IPv4 clients too
server.bind(("", PORT))
server.listen(1)
while True:
    conn, addr = server.accept()
    print("client", addr)
    while True:
        data = conn.recv(1500)
        if len(data) == 0:
            break
        conn.sendall(data)
    conn.close()
