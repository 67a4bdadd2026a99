"""The stage's lock around a command: taken before the command reads or touches anything of
the stage, held (by edgeform and the Terraform it runs) until it is done. See
`edgeform.state.stage_lock` for how it works on a local state and a state bucket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from edgeform.deploy.backend import state_client
from edgeform.deploy.process import inherited
from edgeform.deploy.run import Run
from edgeform.model.state import lock_timeout_seconds
from edgeform.state.stage_lock import (
    BucketStageLock,
    LocalStageLock,
    StageLock,
    host_lock_folder,
)

BUCKET_POLL_LOCAL: Final = 0.2  # seconds between reads of a held lock file, embedded endpoint
BUCKET_POLL_AWS: Final = 2.0


def stage_lock(run: Run, url: str | None) -> StageLock:
    ctx = run.context
    state = ctx.target.state
    s3 = state_client(ctx.target, url)
    if state is None or s3 is None:
        return LocalStageLock(run.stage_dir)
    key = state.state_key(ctx.project.name, ctx.target.name, ctx.stage.slug)
    poll = BUCKET_POLL_LOCAL if run.local else BUCKET_POLL_AWS
    return BucketStageLock(s3, state.bucket, key, host_lock_folder(dict(run.environ)), poll)


@contextmanager
def stage_locked(run: Run, url: str | None, command: str) -> Iterator[StageLock]:
    """Hold the stage's lock for the block; a lock left by a run that died on this host is
    taken over, and said."""
    lock = stage_lock(run, url)
    acquired = lock.acquire(
        f"edgeform {command}", lock_timeout_seconds(run.lock_timeout), run.clock
    )
    try:
        if acquired.took_over is not None:
            run.console.warn(
                f"took over lock {acquired.took_over.id} of stage {run.context.stage.slug}, "
                f"held by {acquired.took_over.describe()}: that run has ended on this host "
                "without releasing it"
            )
        with inherited(lock.inherited_fds()):
            yield lock
    finally:
        lock.release()
