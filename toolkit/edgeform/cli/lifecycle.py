"""Commands on a deployed stage: deploy, plan, outputs, destroy."""

from __future__ import annotations

import json
import shlex
import sys

import click

from edgeform.cli.options import about, pass_run, ttl_seconds
from edgeform.deploy import pipeline
from edgeform.deploy.run import Run
from edgeform.errors import EXIT_CHANGES, EXIT_OK, UsageError


@click.command()
@click.option(
    "--ttl",
    metavar="DURATION",
    callback=ttl_seconds,
    help="Expire the stage this long after this deploy (7d, 12h), or `never`; default: the "
    "target's ttl, else the expiry the stage has. `edgeform gc --expired` destroys expired "
    "stages.",
)
@pass_run(terraform=True)
def deploy(run: Run, ttl: int | None) -> None:
    """Build, render, plan, apply, upload the site, invalidate, wait and verify.

    A deploy with nothing changed applies nothing, uploads nothing and invalidates nothing.

    \b
    Examples:
      edgeform deploy
      edgeform deploy --stage feature/login --ttl 7d --output json
      EDGEFORM_STAGE=production edgeform deploy --target aws
    """
    result = pipeline.deploy(run, ttl)
    domain = result.outputs["distribution_domain_name"]
    run.console.result(
        {**about(run), **result.as_json()},
        f"https://{domain}/{run.context.project.default_root_object}",
    )
    if run.local:  # the embedded endpoint's cloudfront.net name resolves nowhere
        stage = shlex.quote(run.context.stage.name)
        run.console.info(
            f"the embedded endpoint's address does not resolve: see the site with "
            f"`edgeform serve --from-stage {stage} --target {run.context.target.name}`"
        )


@click.command()
@pass_run(terraform=True)
def plan(run: Run) -> None:
    """Show what a deploy would change. Exits 0 with no changes, 3 with changes.

    \b
    Examples:
      edgeform plan
      edgeform plan --stage main --output json
    """
    summary = pipeline.plan(run)
    run.console.result(
        {**about(run), "changes": summary.has_changes, **summary.as_json()},
        "\n".join(filter(None, (summary.resource_lines(), summary.describe()))),
    )
    click.get_current_context().exit(EXIT_CHANGES if summary.has_changes else EXIT_OK)


@click.command()
@pass_run()
def outputs(run: Run) -> None:
    """Print the deployed stage's outputs (distribution, bucket, function versions).

    Read from the stage's state, in its folder or in the target's state bucket: any checkout
    can read a stage another runner deployed.

    \b
    Examples:
      edgeform outputs
      edgeform outputs --stage main --output json | jq -r .distribution_domain_name
    """
    values = pipeline.outputs(run)
    run.console.result(
        values, "\n".join(f"{k} = {json.dumps(v)}" for k, v in sorted(values.items()))
    )


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force-protected", is_flag=True, help="Destroy a stage marked protected.")
@pass_run(terraform=True)
def destroy(run: Run, yes: bool, force_protected: bool) -> None:
    """Empty the stage's bucket and destroy everything of the stage.

    A stage marked `protected` in edgeform.toml is refused unless --force-protected is given.
    Without a terminal to ask on, --yes is required.

    \b
    Examples:
      edgeform destroy --stage feature/login --yes
      edgeform destroy --stage production --force-protected
    """
    stage = run.context.stage
    pipeline.check_destroy_allowed(run, force_protected=force_protected)  # before asking
    if not yes and not sys.stdin.isatty():
        raise UsageError(
            f"destroy of stage {stage.name} needs a confirmation and there is no terminal to "
            "ask on; nothing was changed",
            "pass --yes",
        )
    if not yes and not click.confirm(
        f"Destroy stage {stage.name} on {run.context.target.name}?", err=True
    ):
        raise click.Abort
    result = pipeline.destroy(run, force_protected=force_protected)
    pending = result.functions.pending
    if result.plan is None:
        text = f"nothing is deployed for stage {stage.name} on {run.context.target.name}"
    else:
        text = f"destroyed {len(result.plan.destroys)} resources" + (
            f"; {len(pending)} functions pending deletion, for `edgeform gc`" if pending else ""
        )
    run.console.result({**about(run), **result.as_json()}, text)


COMMANDS = (deploy, plan, outputs, destroy)
