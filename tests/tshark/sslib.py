"""Shared helpers of the tshark tests: captures in a private namespace, our decoder, tshark.

Python 3 standard library only. Every test script imports this module from its own folder.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
SKIP = 77

# Inside the namespace we are an ordinary uid (not 0) that keeps its capabilities: tcpdump
# only drops privileges (to the 'tcpdump' user, or -Z USER) when it runs as uid 0, and that
# drop fails in a user namespace because setgroups() is denied there.
NS_UID = "1000"
UNSHARE = ["unshare", "--user", "--net", "--map-user=" + NS_UID, "--map-group=" + NS_UID,
           "--keep-caps"]


class Failure(Exception):
    """A check that failed; the message says which packet, which field, ours vs theirs."""


def log(*args):
    print(*args, flush=True)


def need_tools(*names):
    """Exit 77 (meson: skipped) when a tool the test needs is genuinely not installed."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        log("SKIP: not installed: " + ", ".join(missing))
        sys.exit(SKIP)


def cli_path(argv):
    if len(argv) > 1 and argv[1]:
        return argv[1]
    root = os.environ.get("SOCKSCOPE_BUILD_ROOT")
    if root:
        return os.path.join(root, "app", "cli", "sockscope-cli")
    sys.exit("usage: %s PATH/TO/sockscope-cli" % argv[0])


def run_main(fn):
    """Run fn(); a Failure prints a clear message and exits 1."""
    try:
        fn()
    except Failure as e:
        log("FAIL: " + str(e))
        sys.exit(1)
    log("OK")


# --------------------------------------------------------------------------- capture

def capture(out_path, scenario, snaplen=None, timeout=25, tcpdump_args=()):
    """Run one traffic scenario of traffic.py inside a fresh user+net namespace, tcpdump on lo.

    Returns the number of packets tcpdump says it captured. A capture in which tcpdump reports
    drops is made again, once."""
    cmd = UNSHARE + [sys.executable, os.path.join(HERE, "traffic.py"), out_path, scenario]
    cmd += [str(snaplen) if snaplen else "-"] + list(tcpdump_args)
    env = dict(os.environ, TZ="UTC")
    for attempt in (1, 2):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                           timeout=timeout, text=True)
        if p.returncode != 0:
            raise Failure("capture of scenario '%s' failed (exit %d):\n%s"
                          % (scenario, p.returncode, p.stdout))
        captured = dropped = None
        for line in p.stdout.splitlines():
            words = line.split()
            if line.endswith("packets captured") or line.endswith("packet captured"):
                captured = int(words[0])
            elif "dropped by kernel" in line:
                dropped = int(words[0])
        if captured is None or dropped is None:
            raise Failure("capture of '%s': tcpdump did not report its counts:\n%s"
                          % (scenario, p.stdout))
        if dropped == 0:
            return captured
        log("capture of '%s': tcpdump dropped %d packets%s"
            % (scenario, dropped, ", capturing again" if attempt == 1 else ""))
    raise Failure("capture of '%s': tcpdump dropped packets twice:\n%s" % (scenario, p.stdout))


# --------------------------------------------------------------------------- our decoder

def run_cli(cli, *args, check=True, timeout=60):
    p = subprocess.run([cli, "decode"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout, env=dict(os.environ, TZ="UTC"))
    if p.returncode < 0:
        raise Failure("sockscope-cli decode %s died with signal %d\nstderr: %s"
                      % (" ".join(args), -p.returncode, p.stderr.decode(errors="replace")))
    if check and p.returncode != 0:
        raise Failure("sockscope-cli decode %s exited %d\nstderr: %s"
                      % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def decode_json(cli, path, check=True):
    """Our decoder's --json output: list of packet objects (one per line)."""
    p = run_cli(cli, "--json", path, check=check)
    pkts = []
    for i, line in enumerate(p.stdout.decode("utf-8", errors="strict").splitlines()):
        if not line.strip():
            continue
        try:
            pkts.append(json.loads(line))
        except ValueError as e:
            raise Failure("%s: --json line %d is not JSON (%s): %r" % (path, i + 1, e, line[:200]))
    return pkts


def tree_nodes(fields, path=()):
    """Yield (node, ancestors) for every node of a field tree."""
    for node in fields or []:
        yield node, path
        yield from tree_nodes(node.get("children"), path + (node,))


def tree_find(fields, ident, within=None):
    """The nodes whose id is ident, in tree order (ids are Wireshark's names where it has one).

    within: only nodes below a node whose id is within (an ICMP error's quoted headers are
    children of its icmp/icmpv6 node)."""
    out = []
    for node, anc in tree_nodes(fields):
        if node.get("id") == ident:
            if within and not any(a.get("id") == within for a in anc):
                continue
            out.append(node)
    return out


def check_tree_shape(pkt, where):
    """Every node has the documented members, and sits inside the captured bytes."""
    for node, _ in tree_nodes(pkt.get("fields")):
        for k in ("id", "label", "value", "offset", "length", "children"):
            if k not in node:
                raise Failure("%s: field node %r lacks member '%s'" % (where, node.get("id"), k))


# --------------------------------------------------------------------------- tshark

TSHARK_FIELDS = [
    "frame.number", "frame.protocols", "frame.len", "frame.cap_len",
    "eth.type", "ip.version", "ip.hdr_len", "ip.len", "ip.proto", "ip.src", "ip.dst",
    "ipv6.src", "ipv6.dst", "ipv6.nxt", "ipv6.plen",
    "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw",
    "tcp.window_size_value", "tcp.len", "tcp.hdr_len",
    "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.sack_perm",
    "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
    "udp.srcport", "udp.dstport", "udp.length",
    "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
    "arp.opcode", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "_ws.malformed", "_ws.expert.message",
    "ip.id", "ip.flags.mf", "ip.frag_offset", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
    "ipv6.fraghdr.ident", "data.len",
]


def tshark(path, extra=()):
    """tshark's view of a file: list (one per frame) of {field: [values...]}."""
    cmd = ["tshark", "-n", "-r", path, "-o", "tcp.relative_sequence_numbers:FALSE",
           "-o", "tcp.analyze_sequence_numbers:FALSE", "-o", "tcp.desegment_tcp_streams:FALSE",
           # each IP fragment as itself, as our decoder shows it (not the reassembled datagram)
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-T", "json"] + list(extra)
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    # tshark warns on stderr when it runs as root: ignore stderr.
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if not p.stdout.strip():
        if p.returncode != 0:
            raise Failure("tshark -r %s failed: %s" % (path, p.stderr.decode(errors="replace")))
        return []
    frames = json.loads(p.stdout)
    return [f["_source"]["layers"] for f in frames]


def first(layer, field, idx=0):
    v = layer.get(field)
    if not v or len(v) <= idx:
        return None
    return v[idx]


# tcpdump writes the TCP flags in this order; ACK is '.'
_TCP_FLAG_CHARS = [(0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"), (0x10, "."),
                   (0x20, "U"), (0x40, "E"), (0x80, "W")]


def tcpdump_flags(value):
    v = int(value, 0) if isinstance(value, str) else value
    s = "".join(c for bit, c in _TCP_FLAG_CHARS if v & bit)
    return s or "none"


# --------------------------------------------------------------------------- pcap writing

def pcap_header(snaplen=262144, linktype=1, nsec=False):
    magic = 0xa1b23c4d if nsec else 0xa1b2c3d4
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def pcap_record(ts_sec, ts_frac, data, caplen=None, origlen=None):
    caplen = len(data) if caplen is None else caplen
    origlen = len(data) if origlen is None else origlen
    return struct.pack("<IIII", ts_sec, ts_frac, caplen, origlen) + data


def read_pcap_records(path):
    """(header bytes, [(offset, record bytes)]) of a little- or big-endian pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise Failure("%s is not a pcap file" % path)
    recs = []
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        recs.append((off, data[off:off + 16 + caplen]))
        off += 16 + caplen
    return data[:24], recs


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix="sockscope-" + prefix + "-")


def editcap(src, dst, fmt):
    p = subprocess.run(["editcap", "-F", fmt, src, dst], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise Failure("editcap -F %s %s failed: %s" % (fmt, src, p.stdout))
