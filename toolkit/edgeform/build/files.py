"""Walking a project folder: sorted, never leaving it, skipping build litter.

Both the function bundles and the site are read through `walk_files`, so both share one rule
for links: a link that resolves inside the folder is read, one that leads out is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from edgeform.errors import BuildError

IGNORED_DIRS: Final = frozenset(
    {
        "__pycache__",
        ".git",
        ".hg",
        ".svn",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".venv",
        "node_modules",
    }
)
IGNORED_FILES: Final = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_SUFFIXES: Final = (".pyc", ".pyo", ".swp", "~")


Skip = Callable[[str], bool]


@dataclass(frozen=True)
class FoundFile:
    key: str  # POSIX path relative to the root
    path: Path
    executable: bool


def walk_files(
    root: Path, *, skip_dirs: frozenset[str] = IGNORED_DIRS, skip: Skip | None = None
) -> list[FoundFile]:
    """Every regular file under `root`, sorted by key, whatever the directory order on disk.

    `skip(name)` leaves out a file or a folder (and all below it) by its name.
    """
    root = root.resolve()
    found = [_found(root, path) for path in _walk(root, root, skip_dirs, skip, {root})]
    return sorted(found, key=lambda f: f.key)


def _walk(
    root: Path, folder: Path, skip_dirs: frozenset[str], skip: Skip | None, seen: set[Path]
) -> Iterator[Path]:
    for entry in os.scandir(folder):
        path = Path(entry.path)
        if skip is not None and skip(entry.name):
            continue
        if _is_dir(root, entry):
            if entry.name in skip_dirs:
                continue
            target = _inside(root, path)
            # A link back to a folder already walked would loop forever.
            if target not in seen:
                seen.add(target)
                yield from _walk(root, path, skip_dirs, skip, seen)
        elif entry.name not in IGNORED_FILES and not entry.name.endswith(IGNORED_SUFFIXES):
            yield path


def _is_dir(root: Path, entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # ELOOP: a link to itself, or a ring of links
        _inside(root, Path(entry.path))  # says what is wrong
        raise


def _inside(root: Path, path: Path) -> Path:
    try:
        target = path.resolve()
    except (RuntimeError, OSError):  # RuntimeError: Python 3.11's "Symlink loop"
        raise BuildError(
            f"{path} is a link that never ends (a loop of links)",
            "remove the link, or point it at a real file",
        ) from None
    if not target.is_relative_to(root):
        raise BuildError(
            f"{path} is a link to {target}, outside {root}",
            "copy the file into the folder instead of linking to it",
        )
    return target


def _found(root: Path, path: Path) -> FoundFile:
    target = _inside(root, path)
    if not target.is_file():
        raise BuildError(f"{path} is not a regular file", "remove it or replace it with a file")
    executable = bool(target.stat().st_mode & 0o100)
    return FoundFile(path.relative_to(root).as_posix(), target, executable)


def unreadable_files(root: Path) -> list[tuple[Path, str]]:
    """Every entry under `root` that `walk_files` would refuse, with why: a link out of the
    folder or in a loop, a FIFO, a socket or a device. (The walk stops at the first; lint
    names them all.)"""
    root = root.resolve()
    found: list[tuple[Path, str]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        for name in [*dirs, *files]:
            path = Path(folder) / name
            try:
                _found(root, path) if name in files else _inside(root, path)
            except BuildError as exc:
                found.append((path, exc.message))
    return found
