"""When `init` must move a stage's state: read from Terraform's own backend cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeform.deploy.backend import needs_migration, wanted_backend
from edgeform.model.project import Target
from edgeform.model.state import StateBucket

SHARED = Target("ci", "aws", "us-east-1", state=StateBucket("acme-state", "us-east-1"))
KEY = "edgeform/site/ci/main/terraform.tfstate"


def initialized_with(stage_dir: Path, backend: dict) -> None:
    """What `terraform init` leaves in .terraform/terraform.tfstate (abridged)."""
    (stage_dir / ".terraform").mkdir(parents=True)
    cache = {"version": 3, "terraform_version": "1.11.4", "backend": backend}
    (stage_dir / ".terraform" / "terraform.tfstate").write_text(json.dumps(cache))


def s3(bucket: str = "acme-state", key: str = KEY) -> dict:
    config = {"bucket": bucket, "key": key, "region": "us-east-1", "use_lockfile": True}
    return {"type": "s3", "config": config, "hash": 1}


LOCAL = {"type": "local", "config": {"path": "terraform.tfstate"}, "hash": 2}


def local_state(stage_dir: Path, resources: list) -> None:
    stage_dir.mkdir(parents=True, exist_ok=True)
    state = {"version": 4, "resources": resources, "outputs": {}}
    (stage_dir / "terraform.tfstate").write_text(json.dumps(state))


def test_the_wanted_backend_follows_the_target(repo_demo):
    import dataclasses

    from edgeform.model.context import StageContext
    from tests.conftest import stage

    shared = dataclasses.replace(repo_demo.targets["aws"], state=SHARED.state)
    context = StageContext.resolve(repo_demo, stage("main"), shared)
    key = "edgeform/edgeform-demo/aws/main/terraform.tfstate"
    assert wanted_backend(context) == ("s3", "acme-state", key, "us-east-1")
    local = StageContext.resolve(repo_demo, stage("main"), repo_demo.targets["local"])
    assert wanted_backend(local) == ("local",)


@pytest.mark.parametrize(
    ("previous", "wanted", "moves"),
    [
        (LOCAL, ("local",), False),
        (s3(), ("s3", "acme-state", KEY, "us-east-1"), False),
        (LOCAL, ("s3", "acme-state", KEY, "us-east-1"), True),  # local -> shared
        (s3(), ("local",), True),  # shared -> local
        (s3(bucket="old"), ("s3", "acme-state", KEY, "us-east-1"), True),  # another bucket
        (s3(key="x/" + KEY), ("s3", "acme-state", KEY, "us-east-1"), True),  # another prefix
    ],
)
def test_a_changed_backend_moves_the_state(tmp_path, previous, wanted, moves):
    initialized_with(tmp_path, previous)
    assert needs_migration(tmp_path, wanted) is moves


def test_a_fresh_checkout_initializes_without_moving_anything(tmp_path):
    assert not needs_migration(tmp_path, ("s3", "acme-state", KEY, "us-east-1"))
    assert not needs_migration(tmp_path, ("local",))


def test_a_local_state_left_beside_a_new_s3_backend_is_moved_when_it_holds_resources(tmp_path):
    # .terraform/ removed (a cleaned cache), terraform.tfstate still there.
    local_state(tmp_path, [])
    assert not needs_migration(tmp_path, ("s3", "acme-state", KEY, "us-east-1"))
    local_state(tmp_path, [{"type": "aws_s3_bucket"}])
    assert needs_migration(tmp_path, ("s3", "acme-state", KEY, "us-east-1"))
