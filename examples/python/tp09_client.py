#!/usr/bin/env python3
"""TP09 client: connects to the server on port 65432, prints its greeting, sends two messages.

Usage: python3 tp09_client.py [HOST]   (default 127.0.0.1; a name such as alice on two hosts:
    sockscope-cli trace --run "a: python3 tp09_server.py" --run "b: python3 tp09_client.py alice")
"""
import socket
import sys
import time

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
PORT = 65432

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
    client.connect((HOST, PORT))
    print("server says:", client.recv(1024).decode("utf-8"))
    client.sendall("Bonjour Serveur 65432, nous sommes donc dans la phase de transfert".encode("utf-8"))
    time.sleep(0.1)   # two messages, two segments: the server reads them one by one
    client.sendall("Serveur 65432, je vous dis au revoir, à bientôt".encode("utf-8"))
