"""A stage's function versions, which trigger uses which, and rolling a function back.

Every deploy that changes a function's code publishes a new numbered version and wires it.
`rollback` holds one function's triggers on an older version through Terraform (a variable,
`pinned_versions`, kept in the state's outputs so a plan afterwards stays clean); the next
plain `deploy` wires the current code's version again. `prune` deletes old versions nothing
uses; one CloudFront still replicates is left pending, for `gc`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from edgeform.aws.cloudfront import CloudFront
from edgeform.aws.functions import list_versions, version_exists
from edgeform.aws.replicas import Deletion, delete
from edgeform.aws.session import LAMBDA_REGION, Connection
from edgeform.deploy import pipeline
from edgeform.deploy.connect import connect_deployed
from edgeform.deploy.locking import stage_locked
from edgeform.deploy.run import Run
from edgeform.errors import UsageError
from edgeform.state.pending import PendingFunction
from edgeform.state.records import utc
from edgeform.state.store import StageStore


@dataclass(frozen=True)
class Version:
    function: str  # the config's name
    version: int
    published: str  # Lambda's LastModified
    code_sha256: str
    triggers: tuple[str, ...]  # "viewer-request of behavior default", ...
    latest: bool  # the version the current code published
    pinned: bool  # a rollback holds triggers on it

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "triggers": list(self.triggers)}


def _functions(run: Run, function: str | None) -> list[str]:
    names = sorted(run.context.project.functions)
    if function is None:
        return names
    if function not in names:
        raise UsageError(
            f"no function {function!r} in edgeform.toml; nothing was read",
            f"use one of: {', '.join(names)}",
        )
    return [function]


def versions(
    run: Run, function: str | None = None, conn: Connection | None = None
) -> list[Version]:
    """Every numbered version of the stage's functions (or of `function`), with its wiring.
    `conn`: the caller's connection; without one, the stage's (never starting anything)."""
    conn = conn or connect_deployed(run)
    values = pipeline.stage_outputs(run, conn)
    lam = conn.client("lambda", LAMBDA_REGION)
    wiring = CloudFront(conn.client("cloudfront", LAMBDA_REGION)).associations(
        values["distribution_id"]
    )
    pins = values.get("pinned_versions") or {}
    found = []
    for name in _functions(run, function):
        deployed = values["functions"][name]
        for listed in list_versions(lam, deployed["name"]):
            found.append(
                Version(
                    function=name,
                    version=listed.number,
                    published=listed.last_modified,
                    code_sha256=listed.code_sha256,
                    triggers=tuple(
                        f"{a.event} of behavior {a.path_pattern or 'default'}"
                        for a in wiring
                        if a.arn == listed.arn
                    ),
                    latest=str(listed.number) == str(deployed["version"]),
                    pinned=str(pins.get(name)) == str(listed.number),
                )
            )
    return sorted(found, key=lambda v: (v.function, v.version))


def rollback(run: Run, function: str, version: int) -> pipeline.DeployResult:
    """Wire `function`'s triggers to `version` (which must exist), through Terraform. The
    version is looked up under the stage's lock, where the deploy reads the current pins."""
    _functions(run, function)

    def pin(current: pipeline.Pins, conn: Connection) -> pipeline.Pins:
        _check_version(run, conn, function, version)
        return {**current, function: version}

    return pipeline.deploy(run, pin=pin)


def _check_version(run: Run, conn: Connection, function: str, version: int) -> None:
    name = pipeline.stage_outputs(run, conn)["functions"][function]["name"]
    if not version_exists(conn.client("lambda", LAMBDA_REGION), name, version):
        raise UsageError(
            f"{function} has no version {version}; nothing was changed",
            f"`edgeform versions {function}` lists them",
        ) from None


@dataclass(frozen=True)
class Pruned:
    deleted: tuple[str, ...]  # "function:N"
    pending: tuple[str, ...]  # replicated: recorded for gc
    kept: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "deleted": list(self.deleted),
            "pending": list(self.pending),
            "kept": list(self.kept),
        }


def prunable(found: list[Version], keep: int) -> tuple[list[Version], list[Version]]:
    """Pure: (to delete, to keep). Kept: the newest `keep` of each function, and every version
    a trigger uses, a rollback holds, or the current code published."""
    doomed: list[Version] = []
    kept: list[Version] = []
    for function in sorted({v.function for v in found}):
        newest_first = sorted(
            (v for v in found if v.function == function), key=lambda v: -v.version
        )
        for rank, version in enumerate(newest_first):
            in_use = bool(version.triggers) or version.pinned or version.latest
            (kept if rank < keep or in_use else doomed).append(version)
    return doomed, kept


def prune(run: Run, keep: int, *, dry_run: bool = False) -> Pruned:
    """Delete old versions nothing uses; a replicated one becomes pending, for gc. Decided and
    done under the stage's lock: no deploy or rollback moves a trigger meanwhile."""
    if dry_run:
        return _pruned(run, keep)
    conn = connect_deployed(run)
    states = pipeline.store(run, conn)  # the state bucket, checked, before its lock is written
    with stage_locked(run, conn, "prune"):
        return _pruned(run, keep, conn, states)


def _pruned(
    run: Run, keep: int, conn: Connection | None = None, states: StageStore | None = None
) -> Pruned:
    """Without `states`, a dry run: what would go and what would stay."""
    found = versions(run, conn=conn)
    doomed, kept = prunable(found, keep)
    label = {v: f"{v.function}:{v.version}" for v in found}
    if conn is None or states is None:
        return Pruned((), tuple(label[v] for v in doomed), tuple(label[v] for v in kept))
    lam = conn.client("lambda", LAMBDA_REGION)
    names = run.context.names.functions
    deleted, pending = [], []
    when = utc(run.clock.wall()).strftime("%Y-%m-%dT%H:%M:%SZ")
    for version in doomed:
        outcome = delete(lam, names[version.function], str(version.version))
        if outcome is Deletion.REPLICATED:
            record = PendingFunction(
                f"{names[version.function]}:{version.version}",
                run.context.stage.name,
                run.context.stage.slug,
                when,
            )
            states.put_pending(record)
            pending.append(label[version])
        else:
            deleted.append(label[version])
    return Pruned(tuple(deleted), tuple(pending), tuple(label[v] for v in kept))
