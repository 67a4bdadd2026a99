"""The state bucket's store against the embedded endpoint's S3: pending records by key."""

from __future__ import annotations

import io

import pytest

from edgeform.aws.s3 import sync_site
from edgeform.aws.session import Connection
from edgeform.aws.state_bucket import bootstrap_state_bucket
from edgeform.build.site import SiteFile
from edgeform.console import Console
from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.project import Target
from edgeform.model.state import StateBucket
from edgeform.state.pending import PendingFunction
from edgeform.state.store import BucketStore
from tests.fakes import Terminal

STATE = StateBucket("edgeform-store-test", "us-east-1")


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    cloud = LocalCloud(tmp_path_factory.mktemp("store") / "endpoint")
    url = cloud.ensure_running()[0].url
    client = Connection(Target("local", "local", "us-east-1"), url).client("s3")
    bootstrap_state_bucket(client, STATE.bucket, STATE.region)
    yield client
    cloud.stop()


def test_pending_names_come_from_the_keys_and_match_the_records(s3):
    store = BucketStore(s3, STATE, "site", "local")
    other = BucketStore(s3, STATE, "other-site", "local")  # another project, same bucket
    records = [
        PendingFunction("site--pr-1--edge", "pr/1", "pr-1-h1", "2026-11-23T12:00:00Z"),
        PendingFunction("site--pr-1--edge:3", "pr/1", "pr-1-h1", "2026-11-23T12:00:00Z"),
    ]
    for record in records:
        store.put_pending(record)
    other.put_pending(PendingFunction("other-site--x--f", "x", "x", "2026-11-23T12:00:00Z"))
    assert store.pending_names() == {r.function for r in records}
    assert {p.function for p in store.pending()} == store.pending_names()
    store.drop_pending("site--pr-1--edge")
    assert store.pending_names() == {"site--pr-1--edge:3"}
    assert other.pending_names() == {"other-site--x--f"}


def test_bootstrap_expires_old_state_versions_and_keeps_the_owners_rules(s3):
    """Versioning keeps every replaced state and lock file: bootstrap adds a lifecycle rule
    for noncurrent versions (S3 User Guide, "Lifecycle configuration elements":
    NoncurrentVersionExpiration), once, beside any rule the bucket's owner has."""
    owners = {
        "ID": "owners-own",
        "Status": "Enabled",
        "Filter": {"Prefix": "logs/"},
        "Expiration": {"Days": 30},
    }
    s3.put_bucket_lifecycle_configuration(
        Bucket=STATE.bucket,
        LifecycleConfiguration={"Rules": [owners]},
    )
    steps = {
        step.setting: step.changed
        for step in bootstrap_state_bucket(s3, STATE.bucket, STATE.region)
    }
    assert steps["old versions expire"] is True
    rules = {
        r["ID"]: r for r in s3.get_bucket_lifecycle_configuration(Bucket=STATE.bucket)["Rules"]
    }
    assert set(rules) == {"owners-own", "edgeform-old-versions"}
    assert rules["edgeform-old-versions"]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 90
    again = {
        step.setting: step.changed
        for step in bootstrap_state_bucket(s3, STATE.bucket, STATE.region)
    }
    assert again["old versions expire"] is False


@pytest.mark.parametrize("on_terminal", [True, False])
def test_upload_progress_shows_on_a_terminal_and_stays_off_otherwise(s3, on_terminal):
    s3.create_bucket(Bucket=f"progress-{on_terminal}".lower())
    stream = Terminal() if on_terminal else io.StringIO()
    console = Console(json_output=False, color=on_terminal, err=stream)
    files = [SiteFile(f"page-{i}.html", b"<p>%d</p>" % i) for i in range(12)]
    synced = sync_site(
        s3,
        f"progress-{on_terminal}".lower(),
        files,
        progress=lambda total: console.progress(total, "uploading"),
    )
    assert len(synced.uploaded) == 12
    shown = stream.getvalue()
    if on_terminal:
        assert "uploading" in shown
        assert "100%" in shown  # click's bar, driven to its end by the 12 uploads
    else:
        assert shown == ""
