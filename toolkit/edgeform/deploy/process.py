"""Run Terraform as a child that always stops cleanly, whatever happens to edgeform.

Terraform stops gracefully on its first SIGINT (it finishes the operations under way and
saves the state) and hard on its second (the state may then miss what it created). So:

- it runs in a process group of its own: a Ctrl-C at a terminal, or a signal to edgeform's
  group, reaches edgeform alone, which forwards exactly one SIGINT, waits for Terraform to
  exit, and only then reports the interruption (exit 130);
- SIGTERM (what CI runners send before they kill) is treated the same way;
- on Linux it gets SIGINT from the kernel if edgeform dies first (SIGKILL included), so it
  never goes on applying, or leaves a provider process, on its own.
A second signal is forwarded too: the user insists.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

FORWARDED: Final = (signal.SIGINT, signal.SIGTERM)
PR_SET_PDEATHSIG: Final = 1


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str
    interrupted: bool  # a signal reached edgeform while the child ran


def _stop_with_parent() -> None:
    """In the child, before exec: a group of its own, and SIGINT when edgeform dies."""
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGINT)


@contextmanager
def _forwarding(process: subprocess.Popen[str], on_signal: Callable[[int], None]) -> Iterator[None]:
    """While the child runs, a SIGINT or SIGTERM to edgeform becomes a SIGINT to the child."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a child of a test thread goes without
        return

    def forward(signum: int, _frame: Any) -> None:
        on_signal(signum)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_child(
    command: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    stdin: str | None = None,
    on_line: Callable[[str], None] | None = None,
    on_signal: Callable[[int], None] = lambda _signum: None,
) -> Finished:
    """Run `command` to its end; each stdout line goes to `on_line` as it comes."""
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
        preexec_fn=_stop_with_parent,  # os calls only, before exec (no lock is taken)
    )
    signals: list[int] = []
    with _forwarding(process, lambda signum: (signals.append(signum), on_signal(signum))):
        # stderr is drained on its own thread: a full pipe would otherwise block the child
        # while we wait for its stdout.
        errors: list[str] = []
        drain = threading.Thread(target=lambda: errors.append(process.stderr.read()))  # type: ignore[union-attr]
        drain.start()
        if stdin is not None and process.stdin is not None:
            process.stdin.write(stdin)
            process.stdin.close()
        out_lines = []
        for line in process.stdout or ():
            out_lines.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        drain.join()
        code = process.wait()
    return Finished(code, "".join(out_lines), "".join(errors), bool(signals))
