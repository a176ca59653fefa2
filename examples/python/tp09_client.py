#!/usr/bin/env python3
"""TP09 client: connects to the server on port 65432, prints its greeting, sends two messages."""
import socket
import time

HOST = "127.0.0.1"
PORT = 65432

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
    client.connect((HOST, PORT))
    print("server says:", client.recv(1024).decode("utf-8"))
    client.sendall("Bonjour Serveur 65432, nous sommes donc dans la phase de transfert".encode("utf-8"))
    time.sleep(0.1)   # two messages, two segments: the server reads them one by one
    client.sendall("Serveur 65432, je vous dis au revoir, à bientôt".encode("utf-8"))
