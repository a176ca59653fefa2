#!/usr/bin/env python3
"""sockscope-cli and sockscope-lab under valgrind memcheck: no memory error, no definite or
indirect leak.  python3 valgrind_test.py CLI

Each command runs as `valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
--error-exitcode=99 --suppressions=sockscope.supp`. For `run`, SOCKSCOPE_LAB points to a
wrapper that starts the lab under the same valgrind, so the lab's exit is checked too, and
that of each actor it forks that exits on its own (those it kills at the end leave no summary). Commands that run a lab run as uid 65534 when the
test runs as root, as a learner would. Exit 77 when valgrind is not installed."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.abspath(sys.argv[1])
SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))
LAB = os.environ.get("SOCKSCOPE_LAB") or os.path.join(os.path.dirname(os.path.dirname(CLI)), "lab", "sockscope-lab")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
SUPP = os.path.join(HERE, "sockscope.supp")


def valgrind_args(logdir, name):
    return ["valgrind", "--tool=memcheck", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
            "--suppressions=" + SUPP, "--num-callers=30",
            "--log-file=%s/%s.%%p.log" % (logdir, name)]


def check_logs(logdir, what):
    """Every valgrind log of the case: 0 errors, nothing definitely or indirectly lost."""
    problems = []
    logs = sorted(glob.glob(os.path.join(logdir, "*.log")))
    checked = 0
    for log in logs:
        with open(log, errors="replace") as f:
            text = f.read()
        if "ERROR SUMMARY" not in text:
            continue          # the CLI's child between fork and exec of the lab wrapper
        checked += 1
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        definite = re.search(r"definitely lost: ([\d,]+) bytes", text)
        indirect = re.search(r"indirectly lost: ([\d,]+) bytes", text)
        bad = (errors and errors.group(1) != "0") or \
            (definite and definite.group(1) != "0") or (indirect and indirect.group(1) != "0")
        if bad:
            problems.append("%s: %s\n%s" % (what, os.path.basename(log), text[-6000:]))
    return checked, problems


def main():
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: skipped (./dev installs it)")
        return 77
    root = os.geteuid() == 0
    # Not under /tmp: the lab mounts its own /tmp, and valgrind, following the lab's fork of
    # each actor, writes the actor's log from inside it. A build tree can itself be under /tmp
    # (a CI checkout): then /var/tmp.
    base = os.path.realpath(os.environ.get("SOCKSCOPE_BUILD_ROOT") or os.getcwd())
    if base == "/tmp" or base.startswith("/tmp/"):
        base = "/var/tmp"
    tmp = tempfile.mkdtemp(prefix="sockscope-valgrind-logs-", dir=base)
    os.chmod(tmp, 0o777)
    session = os.path.join(tmp, "tcp.sockscope")
    pcap = os.path.join(SRC, "tests", "tshark", "golden", "handshake.pcap")
    lessons = sorted(glob.glob(os.path.join(SRC, "lessons", "*.lesson")))
    bad_lesson = os.path.join(SRC, "tests", "malformed", "lessons", "bad-duplicate-actor.lesson")
    damaged = os.path.join(SRC, "tests", "malformed", "captures", "pcap-cut-record-data.pcap")
    cases = [
        # name, argv, needs a lab, expected exit status
        ("run-tcp-handshake", ["run", "tcp-handshake", "--session", session], True, 0),
        ("run-udp-echo-json", ["run", "udp-echo", "--json"], True, 0),
        # two hosts and the wire: the lab's hosts, its forwarder's reports, wire events
        ("run-udp-loss-two-hosts", ["run", "udp-loss", "--json"], True, 0),
        ("check-lessons", ["check"] + lessons, False, 0),
        ("check-bad-lesson", ["check", bad_lesson], False, 1),
        ("decode-text", ["decode", pcap], False, 0),
        ("decode-json", ["decode", pcap, "--json"], False, 0),
        ("decode-summary", ["decode", pcap, "--summary"], False, 0),
        ("decode-damaged", ["decode", damaged], False, 1),
        ("replay-text", ["replay", session], False, 0),
        ("replay-json", ["replay", session, "--json"], False, 0),
        # the explore model: a UDP exchange, a refused line (status 1), a blocked call, an undo, a save
        ("explore-udp", ["explore", "--json"], True, 1),
    ]
    explore_script = (":actor server\n:actor client\nserver: s = socket(AF_INET, SOCK_DGRAM, 0)\n"
                      "server: bind(s, 127.0.0.1:7777)\nserver: n = recvfrom(s, 64, 0) -> peer\n"
                      "client: c = socket(AF_INET, SOCK_DGRM, 0)\nclient: c = socket(AF_INET, SOCK_DGRAM, 0)\n"
                      "client: sendto(c, \"ping\", 0, 127.0.0.1:7777)\nserver: sendto(s, n, 0, peer)\n"
                      ":calls client\n:undo\n:save %s\n" % os.path.join(tmp, "explored.lesson"))
    failures = []
    for name, argv, lab, status in cases:
        logdir = os.path.join(tmp, name)
        os.mkdir(logdir)
        os.chmod(logdir, 0o777)
        env = dict(os.environ, LANGUAGE="en", LC_ALL="C.UTF-8")
        if lab:
            wrapper = os.path.join(logdir, "lab-under-valgrind")
            with open(wrapper, "w") as f:
                f.write("#!/bin/sh\nexec %s %s \"$@\"\n" % (
                    " ".join(valgrind_args(logdir, "lab")), LAB))
            os.chmod(wrapper, 0o755)
            env["SOCKSCOPE_LAB"] = wrapper
        cmd = valgrind_args(logdir, "cli") + [CLI] + argv
        if root and lab:
            cmd = NOBODY + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300,
                           input=explore_script if argv[0] == "explore" else None)
        checked, problems = check_logs(logdir, name)
        expected_logs = 2 if lab else 1     # the CLI's, the lab's (and maybe its actors')
        if p.returncode != status:
            failures.append("%s: exit %d, expected %d (99: valgrind found errors)\n%s"
                            % (name, p.returncode, status, p.stderr[-3000:]))
        if checked < expected_logs:
            failures.append("%s: %d valgrind reports, expected %d (did the lab run under valgrind?)"
                            % (name, checked, expected_logs))
        failures += problems
        print("%s %s: exit %d, %d valgrind report(s)%s" % (
            "ok  " if not problems and p.returncode == status else "FAIL", name, p.returncode,
            checked, "" if not problems else ", %d with errors or leaks" % len(problems)))
    if failures:
        print("\n\n".join(failures))
        print("logs kept in " + tmp)
        return 1
    shutil.rmtree(tmp, True)
    print("no memory error and no definite or indirect leak in %d commands" % len(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
