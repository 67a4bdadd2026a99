"""Nothing lost, as a careful operator tries it: a stage on shared state (the local target
with a state bucket), one deploy, then a fault per finding, each with real Terraform and the
embedded endpoint. The tests run in order on the one stage:

1. a paused `edgeform plan` holds the lock: destroy and gc --expired leave every object and
   record as they were, exit with the lock's status;
2. gc --expired racing a redeploy that moves the expiry leaves the redeployed stage alone;
3. SIGKILL of edgeform alone mid-apply: no Terraform process after 30 s, and the next deploy
   on this host takes the lock over, says whose, and finishes;
4. the state's outputs gone (a destroy cut off after Terraform removed them): destroy still
   empties the bucket and removes it and the distribution.
The fault table is printed for the record (`pytest -s`).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import boto3
import pytest

from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.stage import slugify
from edgeform.model.state import StateBucket
from tests.conftest import copy_demo
from tests.terraform.processes import (
    Project,
    descendants,
    processes_in,
    result_file,
    wait_for,
)

pytestmark = pytest.mark.terraform
STATE = StateBucket("edgeform-lock-state", "us-east-1")
STAGE = "feature/locks"
SLUG = slugify(STAGE)
EXIT_LOCKED = 4
FAULTS: list[tuple[str, str, str]] = []  # (fault, what happened, converged by rerun)


class Stage:
    def __init__(self, base: Path, environ: dict[str, str]) -> None:
        self.cloud = LocalCloud(base / "endpoint", replica_seconds=5)
        self.url = self.cloud.ensure_running()[0].url
        root = copy_demo(base / "demo", self.url, f'state = {{ bucket = "{STATE.bucket}" }}\n')
        self.project = Project(root, environ)
        self.logs = base / "logs"
        self.logs.mkdir()
        self.outputs: dict = {}

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def client(self, service: str):
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def key(self, name: str = "terraform.tfstate") -> str:
        return STATE.stage_prefix("edgeform-demo", "local", SLUG) + name

    def snapshot(self) -> dict[str, object]:
        """Every object of the stage's bucket and every record of the stage, with their
        ETags: what a run that may not touch the stage must leave as it is."""
        s3 = self.client("s3")
        site = s3.list_objects_v2(Bucket=self.outputs["bucket_name"]).get("Contents", [])
        kept = s3.list_objects_v2(Bucket=STATE.bucket).get("Contents", [])
        lam = self.client("lambda")
        functions = sorted(
            (f["FunctionName"], json.dumps(lam.list_tags(Resource=f["FunctionArn"])["Tags"]))
            for f in lam.list_functions()["Functions"]
        )
        return {
            "site": sorted((o["Key"], o["ETag"]) for o in site),
            "records": sorted(
                (o["Key"], o["ETag"]) for o in kept if not o["Key"].endswith(".tflock")
            ),
            "functions": functions,
        }


@pytest.fixture(scope="module")
def stage(tmp_path_factory, terraform_environ):
    made = Stage(tmp_path_factory.mktemp("locks"), terraform_environ)
    code, output, _ = made.project.run("deploy", STAGE, made.log("deploy"), "--ttl", "1s")
    assert code == 0, output
    made.outputs = made.project.result(made.log("deploy"))["outputs"]
    yield made
    made.cloud.stop()
    print("\nfault | what happened | converged by rerun")
    for row in FAULTS:
        print(" | ".join(row))


def lock_taken(stage: Stage, process, limit: float = 120) -> dict:
    s3 = stage.client("s3")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it was seen holding the lock"
        try:
            return json.loads(
                s3.get_object(Bucket=STATE.bucket, Key=stage.key() + ".tflock")["Body"].read()
            )
        except s3.exceptions.NoSuchKey:
            time.sleep(0.05)
    raise AssertionError("the lock was never taken")


def signal_tree(pid: int, signum: int) -> None:
    for member in [pid, *descendants(pid)]:
        os.kill(member, signum)


def test_a_held_lock_keeps_destroy_and_gc_from_touching_the_stage(stage):
    before = stage.snapshot()
    assert before["site"], "the deploy uploaded the site"
    planning = stage.project.start("plan", STAGE, stage.log("plan-held"), "--verbose")
    holder = lock_taken(stage, planning)
    wait_for(stage.log("plan-held"), r"Terraform (will perform|used the selected)|init", planning)
    signal_tree(planning.pid, signal.SIGSTOP)  # paused while it holds the lock
    try:
        code, output, _ = stage.project.run(
            "destroy", STAGE, stage.log("destroy-locked"), "--yes", "--lock-timeout", "5s"
        )
        assert code == EXIT_LOCKED, output
        assert f"lock id {holder['ID']}" in output
        assert "edgeform plan on" in output
        assert stage.snapshot() == before
        time.sleep(1.5)  # the stage's 1 s TTL is long past: gc wants it
        code, output, _ = stage.project.run(
            "gc", None, stage.log("gc-locked"), "--expired", "--lock-timeout", "5s"
        )
        assert code == 1, output
        # gc prints its result, then (having failed a stage) the error: the result first.
        printed = result_file(stage.log("gc-locked")).read_text()
        result = json.JSONDecoder().raw_decode(printed)[0]
        assert [f["stage"] for f in result["failed"]] == [STAGE]
        assert "locked by edgeform plan" in result["failed"][0]["error"]
        assert result["destroyed"] == []
        assert stage.snapshot() == before
    finally:
        signal_tree(planning.pid, signal.SIGCONT)
    assert planning.wait(timeout=300) in (0, 3), stage.log("plan-held").read_text()
    FAULTS.append(
        (
            "destroy and gc --expired while a plan holds the lock",
            "exit 4 and gc's stage failed; every object and record unchanged",
            "n/a",
        )
    )


def test_gc_racing_a_redeploy_leaves_the_redeployed_stage_alone(stage):
    redeploy = stage.project.start("deploy", STAGE, stage.log("redeploy"), "--ttl", "7d")
    lock_taken(stage, redeploy)
    gc = stage.project.start("gc", None, stage.log("gc-race"), "--expired")
    assert redeploy.wait(timeout=300) == 0, stage.log("redeploy").read_text()
    assert gc.wait(timeout=300) == 0, stage.log("gc-race").read_text()
    result = stage.project.result(stage.log("gc-race"))
    assert "expired at" in stage.log("gc-race").read_text()  # it had decided to destroy...
    assert result["destroyed"] == []  # ...and asked again under the lock
    assert [k["stage"] for k in result["kept"]] == [STAGE]
    assert "redeployed meanwhile" in result["kept"][0]["why"]
    assert stage.snapshot()["site"]
    code, output, _ = stage.project.run("plan", STAGE, stage.log("plan-after-race"))
    assert code == 0, output
    FAULTS.append(
        (
            "gc --expired racing a redeploy that moves the expiry",
            "gc waited for the lock, re-read the record, kept the stage",
            "n/a",
        )
    )


def test_sigkill_of_edgeform_alone_leaves_no_terraform_and_the_next_deploy_takes_over(stage):
    handler = stage.project.root / "functions" / "redirect" / "app.py"
    handler.write_text(handler.read_text() + "\n# changed: a version to publish\n")
    log = stage.log("killed")
    process = stage.project.start("deploy", STAGE, log, "--ttl", "7d", "--verbose")
    wait_for(log, r"aws_lambda_function\.\S+: Modifying\.\.\.", process)
    holder = lock_taken(stage, process)
    os.kill(process.pid, signal.SIGKILL)  # edgeform alone: its Terraform is in another group
    assert process.wait() == -signal.SIGKILL
    stage_dir = stage.project.stage_dir(SLUG)
    deadline = time.monotonic() + 30
    while processes_in(stage_dir) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert processes_in(stage_dir) == []  # no terraform, no provider, within 30 s
    code, output, seconds = stage.project.run("deploy", STAGE, stage.log("after-kill"))
    assert code == 0, output
    assert f"took over lock {holder['ID']}" in output
    assert f"pid {process.pid}" in output
    assert seconds < 120
    # No --ttl: the expiry the race's redeploy recorded is kept, not cleared.
    expiry = stage.project.result(stage.log("redeploy"))["expires_at"]
    assert expiry is not None
    assert stage.project.result(stage.log("after-kill"))["expires_at"] == expiry
    assert "kept from the last deploy; --ttl never clears it" in output
    code, output, _ = stage.project.run("plan", STAGE, stage.log("plan-after-kill"))
    assert code == 0, output
    FAULTS.append(
        (
            "SIGKILL of edgeform alone mid-apply",
            "Terraform stopped by its supervisor; lock taken over by the next deploy "
            f"({seconds:.0f} s)",
            "yes",
        )
    )


def test_a_destroy_whose_state_lost_its_outputs_still_finishes(stage):
    s3 = stage.client("s3")
    state = json.loads(s3.get_object(Bucket=STATE.bucket, Key=stage.key())["Body"].read())
    state["outputs"], state["serial"] = {}, state["serial"] + 1
    s3.put_object(Bucket=STATE.bucket, Key=stage.key(), Body=json.dumps(state).encode())
    code, output, _ = stage.project.run("destroy", STAGE, stage.log("destroy-no-outputs"), "--yes")
    assert code == 0, output
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert stage.outputs["bucket_name"] not in buckets
    cloudfront = stage.client("cloudfront")
    assert cloudfront.list_distributions()["DistributionList"].get("Items", []) == []
    pending = stage.project.result(stage.log("destroy-no-outputs"))["functions"]
    assert sorted(pending["deleted"] + pending["pending"]) == sorted(
        f"edgeform-demo--{SLUG}--{fn}" for fn in ("redirect", "security-headers")
    )  # found in the state's resources, recorded for gc, never orphaned
    code, output, _ = stage.project.run("destroy", STAGE, stage.log("destroy-again"), "--yes")
    assert code == 0, output
    again = stage.project.result(stage.log("destroy-again"))
    assert again["deployed"] is False  # CI cleanup stays idempotent
    assert again["destroyed"] == []
    FAULTS.append(
        (
            "destroy with the state's outputs gone (serial + 1)",
            "bucket emptied and removed, distribution removed, functions pending",
            "yes",
        )
    )
