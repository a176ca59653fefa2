#!/usr/bin/env python3
"""Each lesson's texts say what its steps do; a real run must show it. For every lesson, the
claims its step texts make that the event log can check (the packets a call causes and who sends
them, the packets the kernel sends on its own, the states the sockets reach, what a call returns,
whether it blocks, which blocked call it wakes) are written below as data, and asserted on one
real run of the lesson (`sockscope-cli run ID --json`, as an unprivileged user).

A claim here must hold in every run: a text that depends on timing (a delayed ACK, a probe after
a timeout) says so in its words, and the claim only checks what cannot vary.

Claims, one string each (ACTOR:VAR names the socket ACTOR's variable VAR holds at that step):
  sends -                     the call causes no packet
  sends P, P...               the call causes exactly these packets, in this order
  sends data A>B              the call causes packets, each with data, from A to B
  shows P, P...               the step shows exactly these packets, whatever their cause
  kernel P                    during the step the kernel sends, on its own, a packet matching P
  kernel since N: P           ... from step N to this step
  retransmits N               the kernel sends again, on its own, the first packet of step N
  acks N                      the first packet the call causes acknowledges the FIN of step N
  silent after                no packet at all from this step's call to the end of the run
  blocks / no block           the call blocked, or returned at once
  never returns               the call is still blocked at the end of the run
  wakes N                     the blocked call of step N returns during this step
  returns V                   V: 3, -1 ECONNREFUSED, >0, <100000, 32768..60999
  returns pid ACTOR           the pid of ACTOR (fork, waitpid)
  status N                    waitpid's exit status
  hex HEX                     the bytes received, in hex
  same-addr N                 the same address as the call of step N returned
  raw HEX                     the first packet the call causes holds these bytes
  payload HEX                 ... and carries exactly these data bytes
  replies N                   ... goes back to where the first packet of step N came from
  of N: CLAIM                 CLAIM about the call of step N (its return, say), seen now
  family ACTOR:VAR F          the socket's family (inet, inet6, unix)
  data "..."                  the bytes received (JSON string)
  ready a,b                   select's ready set
  addr REGEX                  the address the call returned (out.addr), whole match
  value V                     out.value (getsockopt)
  flags F                     F among the recv flags (MSG_TRUNC); flags -: none
  state ACTOR:VAR S[|S]       the socket's state once the step is over
  ends ACTOR:VAR S            the socket's last state in the run
  never ACTOR:VAR S           the socket never reaches S
  recvq / sendq ACTOR:VAR V   its recv-Q / send-Q once the step is over
  holders ACTOR:VAR a,b       the processes holding it once the step is over
  seen recvq ACTOR:VAR V      its recv-Q is V at some moment of the step (sendq too)
  signal ACTOR SIG WHO        ACTOR receives SIG from WHO during the step
  exit ACTOR                  ACTOR ends during the step
  no signal                   no signal at all in the run
A packet P is NAME FROM>TO [len=N] [win=0|win>0] [ip=4|6] [as=ANALYSIS]: NAME as the questions
name packets (SYN, SYN-ACK, ACK, PSH-ACK, FIN, RST, UDP datagram, ICMP port unreachable), FROM and
TO actor names (the packet event's `from`/`to`), - for none (a closed port, a host's kernel), A|B
for either; ANALYSIS what the lab's packet analysis names it (retransmission, zero-window...),
checked when the log has it.

`no block` is claimed only where a text says a call returns at once: the lab calls a call blocked
when it is still running after 10 ms, which a loopback connect can be on a busy machine."""
import base64
import json
import os
import re
import subprocess
import sys
import unittest

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

# ---- the claims ---------------------------------------------------------------------------------
# lesson -> {step: ("actor: call", [claims])}; "actor: call" is checked against the run, so that a
# step added or removed in a lesson cannot shift the claims onto the wrong calls.

HANDSHAKE = "SYN {c}>{s}, SYN-ACK {s}>{c}, ACK {c}>{s}"


def handshake(client, server="server"):
    return "sends " + HANDSHAKE.format(c=client, s=server)


CLAIMS = {
    "tcp-handshake": {
        1: ("server: socket", ["returns 3", "sends -"]),
        2: ("server: bind", ["returns 0", "sends -"]),
        3: ("server: listen", ["returns 0", "state server:s LISTEN", "sendq server:s 5"]),
        4: ("server: accept", ["blocks"]),
        5: ("client: socket", ["sends -"]),
        6: ("client: connect", [handshake("client"), "returns 0", "wakes 4", "state client:c ESTAB",
                                "state server:conn ESTAB"]),
        7: ("client: send", ["sends PSH-ACK client>server len=5", "returns 5", "no block"]),
        8: ("server: recv", ["returns 5", 'data "hello"']),
        9: ("server: send", ["sends PSH-ACK server>client len=8", "returns 8"]),
        10: ("client: recv", ["returns 8", 'data "hi there"']),
        11: ("client: close", ["sends FIN client>server", "state server:conn CLOSE-WAIT",
                               "state client:c FIN-WAIT-1|FIN-WAIT-2"]),
        12: ("server: close", ["sends FIN server>client", "acks 11", "kernel ACK client>server",
                               "state client:c TIME-WAIT", "state server:conn CLOSED"]),
        13: ("server: close", ["sends -", "state server:s CLOSED"]),
    },
    "tcp-echo": {
        1: ("server: socket", ["sends -"]),
        2: ("server: bind", ["returns 0"]),
        3: ("server: listen", ["state server:s LISTEN", "sendq server:s 5"]),
        4: ("server: accept", ["blocks"]),
        5: ("client: socket", ["sends -"]),
        6: ("client: connect", [handshake("client"), "wakes 4", "state server:conn ESTAB",
                                "state server:s LISTEN"]),
        7: ("client: send", ["sends PSH-ACK client>server len=6", "kernel ACK server>client"]),
        8: ("server: recv", ["returns 6", 'data "hello\\n"']),
        9: ("server: send", ["sends PSH-ACK server>client len=6", "returns 6"]),
        10: ("client: recv", ['data "hello\\n"']),
        11: ("client: send", ["sends PSH-ACK client>server len=4", "state client:c ESTAB"]),
        12: ("server: recv", ['data "bye\\n"']),
        13: ("server: send", ["sends PSH-ACK server>client len=4"]),
        14: ("client: recv", ['data "bye\\n"']),
        15: ("client2: socket", ["sends -"]),
        16: ("client2: connect", [handshake("client2"), "returns 0", "recvq server:s 1"]),
        17: ("client2: send", ["sends PSH-ACK client2>server len=5", "kernel ACK server>client2",
                               ]),
        18: ("client: close", ["sends FIN client>server", "state server:conn CLOSE-WAIT"]),
        19: ("server: recv", ["returns 0"]),
        20: ("server: close", ["sends FIN server>client", "kernel ACK client>server",
                               "state client:c TIME-WAIT", "holders client:c -"]),
        21: ("server: accept", ["no block", "recvq server:s 0", "recvq server:conn 5"]),
        22: ("server: recv", ["no block", 'data "next\\n"']),
        23: ("server: send", ["sends PSH-ACK server>client2 len=5"]),
        24: ("client2: recv", ['data "next\\n"']),
        25: ("client2: close", ["sends FIN client2>server"]),
        26: ("server: recv", ["returns 0"]),
        27: ("server: close", ["sends FIN server>client2", "state client2:d TIME-WAIT"]),
        28: ("server: close", ["sends -"]),
    },
    "tp-bonjour": {
        2: ("server: bind", ["returns 0"]),
        3: ("server: listen", ["state server:s LISTEN", "sendq server:s 1"]),
        4: ("server: accept", ["blocks", r"addr 127\.0\.0\.1:\d+"]),
        6: ("client: connect", [handshake("client"), "wakes 4"]),
        7: ("server: send", ["sends PSH-ACK server>client len=66", "returns 66"]),
        8: ("client: recv", ["returns 66"]),
        9: ("client: send", ["sends PSH-ACK client>server len=66", "state client:c ESTAB"]),
        10: ("server: recv", ["returns 66"]),
        11: ("client: send", ["sends PSH-ACK client>server len=36"]),
        12: ("client: close", ["sends FIN client>server", "recvq server:conn >0"]),
        13: ("server: recv", ["no block", "returns 36"]),
        14: ("server: close", ["sends FIN server>client", "state client:c TIME-WAIT"]),
        15: ("server: close", ["sends -", "state server:s CLOSED"]),
    },
    "udp-echo": {
        2: ("server: bind", ["returns 0", "state server:s UNCONN"]),
        4: ("client: sendto", ["sends UDP datagram client>server len=4", "returns 4",
                               "shows UDP datagram client>server"]),
        5: ("server: recvfrom", ['data "ping"', r"addr 127\.0\.0\.1:\d+"]),
        6: ("server: sendto", ["sends UDP datagram server>client len=4", "replies 4"]),
        7: ("client: recvfrom", ["returns 4", 'data "ping"']),
        8: ("client: close", ["sends -", "state client:c CLOSED"]),
        9: ("server: close", ["sends -", "state server:s CLOSED"]),
    },
    "stream-vs-datagram": {
        3: ("server: listen", ["state server:s LISTEN"]),
        5: ("client: connect", [handshake("client"), "recvq server:s 1"]),
        6: ("server: accept", ["no block"]),
        7: ("client: send", ["sends PSH-ACK client>server len=3"]),
        8: ("client: send", ["sends PSH-ACK client>server len=3"]),
        9: ("server: recv", ["returns 6", 'data "onetwo"']),
        10: ("client: send", ["sends PSH-ACK client>server len=10"]),
        11: ("server: recv", ["returns 4", 'data "abcd"', "recvq server:conn 6"]),
        12: ("server: recv", ["returns 6", 'data "efghij"']),
        14: ("server: bind", ["returns 0", "sends -"]),
        16: ("client: sendto", ["sends UDP datagram client>server len=3"]),
        17: ("client: sendto", ["sends UDP datagram client>server len=3", "recvq server:u >0"]),
        18: ("server: recvfrom", ["returns 3", 'data "one"']),
        19: ("server: recvfrom", ["returns 3", 'data "two"']),
        20: ("client: sendto", ["sends UDP datagram client>server len=10"]),
        21: ("server: recv", ["returns 4", 'data "abcd"', "flags MSG_TRUNC"]),
        22: ("client: sendto", ["sends UDP datagram client>server len=4"]),
        23: ("server: recv", ['data "next"', "flags -"]),
        24: ("client: close", ["sends FIN client>server"]),
        25: ("server: close", ["sends FIN server>client", "state client:c TIME-WAIT"]),
        26: ("client: close", ["sends -"]),
        27: ("server: close", ["sends -"]),
        28: ("server: close", ["sends -"]),
    },
    "connection-refused": {
        2: ("client: connect", ["sends SYN client>-, RST ->client", "returns -1 ECONNREFUSED",
                                ]),
        3: ("client: close", ["sends -"]),
        5: ("client: connect", ["sends -", "returns 0", "state client:u ESTAB"]),
        6: ("client: send", ["sends UDP datagram client>- len=7, "
                             "ICMP port unreachable ->client as=port-unreachable",
                             "returns 7", "no block"]),
        7: ("client: recv", ["returns -1 ECONNREFUSED"]),
        8: ("client: close", ["sends -"]),
    },
    "backlog": {
        2: ("server: bind", ["returns 0"]),
        3: ("server: listen", ["state server:s LISTEN", "sendq server:s 1"]),
        4: ("client1: socket", ["sends -"]),
        5: ("client1: connect", [handshake("client1"), "returns 0", "recvq server:s 1"]),
        7: ("client2: connect", [handshake("client2"), "recvq server:s 2"]),
        9: ("client3: connect", ["shows SYN client3>server as=syn-ignored", "blocks",
                                 "state client3:c SYN-SENT"]),
        10: ("server: accept", ["seen recvq server:s 1", "wakes 9", "retransmits 9",
                                "shows SYN client3>server as=retransmission, SYN-ACK server>client3, "
                                "ACK client3>server"]),
        11: ("client3: send", ["sends PSH-ACK client3>server len=7", "returns 7",
                               "of 9: returns 0"]),
        12: ("server: accept", ["state server:conn2 ESTAB", "recvq server:s 1"]),
        13: ("server: accept", ["recvq server:s 0"]),
        14: ("server: recv", ['data "finally"', "no block"]),
        15: ("client1: close", ["sends FIN client1>server"]),
        16: ("client2: close", ["sends FIN client2>server"]),
        17: ("client3: close", ["sends FIN client3>server", "state server:conn1 CLOSE-WAIT",
                                "state server:conn2 CLOSE-WAIT", "state server:conn3 CLOSE-WAIT"]),
        18: ("server: close", ["sends FIN server>client1", "state client1:c TIME-WAIT"]),
        19: ("server: close", ["sends FIN server>client2"]),
        20: ("server: close", ["sends FIN server>client3"]),
        21: ("server: close", ["sends -"]),
    },
    "reuseaddr": {
        2: ("server: setsockopt", ["returns 0"]),
        3: ("server: bind", ["returns 0"]),
        4: ("server: listen", ["state server:s LISTEN"]),
        6: ("client: connect", [handshake("client")]),
        7: ("server: accept", [r"addr 127\.0\.0\.1:\d+", "state server:conn ESTAB"]),
        8: ("server: close", ["sends FIN server>client", "state server:conn FIN-WAIT-2",
                              "state client:c CLOSE-WAIT"]),
        9: ("client: close", ["sends FIN client>server", "state server:conn TIME-WAIT"]),
        10: ("server: close", ["sends -", "state server:s CLOSED", "state server:conn TIME-WAIT"]),
        12: ("restarted: bind", ["returns -1 EADDRINUSE"]),
        13: ("restarted: setsockopt", ["returns 0"]),
        14: ("restarted: bind", ["returns 0"]),
        15: ("restarted: listen", ["state restarted:s LISTEN", "state server:conn TIME-WAIT"]),
        16: ("restarted: close", ["sends -"]),
    },
    "shutdown-linger": {
        5: ("client: connect", [handshake("client")]),
        7: ("client: send", ["sends PSH-ACK client>server len=26"]),
        8: ("client: shutdown", ["sends FIN client>server", "state client:c FIN-WAIT-1|FIN-WAIT-2",
                                 "state server:conn CLOSE-WAIT"]),
        9: ("server: recv", ["returns 26"]),
        10: ("server: recv", ["returns 0"]),
        11: ("server: send", ["sends PSH-ACK server>client len=2", "kernel ACK client>server",
                              "state client:c FIN-WAIT-2"]),
        12: ("client: recv", ['data "26"']),
        13: ("server: close", ["sends FIN server>client", "state client:c TIME-WAIT"]),
        14: ("client: close", ["sends -"]),
        16: ("client: connect", [handshake("client")]),
        17: ("server: accept", ["state server:conn2 ESTAB"]),
        18: ("client: setsockopt", ["returns 0", "sends -"]),
        19: ("client: close", ["sends RST client>server", "state client:c2 CLOSED",
                               "never client:c2 TIME-WAIT", "never client:c2 FIN-WAIT-1"]),
        20: ("server: recv", ["returns -1 ECONNRESET"]),
        21: ("server: close", ["sends -"]),
    },
    "blocking": {
        1: ("server: socket", ["no block"]),
        2: ("server: bind", ["no block", "returns 0"]),
        3: ("server: listen", ["no block", "returns 0"]),
        4: ("server: accept", ["blocks"]),
        5: ("client: socket", ["no block"]),
        6: ("client: connect", [handshake("client"), "wakes 4"]),
        7: ("server: recv", ["blocks"]),
        8: ("client: send", ["no block", "returns 4", "sends PSH-ACK client>server len=4", "wakes 7",
                             'of 7: data "ping"']),
        9: ("client: fcntl", ["returns 0"]),
        10: ("client: recv", ["returns -1 EAGAIN", "no block"]),
        11: ("server: send", ["sends PSH-ACK server>client len=4"]),
        12: ("client: recv", ["returns 4", 'data "pong"', "no block"]),
        13: ("client: fcntl", ["returns 0"]),
        14: ("server: recv", ["blocks", "never returns"]),
        15: ("client: recv", ["blocks", "never returns", "silent after", "state client:c ESTAB",
                              "state server:conn ESTAB", "recvq client:c 0", "sendq client:c 0",
                              "recvq server:conn 0", "sendq server:conn 0"]),
    },
    "concurrent-fork": {
        4: ("server: listen", ["state server:s LISTEN"]),
        5: ("server: accept", ["blocks"]),
        7: ("client1: connect", [handshake("client1"), "wakes 5"]),
        8: ("server: fork", ["sends -", "returns pid worker1", "holders server:s server,worker1",
                             "holders server:conn server,worker1"]),
        9: ("server: close", ["sends -", "holders worker1:conn worker1", "state worker1:conn ESTAB"]),
        10: ("worker1: close", ["sends -", "holders server:s server"]),
        11: ("server: accept", ["blocks"]),
        13: ("client2: connect", [handshake("client2"), "wakes 11", "state worker1:conn ESTAB",
                                  "holders worker1:conn worker1"]),
        14: ("server: fork", ["sends -", "returns pid worker2", "holders server:conn server,worker2"]),
        15: ("server: close", ["sends -", "holders worker2:conn worker2"]),
        16: ("worker2: close", ["sends -", "holders server:s server"]),
        17: ("client2: send", ["sends PSH-ACK client2>worker2 len=4"]),
        18: ("worker2: recv", ['data "two\\n"']),
        19: ("worker2: send", ["sends PSH-ACK worker2>client2 len=4"]),
        20: ("client1: send", ["sends PSH-ACK client1>worker1 len=4"]),
        21: ("worker1: recv", ['data "one\\n"']),
        22: ("worker1: send", ["sends PSH-ACK worker1>client1 len=4"]),
        23: ("client1: recv", ['data "one\\n"']),
        24: ("client2: recv", ['data "two\\n"']),
        25: ("client1: close", ["sends FIN client1>worker1"]),
        26: ("worker1: recv", ["returns 0"]),
        27: ("worker1: exit", ["sends FIN worker1>client1", "exit worker1",
                               "signal server SIGCHLD worker1"]),
        28: ("server: waitpid", ["returns pid worker1", "status 0"]),
        29: ("client2: close", ["sends FIN client2>worker2"]),
        30: ("worker2: recv", ["returns 0"]),
        31: ("worker2: exit", ["sends FIN worker2>client2", "exit worker2",
                               "signal server SIGCHLD worker2"]),
        32: ("server: waitpid", ["returns pid worker2", "status 0"]),
        33: ("server: close", ["sends -", "state server:s CLOSED"]),
    },
    "concurrent-select": {
        4: ("server: select", ["blocks"]),
        6: ("client1: connect", [handshake("client1"), "wakes 4", "of 4: returns 1", "of 4: ready s"]),
        7: ("server: accept", ["no block"]),
        9: ("client2: connect", [handshake("client2"), "recvq server:s 1"]),
        10: ("server: select", ["no block", "returns 1", "ready s"]),
        11: ("server: accept", ["no block"]),
        12: ("server: select", ["blocks"]),
        13: ("client2: send", ["sends PSH-ACK client2>server len=9", "wakes 12", "of 12: returns 1",
                               "of 12: ready c2"]),
        14: ("server: recv", ["no block", "returns 9"]),
        15: ("server: send", ["sends PSH-ACK server>client2 len=9"]),
        16: ("client2: recv", ["returns 9"]),
        17: ("client1: send", ["sends PSH-ACK client1>server len=9"]),
        18: ("client2: close", ["sends FIN client2>server"]),
        19: ("server: select", ["returns 2", "ready c1,c2"]),
        20: ("server: recv", ["no block", "returns 9"]),
        21: ("server: send", ["sends PSH-ACK server>client1 len=9"]),
        22: ("server: recv", ["no block", "returns 0"]),
        23: ("server: close", ["sends FIN server>client2"]),
        24: ("client1: recv", ["returns 9"]),
        25: ("client1: close", ["sends FIN client1>server"]),
        26: ("server: select", ["returns 1", "ready c1"]),
        27: ("server: recv", ["no block", "returns 0"]),
        28: ("server: close", ["sends FIN server>client1"]),
        29: ("server: close", ["sends -"]),
    },
    "concurrent-threads": {
        4: ("server: accept", ["blocks"]),
        6: ("client1: connect", [handshake("client1"), "wakes 4"]),
        7: ("server: pthread_create", ["sends -", "holders server:conn1 server"]),
        8: ("thread1: recv", ["blocks"]),
        9: ("server: accept", ["blocks"]),
        11: ("client2: connect", [handshake("client2"), "wakes 9"]),
        12: ("server: pthread_create", ["sends -"]),
        13: ("client2: send", ["sends PSH-ACK client2>server|thread2 len=6"]),
        14: ("thread2: recv", ["no block", 'data "quick\\n"']),
        15: ("thread2: send", ["sends PSH-ACK thread2>client2 len=6"]),
        16: ("client2: recv", ['data "quick\\n"']),
        17: ("client2: close", ["sends FIN client2>thread2"]),
        18: ("thread2: recv", ["returns 0"]),
        19: ("thread2: close", ["sends FIN thread2>client2"]),
        20: ("thread2: pthread_exit", ["exit thread2", "state thread1:conn1 ESTAB"]),
        21: ("server: pthread_join", ["returns 0"]),
        22: ("client1: send", ["sends PSH-ACK client1>thread1 len=5", "wakes 8",
                               'of 8: data "slow\\n"']),
        23: ("thread1: send", ["sends PSH-ACK thread1>client1 len=5"]),
        24: ("client1: recv", ['data "slow\\n"']),
        25: ("client1: close", ["sends FIN client1>thread1"]),
        26: ("thread1: recv", ["returns 0"]),
        27: ("thread1: close", ["sends FIN thread1>client1"]),
        28: ("thread1: pthread_exit", ["exit thread1"]),
        29: ("server: pthread_join", ["returns 0", "no signal"]),
        30: ("server: close", ["sends -"]),
    },
    "flow-control": {
        2: ("server: setsockopt", ["returns 0"]),
        7: ("client: connect", [handshake("client")]),
        8: ("server: accept", ["state server:conn ESTAB", "recvq server:s 0"]),
        10: ("client: send", ["sends data client>server", "no block", "returns 1..99999",
                              "sendq client:c >0", "recvq server:conn >0"]),
        11: ("server: getsockopt", ["value 8192", "recvq server:conn >0"]),
        12: ("client: getsockopt", ["value 8192", "sendq client:c >0"]),
        14: ("client: send", ["blocks", "kernel since 10: ACK server>client win=0 as=zero-window"]),
        15: ("server: recv", ["returns 65536", "wakes 14",
                              "kernel ACK server>client win>0 as=window-update",
                              "of 14: returns 60000"]),
        16: ("client: close", ["sends FIN client>server", "recvq server:conn >0"]),
        17: ("server: close", ["sends RST server>client", "never client:c TIME-WAIT",
                               "never server:conn TIME-WAIT"]),
        18: ("server: close", ["sends -"]),
    },
    "unix-sockets": {
        1: ("server: socket", ["silent after", "family server:s unix"]),
        2: ("server: bind", ["returns 0", "state server:s UNCONN"]),
        3: ("server: listen", ["state server:s LISTEN"]),
        5: ("client: connect", ["sends -", "returns 0", "recvq server:s 1"]),
        6: ("server: accept", ["state server:conn ESTAB"]),
        7: ("client: send", ["sends -", "returns 11", "recvq server:conn 11"]),
        8: ("server: recv", ["returns 11", "recvq server:conn 0"]),
        9: ("client: close", ["sends -", "state client:c CLOSED", "never client:c TIME-WAIT"]),
        10: ("server: close", ["sends -"]),
        11: ("server: close", ["sends -"]),
        12: ("server: socketpair", ["sends -", "returns 0"]),
        13: ("server: send", ["sends -"]),
        14: ("server: recv", ["returns 16", "sends -"]),
        15: ("server: close", ["sends -"]),
        16: ("server: recv", ["returns 0"]),
        17: ("server: close", ["sends -", "silent after"]),
    },
    "ipv6-dual-stack": {
        3: ("server: bind", ["returns 0"]),
        4: ("server: listen", ["state server:s LISTEN"]),
        6: ("client6: connect", ["sends SYN client6>server ip=6, SYN-ACK server>client6 ip=6, "
                                 "ACK client6>server ip=6"]),
        7: ("server: accept", [r"addr \[::1\]:\d+"]),
        9: ("client4: connect", ["returns 0", "sends SYN client4>server ip=4, SYN-ACK server>client4 ip=4, "
                                 "ACK client4>server ip=4"]),
        10: ("server: accept", [r"addr \[::ffff:127\.0\.0\.1\]:\d+", "family server:conn4 inet6"]),
        13: ("server: bind", ["returns 0"]),
        14: ("server: listen", ["state server:o LISTEN"]),
        16: ("client4: connect", ["returns -1 ECONNREFUSED", "sends SYN client4>- ip=4, RST ->client4 ip=4"]),
        17: ("client4: close", ["sends -"]),
        18: ("client4: close", ["sends FIN client4>server ip=4"]),
        19: ("client6: close", ["sends FIN client6>server ip=6"]),
        20: ("server: close", ["sends FIN server>client4 ip=4"]),
        21: ("server: close", ["sends FIN server>client6 ip=6"]),
        22: ("server: close", ["sends -"]),
        23: ("server: close", ["sends -"]),
    },
    "byte-order": {
        1: ("client: htons", ["returns 24862"]),
        6: ("client: connect", [handshake("client"), "raw 1e61"]),
        7: ("server: accept", ["state server:conn ESTAB"]),
        8: ("client: send", ["sends PSH-ACK client>server len=4", "payload d2040000"]),
        9: ("server: recv", ["returns 4", "hex d2040000"]),
        10: ("server: ntohl", ["returns 3523477504"]),
        11: ("client: send", ["sends PSH-ACK client>server len=4", "payload 000004d2"]),
        12: ("server: recv", ["returns 4", "hex 000004d2"]),
        13: ("server: ntohl", ["returns 1234"]),
        14: ("client: close", ["sends FIN client>server"]),
        15: ("server: close", ["sends FIN server>client"]),
        16: ("server: close", ["sends -"]),
    },
    "http-get": {
        2: ("server: bind", ["returns 0"]),
        4: ("server: accept", ["blocks"]),
        6: ("client: connect", [handshake("client"), "wakes 4"]),
        7: ("client: send", ["sends PSH-ACK client>server len=43"]),
        8: ("server: recv", ["returns 43"]),
        9: ("server: send", ["sends PSH-ACK server>client len=92"]),
        10: ("server: close", ["sends FIN server>client", "state client:c CLOSE-WAIT",
                               "ends server:conn TIME-WAIT"]),
        11: ("client: recv", ["returns 92"]),
        12: ("client: recv", ["returns 0"]),
        13: ("client: close", ["sends FIN client>server", "state server:conn TIME-WAIT"]),
        14: ("server: close", ["sends -"]),
    },
    "names-and-ports": {
        1: ("server: getservbyname", ["returns 7777", "sends -"]),
        3: ("server: bind", ["returns 0"]),
        4: ("server: listen", ["state server:s LISTEN"]),
        5: ("client: getservbyname", ["returns 80", "sends -"]),
        6: ("client: gethostbyname", ["sends -", r"addr 127\.0\.0\.1(:\d+)?"]),
        7: ("client: getaddrinfo", ["sends -", r"addr \[::1\]:80"]),
        8: ("client: getaddrinfo", ["sends -", r"addr 127\.0\.0\.1:7777"]),
        10: ("client: connect", [handshake("client")]),
        11: ("client: getsockname", ["sends -", r"addr 127\.0\.0\.1:(3[2-9]\d{3}|[45]\d{4}|60\d{3})"]),
        12: ("server: accept", ["same-addr 11"]),
        13: ("client: close", ["sends FIN client>server"]),
        14: ("server: close", ["sends FIN server>client"]),
        15: ("server: close", ["sends -"]),
    },
    # Two hosts and a wire: a packet the wire lost is still a packet (sent); the step's `wire:`
    # line comes before its call. The handshake's last ACK leaves alice before bob's kernel has
    # a socket for it: its receiver may be none.
    "udp-loss": {
        3: ("server: setsockopt", ["returns 0", "sends -"]),
        5: ("client: sendto", ["sends UDP datagram client>server len=3", "returns 3"]),
        6: ("server: recvfrom", ["returns 3", 'data "one"', r"addr 192\.0\.2\.1:\d+"]),
        7: ("client: sendto", ["sends UDP datagram client>server len=3", "returns 3"]),
        8: ("client: sendto", ["sends UDP datagram client>server len=5", "returns 5"]),
        9: ("server: recvfrom", ["returns 5", 'data "three"', "no block"]),
        10: ("client: sendto", ["sends UDP datagram client>server len=4", "returns 4"]),
        11: ("server: recvfrom", ["blocks", "returns -1 EAGAIN"]),
        12: ("server: close", ["sends -"]),
        13: ("client: close", ["sends -", "silent after"]),
    },
    "tcp-retransmission": {
        2: ("server: setsockopt", ["returns 0"]),
        5: ("server: accept", ["blocks"]),
        7: ("client: connect", ["sends SYN client>server, SYN-ACK server>client, ACK client>server|-",
                                "wakes 5", "returns 0"]),
        8: ("server: recv", ["blocks"]),
        9: ("client: send", ["sends PSH-ACK client>server len=5", "returns 5", "no block",
                             "kernel PSH-ACK client>server len=5 as=retransmission", "wakes 8",
                             'of 8: data "hello"']),
        10: ("server: send", ["sends PSH-ACK server>client len=2"]),
        11: ("client: recv", ['data "ok"']),
        12: ("server: recv", ["blocks"]),
        13: ("client: send", ["returns 7240", "kernel ACK server>client as=dup-ack",
                              "kernel ACK client>server len=1448 as=fast-retransmission",
                              "wakes 12", "of 12: returns 7240"]),
        14: ("server: close", ["sends FIN server>client"]),
        15: ("client: close", ["sends FIN client>server", "state server:conn TIME-WAIT"]),
        16: ("server: close", ["sends -"]),
    },
    "handshake-loss": {
        3: ("server: listen", ["state server:s LISTEN"]),
        5: ("client: connect", ["sends SYN client>server, SYN-ACK server>client, ACK client>server|-",
                                "kernel SYN client>server as=retransmission", "blocks", "returns 0"]),
        6: ("client: send", ["sends PSH-ACK client>server len=10", "returns 10", "state client:c ESTAB"]),
        7: ("server: accept", ["no block", r"addr 192\.0\.2\.1:\d+"]),
        8: ("server: recv", ["returns 10", 'data "late hello"']),
        9: ("client: close", ["sends FIN client>server"]),
        10: ("server: close", ["sends FIN server>client", "state client:c TIME-WAIT"]),
        11: ("server: close", ["sends -"]),
    },
    "reorder-and-duplicate": {
        5: ("client: connect", ["sends SYN client>server, SYN-ACK server>client, ACK client>server|-",
                                "returns 0"]),
        7: ("server: recv", ["blocks"]),
        8: ("client: send", ["sends data client>server", "returns 2890", "wakes 7",
                             "kernel ACK server>client", 'of 7: returns 2890']),
        9: ("server: recv", ["blocks"]),
        10: ("client: send", ["sends PSH-ACK client>server len=5", "wakes 9", 'of 9: data "three"',
                              "kernel ACK server>client"]),
        12: ("server: bind", ["returns 0"]),
        14: ("client: sendto", ["sends UDP datagram client>server len=3"]),
        15: ("client: sendto", ["sends UDP datagram client>server len=3"]),
        16: ("server: recvfrom", ['data "two"', "no block"]),
        17: ("server: recvfrom", ['data "one"', "no block"]),
        18: ("client: sendto", ["sends UDP datagram client>server len=5", "returns 5"]),
        19: ("server: recvfrom", ['data "three"', "no block"]),
        20: ("server: recvfrom", ['data "three"', "no block", "returns 5"]),
        21: ("client: close", ["sends -"]),
        22: ("server: close", ["sends -"]),
        23: ("server: close", ["sends FIN server>client"]),
        24: ("client: close", ["sends FIN client>server"]),
        25: ("server: close", ["sends -"]),
    },
    "fragmentation": {
        3: ("server: setsockopt", ["returns 0"]),
        # the first fragment's UDP length is the whole datagram's (as tcpdump and tshark say)
        5: ("client: sendto", ["returns 3000", "shows UDP datagram -|client>-|server len=3000, "
                               "IP fragment -|client>-|server, IP fragment -|client>-|server"]),
        6: ("server: recvfrom", ["returns 3000", "no block"]),
        7: ("client: sendto", ["returns 3000", "shows UDP datagram -|client>-|server len=3000, "
                               "IP fragment -|client>-|server, IP fragment -|client>-|server"]),
        8: ("server: recvfrom", ["blocks", "returns -1 EAGAIN"]),
        9: ("client: close", ["sends -"]),
        10: ("server: close", ["sends -"]),
    },
    "bandwidth-delay": {
        2: ("server: setsockopt", ["returns 0"]),
        5: ("server: accept", ["blocks"]),
        7: ("client: connect", ["sends SYN client>server, SYN-ACK server>client, ACK client>server|-",
                                "blocks", "returns 0", "wakes 5"]),
        8: ("server: recv", ["blocks"]),
        9: ("client: send", ["sends data client>server", "returns 65536", "wakes 8",
                             "of 8: returns 65536"]),
        10: ("server: close", ["sends FIN server>client"]),
        11: ("client: close", ["sends FIN client>server"]),
        12: ("server: close", ["sends -"]),
    },
}


# ---- reading a run ------------------------------------------------------------------------------

def as_user(argv):
    """The CLI is the unprivileged front end: run it as nobody when the test runs as root."""
    if os.geteuid() == 0:
        return NOBODY + argv
    return argv


def packet_name(pkt):
    """As the grader names packets (app/session/sockscope-question.c)."""
    if pkt["proto"] == "tcp":
        flags = pkt["flags"]
        ack = "." in flags
        if "S" in flags:
            return "SYN-ACK" if ack else "SYN"
        if "R" in flags:
            return "RST"
        if "F" in flags:
            return "PSH-FIN" if "P" in flags else "FIN"
        if "P" in flags:
            return "PSH-ACK" if ack else "PSH"
        return "ACK" if ack else "TCP"
    if pkt["proto"] == "udp":
        return "UDP datagram"
    if pkt["proto"].startswith("icmp"):
        return "ICMP port unreachable" if "unreachable" in pkt["summary"] else "ICMP"
    if pkt["proto"] == "ip-fragment":
        return "IP fragment"
    return pkt["proto"].upper()


def _plain(addr):
    """An IPv4-mapped address as its IPv4 packets carry it."""
    if addr.startswith("[::ffff:") and "." in addr:
        host, _, port = addr[len("[::ffff:"):].partition("]:")
        return f"{host}:{port}"
    return addr


def _addr(ip, port):
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


class StepLog:
    """One run of a lesson, cut into its steps. A step's window runs from its call event to the
    next step's call event (the last one's to the end of the log, after the lab's final settle):
    what a learner sees after clicking that step."""

    def __init__(self, events):
        events = [e for e in events if "seq" in e]      # question objects are not events
        self.events = events
        self.seq = {e["seq"]: e for e in events}
        self.calls = {}
        for e in events:
            if e["type"] == "call" and e["step"] is not None:
                self.calls.setdefault(e["step"], e)
        self.returns = {e["call_seq"]: e for e in events if e["type"] == "return"}
        self.blocked = {e["call_seq"] for e in events if e["type"] == "blocked"}
        self.packets = [e for e in events if e["type"] == "packet"]
        self.states = [e for e in events if e["type"] == "state"]
        self.actors = {e["actor"]: e for e in events if e["type"] == "actor"}
        steps = sorted(self.calls)
        self.windows = {}
        for i, step in enumerate(steps):
            end = self.calls[steps[i + 1]]["seq"] if i + 1 < len(steps) else events[-1]["seq"] + 1
            self.windows[step] = (self.calls[step]["seq"], end)

    def process(self, actor):
        """The process an actor belongs to: itself, or for a thread its parent's process."""
        while actor in self.actors and self.actors[actor]["thread"]:
            actor = self.actors[actor]["parent"]
        return actor

    def in_window(self, step, events, first=None):
        lo = self.windows[step if first is None else first][0]
        hi = self.windows[step][1]
        return [e for e in events if lo <= e["seq"] < hi]

    def ret(self, step):
        return self.returns.get(self.calls[step]["seq"])

    def caused(self, step):
        seq = self.calls[step]["seq"]
        return [p for p in self.packets if p["cause"] == seq]

    # ---- who sent a packet, who got it ----

    def ends(self, p):
        """(sender, receiver) of a packet: the `from`/`to` the lab writes; for a log without them,
        found from the sockets' 4-tuples and holders in the state events."""
        if "from" in p and "to" in p:
            return p["from"], p["to"]
        pkt = p["pkt"]
        cause = self.seq.get(p["cause"]) if p["cause"] is not None else None
        if pkt["proto"] not in ("tcp", "udp"):
            return None, (cause["actor"] if cause else None)
        src = self._end(pkt["src"], pkt["sport"], pkt["dst"], pkt["dport"], p["seq"], cause)
        dst = self._end(pkt["dst"], pkt["dport"], pkt["src"], pkt["sport"], p["seq"], None)
        refused = cause is not None and cause["call"] == "connect" and \
            (self.returns.get(cause["seq"]) or {}).get("errno") == "ECONNREFUSED"
        if refused and "R" in pkt.get("flags", ""):
            return None, cause["actor"]
        if refused or (src is None and cause is not None):
            return cause["actor"], None if refused else dst
        return src, dst

    def _end(self, ip, port, other_ip, other_port, seq, cause):
        for local, peer in ((_addr(ip, port), _addr(other_ip, other_port)),
                            (_addr(ip, port), "*:*"), (f"*:{port}", "*:*")):
            owner = self._owner(local, peer, seq, cause)
            if owner is not None:
                return owner
        return None

    def _owner(self, local, peer, seq, cause):
        hist = [s for s in self.states if (_plain(s["local"]), _plain(s["peer"])) == (local, peer)]
        held = [s for s in hist if s["holders"]]
        before = [s for s in held if s["seq"] <= seq]
        after = [s for s in held if s["seq"] > seq]
        if before or after:
            ref = before[-1] if before else after[0]
            holders, fd = ref["holders"], ref["fd"]
        elif hist and hist[-1].get("last_actor"):
            holders, fd = [hist[-1]["last_actor"]], hist[-1].get("last_fd")
        else:
            return None
        if cause is not None and self.process(cause["actor"]) in holders:
            return cause["actor"]
        users = [c for c in self.calls.values()
                 if c["seq"] < seq and c["fd"] == fd and self.process(c["actor"]) in holders]
        return users[-1]["actor"] if users else holders[0]

    # ---- sockets named by a variable ----

    def assignment(self, actor, var, step):
        """The call that last assigned @var for @actor before @step: in its process (a thread
        shares its process's variables) or, before its fork, in its parent."""
        limit, who = self.calls[step]["seq"] + 1, actor
        while True:
            found = [c for c in self.calls.values() if c["assign"] == var and c["seq"] < limit
                     and self.process(c["actor"]) == self.process(who)]
            if found:
                return max(found, key=lambda c: c["seq"])
            spawned = self.actors.get(self.process(who))
            if spawned is None or spawned["parent"] is None:
                raise AssertionError(f"{actor} has no variable {var} before step {step}")
            limit, who = spawned["via"], spawned["parent"]

    def socket(self, ref, step):
        """The history (state events) of the socket ACTOR:VAR names at @step."""
        actor, _, var = ref.partition(":")
        call = self.assignment(actor, var, step)
        fd, owner = self.returns[call["seq"]]["ret"], self.process(call["actor"])
        first = next((s for s in self.states if s["seq"] > call["seq"] and s["fd"] == fd
                      and owner in s["holders"]), None)
        if first is None:
            return []
        if "sock" in first:
            return [s for s in self.states if s["sock"] == first["sock"]]
        # Older logs: the inode while held, then its connection's 4-tuple (TIME-WAIT has no inode).
        tuples = {(s["local"], s["peer"]) for s in self.states if s["inode"] == first["inode"]}
        return [s for s in self.states if s["inode"] == first["inode"] or
                (not s["inode"] and (s["local"], s["peer"]) in tuples and not s["peer"].endswith("*"))]

    def state_after(self, ref, step):
        seen = [s for s in self.socket(ref, step) if s["seq"] < self.windows[step][1]]
        return seen[-1] if seen else None

    def state_sampled_late(self, ref, step):
        """The lab samples states after each call and every 50 ms: on a loaded machine the
        sample of a TCP state the step's packets made (the peer's FIN turning FIN-WAIT-2 into
        TIME-WAIT) can come just after the next call. That sample, when no packet came in
        between, or None."""
        end = self.windows[step][1]
        later = [s for s in self.socket(ref, step) if s["seq"] >= end]
        if later and not [p for p in self.packets if end <= p["seq"] < later[0]["seq"]]:
            return later[0]
        return None


def run_lesson(cli, lesson):
    r = subprocess.run(as_user([cli, "run", lesson, "--json"]), capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"run {lesson} failed ({r.returncode}): {r.stderr}")
    return StepLog([json.loads(line) for line in r.stdout.splitlines()])


# ---- checking one claim --------------------------------------------------------------------------

def compare(value, spec):
    """@spec: a number, >N, <N, or A..B."""
    if value is None:
        return False
    m = re.fullmatch(r"(-?\d+)\.\.(-?\d+)", spec)
    if m:
        return int(m.group(1)) <= value <= int(m.group(2))
    if spec.startswith(">"):
        return value > int(spec[1:])
    if spec.startswith("<"):
        return value < int(spec[1:])
    return value == int(spec)


ATTR = re.compile(r"(len|win|ip)([=>])(\d+)|(as)(=)([a-z-]+)")


def parse_packet(spec):
    """NAME FROM>TO [attr...]: (name, from, to, [(key, op, number)])."""
    words = spec.split()
    attrs = [tuple(g for g in ATTR.fullmatch(w).groups() if g is not None)
             for w in words if ATTR.fullmatch(w)]
    words = [w for w in words if not ATTR.fullmatch(w)]
    src, _, dst = words[-1].partition(">")
    return " ".join(words[:-1]), [None if a == "-" else a for a in src.split("|")], \
        [None if a == "-" else a for a in dst.split("|")], attrs


def packet_matches(log, p, spec):
    name, src, dst, attrs = parse_packet(spec)
    pkt = p["pkt"]
    sent_by, got_by = log.ends(p)
    if packet_name(pkt) != name or sent_by not in src or got_by not in dst:
        return False
    for key, op, number in attrs:
        if key == "as":
            # What the lab's analysis names the packet (retransmission, zero-window...), checked
            # once the lab writes it.
            if "analysis" in p and p["analysis"] != number:
                return False
            continue
        if key == "ip":
            value = 6 if ":" in pkt["src"] else 4
        else:
            value = pkt.get(key)
        if value is None or not (value == int(number) if op == "=" else value > int(number)):
            return False
    return True


def describe(log, p):
    sent_by, got_by = log.ends(p)
    pkt = p["pkt"]
    where = f" len={pkt['len']}" if pkt.get("len") else ""
    win = f" win={pkt['win']}" if pkt["proto"] == "tcp" else ""
    named = f" as={p['analysis']}" if p.get("analysis") else ""
    return f"{packet_name(pkt)} {sent_by or '-'}>{got_by or '-'}{where}{win}{named}"


def check(log, step, claim):
    """None when @claim holds at @step, else what the run showed."""
    m = re.fullmatch(r"of (\d+): (.*)", claim)
    if m:
        return check(log, int(m.group(1)), m.group(2))
    call, ret = log.calls[step], log.ret(step)
    words = claim.split(None, 1)
    kind, rest = words[0], (words[1] if len(words) > 1 else "")
    if kind in ("raw", "payload", "replies"):
        caused = log.caused(step)
        if not caused:
            return "it sent nothing"
        frame = base64.b64decode(caused[0]["raw"])
        if kind == "raw":
            return None if bytes.fromhex(rest) in frame else f"the frame is {frame.hex()}"
        if kind == "payload":
            data = frame[len(frame) - caused[0]["pkt"]["len"]:]
            return None if data == bytes.fromhex(rest) else f"the data is {data.hex()}"
        asked = log.caused(int(rest))
        pkt, first = caused[0]["pkt"], asked[0]["pkt"] if asked else {}
        ok = (pkt["dst"], pkt["dport"], pkt["src"], pkt["sport"]) == \
            (first.get("src"), first.get("sport"), first.get("dst"), first.get("dport"))
        return None if ok else f"it went to {pkt['dst']}:{pkt['dport']}"
    if claim == "sends -":
        caused = log.caused(step)
        return None if not caused else "it sent " + ", ".join(describe(log, p) for p in caused)
    if claim.startswith("sends data "):
        caused = log.caused(step)
        src, _, dst = rest[len("data "):].partition(">")
        ok = caused and all(p["pkt"].get("len", 0) > 0 and log.ends(p) == (src, dst) for p in caused)
        return None if ok else "it sent " + (", ".join(describe(log, p) for p in caused) or "nothing")
    if kind == "sends":
        caused = log.caused(step)
        specs = [s.strip() for s in rest.split(",")]
        ok = len(caused) == len(specs) and all(packet_matches(log, p, s) for p, s in zip(caused, specs))
        return None if ok else "it sent " + (", ".join(describe(log, p) for p in caused) or "nothing")
    if kind == "shows":
        seen = log.in_window(step, log.packets)
        specs = [s.strip() for s in rest.split(",")]
        ok = len(seen) == len(specs) and all(packet_matches(log, p, s) for p, s in zip(seen, specs))
        return None if ok else "the step showed " + (", ".join(describe(log, p) for p in seen) or "nothing")
    if kind == "kernel":
        first = None
        m = re.match(r"since (\d+): (.*)", rest)
        if m:
            first, rest = int(m.group(1)), m.group(2)
        seen = [p for p in log.in_window(step, log.packets, first) if p["cause"] is None]
        if any(packet_matches(log, p, rest) for p in seen):
            return None
        return "the kernel sent " + (", ".join(describe(log, p) for p in seen) or "nothing")
    if kind == "acks":
        fin = next((p for p in log.caused(int(rest)) if "F" in p["pkt"].get("flags", "")), None)
        first = next(iter(log.caused(step)), None)
        if fin is None or first is None:
            return "no FIN to acknowledge, or nothing sent"
        want = (fin["pkt"]["seq"] + fin["pkt"]["len"] + 1) % 2 ** 32
        return None if first["pkt"]["ack"] == want else f"its ack is {first['pkt']['ack']}, not {want}"
    if kind == "retransmits":
        first = next(iter(log.caused(int(rest))), None)
        same = ("flags", "seq", "sport", "dport")
        again = [p for p in log.in_window(step, log.packets) if p["cause"] is None and first is not None
                 and all(p["pkt"].get(k) == first["pkt"].get(k) for k in same)
                 and log.ends(p) == log.ends(first)]
        return None if again else "no packet of the kernel repeats it"
    if claim == "silent after":
        after = [p for p in log.packets if p["seq"] > call["seq"]]
        return None if not after else "then came " + ", ".join(describe(log, p) for p in after)
    if claim == "blocks":
        return None if call["seq"] in log.blocked else "it did not block"
    if claim == "no block":
        return None if call["seq"] not in log.blocked else "it blocked"
    if claim == "never returns":
        return None if ret is None else f"it returned {ret['ret']}"
    if kind == "wakes":
        woken = log.ret(int(rest))
        lo, hi = log.windows[step]
        if woken is not None and lo <= woken["seq"] < hi:
            return None
        if woken is None:
            return "it never returned"
        return f"it returned at event {woken['seq']}, outside the step's events [{lo}, {hi})"
    if kind in ("returns", "data", "ready", "addr", "value", "flags", "status", "hex", "same-addr") \
            and ret is None:
        return "the call never returned"
    out = (ret or {}).get("out") or {}
    if kind == "returns" and rest.startswith("pid "):
        pid = log.actors[rest[4:]]["pid"]
        return None if ret["ret"] == pid else f"it returned {ret['ret']}, not {rest[4:]}'s pid {pid}"
    if kind == "status":
        return None if out.get("exit_status") == int(rest) else f"exit status {out.get('exit_status')}"
    if kind == "hex":
        return None if out.get("data_hex") == rest else f"it received {out.get('data_hex')}"
    if kind == "same-addr":
        other = (log.ret(int(rest)) or {}).get("out", {}).get("addr")
        return None if out.get("addr") == other else f"address {out.get('addr')!r}, not {other!r}"
    if kind == "returns":
        value, _, errno = rest.partition(" ")
        ok = compare(ret["ret"], value) and (ret["errno"] == (errno or None))
        return None if ok else f"it returned {ret['ret']} {ret['errno'] or ''}".rstrip()
    if kind == "data":
        want = json.loads(rest)
        return None if out.get("data") == want else f"it received {out.get('data')!r}"
    if kind == "ready":
        return None if out.get("ready") == rest.split(",") else f"ready {out.get('ready')}"
    if kind == "addr":
        return None if re.fullmatch(rest, out.get("addr") or "") else f"address {out.get('addr')!r}"
    if kind == "value":
        return None if out.get("value") == int(rest) else f"value {out.get('value')}"
    if kind == "flags":
        flags = out.get("flags") or []
        if isinstance(flags, str):
            flags = [f for f in flags.split("|") if f not in ("", "0")]
        ok = (not flags) if rest == "-" else rest in flags
        return None if ok else f"flags {flags}"
    if kind == "seen":
        what, ref, want = rest.split()
        key = {"recvq": "recv_q", "sendq": "send_q"}[what]
        seen = [x for x in log.in_window(step, log.socket(ref, step)) if compare(x[key], want)]
        return None if seen else f"{what} never {want} during the step"
    if kind in ("state", "recvq", "sendq", "holders", "ends", "never", "family"):
        ref, _, want = rest.partition(" ")
        if kind == "ends":
            hist = log.socket(ref, step)
            last = hist[-1]["state"] if hist else None
            return None if last == want else f"its last state is {last}"
        if kind == "never":
            hist = log.socket(ref, step)
            if not hist:
                return f"no state seen for {ref}"
            return None if want not in [s["state"] for s in hist] else f"it went to {want}"
        s = log.state_after(ref, step)
        if s is None:
            return f"no state seen for {ref} by then"
        if kind == "state":
            late = log.state_sampled_late(ref, step)
            if s["state"] in want.split("|") or (late is not None and late["state"] in want.split("|")):
                return None
            return f"it is {s['state']}"
        if kind == "family":
            return None if s["family"] == want else f"its family is {s['family']}"
        if kind == "recvq":
            return None if compare(s["recv_q"], want) else f"recv-Q {s['recv_q']}"
        if kind == "sendq":
            return None if compare(s["send_q"], want) else f"send-Q {s['send_q']}"
        holders = [] if want == "-" else want.split(",")
        return None if s["holders"] == holders else f"held by {s['holders']}"
    if kind == "signal":
        actor, sig, sender = rest.split()
        seen = [e for e in log.in_window(step, log.events) if e["type"] == "signal"]
        ok = any((e["actor"], e["signal"], e["from"]) == (actor, sig, sender) for e in seen)
        return None if ok else f"signals {[(e['actor'], e['signal'], e['from']) for e in seen]}"
    if kind == "exit":
        seen = [e["actor"] for e in log.in_window(step, log.events) if e["type"] == "exit"]
        return None if rest in seen else f"exits {seen}"
    if claim == "no signal":
        seen = [e for e in log.events if e["type"] == "signal"]
        return None if not seen else f"signals {[(e['actor'], e['signal']) for e in seen]}"
    raise AssertionError(f"unknown claim {claim!r}")


def check_lesson(log, lesson, claims):
    """Every failed claim of @lesson, as 'lesson step N (actor: call): claim: what the run showed'."""
    failures = []
    for step, (expected_call, step_claims) in sorted(claims.items()):
        call = log.calls.get(step)
        where = f"{lesson} step {step} ({call['actor']}: {call['text']})" if call else f"{lesson} step {step}"
        actor, _, name = expected_call.partition(": ")
        if call is None or (call["actor"], call["call"]) != (actor, name):
            failures.append(f"{where}: the claims are written for '{expected_call}'")
            continue
        for claim in step_claims:
            try:
                problem = check(log, step, claim)
            except (AssertionError, KeyError, ValueError) as e:
                problem = f"cannot be checked: {e}"
            if problem is not None:
                failures.append(f"{where}: claim '{claim}': {problem}")
    return failures


class LessonClaims(unittest.TestCase):
    def test_every_lesson_has_its_claims(self):
        ids = [line.split()[0] for line in
               subprocess.run([CLI, "list"], capture_output=True, text=True, timeout=60).stdout.splitlines()]
        self.assertEqual(sorted(ids), sorted(CLAIMS))

    def test_texts_match_the_run(self):
        for lesson, claims in CLAIMS.items():
            with self.subTest(lesson=lesson):
                failures = check_lesson(run_lesson(CLI, lesson), lesson, claims)
                self.assertEqual(failures, [], "\n" + "\n".join(failures))


if __name__ == "__main__":
    CLI = sys.argv.pop(1)
    LAB = os.environ.get("SOCKSCOPE_LAB", "")
    if not os.access(LAB, os.X_OK):
        print(f"sockscope-lab is not built ({LAB}): skipped")
        sys.exit(77)
    unittest.main(verbosity=2)
