"""Commands on the stack as files: build, render, validate, lint, stage."""

from __future__ import annotations

import click

from edgeform.build.bundle import write_bundles
from edgeform.cli.options import Options, about, make_run, pass_options, pass_run, stage_options
from edgeform.console import Console, counted
from edgeform.deploy import prepare
from edgeform.deploy.run import Run
from edgeform.errors import EXIT_FAILED, ConfigError
from edgeform.lint import LintReport, lint_config


@click.command()
@pass_run()
def build(run: Run) -> None:
    """Zip every function deterministically, with the build-time config baked in.

    \b
    Examples:
      edgeform build
      edgeform build --stage production --output json
    """
    bundles = prepare.build(run)
    write_bundles(bundles, run.context.bundle_dir)
    run.console.result(
        {**about(run), "bundles": [b.as_json() for b in bundles]},
        "\n".join(f"{b.function}\t{b.size}\t{b.sha256}\t{b.path}" for b in bundles),
    )


@click.command()
@pass_run()
def render(run: Run) -> None:
    """Build the bundles and write the stage's Terraform root module.

    \b
    Examples:
      edgeform render
      edgeform render --stage feature/login --target aws --output json
    """
    bundles = prepare.build(run)
    stack = prepare.write(run, prepare.render(run, bundles), bundles)
    run.console.result(
        {**about(run), "dir": str(run.stage_dir), "files": sorted(stack.files)},
        str(run.stage_dir),
    )


@click.command()
@pass_run(terraform=True)
def validate(run: Run) -> None:
    """Render the stage, then run terraform init, fmt -check and validate on it.

    \b
    Examples:
      edgeform validate
      EDGEFORM_PROVIDER_MIRROR=/opt/tf-plugins edgeform validate --target aws
    """
    bundles = prepare.build(run)
    prepare.write(run, prepare.render(run, bundles), bundles)
    result = prepare.validate(run, prepare.terraform(run))
    run.console.result(
        {**about(run), "dir": str(run.stage_dir), "valid": result.valid},
        f"{run.stage_dir}: valid",
    )


@click.command(name="lint")
@stage_options
@pass_options
def lint_command(options: Options, stage: str | None, target: str | None, output: str) -> None:
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
        run = make_run(options, stage, target, output)
    except ConfigError as exc:
        _print_lint(lint_config(exc.problems, options.config_file()), output, {})
        return
    bundles = prepare.build(run)
    report = prepare.lint(run, bundles, prepare.render(run, bundles))
    _print_lint(report, output, about(run))


def _print_lint(report: LintReport, output: str, about: dict[str, str]) -> None:
    lines = []
    for title, findings in (("errors", report.errors), ("warnings", report.warnings)):
        if findings:
            lines += [f"{title}:", *(f"  {finding.text()}" for finding in findings)]
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"lint: {counted(errors, 'error')}, {counted(warnings, 'warning')}")
    console = Console(json_output=output == "json", color=False)
    console.result({**about, **report.as_json()}, "\n".join(lines))
    click.get_current_context().exit(EXIT_FAILED if report.errors else 0)


@click.command(name="stage")
@pass_run()
def show_stage(run: Run) -> None:
    """Show the resolved stage, where its name came from, and its resource names.

    \b
    Examples:
      edgeform stage
      GITHUB_HEAD_REF=feature/Login edgeform stage --output json
    """
    ctx = run.context
    names = ctx.names
    bucket = f"{names.bucket_prefix}<account id>"
    data = {
        "name": ctx.stage.name,
        "slug": ctx.stage.slug,
        "source": ctx.stage.source,
        "target": ctx.target.name,
        "protected": ctx.settings.protected,
        "dir": str(run.stage_dir),
        "names": {"bucket": bucket, "role": names.role, "functions": dict(names.functions)},
    }
    text = "\n".join(
        [
            f"stage     {ctx.stage.name} (from {ctx.stage.source})",
            f"slug      {ctx.stage.slug}",
            f"target    {ctx.target.name}",
            f"protected {'yes' if ctx.settings.protected else 'no'}",
            f"bucket    {bucket}",
            f"role      {names.role}",
            *(f"function  {fn}: {name}" for fn, name in names.functions.items()),
        ]
    )
    run.console.result(data, text)


COMMANDS = (build, render, validate, lint_command, show_stage)
