#!/usr/bin/env python3
"""Forks until fork fails, then reports the error; every child waits to be killed."""
import os
import time

n = 0
while True:
    try:
        pid = os.fork()
    except OSError as e:
        print("fork failed after", n, "children:", e.strerror)
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    n += 1
