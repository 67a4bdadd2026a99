"""The states and records of a project's stages on one target: in a folder, or in a bucket.

`LocalStore` reads `.edgeform/stages/<target>/<slug>/` (the default, one machine's view);
`BucketStore` reads the target's state bucket, where every runner finds the same stages. Both
answer the same questions: which stages exist, a stage's record and outputs, who holds its lock.
Outputs are read from the state itself (Terraform's documented JSON, format version 4), so
reading a stage needs neither Terraform nor a checkout that deployed it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from edgeform.aws.boundary import GuardedClient
from edgeform.aws.s3 import delete_key, get_object, list_keys, put_json
from edgeform.errors import AwsError, StateUnreadableError
from edgeform.model.context import StageContext
from edgeform.model.project import Project, Target
from edgeform.model.state import LOCK_SUFFIX, RECORD_FILE, STATE_FILE, StateBucket
from edgeform.model.workspace import Workspace
from edgeform.state.lock import LockInfo, lock_from_file
from edgeform.state.pending import PENDING_FOLDER, PendingFunction, decode_pending
from edgeform.state.records import StageRecord, decode_record


@dataclass(frozen=True)
class StoredStage:
    """A stage found in the store: its record, when it has one (a deploy killed between its
    apply and its record leaves a state without one)."""

    slug: str
    record: StageRecord | None


class StageStore(Protocol):
    where: str

    def stages(self) -> list[StoredStage]: ...
    def state(self, slug: str) -> dict[str, Any] | None: ...
    def record(self, slug: str) -> StageRecord | None: ...
    def put_record(self, record: StageRecord) -> None: ...
    def forget(self, slug: str) -> None: ...
    def lock(self, slug: str) -> LockInfo | None: ...
    def pending(self) -> list[PendingFunction]: ...
    def pending_names(self) -> set[str]: ...
    def put_pending(self, pending: PendingFunction) -> None: ...
    def drop_pending(self, function: str) -> None: ...


def outputs_of(state: dict[str, Any] | None) -> dict[str, Any] | None:
    """A state's output values, or None when it holds no resources (never deployed, or
    destroyed)."""
    if not state or not state.get("resources"):
        return None
    return {name: item.get("value") for name, item in state.get("outputs", {}).items()}


def resource_addresses(state: dict[str, Any] | None) -> set[str]:
    """Every resource address a state holds, as `terraform state list` prints them, read
    from the state itself (a Terraform process less)."""
    addresses = set()
    for resource in (state or {}).get("resources", []):
        mode = "data." if resource.get("mode") == "data" else ""
        module = f"{resource['module']}." if resource.get("module") else ""
        base = f"{module}{mode}{resource.get('type')}.{resource.get('name')}"
        for instance in resource.get("instances", []):
            key = instance.get("index_key")
            addresses.add(base if key is None else f"{base}[{json.dumps(key)}]")
    return addresses


def tainted_addresses(state: dict[str, Any] | None) -> set[str]:
    """The resources a state holds as tainted: created, but an apply failed or was cut off
    before the provider finished with them (Terraform replaces them at the next plan)."""
    return {
        f"{resource.get('type')}.{resource.get('name')}"
        for resource in (state or {}).get("resources", [])
        if resource.get("mode") != "data" and not resource.get("module")
        for instance in resource.get("instances", [])
        if instance.get("status") == "tainted" and instance.get("index_key") is None
    }


@dataclass(frozen=True)
class StageParts:
    """What of a stage edgeform itself empties or deletes (the bucket's objects, the
    distribution, the functions), read from the state's resources, so that a destroy cut off
    after Terraform removed the outputs still finds them; the outputs where a resource lacks."""

    bucket: str | None = None
    distribution_id: str | None = None
    functions: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.bucket or self.distribution_id or self.functions)


def _attributes(state: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        instance.get("attributes") or {}
        for resource in state.get("resources", [])
        if resource.get("mode") == "managed" and resource.get("type") == resource_type
        for instance in resource.get("instances", [])
    ]


def stage_parts(state: dict[str, Any] | None) -> StageParts:
    if not state:
        return StageParts()
    outputs = outputs_of(state) or {}
    buckets = [a.get("bucket") for a in _attributes(state, "aws_s3_bucket") if a.get("bucket")]
    distributions = [a.get("id") for a in _attributes(state, "aws_cloudfront_distribution")]
    functions = {
        str(a["function_name"])
        for a in _attributes(state, "aws_lambda_function")
        if a.get("function_name")
    }
    functions |= {str(f["name"]) for f in (outputs.get("functions") or {}).values()}
    return StageParts(
        bucket=str(buckets[0]) if buckets else outputs.get("bucket_name"),
        distribution_id=(str(distributions[0]) if distributions and distributions[0] else None)
        or outputs.get("distribution_id"),
        functions=tuple(sorted(functions)),
    )


def _loads(data: bytes | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        loaded = json.loads(data)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _state(data: bytes | None, where: str) -> dict[str, Any] | None:
    """A state's JSON; one that is there but unreadable is said as such, never taken for
    "not deployed" (which would lead a deploy to create everything twice). An empty file is
    what Terraform's local backend leaves when killed between truncating and writing; Terraform
    itself reads it as no state, and adopt then finds the stage's resources by name."""
    if data is not None and not data.strip():
        return None
    state = _loads(data)
    if data is not None and state is None:
        raise StateUnreadableError(
            f"the state at {where} is unreadable (not Terraform's JSON); nothing was changed",
            "restore it from its backup (terraform.tfstate.backup beside it, or the state "
            "bucket's previous object version), then run the command again",
        )
    return state


def _has_resources(store: StageStore, slug: str) -> bool:
    """For listing: an unreadable state counts as a stage (its commands then say why)."""
    try:
        return outputs_of(store.state(slug)) is not None
    except StateUnreadableError:
        return True


class LocalStore:
    """States kept as files in the project's `.edgeform/` folder."""

    def __init__(self, workspace: Workspace, target: Target) -> None:
        self.folder = workspace.base / "stages" / target.name
        self.where = str(self.folder)

    def _file(self, slug: str, name: str) -> Path:
        return self.folder / slug / name

    def stages(self) -> list[StoredStage]:
        if not self.folder.is_dir():
            return []
        found = []
        folders = (p for p in self.folder.iterdir() if p.is_dir() and p.name != PENDING_FOLDER)
        for stage_dir in sorted(folders):
            record = self.record(stage_dir.name)
            if record or _has_resources(self, stage_dir.name):
                found.append(StoredStage(stage_dir.name, record))
        return found

    def record(self, slug: str) -> StageRecord | None:
        path = self._file(slug, RECORD_FILE)
        return decode_record(path.read_bytes()) if path.is_file() else None

    def state(self, slug: str) -> dict[str, Any] | None:
        path = self._file(slug, STATE_FILE)
        return _state(path.read_bytes(), str(path)) if path.is_file() else None

    def put_record(self, record: StageRecord) -> None:
        path = self._file(record.slug, RECORD_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(record.encode())
        partial.replace(path)  # atomic: a kill leaves the old record or the new one

    def forget(self, slug: str) -> None:
        self._file(slug, RECORD_FILE).unlink(missing_ok=True)

    def lock(self, slug: str) -> LockInfo | None:
        return None  # the local backend's lock is an OS file lock: it dies with its process

    def pending(self) -> list[PendingFunction]:
        folder = self.folder / PENDING_FOLDER
        records = (decode_pending(p.read_bytes()) for p in sorted(folder.glob("*.json")))
        return [record for record in records if record is not None]

    def pending_names(self) -> set[str]:
        return {p.stem for p in (self.folder / PENDING_FOLDER).glob("*.json")}

    def put_pending(self, pending: PendingFunction) -> None:
        path = self.folder / PENDING_FOLDER / f"{pending.function}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pending.encode())

    def drop_pending(self, function: str) -> None:
        (self.folder / PENDING_FOLDER / f"{function}.json").unlink(missing_ok=True)


class BucketStore:
    """States kept in the target's shared state bucket."""

    def __init__(self, s3: GuardedClient, state: StateBucket, project: str, target: str) -> None:
        self.s3 = s3
        self.bucket = state.bucket
        self.layout = state
        self.project = project
        self.target = target
        self.prefix = state.target_prefix(project, target)
        self.where = f"s3://{self.bucket}/{self.prefix}"

    def _key(self, slug: str, name: str) -> str:
        return f"{self.prefix}{slug}/{name}"

    def _get(self, key: str) -> bytes | None:
        try:
            found = get_object(self.s3, self.bucket, key)
        except AwsError as exc:
            if exc.code == "NoSuchBucket":
                return None
            raise
        return found.data if found else None

    def stages(self) -> list[StoredStage]:
        names_by_slug: dict[str, set[str]] = {}
        for key in list_keys(self.s3, self.bucket, self.prefix):
            slug, _, name = key[len(self.prefix) :].partition("/")
            names_by_slug.setdefault(slug, set()).add(name)
        found = []
        names_by_slug.pop(PENDING_FOLDER, None)
        for slug, names in sorted(names_by_slug.items()):
            record = self.record(slug) if RECORD_FILE in names else None
            if record or (STATE_FILE in names and _has_resources(self, slug)):
                found.append(StoredStage(slug, record))
        return found

    def record(self, slug: str) -> StageRecord | None:
        data = self._get(self._key(slug, RECORD_FILE))
        return decode_record(data) if data is not None else None

    def state(self, slug: str) -> dict[str, Any] | None:
        key = self._key(slug, STATE_FILE)
        return _state(self._get(key), f"s3://{self.bucket}/{key}")

    def put_record(self, record: StageRecord) -> None:
        put_json(self.s3, self.bucket, self._key(record.slug, RECORD_FILE), record.encode())

    def forget(self, slug: str) -> None:
        """After a destroy: the record, and the state Terraform leaves behind empty."""
        if outputs_of(self.state(slug)) is None:
            delete_key(self.s3, self.bucket, self._key(slug, STATE_FILE))
        delete_key(self.s3, self.bucket, self._key(slug, RECORD_FILE))

    def lock(self, slug: str) -> LockInfo | None:
        data = self._get(self._key(slug, STATE_FILE + LOCK_SUFFIX))
        return lock_from_file(data) if data is not None else None

    def pending(self) -> list[PendingFunction]:
        prefix = f"{self.prefix}{PENDING_FOLDER}/"
        found = []
        for key in list_keys(self.s3, self.bucket, prefix):
            data = self._get(key)
            record = decode_pending(data) if data is not None else None
            if record is not None:
                found.append(record)
        return sorted(found, key=lambda p: p.function)

    def pending_names(self) -> set[str]:
        """What is pending, from the records' keys alone: one LIST, no GET."""
        prefix = f"{self.prefix}{PENDING_FOLDER}/"
        return {
            key.removeprefix(prefix).removesuffix(".json")
            for key in list_keys(self.s3, self.bucket, prefix)
        }

    def put_pending(self, pending: PendingFunction) -> None:
        key = self._key(PENDING_FOLDER, f"{pending.function}.json")
        put_json(self.s3, self.bucket, key, pending.encode())

    def drop_pending(self, function: str) -> None:
        delete_key(self.s3, self.bucket, self._key(PENDING_FOLDER, f"{function}.json"))


def stage_store(
    project: Project, target: Target, workspace: Workspace, s3: GuardedClient | None
) -> StageStore:
    """The target's store: its bucket when it has one (and `s3`, a client for it), else the
    project's folder."""
    if target.state is None or s3 is None:
        return LocalStore(workspace, target)
    return BucketStore(s3, target.state, project.name, target.name)


def context_store(context: StageContext, s3: GuardedClient | None) -> StageStore:
    return stage_store(context.project, context.target, context.workspace, s3)
