"""`edgeform local start|stop|status`: the embedded AWS endpoint."""

from __future__ import annotations

import os

import click

from edgeform.cli.options import Options, load, pass_options
from edgeform.localcloud.endpoint import LocalCloud
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


@local.command(name="start")
@pass_options
def local_start(options: Options) -> None:
    """Start the endpoint unless it is running."""
    endpoint, started = _cloud(options).ensure_running()
    click.echo(f"{'started' if started else 'running'}: {endpoint.url} (pid {endpoint.pid})")


@local.command(name="stop")
@pass_options
def local_stop(options: Options) -> None:
    """Stop the endpoint; every resource on it goes with it."""
    endpoint = _cloud(options).stop()
    click.echo(f"stopped {endpoint.url}" if endpoint else "not running")


@local.command(name="status")
@pass_options
def local_status(options: Options) -> None:
    """Say whether the endpoint runs, and where. Exits 1 when it does not."""
    endpoint = _cloud(options).status()
    click.echo(f"running: {endpoint.url} (pid {endpoint.pid})" if endpoint else "not running")
    click.get_current_context().exit(0 if endpoint else 1)


COMMANDS = (local,)
