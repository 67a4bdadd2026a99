"""A stage's Terraform backend: the state store, the state bucket, and `init` that follows it.

The backend is whatever edgeform.toml says: a local file, or the target's state bucket. When
the config moves a stage from one to the other (or to another bucket or prefix), `init` moves
the state with it (`terraform init -migrate-state`), but only after checking that the new
place holds no state of its own for the stage: two states of one stage would mean two copies
of its resources, and edgeform refuses to choose one.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from edgeform.aws.session import Connection
from edgeform.aws.state_bucket import bootstrap_state_bucket, bucket_exists
from edgeform.console import Console
from edgeform.deploy.terraform import Terraform
from edgeform.errors import StateBackendError
from edgeform.model.context import StageContext
from edgeform.model.project import Project
from edgeform.model.state import STATE_FILE
from edgeform.model.workspace import Workspace
from edgeform.state.store import StageStore, outputs_of, stage_store


class Init(enum.Enum):
    CURRENT = "providers and backend unchanged since the last init"
    RAN = "providers ready"
    MIGRATED = "state moved to the new backend"


BACKEND_CACHE: Final = Path(".terraform") / "terraform.tfstate"
MIGRATED_SUFFIX: Final = ".migrated"


def open_store(
    console: Console, project: Project, workspace: Workspace, conn: Connection
) -> StageStore:
    """The target's store, its state bucket checked (made, on the embedded endpoint)."""
    target = conn.target
    s3 = conn.state_client()
    if s3 is not None and target.state is not None and not bucket_exists(s3, target.state.bucket):
        if target.kind != "local":
            raise StateBackendError(
                f"state bucket {target.state.bucket} of target {target.name} does not exist; "
                "nothing was changed",
                f"create it once with `edgeform bootstrap --target {target.name}`",
            )
        bootstrap_state_bucket(s3, target.state.bucket, target.state.region)
        console.info(f"created the state bucket {target.state.bucket} on the embedded endpoint")
    return stage_store(project, target, workspace, s3)


def _signature(backend: dict[str, Any]) -> tuple[str, ...]:
    config = backend.get("config") or {}
    if backend.get("type") == "s3":
        return ("s3", str(config.get("bucket")), str(config.get("key")), str(config.get("region")))
    return (str(backend.get("type")),)


def _initialized_backend(stage_dir: Path) -> tuple[str, ...] | None:
    """The backend the folder was last initialized with, from Terraform's own cache."""
    try:
        cached = json.loads((stage_dir / BACKEND_CACHE).read_text())
    except (OSError, ValueError):
        return None
    backend = cached.get("backend") if isinstance(cached, dict) else None
    return _signature(backend) if isinstance(backend, dict) else None


def _local_state_has_resources(stage_dir: Path) -> bool:
    try:
        return outputs_of(json.loads((stage_dir / STATE_FILE).read_text())) is not None
    except (OSError, ValueError):
        return False


def wanted_backend(context: StageContext) -> tuple[str, ...]:
    """The backend edgeform.toml asks for, as `_signature` writes Terraform's cache."""
    state = context.target.state
    if state is None:
        return ("local",)
    key = state.state_key(context.project.name, context.target.name, context.stage.slug)
    return ("s3", state.bucket, key, state.region)


def needs_migration(stage_dir: Path, wanted: tuple[str, ...]) -> bool:
    """Whether init must move the state: the folder was initialized with another backend, or
    (a folder whose .terraform/ was removed) a local state with resources lies beside an S3
    backend."""
    previous = _initialized_backend(stage_dir)
    if previous is not None:
        return previous != wanted
    return wanted[0] == "s3" and _local_state_has_resources(stage_dir)


def init_backend(
    tf: Terraform,
    stage_dir: Path,
    wanted: tuple[str, ...],
    destination_has_state: Callable[[], bool],
    slug: str,
    *,
    lock: bool = True,
) -> Init:
    """`terraform init` when what it reads changed, migrating the state when the backend
    changed. Returns what it did. `destination_has_state`: whether the new backend already
    holds resources. `lock=False`: the caller holds the state's lock."""
    if not needs_migration(stage_dir, wanted):
        return Init.RAN if tf.init_if_changed(lock=lock) else Init.CURRENT
    if destination_has_state():
        where = "the state bucket" if wanted[0] == "s3" else "the stage's folder"
        raise StateBackendError(
            f"stage {slug} has a state in {where} already, and another where it was kept "
            "before; nothing was changed",
            "keep one: destroy the stage with the old state config, or remove the state you "
            "do not want (its resources stay: a state lists what exists)",
        )
    tf.init_if_changed(migrate=True, lock=lock)
    for leftover in (stage_dir / STATE_FILE, stage_dir / f"{STATE_FILE}.backup"):
        if wanted[0] == "s3" and leftover.is_file():  # copied: keep it, but never use it again
            leftover.replace(leftover.with_name(leftover.name + MIGRATED_SUFFIX))
    return Init.MIGRATED
