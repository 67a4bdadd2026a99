"""Commands on a deployed stage: deploy, plan, outputs, destroy."""

from __future__ import annotations

import json

import click

from edgeform.cli.options import about, pass_run
from edgeform.deploy import pipeline
from edgeform.deploy.run import Run


@click.command()
@pass_run(terraform=True)
def deploy(run: Run) -> None:
    """Build, render, plan, apply, upload the site, invalidate, wait and verify.

    A deploy with nothing changed applies nothing, uploads nothing and invalidates nothing.

    \b
    Examples:
      edgeform deploy
      edgeform deploy --stage feature/login --output json
      EDGEFORM_STAGE=production edgeform deploy --target aws
    """
    result = pipeline.deploy(run)
    domain = result.outputs["distribution_domain_name"]
    run.console.result(
        {**about(run), **result.as_json()},
        f"https://{domain}/{run.context.project.default_root_object}",
    )


@click.command()
@pass_run(terraform=True)
def plan(run: Run) -> None:
    """Show what a deploy would change. Exits 0 with no changes, 2 with changes.

    \b
    Examples:
      edgeform plan
      edgeform plan --stage main --output json
    """
    summary = pipeline.plan(run)
    run.console.result(
        {**about(run), "changes": summary.has_changes, **summary.as_json()},
        summary.describe(),
    )
    click.get_current_context().exit(2 if summary.has_changes else 0)


@click.command()
@pass_run()
def outputs(run: Run) -> None:
    """Print the deployed stage's outputs (distribution, bucket, function versions).

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

    A stage marked `protected` in edgeform.toml is refused unless --force-protected is given,
    and its bucket is never emptied by force.

    \b
    Examples:
      edgeform destroy --stage feature/login --yes
      edgeform destroy --stage production --force-protected
    """
    stage = run.context.stage
    pipeline.check_destroy_allowed(run, force_protected=force_protected)  # before asking
    if not yes and not click.confirm(
        f"Destroy stage {stage.name} on {run.context.target.name}?", err=True
    ):
        raise click.Abort
    summary = pipeline.destroy(run, force_protected=force_protected)
    run.console.result(
        {**about(run), "destroyed": list(summary.destroys)},
        f"destroyed {len(summary.destroys)} resources",
    )


COMMANDS = (deploy, plan, outputs, destroy)
