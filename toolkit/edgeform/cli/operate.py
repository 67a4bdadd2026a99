"""Commands on a running stage: logs, versions, rollback."""

from __future__ import annotations

import json

import click

from edgeform.cli.options import about, pass_run, seconds
from edgeform.console import table
from edgeform.deploy import edge_logs
from edgeform.deploy import versions as stage_versions
from edgeform.deploy.run import Run
from edgeform.model.lambda_edge import LOG_RETENTION_DAYS


def _retention(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value not in LOG_RETENTION_DAYS:
        raise click.BadParameter(
            f"CloudWatch Logs keeps logs for one of {', '.join(map(str, LOG_RETENTION_DAYS))} days"
        )
    return value


@click.command()
@click.argument("function", required=False)
@click.option("--since", default="10m", show_default=True, callback=seconds, metavar="DURATION",
              help="How far back to read (30s, 10m, 2h, 1d).")  # fmt: skip
@click.option("--follow", is_flag=True, help="Keep printing new events until Ctrl-C.")
@click.option("--retention-days", type=int, callback=_retention, metavar="N",
              help="Instead of reading: keep the logs N days, in every Region.")  # fmt: skip
@pass_run()
def logs(
    run: Run, function: str | None, since: int, follow: bool, retention_days: int | None
) -> None:
    """Read a stage's function logs from every Region, merged by time.

    A Lambda@Edge replica logs to /aws/lambda/us-east-1.<function> in the Region that served
    the viewer; this reads that group in every Region that has one, in parallel, and prints
    each event with its Region. Lambda@Edge creates those groups without retention, so they
    grow forever: --retention-days sets it on all of them.

    \\b
    Examples:
      edgeform logs --stage main --since 1h
      edgeform logs redirect --follow
      edgeform logs --retention-days 30 --output json
    """
    if retention_days is not None:
        groups = edge_logs.retain(run, function, retention_days)
        run.console.result(
            {**about(run), "retention_days": retention_days,
             "groups": [{"region": g.region, "name": g.name} for g in groups]},
            "\\n".join(f"{g.region:<15} {g.name}: {retention_days} days" for g in groups)
            or "no log groups yet: no viewer has run these functions",
        )  # fmt: skip
        return
    if follow:
        for event in edge_logs.follow(run, function, since):
            run.console.line(
                json.dumps(event.as_json()) if run.console.json_output else event.line()
            )
        return
    found = edge_logs.read(run, function, since)
    run.console.result(
        {**about(run), "regions": sorted({g.region for g in found.groups}),
         "events": [e.as_json() for e in found.events]},
        "\\n".join(e.line() for e in found.events) or "no events",
    )  # fmt: skip


@click.command()
@click.argument("function", required=False)
@pass_run()
def versions(run: Run, function: str | None) -> None:
    """List each function's numbered versions: which trigger uses which, when each was
    published, its code hash.

    \b
    Examples:
      edgeform versions --stage main
      edgeform versions redirect --output json
    """
    found = stage_versions.versions(run, function)
    rows = [
        (
            v.function,
            str(v.version),
            v.published,
            v.code_sha256[:12],
            ", ".join(v.triggers or ("-",)),
            ", ".join(n for n, on in (("latest", v.latest), ("rolled back to", v.pinned)) if on),
        )
        for v in found
    ]
    headers = ("FUNCTION", "VERSION", "PUBLISHED", "CODE SHA256", "TRIGGERS", "NOTE")
    run.console.result(
        {**about(run), "versions": [v.as_json() for v in found]},
        table(headers, rows) or "no versions",
    )


@click.command()
@click.argument("function")
@click.option("--to", "version", type=click.IntRange(min=1), required=True, metavar="N",
              help="The version to wire the function's triggers to.")  # fmt: skip
@pass_run(terraform=True)
def rollback(run: Run, function: str, version: int) -> None:
    """Wire a function's triggers back to an older version, through Terraform.

    The stage stays rolled back (a plan shows no change) until the next plain `edgeform
    deploy`, which wires the version of the current code again.

    \b
    Examples:
      edgeform versions redirect --stage main
      edgeform rollback redirect --to 3 --stage main
    """
    result = stage_versions.rollback(run, function, version)
    run.console.result(
        {**about(run), "function": function, "version": version, **result.as_json()},
        f"{function} triggers on version {version}; `edgeform deploy` returns them to the "
        "current code",
    )


@click.command()
@click.option("--keep", type=click.IntRange(min=1), required=True, metavar="K",
              help="How many of each function's newest versions to keep.")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
@pass_run()
def prune(run: Run, keep: int, dry_run: bool) -> None:
    """Delete each function's old versions that no trigger uses, but the newest K.

    Never a version a trigger uses, a rollback holds, or the current code published. A
    version CloudFront still replicates (hours after its last trigger went) is left pending:
    `edgeform gc` deletes it once AWS allows.

    \b
    Examples:
      edgeform prune --keep 3 --dry-run
      edgeform prune --keep 3 --stage main --output json
    """
    result = stage_versions.prune(run, keep, dry_run=dry_run)
    lines = [
        *(f"deleted {label}" for label in result.deleted),
        *(f"{'would delete' if dry_run else 'pending'} {label}" for label in result.pending),
        *(f"kept {label}" for label in result.kept),
    ]
    run.console.result({**about(run), "dry_run": dry_run, **result.as_json()}, "\n".join(lines))


COMMANDS = (logs, versions, rollback, prune)
