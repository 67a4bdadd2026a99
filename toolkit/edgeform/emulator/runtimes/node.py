"""Node.js runtimes (nodejsN.x): the function runs in workers/node_worker.mjs on the `node` on
the PATH, told which major version Lambda runs (what it may use of the runtime's API)."""

from __future__ import annotations

import functools
import shutil
import subprocess

from edgeform.emulator.runtimes.code import WORKERS, FunctionCode
from edgeform.errors import RuntimeMissingError


class NodeRuntime:
    name = "node"

    def matches(self, runtime: str) -> bool:
        return runtime.startswith("nodejs")

    def command(self, code: FunctionCode) -> list[str]:
        node = shutil.which("node")
        if node is None:
            raise RuntimeMissingError(
                f"{code.name} runs on {code.runtime} but node is not on the PATH",
                "install Node.js (Debian: apt-get install nodejs)",
            )
        script = WORKERS / "node_worker.mjs"
        return [node, str(script), str(code.code_dir), code.handler, str(node_major(code.runtime))]

    def note(self, code: FunctionCode) -> str | None:
        node = local_node_version()
        if node is None or node.split(".")[0] == str(node_major(code.runtime)):
            return None
        return (
            f"{code.name}: Lambda runs {code.runtime}; node here is v{node}, so it runs "
            f"on Node.js {node.split('.')[0]}"
        )


def node_major(runtime: str) -> int:
    digits = "".join(c for c in runtime if c.isdigit())
    return int(digits or 0)


@functools.cache
def local_node_version() -> str | None:
    """The version of the `node` on the PATH (`22.11.0`), None without one."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        printed = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return printed.stdout.strip().removeprefix("v") or None
