#!/usr/bin/env python3
"""Sends one line to 127.0.0.1:PORT and prints the answer."""
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 7777
with socket.create_connection(("127.0.0.1", port)) as c:
    c.sendall(b"bonjour\n")
    print(c.recv(100))
