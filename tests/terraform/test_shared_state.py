"""Previews per branch as CI runs them: runners that share nothing but the state bucket.

One embedded endpoint holds the state bucket and every stage; checkout A deploys, checkout B
(a fresh clone, no .edgeform/ folder) reads, plans, redeploys and destroys. The tests run in
order: each takes the stages the one before left.
"""

from __future__ import annotations

import fnmatch
import json
import signal
import time
from pathlib import Path

import boto3
import pytest

from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.stage import slugify
from edgeform.model.state import StateBucket
from tests.conftest import copy_demo
from tests.terraform.processes import Project, kill_everything, wait_for

pytestmark = pytest.mark.terraform
STATE = StateBucket("edgeform-test-state", "us-east-1")
FUNCTIONS = ("redirect", "security-headers")
INSPECTOR = "test-inspector"


def checkout(folder: Path, url: str, environ: dict[str, str]) -> Project:
    """A clone of the demo whose local target keeps its state in the shared bucket."""
    root = copy_demo(folder, url, f'state = {{ bucket = "{STATE.bucket}" }}\n')
    config = root / "edgeform.toml"
    config.write_text(config.read_text() + "\n[stages.keep]\nprotected = true\n")
    return Project(root, environ)


class Shared:
    def __init__(self, base: Path, environ: dict[str, str]) -> None:
        self.requests = base / "requests.jsonl"  # every AWS operation the endpoint answers
        # Replicas outlive their distribution by 60 s (hours on AWS): longer than the
        # destroys below take from deleting their distributions to their first gc.
        self.cloud = LocalCloud(base / "endpoint", request_log=self.requests, replica_seconds=60)
        self.url = self.cloud.ensure_running()[0].url
        self.after_bootstrap = 0  # requests made before the deploy role's work began
        self.a = checkout(base / "a", self.url, environ)
        self.b = checkout(base / "b", self.url, environ)
        self.logs = base / "logs"
        self.logs.mkdir()

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def client(self, service: str):
        """A client of the test's own, signing as INSPECTOR: the request log tells its calls
        from edgeform's and Terraform's."""
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=INSPECTOR,
            aws_secret_access_key=INSPECTOR,
        )

    def state_key(self, stage: str, name: str = "terraform.tfstate") -> str:
        return STATE.stage_prefix("edgeform-demo", "local", slugify(stage)) + name


@pytest.fixture(scope="module")
def shared(tmp_path_factory, terraform_environ):
    made = Shared(tmp_path_factory.mktemp("shared"), terraform_environ)
    yield made
    made.cloud.stop()


def test_bootstrap_makes_the_state_bucket_and_a_second_run_changes_nothing(shared):
    code, output, _ = shared.a.run("bootstrap", None, shared.log("bootstrap1"))
    assert code == 0, output
    first = shared.a.result(shared.log("bootstrap1"))
    assert first["changed"]
    assert set(first["steps"].values()) == {"created"}
    code, output, _ = shared.b.run("bootstrap", None, shared.log("bootstrap2"))
    assert code == 0, output
    second = shared.b.result(shared.log("bootstrap2"))
    assert not second["changed"]
    assert set(second["steps"].values()) == {"found"}
    s3 = shared.client("s3")
    assert s3.get_bucket_versioning(Bucket=STATE.bucket)["Status"] == "Enabled"
    blocked = s3.get_public_access_block(Bucket=STATE.bucket)["PublicAccessBlockConfiguration"]
    assert all(blocked.values())
    assert len(blocked) == 4
    policy = json.loads(s3.get_bucket_policy(Bucket=STATE.bucket)["Policy"])
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert s3.get_bucket_encryption(Bucket=STATE.bucket)["ServerSideEncryptionConfiguration"]
    # Bootstrap is an administrator's, once: the deploy role's policy need not allow it.
    shared.after_bootstrap = len(shared.requests.read_text().splitlines())
    assert shared.after_bootstrap > 0  # the request log works


def test_three_stages_deploy_at_once_from_two_checkouts(shared):
    runs = [
        (shared.a, "feature/a", "1s"),
        (shared.b, "feature/b", "7d"),
        (shared.a, "keep", "1s"),  # protected: gc must keep it though it expires
    ]
    started = []
    for checkout_, stage, ttl in runs:
        log = shared.log(f"deploy-{slugify(stage)}")
        started.append((stage, checkout_.start("deploy", stage, log, "--ttl", ttl)))
        # Not in lockstep: the AWS provider's distribution CallerReference is a timestamp
        # (0.1 ms) and a per-process counter, so identical runs started together can collide
        # (CloudFront answers DistributionAlreadyExists; edgeform's hint says to rerun).
        time.sleep(3)
    for stage, process in started:
        log = shared.log(f"deploy-{slugify(stage)}")
        assert process.wait(timeout=600) == 0, log.read_text()
    s3 = shared.client("s3")
    for _, stage, _ in runs:
        assert s3.head_object(Bucket=STATE.bucket, Key=shared.state_key(stage))
        record = json.loads(
            s3.get_object(Bucket=STATE.bucket, Key=shared.state_key(stage, "stage.json"))[
                "Body"
            ].read()
        )
        assert record["name"] == stage
    assert not (
        shared.a.root / ".edgeform" / "stages" / "local" / "keep" / "terraform.tfstate"
    ).exists()


def test_a_fresh_checkout_reads_plans_and_redeploys_without_creating_anything(shared, tmp_path):
    fresh = checkout(tmp_path / "fresh", shared.url, shared.a.env)
    code, output, _ = fresh.run("outputs", "feature/a", shared.log("outputs"))
    assert code == 0, output
    deployed = shared.a.result(shared.log(f"deploy-{slugify('feature/a')}"))["outputs"]
    assert fresh.result(shared.log("outputs"))["distribution_id"] == deployed["distribution_id"]
    code, output, _ = fresh.run("plan", "feature/a", shared.log("plan-fresh"))
    assert code == 0, output  # 0: no changes (3 would be changes)
    code, output, _ = fresh.run("deploy", "feature/a", shared.log("redeploy"), "--ttl", "1s")
    assert code == 0, output
    plan = fresh.result(shared.log("redeploy"))["plan"]
    assert plan == {"add": [], "change": [], "destroy": [], "import": [], "resources": []}
    code, output, _ = fresh.run("stages", None, shared.log("stages"))
    assert code == 0, output
    listed = {s["name"]: s for s in fresh.result(shared.log("stages"))["stages"]}
    assert set(listed) == {"feature/a", "feature/b", "keep"}
    assert listed["keep"]["protected"]
    assert not listed["feature/b"]["protected"]
    assert listed["feature/a"]["url"] == f"https://{deployed['distribution_domain_name']}/"
    assert listed["feature/b"]["expires_at"] > listed["feature/a"]["expires_at"]


def lock_holder(shared: Shared, stage: str, process, limit: float = 120) -> dict:
    """The lock file's content, once the running `process` has taken the stage's lock."""
    s3 = shared.client("s3")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, "the first run ended before it was seen holding the lock"
        try:
            body = s3.get_object(Bucket=STATE.bucket, Key=shared.state_key(stage) + ".tflock")
        except s3.exceptions.NoSuchKey:
            time.sleep(0.05)
            continue
        return json.loads(body["Body"].read())
    raise AssertionError("the lock was never taken")


def test_a_second_deploy_of_a_stage_waits_for_the_lock_or_names_its_holder(shared):
    first = shared.a.start("deploy", "feature/b", shared.log("locked-first"), "--ttl", "7d")
    holder = lock_holder(shared, "feature/b", first)
    impatient = shared.b.start(
        "deploy", "feature/b", shared.log("locked-impatient"), "--lock-timeout", "0s"
    )
    patient = shared.b.start("deploy", "feature/b", shared.log("locked-patient"), "--ttl", "7d")
    assert impatient.wait(timeout=300) == 4  # the lock's own exit status
    refused = shared.log("locked-impatient").read_text()
    holder_info = json.loads(holder["Info"])
    assert f"the stage's state is locked by edgeform deploy on {holder_info['host']}" in refused
    assert f"(pid {first.pid}, since " in refused
    assert f"lock id {holder['ID']}" in refused
    assert f"edgeform unlock --stage feature/b --target local {holder['ID']}" in refused
    assert first.wait(timeout=600) == 0, shared.log("locked-first").read_text()
    assert patient.wait(timeout=600) == 0, shared.log("locked-patient").read_text()
    code, output, _ = shared.b.run("plan", "feature/b", shared.log("plan-after-lock"))
    assert code == 0, output


def test_a_deploy_killed_during_apply_is_taken_over_by_the_next_run_on_this_host(shared):
    handler = shared.a.root / "functions" / "redirect" / "app.py"
    handler.write_text(handler.read_text() + "\n# changed: a new version to publish\n")
    log = shared.log("killed")
    process = shared.a.start("deploy", "feature/b", log, "--ttl", "7d", "--verbose")
    wait_for(log, r"aws_lambda_function\.\S+: Modifying\.\.\.", process)
    lock = lock_holder(shared, "feature/b", process)
    kill_everything(process.pid)  # a cancelled CI job: edgeform, Terraform, the provider
    assert process.wait() == -signal.SIGKILL
    code, output, _ = shared.a.run("deploy", "feature/b", shared.log("after-kill"), "--ttl", "7d")
    assert code == 0, output
    assert f"took over lock {lock['ID']}" in output
    lam = shared.client("lambda")
    prefix = f"edgeform-demo--{slugify('feature/b')}--"
    listed = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    assert sorted(n for n in listed if n.startswith(prefix)) == [prefix + f for f in FUNCTIONS]
    code, output, _ = shared.a.run("plan", "feature/b", shared.log("plan-after-kill"))
    assert code == 0, output  # from A, whose code changed: B's older code would be a change


def test_another_hosts_stale_lock_is_named_and_cleared_by_unlock_only(shared):
    """A runner elsewhere died holding the lock: no run here may guess it dead."""
    key = shared.state_key("feature/b") + ".tflock"
    stale = {
        "ID": "0c3f-stale",
        "Operation": "OperationTypeDeploy",
        "Info": json.dumps(
            {"host": "runner-elsewhere", "pid": 4242, "started": "", "command": "edgeform deploy"}
        ),
        "Who": "runner@runner-elsewhere",
        "Version": "edgeform",
        "Created": "2026-12-05T10:00:00.000000Z",
        "Path": f"{STATE.bucket}/{key}",
    }
    s3 = shared.client("s3")
    s3.put_object(Bucket=STATE.bucket, Key=key, Body=json.dumps(stale).encode())
    code, output, _ = shared.a.run(
        "deploy", "feature/b", shared.log("stale"), "--lock-timeout", "1s"
    )
    assert code == 4
    assert "locked by edgeform deploy on runner-elsewhere (pid 4242" in output
    assert f"edgeform unlock --stage feature/b --target local {stale['ID']}" in output
    code, output, _ = shared.b.run("unlock", "feature/b", shared.log("unlock-wrong"), "not-the-id")
    assert code == 2
    assert "the lock on stage feature-b-h" in output
    code, output, _ = shared.b.run("unlock", "feature/b", shared.log("unlock"), stale["ID"])
    assert code == 0, output
    assert "held by edgeform deploy on runner-elsewhere (pid 4242" in output  # named first
    code, output, _ = shared.a.run("plan", "feature/b", shared.log("plan-after-unlock"))
    assert code == 0, output


def test_gc_destroys_exactly_the_expired_unprotected_stages_and_a_fresh_checkout_the_rest(
    shared, tmp_path
):
    code, output, _ = shared.b.run("gc", None, shared.log("gc-dry"), "--expired", "--dry-run")
    assert code == 0, output
    dry = shared.b.result(shared.log("gc-dry"))
    assert dry["would_destroy"] == ["feature/a"]
    assert dry["kept_protected"] == ["keep"]
    fresh = checkout(tmp_path / "fresh", shared.url, shared.a.env)
    gc = shared.b.start("gc", None, shared.log("gc"), "--expired")
    destroy_b = fresh.start("destroy", "feature/b", shared.log("destroy-b"), "--yes")
    destroy_keep = fresh.start(
        "destroy", "keep", shared.log("destroy-keep"), "--yes", "--force-protected"
    )
    for process, name in ((gc, "gc"), (destroy_b, "destroy-b"), (destroy_keep, "destroy-keep")):
        assert process.wait(timeout=600) == 0, shared.log(name).read_text()
    assert shared.b.result(shared.log("gc"))["destroyed"] == ["feature/a"]
    code, output, _ = fresh.run("stages", None, shared.log("stages-after"))
    assert fresh.result(shared.log("stages-after"))["stages"] == []
    collect_the_replicated_functions(shared, fresh)
    # Nothing is left on the endpoint but the state bucket.
    assert shared.client("lambda").list_functions()["Functions"] == []
    distributions = shared.client("cloudfront").list_distributions()["DistributionList"]
    assert distributions.get("Items", []) == []
    buckets = [b["Name"] for b in shared.client("s3").list_buckets()["Buckets"]]
    assert buckets == [STATE.bucket]


def collect_the_replicated_functions(shared: Shared, fresh: Project) -> None:
    """The destroys left every function pending (CloudFront keeps replicas for a while);
    any checkout finds them, gc deletes them once AWS allows, each exactly once."""
    everyone = sorted(
        f"edgeform-demo--{slugify(stage)}--{fn}"
        for stage in ("feature/a", "feature/b", "keep")
        for fn in FUNCTIONS
    )
    code, output, _ = fresh.run("gc", None, shared.log("gc-pending-dry"), "--dry-run")
    assert code == 0, output
    assert fresh.result(shared.log("gc-pending-dry"))["functions"]["pending"] == everyone
    code, output, _ = fresh.run("gc", None, shared.log("gc-early"))
    assert code == 0, output  # too early: nothing deleted, and it says so
    early = fresh.result(shared.log("gc-early"))["functions"]
    assert early["deleted"] == []
    assert early["pending"] == everyone
    wait = ("--wait", "--timeout", "3m")
    first = shared.a.start("gc", None, shared.log("gc-wait-a"), *wait)
    second = shared.b.start("gc", None, shared.log("gc-wait-b"), *wait)
    assert first.wait(timeout=300) == 0, shared.log("gc-wait-a").read_text()
    assert second.wait(timeout=300) == 0, shared.log("gc-wait-b").read_text()
    a = shared.a.result(shared.log("gc-wait-a"))["functions"]
    b = shared.b.result(shared.log("gc-wait-b"))["functions"]
    assert sorted(a["deleted"] + b["deleted"]) == everyone  # each deleted exactly once...
    assert not set(a["deleted"]) & set(b["deleted"])  # ...by one of the two
    assert a["pending"] == b["pending"] == []
    code, output, _ = fresh.run("gc", None, shared.log("gc-again"))
    assert code == 0, output
    assert fresh.result(shared.log("gc-again"))["functions"]["deleted"] == []


# --- the deploy role's policy allows every action the tests above made ----------------------

# Where an API operation's IAM action is not `<service>:<operation>` (the Service
# Authorization Reference); None: no permission needed.
IAM_ACTIONS: dict[str, list[str] | None] = {
    "s3:ListObjectsV2": ["s3:ListBucket"],
    "s3:ListObjects": ["s3:ListBucket"],
    "s3:HeadBucket": ["s3:ListBucket"],
    "s3:HeadObject": ["s3:GetObject"],
    "s3:ListObjectVersions": ["s3:ListBucketVersions"],
    "s3:DeleteObjects": ["s3:DeleteObject"],
    "s3:ListBuckets": ["s3:ListAllMyBuckets"],
    "s3:GetBucketEncryption": ["s3:GetEncryptionConfiguration"],
    "s3:PutBucketEncryption": ["s3:PutEncryptionConfiguration"],
    "s3:DeleteBucketEncryption": ["s3:PutEncryptionConfiguration"],
    "s3:GetBucketLifecycleConfiguration": ["s3:GetLifecycleConfiguration"],
    "s3:GetBucketLifecycle": ["s3:GetLifecycleConfiguration"],
    "s3:GetBucketReplication": ["s3:GetReplicationConfiguration"],
    "s3:GetBucketAccelerateConfiguration": ["s3:GetAccelerateConfiguration"],
    "s3:GetObjectLockConfiguration": ["s3:GetBucketObjectLockConfiguration"],
    "s3:GetBucketCors": ["s3:GetBucketCORS"],
    "s3:GetPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
    "s3:PutPublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
    "s3:DeletePublicAccessBlock": ["s3:PutBucketPublicAccessBlock"],
    "s3:DeleteBucketOwnershipControls": ["s3:PutBucketOwnershipControls"],
    "cloudfront:CreateDistributionWithTags": [
        "cloudfront:CreateDistribution",
        "cloudfront:TagResource",
    ],
    "sts:GetCallerIdentity": None,
    # The AWS provider asks iam:GetUser for the account id first, and falls back to
    # sts:GetCallerIdentity when it is denied (aws-sdk-go-base's getAccountIDAndPartition).
    "iam:GetUser": None,
}


def allowed(policy: dict, action: str) -> bool:
    return any(
        fnmatch.fnmatchcase(action.lower(), pattern.lower())
        for statement in policy["Statement"]
        if statement["Effect"] == "Allow"
        for pattern in statement["Action"]
    )


def test_the_iam_policy_allows_every_action_of_deploy_redeploy_lock_gc_and_destroy(shared):
    code, output, _ = shared.a.run("iam-policy", None, shared.log("iam-policy"))
    assert code == 0, output
    policy = shared.a.result(shared.log("iam-policy"))
    lines = shared.requests.read_text().splitlines()[shared.after_bootstrap :]
    requests = [r for r in map(json.loads, lines) if r["access_key"] != INSPECTOR]
    unknown = [r for r in requests if not r["operation"]]
    assert unknown == [], unknown  # every request was recognised
    made = {(r["service"], r["operation"]) for r in requests}
    needed = set()
    for service, operation in made:
        key = f"{service}:{operation}"
        needed.update(IAM_ACTIONS.get(key, [key]) or [])
    missing = sorted(action for action in needed if not allowed(policy, action))
    assert missing == [], f"{len(made)} operations made; not allowed: {missing}"
    # What no request shows, but Lambda@Edge requires of whoever wires a trigger:
    for action in ("lambda:GetFunction", "lambda:EnableReplication", "iam:PassRole"):
        assert allowed(policy, action), action
    print(f"\niam-policy: {len(made)} distinct operations, {len(needed)} IAM actions, all allowed")
