"""The stage lock on real files, real processes and the embedded endpoint's S3: who holds it,
when it is free, and when a left-over lock is taken over (a dead holder on this host only)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from edgeform.aws.session import Connection
from edgeform.aws.state_bucket import bootstrap_state_bucket
from edgeform.clock import Clock
from edgeform.deploy.process import inherited, run_child
from edgeform.errors import EXIT_LOCKED, StateLockedError
from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.project import Target
from edgeform.processes import process_start
from edgeform.state.lock import Holder, LockInfo, lock_from_file
from edgeform.state.stage_lock import BucketStageLock, LocalStageLock

BUCKET = "edgeform-lock-test"


class FakeClock:
    """Time that moves only when slept on: a wait of N seconds costs nothing."""

    def __init__(self) -> None:
        self.t = 0.0

    def clock(self) -> Clock:
        return Clock(now=lambda: self.t, sleep=self.advance)

    def advance(self, seconds: float) -> None:
        self.t += seconds


def ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    cloud = LocalCloud(tmp_path_factory.mktemp("locks") / "endpoint")
    url = cloud.ensure_running()[0].url
    client = Connection(Target("local", "local", "us-east-1"), url).client("s3")
    bootstrap_state_bucket(client, BUCKET, "us-east-1")
    yield client
    cloud.stop()


def test_a_holder_is_alive_while_its_process_runs_and_dead_once_it_ended():
    me = Holder.me("edgeform deploy")
    assert me.on_this_host()
    assert not me.dead_here()
    assert Holder(me.host, ended_pid(), "", "edgeform deploy").dead_here()
    # A pid reused by another process is not the holder: its start differs.
    assert Holder(me.host, me.pid, "another-boot:1", "edgeform deploy").dead_here() == (
        process_start(me.pid) != ""
    )
    # Another host's holder is never known dead here.
    assert not Holder("elsewhere.example", ended_pid(), "", "edgeform deploy").dead_here()


def test_the_lock_file_is_terraforms_lock_info_with_the_holder_in_info():
    holder = Holder("ci-7", 4242, "boot:99", "edgeform destroy")
    info = LockInfo(
        "id-1", "runner@ci-7", "OperationTypeDestroy", "2026-12-05T10:00:00Z", "b/k.tflock", holder
    )
    fields = json.loads(info.encode())
    assert set(fields) == {"ID", "Operation", "Info", "Who", "Version", "Created", "Path"}
    assert lock_from_file(info.encode()) == info
    assert info.describe() == "edgeform destroy on ci-7 (pid 4242, since 2026-12-05 10:00:00 UTC)"
    # Terraform's own lock (no holder in Info) reads back too, and names its Who.
    terraform_made = json.dumps(
        {
            "ID": "x",
            "Who": "me@h",
            "Operation": "OperationTypeApply",
            "Info": "",
            "Created": "2026-12-05T10:00:00Z",
        }
    ).encode()
    assert lock_from_file(terraform_made).holder is None


def test_a_local_stage_lock_is_held_by_one_run_and_names_it_to_the_next(tmp_path):
    fake = FakeClock()
    first, second = LocalStageLock(tmp_path), LocalStageLock(tmp_path)
    first.acquire("edgeform plan", 0, fake.clock())
    with pytest.raises(StateLockedError) as caught:
        second.acquire("edgeform destroy", 5, fake.clock())
    assert caught.value.exit_code == EXIT_LOCKED
    assert f"edgeform plan on {socket.gethostname()} (pid " in caught.value.message
    assert fake.t >= 5  # it waited the timeout out
    first.release()
    second.acquire("edgeform destroy", 0, fake.clock())
    second.release()


def test_a_lock_is_held_until_the_terraform_child_that_inherited_it_ends(tmp_path):
    """edgeform passes the lock to its children: a Terraform that outlives edgeform keeps
    the stage locked. Here the child is a python that reports, then waits to be told."""
    lock = LocalStageLock(tmp_path)
    lock.acquire("edgeform deploy", 0, FakeClock().clock())
    code = (
        "import fcntl,os,sys\n"
        f"fd=os.open({str(tmp_path / 'edgeform.lock')!r}, os.O_RDWR)\n"
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX|fcntl.LOCK_NB); print('free')\n"
        "except BlockingIOError:\n    print('held')\n"
    )
    with inherited(lock.inherited_fds()):
        seen = run_child([sys.executable, "-c", code], cwd=tmp_path, env={})
    assert seen.stdout.strip() == "held"
    assert seen.code == 0
    lock.release()
    free = run_child([sys.executable, "-c", code], cwd=tmp_path, env={})
    assert free.stdout.strip() == "free"


def _left_over(s3, key: str, holder: Holder) -> LockInfo:
    info = LockInfo(
        "left-over",
        "someone@" + holder.host,
        "OperationTypeApply",
        "2026-12-05T10:00:00Z",
        f"{BUCKET}/{key}",
        holder,
    )
    s3.put_object(Bucket=BUCKET, Key=key + ".tflock", Body=info.encode())
    return info


def test_a_bucket_lock_excludes_a_second_run_then_frees_the_stage(s3, tmp_path):
    fake = FakeClock()
    key = "edgeform/site/local/a/terraform.tfstate"
    first = BucketStageLock(s3, BUCKET, key, tmp_path / "host-a", 1.0)
    other_host = BucketStageLock(s3, BUCKET, key, tmp_path / "host-b", 1.0)
    got = first.acquire("edgeform plan", 0, fake.clock())
    stored = lock_from_file(s3.get_object(Bucket=BUCKET, Key=key + ".tflock")["Body"].read())
    assert stored == got.info
    with pytest.raises(StateLockedError) as caught:
        other_host.acquire("edgeform destroy", 5, fake.clock())
    assert caught.value.lock_id == got.info.id
    first.release()
    assert other_host.current() is None  # released: the lock file is gone
    other_host.acquire("edgeform destroy", 0, fake.clock())
    other_host.release()


def test_a_dead_holder_on_this_host_is_taken_over_and_another_hosts_is_not(s3, tmp_path):
    fake = FakeClock()
    key = "edgeform/site/local/b/terraform.tfstate"
    dead = _left_over(s3, key, Holder(socket.gethostname(), ended_pid(), "", "edgeform deploy"))
    lock = BucketStageLock(s3, BUCKET, key, tmp_path, 1.0)
    got = lock.acquire("edgeform deploy", 0, fake.clock())
    assert got.took_over == dead
    lock.release()
    elsewhere = _left_over(s3, key, Holder("runner-elsewhere", ended_pid(), "", "edgeform deploy"))
    with pytest.raises(StateLockedError) as caught:
        lock.acquire("edgeform deploy", 3, fake.clock())
    assert caught.value.lock_id == elsewhere.id
    assert lock.current() == elsewhere  # untouched
    lock.clear("not-its-id")
    assert lock.current() == elsewhere  # only the lock named is cleared
    lock.clear(elsewhere.id)
    assert lock.current() is None


def test_a_live_holder_on_this_host_is_waited_for(s3, tmp_path):
    fake = FakeClock()
    key = "edgeform/site/local/c/terraform.tfstate"
    alive = _left_over(s3, key, Holder.me("edgeform deploy"))
    lock = BucketStageLock(s3, BUCKET, key, tmp_path, 1.0)
    with pytest.raises(StateLockedError):
        lock.acquire("edgeform deploy", 2, fake.clock())
    assert lock.current() == alive
    lock.clear(alive.id)


def test_a_release_never_removes_a_lock_that_is_not_its_own(s3, tmp_path):
    key = "edgeform/site/local/d/terraform.tfstate"
    lock = BucketStageLock(s3, BUCKET, key, tmp_path, 1.0)
    lock.acquire("edgeform deploy", 0, FakeClock().clock())
    s3.delete_object(Bucket=BUCKET, Key=key + ".tflock")  # `unlock` from elsewhere...
    theirs = _left_over(s3, key, Holder("runner-2", 1, "", "edgeform deploy"))  # ...and a new run
    lock.release()
    assert lock.current() == theirs
