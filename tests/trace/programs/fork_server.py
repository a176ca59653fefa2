#!/usr/bin/env python3
"""A concurrent server as the course draws it: the parent ("veilleur") accepts, a forked child
("exécutant") serves the connection; a thread of the parent opens a UDP socket. One client."""
import os
import socket
import threading

def udp_thread():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 7778))
    u.close()

t = threading.Thread(target=udp_thread)
t.start()
t.join()

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7777))
s.listen(5)
c, addr = s.accept()
pid = os.fork()
if pid == 0:
    s.close()
    data = c.recv(100)
    c.sendall(data.upper())
    c.close()
    os._exit(0)
c.close()
os.waitpid(pid, 0)
s.close()
