#!/usr/bin/env python3
"""sockscope-cli run / replay end to end, in real labs, as an unprivileged user."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

CLI = sys.argv.pop(1)
LAB = os.environ.get("SOCKSCOPE_LAB", "")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_user(argv, privileged=False):
    """The CLI is the unprivileged front end: run it as nobody when the test runs as root."""
    if os.geteuid() == 0 and not privileged:
        return NOBODY + argv
    return argv


def tagged_env(tag=None):
    env = dict(os.environ)
    env["SOCKSCOPE_TEST_TAG"] = tag or uuid.uuid4().hex
    return env


def tagged_processes(tag):
    """Live processes (not zombies) whose environment carries the tag: the CLI's lab and actors."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if f"SOCKSCOPE_TEST_TAG={tag}".encode() not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
        except OSError:
            continue
        found.append(int(pid))
    return found


class Run(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sockscope-cli-")
        os.chmod(self.tmp, 0o777)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def cli(self, *args, privileged=False, env=None):
        return subprocess.run(as_user([CLI, *args], privileged), capture_output=True, text=True,
                              timeout=60, env=env)

    def run_json(self, lesson, *extra, privileged=False):
        r = self.cli("run", lesson, "--json", *extra, privileged=privileged)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout, [json.loads(line) for line in r.stdout.splitlines()]

    def test_tcp_handshake(self):
        session = os.path.join(self.tmp, "tcp.sockscope")
        pcapng = os.path.join(self.tmp, "tcp.pcapng")
        out, events = self.run_json("tcp-handshake", "--session", session, "--pcapng", pcapng)
        calls = {e["seq"]: e for e in events if e["type"] == "call"}

        def call(actor, name, nth=0):
            return [e for e in calls.values() if e["actor"] == actor and e["call"] == name][nth]

        connect, accept = call("client", "connect"), call("server", "accept")
        packets = [e for e in events if e["type"] == "packet"]
        tcp = [p for p in packets if p["pkt"]["proto"] == "tcp"]

        # The handshake, all three caused by the client's connect.
        self.assertEqual([p["pkt"]["flags"] for p in tcp[:3]], ["S", "S.", "."])
        self.assertEqual({p["cause"] for p in tcp[:3]}, {connect["seq"]})
        self.assertEqual(tcp[0]["cause_text"], "client: " + connect["text"])
        client_port = tcp[0]["pkt"]["sport"]
        self.assertEqual(tcp[0]["pkt"]["dport"], 7777)

        # accept blocks before the connect and returns after it, with the client's address.
        blocked = [e for e in events if e["type"] == "blocked" and e["call_seq"] == accept["seq"]]
        returned = [e for e in events if e["type"] == "return" and e["call_seq"] == accept["seq"]]
        self.assertEqual(len(blocked), 1)
        self.assertLess(blocked[0]["seq"], connect["seq"])
        self.assertGreater(returned[0]["seq"], connect["seq"])
        self.assertEqual(returned[0]["out"]["addr"], f"127.0.0.1:{client_port}")

        states = [e for e in events if e["type"] == "state"]
        self.assertIn(("server", "ESTAB"), {(s["actor"], s["state"]) for s in states})
        self.assertIn(("client", "ESTAB"), {(s["actor"], s["state"]) for s in states})
        listen = [s for s in states if s["state"] == "LISTEN"]
        self.assertEqual(listen[0]["actor"], "server")
        self.assertEqual(listen[0]["send_q"], 5)

        # Data segments caused by the sends, with their lengths.
        data = [p for p in tcp if p["pkt"]["len"] > 0]
        self.assertEqual([(p["cause"], p["pkt"]["len"]) for p in data],
                         [(call("client", "send")["seq"], 5), (call("server", "send")["seq"], 8)])

        # The first FIN comes from the client's close, which ends in TIME-WAIT.
        fin = [p for p in tcp if "F" in p["pkt"]["flags"]]
        self.assertEqual(fin[0]["cause"], call("client", "close")["seq"])
        self.assertEqual(fin[0]["pkt"]["sport"], client_port)
        client_states = [s["state"] for s in states if s["local"].endswith(f":{client_port}")]
        self.assertEqual(client_states[-1], "TIME-WAIT")

        # The pcapng holds the same packets, commented with their causes.
        fields = subprocess.run(
            ["tshark", "-r", pcapng, "-T", "fields", "-E", "separator=|", "-e", "tcp.srcport",
             "-e", "tcp.dstport", "-e", "tcp.flags", "-e", "tcp.len", "-e", "frame.comment"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(fields.returncode, 0, fields.stderr)
        rows = [line.split("|") for line in fields.stdout.splitlines()]
        self.assertEqual(len(rows), len(packets))
        for row, p in zip(rows, tcp):
            self.assertEqual((int(row[0]), int(row[1]), int(row[3])),
                             (p["pkt"]["sport"], p["pkt"]["dport"], p["pkt"]["len"]))
            self.assertEqual(row[4], p["cause_text"])
        self.assertEqual(int(rows[0][2], 16), 0x002)   # SYN
        self.assertEqual(int(rows[1][2], 16), 0x012)   # SYN, ACK

        # Replaying the session prints the same lines, without a lab.
        replay = self.cli("replay", "--json", session)
        self.assertEqual(replay.returncode, 0, replay.stderr)
        self.assertEqual(replay.stdout, out)

    def test_text_ladder_and_replay(self):
        session = os.path.join(self.tmp, "tcp.sockscope")
        r = self.cli("run", "tcp-handshake", "--lang", "fr", "--session", session)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("[étape 4] accept prend la connexion suivante", r.stdout)
        self.assertIn("conn = accept(3)", r.stdout)
        # The client is the right-hand column: its SYN goes left, the SYN-ACK comes back.
        self.assertRegex(r.stdout, r"│<─+ SYN seq=0 win=\d+ ─+│")
        self.assertRegex(r.stdout, r"│─+ SYN,ACK seq=0 ack=1 win=\d+ ─+>│")
        self.assertRegex(r.stdout, r"PSH,ACK seq=1 ack=1 len=5")
        self.assertIn("TIME-WAIT", r.stdout)
        replay = self.cli("replay", session)
        self.assertEqual(replay.returncode, 0, replay.stderr)
        self.assertEqual(replay.stdout, r.stdout)

    def test_udp_echo(self):
        _, events = self.run_json("udp-echo")
        calls = {e["seq"]: e for e in events if e["type"] == "call"}
        packets = [e for e in events if e["type"] == "packet"]
        self.assertEqual([p["pkt"]["proto"] for p in packets], ["udp", "udp"])   # no handshake
        self.assertEqual([calls[p["cause"]]["call"] for p in packets], ["sendto", "sendto"])
        self.assertEqual([calls[p["cause"]]["actor"] for p in packets], ["client", "server"])
        client_port = packets[0]["pkt"]["sport"]
        self.assertEqual(packets[1]["pkt"]["dport"], client_port)
        self.assertEqual([p["pkt"]["len"] for p in packets], [4, 4])

        server_recvfrom = [e for e in events if e["type"] == "return" and e["actor"] == "server"
                           and e["call"] == "recvfrom"][0]
        self.assertEqual(server_recvfrom["out"]["addr"], f"127.0.0.1:{client_port}")
        self.assertEqual(calls[packets[1]["cause"]]["args"][3], f"127.0.0.1:{client_port}")
        states = {s["state"] for s in events if s["type"] == "state"}
        self.assertIn("UNCONN", states)
        self.assertFalse(states & {"LISTEN", "ESTAB", "TIME-WAIT"})

    @unittest.skipUnless(os.geteuid() == 0, "needs root to compare with an unprivileged run")
    def test_root_and_user_see_the_same(self):
        def shape(events):
            return ([(e["actor"], e["call"]) for e in events if e["type"] == "call"],
                    sorted((e["actor"], e["call"], e["ret"], e["errno"] or "") for e in events
                           if e["type"] == "return"),
                    [(p["pkt"]["flags"], p["pkt"]["len"]) for p in events if p["type"] == "packet"],
                    sorted((s["actor"] or "", s["state"]) for s in events if s["type"] == "state"))
        _, user = self.run_json("tcp-handshake")
        _, root = self.run_json("tcp-handshake", privileged=True)
        self.assertEqual(shape(root), shape(user))

    def test_blocked_actor_leaves_nothing(self):
        tag = uuid.uuid4().hex
        r = subprocess.run(as_user([CLI, "run", "tcp-handshake", "--until", "4", "--json"]),
                           capture_output=True, text=True, timeout=60, env=tagged_env(tag))
        self.assertEqual(r.returncode, 0, r.stderr)
        events = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertIn("blocked", [e["type"] for e in events])
        self.assertEqual(tagged_processes(tag), [])

    def test_sigkill_during_interactive_leaves_nothing(self):
        tag = uuid.uuid4().hex
        p = subprocess.Popen(as_user([CLI, "run", "tcp-handshake", "--interactive", "--json"]),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=tagged_env(tag))
        # Run steps 1 to 4 (accept blocks), wait for the prompt of step 5.
        for n in range(1, 6):
            # A prompt is one paragraph, wrapped to the terminal: read it to its last line.
            prompt = p.stderr.readline()
            while "Ctrl-D" not in prompt:
                prompt += p.stderr.readline()
            self.assertIn(f"Step {n}/13", prompt)
            if n < 5:
                p.stdin.write("\n")
                p.stdin.flush()
        before = tagged_processes(tag)
        self.assertGreaterEqual(len(before), 4)   # the CLI (and setpriv), the lab, two actors
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        for f in (p.stdin, p.stdout, p.stderr):
            f.close()
        deadline = time.monotonic() + 1.0
        while tagged_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(tagged_processes(tag), [])

    def test_interactive_eof_ends_cleanly(self):
        r = subprocess.run(as_user([CLI, "run", "udp-echo", "--interactive", "--json"]), input="\n\n",
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        calls = [json.loads(l)["call"] for l in r.stdout.splitlines() if json.loads(l)["type"] == "call"]
        self.assertEqual(calls, ["socket", "bind"])

    def test_refused_namespace(self):
        script = f"echo 0 > /proc/sys/user/max_user_namespaces && exec {CLI} run tcp-handshake"
        r = subprocess.run(as_user(["unshare", "-Ur", "sh", "-c", script]),
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("Remedy:", r.stderr)
        self.assertEqual(r.stderr.count("sockscope-cli:"), 1, r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    if not os.access(LAB, os.X_OK):
        print(f"sockscope-lab is not built ({LAB}): skipped")
        sys.exit(77)
    unittest.main(verbosity=2)
