"""Where stages live: durations, keys, records, lock information, the local store."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from edgeform.model.project import Target
from edgeform.model.state import StateBucket, parse_duration
from edgeform.model.workspace import Workspace
from edgeform.state.lock import lock_from_file, lock_from_terraform_error
from edgeform.state.records import StageRecord, decode_record, utc
from edgeform.state.store import LocalStore, outputs_of

# Terraform 1.11's own words when an S3 lock file is held (captured from a run).
LOCKED = """
Error: Error acquiring the state lock

Error message: operation error S3: PutObject, https response error
StatusCode: 412, RequestID: t7VYUUfGev, api error PreconditionFailed: At least one of the
pre-conditions you specified did not hold
Lock Info:
  ID:        4dfd6521-0f4f-a171-c8b3-77dae6845973
  Path:      edgeform-state/p/t/s/terraform.tfstate
  Operation: OperationTypeApply
  Who:       runner@ci-17
  Version:   1.11.4
  Created:   2026-11-23 15:10:54.945986612 +0000 UTC
  Info:

Terraform acquires a state lock to protect the state from being written
"""


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600), (" 1d ", 86400)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["7", "d", "0d", "7 days", "-1d", "1.5h", "400d", ""])
def test_bad_durations_say_what_to_write(text):
    with pytest.raises(ValueError, match=r"e\.g\. 7d|longer than a year"):
        parse_duration(text)


def test_state_keys_keep_projects_targets_and_stages_apart():
    state = StateBucket("b", "us-east-1", "ci/edge")
    key = state.state_key("site", "aws", "feature-a-h1234abcd")
    assert key == "ci/edge/site/aws/feature-a-h1234abcd/terraform.tfstate"
    assert state.record_key("site", "aws", "main") == "ci/edge/site/aws/main/stage.json"
    assert (
        not state.state_key("site", "aws", "main").startswith(state.target_prefix("site", "aw"))
        or state.target_prefix("site", "aw") == "ci/edge/site/aw/"
    )


def test_the_lock_holder_is_read_from_terraforms_error():
    lock = lock_from_terraform_error(LOCKED)
    assert lock is not None
    assert lock.id == "4dfd6521-0f4f-a171-c8b3-77dae6845973"
    assert lock.describe() == "runner@ci-17 (apply, since 2026-11-23 15:10:54 UTC)"
    assert lock_from_terraform_error("Error: something else entirely") is None


def test_the_lock_holder_is_read_from_the_lock_file():
    data = json.dumps({"ID": "abc", "Who": "me@box", "Operation": "OperationTypePlan"})
    lock = lock_from_file(data.encode())
    assert lock is not None
    assert (lock.id, lock.who, lock.operation) == ("abc", "me@box", "OperationTypePlan")
    assert lock_from_file(b"not json") is None
    assert lock_from_file(b"{}") is None


def record(expires: datetime | None) -> StageRecord:
    return StageRecord(
        "site", "aws", "feature/a", "feature-a-h1", "https://d1.cloudfront.net/",
        datetime(2026, 11, 23, 12, 0, tzinfo=UTC), expires, "E1", "bucket-1",
    )  # fmt: skip


def test_a_record_round_trips_and_knows_when_it_expires():
    expires = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    again = decode_record(record(expires).encode())
    assert again == record(expires)
    assert again.as_json()["expires_at"] == "2026-11-30T12:00:00Z"
    assert not again.expired(datetime(2026, 11, 30, 11, 59, tzinfo=UTC))
    assert again.expired(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    assert not record(None).expired(datetime(2100, 1, 1, tzinfo=UTC))
    assert utc(0) == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("data", [b"", b"[]", b'{"name": "x"}', b'{"deployed_at": 3}'])
def test_a_broken_record_is_none_not_an_exception(data):
    assert decode_record(data) is None


def state_with(resources: list, outputs: dict) -> dict:
    return {"version": 4, "resources": resources, "outputs": outputs}


def test_outputs_come_from_a_state_with_resources_only():
    outputs = {"bucket_name": {"value": "b", "type": "string"}}
    assert outputs_of(state_with([{"type": "aws_s3_bucket"}], outputs)) == {"bucket_name": "b"}
    assert outputs_of(state_with([], outputs)) is None  # destroyed: Terraform keeps outputs
    assert outputs_of(None) is None


def test_the_local_store_lists_recorded_and_unrecorded_stages_and_forgets(tmp_path):
    store = LocalStore(Workspace(tmp_path), Target("local", "local", "us-east-1"))
    assert store.stages() == []
    store.put_record(record(None))
    unrecorded = tmp_path / ".edgeform" / "stages" / "local" / "killed"
    unrecorded.mkdir(parents=True)
    (unrecorded / "terraform.tfstate").write_text(json.dumps(state_with([{}], {})))
    empty = tmp_path / ".edgeform" / "stages" / "local" / "destroyed"
    empty.mkdir()
    (empty / "terraform.tfstate").write_text(json.dumps(state_with([], {})))
    listed = {s.slug: s.record for s in store.stages()}
    assert listed == {"feature-a-h1": record(None), "killed": None}
    store.forget("feature-a-h1")
    assert [s.slug for s in store.stages()] == ["killed"]
    assert store.lock("killed") is None  # the local backend's lock dies with its process


def test_pending_functions_live_beside_the_stages_and_are_no_stage(tmp_path):
    from edgeform.state.pending import PendingFunction, decode_pending

    store = LocalStore(Workspace(tmp_path), Target("local", "local", "us-east-1"))
    store.put_record(record(None))
    pending = PendingFunction("site--pr-1--edge", "pr/1", "pr-1-h1", "2026-11-23T12:00:00Z")
    store.put_pending(pending)
    store.put_pending(PendingFunction("site--pr-1--edge:3", "pr/1", "pr-1-h1", "2026-11-23"))
    assert store.pending()[0] == pending
    assert store.pending_names() == {"site--pr-1--edge", "site--pr-1--edge:3"}
    store.drop_pending("site--pr-1--edge:3")
    assert store.pending() == [pending]
    assert [s.slug for s in store.stages()] == ["feature-a-h1"]  # _pending is no stage
    assert decode_pending(pending.encode()) == pending
    assert decode_pending(b"{}") is None
    store.drop_pending("site--pr-1--edge")
    store.drop_pending("site--pr-1--edge")  # twice: two gc runs at once
    assert store.pending() == []
