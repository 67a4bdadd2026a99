"""Stage names: where they come from and how they become safe in resource names.

A stage is one deployed copy of the stack. Its name is whatever the user or CI calls it (often
a git branch); its slug is what goes into AWS resource names. The slug function is injective:
a name that is already a short clean slug is kept as it is; every other name is shortened and
given a hash of the full name behind a marker (`-h` + 8 hex digits). Kept names never end with
that marker (those are hashed too), so a kept name can never equal a hashed one.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from edgeform.errors import NoStageError, StageError

SLUG_MAX: Final = 22
HASH_LEN: Final = 8
_CLEAN_RE: Final = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HASHED_RE: Final = re.compile(rf"-h[0-9a-f]{{{HASH_LEN}}}$")
_BASE_MAX: Final = SLUG_MAX - len("-h") - HASH_LEN

# Where CI systems put the branch name, in the order we trust them. GITHUB_HEAD_REF is the
# source branch of a pull request (GITHUB_REF_NAME is then "<n>/merge"), so it comes first.
CI_BRANCH_VARIABLES: Final = ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME")
# In a GitHub `delete` event GITHUB_REF_NAME names the default branch, not the deleted one:
# the deleted branch is `ref` in the event's payload, at GITHUB_EVENT_PATH.
DELETE_EVENT_SOURCE: Final = "GitHub delete event"


@dataclass(frozen=True)
class Stage:
    """A stage name as given, its slug, and where the name came from."""

    name: str
    slug: str
    source: str


def slugify(name: str) -> str:
    """A [a-z0-9-] slug of at most SLUG_MAX characters; distinct names give distinct slugs."""
    if len(name) <= SLUG_MAX and _CLEAN_RE.match(name) and not _HASHED_RE.search(name):
        return name
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:_BASE_MAX].rstrip("-")
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_LEN]
    return f"{base or 'stage'}-h{digest}"


def git_branch(cwd: Path) -> str | None:
    """The current git branch, or None outside a repository or on a detached HEAD."""
    try:
        result = subprocess.run(
            ["git", "symbolic-ref", "--quiet", "--short", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    branch = result.stdout.strip()
    return branch if result.returncode == 0 and branch else None


def resolve_stage(
    explicit: str | None,
    environ: Mapping[str, str],
    branch: Callable[[], str | None],
) -> Stage:
    """--stage, else EDGEFORM_STAGE, else the CI branch variables, else the git branch.

    A stage that is named but blank (`--stage ""`, `EDGEFORM_STAGE=` set and empty: what an
    unset CI variable gives) is refused rather than passed over: falling through to the git
    branch would act on another stage, `main` say, without anyone asking for it. The CI
    branch variables may be blank (GitHub sets GITHUB_HEAD_REF to "" outside pull requests).
    """
    for source, named in (("--stage", explicit), ("EDGEFORM_STAGE", environ.get("EDGEFORM_STAGE"))):
        if named is not None:
            if not named.strip():
                raise StageError(
                    f"{source} names an empty stage ({named!r}); nothing was touched",
                    f"give a stage name, or leave {source} out to use the CI or git branch",
                )
            return Stage(named.strip(), slugify(named.strip()), source)
    if environ.get("GITHUB_EVENT_NAME") == "delete":
        name = deleted_branch(environ)
        return Stage(name, slugify(name), DELETE_EVENT_SOURCE)
    candidates: list[tuple[str, Callable[[], str | None]]] = [
        *((var, lambda var=var: environ.get(var)) for var in CI_BRANCH_VARIABLES),
        ("git branch", branch),
    ]
    for source, read in candidates:
        name = (read() or "").strip()
        if name:
            return Stage(name, slugify(name), source)
    raise NoStageError(
        "no stage name: not given, not in EDGEFORM_STAGE or a CI branch variable, "
        "and no git branch is checked out",
        "pass --stage NAME or set EDGEFORM_STAGE",
    )


def deleted_branch(environ: Mapping[str, str]) -> str:
    """The branch a GitHub `delete` event deleted, from its payload; never a fallback.

    Falling back to GITHUB_REF_NAME would destroy the default branch's stage, so anything but
    a payload naming a deleted branch other than the default one is refused."""
    path = environ.get("GITHUB_EVENT_PATH", "")
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        raise StageError(
            f"a GitHub delete event without a readable payload (GITHUB_EVENT_PATH={path!r}); "
            "nothing was touched",
            "run it in the workflow's delete job as GitHub starts it, or pass --stage",
        )
    ref, ref_type = payload.get("ref"), payload.get("ref_type")
    if ref_type != "branch" or not isinstance(ref, str) or not ref.strip():
        raise StageError(
            f"the GitHub delete event deleted a {ref_type or 'ref'}, not a branch; no stage "
            "belongs to it, and nothing was touched",
            "run the destroy job only for branches: if: github.event.ref_type == 'branch'",
        )
    repository = payload.get("repository")
    default = repository.get("default_branch") if isinstance(repository, dict) else None
    if not isinstance(default, str) or not default.strip():
        # Without the repository's default branch, the deleted branch cannot be told from
        # it: refused, never guessed.
        raise StageError(
            "the GitHub delete event's payload has no repository.default_branch, so edgeform "
            "cannot tell the deleted branch from the default one; nothing was touched",
            "run it in the workflow's delete job as GitHub starts it, or pass --stage",
        )
    if ref.strip() == default:
        raise StageError(
            f"the GitHub delete event names the default branch {default!r}; its stage is not "
            "destroyed from an event, and nothing was touched",
            "destroy it by hand with --stage if you mean it",
        )
    return ref.strip()
