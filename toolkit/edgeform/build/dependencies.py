"""Third-party dependencies of a function, installed for the Lambda platform.

A function folder with a `requirements.txt` gets its packages from pip for x86_64 Linux and
the runtime's Python version (wheels only, so nothing is compiled for the wrong machine); one
with a `package.json` that lists dependencies gets them from npm for linux/x64 without dev
dependencies or install scripts. Installs are cached by the manifest's content and the
runtime, so a rebuild with unchanged manifests runs neither tool.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, Protocol

from edgeform.build.files import FoundFile, walk_files
from edgeform.errors import BuildError
from edgeform.model.project import Function

LAMBDA_PLATFORM: Final = "manylinux2014_x86_64"
# Files that record where an install came from (paths of this machine): not code, not stable.
_UNSTABLE: Final = ("direct_url.json", ".package-lock.json")
_NO_SKIP: Final = frozenset({"__pycache__"})

Runner = Callable[[Sequence[str], Path], subprocess.CompletedProcess[str]]


class DependencyInstaller(Protocol):
    def install(self, function: Function) -> list[FoundFile]:
        """The files to add at the root of the function's bundle (none without a manifest)."""
        ...


def run_quietly(command: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)


class PlatformInstaller:
    """Installs with the real pip and npm into a content-addressed cache folder."""

    def __init__(self, cache_dir: Path, run: Runner = run_quietly) -> None:
        self.cache_dir = cache_dir
        self.run = run

    def install(self, function: Function) -> list[FoundFile]:
        manifest = _manifest(function)
        if manifest is None:
            return []
        key = hashlib.sha256(
            f"{function.runtime}\0{manifest.name}\0".encode() + manifest.read_bytes()
        ).hexdigest()[:32]
        target = self.cache_dir / key
        if not target.is_dir():
            self._install_into(function, manifest, target)
        # node_modules and __pycache__ are skipped in sources, not in an install we made.
        files = walk_files(target, skip_dirs=_NO_SKIP)
        return [f for f in files if f.key.rsplit("/", 1)[-1] not in _UNSTABLE]

    def _install_into(self, function: Function, manifest: Path, target: Path) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".install-") as tmp:
            work = Path(tmp)
            if function.language == "python":
                out = work / "site"
                self._check(
                    function, self.run(_pip_command(function, manifest, out), function.source)
                )
            else:
                out = work / "node"
                out.mkdir()
                _write_node_manifest(manifest, out)
                self._check(function, self.run(_npm_command(), out))
                (out / "package.json").unlink()
                (out / "package-lock.json").unlink(missing_ok=True)
            out.rename(target)  # atomic: a half-finished install is never cached

    @staticmethod
    def _check(function: Function, result: subprocess.CompletedProcess[str]) -> None:
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
            raise BuildError(
                f"{function.name}: installing dependencies failed:\n  " + "\n  ".join(detail),
                "check the manifest in the function folder; the install ran "
                f"`{' '.join(result.args[:4])} ...`",
            )


def _manifest(function: Function) -> Path | None:
    if function.language == "python":
        requirements = function.source / "requirements.txt"
        lines = requirements.read_text().splitlines() if requirements.is_file() else []
        wanted = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        return requirements if wanted else None
    package = function.source / "package.json"
    if not package.is_file():
        return None
    try:
        dependencies = json.loads(package.read_text()).get("dependencies") or {}
    except (json.JSONDecodeError, AttributeError) as exc:
        raise BuildError(f"{package}: not a JSON object: {exc}", "fix package.json") from None
    return package if dependencies else None


def _pip_command(function: Function, requirements: Path, out: Path) -> list[str]:
    version = function.runtime.removeprefix("python")
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--target",
        str(out),
        "--platform",
        LAMBDA_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        version,
        "--only-binary=:all:",
        "--requirement",
        str(requirements),
    ]


def _npm_command() -> list[str]:
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            "npm is not installed",
            "install Node.js and npm to bundle Node.js functions with dependencies",
        )
    return [
        npm,
        "install",
        "--omit=dev",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--install-links",
        "--os=linux",
        "--cpu=x64",
    ]


def _write_node_manifest(package: Path, out: Path) -> None:
    """package.json in the install folder, with `file:` dependencies made absolute."""
    data = json.loads(package.read_text())
    for name, spec in list((data.get("dependencies") or {}).items()):
        if isinstance(spec, str) and spec.startswith("file:"):
            local = (package.parent / spec.removeprefix("file:")).resolve()
            data["dependencies"][name] = f"file:{local}"
    data.pop("devDependencies", None)
    (out / "package.json").write_text(json.dumps(data, indent=2))
