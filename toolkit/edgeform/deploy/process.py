"""Run Terraform as a child that always stops cleanly, whatever happens to edgeform.

Terraform stops gracefully on its first SIGINT (it finishes the operations under way and
saves the state) and hard on its second (the state may then miss what it created). So:

- it runs in a process group of its own: a Ctrl-C at a terminal, or a signal to edgeform's
  group, reaches edgeform alone, which forwards exactly one SIGINT, waits for Terraform to
  exit, and only then reports the interruption (exit 130);
- SIGTERM (what CI runners send before they kill) is treated the same way;
- it runs under a supervising parent (`supervise`) that sees edgeform die, SIGKILL included,
  and then stops Terraform (SIGINT, and after `GRACE_SECONDS` SIGKILL to the whole group,
  providers included), so nothing goes on applying, or holds memory, on its own;
- it holds the descriptors `inherited` names (the stage's host lock): a lock edgeform holds
  is held until its Terraform, too, has ended.
A second signal is forwarded too: the user insists.
"""

from __future__ import annotations

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

from edgeform.deploy import supervise

FORWARDED: Final = (signal.SIGINT, signal.SIGTERM)
# How long Terraform may take to stop cleanly once edgeform has died, before it is killed.
GRACE_SECONDS: Final = 15.0
SUPERVISOR: Final = Path(supervise.__file__)
_inherited: set[int] = set()


@contextmanager
def inherited(fds: Sequence[int]) -> Iterator[None]:
    """While inside, every child this module starts holds `fds` too (a lock's descriptor)."""
    added = set(fds) - _inherited
    _inherited.update(added)
    try:
        yield
    finally:
        _inherited.difference_update(added)


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str
    interrupted: bool  # a signal reached edgeform while the child ran


def supervised(command: Sequence[str], watch: int, keep: Sequence[int]) -> list[str]:
    """The command line that runs `command` under the supervisor (see `supervise`)."""
    fds = ",".join(str(fd) for fd in keep)
    return [
        sys.executable,
        "-I",
        "-S",
        str(SUPERVISOR),
        str(watch),
        str(GRACE_SECONDS),
        fds,
        "--",
        *command,
    ]


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
    watch, alive = os.pipe()  # `alive` stays open in edgeform alone: its end is our death
    keep = tuple(sorted(_inherited))
    try:
        process = subprocess.Popen(
            supervised(command, watch, keep),
            cwd=cwd,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            process_group=0,
            pass_fds=(watch, *keep),
        )
    except BaseException:
        os.close(alive)
        raise
    finally:
        os.close(watch)
    try:
        return _finish(process, stdin, on_line, on_signal)
    finally:
        os.close(alive)


def _finish(
    process: subprocess.Popen[str],
    stdin: str | None,
    on_line: Callable[[str], None] | None,
    on_signal: Callable[[int], None],
) -> Finished:
    signals: list[int] = []

    def received(signum: int) -> None:
        signals.append(signum)
        on_signal(signum)

    with _forwarding(process, received):
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
