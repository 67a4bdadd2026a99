"""The root `edgeform` group: its options, its help, and errors turned into exit statuses.

Exit statuses (errors.py has the table): 0 success; 1 a step failed; 2 bad input (config,
command line, stage name); 3 `plan` found changes; 4 the stage is locked; 130 interrupted.
A traceback only with --debug.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Final

import click

from edgeform import __version__
from edgeform.cli.options import OUTPUT_META, Options
from edgeform.console import Console, wants_color
from edgeform.errors import EXIT_FAILED, EXIT_INTERRUPTED, EdgeformError
from edgeform.model.project import CONFIG_FILE

# Every command and the module that defines it, in the order a newcomer meets them (the order
# of --help). A command's module is imported only when that command runs (or --help lists
# them all): `edgeform --version` imports no command, `lint` no AWS SDK, `deploy` no aiohttp.
COMMAND_MODULES: Final = {
    "init": "start",
    "serve": "edge",
    "invoke": "edge",
    "event": "edge",
    "lint": "stack",
    "schema": "start",
    "deploy": "lifecycle",
    "plan": "lifecycle",
    "outputs": "lifecycle",
    "destroy": "lifecycle",
    "stage": "stack",
    "stages": "state",
    "logs": "operate",
    "versions": "operate",
    "rollback": "operate",
    "prune": "operate",
    "build": "stack",
    "render": "stack",
    "validate": "stack",
    "bootstrap": "state",
    "gc": "state",
    "unlock": "state",
    "iam-policy": "state",
    "local": "local",
}


class EdgeformGroup(click.Group):
    """Turns EdgeformError into a message and an exit status; a traceback only with --debug.
    Loads each command's module on first use (see COMMAND_MODULES)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [
            *COMMAND_MODULES,
            *(n for n in super().list_commands(ctx) if n not in COMMAND_MODULES),
        ]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)
        commands = importlib.import_module(f"edgeform.cli.{module}").COMMANDS
        return next(command for command in commands if command.name == cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EdgeformError as exc:
            if _debug(ctx):
                traceback.print_exc()
            console = _console()
            console.error(exc.message, exc.hint)
            stderr = getattr(exc, "stderr", "")
            if stderr:
                console.detail(stderr)
            if ctx.meta.get(OUTPUT_META) == "json":  # a pipeline parses every outcome
                failure = {"error": exc.message, "hint": exc.hint, "exit": exc.exit_code}
                Console(json_output=True, color=False).result(failure, "")
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _console().info("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception:
            if _debug(ctx):
                raise
            traceback.print_exc()
            _console().error(
                "an unexpected failure in edgeform itself; please report it with the output "
                "of --debug"
            )
            ctx.exit(EXIT_FAILED)


def _console() -> Console:
    """stderr's console for what went wrong (stdout stays for results)."""
    return Console(json_output=False, color=wants_color(sys.stderr, os.environ))


def _debug(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.debug)


@click.group(
    cls=EdgeformGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="""\b
Examples, one per command, in the order above:
  edgeform init my-site --template spa   a new project (edgeform init --list: the templates)
  edgeform serve                     the site behind a local CloudFront, on 127.0.0.1:8080
  edgeform invoke redirect --trigger viewer-request --header Referer:/index.html
  edgeform event origin-response --status 404    a sample event, as CloudFront sends it
  edgeform lint                      every Lambda@Edge restriction, before a deploy
  edgeform schema                    edgeform.toml's JSON Schema, for editors
  edgeform deploy                    the current branch's stage (local target)
  edgeform plan; echo $?             0 no changes, 3 changes
  edgeform outputs --output json     the deployed stage's distribution, bucket, versions
  edgeform destroy --stage pr-42 --yes
  edgeform stage --output json       the resolved stage and its resource names
  edgeform stages --target aws       every deployed stage, from the shared state
  edgeform logs --since 10m --follow the functions' logs from every Region
  edgeform versions redirect         its versions, and which trigger uses which
  edgeform rollback redirect --to 3  triggers back on version 3 until the next deploy
  edgeform prune --keep 3            old versions no trigger uses, deleted
  edgeform build                     zip every function, config baked in
  edgeform render --stage main       write the stage's Terraform files
  edgeform validate --target aws     render, then terraform init and validate
  edgeform bootstrap --target aws    create the shared state bucket, once
  edgeform gc --expired --dry-run    which expired previews gc would destroy
  edgeform unlock --stage pr-42 LOCK_ID    the lock a killed deploy left
  edgeform iam-policy --target aws   the deploying role's least-privilege policy
  edgeform local status              the embedded AWS endpoint

Exit statuses: 0 ok, 1 a step failed, 2 bad input, 3 `plan` found changes, 4 locked,
130 interrupted.""",
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
