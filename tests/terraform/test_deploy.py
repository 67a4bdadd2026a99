"""Deploy and destroy end to end: the real Terraform and AWS provider, the embedded endpoint.

The tests of this module run in order on one project copy, as a user would: deploy from
nothing, deploy again unchanged, change a function, change a site file in a fresh copy, a
second stage beside the first, then destroy. Each deploy costs a Terraform plan and apply, so
they build on each other instead of starting over.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.aws.cloudfront import CloudFront
from edgeform.aws.session import Connection
from edgeform.cli import cli
from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.distribution import GeoRestriction
from edgeform.model.project import Target
from tests.conftest import copy_demo

pytestmark = pytest.mark.terraform


class Project:
    def __init__(self, root: Path, environ: dict[str, str]) -> None:
        self.root = root
        self.env = {
            "EDGEFORM_PROVIDER_MIRROR": environ["EDGEFORM_PROVIDER_MIRROR"],
            "TF_CLI_CONFIG_FILE": None,
            "EDGEFORM_STAGE": None,
            "GITHUB_HEAD_REF": None,
            "GITHUB_REF_NAME": None,
        }
        self.cloud = LocalCloud(root / ".edgeform" / "localcloud")

    def edgeform(self, *args: str, expect: int = 0):
        result = CliRunner().invoke(
            cli, ["--config", str(self.root / "edgeform.toml"), *args], env=self.env
        )
        assert result.exit_code == expect, result.stderr + (str(result.exception) or "")
        return result

    def deploy(self, stage: str = "main") -> dict:
        return json.loads(self.edgeform("deploy", "--stage", stage, "--output", "json").stdout)

    def client(self, service: str):
        endpoint = self.cloud.status()
        assert endpoint is not None
        return Connection(Target("local", "local", "us-east-1"), endpoint.url).client(service)


@pytest.fixture(scope="module")
def project(tmp_path_factory, terraform_environ):
    made = Project(copy_demo(tmp_path_factory.mktemp("deploy") / "demo"), terraform_environ)
    yield made
    made.cloud.stop()


@pytest.fixture(scope="module")
def first(project):
    return project.deploy()


def versions(result: dict) -> dict[str, str]:
    return {name: fn["version"] for name, fn in result["outputs"]["functions"].items()}


def test_first_deploy_wires_version_1_and_uploads_the_site(project, first):
    outputs = first["outputs"]
    assert versions(first) == {"redirect": "1", "security-headers": "1"}
    wired = {
        (a.path_pattern, a.event): a.arn
        for a in CloudFront(project.client("cloudfront")).associations(outputs["distribution_id"])
    }
    assert wired == {
        (None, "viewer-request"): outputs["functions"]["redirect"]["qualified_arn"],
        (None, "origin-response"): outputs["functions"]["security-headers"]["qualified_arn"],
    }
    assert all(arn.endswith(":1") for arn in wired.values())
    s3 = project.client("s3")
    types = {
        key: s3.head_object(Bucket=outputs["bucket_name"], Key=key)["ContentType"]
        for key in ("404.html", "index.html", "other.html", "script.js", "edgeform-config.js")
    }
    assert types == {
        "404.html": "text/html; charset=utf-8",
        "index.html": "text/html; charset=utf-8",
        "other.html": "text/html; charset=utf-8",
        "script.js": "text/javascript; charset=utf-8",
        "edgeform-config.js": "text/javascript; charset=utf-8",
    }
    head = s3.head_object(Bucket=outputs["bucket_name"], Key="index.html")
    assert head["CacheControl"] == "no-cache"
    assert sorted(first["uploaded"]) == sorted(types)


def test_second_deploy_changes_nothing(project, first):
    cloudfront = project.client("cloudfront")
    etag = cloudfront.get_distribution(Id=first["outputs"]["distribution_id"])["ETag"]
    again = project.deploy()
    assert again["plan"] == {"add": [], "change": [], "destroy": [], "import": [], "resources": []}
    assert versions(again) == versions(first)
    assert again["uploaded"] == again["deleted"] == []
    assert again["invalidation"] is None
    assert cloudfront.get_distribution(Id=first["outputs"]["distribution_id"])["ETag"] == etag
    lam = project.client("lambda")
    published = lam.list_versions_by_function(FunctionName="edgeform-demo--main--redirect")
    assert [v["Version"] for v in published["Versions"]] == ["$LATEST", "1"]


def init_step(result) -> str:
    return next(line for line in result.stderr.splitlines() if " init " in f"{line} ")


def test_a_deploy_runs_terraform_init_only_when_the_lock_file_changed(project, first):
    unchanged = project.edgeform("deploy", "--stage", "main")
    assert "providers and backend unchanged since the last init" in init_step(unchanged)
    # (and, in text, how to see the site: the embedded endpoint's address resolves nowhere)
    assert "`edgeform serve --from-stage main --target local`" in unchanged.stderr
    lock_file = project.root / ".edgeform" / "stages" / "local" / "main" / ".terraform.lock.hcl"
    lock_file.write_text(lock_file.read_text() + "# reviewed\n")
    touched = project.edgeform("deploy", "--stage", "main")
    assert "providers ready" in init_step(touched)
    again = project.edgeform("deploy", "--stage", "main")
    assert "unchanged since the last init" in init_step(again)


def test_drift_behind_edgeforms_back_is_seen_and_repaired(project, first):
    bucket = first["outputs"]["bucket_name"]
    s3 = project.client("s3")
    s3.put_public_access_block(  # someone opens the bucket by hand
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    repaired = project.deploy()
    assert repaired["plan"]["change"] == ["aws_s3_bucket_public_access_block.site"]
    settings = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert set(settings.values()) == {True}
    assert project.deploy()["plan"]["change"] == []


def test_serve_from_stage_serves_the_deployed_versions_not_the_working_tree(project, first):
    source = project.root / "functions" / "redirect" / "app.py"
    original = source.read_text()
    source.write_text(
        "def handler(event, context):\n    return {'status': '418', 'body': 'the working tree'}\n"
    )
    try:
        invoked = project.edgeform(
            "invoke", "redirect", "--trigger", "viewer-request", "--output", "json"
        )
        assert json.loads(invoked.stdout)["result"]["status"] == "418"  # the edit is real

        with served_from_stage(project, "main") as get:
            redirected = get("/index.html?username=octocat", {"Referer": "http://x/index.html"})
            assert redirected.status == 302  # version 1 of redirect, as deployed
            assert redirected.getheader("Location").endswith("/other.html?username=octocat")
            page = get("/index.html", {})
            assert page.status == 200
            assert "connect-src https://api.github.com" in page.getheader("Content-Security-Policy")
            assert b"<form" in page.read()  # from the bucket
            assert page.getheader("X-Cache") == "Miss from cloudfront"
    finally:
        source.write_text(original)


@contextlib.contextmanager
def served_from_stage(project, stage: str):
    env = {**os.environ, **{k: v for k, v in project.env.items() if v is not None}}
    env.pop("TF_CLI_CONFIG_FILE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "edgeform", "--config", str(project.root / "edgeform.toml"),
         "serve", "--from-stage", stage, "--target", "local", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        seen = []
        for line in process.stdout:
            seen.append(line)
            match = re.search(r"on http://127\.0\.0\.1:(\d+)/", line)
            if match:
                break
        else:
            raise AssertionError("serve --from-stage did not start:\n" + "".join(seen))
        assert "deployed stage main" in seen[-1]
        port = int(match.group(1))

        def get(path, headers):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", path, headers=headers)
            return connection.getresponse()

        yield get
    finally:
        process.terminate()
        process.wait(10)


CACHE_POLICIES = """
[cache_policies.keyed]
default_ttl = 60
headers = ["CloudFront-Viewer-Country"]
cookies = ["session"]
query_strings = ["page"]

[origin_request_policies.viewer-info]
headers = ["CloudFront-Viewer-Country", "CloudFront-Is-Mobile-Viewer"]
query_strings = "all"

[response_headers_policies.headers]
content_security_policy = "default-src 'self'"
strict_transport_security = { max_age = 63072000, include_subdomains = true }
frame_options = "DENY"
content_type_options = true
referrer_policy = "same-origin"
custom_headers = { "X-Robots-Tag" = "noindex" }
remove_headers = ["Server"]

[response_headers_policies.headers.cors]
allow_origins = ["https://example.com"]
allow_methods = ["GET"]
allow_headers = ["X-Token"]
max_age = 600

[[behaviors]]
path_pattern = "/keyed/*"
cache_policy = "keyed"
origin_request_policy = "viewer-info"
response_headers_policy = "headers"

[[behaviors]]
path_pattern = "/live/*"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
response_headers_policy = "CORS-With-Preflight"
viewer_protocol_policy = "https-only"
"""


def test_policies_are_made_attached_read_back_and_plan_clean(project, first):
    """A cache or origin request policy of the project's own becomes a Terraform resource the
    behavior names by ID; AWS's managed CachingDisabled and AllViewerExceptHostHeader are
    attached by their published IDs (Developer Guide, "Use managed cache policies", "Use managed
    origin request policies"); a plan right after changes nothing; dropping them deletes the
    project's policies after the behaviors let go of them."""
    config = project.root / "edgeform.toml"
    original = config.read_text()
    config.write_text(original + CACHE_POLICIES)
    try:
        added = project.deploy()["plan"]["add"]
        assert "aws_cloudfront_cache_policy.keyed" in added
        assert "aws_cloudfront_origin_request_policy.viewer-info" in added
        assert "aws_cloudfront_response_headers_policy.headers" in added
        project.edgeform("plan", "--stage", "main", expect=0)
        cloudfront = project.client("cloudfront")
        behaviors = cloudfront.get_distribution_config(Id=first["outputs"]["distribution_id"])[
            "DistributionConfig"
        ]["CacheBehaviors"]["Items"]
        ids = {b["PathPattern"]: b["CachePolicyId"] for b in behaviors}
        assert ids["/live/*"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
        made = cloudfront.get_cache_policy(Id=ids["/keyed/*"])["CachePolicy"]["CachePolicyConfig"]
        assert made["Name"] == "edgeform-demo--main--keyed"
        key = made["ParametersInCacheKeyAndForwardedToOrigin"]
        assert key["HeadersConfig"]["Headers"]["Items"] == ["CloudFront-Viewer-Country"]
        assert key["QueryStringsConfig"]["QueryStrings"]["Items"] == ["page"]
        assert key["CookiesConfig"]["Cookies"]["Items"] == ["session"]
        assert all("ForwardedValues" not in b for b in behaviors)
        origin_ids = {b["PathPattern"]: b["OriginRequestPolicyId"] for b in behaviors}
        assert origin_ids["/live/*"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
        sent = cloudfront.get_origin_request_policy(Id=origin_ids["/keyed/*"])[
            "OriginRequestPolicy"
        ]["OriginRequestPolicyConfig"]
        assert sent["Name"] == "edgeform-demo--main--viewer-info"
        assert sent["HeadersConfig"]["Headers"]["Items"] == [
            "CloudFront-Viewer-Country",
            "CloudFront-Is-Mobile-Viewer",
        ]
        headers_ids = {b["PathPattern"]: b["ResponseHeadersPolicyId"] for b in behaviors}
        assert headers_ids["/live/*"] == "5cc3b908-e619-4b99-88e5-2cf7f45965bd"
        made_headers = cloudfront.get_response_headers_policy(Id=headers_ids["/keyed/*"])[
            "ResponseHeadersPolicy"
        ]["ResponseHeadersPolicyConfig"]
        assert made_headers["Name"] == "edgeform-demo--main--headers"
        read_back = CloudFront(cloudfront).response_headers_policy(headers_ids["/keyed/*"])
        assert read_back.added_headers() == [
            ("Content-Security-Policy", "default-src 'self'"),
            ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("X-Robots-Tag", "noindex"),
        ]
        assert read_back.remove_headers == ("Server",)
        assert read_back.cors is not None
        assert read_back.cors.max_age == 600
    finally:
        config.write_text(original)
    removed = project.deploy()["plan"]["destroy"]
    assert sorted(removed) == [
        "aws_cloudfront_cache_policy.keyed",
        "aws_cloudfront_origin_request_policy.viewer-info",
        "aws_cloudfront_response_headers_policy.headers",
    ]


def test_a_policy_left_tainted_by_an_interrupted_apply_is_kept_not_replaced(project, first):
    """Replacing a tainted policy would create its twin first (create_before_destroy), which
    CloudFront refuses by name ("...AlreadyExists"; found by the SIGINT fault test): the deploy
    untaints it, the policy being whole once its one create call returned."""
    import subprocess

    address = "aws_cloudfront_response_headers_policy.security"
    stage_dir = project.root / ".edgeform" / "stages" / "local" / "main"
    tainted = subprocess.run(
        ["terraform", "taint", address], cwd=stage_dir, capture_output=True, text=True
    )
    assert tainted.returncode == 0, tainted.stderr
    result = project.edgeform("deploy", "--stage", "main", "--output", "json")
    assert f"{address} was left tainted by an interrupted deploy: kept" in result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert address not in plan["add"] + plan["destroy"]


ORIGINS = """
[origins.api]
domain_name = "api.example.com"
origin_path = "/v1"
read_timeout = 20
custom_headers = { "X-From-Edge" = "1" }
local_url = "http://127.0.0.1:8081"

[origins.backup]
domain_name = "backup.example.com"
origin_protocol_policy = "http-only"

[origin_groups.site-with-backup]
primary = "site"
failover = "backup"
failover_status_codes = [403, 500]

[[behaviors]]
path_pattern = "/v1/*"
target_origin = "api"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]

[[behaviors]]
path_pattern = "/img/*"
target_origin = "site-with-backup"
"""


def test_custom_origins_and_groups_are_deployed_read_back_and_plan_clean(project, first):
    """Terraform's origin (custom_origin_config, custom_header) and origin_group blocks; the
    behaviors target them by ID; what CloudFront holds reads back as the config said."""
    config = project.root / "edgeform.toml"
    original = config.read_text()
    distribution = (
        '[project]\nhttp_version = "http2and3"\n'
        'geo_restriction = { restriction_type = "blacklist", locations = ["KP", "CU"] }\n'
        'logging = { bucket = "acme-cf-logs", include_cookies = true }\n'
    )
    config.write_text(original.replace("[project]\n", distribution, 1) + ORIGINS)
    try:
        assert project.deploy()["plan"]["change"] == ["aws_cloudfront_distribution.site"]
        project.edgeform("plan", "--stage", "main", expect=0)
        deployed = CloudFront(project.client("cloudfront")).distribution(
            first["outputs"]["distribution_id"]
        )
        api, backup = sorted(deployed.origins, key=lambda o: o.name)
        assert (api.domain_name, api.origin_path, api.read_timeout) == (
            "api.example.com",
            "/v1",
            20,
        )
        assert api.custom_headers == (("X-From-Edge", "1"),)
        assert (backup.protocol_policy, backup.local_url) == ("http-only", None)
        (group,) = deployed.origin_groups
        assert (group.primary, group.failover) == ("site", "backup")
        assert group.failover_status_codes == (403, 500)
        assert deployed.geo_restriction == GeoRestriction("blacklist", ("KP", "CU"))
        config_read = project.client("cloudfront").get_distribution_config(
            Id=first["outputs"]["distribution_id"]
        )["DistributionConfig"]
        assert config_read["HttpVersion"] == "http2and3"
        assert config_read["Logging"] == {
            "Enabled": True,
            "IncludeCookies": True,
            "Bucket": "acme-cf-logs.s3.amazonaws.com",
            "Prefix": "edgeform-demo/main/",
        }
        targets = {b.path_pattern: b.target_origin for b in deployed.behaviors}
        assert (targets["/v1/*"], targets["/img/*"], targets[None]) == (
            "api",
            "site-with-backup",
            "site",
        )
    finally:
        config.write_text(original)
    assert project.deploy()["plan"]["change"] == ["aws_cloudfront_distribution.site"]


def test_a_function_change_reaches_cloudfront_in_one_deploy(project, first):
    source = project.root / "functions" / "redirect" / "app.py"
    source.write_text(source.read_text() + "\n# a change\n")
    planned = json.loads(
        project.edgeform("plan", "--stage", "main", "--output", "json", expect=3).stdout
    )
    # The new version and the trigger that points at it; nothing else.
    assert planned["change"] == ["aws_cloudfront_distribution.site", "aws_lambda_function.redirect"]
    assert planned["add"] == planned["destroy"] == []

    changed = project.deploy()
    assert versions(changed) == {"redirect": "2", "security-headers": "1"}
    wired = {
        a.event: a.arn
        for a in CloudFront(project.client("cloudfront")).associations(
            first["outputs"]["distribution_id"]
        )
    }
    assert wired["viewer-request"].endswith("edgeform-demo--main--redirect:2")
    assert (
        wired["origin-response"]
        == first["outputs"]["functions"]["security-headers"]["qualified_arn"]
    )


def wired_to(project, first) -> dict[str, str]:
    distribution = first["outputs"]["distribution_id"]
    found = CloudFront(project.client("cloudfront")).associations(distribution)
    return {a.event: a.arn for a in found}


def test_rollback_holds_a_function_on_an_older_version_until_the_next_deploy(project, first):
    source = project.root / "functions" / "redirect" / "app.py"
    original = source.read_text()
    source.write_text(
        "def handler(event, context):\n"
        "    return {'status': '418', 'statusDescription': 'teapot', 'body': 'version 3'}\n"
    )
    try:
        assert versions(project.deploy()) == {"redirect": "3", "security-headers": "1"}
        with served_from_stage(project, "main") as get:
            assert get("/index.html", {}).status == 418
        rolled = project.edgeform(
            "rollback", "redirect", "--to", "1", "--stage", "main", "--output", "json"
        )
        assert json.loads(rolled.stdout)["version"] == 1
        assert wired_to(project, first)["viewer-request"].endswith("--main--redirect:1")
        project.edgeform("plan", "--stage", "main", expect=0)  # rolled back, and stays so
        listed = json.loads(
            project.edgeform("versions", "redirect", "--stage", "main", "--output", "json").stdout
        )["versions"]
        by_number = {v["version"]: v for v in listed}
        assert sorted(by_number) == [1, 2, 3]
        assert by_number[1]["pinned"]
        assert by_number[1]["triggers"] == ["viewer-request of behavior default"]
        assert by_number[3]["latest"]
        assert by_number[3]["triggers"] == []
        assert len({v["code_sha256"] for v in listed}) == 3
        with served_from_stage(project, "main") as get:  # version 1's code: the redirect
            redirected = get("/index.html?username=octocat", {"Referer": "http://x/index.html"})
            assert redirected.status == 302
        project.deploy()  # a plain deploy: the current code's version again
        assert wired_to(project, first)["viewer-request"].endswith("--main--redirect:3")

        # Prune keeps the version in use; version 1 was wired a moment ago, so CloudFront
        # still replicates it: pending, for gc.
        pruned = json.loads(
            project.edgeform("prune", "--keep", "1", "--stage", "main", "--output", "json").stdout
        )
        assert sorted(pruned["deleted"] + pruned["pending"]) == ["redirect:1", "redirect:2"]
        assert "redirect:1" in pruned["pending"]
        assert sorted(pruned["kept"]) == ["redirect:3", "security-headers:1"]
        collected = project.edgeform("gc", "--wait", "--timeout", "3m", "--output", "json")
        assert json.loads(collected.stdout)["functions"]["pending"] == []
        left = project.edgeform("versions", "redirect", "--stage", "main", "--output", "json")
        assert [v["version"] for v in json.loads(left.stdout)["versions"]] == [3]
    finally:
        source.write_text(original)


def test_a_site_change_in_a_fresh_checkout_uploads_only_that_file(project, first, tmp_path):
    from edgeform.aws.cloudfront import CloudFront
    from edgeform.build.site import site_files
    from edgeform.config import load_project
    from edgeform.console import Console
    from edgeform.deploy import pipeline
    from edgeform.deploy.run import Run
    from edgeform.model.stage import Stage

    fresh = copy_demo(tmp_path / "fresh")  # every file time is new
    shutil.copytree(project.root / "functions", fresh / "functions", dirs_exist_ok=True)
    (fresh / "site" / "other.html").write_text(
        (fresh / "site" / "other.html").read_text().replace("Loading…", "Loading, please wait…")
    )
    loaded = load_project(fresh / "edgeform.toml")
    run = Run(loaded, loaded.target(None), Console(json_output=True, color=False), {})
    run = run.for_stage(Stage("main", "main", "test"))
    context = run.context
    s3, cloudfront = project.client("s3"), CloudFront(project.client("cloudfront"))
    files = site_files(loaded.site_dir, context.build_values)
    synced = pipeline.sync(run, s3, first["outputs"]["bucket_name"], files)
    assert synced.uploaded == ("other.html",)
    assert synced.deleted == ()
    invalidation = pipeline.invalidate_changes(
        run, cloudfront, first["outputs"]["distribution_id"], synced
    )
    batch = cloudfront.client.get_invalidation(
        DistributionId=first["outputs"]["distribution_id"], Id=invalidation
    )["Invalidation"]["InvalidationBatch"]
    assert batch["Paths"]["Items"] == ["/other.html"]


def test_two_stages_side_by_side_and_destroy_leaves_nothing(project, first):
    second = project.deploy("feature/Second")
    assert second["outputs"]["bucket_name"] != first["outputs"]["bucket_name"]
    assert second["outputs"]["distribution_id"] != first["outputs"]["distribution_id"]
    slug = second["stage"]
    assert (project.root / ".edgeform" / "stages" / "local" / slug / "terraform.tfstate").is_file()

    destroyed = project.edgeform(
        "destroy", "--stage", "feature/Second", "--yes", "--output", "json"
    )
    prefix = f"edgeform-demo--{slug}--"
    # CloudFront keeps replicas of the functions for a while (hours on AWS, 30 s here): the
    # destroy ends at once, leaving them pending; gc --wait deletes them once AWS allows.
    functions = json.loads(destroyed.stdout)["functions"]
    assert functions["pending"] == [f"{prefix}redirect", f"{prefix}security-headers"]
    collected = project.edgeform("gc", "--wait", "--timeout", "3m", "--output", "json")
    assert json.loads(collected.stdout)["functions"]["deleted"] == functions["pending"]

    s3, lam, iam = project.client("s3"), project.client("lambda"), project.client("iam")
    cloudfront = project.client("cloudfront")
    assert not [b for b in s3.list_buckets()["Buckets"] if b["Name"].startswith(prefix)]
    assert not [
        f for f in lam.list_functions()["Functions"] if f["FunctionName"].startswith(prefix)
    ]
    assert not [r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)]
    distributions = cloudfront.list_distributions()["DistributionList"].get("Items", [])
    assert [d["Id"] for d in distributions] == [first["outputs"]["distribution_id"]]

    # The first stage still stands, untouched: its distribution, wiring, bucket and functions.
    outputs = first["outputs"]
    wired = CloudFront(cloudfront).associations(outputs["distribution_id"])
    assert {a.event for a in wired} == {"viewer-request", "origin-response"}
    assert s3.head_object(Bucket=outputs["bucket_name"], Key="index.html")
    assert lam.get_function(FunctionName="edgeform-demo--main--redirect")


def test_protected_stage_refuses_destroy_and_touches_nothing(project):
    before = sorted(p.name for p in (project.root / ".edgeform" / "stages" / "local").iterdir())
    result = project.edgeform("destroy", "--stage", "production", "--yes", expect=2)
    assert "stage production is protected in edgeform.toml; nothing was changed" in result.stderr
    assert "--force-protected" in result.stderr
    after = sorted(p.name for p in (project.root / ".edgeform" / "stages" / "local").iterdir())
    assert after == before


def test_outputs_command(project, first):
    result = project.edgeform("outputs", "--stage", "main", "--output", "json")
    assert json.loads(result.stdout)["distribution_id"] == first["outputs"]["distribution_id"]
