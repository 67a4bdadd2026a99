"""The stage's lock around a command: taken before the command reads or touches anything of
the stage, held (by edgeform and the Terraform it runs) until it is done. See
`edgeform.state.stage_lock` for how it works on a local state and a state bucket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from edgeform.aws.session import Connection
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


def stage_lock(run: Run, conn: Connection) -> StageLock:
    """The lock of the stage's state: the state bucket's lock file, or a local file's flock."""
    return bucket_stage_lock(run, conn) or LocalStageLock(run.stage_dir)


def bucket_stage_lock(run: Run, conn: Connection) -> BucketStageLock | None:
    """The state bucket's lock file of the stage; None when the state is a local file."""
    ctx = run.context
    state = ctx.target.state
    s3 = conn.state_client()
    if state is None or s3 is None:
        return None
    key = state.state_key(ctx.project.name, ctx.target.name, ctx.stage.slug)
    poll = BUCKET_POLL_LOCAL if run.local else BUCKET_POLL_AWS
    return BucketStageLock(s3, state.bucket, key, host_lock_folder(dict(run.environ)), poll)


@contextmanager
def stage_locked(run: Run, conn: Connection, command: str) -> Iterator[StageLock]:
    """Hold the stage's lock for the block; a lock left by a run that died on this host is
    taken over, and said."""
    lock = stage_lock(run, conn)
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
