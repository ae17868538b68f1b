"""A lab node's checks, sampled every interval by one process that forks nothing for them.

Started by NodeWatch (node-watch.ts) with one JSON argument: {"intervalSeconds", "samples",
"checks": [{"name", "argv", "native"?}]}. It prints `ready` once started, then every interval one
sample: for each check a line `<name`, the check's output, a line `>name <exit code>`; then `.`.

A check with a "native" form is answered here, in this process, as the command in its "argv" would
answer it (same output, same exit codes); the others run their command. A process started per check
and sample cost a node ~6 ms of CPU on these machines: the six nodes' watches alone took ~0.4 of a
core of the two, and the lab under test missed its budgets for it (docs/benchmarks.md).
"""
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

TIMED_OUT = 124  # timeout(1)'s exit code, which the commands' own bounds answer


class Bounded:
    """A call that may hang (a stat on a FUSE mount whose server is gone) made with a time bound.

    A call still hung from an earlier sample is waited for again, not started twice: as each
    `timeout N stat` of the shell loop waited its N seconds, without piling up threads.
    """

    def __init__(self):
        self.thread = None
        self.box = {}

    def call(self, function, seconds):
        if self.thread is None:
            box = self.box = {}

            def target():
                try:
                    box["value"] = function()
                except Exception as error:  # the command it stands for would have failed
                    box["error"] = error

            self.thread = threading.Thread(target=target, daemon=True)
            self.thread.start()
        self.thread.join(seconds)
        if self.thread.is_alive():
            return None, TimeoutError()
        self.thread = None
        return self.box.get("value"), self.box.get("error")


def http_get(check, bounded):
    """`curl -sf --max-time N URL`: the body and 0; 22 on an HTTP error, 28 past N s, 7 unreachable."""
    def get():
        with urllib.request.urlopen(check["url"], timeout=check["timeoutSeconds"]) as answer:
            return answer.read()

    body, error = bounded.call(get, check["timeoutSeconds"])
    if error is None:
        return body.decode("utf-8", "replace"), 0
    if isinstance(error, urllib.error.HTTPError):
        return "", 22
    if isinstance(error, (TimeoutError, socket.timeout)) or isinstance(getattr(error, "reason", None), socket.timeout):
        return "", 28
    return "", 7


RTM_GETADDR, RTM_NEWADDR, NLMSG_DONE, NLMSG_ERROR = 22, 20, 3, 2
NLM_F_REQUEST_DUMP = 0x1 | 0x300
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL = 1, 2, 3


def addresses(check, _bounded):
    """`ip -o -4 addr show dev DEVICE`: one line per IPv4 address, `N: dev    inet a.b.c.d/prefix`."""
    try:
        index = socket.if_nametoindex(check["device"])
    except OSError:
        return "", 1  # as ip says "Device does not exist"
    lines = []
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as link:
        link.settimeout(2)
        link.bind((0, 0))
        link.send(struct.pack("=LHHLL", 24, RTM_GETADDR, NLM_F_REQUEST_DUMP, 1, 0) + struct.pack("=BBBBI", socket.AF_INET, 0, 0, 0, 0))
        done = False
        while not done:
            data = link.recv(65536)
            offset = 0
            while offset + 16 <= len(data):
                length, kind = struct.unpack_from("=LH", data, offset)
                if kind in (NLMSG_DONE, NLMSG_ERROR) or length < 16:
                    done = True
                    break
                if kind == RTM_NEWADDR:
                    family, prefix, _flags, _scope, owner = struct.unpack_from("=BBBBI", data, offset + 16)
                    attributes = parse_attributes(data, offset + 24, offset + length)
                    address = attributes.get(IFA_LOCAL) or attributes.get(IFA_ADDRESS)
                    if family == socket.AF_INET and owner == index and address:
                        lines.append("%d: %s    inet %s/%d" % (owner, check["device"], socket.inet_ntoa(address[:4]), prefix))
                offset += (length + 3) & ~3
    return "\n".join(lines), 0


def parse_attributes(data, start, end):
    attributes = {}
    while start + 4 <= end:
        length, kind = struct.unpack_from("=HH", data, start)
        if length < 4:
            break
        attributes[kind] = data[start + 4:start + length]
        start += (length + 3) & ~3
    return attributes


def mounted(check, bounded):
    """`mountpoint -q PATH` under `timeout N`: 0 if a file system is mounted there, 32 if not, 1 if it
    cannot be looked at (missing; a FUSE mount whose client is gone: ENOTCONN), 124 past N s."""
    path = check["path"].rstrip("/") or "/"
    _, error = bounded.call(lambda: os.stat(path), check["timeoutSeconds"])
    if isinstance(error, TimeoutError):
        return "", TIMED_OUT
    if error is not None:
        return "", 1
    with open("/proc/self/mountinfo") as table:
        points = {unescape(line.split()[4]) for line in table if len(line.split()) > 4}
    return "", 0 if path in points else 32


def unescape(field):
    """mountinfo writes a space, tab, newline and backslash in a path as octal escapes."""
    return field.encode().decode("unicode_escape") if "\\" in field else field


def responsive(check, bounded):
    """`stat PATH` under `timeout N`: 0 if the file system answers, 1 on an error, 124 past N s."""
    _, error = bounded.call(lambda: os.stat(check["path"]), check["timeoutSeconds"])
    if isinstance(error, TimeoutError):
        return "", TIMED_OUT
    return "", 0 if error is None else 1


NATIVE = {"http-get": http_get, "addresses": addresses, "mounted": mounted, "responsive": responsive}


def command(argv):
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    except OSError:
        return "", 127
    return done.stdout.decode("utf-8", "replace"), done.returncode if done.returncode >= 0 else 128 - done.returncode


def main():
    config = json.loads(sys.argv[1])
    checks = config["checks"]
    bounds = [Bounded() for _ in checks]
    # Heard before the first sample: starting Python takes ~0.5 s of these machines' CPU.
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    for _ in range(config["samples"]):
        out = []
        for check, bounded in zip(checks, bounds):
            native = check.get("native")
            try:
                output, code = NATIVE[native["kind"]](native, bounded) if native else command(check["argv"])
            except Exception as error:
                output, code = "watch: %r" % (error,), 125
            out.append("<%s\n%s\n>%s %d\n" % (check["name"], output, check["name"], code))
        out.append(".\n")
        sys.stdout.write("".join(out))
        sys.stdout.flush()
        time.sleep(config["intervalSeconds"])


main()
