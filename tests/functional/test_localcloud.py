"""The embedded AWS endpoint: each moto patch restores the AWS behaviour it names."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from edgeform.aws.session import Connection
from edgeform.localcloud.endpoint import Endpoint, LocalCloud, claim_stage_state
from edgeform.model.project import Target

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:edge:7"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    cloud = LocalCloud(tmp_path_factory.mktemp("localcloud"))
    started = cloud.start(deploy_delay=1.0)
    yield started
    cloud.stop()


@pytest.fixture
def cloudfront(endpoint):
    # The raw boto3 client: these tests check what the endpoint answers on the wire.
    return Connection(Target("local", "local", "us-east-1"), endpoint.url).client("cloudfront").raw


def distribution_config(reference, enabled=True):
    behavior = {
        "TargetOriginId": "site",
        "ViewerProtocolPolicy": "redirect-to-https",
        "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "none"}},
        "MinTTL": 0,
        "LambdaFunctionAssociations": {
            "Quantity": 1,
            "Items": [
                {
                    "LambdaFunctionARN": FUNCTION_ARN,
                    "EventType": "viewer-request",
                    "IncludeBody": False,
                }
            ],
        },
    }
    return {
        "CallerReference": reference,
        "Comment": "test",
        "Enabled": enabled,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "site",
                    "DomainName": "bucket.s3.us-east-1.amazonaws.com",
                    "OriginAccessControlId": "E2OAC",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": behavior,
        "CacheBehaviors": {"Quantity": 1, "Items": [{**behavior, "PathPattern": "/api/*"}]},
        "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
    }


def create(cloudfront, reference, enabled=True):
    result = cloudfront.create_distribution(
        DistributionConfig=distribution_config(reference, enabled)
    )
    return result["Distribution"]["Id"], result["ETag"]


def test_lambda_associations_and_origin_access_control_are_kept(cloudfront):
    dist_id, _ = create(cloudfront, "keep")
    config = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"]
    for behavior in (config["DefaultCacheBehavior"], config["CacheBehaviors"]["Items"][0]):
        assert behavior["LambdaFunctionAssociations"] == {
            "Quantity": 1,
            "Items": [
                {
                    "LambdaFunctionARN": FUNCTION_ARN,
                    "EventType": "viewer-request",
                    "IncludeBody": False,
                }
            ],
        }
    assert config["Origins"]["Items"][0]["OriginAccessControlId"] == "E2OAC"


def test_default_certificate_has_no_ssl_support_method(cloudfront):
    dist_id, _ = create(cloudfront, "cert")
    certificate = cloudfront.get_distribution_config(Id=dist_id)["DistributionConfig"][
        "ViewerCertificate"
    ]
    assert certificate["CloudFrontDefaultCertificate"] is True
    assert "SSLSupportMethod" not in certificate


def test_update_needs_the_current_etag_and_issues_a_new_one(cloudfront):
    dist_id, _ = create(cloudfront, "etag")
    current = cloudfront.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"]
    config["Comment"] = "changed"
    with pytest.raises(ClientError) as stale:
        cloudfront.update_distribution(Id=dist_id, IfMatch="STALE", DistributionConfig=config)
    assert stale.value.response["Error"]["Code"] == "PreconditionFailed"
    assert stale.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412

    updated = cloudfront.update_distribution(
        Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config
    )
    assert updated["ETag"] != current["ETag"]
    assert updated["Distribution"]["Status"] == "InProgress"
    assert cloudfront.get_distribution(Id=dist_id)["ETag"] == updated["ETag"]


def test_distribution_goes_in_progress_then_deployed_for_the_boto3_waiter(cloudfront):
    dist_id, _ = create(cloudfront, "deploy")
    assert cloudfront.get_distribution(Id=dist_id)["Distribution"]["Status"] == "InProgress"
    cloudfront.get_waiter("distribution_deployed").wait(
        Id=dist_id, WaiterConfig={"Delay": 1, "MaxAttempts": 10}
    )
    assert cloudfront.get_distribution(Id=dist_id)["Distribution"]["Status"] == "Deployed"


def test_an_enabled_distribution_cannot_be_deleted(cloudfront):
    dist_id, etag = create(cloudfront, "delete")
    with pytest.raises(ClientError) as enabled:
        cloudfront.delete_distribution(Id=dist_id, IfMatch=etag)
    assert enabled.value.response["Error"]["Code"] == "DistributionNotDisabled"

    current = cloudfront.get_distribution_config(Id=dist_id)
    config = current["DistributionConfig"]
    config["Enabled"] = False
    disabled = cloudfront.update_distribution(
        Id=dist_id, IfMatch=current["ETag"], DistributionConfig=config
    )
    with pytest.raises(ClientError) as stale:
        cloudfront.delete_distribution(Id=dist_id, IfMatch=etag)
    assert stale.value.response["Error"]["Code"] == "PreconditionFailed"
    cloudfront.delete_distribution(Id=dist_id, IfMatch=disabled["ETag"])
    with pytest.raises(ClientError, match="NoSuchDistribution"):
        cloudfront.get_distribution(Id=dist_id)


def test_invalidations_complete_for_the_boto3_waiter(cloudfront):
    dist_id, _ = create(cloudfront, "invalidate")
    invalidation = cloudfront.create_invalidation(
        DistributionId=dist_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/index.html"]},
            "CallerReference": "inv-1",
        },
    )
    assert invalidation["Invalidation"]["Status"] == "Completed"
    cloudfront.get_waiter("invalidation_completed").wait(
        DistributionId=dist_id,
        Id=invalidation["Invalidation"]["Id"],
        WaiterConfig={"Delay": 1, "MaxAttempts": 3},
    )


def test_status_start_and_stop(tmp_path):
    cloud = LocalCloud(tmp_path)
    assert cloud.status() is None
    endpoint, started = cloud.ensure_running()
    try:
        assert started
        assert endpoint.url.startswith("http://127.0.0.1:")
        assert cloud.ensure_running() == (endpoint, False)
        assert cloud.status() == endpoint
    finally:
        assert cloud.stop() == endpoint
    assert cloud.status() is None
    assert not (tmp_path / "endpoint.json").exists()


def test_two_commands_starting_at_once_share_one_endpoint(demo_dir):
    """Two first deploys at once: one starts the endpoint, the other waits and uses it."""
    command = [sys.executable, "-m", "edgeform", "local", "start"]
    runs = [
        subprocess.Popen(command, cwd=demo_dir, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = sorted(run.communicate(timeout=60)[0] for run in runs)
    cloud = LocalCloud(demo_dir / ".edgeform" / "localcloud")
    endpoint = cloud.status()
    try:
        assert endpoint is not None
        line = f"{endpoint.url} (pid {endpoint.pid})\n"
        assert outputs == [f"running: {line}", f"started: {line}"]
        servers = [
            pid for pid in os.listdir("/proc") if pid.isdigit() and _is_endpoint(pid, demo_dir)
        ]
        assert servers == [str(endpoint.pid)]
    finally:
        cloud.stop()


def _is_endpoint(pid: str, project: Path) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        cwd = Path(f"/proc/{pid}/cwd").resolve()
    except OSError:
        return False
    return b"edgeform.localcloud" in cmdline and cwd == project.resolve()


def test_a_dead_endpoint_is_noticed(tmp_path):
    cloud = LocalCloud(tmp_path)
    endpoint = cloud.start()
    os.killpg(endpoint.pid, signal.SIGKILL)
    os.waitpid(endpoint.pid, 0)
    assert cloud.status() is None
    assert not (tmp_path / "endpoint.json").exists()


def test_state_from_another_endpoint_instance_is_discarded(tmp_path):
    first = Endpoint(1, 1, "first", "x")
    second = Endpoint(2, 2, "second", "x")
    stage = tmp_path / "stage"
    assert claim_stage_state(stage, first) is False
    (stage / "terraform.tfstate").write_text("{}")
    (stage / "terraform.tfstate.backup").write_text("{}")
    assert claim_stage_state(stage, first) is False  # same instance: kept
    assert (stage / "terraform.tfstate").exists()
    assert claim_stage_state(stage, second) is True
    assert not list(stage.glob("terraform.tfstate*"))


def test_bucket_policy_sees_requests_as_tls(endpoint):
    """AWS is reached over HTTPS, so a deny-non-TLS policy must not deny these requests,
    while an unconditional deny still does."""
    s3 = Connection(Target("local", "local", "us-east-1"), endpoint.url).client("s3").raw
    s3.create_bucket(Bucket="tls-only")
    arn = "arn:aws:s3:::tls-only"

    def policy(condition):
        statement = {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [arn, f"{arn}/*"],
        }
        if condition:
            statement["Condition"] = condition
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]})

    s3.put_bucket_policy(
        Bucket="tls-only", Policy=policy({"Bool": {"aws:SecureTransport": "false"}})
    )
    s3.put_object(Bucket="tls-only", Key="a", Body=b"x")
    assert s3.get_object(Bucket="tls-only", Key="a")["Body"].read() == b"x"

    s3.put_bucket_policy(
        Bucket="tls-only", Policy=policy({"Bool": {"aws:SecureTransport": "true"}})
    )
    with pytest.raises(ClientError) as denied:
        s3.put_object(Bucket="tls-only", Key="b", Body=b"y")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.fixture(scope="module")
def replicating(tmp_path_factory):
    """An endpoint whose replicas outlive their association by 3 s (hours on AWS)."""
    cloud = LocalCloud(tmp_path_factory.mktemp("replicas"), replica_seconds=3.0)
    started = cloud.start(deploy_delay=0.5)
    yield started
    cloud.stop()


def edge_function(lam, iam, name):
    role = iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    made = lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
        Publish=True,
    )
    return f"{made['FunctionArn']}:{made['Version']}"


def test_a_replicated_function_cannot_be_deleted_until_its_replicas_go(replicating):
    session = Connection(Target("local", "local", "us-east-1"), replicating.url)
    lam, iam = session.client("lambda").raw, session.client("iam").raw
    cloudfront = session.client("cloudfront").raw
    version_arn = edge_function(lam, iam, "replicated")
    config = distribution_config("replicas", enabled=False)
    for behavior in (config["DefaultCacheBehavior"], config["CacheBehaviors"]["Items"][0]):
        behavior["LambdaFunctionAssociations"]["Items"][0]["LambdaFunctionARN"] = version_arn
    made = cloudfront.create_distribution(DistributionConfig=config)

    def delete():
        lam.delete_function(FunctionName="replicated")

    with pytest.raises(ClientError) as wired:  # wired to a distribution: replicated
        delete()
    error = wired.value.response["Error"]
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"] == (
        f"Lambda was unable to delete {version_arn} because it is a replicated function. "
        "Please see our documentation for Deleting Lambda@Edge Functions and Replicas."
    )
    cloudfront.delete_distribution(Id=made["Distribution"]["Id"], IfMatch=made["ETag"])
    with pytest.raises(ClientError, match="replicated function"):
        delete()  # the replicas outlive the distribution for a while
    time.sleep(3.2)
    delete()
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        lam.get_function(FunctionName="replicated")
