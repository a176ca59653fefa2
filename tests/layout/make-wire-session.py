#!/usr/bin/env python3
"""Makes tests/layout/wire-retransmission.sockscope, a hand-made two-host session that follows
/work/notes/wire-spec.md (the contract of #16) until real two-host runs exist: a one-host run of
retrans.lesson (sockscope-cli run ... --session BASE) with its client put on host a, its server
on host b, every TCP packet crossing the wire, and the wire's decisions added:
  step 7: `dir=a>b,drop=data` set; the "hello" segment dropped; the kernel retransmits it
          205 ms later (analysis retransmission of #4), and the server ACKs it;
  step 9: `delay=40ms,dup=next` set; the "again" segment delayed 40 ms and duplicated (its copy
          41 ms); the server's ACK delayed 40 ms too.
Usage: make-wire-session.py BASE OUT"""
import json
import sys

MS = 1000000

base, out = sys.argv[1], sys.argv[2]
lines = open(base).read().splitlines()
header, events = json.loads(lines[0]), [json.loads(l) for l in lines[1:] if l.strip()]

result = []
shift = 0
extra_packets = 0


def add(event):
    result.append(event)
    return event


def wire(t_ns, step, **members):
    return add(dict({"seq": None, "t_ns": t_ns, "type": "wire", "step": step}, **members))


by_seq = {e["seq"]: e for e in events}
for e in events:
    e = dict(e)
    e["t_ns"] += shift
    if e["type"] == "actor":
        e["host"] = "a" if e["actor"] == "client" else "b"
    if e["type"] == "packet":
        e["n"] += extra_packets
        e["wire"] = "a>b" if e["from"] == "client" else "b>a"
    if e["type"] == "note" and e.get("step") == 7:
        add(e)
        wire(e["t_ns"] + 1000, 7, action="set", spec="dir=a>b,drop=data")
        continue
    if e["type"] == "note" and e.get("step") == 9:
        add(e)
        wire(e["t_ns"] + 1000, 9, action="set", spec="delay=40ms,dup=next")
        continue
    if e["type"] == "packet" and e["step"] == 7 and e["from"] == "client":
        hello = add(e)
        wire(e["t_ns"] + 20000, 7, action="drop", packet=e["seq"], n=e["n"], dir="a>b",
             rule="drop=data")
        continue
    if e["type"] == "packet" and e["step"] == 7 and e["from"] == "server":
        ack = e            # the server's ACK: only once the retransmission reached it
        continue
    if e["type"] == "note" and e.get("step") == 8:
        # the retransmission after the RTO (the kernel's), then the ACK
        retrans = dict(hello)
        retrans["t_ns"] = hello["t_ns"] + 205 * MS
        retrans["n"] = hello["n"] + 1
        retrans["cause"] = None
        retrans["cause_text"] = "kernel"
        retrans["analysis"] = "retransmission"
        retrans["analysis_of"] = hello["n"]
        retrans["seq"] = -1
        add(retrans)
        extra_packets += 1
        ack = dict(ack)
        ack["t_ns"] = retrans["t_ns"] + 60000
        ack["n"] = retrans["n"] + 1
        add(ack)
        shift += 206 * MS
        e["t_ns"] += 206 * MS
        add(e)
        continue
    if e["type"] == "packet" and e["step"] == 9 and e["from"] == "client":
        add(e)
        wire(e["t_ns"] + 20000, 9, action="delay", packet=e["seq"], n=e["n"], dir="a>b",
             rule="delay=40ms", delay_ns=40 * MS)
        wire(e["t_ns"] + 30000, 9, action="duplicate", packet=e["seq"], n=e["n"], dir="a>b",
             rule="dup=next", delay_ns=41 * MS)
        again = e
        continue
    if e["type"] == "packet" and e["step"] == 9 and e["from"] == "server":
        e["t_ns"] = again["t_ns"] + 40 * MS + 80000
        add(e)
        wire(e["t_ns"] + 20000, 9, action="delay", packet=e["seq"], n=e["n"], dir="b>a",
             rule="delay=40ms", delay_ns=40 * MS)
        shift += 41 * MS
        continue
    add(e)

# Times in log order, then seqs renumbered and every reference with them.
last = 0
for e in result:
    e["t_ns"] = max(e["t_ns"], last + 1)
    last = e["t_ns"]
old_to_new = {}
for i, e in enumerate(result):
    if e["seq"] is not None and e["seq"] > 0 and e["seq"] not in old_to_new:
        old_to_new[e["seq"]] = i + 1
for i, e in enumerate(result):
    e["seq"] = i + 1
for e in result:
    for key in ("cause", "call_seq", "packet", "via", "behind"):
        if isinstance(e.get(key), int):
            e[key] = old_to_new.get(e[key], e[key])
with open(out, "w") as f:
    f.write(json.dumps(header, ensure_ascii=False, separators=(",", ":")) + "\n")
    for e in result:
        f.write(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
