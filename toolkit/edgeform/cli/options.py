"""What every command shares: the root options, the stage options, and `pass_run`.

`pass_run` is click's make_pass_decorator idiom grown by one step: it adds --stage, --target
and --output (and --terraform-bin where asked), resolves the project, the stage and the target
once into a `Run`, and hands that to the command instead of the raw arguments.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from edgeform.config import find_config, load_project
from edgeform.console import Console, wants_color
from edgeform.deploy.run import Run
from edgeform.errors import NoStageError
from edgeform.model.project import Project
from edgeform.model.stage import Stage, git_branch, resolve_stage
from edgeform.model.state import DEFAULT_LOCK_TIMEOUT, NEVER_EXPIRES, parse_duration

F = TypeVar("F", bound=Callable[..., Any])
# The stage of local work (serve, invoke) when no stage is named anywhere: its build config.
LOCAL_STAGE = "local"
# The stage of a project with no branch to name one (not a git repository, a detached HEAD):
# what `make deploy` in a fresh `edgeform init` folder deploys, said on stderr every time.
DEFAULT_STAGE = "dev"
DEFAULT_SOURCE = "default: no --stage, EDGEFORM_STAGE, CI branch or git branch"


@dataclass(frozen=True)
class Options:
    config: Path | None
    debug: bool

    def config_file(self) -> Path:
        return self.config or find_config(Path.cwd())


pass_options = click.make_pass_decorator(Options)


def load(options: Options) -> Project:
    return load_project(options.config_file())


def make_run(
    options: Options,
    stage: str | None,
    target: str | None,
    output: str,
    terraform_bin: str | None = None,
    *,
    every_stage: bool = False,
    local_fallback: bool = False,
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
    verbose: bool = False,
) -> Run:
    """Resolve project, target and (unless `every_stage`) stage once. No stage name anywhere
    means stage "dev" (said on stderr), or "local" with `local_fallback` (serve and invoke);
    a blank one is refused."""
    environ = dict(os.environ)
    console = Console(json_output=output == "json", color=wants_color(sys.stderr, environ))
    project = load(options)
    run = Run(
        project,
        project.target(target),
        console,
        environ,
        terraform_bin=terraform_bin,
        lock_timeout=lock_timeout,
        verbose=verbose,
    )
    if every_stage:
        return run
    try:
        resolved = resolve_stage(stage, environ, lambda: git_branch(project.root))
    except NoStageError:  # a blank name is still refused
        fallback = LOCAL_STAGE if local_fallback else DEFAULT_STAGE
        resolved = Stage(fallback, fallback, DEFAULT_SOURCE)
        if not local_fallback:
            console.info(f"stage {fallback} (no branch to name one; --stage NAME chooses)")
    return run.for_stage(resolved)


def stage_options(func: F) -> F:
    """--stage, --target and --output, shared by every command that works on a stage."""
    options = [
        click.option(
            "--stage",
            "stage",
            metavar="NAME",
            help="Stage name (default: EDGEFORM_STAGE, the CI branch, the git branch).",
        ),
        target_option,
        output_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


OUTPUT_META: Final = "edgeform.output"


def _remember_output(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    # ctx.meta is shared with the root group, which prints a failure as JSON when asked.
    ctx.meta[OUTPUT_META] = value
    return value


output_option = click.option(
    "--output",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    callback=_remember_output,
    help="Result format; json for CI (failures too: {error, hint, exit} on stdout).",
)

terraform_option = click.option(
    "--terraform-bin",
    metavar="PATH",
    help="terraform or tofu binary (default: EDGEFORM_TERRAFORM_BIN, terraform).",
)


def seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """A click callback: "7d", "30m", "90s" -> seconds (None stays None), or a usage error."""
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def ttl_seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """`--ttl`: a duration in seconds, `never` (NEVER_EXPIRES: clear the expiry), or None."""
    if value is not None and value.strip().lower() == "never":
        return NEVER_EXPIRES
    return seconds(ctx, param, value)


def _terraform_duration(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not re.fullmatch(r"\d+(s|m|h)", value):
        raise click.BadParameter(f"{value!r} is not a duration: write e.g. 30s, 5m or 1h")
    return value


lock_timeout_option = click.option(
    "--lock-timeout",
    metavar="DURATION",
    default=DEFAULT_LOCK_TIMEOUT,
    callback=_terraform_duration,
    show_default=True,
    help="How long to wait for another run's lock on the stage's state (e.g. 30s, 10m).",
)

target_option = click.option(
    "--target",
    "target",
    metavar="NAME",
    help="Target from edgeform.toml [targets] (default: project.default_target).",
)


verbose_option = click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Show Terraform's own output as it runs (always kept in the stage's terraform.log).",
)


def terraform_options(func: F) -> F:
    return terraform_option(lock_timeout_option(verbose_option(func)))


def pass_run(*, terraform: bool = False, every_stage: bool = False) -> Callable[[F], F]:
    """Give the command a resolved `Run` as its first argument: of one stage (--stage), or
    with `every_stage` of the whole target (stages, gc, bootstrap)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def command(options: Options, target: str | None, output: str, **kwargs: Any) -> Any:
            run = make_run(
                options,
                kwargs.pop("stage", None),
                target,
                output,
                kwargs.pop("terraform_bin", None),
                every_stage=every_stage,
                lock_timeout=kwargs.pop("lock_timeout", DEFAULT_LOCK_TIMEOUT),
                verbose=kwargs.pop("verbose", False),
            )
            return func(run, **kwargs)

        wrapped = pass_options(command)
        if terraform:
            wrapped = terraform_options(wrapped)
        if every_stage:
            return target_option(output_option(wrapped))  # type: ignore[return-value]
        return stage_options(wrapped)  # type: ignore[return-value]

    return decorate


def about(run: Run) -> dict[str, Any]:
    """What every JSON result starts with: which stage (its slug) on which target."""
    stage = run.context.stage
    return {"stage": stage.slug, "name": stage.name, "target": run.context.target.name}
