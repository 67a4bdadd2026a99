"""`edgeform local start|stop|status`: the embedded AWS endpoint."""

from __future__ import annotations

import os
import sys

import click

from edgeform.cli.options import Options, load, output_option, pass_options
from edgeform.console import Console, wants_color
from edgeform.localcloud.endpoint import Endpoint, LocalCloud
from edgeform.model.workspace import Workspace


@click.group()
def local() -> None:
    """Control the embedded AWS endpoint (moto on a loopback port).

    \b
    Examples:
      edgeform local status
      edgeform local stop
    """


def _cloud(options: Options) -> LocalCloud:
    """The endpoint of the project's local targets: the machine's shared one when a local
    target keeps its state in a bucket, else the project's own."""
    project = load(options)
    shared = any(t.kind == "local" and t.state is not None for t in project.targets.values())
    return LocalCloud(Workspace(project.root).localcloud_for(shared, os.environ))


def _report(output: str, state: str, endpoint: Endpoint | None) -> None:
    """`{"state", "url", "pid"}` with --output json; else one line."""
    console = Console(json_output=output == "json", color=wants_color(sys.stderr, os.environ))
    data = {
        "state": state,
        "url": endpoint.url if endpoint else None,
        "pid": endpoint.pid if endpoint else None,
    }
    text = f"{state}: {endpoint.url} (pid {endpoint.pid})" if endpoint else state
    console.result(data, text)


@local.command(name="start")
@output_option
@pass_options
def local_start(options: Options, output: str) -> None:
    """Start the endpoint unless it is running."""
    endpoint, started = _cloud(options).ensure_running()
    _report(output, "started" if started else "running", endpoint)


@local.command(name="stop")
@output_option
@pass_options
def local_stop(options: Options, output: str) -> None:
    """Stop the endpoint; every resource on it goes with it."""
    endpoint = _cloud(options).stop()
    _report(output, "stopped" if endpoint else "not running", endpoint)


@local.command(name="status")
@output_option
@pass_options
def local_status(options: Options, output: str) -> None:
    """Say whether the endpoint runs, and where. Exits 1 when it does not."""
    endpoint = _cloud(options).status()
    _report(output, "running" if endpoint else "not running", endpoint)
    click.get_current_context().exit(0 if endpoint else 1)


COMMANDS = (local,)
