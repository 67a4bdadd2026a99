"""The `edgeform` command: thin click commands that parse, call one pipeline step, print.

Exit statuses: 0 success; 1 a step failed; 2 bad input (config, command line, stage name);
130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from toolkit import __version__, cli_edge, pipeline
from toolkit.config import CONFIG_FILE, Project, find_config, load_project
from toolkit.console import Console, wants_color
from toolkit.errors import EXIT_FAILED, ConfigError, EdgeformError
from toolkit.localcloud import LocalCloud
from toolkit.names import resource_names
from toolkit.rules import config_findings, sort_findings
from toolkit.stage import git_branch, resolve_stage
from toolkit.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
EXIT_INTERRUPTED = 130


@dataclass
class Options:
    config: Path | None
    debug: bool


class EdgeformGroup(click.Group):
    """Turns EdgeformError into a message and an exit status; a traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EdgeformError as exc:
            if _debug(ctx):
                traceback.print_exc()
            console = Console(json_output=False, color=wants_color(sys.stderr, os.environ))
            console.error(exc.message, exc.hint)
            stderr = getattr(exc, "stderr", "")
            if stderr:
                console.detail(stderr)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception:
            if _debug(ctx):
                raise
            traceback.print_exc()
            click.echo(
                "error: an unexpected failure in edgeform itself; please report it "
                "with the output of --debug",
                err=True,
            )
            ctx.exit(EXIT_FAILED)


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.debug)


@click.group(
    cls=EdgeformGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples:
  edgeform deploy                    deploy the current branch's stage (local target)
  edgeform deploy --stage pr-42 --target aws --output json
  edgeform plan; echo $?             0 no changes, 2 changes
  edgeform destroy --stage pr-42 --yes
  edgeform build                     zip every function, config baked in
  edgeform render --stage main       write the stage's Terraform files
  edgeform validate --target aws     render, then terraform init and validate
  edgeform lint                      every Lambda@Edge restriction, before a deploy
  edgeform stage --output json       the resolved stage and its resource names
  edgeform serve                     the site behind a local CloudFront, on 127.0.0.1:8080
  edgeform invoke redirect --trigger viewer-request --header Referer:/index.html

Exit statuses: 0 ok, 1 a step failed, 2 bad input, 130 interrupted.""",
)
@click.version_option(__version__, "--version", prog_name="edgeform")
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path, dir_okay=False),
    help=f"Project config (default: the nearest {CONFIG_FILE} upwards).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, debug: bool) -> None:
    """edgeform: static sites behind CloudFront with Lambda@Edge, driven by Terraform."""
    ctx.obj = Options(config, debug)


def stage_options(func: F) -> F:
    """--stage, --target and --output, shared by every command that works on a stage."""

    @click.option(
        "--stage",
        "stage",
        metavar="NAME",
        help="Stage name (default: EDGEFORM_STAGE, the CI branch, the git branch).",
    )
    @click.option(
        "--target",
        "target",
        metavar="NAME",
        help="Target from edgeform.toml [targets] (default: project.default_target).",
    )
    @click.option(
        "--output",
        "output",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Result format; json for CI.",
    )
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def terraform_option(func: F) -> F:
    return click.option(
        "--terraform-bin",
        metavar="PATH",
        help="terraform or tofu binary (default: EDGEFORM_TERRAFORM_BIN, terraform).",
    )(func)


def make_run(
    ctx: click.Context,
    stage: str | None,
    target: str | None,
    output: str,
    terraform_bin: str | None = None,
) -> pipeline.Run:
    environ = dict(os.environ)
    console = Console(json_output=output == "json", color=wants_color(sys.stderr, environ))
    project = _load(ctx)
    chosen_target = project.target(target)
    resolved = resolve_stage(stage, environ, lambda: git_branch(project.root))
    return pipeline.Run(project, resolved, chosen_target, console, environ, terraform_bin)


def _load(ctx: click.Context) -> Project:
    options: Options = ctx.obj
    return load_project(options.config or find_config(Path.cwd()))


@cli.command()
@stage_options
@click.pass_context
def build(ctx: click.Context, stage: str | None, target: str | None, output: str) -> None:
    """Zip every function deterministically, with the build-time config baked in.

    \b
    Examples:
      edgeform build
      edgeform build --stage production --output json
    """
    run = make_run(ctx, stage, target, output)
    bundles = pipeline.build(run)
    run.console.result(
        {
            "stage": run.stage.slug,
            "target": run.target.name,
            "bundles": [b.as_json() for b in bundles],
        },
        "\n".join(f"{b.function}\t{b.size}\t{b.sha256}\t{b.path}" for b in bundles),
    )


@cli.command()
@stage_options
@click.pass_context
def render(ctx: click.Context, stage: str | None, target: str | None, output: str) -> None:
    """Build the bundles and write the stage's Terraform root module.

    \b
    Examples:
      edgeform render
      edgeform render --stage feature/login --target aws --output json
    """
    run = make_run(ctx, stage, target, output)
    stack = pipeline.render(run, pipeline.build(run))
    run.console.result(
        {
            "stage": run.stage.slug,
            "target": run.target.name,
            "dir": str(run.stage_dir),
            "files": sorted(stack.files),
        },
        str(run.stage_dir),
    )


@cli.command()
@stage_options
@terraform_option
@click.pass_context
def validate(
    ctx: click.Context,
    stage: str | None,
    target: str | None,
    output: str,
    terraform_bin: str | None,
) -> None:
    """Render the stage, then run terraform init, fmt -check and validate on it.

    \b
    Examples:
      edgeform validate
      EDGEFORM_PROVIDER_MIRROR=/opt/tf-plugins edgeform validate --target aws
    """
    run = make_run(ctx, stage, target, output, terraform_bin)
    pipeline.render(run, pipeline.build(run))
    tf = pipeline.terraform(run)
    result = pipeline.validate(run, tf)
    run.console.result(
        {
            "stage": run.stage.slug,
            "target": run.target.name,
            "dir": str(run.stage_dir),
            "valid": result.valid,
        },
        f"{run.stage_dir}: valid",
    )


@cli.command(name="lint")
@stage_options
@click.pass_context
def lint_command(ctx: click.Context, stage: str | None, target: str | None, output: str) -> None:
    """Check every Lambda@Edge restriction before anything is deployed.

    Reads the config, builds the bundles, renders the stack in memory and reads the
    functions' source; prints `path:line: ID message (hint)`, errors first, then
    warnings. Exit status 1 on any error, 0 otherwise (warnings included). `deploy` runs the
    same checks first and stops on an error.

    \b
    Examples:
      edgeform lint
      edgeform lint --output json      for CI annotations (see README)
    """
    try:
        run = make_run(ctx, stage, target, output)
    except ConfigError as exc:
        config_file = ctx.obj.config or find_config(Path.cwd())
        report = pipeline.LintReport(sort_findings(config_findings(exc.problems, config_file)))
        _print_lint(ctx, report, output, {})
        return
    report = pipeline.lint(run, pipeline.build(run))
    _print_lint(ctx, report, output, {"stage": run.stage.slug, "target": run.target.name})


def _print_lint(
    ctx: click.Context, report: pipeline.LintReport, output: str, about: dict[str, str]
) -> None:
    if output == "json":
        click.echo(json.dumps({**about, **report.as_json()}, indent=2))
    else:
        for title, findings in (("errors", report.errors), ("warnings", report.warnings)):
            if findings:
                click.echo(f"{title}:")
                for finding in findings:
                    click.echo(f"  {finding.text()}")
        errors, warnings = len(report.errors), len(report.warnings)
        click.echo(
            f"lint: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        )
    ctx.exit(EXIT_FAILED if report.errors else 0)


@cli.command(name="stage")
@stage_options
@click.pass_context
def show_stage(ctx: click.Context, stage: str | None, target: str | None, output: str) -> None:
    """Show the resolved stage, where its name came from, and its resource names.

    \b
    Examples:
      edgeform stage
      GITHUB_HEAD_REF=feature/Login edgeform stage --output json
    """
    run = make_run(ctx, stage, target, output)
    names = resource_names(run.project, run.stage)
    settings = run.project.stage_settings(run.stage.name)
    data = {
        "name": run.stage.name,
        "slug": run.stage.slug,
        "source": run.stage.source,
        "target": run.target.name,
        "protected": settings.protected,
        "dir": str(run.stage_dir),
        "names": {
            "bucket": f"{names.bucket_prefix}<account id>",
            "role": names.role,
            "functions": dict(names.functions),
        },
    }
    text = "\n".join(
        [
            f"stage     {run.stage.name} (from {run.stage.source})",
            f"slug      {run.stage.slug}",
            f"target    {run.target.name}",
            f"protected {'yes' if settings.protected else 'no'}",
            f"bucket    {data['names']['bucket']}",  # type: ignore[index]
            f"role      {names.role}",
            *(f"function  {fn}: {name}" for fn, name in names.functions.items()),
        ]
    )
    run.console.result(data, text)


@cli.command()
@stage_options
@terraform_option
@click.pass_context
def deploy(
    ctx: click.Context,
    stage: str | None,
    target: str | None,
    output: str,
    terraform_bin: str | None,
) -> None:
    """Build, render, plan, apply, upload the site, invalidate, wait and verify.

    A deploy with nothing changed applies nothing, uploads nothing and invalidates nothing.

    \b
    Examples:
      edgeform deploy
      edgeform deploy --stage feature/login --output json
      EDGEFORM_STAGE=production edgeform deploy --target aws
    """
    run = make_run(ctx, stage, target, output, terraform_bin)
    result = pipeline.deploy(run)
    outputs = result.outputs
    run.console.result(
        {"stage": run.stage.slug, "target": run.target.name, **result.as_json()},
        f"https://{outputs['distribution_domain_name']}/{run.project.default_root_object}",
    )


@cli.command()
@stage_options
@terraform_option
@click.pass_context
def plan(
    ctx: click.Context,
    stage: str | None,
    target: str | None,
    output: str,
    terraform_bin: str | None,
) -> None:
    """Show what a deploy would change. Exits 0 with no changes, 2 with changes.

    \b
    Examples:
      edgeform plan
      edgeform plan --stage main --output json
    """
    run = make_run(ctx, stage, target, output, terraform_bin)
    summary = pipeline.plan(run)
    run.console.result(
        {
            "stage": run.stage.slug,
            "target": run.target.name,
            "changes": summary.has_changes,
            **summary.as_json(),
        },
        summary.describe(),
    )
    ctx.exit(2 if summary.has_changes else 0)


@cli.command()
@stage_options
@click.pass_context
def outputs(ctx: click.Context, stage: str | None, target: str | None, output: str) -> None:
    """Print the deployed stage's outputs (distribution, bucket, function versions).

    \b
    Examples:
      edgeform outputs
      edgeform outputs --stage main --output json | jq -r .distribution_domain_name
    """
    run = make_run(ctx, stage, target, output)
    values = pipeline.outputs(run)
    run.console.result(
        values, "\n".join(f"{k} = {json.dumps(v)}" for k, v in sorted(values.items()))
    )


@cli.command()
@stage_options
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force-protected", is_flag=True, help="Destroy a stage marked protected.")
@terraform_option
@click.pass_context
def destroy(
    ctx: click.Context,
    stage: str | None,
    target: str | None,
    output: str,
    yes: bool,
    force_protected: bool,
    terraform_bin: str | None,
) -> None:
    """Empty the stage's bucket and destroy everything of the stage.

    A stage marked `protected` in edgeform.toml is refused unless --force-protected is given,
    and its bucket is never emptied by force.

    \b
    Examples:
      edgeform destroy --stage feature/login --yes
      edgeform destroy --stage production --force-protected
    """
    run = make_run(ctx, stage, target, output, terraform_bin)
    if not yes and not click.confirm(
        f"Destroy stage {run.stage.name} on {run.target.name}?", err=True
    ):
        raise click.Abort
    summary = pipeline.destroy(run, force_protected=force_protected)
    run.console.result(
        {"stage": run.stage.slug, "target": run.target.name, "destroyed": list(summary.destroys)},
        f"destroyed {len(summary.destroys)} resources",
    )


@cli.group()
def local() -> None:
    """Control the embedded AWS endpoint (moto on a loopback port).

    \b
    Examples:
      edgeform local status
      edgeform local stop
    """


def _cloud(ctx: click.Context) -> LocalCloud:
    project = _load(ctx)
    return LocalCloud(Workspace(project.root).base / "localcloud")


@local.command(name="start")
@click.pass_context
def local_start(ctx: click.Context) -> None:
    """Start the endpoint unless it is running."""
    endpoint, started = _cloud(ctx).ensure_running()
    click.echo(f"{'started' if started else 'running'}: {endpoint.url} (pid {endpoint.pid})")


@local.command(name="stop")
@click.pass_context
def local_stop(ctx: click.Context) -> None:
    """Stop the endpoint; every resource on it goes with it."""
    endpoint = _cloud(ctx).stop()
    click.echo(f"stopped {endpoint.url}" if endpoint else "not running")


@local.command(name="status")
@click.pass_context
def local_status(ctx: click.Context) -> None:
    """Say whether the endpoint runs, and where. Exits 1 when it does not."""
    endpoint = _cloud(ctx).status()
    click.echo(f"running: {endpoint.url} (pid {endpoint.pid})" if endpoint else "not running")
    ctx.exit(0 if endpoint else 1)


for _command in cli_edge.COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="edgeform")
