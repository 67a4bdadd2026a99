"""What every runtime kind shares: the function as it runs, and an invocation's outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

# The worker scripts, one per runtime kind, speaking one protocol (JSON lines on stdio).
WORKERS: Final = Path(__file__).resolve().parent.parent / "workers"
EdgeLog = Callable[[str, str], None]  # (tag: "function trigger request-id", or the function; line)
OutcomeKind = Literal["result", "error", "timeout", "invalid", "crash"]


@dataclass(frozen=True)
class FunctionCode:
    """One function as it runs: its unpacked bundle and how Lambda would run it."""

    name: str
    runtime: str
    handler: str
    code_dir: Path
    memory: int
    timeout: int
    version: str = "$LATEST"
    arn: str = ""


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    value: Any = None  # the result (kind "result") or Lambda's error object (kind "error")
    message: str = ""
    duration_ms: float = 0.0
