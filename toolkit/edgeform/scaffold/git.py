"""`edgeform init --git`: the new project's repository and its first commit, holding exactly
the files init wrote (a folder inside a repository already gets the commit, not a new one)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Final

from edgeform.errors import BadInputError

FIRST_BRANCH: Final = "main"


def commit_project(folder: Path, files: tuple[str, ...], message: str) -> str:
    """Make the repository when there is none, commit `files`, return the commit's id."""
    if _git(folder, "rev-parse", "--is-inside-work-tree", check=False).returncode != 0:
        _git(folder, "init", "--quiet", "--initial-branch", FIRST_BRANCH)
    _git(folder, "add", "--", *files)
    _git(folder, "commit", "--quiet", "--message", message, "--", *files)
    return _git(folder, "rev-parse", "HEAD").stdout.strip()


def _git(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as exc:
        raise BadInputError(
            f"--git: cannot run git ({exc.strerror}); the project's files were written, "
            "no repository was made",
            "install git, then run `git init && git add -A && git commit` in the project",
        ) from None
    if check and done.returncode != 0:
        raise BadInputError(
            f"--git: `git {args[0]}` failed in {folder}: {done.stderr.strip()}; the project's "
            "files were written",
            "fix what git says (for a missing identity: git config --global user.email "
            "you@example.com), then run `git add -A && git commit` in the project",
        )
    return done
