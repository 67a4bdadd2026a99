"""The `aws` target as a user's account is: a named profile in real AWS config and credentials
files, AWS_ENDPOINT_URL, a bucket region other than us-east-1, shared state.

The embedded endpoint stands in for AWS through AWS_ENDPOINT_URL, which botocore, the AWS
provider and Terraform's S3 backend all honour, so the credential chain, the account-id
lookup and the two-region provider setup of the real path run, not the local target's dummies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeform.localcloud.endpoint import LocalCloud
from tests.conftest import copy_demo
from tests.terraform.processes import Project

pytestmark = pytest.mark.terraform
PROFILE = "edgeform-test"
STATE_BUCKET = "acme-edgeform-state"
STAGE_DIR = Path(".edgeform") / "stages" / "aws" / "main"


@pytest.fixture(scope="module")
def account(tmp_path_factory, terraform_environ):
    """A project whose aws target names a profile, with the AWS files that define it."""
    base = tmp_path_factory.mktemp("aws")
    cloud = LocalCloud(base / "endpoint")
    url = cloud.ensure_running()[0].url
    (base / "config").write_text(f"[profile {PROFILE}]\nregion = eu-west-1\n")
    (base / "credentials").write_text(
        f"[{PROFILE}]\naws_access_key_id = AKIAEDGEFORMTEST0001\n"
        "aws_secret_access_key = edgeform-test-secret\n"
    )
    environ = {
        **terraform_environ,
        "AWS_CONFIG_FILE": str(base / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(base / "credentials"),
        "AWS_ENDPOINT_URL": url,
    }
    for variable in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"):
        environ.pop(variable, None)
    root = copy_demo(base / "demo")
    config = root / "edgeform.toml"
    config.write_text(
        config.read_text().replace(
            '[targets.aws]\ntype = "aws"\nregion = "us-east-1"\n',
            f'[targets.aws]\ntype = "aws"\nregion = "eu-west-1"\nprofile = "{PROFILE}"\n',
        )
    )  # local state first: the test moves it to the state bucket
    project = Project(root, environ)
    yield project, url
    cloud.stop()


def test_a_named_profile_deploys_through_aws_endpoint_url(account, tmp_path):
    project, url = account
    code, output, _ = project.run("deploy", "main", tmp_path / "deploy.log", "--target", "aws")
    assert code == 0, output
    outputs = project.result(tmp_path / "deploy.log")["outputs"]
    # The account id came from STS through the profile's credentials: it names the bucket.
    assert outputs["bucket_name"] == "edgeform-demo--main--123456789012"
    s3 = project.client("s3", url)
    location = s3.get_bucket_location(Bucket=outputs["bucket_name"])["LocationConstraint"]
    assert location == "eu-west-1"  # the target's region; the functions are in us-east-1
    for function in outputs["functions"].values():
        assert function["qualified_arn"].startswith("arn:aws:lambda:us-east-1:123456789012:")
    assert (project.root / STAGE_DIR / "terraform.tfstate").is_file()  # no state bucket yet


def test_a_stage_moves_to_the_state_bucket_with_nothing_created_again(account, tmp_path):
    project, url = account
    config = project.root / "edgeform.toml"
    config.write_text(
        config.read_text().replace(
            f'profile = "{PROFILE}"\n',
            f'profile = "{PROFILE}"\nstate = {{ bucket = "{STATE_BUCKET}" }}\n',
        )
    )
    code, output, _ = project.run("deploy", "main", tmp_path / "early.log", "--target", "aws")
    assert code == 2  # no state bucket yet: refused before anything is touched
    assert f"state bucket {STATE_BUCKET} of target aws does not exist" in output
    assert "edgeform bootstrap --target aws" in output
    code, output, _ = project.run("bootstrap", None, tmp_path / "bootstrap.log", "--target", "aws")
    assert code == 0, output
    code, output, _ = project.run("deploy", "main", tmp_path / "moved.log", "--target", "aws")
    assert code == 0, output
    assert f"moved stage main's state to s3://{STATE_BUCKET}/" in output
    assert "state moved to the new backend" in output  # init ran, with -migrate-state
    plan = project.result(tmp_path / "moved.log")["plan"]
    assert plan == {"add": [], "change": [], "destroy": [], "import": [], "resources": []}
    state = project.client("s3", url).get_object(
        Bucket=STATE_BUCKET, Key="edgeform/edgeform-demo/aws/main/terraform.tfstate"
    )
    assert json.loads(state["Body"].read())["resources"]
    stage_dir = project.root / STAGE_DIR
    assert not (stage_dir / "terraform.tfstate").exists()
    assert (stage_dir / "terraform.tfstate.migrated").is_file()  # kept, never used again
    code, output, _ = project.run("plan", "main", tmp_path / "plan.log", "--target", "aws")
    assert code == 0, output  # the expiry tag, the two regions, the move: no diff


def test_a_profile_that_is_not_in_the_config_is_named(account, tmp_path):
    project, _ = account
    project.env["AWS_PROFILE"] = "nobody"  # the target's profile wins over AWS_PROFILE...
    try:
        code, output, _ = project.run("stages", None, tmp_path / "stages.log", "--target", "aws")
        assert code == 0, output
        assert [s["name"] for s in project.result(tmp_path / "stages.log")["stages"]] == ["main"]
    finally:
        project.env.pop("AWS_PROFILE")
    config = project.root / "edgeform.toml"
    text = config.read_text()
    config.write_text(text.replace(f'profile = "{PROFILE}"', 'profile = "missing"'))
    try:
        code, output, _ = project.run("stages", None, tmp_path / "missing.log", "--target", "aws")
    finally:
        config.write_text(text)
    assert code == 1
    assert "AWS profile 'missing' is not in the AWS config" in output
    assert "Traceback" not in output
