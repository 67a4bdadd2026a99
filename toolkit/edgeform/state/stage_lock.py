"""A stage's lock, held by one edgeform command from before it reads anything of the stage
until it has finished with it.

Terraform locks a state only for the length of one Terraform command; a destroy or a deploy
is several, with edgeform's own work (emptying the bucket, setting functions aside, retiring
the distribution) between them. So edgeform takes the lock itself, once per command:

- every lock starts with a **host lock**, an `flock` on a file of this host. The kernel
  drops it when the last process holding it ends, and edgeform passes it to the Terraform
  it runs, so it is held exactly while edgeform or its Terraform lives. A local state's
  lock is the host lock alone (a file in the stage's folder).
- a **state bucket**'s lock is Terraform's own S3 lock file (`<state key>.tflock`, made
  with `If-None-Match: *`), written by edgeform with its `Holder` in it; Terraform then runs
  with `-lock=false` under it, and Terraform, OpenTofu or an older edgeform wait on it as on
  their own. Its host lock is per state key in the user's cache folder, so runs on one host
  queue there first. Holding it proves that no process of this host that took it lives;
  a bucket lock held by a dead process of this host is then taken over, and said. Another
  host's stale lock is cleared by `edgeform unlock`, which names its holder first.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol

from edgeform.aws.boundary import GuardedClient
from edgeform.aws.s3 import delete_key, get_object, put_if_absent
from edgeform.clock import Clock
from edgeform.errors import AwsError, StateLockedError
from edgeform.state.lock import Holder, LockInfo, lock_from_file

HOST_LOCK_FILE: Final = "edgeform.lock"  # in a local state's stage folder
HOST_POLL: Final = 0.1  # seconds between tries of a host lock another process holds


class HostLock:
    """An exclusive `flock` on one file: between processes of this host, released by the
    kernel when every process that holds the descriptor has ended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def record(self, info: LockInfo) -> None:
        """Who holds it, for those who wait (a host lock needs no content to work)."""
        assert self.fd is not None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, info.encode(), 0)

    def holder(self) -> LockInfo | None:
        try:
            return lock_from_file(self.path.read_bytes())
        except OSError:
            return None

    def release(self) -> None:
        if self.fd is not None:
            os.ftruncate(self.fd, 0)
            os.close(self.fd)  # the last descriptor of ours: the flock goes with it
            self.fd = None


def new_lock_info(command: str, path: str) -> LockInfo:
    holder = Holder.me(command)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return LockInfo(
        id=str(uuid.uuid4()),
        who=f"{os.environ.get('USER', 'edgeform')}@{holder.host}",
        operation=f"OperationType{command.split()[-1].capitalize()}",
        created=now,
        path=path,
        holder=holder,
    )


@dataclass(frozen=True)
class Acquired:
    info: LockInfo
    took_over: LockInfo | None = None  # a dead holder's lock this run took


class StageLock(Protocol):
    """One stage's lock: `acquire` waits up to `timeout` seconds, or raises StateLockedError
    having changed nothing."""

    where: str
    terraform_locks: bool  # whether Terraform should take its own lock under this one

    def acquire(self, command: str, timeout: float, clock: Clock) -> Acquired: ...
    def release(self) -> None: ...
    def inherited_fds(self) -> tuple[int, ...]: ...


def _locked(holder: LockInfo | None, where: str, timeout: float) -> StateLockedError:
    who = holder.describe() if holder else "another run"
    lock_id = holder.id if holder else ""
    waited = f" (waited {timeout:g} s)" if timeout else ""
    return StateLockedError(
        f"the stage's state is locked by {who}, lock id {lock_id or 'unknown'}{waited}; "
        "nothing was changed",
        "wait for that run to finish (--lock-timeout waits longer)",
        lock_id,
        stderr=where,
    )


def _wait_host(host: HostLock, deadline: float, clock: Clock) -> bool:
    while not host.try_acquire():
        if clock.now() >= deadline:
            return False
        clock.sleep(HOST_POLL)
    return True


class LocalStageLock:
    """A local state's lock: the host lock on a file in the stage's folder."""

    terraform_locks = True  # the local backend's own lock is an flock too: harmless

    def __init__(self, stage_dir: Path) -> None:
        self.host = HostLock(stage_dir / HOST_LOCK_FILE)
        self.where = str(self.host.path)

    def acquire(self, command: str, timeout: float, clock: Clock) -> Acquired:
        if not _wait_host(self.host, clock.now() + timeout, clock):
            raise _locked(self.host.holder(), self.where, timeout)
        info = new_lock_info(command, self.where)
        self.host.record(info)
        return Acquired(info)

    def release(self) -> None:
        self.host.release()

    def inherited_fds(self) -> tuple[int, ...]:
        return (self.host.fd,) if self.host.fd is not None else ()


def host_lock_folder(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "edgeform" / "locks"


class BucketStageLock:
    """A state bucket's lock: Terraform's S3 lock file, behind this host's queue for it."""

    terraform_locks = False  # edgeform holds Terraform's lock file itself

    def __init__(
        self, s3: GuardedClient, bucket: str, state_key: str, folder: Path, poll: float
    ) -> None:
        self.s3, self.bucket, self.key = s3, bucket, state_key + ".tflock"
        self.where = f"s3://{bucket}/{self.key}"
        digest = hashlib.sha256(self.where.encode()).hexdigest()[:32]
        self.host = HostLock(folder / f"{digest}.lock")
        self.poll = poll
        self.info: LockInfo | None = None

    def current(self) -> LockInfo | None:
        found = get_object(self.s3, self.bucket, self.key)
        return lock_from_file(found.data) if found else None

    def acquire(self, command: str, timeout: float, clock: Clock) -> Acquired:
        deadline = clock.now() + timeout
        if not _wait_host(self.host, deadline, clock):
            raise _locked(self.current(), self.where, timeout)
        try:
            return self._take(command, deadline, clock, timeout)
        except BaseException:
            self.host.release()
            raise

    def _take(self, command: str, deadline: float, clock: Clock, timeout: float) -> Acquired:
        info = new_lock_info(command, f"{self.bucket}/{self.key}")
        took_over = None
        while not put_if_absent(self.s3, self.bucket, self.key, info.encode()):
            held = self.current()
            if held is not None and held.holder is not None and held.holder.dead_here():
                # We hold this host's queue for the key, so no process here that took the
                # lock lives (Terraform children included): the lock is left over.
                self._delete_if(held.id)
                took_over = held
                continue
            if clock.now() >= deadline:
                raise _locked(held, self.where, timeout)
            clock.sleep(self.poll)
        self.host.record(info)
        self.info = info
        return Acquired(info, took_over)

    def _delete_if(self, lock_id: str) -> None:
        held = self.current()
        if held is not None and held.id == lock_id:
            delete_key(self.s3, self.bucket, self.key)

    def clear(self, lock_id: str) -> None:
        """`edgeform unlock`: remove the lock named (only while it is the one held)."""
        self._delete_if(lock_id)

    def release(self) -> None:
        try:
            if self.info is not None:
                # An endpoint that went takes the lock with it; an AWS error leaves the lock,
                # naming this run, which ends now: the next run on this host takes it over.
                with suppress(AwsError):
                    self._delete_if(self.info.id)
        finally:
            self.info = None
            self.host.release()

    def inherited_fds(self) -> tuple[int, ...]:
        return (self.host.fd,) if self.host.fd is not None else ()
