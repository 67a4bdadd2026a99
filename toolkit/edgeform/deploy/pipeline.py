"""The steps of edgeform, in pipeline order, each reporting what it did and how long it took.

    deploy:  bundles -> render (in memory) -> lint -> write -> [embedded endpoint]
             -> state store -> terraform init (only when what it reads changed; moving the
             state if its place changed) -> adopt -> plan -> apply (skipped when the plan is
             empty) -> outputs (from the state) -> stage record
             and expiry -> site sync -> invalidation of the changed paths -> wait
             (invalidation, distribution) -> verify (triggers on the versions just published)
    destroy: protection -> render (in memory) -> [embedded endpoint] -> the stage's lock
             -> write -> init -> what the state holds (nothing: "nothing is deployed")
             -> empty the bucket -> functions set aside (out of the state, recorded as
             pending) -> distribution disabled, deployed, deleted -> plan -destroy -> apply
             (the rest) -> delete the functions CloudFront has let go (the rest wait for
             gc) -> forget the stage's record

Every command that changes a stage (and `plan`) holds the stage's lock (`locking`) from
before it reads the stage's state until it is done; everything before it (build, site,
render and lint, in memory) reads the project alone.

A stage's outputs are read from its state (local file or state bucket), without Terraform.

The CLI resolves a `Run` once and calls these functions; they never read CLI arguments or the
process environment themselves.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from edgeform.aws.boundary import GuardedClient
from edgeform.aws.cloudfront import COMPLETED, DEPLOYED, CloudFront, invalidation_paths
from edgeform.aws.s3 import SyncResult, empty_bucket, remote_etags, sync_site
from edgeform.aws.session import LAMBDA_REGION, Connection
from edgeform.aws.tags import set_expiry
from edgeform.build.bundle import Bundle
from edgeform.build.site import SiteFile
from edgeform.clock import wait_until
from edgeform.deploy.adopt import candidates, find, tainted_policies, write_imports
from edgeform.deploy.backend import (
    Init,
    init_backend,
    needs_migration,
    open_store,
    wanted_backend,
)
from edgeform.deploy.connect import connect, connect_deployed, connect_if_running
from edgeform.deploy.locking import bucket_stage_lock, stage_locked
from edgeform.deploy.pending import Collected, collect, revive, set_aside
from edgeform.deploy.prepare import build, checked_stack, render, site, terraform, write
from edgeform.deploy.run import Run
from edgeform.deploy.terraform import (
    PlanSummary,
    StackCommands,
)
from edgeform.deploy.verify import site_problems, wiring_problems
from edgeform.errors import (
    AwsError,
    BadInputError,
    LocalCloudError,
    ProtectedStageError,
    StageNotDeployedError,
    StateLockedError,
    TerraformError,
    VerifyError,
)
from edgeform.localcloud.endpoint import answers
from edgeform.model.state import NEVER_EXPIRES
from edgeform.render.stack import RenderedStack
from edgeform.state.lock import LockInfo
from edgeform.state.records import StageRecord, utc
from edgeform.state.stage_lock import StageLock
from edgeform.state.store import (
    StageStore,
    outputs_of,
    resource_addresses,
    stage_parts,
    stage_store,
    tainted_addresses,
)

REPLICA_WAIT_AWS = "up to a few hours"
REPLICA_WAIT_LOCAL = "within a minute on the embedded endpoint"
WAIT_HINT = (
    "the deploy itself is done and CloudFront finishes on its own; run `edgeform deploy` "
    "again later to wait and verify (it changes nothing)"
)


def adopt(
    run: Run, states: StageStore, conn: Connection, rendered: RenderedStack, stack: StackCommands
) -> None:
    """Take over what an interrupted deploy created but did not record (see `adopt`), and
    keep the policies it recorded as tainted."""
    with run.console.step("adopt") as step:
        state = states.state(run.context.stage.slug)
        for address in sorted(tainted_policies(tainted_addresses(state))):
            # A policy is made whole by one API call; replacing it would first create one of
            # the same name (create_before_destroy), which CloudFront refuses.
            stack.untaint(address)
            run.console.warn(f"{address} was left tainted by an interrupted deploy: kept")
        recorded = resource_addresses(state)
        missing = candidates(run.context, rendered.files, recorded)
        found = find(run.context, conn, missing) if missing else []
        write_imports(run.stage_dir, found)
        for adoption in found:
            run.console.warn(
                f"{adoption.address} ({adoption.id}) exists but is not in the state "
                "(an interrupted deploy?): the plan imports it"
            )
        step.summary = f"{len(found)} to import" if found else "the state knows everything"


# --- deploy, plan, outputs, destroy -------------------------------------------------------


@dataclass(frozen=True)
class DeployResult:
    plan: PlanSummary
    outputs: dict[str, Any]
    sync: SyncResult
    invalidation: str | None
    record: StageRecord

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.record.url,
            "expires_at": self.record.as_json()["expires_at"],
            "plan": self.plan.as_json(),
            "outputs": self.outputs,
            "uploaded": list(self.sync.uploaded),
            "deleted": list(self.sync.deleted),
            "invalidation": self.invalidation,
        }


@contextmanager
def endpoint_watched(run: Run, conn: Connection) -> Iterator[None]:
    """A Terraform failure because the embedded endpoint died is said as such, not as
    Terraform's "connection refused"."""
    try:
        yield
    except StateLockedError as exc:
        if run.context.target.state is None or not exc.lock_id:
            raise  # a local state's lock ends with its run: nothing to clear
        stage, target = run.context.stage.name, run.context.target.name
        raise StateLockedError(
            exc.message,
            "wait for that run to finish (--lock-timeout waits longer); if it died on another "
            f"host, clear its lock with `edgeform unlock --stage {shlex.quote(stage)} "
            f"--target {target} {exc.lock_id}`, then run again (a run that died on this "
            "host has its lock taken over by the next one)",
            exc.lock_id,
            exc.stderr,
        ) from exc
    except (TerraformError, AwsError) as exc:
        if not run.local or conn.endpoint_url is None or answers(conn.endpoint_url):
            raise
        raise LocalCloudError(
            f"the embedded AWS endpoint at {conn.endpoint_url} stopped while edgeform used it; the "
            f"resources of stage {run.context.stage.slug} went with it",
            "run edgeform deploy again: it starts a new endpoint and deploys the stage afresh "
            "(`edgeform local status` says whether one runs)",
        ) from exc


Pins = Mapping[str, int]  # function (config name) -> the version its triggers stay on


def stack_commands(
    run: Run, conn: Connection, lock: StageLock, pins: Pins | None = None
) -> StackCommands:
    """The stage's Terraform commands, under the stage's `lock` (held by the caller)."""
    url = conn.endpoint_url
    variables = {"aws_endpoint": url} if run.local and url else {}
    if pins:  # an HCL object: names are [a-z0-9-], versions integers
        variables["pinned_versions"] = (
            "{" + ", ".join(f'"{name}" = {int(v)}' for name, v in sorted(pins.items())) + "}"
        )
    return StackCommands(
        terraform(run, conn), variables, run.lock_timeout, lock=lock.terraform_locks
    )


def current_pins(states: StageStore, slug: str) -> dict[str, int]:
    """The versions a rollback holds the stage's triggers on, from its state."""
    values = outputs_of(states.state(slug)) or {}
    return {str(k): int(v) for k, v in (values.get("pinned_versions") or {}).items()}


def store(run: Run, conn: Connection) -> StageStore:
    return open_store(run.console, run.project, run.workspace, conn)


def init(run: Run, stack: StackCommands, states: StageStore) -> None:
    ctx = run.context
    with run.console.step("init") as step:
        done = init_backend(
            stack.tf,
            run.stage_dir,
            wanted_backend(ctx),
            lambda: outputs_of(states.state(ctx.stage.slug)) is not None,
            ctx.stage.slug,
            lock=stack.lock,
        )
        if done is Init.MIGRATED:
            run.console.warn(f"moved stage {ctx.stage.slug}'s state to {states.where}")
        step.summary = f"{done.value}, state in {states.where}"


def plan(run: Run) -> PlanSummary:
    """What a deploy would change; a rolled-back function's triggers stay where they are (a
    plan right after a rollback is clean), where a plain deploy would return them."""
    prepared = _prepare(run)
    conn = connect(run)
    with endpoint_watched(run, conn):
        states = store(run, conn)  # the state bucket, checked (made on the embedded endpoint)
        with stage_locked(run, conn, "plan") as lock:
            return _planned(
                run, prepared, conn, states, lock, lambda current, _conn: current
            ).summary


@dataclass(frozen=True)
class Prepared:
    """The project's own files, checked: bundles, site and the rendered, linted stack."""

    bundles: list[Bundle]
    files: list[SiteFile]
    rendered: RenderedStack


def _prepare(run: Run) -> Prepared:
    """Build, site, render and lint, in memory: every check on the project's own files comes
    before the first change anywhere."""
    bundles = build(run)
    files = site(run)
    return Prepared(bundles, files, checked_stack(run, bundles))


@dataclass(frozen=True)
class Planned:
    """What deploy and plan share: the site, the endpoint, the stage's commands, its state
    store, and the plan."""

    files: list[SiteFile]
    conn: Connection
    stack: StackCommands
    states: StageStore
    summary: PlanSummary


def _planned(
    run: Run,
    prepared: Prepared,
    conn: Connection,
    states: StageStore,
    lock: StageLock,
    pin: Callable[[Pins, Connection], Pins] | None = None,
) -> Planned:
    """Under the stage's lock: write, init, adopt and plan. `pin` gives the versions to hold
    triggers on from the current ones (none: every trigger on the latest version)."""
    write(run, prepared.rendered, prepared.bundles)
    pins = pin(current_pins(states, run.context.stage.slug), conn) if pin else None
    stack = stack_commands(run, conn, lock, pins)
    init(run, stack, states)
    adopt(run, states, conn, prepared.rendered, stack)
    with run.console.step("plan") as step:
        summary = stack.plan()
        step.summary = summary.describe()
    return Planned(prepared.files, conn, stack, states, summary)


def deploy(
    run: Run, ttl: int | None = None, pin: Callable[[Pins, Connection], Pins] | None = None
) -> DeployResult:
    """Deploy the stage; `ttl` (seconds, else the target's default) sets when it expires;
    `pin` holds triggers on older versions (`rollback`; a plain deploy releases every pin)."""
    target = run.context.target
    if run.environ.get("CI") and target.kind == "aws" and target.state is None:
        run.console.warn(
            f"deploying from CI with the stage's state on this runner's disk: it goes with the "
            f"job, and no later job can update or destroy the stage; give [targets."
            f"{target.name}] a state bucket (README: Previews per branch in CI)"
        )
    prepared = _prepare(run)
    conn = connect(run)
    with endpoint_watched(run, conn):
        states = store(run, conn)
        with stage_locked(run, conn, "deploy") as lock:
            return _deploy_locked(run, _planned(run, prepared, conn, states, lock, pin), ttl)


def _deploy_locked(run: Run, planned: Planned, ttl: int | None) -> DeployResult:
    _apply(run, planned.stack, planned.summary)
    outputs = outputs_of(planned.states.state(run.context.stage.slug)) or {}
    ttl = ttl if ttl is not None else run.context.target.ttl
    record = record_stage(run, planned, outputs, ttl)
    for name in revive(run, planned.states, planned.conn):
        run.console.warn(f"function {name} was pending deletion; it is this stage's again")
    return _publish(run, planned.conn, planned.files, outputs, planned.summary, record)


def record_stage(
    run: Run, planned: Planned, outputs: dict[str, Any], ttl: int | None
) -> StageRecord:
    """The stage's record beside its state, and its expiry on its resources' tags. `ttl`:
    seconds from now; NEVER_EXPIRES clears the expiry; None keeps the one recorded."""
    ctx = run.context
    with run.console.step("record") as step:
        now = run.clock.wall()
        previous = planned.states.record(ctx.stage.slug)
        kept = ttl is None and previous is not None and previous.expires_at is not None
        if ttl is None:
            expires_at = previous.expires_at if previous is not None else None
        else:
            expires_at = utc(now + ttl) if ttl != NEVER_EXPIRES else None
        record = StageRecord(
            project=ctx.project.name,
            target=ctx.target.name,
            name=ctx.stage.name,
            slug=ctx.stage.slug,
            url=f"https://{outputs['distribution_domain_name']}/",
            deployed_at=utc(now),
            expires_at=expires_at,
            distribution_id=outputs["distribution_id"],
            bucket=outputs["bucket_name"],
        )
        planned.states.put_record(record)
        expiry = record.as_json()["expires_at"]
        if expiry or (previous is not None and previous.expires_at is not None):
            # (Without a TTL now or before, there is no tag to set or remove.)
            set_expiry(planned.conn, outputs, expiry)
        step.summary = f"expires {expiry}" if expiry else "never expires"
        if kept:
            step.summary += " (kept from the last deploy; --ttl never clears it)"
    return record


def _apply(run: Run, stack: StackCommands, summary: PlanSummary) -> None:
    with run.console.step("apply") as step:
        if summary.has_changes:
            stack.apply(summary)
        write_imports(run.stage_dir, [])  # imported now: the blocks have done their work
        step.summary = "applied" if summary.has_changes else "nothing to change"


def _publish(
    run: Run,
    conn: Connection,
    files: Sequence[SiteFile],
    outputs: dict[str, Any],
    summary: PlanSummary,
    record: StageRecord,
) -> DeployResult:
    """After the apply: upload, invalidate, wait and verify."""
    cloudfront = CloudFront(conn.client("cloudfront", LAMBDA_REGION))
    s3 = conn.client("s3")
    synced = sync(run, s3, outputs["bucket_name"], files)
    invalidation = invalidate_changes(run, cloudfront, outputs["distribution_id"], synced)
    with run.console.step("wait") as step:
        distribution = outputs["distribution_id"]
        wait_until(
            f"distribution {distribution}",
            lambda: cloudfront.status(distribution),
            DEPLOYED,
            run.poll(),
            WAIT_HINT,
        )
        step.summary = "distribution deployed"
    verify(run, cloudfront, s3, outputs, [f.key for f in files])
    return DeployResult(summary, outputs, synced, invalidation, record)


def sync(run: Run, s3: GuardedClient, bucket: str, files: Sequence[SiteFile]) -> SyncResult:
    with run.console.step("sync") as step:
        try:
            result = sync_site(
                s3, bucket, files, progress=lambda total: run.console.progress(total, "uploading")
            )
        except AwsError as exc:
            raise AwsError(
                f"the stack is applied, but uploading the site to s3://{bucket} failed: "
                f"{exc.message}",
                f"{exc.hint}; then run edgeform deploy again: unchanged files are skipped",
                code=exc.code,
                action=exc.action,
            ) from exc
        step.summary = (
            f"{len(result.uploaded)} uploaded, {len(result.deleted)} deleted, "
            f"{result.unchanged} unchanged"
        )
    return result


def invalidate_changes(
    run: Run, cloudfront: CloudFront, distribution_id: str, synced: SyncResult
) -> str | None:
    with run.console.step("invalidate") as step:
        if not synced.changed:
            step.summary = "nothing changed"
            return None
        paths = invalidation_paths(synced.changed, run.context.project.default_root_object)
        invalidation = cloudfront.invalidate(distribution_id, paths)
        wait_until(
            f"invalidation {invalidation}",
            lambda: cloudfront.invalidation_status(distribution_id, invalidation),
            COMPLETED,
            run.poll(),
            WAIT_HINT,
        )
        step.summary = f"{len(paths)} paths ({invalidation})"
    return invalidation


def verify(
    run: Run,
    cloudfront: CloudFront,
    s3: GuardedClient,
    outputs: dict[str, Any],
    site_keys: Sequence[str],
) -> None:
    with run.console.step("verify") as step:
        found = cloudfront.associations(outputs["distribution_id"])
        problems = wiring_problems(run.context.project, outputs, found) + site_problems(
            site_keys, remote_etags(s3, outputs["bucket_name"])
        )
        if problems:
            raise VerifyError(
                "the deployed stack is not what the config asks for:\n  " + "\n  ".join(problems),
                "run the deploy again; if it persists, report it with --debug",
            )
        step.summary = f"{len(found)} triggers on their published versions, site complete"


def outputs(run: Run) -> dict[str, Any]:
    """The deployed stage's outputs, read from its state (no Terraform, nothing changed)."""
    return stage_outputs(run, connect_if_running(run))


def stage_outputs(run: Run, conn: Connection | None) -> dict[str, Any]:
    """None for `conn`: a local target whose endpoint is not running (a local state file is
    still read)."""
    ctx = run.context
    s3 = conn.state_client() if conn else None
    values = None
    if s3 is not None or ctx.target.state is None:
        states = stage_store(ctx.project, ctx.target, ctx.workspace, s3)
        values = outputs_of(states.state(ctx.stage.slug))
    if values is None:
        raise StageNotDeployedError(
            f"stage {ctx.stage.slug} is not deployed on target {ctx.target.name}",
            f"run edgeform deploy --stage {shlex.quote(ctx.stage.name)} first",
        )
    return values


@dataclass(frozen=True)
class DeployedStage:
    distribution_id: str
    bucket: str
    conn: Connection


def deployed_stage(run: Run) -> DeployedStage:
    """Where a deployed stage lives, without starting or changing anything."""
    conn = connect_deployed(run)
    values = stage_outputs(run, conn)
    return DeployedStage(values["distribution_id"], values["bucket_name"], conn)


def check_destroy_allowed(run: Run, *, force_protected: bool) -> None:
    """A protected stage is refused before anything is touched or asked."""
    if run.context.settings.protected and not force_protected:
        raise ProtectedStageError(
            f"stage {run.context.stage.name} is protected in edgeform.toml; nothing was changed",
            "pass --force-protected if you really mean to destroy it",
        )


@dataclass(frozen=True)
class DestroyResult:
    plan: PlanSummary | None  # what Terraform destroyed; None: nothing was deployed
    distribution: str | None  # deleted by edgeform itself, before Terraform's destroy
    functions: Collected  # the stage's functions: deleted, or pending until their replicas go
    kept: str | None = None  # why the stage was left as it is (gc: it no longer expires)

    @property
    def deployed(self) -> bool:
        return self.plan is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "deployed": self.deployed,
            "destroyed": list(self.plan.destroys) if self.plan else [],
            "distribution": self.distribution,
            "functions": self.functions.as_json(),
            "kept": self.kept,
        }


# Asked under the stage's lock, with the stage's record as it is then: a reason to leave the
# stage alone (gc: a redeploy moved its expiry), or None to go on.
Recheck = Callable[[StageRecord | None], str | None]


def destroy(
    run: Run, *, force_protected: bool = False, recheck: Recheck | None = None
) -> DestroyResult:
    """Destroy the stage without waiting on Lambda@Edge replicas (see `pending`). Every step
    after the lock reads the state as it is then, so a rerun carries on from any point."""
    check_destroy_allowed(run, force_protected=force_protected)
    bundles = build(run)
    rendered = render(run, bundles)
    conn = connect(run)
    with endpoint_watched(run, conn):
        states = store(run, conn)
        with stage_locked(run, conn, "destroy") as lock:
            return _destroy_locked(run, states, lock, bundles, rendered, recheck, conn)


def _destroy_locked(
    run: Run,
    states: StageStore,
    lock: StageLock,
    bundles: list[Bundle],
    rendered: RenderedStack,
    recheck: Recheck | None,
    conn: Connection,
) -> DestroyResult:
    slug = run.context.stage.slug
    record = states.record(slug)
    why = recheck(record) if recheck else None
    if why is not None:
        return DestroyResult(None, None, Collected(), kept=why)
    parts = stage_parts(states.state(slug))
    if (
        parts.empty
        and record is None
        and not needs_migration(run.stage_dir, wanted_backend(run.context))
    ):
        return DestroyResult(None, None, Collected())  # nothing deployed: CI cleanup is idempotent
    write(run, rendered, bundles)
    stack = stack_commands(run, conn, lock)
    init(run, stack, states)
    parts = stage_parts(states.state(slug))  # init may have moved the state
    if parts.bucket:
        _empty_bucket(run, parts.bucket, conn)  # protection was checked above
    with run.console.step("set aside") as step:
        names = set_aside(run, stack, states, conn)
        step.summary = f"{len(names)} functions out of the state, recorded as pending"
    if parts.distribution_id:
        _retire_distribution(run, stack, states, parts.distribution_id, conn)
    with run.console.step("plan") as step:
        summary = stack.plan(destroy=True)
        step.summary = summary.describe()
    with run.console.step("destroy") as step:
        if summary.has_changes:
            stack.apply(summary)
        step.summary = f"{len(summary.destroys)} resources destroyed"
    functions = _delete_functions(run, states, names, conn)
    states.forget(slug)
    return DestroyResult(summary, parts.distribution_id, functions)


DISTRIBUTION_ADDRESS = "aws_cloudfront_distribution.site"


def _retire_distribution(
    run: Run, stack: StackCommands, states: StageStore, distribution_id: str, conn: Connection
) -> None:
    """Disable the distribution, wait until CloudFront has deployed that, delete it, and drop
    it from the state: what AWS requires, polled at edgeform's pace (every 0.5 s on the
    embedded endpoint, 15 s on AWS) instead of the AWS provider's fixed delays."""
    with run.console.step("distribution") as step:
        cloudfront = CloudFront(conn.client("cloudfront", LAMBDA_REGION))
        if cloudfront.disable(distribution_id):
            wait_until(
                f"distribution {distribution_id} to deploy its disabling",
                lambda: cloudfront.status(distribution_id),
                DEPLOYED,
                run.poll(),
                "run edgeform destroy again later: it carries on from there",
            )
            cloudfront.delete(distribution_id)
        if DISTRIBUTION_ADDRESS in resource_addresses(states.state(run.context.stage.slug)):
            stack.state_rm([DISTRIBUTION_ADDRESS])
        step.summary = f"{distribution_id} disabled and deleted"


def _delete_functions(
    run: Run, states: StageStore, names: Sequence[str], conn: Connection
) -> Collected:
    with run.console.step("functions") as step:
        lam = conn.client("lambda", LAMBDA_REGION)
        collected = collect(lam, conn.client("cloudfront", LAMBDA_REGION), states, names)
        step.summary = f"{len(collected.deleted)} deleted, {len(collected.pending)} pending"
    if collected.pending:
        run.console.warn(
            f"{len(collected.pending)} functions still have replicas at the edge and wait for "
            f"`edgeform gc` ({', '.join(collected.pending)}); CloudFront removes replicas "
            f"{REPLICA_WAIT_LOCAL if run.local else REPLICA_WAIT_AWS} after the distribution "
            "went, and gc deletes the functions then"
        )
    return collected


def _empty_bucket(run: Run, bucket: str, conn: Connection) -> None:
    with run.console.step("empty bucket") as step:
        s3 = conn.client("s3")
        step.summary = f"{empty_bucket(s3, bucket)} objects deleted"


def unlock(run: Run, lock_id: str) -> LockInfo:
    """Clear a lock left by a run that died on another host: only the lock named, and only
    while it is the one that holds the stage's state. Returns the lock cleared."""
    ctx = run.context
    if ctx.target.state is None:
        raise BadInputError(
            f"stage {ctx.stage.slug} keeps its state on this machine, whose lock ends with "
            "the run that holds it: there is nothing to unlock; nothing was changed",
            "if a deploy seems stuck, it is still running: wait for it, or stop it",
        )
    conn = connect(run)
    with endpoint_watched(run, conn):
        lock = bucket_stage_lock(run, conn)
        if lock is None:  # ruled out above: the target has a state bucket
            raise BadInputError(
                f"stage {ctx.stage.slug} has no state bucket, so no lock to clear",
                "locks to clear are in a target's state bucket ([targets.<name>.state])",
            )
        held = lock.current()
        if held is None:
            raise BadInputError(
                f"stage {ctx.stage.slug}'s state is not locked; nothing was changed",
                "nothing to clear: run the deploy again",
            )
        run.console.info(f"lock {held.id} on stage {ctx.stage.slug} is held by {held.describe()}")
        if held.id != lock_id:
            raise BadInputError(
                f"the lock on stage {ctx.stage.slug} is {held.id}, held by "
                f"{held.describe()}, not {lock_id}; nothing was changed",
                "check that run is dead, then pass its lock id",
            )
        with run.console.step("unlock") as step:
            lock.clear(held.id)
            step.summary = f"lock {lock_id} cleared"
    return held
