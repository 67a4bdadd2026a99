"""edgeform's wheel, built from a copy of this checkout (the build writes nothing into the
repository) without build isolation, so nothing is downloaded; and a fresh virtual environment
that finds edgeform's dependencies offline but not edgeform itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO


@dataclass(frozen=True)
class Built:
    wheel: Path
    log: str  # pip wheel -v's whole output


def _outside_the_build(folder: str, names: list[str]) -> set[str]:
    if Path(folder) != REPO:
        return {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
    return {".git", ".venv", ".venv-checkov", ".edgeform", "build", "dist", "tests", "bench"} & set(
        names
    )


def build_wheel(work: Path) -> Built:
    source = work / "source"
    shutil.copytree(REPO, source, ignore=_outside_the_build)
    wheels = work / "wheels"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
         "-w", str(wheels), str(source)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    [wheel] = wheels.glob("edgeform-*.whl")
    return Built(wheel, done.stdout + done.stderr)


def dependencies_only(work: Path) -> Path:
    """A folder of links to this environment's installed packages, every one but edgeform:
    a .pth naming it gives a fresh venv edgeform's dependencies with no index, so that
    `pip install --no-index --find-links WHEELS edgeform==V` installs only the wheel."""
    here = Path(sysconfig.get_paths()["purelib"])
    folder = work / "dependencies"
    folder.mkdir()
    for entry in here.iterdir():
        name = entry.name.lower()
        if name.startswith(("edgeform", "__editable__", "_edgeform")) or name == "__pycache__":
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


def fresh_venv(folder: Path, dependencies: Path) -> Path:
    venv.create(folder, with_pip=True)
    [purelib] = (folder / "lib").glob("python3*/site-packages")
    (purelib / "edgeform-dependencies.pth").write_text(f"{dependencies}\n")
    return folder / "bin"
