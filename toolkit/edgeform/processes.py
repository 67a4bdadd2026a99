"""Whether a process is alive, and which process it is: for a lock's holder, for the
embedded endpoint's record. Standard library only; no edgeform import."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def is_alive(pid: int) -> bool:
    """Whether a process with this pid runs (another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_start(pid: int) -> str:
    """What tells this process from a later one that reuses its pid: on Linux the boot and
    the start time in clock ticks (/proc), elsewhere nothing ("": the pid alone is asked)."""
    if not sys.platform.startswith("linux"):
        return ""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return ""
    return f"{boot}:{fields[19]}"  # field 22 of stat: starttime (two are before the ')')


def same_process_alive(pid: int, started: str) -> bool:
    """Whether the process runs and is the one that had `started` (its pid not reused)."""
    return is_alive(pid) and (not started or process_start(pid) in ("", started))
