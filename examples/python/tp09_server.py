#!/usr/bin/env python3
"""TP09 server: waits on port 65432 for one client, greets it, prints its two messages.

Usage: python3 tp09_server.py [ADDRESS]   (default 127.0.0.1; 0.0.0.0 for a client on another host)

Trace it with its client:
    sockscope-cli trace --run "python3 tp09_server.py" --run "python3 tp09_client.py"
and across a wire, the client on host b reaching host a by its name:
    sockscope-cli trace --run "a: python3 tp09_server.py 0.0.0.0" --run "b: python3 tp09_client.py alice"
"""
import socket
import sys

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
PORT = 65432

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, PORT))
    server.listen()
    conn, addr = server.accept()
    with conn:
        print("client connected from", addr)
        conn.sendall("Bonjour Client, je suis le serveur 65432, la connexion est établie".encode("utf-8"))
        for _ in range(2):
            data = conn.recv(1024)
            if not data:
                break
            print("received:", data.decode("utf-8"))
