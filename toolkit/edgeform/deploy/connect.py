"""A run's `Connection`, resolved once at the top of a command; everything below takes it.

Three ways, by what the command may do to the embedded endpoint of a local target:
- `connect`: a command that changes something (deploy, destroy, plan, bootstrap): the
  configured endpoint, or the running one, or one started now (said on stderr);
- `connect_if_running`: a command that reads (outputs, versions, logs, stages): never starts
  one; None when none runs (a local state file is still read without it);
- `connect_deployed`: serve --from-stage: the endpoint that holds the stage, or an error.
An aws target's connection is always AWS's own endpoints (or AWS_ENDPOINT_URL).
"""

from __future__ import annotations

from edgeform.aws.session import Connection
from edgeform.deploy.run import Run
from edgeform.errors import StageNotDeployedError
from edgeform.localcloud.endpoint import claim_stage_state, stage_belongs_to


def _fixed(run: Run) -> Connection | None:
    """The connection that needs no endpoint found or started: an aws target's, or a local
    target's with its endpoint in edgeform.toml."""
    if not run.local:
        return Connection(run.target)
    if run.target.endpoint:
        return Connection(run.target, run.target.endpoint.rstrip("/"))
    return None


def connect(run: Run) -> Connection:
    fixed = _fixed(run)
    if fixed is not None:
        return fixed
    endpoint, started = run.localcloud().ensure_running()
    if started:
        run.console.info(
            f"started the embedded AWS endpoint on {endpoint.url} "
            "(stop it with `edgeform local stop`)"
        )
    if run.stage is not None and claim_stage_state(run.stage_dir, endpoint):
        run.console.warn(
            f"stage {run.context.stage.slug}: its state belonged to an embedded endpoint "
            "that has stopped, and its resources went with it; starting afresh"
        )
    return Connection(run.target, endpoint.url)


def connect_if_running(run: Run) -> Connection | None:
    fixed = _fixed(run)
    if fixed is not None:
        return fixed
    running = run.localcloud().status()
    return Connection(run.target, running.url) if running else None


def connect_deployed(run: Run) -> Connection:
    """The connection to where the run's stage is deployed, without starting anything."""
    fixed = _fixed(run)
    if fixed is not None:
        return fixed
    endpoint = run.localcloud().status()
    if endpoint is None or not stage_belongs_to(run.stage_dir, endpoint):
        raise StageNotDeployedError(
            f"stage {run.context.stage.slug} has nothing on the embedded AWS endpoint "
            "(it is not running, or was restarted since the deploy)",
            f"run edgeform deploy --stage {run.context.stage.name} first",
        )
    return Connection(run.target, endpoint.url)
