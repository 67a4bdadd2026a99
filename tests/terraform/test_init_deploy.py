"""A new user's first minutes: `edgeform init` into an empty folder, then `make deploy` and
`make destroy` there, on the embedded endpoint, with the real Terraform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.cli import cli

pytestmark = pytest.mark.terraform


def make(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=600
    )


BROKEN = """resource "aws_s3_bucket" "broken" {
  bucket        = "edgeform-broken"
  bucket_prefix = "edgeform-broken-"
}
"""


def broken_plan(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`edgeform plan` with a resource Terraform refuses at plan time (two exclusive
    arguments). (Not `make plan`: make answers 2 for any failed recipe.)"""
    (folder / "terraform").mkdir()
    (folder / "terraform" / "broken.tf.j2").write_text(BROKEN)
    config = folder / "edgeform.toml"
    config.write_text(
        config.read_text().replace("[project]\n", '[project]\ntemplates = "terraform"\n')
    )
    return subprocess.run(
        [sys.executable, "-m", "edgeform", "plan"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def restore_templates(folder: Path) -> None:
    (folder / "terraform" / "broken.tf.j2").unlink()
    config = folder / "edgeform.toml"
    config.write_text(config.read_text().replace('templates = "terraform"\n', ""))


def test_init_then_make_deploy_and_make_destroy(tmp_path, terraform_environ):
    folder = tmp_path / "shop"
    created = CliRunner().invoke(cli, ["init", str(folder), "--template", "rewrite"])
    assert created.exit_code == 0, created.output
    # The edgeform under test is the one on the PATH (EDGEFORM=edgeform, as the generated
    # workflow sets it after its install step): the Makefile uses it, installs nothing.
    env = {
        "EDGEFORM": "edgeform",
        **terraform_environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{terraform_environ['PATH']}",
        "EDGEFORM_STAGE": "main",
        "NO_COLOR": "1",
    }
    try:
        deployed = make(folder, env, "deploy", "EDGEFORM_ARGS=--output json")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        result = json.loads(deployed.stdout)
        assert (result["name"], result["target"]) == ("main", "local")
        assert result["url"].endswith(".cloudfront.net/")
        assert sorted(result["outputs"]["functions"]) == ["headers", "rewrite"]
        assert not (folder / ".venv").exists()  # the edgeform on the PATH was used
        # Terraform's own output went to the stage's log; the console had one line a resource
        log = folder / ".edgeform" / "stages" / "local" / "main" / "terraform.log"
        assert "aws_s3_bucket.site: Creation complete" in log.read_text()
        assert "Terraform has been successfully initialized" in log.read_text()
        assert "Creation complete" not in deployed.stderr
        total = sum(1 for line in log.read_text().splitlines() if "Creation complete" in line)
        assert f"  {total}/{total} " in deployed.stderr
        assert "aws_s3_bucket.site created" in deployed.stderr

        failed = broken_plan(folder, env)
        assert failed.returncode == 1
        assert f"(the last lines of {log})" in failed.stderr
        assert "Conflicting configuration arguments" in failed.stderr  # Terraform's error
        assert f"Terraform's whole output: {log}" in failed.stderr
        restore_templates(folder)

        typo = subprocess.run(
            [sys.executable, "-m", "edgeform", "destroy", "--stage", "no-such-stage", "--yes"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert typo.returncode == 0, typo.stderr  # CI cleanup stays idempotent
        assert "nothing is deployed for stage no-such-stage" in typo.stdout + typo.stderr
        assert "destroyed 0" not in typo.stdout + typo.stderr

        destroyed = make(folder, env, "destroy", "EDGEFORM_ARGS=--output json")
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
        assert "aws_s3_bucket.site" in json.loads(destroyed.stdout)["destroyed"]
    finally:
        subprocess.run(
            [sys.executable, "-m", "edgeform", "local", "stop"], cwd=folder, env=env, check=False
        )
