"""Commands on where stages live: bootstrap, stages, gc, unlock."""

from __future__ import annotations

import json
import re

import click

from edgeform.aws import inventory
from edgeform.aws.state_bucket import bootstrap_state_bucket
from edgeform.cli.options import about, pass_run, seconds
from edgeform.deploy import pipeline
from edgeform.deploy.connect import connect
from edgeform.deploy.run import Run
from edgeform.deploy.stages import gc_expired, gc_functions, list_stages
from edgeform.errors import EdgeformError, UsageError
from edgeform.render.iam_policy import boundary_policy, deploy_policy


@click.command()
@pass_run(every_stage=True)
def bootstrap(run: Run) -> None:
    """Create the target's shared state bucket, or check the one there is.

    The bucket ([targets.NAME.state] in edgeform.toml) gets versioning, default encryption,
    every public access blocked and a TLS-only policy. Run it once per account; a second run
    changes nothing and says so.

    \b
    Examples:
      edgeform bootstrap --target aws
      edgeform bootstrap --target aws --output json
    """
    state = run.target.state
    if state is None:
        raise UsageError(
            f"target {run.target.name} has no state bucket; nothing was changed",
            f'add [targets.{run.target.name}.state] with bucket = "..." to edgeform.toml',
        )
    s3 = connect(run).client("s3", state.region)
    with run.console.step("bootstrap") as step:
        steps = bootstrap_state_bucket(s3, state.bucket, state.region)
        changed = sum(s.changed for s in steps)
        step.summary = f"{changed} set, {len(steps) - changed} already in place"
    run.console.result(
        {
            "target": run.target.name,
            "bucket": state.bucket,
            "region": state.region,
            "steps": {s.setting: "created" if s.changed else "found" for s in steps},
            "changed": bool(changed),
        },
        "\n".join(f"s3://{state.bucket}: {s.describe()}" for s in steps),
    )


@click.command()
@pass_run(every_stage=True)
def stages(run: Run) -> None:
    """List every deployed stage of the project on a target.

    From the target's state bucket when it has one (what every runner sees), else from this
    checkout's .edgeform/ folder.

    \b
    Examples:
      edgeform stages
      edgeform stages --target aws --output json | jq -r '.stages[].url'
    """
    entries = list_stages(run)
    lines = [
        f"{e.name:<24} {e.url or '-':<44} deployed {_when(e.as_json()['deployed_at'])}"
        f"  expires {_when(e.as_json()['expires_at'], 'never')}"
        f"{'  protected' if e.protected else ''}{'  EXPIRED' if e.expired else ''}"
        for e in entries
    ]
    run.console.result(
        {"target": run.target.name, "stages": [e.as_json() for e in entries]},
        "\n".join(lines) or f"no stage deployed on target {run.target.name}",
    )


def _when(iso: str | None, missing: str = "-") -> str:
    return iso or missing


@click.command()
@click.option("--expired", is_flag=True, help="Also destroy the stages whose expiry has passed.")
@click.option("--dry-run", is_flag=True, help="Say what would be destroyed; change nothing.")
@click.option("--wait", is_flag=True, help="Retry, with backoff, until no function is pending.")
@click.option(
    "--timeout",
    default="30m",
    show_default=True,
    metavar="DURATION",
    callback=seconds,
    help="How long --wait retries.",
)
@pass_run(terraform=True, every_stage=True)
def gc(run: Run, expired: bool, dry_run: bool, wait: bool, timeout: int) -> None:
    """Delete the functions destroys left pending; with --expired, destroy expired previews.

    A destroy never waits for CloudFront to remove a function's replicas (hours on AWS): it
    leaves the function pending. gc deletes every pending function AWS allows now, leaves the
    rest for a later run, never one a live distribution uses; several may run at once. A
    stage expires when deployed with --ttl (or a target's ttl); protected stages never go.
    Run it on a schedule.

    \b
    Examples:
      edgeform gc
      edgeform gc --expired --dry-run
      edgeform gc --expired --target aws --wait --timeout 2h --output json
    """
    stages = gc_expired(run, dry_run=dry_run) if expired else None
    functions = gc_functions(run, dry_run=dry_run, wait=wait, timeout=timeout)
    text = [
        *(f"destroyed {name}" for name in (stages.destroyed if stages else ())),
        *(f"would destroy {name}" for name in (stages.would_destroy if stages else ())),
        *(f"kept {name}: protected" for name in (stages.kept_protected if stages else ())),
        *(f"kept {name}: {why}" for name, why in (stages.kept if stages else ())),
        *(f"FAILED {name}: {why}" for name, why in (stages.failed if stages else ())),
        *(f"deleted function {name}" for name in functions.deleted),
        *(f"pending function {name}: replicas remain" for name in functions.pending),
        *(f"kept function {name}: a distribution uses it" for name in functions.kept_wired),
    ]
    run.console.result(
        {
            "target": run.target.name,
            "dry_run": dry_run,
            **(stages.as_json() if stages else {}),
            "functions": functions.as_json(),
        },
        "\n".join(text) or "nothing to collect",
    )
    if stages and stages.failed:
        raise EdgeformError(
            f"{len(stages.failed)} expired stage(s) could not be destroyed",
            "read their errors above; run edgeform gc --expired again to retry them",
        )
    if wait and functions.pending and not dry_run:
        raise EdgeformError(
            f"{len(functions.pending)} functions still have replicas after {timeout} s",
            "run edgeform gc later (replicas take up to a few hours to go on AWS)",
        )


@click.command()
@click.argument("lock_id")
@pass_run(terraform=True)
def unlock(run: Run, lock_id: str) -> None:
    """Clear the lock a run that died on another host left on a stage's shared state.

    Only the lock named is cleared, and only while it is the one that holds the stage; its
    holder is printed first. A run that died on this host needs no unlock: the next run
    takes its lock over. A local state's lock ends with its run: there is nothing to clear.

    \b
    Examples:
      edgeform unlock --stage feature/login 4dfd6521-0f4f-a171-c8b3-77dae6845973
    """
    held = pipeline.unlock(run, lock_id)
    run.console.result(
        {**about(run), "unlocked": lock_id, "holder": held.describe()},
        f"cleared lock {lock_id} of {held.describe()}",
    )


@click.command(name="iam-policy")
@click.option(
    "--account-id",
    metavar="ID",
    help="The AWS account the role deploys to (default: the caller's, asked of STS).",
)
@click.option(
    "--boundary",
    is_flag=True,
    help="Print the permissions boundary the project's roles carry instead (create it once).",
)
@pass_run(every_stage=True)
def iam_policy(run: Run, account_id: str | None, boundary: bool) -> None:
    """Print the least-privilege IAM policy of the role that deploys this project.

    Every stage of the project on the target: its buckets, functions, role, distributions
    (by the project's tag), and the state bucket's objects of this project. It may make the
    functions' role only with the project's permissions boundary (--boundary prints it; an
    administrator creates it once, named as the policy's condition says). Attach the policy
    to the role CI assumes (README: "The role a pipeline assumes").

    \b
    Examples:
      edgeform iam-policy --target aws > deploy-policy.json
      edgeform iam-policy --target aws --account-id 123456789012 --boundary > boundary.json
    """
    if account_id is None:
        account_id = inventory.account_id(connect(run).client("sts"))
    elif not re.fullmatch(r"\d{12}", account_id):
        raise UsageError(f"{account_id!r} is not an AWS account id", "give its 12 digits")
    if boundary:
        policy = boundary_policy(run.project, account_id)
    else:
        policy = deploy_policy(run.project, run.target, account_id)
    run.console.result(policy, json.dumps(policy, indent=2))


COMMANDS = (bootstrap, stages, gc, unlock, iam_policy)
