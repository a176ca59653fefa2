#!/usr/bin/env python3
"""No orphans: SIGKILL of a front end at several moments leaves no sockscope-lab or actor
process behind within 1 s.  python3 orphans_test.py CLI [APP]

Front ends: sockscope-cli (as uid 65534 when root) and, when APP is given and Xvfb is there,
the desktop app under tests/ui/ui-env. Moments:
  lab-starting   the lab process exists but is not ready yet (killed the moment it appears)
  accept         the server actor is blocked in accept() (tcp-handshake, step 4)
  burst          the capture is busy with a burst: the test floods lo inside the lab's network
                 namespace (nsenter) with UDP datagrams, checks the lab is busy capturing them
                 (its CPU time grows), and kills the front end in the middle
Each front end runs with SOCKSCOPE_TEST_TAG=<uuid> in its environment, which the lab and its
actors inherit: the test finds them by it. This consolidates the partial checks of tests/lab
(no-orphans) and tests/cli (SIGKILL during --interactive). Exit 77 if the lab is not built."""
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.abspath(sys.argv[1])
APP = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else None
SRC = os.environ.get("SOCKSCOPE_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))
LAB = os.environ.get("SOCKSCOPE_LAB") or os.path.join(os.path.dirname(os.path.dirname(CLI)), "lab", "sockscope-lab")
BUILD = os.environ.get("SOCKSCOPE_BUILD_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(CLI)))
UI_ENV = os.path.join(SRC, "tests", "ui", "ui-env")
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
SYS_ACCEPT = {43, 288}                  # accept, accept4 (x86-64)
FLOOD = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("flooding", flush=True)
payload = b"x" * 512
while True:
    for _ in range(1000):
        s.sendto(payload, ("127.0.0.1", 9))
"""

failures = []


def procs(tag):
    """{pid: (comm, ppid, syscall number or None)} of live processes carrying the tag."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if ("SOCKSCOPE_TEST_TAG=" + tag).encode() not in f.read().split(b"\0"):
                    continue
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] == "Z":
                continue
            try:
                with open("/proc/%s/syscall" % name) as f:
                    nr = f.read().split()[0]
                nr = int(nr) if nr.lstrip("-").isdigit() else None
            except OSError:
                nr = None
            found[int(name)] = (comm, int(fields[1]), nr)
        except (OSError, ValueError, IndexError):
            continue
    return found


def lab_family(tag):
    """The lab and its actors (forked from it: same program name)."""
    return {pid: p for pid, p in procs(tag).items() if p[0].startswith("sockscope-lab")}


def wait_until(cond, timeout, step=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return None


def front_end_pid(tag, comm):
    pids = [pid for pid, p in procs(tag).items() if p[0] == comm]
    return pids[0] if pids else None


def kill_and_check(what, tag, front, popen):
    """SIGKILL the front end; its lab and actors must be gone within 1 s."""
    family = lab_family(tag)
    if not family:
        failures.append("%s: no lab process to begin with" % what)
        return
    t0 = time.monotonic()
    os.kill(front, signal.SIGKILL)
    left = None
    while time.monotonic() - t0 < 1.0:
        left = lab_family(tag)
        if not left:
            break
        time.sleep(0.01)
    took = time.monotonic() - t0
    try:
        popen.wait(timeout=30)
    except subprocess.TimeoutExpired:
        popen.kill()
    if left:
        failures.append("%s: %d lab/actor process(es) still there 1 s after SIGKILL of the front end: %r"
                        % (what, len(left), left))
        print("FAIL %s: %r left" % (what, left))
        for pid in left:          # clean up after ourselves, only what we started
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    else:
        print("ok   %s: %d lab/actor processes gone %.0f ms after SIGKILL" % (what, len(family), took * 1000))


def env_with(tag):
    env = dict(os.environ, SOCKSCOPE_TEST_TAG=tag, SOCKSCOPE_LAB=LAB, LANGUAGE="en", LC_ALL="C.UTF-8")
    return env


def as_user(argv):
    return NOBODY + argv if os.geteuid() == 0 else argv


# ---- the CLI ----------------------------------------------------------------------------------

def cli_lab_starting():
    tag = uuid.uuid4().hex
    p = subprocess.Popen(as_user([CLI, "run", "tcp-handshake", "--interactive", "--json"]),
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env_with(tag))
    if not wait_until(lambda: lab_family(tag), 10, step=0.0005):
        failures.append("cli lab-starting: the lab never appeared")
        p.kill()
        return
    kill_and_check("cli lab-starting", tag, wait_until(lambda: front_end_pid(tag, "sockscope-cli"), 5), p)
    p.stdin.close()


def cli_interactive(lesson, steps, moment, ready, then=kill_and_check):
    """Runs `steps` steps of the lesson with --interactive, waits for ready(tag), then
    then(what, tag, front end pid, popen): kill_and_check, or burst_then_kill."""
    tag = uuid.uuid4().hex
    p = subprocess.Popen(as_user([CLI, "run", lesson, "--interactive", "--json"]),
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, env=env_with(tag))
    for n in range(1, steps + 1):
        line = p.stderr.readline()
        if "Step %d/" % n not in line:
            failures.append("cli %s: expected the prompt of step %d, got %r" % (moment, n, line))
            p.kill()
            return
        p.stdin.write("\n")
        p.stdin.flush()
    if not wait_until(lambda: ready(tag), 10, step=0.0005):
        failures.append("cli %s: the moment never came: %r" % (moment, lab_family(tag)))
        p.kill()
        return
    then("cli " + moment, tag, wait_until(lambda: front_end_pid(tag, "sockscope-cli"), 5), p)
    for f in (p.stdin, p.stderr):
        f.close()


def accept_blocked(tag):
    return any(nr in SYS_ACCEPT for _, _, nr in lab_family(tag).values())


def cpu_ticks(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])          # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def burst_then_kill(what, tag, front, popen):
    """Floods lo in the lab's network namespace, and kills the front end mid-burst."""
    fam = lab_family(tag)
    lab = [pid for pid, p in fam.items() if p[1] not in fam]
    actor = [pid for pid, p in fam.items() if p[1] in fam]
    if not lab or not actor:
        failures.append("%s: no lab with an actor to flood next to: %r" % (what, fam))
        popen.kill()
        return
    enter = ["nsenter", "-t", str(actor[0]), "-n"]
    if os.geteuid() != 0:
        enter = ["nsenter", "-t", str(actor[0]), "-U", "-n", "--preserve-credentials"]
    flood = subprocess.Popen(enter + [sys.executable, "-c", FLOOD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        if flood.stdout.readline().strip() != "flooding":
            failures.append("%s: the flood did not start: %s" % (what, flood.stderr.read()[-500:]))
            popen.kill()
            return
        before = cpu_ticks(lab[0])
        time.sleep(0.3)
        busy = cpu_ticks(lab[0]) - before
        if busy <= 0:
            failures.append("%s: the lab's capture is not busy during the flood" % what)
        kill_and_check("%s (lab busy: %d ticks in 0.3 s)" % (what, busy), tag, front, popen)
    finally:
        flood.kill()
        flood.wait()
        flood.stdout.close()
        flood.stderr.close()


def idle_with_actors(tag):
    """The lab is up and has spawned its actors."""
    return len(lab_family(tag)) >= 3


# ---- the app ----------------------------------------------------------------------------------

def app_run(moment, lesson, step, ready, then=kill_and_check):
    """With step, the app renders a screenshot after `step` steps and quits: it is killed
    before, the moment ready(tag) holds (if it finished first, which it should not: rendering
    takes far longer than the poll, the run is tried again). Without, the app opens the lesson
    and waits for the learner."""
    for attempt in range(3):
        tag = uuid.uuid4().hex
        out = os.path.join(BUILD, "orphans-%s.png" % tag)
        argv = [UI_ENV, APP, "--lesson", lesson]
        if step:
            argv += ["--screenshot", out, "--step", str(step)]
        env = env_with(tag)
        env["GSK_RENDERER"] = "cairo"
        env["SOCKSCOPE_BUILD_ROOT"] = BUILD
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                             start_new_session=True)
        got = wait_until(lambda: ready(tag) or p.poll() is not None, 30, step=0.0005)
        got = got and p.poll() is None
        app = front_end_pid(tag, "sockscope")
        if got and app:
            then("app " + moment, tag, app, p)
            try:
                os.killpg(p.pid, signal.SIGTERM)   # xvfb-run and its X server, which we started
            except OSError:
                pass
            return
        p.wait(timeout=60)
        print("# app %s: the app finished first (exit %s), again" % (moment, p.returncode))
        if os.path.exists(out):
            os.unlink(out)
    failures.append("app %s: the moment never came in 3 tries" % moment)


def main():
    if not os.access(LAB, os.X_OK):
        print("sockscope-lab is not built (%s): skipped" % LAB)
        return 77
    t0 = time.monotonic()
    cli_lab_starting()
    cli_interactive("tcp-handshake", 4, "accept", accept_blocked)
    cli_interactive("tcp-handshake", 0, "burst", idle_with_actors, burst_then_kill)
    if APP and os.access(APP, os.X_OK) and shutil.which("xvfb-run"):
        app_run("lab-starting", "tcp-handshake", 0, lambda tag: bool(lab_family(tag)))
        app_run("accept", "tcp-handshake", 4, accept_blocked)
        app_run("burst", "tcp-handshake", 0, idle_with_actors, burst_then_kill)
    else:
        print("the app is not built or xvfb-run is missing: app cases not run")
    print("took %.1f s" % (time.monotonic() - t0))
    if failures:
        print("\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
