"""The `edgeform` command: thin click commands that parse, resolve one Run, call one function,
print. The root group is in `group`; the commands, by what they act on, in `stack` (build,
render, validate, lint, stage), `lifecycle` (deploy, plan, outputs, destroy), `operate`
(logs), `state` (bootstrap, stages, gc, unlock, iam-policy), `local` (the embedded endpoint)
and `edge` (serve, invoke, event). Each is imported when its command runs (`group`)."""

from __future__ import annotations

from edgeform.cli.group import cli


def main() -> None:
    cli(prog_name="edgeform")


__all__ = ["cli", "main"]
