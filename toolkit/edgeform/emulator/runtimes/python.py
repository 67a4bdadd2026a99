"""Python runtimes (pythonX.Y): the function runs in workers/python_worker.py, on that Python
when this machine has it, else on the Python edgeform runs on (said once, as a note)."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys

from edgeform.emulator.runtimes.code import WORKERS, FunctionCode


class PythonRuntime:
    name = "python"

    def matches(self, runtime: str) -> bool:
        return runtime.startswith("python")

    def command(self, code: FunctionCode) -> list[str]:
        python, _ = python_for(code.runtime)
        script = WORKERS / "python_worker.py"
        return [python, "-I", str(script), str(code.code_dir), code.handler]

    def note(self, code: FunctionCode) -> str | None:
        if python_for(code.runtime)[1]:
            return None
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        return (
            f"{code.name}: Lambda runs {code.runtime}; no python{code.runtime[6:]} here, "
            f"so it runs on Python {here}"
        )


def python_for(runtime: str) -> tuple[str, bool]:
    """The interpreter for a pythonX.Y runtime: that version if installed, else this one.

    The flag says whether the version matches what Lambda runs.
    """
    version = runtime.removeprefix("python")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable, True
    found = shutil.which(f"python{version}")
    return (found, True) if found and _runs(found) else (sys.executable, False)


@functools.cache
def _runs(interpreter: str) -> bool:
    # A pyenv shim is on the PATH even when its version is not selected, and then fails.
    try:
        done = subprocess.run([interpreter, "-c", "pass"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0
