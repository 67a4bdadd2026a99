"""Every stage of a project on one target: listed from where their states live, and the
expired ones destroyed.

With a state bucket, the list is the bucket's (what every runner sees); without one, it is
this checkout's `.edgeform/` folder. A stage is protected when edgeform.toml says so today,
whatever it said when the stage was deployed: `gc` never destroys a protected stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from edgeform.aws.session import LAMBDA_REGION
from edgeform.deploy import pipeline
from edgeform.deploy.backend import open_store
from edgeform.deploy.connect import connect, connect_if_running
from edgeform.deploy.pending import Collected, collect, collect_until_done
from edgeform.deploy.run import Run
from edgeform.errors import EdgeformError
from edgeform.model.stage import Stage, slugify
from edgeform.state.records import StageRecord, utc
from edgeform.state.store import StageStore, StoredStage, stage_store


@dataclass(frozen=True)
class StageEntry:
    slug: str
    name: str
    url: str | None
    deployed_at: datetime | None
    expires_at: datetime | None
    protected: bool
    expired: bool

    def as_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None

        return {
            "name": self.name,
            "slug": self.slug,
            "url": self.url,
            "deployed_at": iso(self.deployed_at),
            "expires_at": iso(self.expires_at),
            "protected": self.protected,
            "expired": self.expired,
        }


def target_store(run: Run, *, start: bool = False) -> StageStore | None:
    """The target's store; None on a local target whose endpoint (holding its state bucket)
    is not running: then no stage is deployed there."""
    conn = connect(run) if start else connect_if_running(run)
    if conn is None:  # a local target, its endpoint not running
        if run.target.state is not None:
            return None
        return stage_store(run.project, run.target, run.workspace, None)  # local state files
    return open_store(run.console, run.project, run.workspace, conn)


def list_stages(run: Run) -> list[StageEntry]:
    states = target_store(run)
    if states is None:
        return []
    now = utc(run.clock.wall())
    return [_entry(run, found, now) for found in states.stages()]


def _entry(run: Run, found: StoredStage, now: datetime) -> StageEntry:
    record = found.record
    name = record.name if record else found.slug
    return StageEntry(
        slug=found.slug,
        name=name,
        url=record.url if record else None,
        deployed_at=record.deployed_at if record else None,
        expires_at=record.expires_at if record else None,
        protected=run.project.stage_settings(name).protected,
        expired=bool(record and record.expired(now)),
    )


@dataclass(frozen=True)
class GcResult:
    destroyed: tuple[str, ...]
    would_destroy: tuple[str, ...]
    kept_protected: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (stage, why)
    kept: tuple[tuple[str, str], ...] = ()  # (stage, why): no longer expired under its lock

    def as_json(self) -> dict[str, Any]:
        return {
            "destroyed": list(self.destroyed),
            "would_destroy": list(self.would_destroy),
            "kept_protected": list(self.kept_protected),
            "kept": [{"stage": stage, "why": why} for stage, why in self.kept],
            "failed": [{"stage": stage, "error": why} for stage, why in self.failed],
        }


def still_expired(now: datetime) -> pipeline.Recheck:
    """gc's decision, asked again under the stage's lock with the record as it is then: a
    redeploy may have moved the expiry, or another run destroyed the stage, while gc waited."""

    def recheck(record: StageRecord | None) -> str | None:
        if record is None:
            return "its record is gone: another run destroyed it"
        if not record.expired(now):
            expiry = record.as_json()["expires_at"] or "never"
            return f"redeployed meanwhile: it now expires {expiry}"
        return None

    return recheck


def gc_expired(run: Run, *, dry_run: bool) -> GcResult:
    """Destroy every expired, unprotected stage; one failure does not stop the others."""
    expired = [entry for entry in list_stages(run) if entry.expired]
    protected = tuple(e.name for e in expired if e.protected)
    doomed = [e for e in expired if not e.protected and slugify(e.name) == e.slug]
    # A record whose name no longer makes its slug (edited by hand, or from another
    # edgeform) names no stage gc can be sure of: said, and left.
    passed_over = [
        (e.name, f"its record's slug {e.slug} is not its name's ({slugify(e.name)}); not destroyed")
        for e in expired
        if not e.protected and slugify(e.name) != e.slug
    ]
    for name, why in passed_over:
        run.console.warn(f"stage {name}: {why}")
    if dry_run:
        return GcResult((), tuple(e.name for e in doomed), protected, tuple(passed_over))
    destroyed, failed, kept = [], list(passed_over), []
    for entry in doomed:
        run.console.info(f"stage {entry.name} expired at {entry.as_json()['expires_at']}")
        stage_run = run.for_stage(Stage(entry.name, entry.slug, "state record"))
        try:
            result = pipeline.destroy(stage_run, recheck=still_expired(utc(run.clock.wall())))
        except EdgeformError as exc:
            run.console.error(f"stage {entry.name}: {exc}")
            failed.append((entry.name, exc.message))
            continue
        if result.kept is not None:
            run.console.info(f"stage {entry.name} kept: {result.kept}")
            kept.append((entry.name, result.kept))
        else:
            destroyed.append(entry.name)
    return GcResult(tuple(destroyed), (), protected, tuple(failed), tuple(kept))


def gc_functions(run: Run, *, dry_run: bool, wait: bool, timeout: float) -> Collected:
    """Delete the functions destroys left pending, as far as AWS allows now (or, with `wait`,
    retrying with backoff up to `timeout` seconds). Safe on several machines at once: a
    function another gc deleted first counts as gone."""
    states = target_store(run)
    if states is None:
        return Collected()
    if dry_run:
        return Collected(pending=[p.function for p in states.pending()])
    conn = connect_if_running(run)
    if conn is None:  # the embedded endpoint that held the functions is gone, and they with it
        return Collected(forgotten=[p.function for p in states.pending()])
    lam = conn.client("lambda", LAMBDA_REGION)
    cloudfront = conn.client("cloudfront", LAMBDA_REGION)
    if not wait:
        return collect(lam, cloudfront, states)

    def tick(pending: int, waited: float) -> None:
        run.console.info(f"{pending} functions still replicated after {waited:.0f} s; retrying")

    return collect_until_done(
        lam,
        cloudfront,
        states,
        run.clock,
        timeout=timeout,
        first_interval=1.0 if run.local else 30.0,
        tick=tick,
    )
