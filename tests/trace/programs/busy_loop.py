#!/usr/bin/env python3
"""Loops for ever without a socket call."""
while True:
    pass
