"""Terraform's supervising parent: it stops Terraform, and its providers, when edgeform dies.

Run as a script (`python -I -S supervise.py WATCH_FD GRACE FDS -- terraform ...`, standard
library only, so it starts in milliseconds), in a process group of its own that Terraform and
its providers share. It waits for Terraform to exit and exits with its status. If edgeform
dies first, by any signal, SIGKILL included, the pipe edgeform holds open (WATCH_FD) reads
end-of-file: the supervisor then sends the group one SIGINT (Terraform stops gracefully and
saves the state), waits GRACE seconds, and kills what is left of the group. A pipe's end is
seen on Linux and macOS alike, where PR_SET_PDEATHSIG is Linux's alone.

FDS (comma-separated) are descriptors Terraform must hold too: the stage's host lock, so
that no other run takes the stage while this Terraform still lives.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading


def main(argv: list[str]) -> int:
    watch, grace = int(argv[1]), float(argv[2])
    keep = tuple(int(fd) for fd in argv[3].split(",") if fd)
    command = argv[5:]
    # edgeform forwards its SIGINT/SIGTERM to the whole group, Terraform included; the
    # supervisor itself stays to report Terraform's status (a handler, not SIG_IGN: an
    # ignored signal would stay ignored in Terraform across exec).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: None)
    try:
        child = subprocess.Popen(command, pass_fds=keep)
    except OSError as exc:
        print(f"cannot run {command[0]}: {exc}", file=sys.stderr)
        return 127
    reaped_r, reaped_w = os.pipe()
    threading.Thread(target=lambda: (child.wait(), os.write(reaped_w, b"x")), daemon=True).start()
    ready, _, _ = select.select([watch, reaped_r], [], [])
    if reaped_r not in ready:  # edgeform is gone
        os.killpg(0, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=grace)
        os.killpg(0, signal.SIGKILL)  # the providers too; and this process, last
    code = child.wait()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
