"""Shared state on the local target with the documented keys only (`[targets.local] state =
{ bucket = ... }`, no endpoint): two checkouts of one project on one machine share the
machine's embedded endpoint, so a fresh checkout reads and destroys the stage the other one
deployed, as a CI runner does with the aws target's bucket."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_demo

pytestmark = pytest.mark.terraform

STATE_LINE = 'state = { bucket = "edgeform-local-shared" }\n'


def checkout(folder: Path) -> Path:
    root = copy_demo(folder)
    config = root / "edgeform.toml"
    text = config.read_text()
    assert '[targets.local]\ntype = "local"\n' in text
    config.write_text(
        text.replace(
            '[targets.local]\ntype = "local"\n', f'[targets.local]\ntype = "local"\n{STATE_LINE}'
        )
    )
    return root


def edgeform(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edgeform", *args], cwd=root, env=env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_a_fresh_checkout_finds_the_stage_another_deployed(tmp_path, terraform_environ):
    env = {**terraform_environ, "XDG_STATE_HOME": str(tmp_path / "state"), "NO_COLOR": "1"}
    first, fresh = checkout(tmp_path / "a"), checkout(tmp_path / "b")
    try:
        deployed = edgeform(first, env, "deploy", "--stage", "main", "--output", "json")
        assert deployed.returncode == 0, deployed.stderr
        distribution = json.loads(deployed.stdout)["outputs"]["distribution_id"]
        assert (tmp_path / "state" / "edgeform" / "localcloud").is_dir()
        assert not (first / ".edgeform" / "localcloud").exists()  # the machine's, not a/'s

        read = edgeform(fresh, env, "outputs", "--stage", "main", "--output", "json")
        assert read.returncode == 0, read.stderr
        assert json.loads(read.stdout)["distribution_id"] == distribution
        listed = edgeform(fresh, env, "stages", "--output", "json")
        assert "main" in listed.stdout, listed.stderr

        destroyed = edgeform(fresh, env, "destroy", "--stage", "main", "--yes")
        assert destroyed.returncode == 0, destroyed.stderr
        gone = edgeform(first, env, "outputs", "--stage", "main")
        assert gone.returncode != 0
        assert "is not deployed" in gone.stderr
    finally:
        edgeform(first, env, "local", "stop")
