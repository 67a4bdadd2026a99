"""Render a project into a folder and run the real Terraform on it."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from edgeform.build.bundle import build_bundles
from edgeform.deploy.terraform import Terraform, find_terraform, terraform_environment
from edgeform.model.project import Project
from edgeform.render.stack import RenderedStack, render_stack, write_stack
from tests.conftest import NoDependencies, stage


def render_into(
    project: Project, target: str, directory: Path, stage_name: str = "main"
) -> RenderedStack:
    functions = [project.functions[n] for n in sorted(project.functions)]
    bundles = build_bundles(
        functions, project.build_config_for(stage_name), directory / "bundles", NoDependencies()
    )
    stack = render_stack(project, stage(stage_name), project.target(target), bundles)
    write_stack(stack, directory)
    return stack


def terraform_in(directory: Path, environ: dict[str, str]) -> Terraform:
    env = terraform_environment(environ, directory.parent / ".tfconfig")
    return Terraform(directory, find_terraform(None, environ), env)


def console(tf: Terraform, expressions: list[str]) -> list[object]:
    """Evaluate HCL expressions with `terraform console`; values come back through JSON.

    Piped input prints only its last expression, so all are evaluated as one list; base64
    keeps the console's own string quoting out of the way.
    """
    expression = f"base64encode(jsonencode([{', '.join(expressions)}]))\n"
    result = tf.run(tf.command("console"), stdin=expression)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith('"')]
    assert len(lines) == 1, result.stdout + result.stderr
    return list(json.loads(base64.b64decode(json.loads(lines[0]))))


def share_init(initialized: Path, directory: Path) -> None:
    """Reuse a folder's `terraform init` (providers and lock file) in another stage folder.

    Every stage needs the same provider; linking the initialized `.terraform` saves starting
    the 700 MB provider binary once more per test.
    """
    (directory / ".terraform").symlink_to(initialized / ".terraform", target_is_directory=True)
    lock = ".terraform.lock.hcl"
    (directory / lock).write_bytes((initialized / lock).read_bytes())
