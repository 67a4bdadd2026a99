"""The `edgeform` command: thin click commands that parse, resolve one Run, call one function,
print. The root group is in `group`; the commands, by what they act on, in `stack` (build,
render, validate, lint, stage), `lifecycle` (deploy, plan, outputs, destroy), `operate`
(logs), `state` (bootstrap, stages, gc, unlock, iam-policy), `local` (the embedded endpoint)
and `edge` (serve, invoke, event)."""

from __future__ import annotations

from edgeform.cli import edge, lifecycle, local, operate, stack, state
from edgeform.cli.group import cli

for _module in (stack, lifecycle, operate, state, local, edge):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="edgeform")


__all__ = ["cli", "main"]
