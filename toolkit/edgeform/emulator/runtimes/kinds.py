"""The runtime kinds the emulator runs, and which one runs a function."""

from __future__ import annotations

from typing import Final, Protocol

from edgeform.emulator.runtimes.code import FunctionCode
from edgeform.emulator.runtimes.node import NodeRuntime
from edgeform.emulator.runtimes.python import PythonRuntime
from edgeform.errors import RuntimeMissingError


class RuntimeKind(Protocol):
    name: str

    def matches(self, runtime: str) -> bool:
        """Whether this kind runs `runtime` (Lambda's name for it, e.g. "python3.12")."""
        ...

    def command(self, code: FunctionCode) -> list[str]:
        """The worker process that runs `code` (it speaks workers/' protocol)."""
        ...

    def note(self, code: FunctionCode) -> str | None:
        """What differs between this machine and the runtime Lambda runs, if anything."""
        ...


KINDS: Final[tuple[RuntimeKind, ...]] = (PythonRuntime(), NodeRuntime())


def kind_of(runtime: str) -> RuntimeKind:
    for kind in KINDS:
        if kind.matches(runtime):
            return kind
    raise RuntimeMissingError(
        f"no runtime kind runs {runtime!r}",
        "use a Python or Node.js runtime (edgeform lint checks the config)",
    )


def worker_command(code: FunctionCode) -> list[str]:
    return kind_of(code.runtime).command(code)


def runtime_note(code: FunctionCode) -> str | None:
    """What differs between this machine and Lambda's runtime, if anything."""
    return kind_of(code.runtime).note(code)
