#!/usr/bin/env python3
"""sockscope-cli explore end to end, in real labs, as an unprivileged user: a piped session runs
each call for real, a mistake gets the checker's message and its nearest name and runs nothing,
what was done is saved as a lesson that check accepts and run replays with the same calls; going
on from a step of a lesson; every bad input is one message and the session goes on; a terminal
gets completion, the argument hint and history through readline."""
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

CLI = sys.argv.pop(1)
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_user(argv):
    """The CLI is the unprivileged front end: run it as nobody when the test runs as root."""
    return NOBODY + argv if os.geteuid() == 0 else argv


UDP_SESSION = """\
# two actors, a UDP exchange, one call mistyped
:actor server Server
:actor client
server: s = socket(AF_INET, SOCK_DGRAM, 0)
server: bind(s, 127.0.0.1:7777)
client: c = socket(AF_INET, SOCK_DGRAM, 0)
client: sendto(c, "ping", 0, 127.0.0.1:7777)
server: n = recvfom(s, 64, 0) -> peer
server: n = recvfrom(s, 64, 0) -> peer
server: sendto(s, n, 0, peer)
client: n = recvfrom(c, 64, 0)
:save {path}
"""

# (actor, call) of each step the session above runs.
UDP_CALLS = [("server", "socket"), ("server", "bind"), ("client", "socket"), ("client", "sendto"),
             ("server", "recvfrom"), ("server", "sendto"), ("client", "recvfrom")]


class Explore(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sockscope-explore-")
        os.chmod(self.tmp, 0o777)
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def cli(self, *args, stdin=None):
        return subprocess.run(as_user([CLI, *args]), input=stdin, capture_output=True, text=True, timeout=120)

    def explore(self, script, *args):
        r = self.cli("explore", "--json", *args, stdin=script)
        events = [json.loads(line) for line in r.stdout.splitlines()]
        return r, events

    def calls(self, events):
        return [(e["actor"], e["call"]) for e in events if e["type"] == "call"]

    def test_piped_udp_session_runs_each_call_and_saves_a_lesson(self):
        path = os.path.join(self.tmp, "udp-mine.lesson")
        r, events = self.explore(UDP_SESSION.format(path=path))
        # One line was refused: the status says so, the session went on.
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(self.calls(events), UDP_CALLS)
        # Each call ran for real: the kernel's return values, its datagrams on the wire.
        returns = {e["call_seq"]: e for e in events if e["type"] == "return"}
        calls = [e for e in events if e["type"] == "call"]
        self.assertEqual([c["step"] for c in calls], list(range(1, 8)))
        self.assertEqual(returns[calls[3]["seq"]]["ret"], 4)        # sendto "ping"
        self.assertEqual(returns[calls[4]["seq"]]["out"]["data"], "ping")
        packets = [e for e in events if e["type"] == "packet"]
        self.assertEqual([p["pkt"]["proto"] for p in packets], ["udp", "udp"])
        self.assertEqual([(p["from"], p["to"]) for p in packets], [("client", "server"), ("server", "client")])
        self.assertEqual([p["cause"] for p in packets], [calls[3]["seq"], calls[5]["seq"]])
        self.assertEqual(packets[0]["pkt"]["dport"], 7777)
        # The mistake: the checker's message with the nearest name, on its line, and nothing ran.
        self.assertIn("line 8: unknown call 'recvfom'; hint: did you mean 'recvfrom'?", r.stderr)
        self.assertNotIn("recvfom", r.stdout)
        self.assertEqual(len([l for l in r.stderr.splitlines() if "line " in l]), 1, r.stderr)
        self.assertIn("Saved " + path, r.stderr)

        # The lesson passes check, its texts say what happened, and run replays the same calls.
        check = self.cli("check", path)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("7 steps", check.stdout)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("id: udp-mine\n", text)
        self.assertIn("label.en: Server\n", text)
        self.assertIn("server: n = recvfrom(s, 64, 0) -> peer\n", text)
        self.assertIn("  en: client sends 4 bytes; one UDP datagram.\n", text)
        self.assertIn("  fr: client envoie 4 octets ; un datagramme UDP.\n", text)
        self.assertIn("  en: server gets a new UDP socket, s = 3; no packet.\n", text)
        self.assertIn("ask:", text)            # where the teacher's questions go, said in a comment
        self.assertNotRegex(text, r"(?m)^\s+ask:")
        run = self.cli("run", path, "--json")
        self.assertEqual(run.returncode, 0, run.stderr)
        replayed = [json.loads(line) for line in run.stdout.splitlines()]
        self.assertEqual(self.calls(replayed), UDP_CALLS)
        self.assertEqual([p["pkt"]["proto"] for p in replayed if p["type"] == "packet"], ["udp", "udp"])

    def test_ladder_output_as_run_prints_it(self):
        r = self.cli("explore", stdin=":actor server\n:actor client\n"
                     "server: s = socket(AF_INET, SOCK_DGRAM, 0)\nserver: bind(s, 127.0.0.1:7777)\n"
                     "client: c = socket(AF_INET, SOCK_DGRAM, 0)\nclient: sendto(c, \"hi\", 0, 127.0.0.1:7777)\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines()[0].split(), ["server"])
        self.assertIn("[step 4] client: sendto(c, \"hi\", 0, 127.0.0.1:7777)", r.stdout)
        self.assertRegex(r.stdout, r"│<─+ UDP len=2 ─+│")
        self.assertEqual(r.stderr, "")

    def test_go_on_from_tcp_handshake_step_6(self):
        path = os.path.join(self.tmp, "handshake-more.lesson")
        r, events = self.explore('client: send(c, "hi", 0)\nserver: n = recv(conn, 64, 0)\n'
                                 f':save {path}\n', "--from", "tcp-handshake:6")
        self.assertEqual(r.returncode, 0, r.stderr)
        calls = [e for e in events if e["type"] == "call"]
        # The lesson's steps 1 to 6 ran first, then the learner's two.
        self.assertEqual([(c["actor"], c["call"], c["step"]) for c in calls],
                         [("server", "socket", 1), ("server", "bind", 2), ("server", "listen", 3),
                          ("server", "accept", 4), ("client", "socket", 5), ("client", "connect", 6),
                          ("client", "send", 7), ("server", "recv", 8)])
        notes = [e["text"] for e in events if e["type"] == "note"]
        self.assertIn("three-way handshake", notes[5])          # the lesson's own text
        tcp = [e["pkt"] for e in events if e["type"] == "packet" and e["pkt"]["proto"] == "tcp"]
        self.assertEqual([p["flags"] for p in tcp[:3]], ["S", "S.", "."])
        data = [e for e in events if e["type"] == "packet" and e["pkt"]["len"] == 2]
        self.assertEqual([(d["from"], d["cause"]) for d in data], [("client", calls[6]["seq"])])
        recv = [e for e in events if e["type"] == "return" and e["call_seq"] == calls[7]["seq"]]
        self.assertEqual((recv[0]["ret"], recv[0]["out"]["data"]), (2, "hi"))
        check = self.cli("check", path)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("client: connect(c, 127.0.0.1:7777)\n", text)
        self.assertIn("three-way handshake", text)
        self.assertIn("  en: server receives 2 bytes; no packet.\n", text)

    def test_go_on_from_a_lesson_on_two_hosts(self):
        path = os.path.join(self.tmp, "loss-more.lesson")
        r, events = self.explore(':actor c2 Client 2 @alice\n:actor c3 @carol\n'
                                 'c2: x = socket(AF_INET, SOCK_DGRAM, 0)\n'
                                 'c2: sendto(x, "hi", 0, 192.0.2.2:7777)\n'
                                 'server: n = recvfrom(s, 64, 0) -> peer\n'
                                 f':save {path}\n', "--from", "udp-loss:7")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("line 2: unknown host 'carol'; hint: the hosts are alice and bob", r.stderr)
        # c2 on alice: its datagram crosses the wire to bob's server, which receives it.
        sent = [e for e in events if e["type"] == "packet" and e["from"] == "c2"]
        self.assertEqual([(p["pkt"]["src"], p["pkt"]["dst"], p["to"]) for p in sent],
                         [("192.0.2.1", "192.0.2.2", "server")])
        received = [e for e in events if e["type"] == "return" and e["actor"] == "server" and e["call"] == "recvfrom"]
        self.assertEqual(received[-1]["out"]["data"], "hi")
        check = self.cli("check", path)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("host.a: alice\nhost.b: bob\n", text)
        self.assertIn("actor: c2\n  host: a\n", text)
        self.assertIn("  wire: dir=a>b, drop=next\n", text)    # step 7's own wire line, kept

    def test_go_on_from_the_last_step_of_every_lesson(self):
        """Every lesson replays in explore up to its last step and is saved back with the same
        steps, its hosts and wire, and its texts; the file passes check."""
        step_line = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*): *(.*\(.*)$", re.M)
        listed = self.cli("list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        ids = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
        self.assertGreater(len(ids), 10)
        for lesson in ids:
            with self.subTest(lesson=lesson):
                check = self.cli("check", lesson)
                path, n = re.search(r"^(.*): ok \(\S+, (\d+) steps\)", check.stdout, re.M).groups()
                saved = os.path.join(self.tmp, lesson + ".lesson")
                r = self.cli("explore", "--json", "--from", f"{lesson}:{n}", stdin=f":save {saved}\n")
                self.assertEqual(r.returncode, 0, r.stderr)
                calls = [json.loads(l) for l in r.stdout.splitlines()]
                self.assertEqual(max(e["step"] for e in calls if e["type"] == "call"), int(n))
                again = self.cli("check", saved)
                self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
                self.assertIn(f"{n} steps", again.stdout)
                with open(path, encoding="utf-8") as f:
                    original = f.read()
                with open(saved, encoding="utf-8") as f:
                    copy = f.read()

                def steps(text):
                    return [(a, re.sub(r"\s", "", c)) for a, c in step_line.findall(text) if a not in ("id", "actor")]

                self.assertEqual(len(steps(copy)), int(n))
                self.assertEqual(steps(copy), steps(original))
                for key in ("host.a:", "host.b:", "\nwire:", "  wire:", "  kind: thread", "  parent:"):
                    self.assertEqual(key in copy, key in original, key)

    def test_bad_input_is_one_message_and_the_session_goes_on(self):
        readonly = os.path.join(self.tmp, "readonly")
        os.mkdir(readonly, 0o555)
        saved = os.path.join(self.tmp, "after.lesson")
        lines = [":actor server", ":actor client",
                 "server: s = sockt(AF_INET, SOCK_DGRAM, 0)",           # 3 unknown call
                 "server: s = socket(AF_INET, SOCK_DGRM, 0)",           # 4 unknown constant
                 "server: s = socket(AF_INET, SOCK_DGRAM)",             # 5 wrong argument count
                 "sever: s = socket(AF_INET, SOCK_DGRAM, 0)",           # 6 unknown actor
                 "server: bind(x, 127.0.0.1:7777)",                     # 7 unknown variable
                 "server: s = socket(AF_INET, SOCK_DGRAM, 0)",
                 "server: bind(s, 127.0.0.1:7777)",
                 "server: n = recvfrom(s, 64, 0)",                      # blocks
                 "server: close(s)",                                    # 11 still blocked
                 f":save {readonly}/x.lesson",                          # 12 unwritable
                 ":save " + os.path.join(self.tmp, "no-such-folder", "x.lesson"),   # 13
                 ":actor server",                                       # 14 a name already used
                 ]
        lines += [f":actor a{i}" for i in range(3, 65)]                 # 64 actors
        lines += [":actor a65",                                         # 77 the 65th
                  'client: c = socket(AF_INET, SOCK_DGRAM, 0)',
                  'client: sendto(c, "wake", 0, 127.0.0.1:7777)',
                  f":save {saved}"]
        r, events = self.explore("\n".join(lines) + "\n")
        self.assertEqual(r.returncode, 1)
        problems = [l for l in r.stderr.splitlines() if l.startswith("sockscope-cli explore: line ")]
        expected = {
            3: "unknown call 'sockt'; hint: did you mean 'socket'?",
            4: "unknown constant 'SOCK_DGRM' in socket(); hint: did you mean SOCK_DGRAM?",
            5: "socket() takes 3 arguments, not 2; hint: socket(domain, type, protocol)",
            6: "unknown actor 'sever'; hint: did you mean 'server'?",
            7: "unknown variable 'x' for server",
            11: "server is still blocked in recvfrom(3, 64, 0)",
            12: f"cannot save the lesson to {readonly}/x.lesson: you may not write in the folder",
            13: "cannot save the lesson to " + os.path.join(self.tmp, "no-such-folder", "x.lesson") +
                ": the folder " + os.path.join(self.tmp, "no-such-folder") + " does not exist",
            14: "there is already an actor named 'server'",
            77: "'a65' would be a 65th actor; hint: a lesson has at most 64 actors",
        }
        self.assertEqual(len(problems), len(expected), r.stderr)
        for problem, (lineno, text) in zip(problems, sorted(expected.items())):
            self.assertIn(f"line {lineno}: {text}", problem)
        # The blocked actor's message names one that can go.
        self.assertIn("hint: client can go", problems[5])
        # Nothing refused ran; what came after did, and the blocked recvfrom returned.
        self.assertEqual(self.calls(events), [("server", "socket"), ("server", "bind"), ("server", "recvfrom"),
                                              ("client", "socket"), ("client", "sendto")])
        self.assertEqual(len([e for e in events if e["type"] == "actor"]), 64)
        returns = [e for e in events if e["type"] == "return" and e["call"] == "recvfrom"]
        self.assertEqual(returns[0]["out"]["data"], "wake")
        self.assertFalse(os.path.exists(os.path.join(readonly, "x.lesson")))
        check = self.cli("check", saved)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("5 steps", check.stdout)

    def test_undo_replays_all_but_the_last_step_in_a_new_lab(self):
        path = os.path.join(self.tmp, "undone.lesson")
        r, events = self.explore(":actor server\nserver: s = socket(AF_INET, SOCK_STREAM, 0)\n"
                                 "server: bind(s, 127.0.0.1:7777)\nserver: listen(s, 5)\n:undo\n"
                                 f":save {path}\n:undo\n:undo\n:undo\n")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Undone: the lab started again and replayed 2 steps.", r.stderr)
        self.assertIn("line 9: there is no step to undo", r.stderr)
        # Each undo is a fresh lab: its log starts again at seq 1 and runs the steps kept.
        starts = [i for i, e in enumerate(events) if e["seq"] == 1]
        self.assertEqual(len(starts), 4)
        self.assertEqual(self.calls(events[starts[1]:starts[2]]), [("server", "socket"), ("server", "bind")])
        self.assertNotIn("LISTEN", [e.get("state") for e in events[starts[1]:starts[2]]])
        self.assertIn("LISTEN", [e.get("state") for e in events[:starts[1]]])
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("server: bind(s, 127.0.0.1:7777)\n", text)
        self.assertNotIn("listen", text.split("actor: server")[1])

    def test_calls_follow_the_kernel(self):
        r = self.cli("explore", stdin=":calls\n:actor server\n:actor client\n"
                     "server: s = socket(AF_INET, SOCK_STREAM, 0)\n:calls server\n"
                     "server: bind(s, 127.0.0.1:7777)\n:calls server\n"
                     "server: listen(s, 5)\nclient: c = socket(AF_INET, SOCK_STREAM, 0)\n:calls client\n"
                     "client: connect(c, 127.0.0.1:7777)\n:calls server\n"
                     "server: conn = accept(s)\nclient: send(c, \"hello\", 0)\n:calls server\n"
                     "server: n = recv(conn, 64, 0)\nserver: n = recv(conn, 64, 0)\n:calls server\n:calls nobody\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stderr.splitlines()
        self.assertEqual(lines[0], "There is no actor yet: add one with ':actor NAME'.")
        # Each :calls prints its lines indented: the groups of indented lines, in order.
        groups, current = [], []
        for line in lines[1:] + [""]:
            if line.startswith("  "):
                current.append(line.strip())
            elif current:
                groups.append(current)
                current = []
        palettes = groups
        # A new TCP socket: bind or connect it; bound: listen; a client's socket: connect to the
        # listener the kernel shows; a connection waiting in the queue: accept first; bytes in
        # the connection's receive queue: recv first; nothing left to read: recv (it blocks) after.
        self.assertIn("server: bind(s, 127.0.0.1:7777)", palettes[0])
        self.assertEqual(palettes[1][0], "server: listen(s, 5)")
        self.assertEqual(palettes[2][0], "client: connect(c, 127.0.0.1:7777)")
        self.assertEqual(palettes[3][0], "server: conn = accept(s)")
        self.assertEqual(palettes[4][0], "server: n = recv(conn, 64, 0)")
        self.assertIn("server: conn2 = accept(s)", palettes[4])
        # server blocked in its second recv: nothing to offer, and why.
        self.assertIn("server is still blocked in recv(4, 64, 0)", r.stderr)
        self.assertIn("unknown actor 'nobody'", r.stderr)

    def test_a_lab_that_dies_ends_the_session_with_why(self):
        p = subprocess.Popen(as_user([CLI, "explore"]), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            p.stdin.write(":actor server\n")
            p.stdin.flush()
            time.sleep(1)
            # This session's own lab: the child of the CLI (setpriv execs it: the same pid).
            labs = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read()
                except OSError:
                    continue
                if ppid == p.pid and b"sockscope-lab" in cmd:
                    labs.append(int(pid))
            self.assertEqual(len(labs), 1)
            os.kill(labs[0], 9)
            # Said at once, while the CLI waits for its next line (no line sent yet).
            ready = select.select([p.stderr], [], [], 20)[0]
            self.assertTrue(ready, "nothing said when the lab died")
            said = p.stderr.readline()
            _, err = p.communicate("server: s = socket(AF_INET, SOCK_DGRAM, 0)\nserver: close(s)\n", timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertEqual(p.returncode, 1)
        # One message, when it happened; the script then ends: its next lines run nothing.
        self.assertRegex(said, r"^sockscope-cli explore: the lab has stopped: the lab stopped "
                               r"unexpectedly \(killed by signal .+\)$")
        self.assertEqual(err, "")

    def test_bash_completes_from_lesson_and_step(self):
        completion = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "completions",
                                  "sockscope-cli")
        if not os.path.exists("/usr/share/bash-completion/bash_completion"):
            self.skipTest("bash-completion is not installed")
        script = r'''
. /usr/share/bash-completion/bash_completion
. "$1"
try() {
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
  local line=${COMP_LINE//:/ : }
  read -ra COMP_WORDS <<< "$line"
  [[ $COMP_LINE == *: ]] && COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=(); _sockscope_cli sockscope-cli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  echo "${COMPREPLY[*]}"
}
try sockscope-cli explore --from tcp-h
try sockscope-cli explore --from tcp-handshake:
try sockscope-cli explore --from tcp-handshake:1
'''
        env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(CLI)) + ":" + os.environ["PATH"])
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", completion],
                           capture_output=True, text=True, env=env, timeout=60)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["tcp-handshake:"], r.stderr)
        # After the colon, bash shows the steps alone: 1 to 13 for tcp-handshake.
        self.assertEqual(lines[1].split(), [str(n) for n in range(1, 14)], r.stderr)
        self.assertEqual(lines[2].split(), ["1", "10", "11", "12", "13"], r.stderr)

    def lab_of(self, pid):
        for child in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{child}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{child}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if ppid == pid and b"sockscope-lab" in cmd:
                return int(child)
        return None

    def test_a_lab_that_dies_is_said_at_the_prompt_and_the_steps_can_be_saved(self):
        master, slave = os.openpty()
        p = subprocess.Popen(as_user([CLI, "explore"]), stdin=slave, stdout=subprocess.PIPE, stderr=slave,
                             env=dict(os.environ, TERM="dumb", INPUTRC="/dev/null"))
        os.close(slave)
        screen = bytearray()
        path = os.path.join(self.tmp, "kept.lesson")

        def wait_for(text, timeout=20):
            end = time.time() + timeout
            while text.encode() not in screen and time.time() < end:
                if select.select([master], [], [], 0.1)[0]:
                    try:
                        screen.extend(os.read(master, 4096))
                    except OSError:
                        break
            self.assertIn(text, screen.decode(errors="replace"))

        try:
            wait_for("explore> ")
            os.write(master, b":actor server\r")
            os.write(master, b"server: s = socket(AF_INET, SOCK_DGRAM, 0)\r")
            wait_for("explore> server: s = socket(AF_INET, SOCK_DGRAM, 0)\r\nexplore> ")
            time.sleep(0.5)
            os.write(master, b"server: clo")                  # a line half typed
            wait_for("explore> server: clo")
            lab = self.lab_of(p.pid)
            self.assertIsNotNone(lab)
            os.kill(lab, 9)
            # Said at once, at the prompt; the line being typed comes back after it.
            wait_for("The lab has stopped: the lab stopped unexpectedly")
            wait_for("':quit' ends.\r\nexplore> server: clo")
            os.write(master, b"\x15:save " + path.encode() + b"\r")
            wait_for("Saved " + path)
            os.write(master, b":quit\r")
            p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            os.close(master)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.cli("check", path).returncode, 0)

    def test_command_line(self):
        h = self.cli("explore", "--help")
        self.assertEqual(h.returncode, 0)
        for text in ("--from", "LESSON:STEP", "--json", ":actor NAME [LABEL]", ":save FILE", "Exit status"):
            self.assertIn(text, h.stdout)
        self.assertEqual(self.cli("help", "explore").stdout, h.stdout)
        self.assertIn("explore", self.cli("--help").stdout)
        for bad in (["--from", "tcp-handshake"], ["--from", "tcp-handshake:99"], ["--from", "tcp-handshake:x"],
                    ["extra"], ["--lang", "de"]):
            r = self.cli("explore", *bad, stdin="")
            self.assertEqual(r.returncode, 2, bad)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        r = self.cli("explore", "--from", "no-such-lesson:1", stdin="")
        self.assertEqual(r.returncode, 1)
        # An empty script: a lab started and stopped, nothing refused.
        r = self.cli("explore", stdin="")
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))

    def test_terminal_completion_hint_and_history(self):
        master, slave = os.openpty()
        p = subprocess.Popen(as_user([CLI, "explore"]), stdin=slave, stdout=subprocess.PIPE, stderr=slave,
                             env=dict(os.environ, TERM="dumb", INPUTRC="/dev/null"))
        os.close(slave)
        screen = bytearray()

        def wait_for(text, timeout=20):
            end = time.time() + timeout
            while text.encode() not in screen and time.time() < end:
                if select.select([master], [], [], 0.1)[0]:
                    try:
                        screen.extend(os.read(master, 4096))
                    except OSError:
                        break
            self.assertIn(text, screen.decode(errors="replace"))

        def send(keys):
            os.write(master, keys.encode())

        try:
            wait_for("explore> ")
            send(":actor server\r")
            wait_for("explore> :actor server\r\nexplore> ")
            send("ser\t")                                   # the actor and its colon
            wait_for("explore> server:")
            send(" s = socketp\t")                          # a call and its (
            wait_for("socketpair(")
            send("\x15server: s = socket(AF_INET, SOCK_DG\t")   # Ctrl-U, then a constant
            wait_for("SOCK_DGRAM")
            send("\x1bh")                                   # Alt-h: the call's arguments
            wait_for("socket(domain, type, protocol)")
            send(", 0)\r")
            send("server: bind(s, 127.0.0.1:7777)\r")
            wait_for("explore> server: bind(s, 127.0.0.1:7777)")
            send("server: n = recvfrom(s, 64, 0) -> peer\r")
            send("server: sendto(s, \"x\", 0, 127.0.0.\t")     # an address the log has seen
            wait_for("127.0.0.1:7777")
            send("\x15\x1b[A\x1b[A\r")                       # history: the bind line again, run
            wait_for("still blocked")
            # Ctrl-D once the prompt is back, as a user types it: sent while the line runs, the
            # terminal is in its cooked mode and takes it as its own end of file, not readline's
            end = time.time() + 20
            while "explore> " not in screen.decode(errors="replace").rsplit("still blocked", 1)[1] and time.time() < end:
                if select.select([master], [], [], 0.1)[0]:
                    screen.extend(os.read(master, 4096))
            send("\x04")
            out, _ = p.communicate(timeout=60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            os.close(master)
        self.assertIn("[step 1] server: s = socket(AF_INET, SOCK_DGRAM, 0)", out.decode())
        self.assertIn("bind = 0", out.decode())
        self.assertIn("recvfrom blocks", out.decode())


if __name__ == "__main__":
    unittest.main(verbosity=2)
