"""The steps of edgeform, in pipeline order, each reporting what it did and how long it took.

    edgeform.toml -> config -> bundles -> render -> terraform init / validate
    (deploy's plan, apply, site sync, invalidation, wait, verify and outputs come next)

The CLI resolves a `Run` (project, stage, target, folders, environment, console) once and calls
these functions; they never read CLI arguments or the process environment themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from toolkit.bundle import Bundle, build_bundles
from toolkit.config import Project, Target
from toolkit.console import Console
from toolkit.dependencies import DependencyInstaller, PlatformInstaller
from toolkit.errors import TerraformError
from toolkit.render import RenderedStack, render_stack, write_stack
from toolkit.stage import Stage
from toolkit.terraform import Terraform, ValidateResult, find_terraform, terraform_environment
from toolkit.workspace import Workspace


@dataclass(frozen=True)
class Run:
    project: Project
    stage: Stage
    target: Target
    console: Console
    environ: Mapping[str, str]
    terraform_bin: str | None = None

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.project.root)

    @property
    def stage_dir(self) -> Path:
        return self.workspace.stage_dir(self.target.name, self.stage.slug)

    def installer(self) -> DependencyInstaller:
        return PlatformInstaller(self.workspace.deps_cache)


def build(run: Run, installer: DependencyInstaller | None = None) -> list[Bundle]:
    with run.console.step("build") as step:
        functions = [run.project.functions[name] for name in sorted(run.project.functions)]
        bundles = build_bundles(
            functions,
            run.project.build_config_for(run.stage.name),
            run.workspace.bundle_dir(run.target.name, run.stage.slug),
            installer or run.installer(),
        )
        total = sum(b.size for b in bundles)
        step.summary = f"{len(bundles)} bundles, {total:,} bytes"
    return bundles


def render(run: Run, bundles: list[Bundle]) -> RenderedStack:
    with run.console.step("render") as step:
        stack = render_stack(run.project, run.stage, run.target, bundles)
        write_stack(stack, run.stage_dir)
        step.summary = f"{len(stack.files)} files in {run.stage_dir}"
    return stack


def terraform(run: Run, *, echo: bool = True) -> Terraform:
    binary = find_terraform(run.terraform_bin, run.environ)
    env = terraform_environment(run.environ, run.workspace.base)
    return Terraform(
        run.stage_dir, binary, env, run.console.detail if echo else None, color=run.console.color
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
