"""What users' CI does to a deploy, against the real Terraform and the embedded endpoint:
SIGKILL at three points of an apply, SIGINT to edgeform alone and to its process group, and
the endpoint killed mid-deploy. After each, a plain `edgeform deploy` must converge: exit 0,
no duplicate resource, and a clean plan. The figures (cases, converged, time to converge)
are printed for the record (`pytest -s`)."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from tests.conftest import copy_demo
from tests.terraform.processes import (
    Project,
    kill_everything,
    processes_in,
    result_file,
    wait_for,
)

pytestmark = pytest.mark.terraform
FUNCTIONS = ("redirect", "security-headers")


@pytest.fixture(scope="module")
def project(tmp_path_factory, terraform_environ):
    made = Project(copy_demo(tmp_path_factory.mktemp("faults") / "demo"), terraform_environ)
    made.cloud.ensure_running()
    yield made
    made.cloud.stop()


FIGURES: list[tuple[str, bool, float]] = []


def converges(project: Project, stage: str, tmp_path: Path, case: str) -> None:
    code, output, seconds = project.run("deploy", stage, tmp_path / "converge.log")
    FIGURES.append((case, code == 0, seconds))
    print(f"\nfault {case}: converged={code == 0} in {seconds:.1f} s")
    assert code == 0, output
    result = json.loads(result_file(tmp_path / "converge.log").read_text())
    lam, cloudfront = project.client("lambda"), project.client("cloudfront")
    names = {f"edgeform-demo--{stage}--{fn}" for fn in FUNCTIONS}
    listed = {f["FunctionName"] for f in lam.list_functions()["Functions"]}
    assert names <= listed
    assert {n for n in listed if n.startswith(f"edgeform-demo--{stage}--")} == names
    comment = f"edgeform-demo {stage} (edgeform)"
    distributions = [
        d["Id"]
        for d in cloudfront.list_distributions()["DistributionList"].get("Items", [])
        if d["Comment"] == comment
    ]
    assert distributions == [result["outputs"]["distribution_id"]]  # one, the state's
    plan_code, plan_output, _ = project.run("plan", stage, tmp_path / "plan.log")
    assert plan_code == 0, plan_output


@pytest.mark.parametrize(
    ("case", "moment"),
    [
        ("fn", r"aws_lambda_function\.\S+: Creating\.\.\."),
        ("cdn", r"aws_cloudfront_distribution\.site: Creating\.\.\."),
        ("sync", r"✓ apply"),
    ],
)
def test_sigkill_during_the_apply_converges(project, tmp_path, case, moment):
    stage = f"kill-{case}"
    log = tmp_path / "killed.log"
    process = project.start("deploy", stage, log, "--verbose")
    wait_for(log, moment, process)
    kill_everything(process.pid)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    converges(project, stage, tmp_path, f"SIGKILL at {case}")


@pytest.mark.parametrize("to_group", [False, True], ids=["edgeform", "group"])
def test_sigint_stops_terraform_cleanly_and_leaves_no_process(project, tmp_path, to_group):
    stage = f"int-{'group' if to_group else 'alone'}"
    log = tmp_path / "interrupted.log"
    process = project.start("deploy", stage, log, "--verbose")
    wait_for(log, r"Creating\.\.\.", process)
    if to_group:
        os.killpg(process.pid, signal.SIGINT)  # its own session: the group is edgeform's
    else:
        os.kill(process.pid, signal.SIGINT)
    assert process.wait(timeout=120) == 130
    output = log.read_text()
    assert "SIGINT: stopping Terraform" in output
    assert "Terraform stopped cleanly and saved the stage's state" in output
    assert "Traceback" not in output
    assert processes_in(project.stage_dir(stage)) == []  # no terraform, no provider left
    converges(project, stage, tmp_path, f"SIGINT to {'group' if to_group else 'edgeform'}")


def test_the_endpoint_killed_mid_deploy_is_named(terraform_environ, tmp_path):
    project = Project(copy_demo(tmp_path / "demo"), terraform_environ)
    log = tmp_path / "deploy.log"
    process = project.start("deploy", "main", log, "--verbose")
    try:
        wait_for(log, r"Creating\.\.\.", process)
        endpoint = project.cloud.status()
        assert endpoint is not None
        os.killpg(endpoint.pid, signal.SIGKILL)
        assert process.wait(timeout=600) == 1
        output = log.read_text()
        assert (
            f"the embedded AWS endpoint at {endpoint.url} stopped while edgeform used it" in output
        )
        assert "edgeform deploy again" in output
        converges(project, "main", tmp_path, "endpoint killed")
    finally:
        process.kill()
        project.cloud.stop()
