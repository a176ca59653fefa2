#!/usr/bin/env python3
"""Tries to reach a host on the internet."""
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.connect(("93.184.216.34", 80))
except OSError as e:
    print("connect failed:", e.strerror)
