"""`edgeform logs`: a stage's function logs from every Region, merged by time, on the embedded
endpoint, whose CloudWatch Logs holds a group per Region as Lambda@Edge leaves them."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import boto3
import pytest

from edgeform.localcloud.endpoint import LocalCloud
from tests.conftest import copy_demo

GROUP = "/aws/lambda/us-east-1.edgeform-demo--main--redirect"
OTHER = "/aws/lambda/us-east-1.edgeform-demo--main--security-headers"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp("logs")
    cloud = LocalCloud(base / "endpoint")
    url = cloud.ensure_running()[0].url
    root = copy_demo(base / "demo", url)
    yield root, url
    cloud.stop()


def logs_in(url: str, region: str):
    return boto3.client(
        "logs",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def put(url: str, region: str, group: str, events: list[tuple[int, str]]) -> None:
    client = logs_in(url, region)
    try:
        client.create_log_group(logGroupName=group)
        client.create_log_stream(logGroupName=group, logStreamName="2026/11/23/[1]abc")
    except client.exceptions.ResourceAlreadyExistsException:
        pass
    client.put_log_events(
        logGroupName=group,
        logStreamName="2026/11/23/[1]abc",
        logEvents=[{"timestamp": t, "message": m} for t, m in events],
    )


def edgeform(root, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edgeform", "--config", str(root / "edgeform.toml"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_logs_from_three_regions_are_merged_in_time_order_with_since(project):
    root, url = project
    now = int(time.time() * 1000)
    put(url, "us-east-1", GROUP, [(now - 3000, "first, in Virginia"), (now - 300, "fourth")])
    put(url, "eu-west-1", GROUP, [(now - 2000, "second, in Ireland")])
    put(url, "ap-northeast-1", OTHER, [(now - 1000, "third, in Tokyo")])
    put(url, "sa-east-1", GROUP, [(now - 3_600_000, "an hour ago: before --since")])
    result = edgeform(root, "logs", "--stage", "main", "--since", "10m", "--output", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    messages = [(e["region"], e["message"]) for e in data["events"]]
    assert messages == [
        ("us-east-1", "first, in Virginia"),
        ("eu-west-1", "second, in Ireland"),
        ("ap-northeast-1", "third, in Tokyo"),
        ("us-east-1", "fourth"),
    ]
    assert data["regions"] == ["ap-northeast-1", "eu-west-1", "sa-east-1", "us-east-1"]
    one = edgeform(root, "logs", "security-headers", "--stage", "main", "--since", "10m")
    assert one.returncode == 0, one.stderr
    assert one.stdout.splitlines()[0].endswith(
        "edgeform-demo--main--security-headers  third, in Tokyo"
    )
    assert len(one.stdout.splitlines()) == 1


def test_retention_is_set_on_every_group_in_every_region(project):
    root, url = project
    result = edgeform(root, "logs", "--stage", "main", "--retention-days", "7", "--output", "json")
    assert result.returncode == 0, result.stderr
    groups = {(g["region"], g["name"]) for g in json.loads(result.stdout)["groups"]}
    assert groups == {
        ("us-east-1", GROUP),
        ("eu-west-1", GROUP),
        ("sa-east-1", GROUP),
        ("ap-northeast-1", OTHER),
    }
    for region, name in groups:
        [group] = logs_in(url, region).describe_log_groups(logGroupNamePrefix=name)["logGroups"]
        assert group["retentionInDays"] == 7
    bad = edgeform(root, "logs", "--stage", "main", "--retention-days", "8")
    assert bad.returncode == 2
    assert "CloudWatch Logs keeps logs for one of" in bad.stderr


def test_follow_prints_new_events_once(project):
    root, url = project
    process = subprocess.Popen(
        [sys.executable, "-m", "edgeform", "--config", str(root / "edgeform.toml"),
         "logs", "redirect", "--stage", "main", "--since", "1s", "--follow", "--output", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(3)  # a first round that finds nothing new
        put(url, "eu-west-2", GROUP, [(int(time.time() * 1000), "new, in London")])
        line = process.stdout.readline()
        assert json.loads(line)["message"] == "new, in London"
        assert json.loads(line)["region"] == "eu-west-2"
    finally:
        process.terminate()
        process.wait(10)


def test_an_unknown_function_is_named(project):
    root, _ = project
    result = edgeform(root, "logs", "nope", "--stage", "main")
    assert result.returncode == 2
    assert "no function 'nope' in edgeform.toml" in result.stderr
