"""The steps that work on the project's own files, before any endpoint is touched: build the
bundles, read the site, render, lint, write the stage's folder; and Terraform in that folder.

They need no AWS SDK, so `lint`, `render`, `build` and `validate` start without importing one
(see the lazy command table in `edgeform.cli`). `pipeline` runs them first in every deploy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from edgeform.build.bundle import Bundle, write_bundles, zip_bundle
from edgeform.build.site import SiteFile, site_files
from edgeform.console import counted
from edgeform.deploy.run import Run
from edgeform.errors import LintError, TerraformError
from edgeform.lint import BundleInfo, LintReport, lint_stack
from edgeform.render.stack import RenderedStack, render_stack, write_stack

if TYPE_CHECKING:
    from edgeform.aws.session import Connection
    from edgeform.deploy.terraform import Terraform, ValidateResult


def build(run: Run) -> list[Bundle]:
    """Every function's bundle, in memory: `write` puts them on disk once lint has passed."""
    ctx = run.context
    with run.console.step("build") as step:
        functions = [ctx.project.functions[name] for name in sorted(ctx.project.functions)]
        installer = run.installer()
        bundles = [zip_bundle(fn, ctx.build_values, ctx.bundle_dir, installer) for fn in functions]
        total = sum(b.size for b in bundles)
        step.summary = f"{len(bundles)} bundles, {total:,} bytes"
    return bundles


def site(run: Run) -> list[SiteFile]:
    """The site as it will be uploaded: read, and every file checked, before anything else."""
    with run.console.step("site") as step:
        files = site_files(run.context.project.site_dir, run.context.build_values)
        step.summary = f"{len(files)} files, {sum(len(f.data) for f in files):,} bytes"
    return files


def render(run: Run, bundles: Sequence[Bundle]) -> RenderedStack:
    """Render the stack in memory; nothing is written."""
    ctx = run.context
    return render_stack(ctx.project, ctx.stage, ctx.target, bundles)


def lint(run: Run, bundles: Sequence[Bundle], stack: RenderedStack) -> LintReport:
    """Every Lambda@Edge rule, on the model, the bundles, the rendered stack and the source."""
    with run.console.step("lint") as step:
        infos = [BundleInfo.from_zip(b.function, b.data) for b in bundles]
        report = lint_stack(run.context.project, infos, stack.files, stack.sources)
        step.summary = f"{counted(len(report.errors), 'error')}, "
        step.summary += counted(len(report.warnings), "warning")
        step.failed = bool(report.errors)
    return report


def write(run: Run, stack: RenderedStack, bundles: Sequence[Bundle]) -> RenderedStack:
    """The stage's folder: the rendered files and the bundles they upload."""
    with run.console.step("render") as step:
        write_bundles(bundles, run.context.bundle_dir)
        write_stack(stack, run.stage_dir)
        step.summary = f"{len(stack.files)} files in {run.stage_dir}"
    return stack


def checked_stack(run: Run, bundles: Sequence[Bundle]) -> RenderedStack:
    """Render once, lint that stack, and stop on an error; nothing is written (`write`
    does that, once the stage's lock is held)."""
    stack = render(run, bundles)
    report = lint(run, bundles, stack)
    for finding in report.warnings:
        run.console.warn(finding.text())
    if report.errors:
        for finding in report.errors:
            run.console.error(finding.text())
        first = report.errors[0]
        raise LintError(
            f"lint found {len(report.errors)} error(s), {first.rule} first; nothing was "
            "rendered and no endpoint was touched",
            "fix them (edgeform lint lists them), then deploy again",
        )
    return stack


def terraform(run: Run, conn: Connection | None = None) -> Terraform:
    """Terraform in the stage's folder. Its output goes to the folder's terraform.log (this
    command's only); the console shows it all with --verbose, else a line per resource done."""
    # Imported here: lint, build and render run no Terraform and need not load its adapter.
    from edgeform.deploy.terraform import (
        LOG_FILE,
        ApplyProgress,
        Terraform,
        find_terraform,
        terraform_environment,
    )

    binary = find_terraform(run.terraform_bin, run.environ)
    env = terraform_environment(run.environ, run.context.workspace.base)
    env.update(backend_environment(conn))
    log = run.stage_dir / LOG_FILE
    run.stage_dir.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    echo = run.console.detail if run.verbose else ApplyProgress(run.console.detail)
    return Terraform(
        run.stage_dir, binary, env, echo, color=run.console.color, log=log, notice=run.console.info
    )


def validate(run: Run, tf: Terraform) -> ValidateResult:
    with run.console.step("init") as step:
        tf.init(backend=False)
        step.summary = "providers ready"
    with run.console.step("validate") as step:
        unformatted = tf.fmt_check()
        if unformatted:
            raise TerraformError(
                f"rendered files are not terraform fmt clean: {unformatted}",
                f"a template is misformatted; run terraform fmt -diff in {run.stage_dir}",
            )
        result = tf.validate()
        if not result.valid:
            problems = "\n".join(f"{d.where}: {d.summary}: {d.detail}" for d in result.diagnostics)
            raise TerraformError(
                "the rendered stack is not valid", "fix the template", stderr=problems
            )
        step.summary = "fmt clean, valid"
    return result


def backend_environment(conn: Connection | None) -> dict[str, str]:
    """What the S3 backend needs in Terraform's environment: the embedded endpoint's URL.
    (An aws target's backend takes AWS_ENDPOINT_URL, where set, from the environment.)"""
    if conn and conn.local and conn.target.state is not None and conn.endpoint_url:
        return {"AWS_ENDPOINT_URL_S3": conn.endpoint_url}
    return {}
