"""The AWS boundary: no botocore error reaches a user. Against the embedded endpoint (stopped
under a client's feet) and the real credential chain (a profile that does not exist, no
credentials at all)."""

from __future__ import annotations

import pytest

from edgeform.aws.s3 import remote_etags
from edgeform.aws.session import Connection
from edgeform.errors import AwsError
from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.project import Target

LOCAL = Target("local", "local", "us-east-1")


def test_a_stopped_endpoint_is_named_with_what_to_do(tmp_path):
    cloud = LocalCloud(tmp_path / "localcloud")
    endpoint = cloud.start()
    s3 = Connection(LOCAL, endpoint.url).client("s3")
    s3.create_bucket(Bucket="site")
    s3.put_object(Bucket="site", Key="index.html", Body=b"x")
    assert list(remote_etags(s3, "site")) == ["index.html"]
    cloud.stop()
    with pytest.raises(AwsError) as caught:
        remote_etags(s3, "site")
    error = caught.value
    assert error.code == "EndpointUnreachable"
    assert error.action == "s3:ListObjectsV2"
    assert f"the embedded AWS endpoint at {endpoint.url} does not answer" in error.message
    assert "edgeform local status" in error.hint
    assert "edgeform deploy" in error.hint


@pytest.fixture
def aws_config(tmp_path, monkeypatch):
    """A user's AWS config with one profile, and no credentials anywhere else."""
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return config


def test_a_missing_profile_says_where_to_fix_it(aws_config):
    target = Target("aws", "aws", "us-east-1", profile="prod")
    with pytest.raises(AwsError) as caught:
        Connection(target).client("s3")
    assert caught.value.code == "ProfileNotFound"
    assert "'prod'" in caught.value.message
    assert "edgeform.toml" in caught.value.hint
    assert "aws configure --profile" in caught.value.hint


def test_no_credentials_says_how_to_give_them(aws_config, tmp_path):
    # The endpoint is never reached: botocore finds no credentials to sign with first.
    s3 = Connection(Target("aws", "aws", "us-east-1"), "http://127.0.0.1:9").client("s3")
    with pytest.raises(AwsError) as caught:
        remote_etags(s3, "site")
    assert caught.value.code == "NoCredentials"
    assert caught.value.action == "s3:ListObjectsV2"
    assert "AWS_PROFILE" in caught.value.hint
