#!/usr/bin/env python3
"""Opens a socket, then crashes (SIGSEGV)."""
import os
import signal
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
os.kill(os.getpid(), signal.SIGSEGV)
