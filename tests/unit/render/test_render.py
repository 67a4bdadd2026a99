"""Rendering is pure: the model and bundles in, Terraform text out."""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

import pytest

from edgeform.build.bundle import Bundle
from edgeform.config import load_project
from edgeform.errors import RenderError
from edgeform.model.state import StateBucket
from edgeform.render.stack import render_stack, write_stack
from tests.conftest import override_template, stage


def bundles_for(project):
    return [
        Bundle(name, project.root / f"{name}.zip", 10, f"{i:064x}")
        for i, name in enumerate(sorted(project.functions))
    ]


def rendered(project, target=None, name="main"):
    return render_stack(project, stage(name), project.target(target), bundles_for(project))


def test_demo_files(demo):
    stack = rendered(demo)
    assert sorted(stack.files) == [
        "bucket.tf",
        "distribution.tf",
        "functions.tf",
        "iam.tf",
        "locals.tf",
        "outputs.tf",
        "providers.tf",
        "variables.tf",
        "versions.tf",
    ]
    assert all(text.endswith("\n") and not text.endswith("\n\n") for text in stack.files.values())


def test_triggers_point_at_published_numbered_versions(demo):
    text = rendered(demo).files["distribution.tf"]
    associations = re.findall(r'event_type\s+= "([a-z-]+)"\n\s+lambda_arn\s+= (.+)', text)
    # The version a rollback pinned (edgeform rollback), else the version just published.
    assert associations == [
        (
            "viewer-request",
            'try("${aws_lambda_function.redirect.arn}:${var.pinned_versions["redirect"]}", '
            "aws_lambda_function.redirect.qualified_arn)",
        ),
        (
            "origin-response",
            'try("${aws_lambda_function.security-headers.arn}:'
            '${var.pinned_versions["security-headers"]}", '
            "aws_lambda_function.security-headers.qualified_arn)",
        ),
    ]
    functions = rendered(demo).files["functions.tf"]
    assert functions.count("publish = true") == 2
    code = [ln for ln in (text + functions).splitlines() if not ln.strip().startswith("#")]
    assert not [ln for ln in code if "$LATEST" in ln or ":function:" in ln]


def test_source_code_hash_is_the_bundles_sha256(demo):
    bundles = bundles_for(demo)
    stack = render_stack(demo, stage("main"), demo.target(None), bundles)
    for bundle in bundles:
        assert f'source_code_hash = "{bundle.base64_sha256}"' in stack.files["functions.tf"]


def in_region(project, target_name, region):
    changed = dataclasses.replace(project.targets[target_name], region=region)
    return dataclasses.replace(
        project, targets=MappingProxyType({**project.targets, target_name: changed})
    )


def test_functions_get_a_us_east_1_provider_when_the_target_is_elsewhere(demo):
    stack = rendered(in_region(demo, "aws", "eu-west-1"), target="aws")
    assert stack.files["functions.tf"].count("provider = aws.us_east_1") == 2
    assert 'alias = "us_east_1"\n\n  region = "us-east-1"' in stack.files["providers.tf"]
    assert re.search(r'region\s+= "eu-west-1"', stack.files["providers.tf"])


@pytest.mark.parametrize("target", ["aws", "local"])
def test_one_provider_configuration_in_use_when_the_target_is_in_us_east_1(demo, target):
    # One configuration in use is one provider process per Terraform step, not two. The
    # alias stays, unused, for the functions of states made when it was used.
    stack = rendered(demo, target=target)
    assert "provider =" not in stack.files["functions.tf"]
    assert "aws.us_east_1" not in "".join(stack.files.values())
    assert 'alias = "us_east_1"' in stack.files["providers.tf"]


def test_local_target_points_every_service_at_the_embedded_endpoint(demo):
    providers = rendered(demo).files["providers.tf"]
    assert providers.count("= var.aws_endpoint") == 12
    aws = rendered(demo, target="aws").files
    assert "aws_endpoint" not in aws["variables.tf"]  # only pinned_versions, for rollback
    assert "var.aws_endpoint" not in aws["providers.tf"]


def test_bucket_is_private_and_only_this_distribution_reads_it(demo):
    bucket = rendered(demo).files["bucket.tf"]
    for setting in (
        "block_public_acls       = true",
        "restrict_public_buckets = true",
        'object_ownership = "BucketOwnerEnforced"',
        'sse_algorithm = "AES256"',
        '{ StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.site.arn } }',
        'Action    = "s3:GetObject"',
        'Condition = { Bool = { "aws:SecureTransport" = "false" } }',
    ):
        assert setting in bucket


def test_role_trusts_lambda_and_edgelambda_and_may_only_write_logs(demo):
    iam = rendered(demo).files["iam.tf"]
    trust = iam[iam.index('"edge_trust"') : iam.index('resource "aws_iam_role"')]
    lambda_statement, edge_statement = trust.split("statement {")[1:]
    assert 'identifiers = ["lambda.amazonaws.com"]' in lambda_statement
    # The confused-deputy guard Lambda documents, on Lambda's own principal only.
    assert 'variable = "aws:SourceAccount"' in lambda_statement
    assert "values   = [data.aws_caller_identity.current.account_id]" in lambda_statement
    assert 'identifiers = ["edgelambda.amazonaws.com"]' in edge_statement
    assert "condition" not in edge_statement
    actions = re.findall(r"actions\s+= \[(.*)\]", iam)
    assert actions == [
        '"sts:AssumeRole"',
        '"sts:AssumeRole"',
        '"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"',
    ]


def test_all_four_triggers_and_ordered_behaviors(tmp_path, demo_dir):
    config = demo_dir / "edgeform.toml"
    config.write_text(
        config.read_text()
        + """
[[behaviors]]
path_pattern = "/api/*"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
forward_query_string = false
triggers = [
  { event = "viewer-response", function = "security-headers" },
  { event = "origin-request", function = "redirect", include_body = true },
  { event = "viewer-request", function = "redirect", include_body = true },
  { event = "origin-response", function = "security-headers" },
]

[[behaviors]]
path_pattern = "/static/*.js"
"""
    )
    stack = rendered(load_project(config))
    text = stack.files["distribution.tf"]
    assert re.search(
        r'path_patterns +=  *\["/api/\*", "/static/\*\.js"\]', stack.files["locals.tf"]
    )
    assert re.findall(r"path_pattern\s+= (.*)", text) == [
        "local.path_patterns[0]",
        "local.path_patterns[1]",
    ]
    api = text.split("ordered_cache_behavior")[1]
    assert re.findall(r'event_type\s+= "(.*)"', api) == [
        "viewer-request",
        "origin-request",
        "origin-response",
        "viewer-response",
    ]
    assert re.findall(r"include_body = (\w+)", api) == ["true", "true", "false", "false"]
    assert 'cached_methods         = ["GET", "HEAD", "OPTIONS"]' in api


def test_user_strings_are_escaped(tmp_path, demo_dir):
    config = demo_dir / "edgeform.toml"
    config.write_text(
        config.read_text().replace(
            'price_class = "PriceClass_100"',
            'price_class = "PriceClass_100"\ncomment = "${file(\\"/etc/passwd\\")} %{ if true }"',
        )
    )
    text = rendered(load_project(config)).files["locals.tf"]
    assert r'comment             = "$${file(\"/etc/passwd\")} %%{ if true }"' in text


def test_a_template_that_emits_a_raw_value_is_refused(demo_dir):
    extra = override_template(demo_dir, "extra.tf.j2")
    extra.write_text('locals {\n  x = "{{ project.name }}"\n}\n')
    with pytest.raises(RenderError, match=r"emits 'edgeform-demo' without \| hcl"):
        rendered(load_project(demo_dir / "edgeform.toml"))


def test_an_override_replaces_a_shipped_template_and_adds_its_own(demo_dir):
    shipped = rendered(load_project(demo_dir / "edgeform.toml"))
    outputs = override_template(demo_dir, "outputs.tf.j2")
    outputs.write_text(outputs.read_text() + '\noutput "extra" {\n  value = 1\n}\n')
    override_template(demo_dir, "extra.tf.j2").write_text("locals {\n  y = 2\n}\n")
    stack = rendered(load_project(demo_dir / "edgeform.toml"))
    assert set(stack.files) == {*shipped.files, "extra.tf"}
    assert stack.files["outputs.tf"].endswith('output "extra" {\n  value = 1\n}\n')
    assert stack.files["bucket.tf"] == shipped.files["bucket.tf"]
    assert stack.sources["outputs.tf"] == outputs
    assert stack.sources["bucket.tf"] == shipped.sources["bucket.tf"]


def test_an_empty_override_folder_renders_the_shipped_templates(demo_dir):
    shipped = rendered(load_project(demo_dir / "edgeform.toml"))
    (demo_dir / "empty").mkdir()
    config = demo_dir / "edgeform.toml"
    config.write_text(config.read_text().replace("[project]\n", '[project]\ntemplates = "empty"\n'))
    assert rendered(load_project(config)).files == shipped.files


def test_write_stack_removes_stale_files_and_keeps_state(demo, tmp_path):
    out = tmp_path / "stage"
    out.mkdir()
    (out / "old.tf").write_text("# from an earlier render\n")
    (out / "terraform.tfstate").write_text("{}")
    write_stack(rendered(demo), out)
    assert not (out / "old.tf").exists()
    assert (out / "terraform.tfstate").exists()
    assert (out / "bucket.tf").is_file()


def test_missing_bundle_is_an_error(demo):
    with pytest.raises(RenderError, match="no bundle for function redirect"):
        render_stack(demo, stage("main"), demo.target(None), [])


def test_rendering_is_deterministic(demo):
    assert rendered(demo).files == rendered(demo).files


def with_state(project, target_name):
    """The project with a state bucket on one of its targets."""
    target = project.targets[target_name]
    changed = dataclasses.replace(target, state=StateBucket("acme-state", "eu-west-1", "ci"))
    targets = MappingProxyType({**project.targets, target_name: changed})
    return dataclasses.replace(project, targets=targets)


def test_without_a_state_bucket_the_state_is_a_local_file(demo):
    versions = rendered(demo).files["versions.tf"]
    assert 'backend "local"' in versions
    assert 'backend "s3"' not in versions


def test_a_state_bucket_renders_an_s3_backend_with_a_lock_file(demo):
    versions = rendered(with_state(demo, "aws"), "aws", "feature/a").files["versions.tf"]
    assert 'backend "s3"' in versions
    assert re.search(
        r'key\s+= "ci/edgeform-demo/aws/feature-a-h[0-9a-f]{8}/terraform.tfstate"', versions
    )
    assert re.search(r'region\s+= "eu-west-1"', versions)
    assert re.search(r"use_lockfile\s+= true", versions)
    assert 'required_version = ">= 1.10.0"' in versions  # the S3 lock file needs 1.10
    assert "access_key" not in versions  # an aws target's credentials: the standard chain
    local = rendered(with_state(demo, "local"), "local").files["versions.tf"]
    assert re.search(r'access_key\s+= "edgeform-local"', local)  # dummies, never real ones
    assert re.search(r"use_path_style\s+= true", local)


def test_the_providers_ignore_the_expiry_tag_edgeform_sets_itself(demo):
    providers = rendered(demo).files["providers.tf"]
    assert providers.count('keys = ["edgeform:expires"]') == 2


def test_a_project_without_functions_renders_no_logs_policy(tmp_path):
    """IAM refuses a policy statement without resources (MalformedPolicyDocument): with no
    function there is no log group to grant, so no policy at all."""
    (tmp_path / "site").mkdir()
    (tmp_path / "edgeform.toml").write_text('[project]\nname = "bare"\n')
    project = load_project(tmp_path / "edgeform.toml")
    iam = rendered(project).files["iam.tf"]
    assert 'resource "aws_iam_role" "edge"' in iam
    assert "edge_logs" not in iam


def test_access_logs_go_to_the_given_bucket_under_the_stages_prefix(tmp_path):
    """Terraform's logging_config takes the bucket's domain name; stages sharing the bucket
    keep their logs apart by prefix; the deployer may read and write the bucket's ACL, which
    CloudFront's standard logging needs (Developer Guide, "Configure standard logging")."""
    from edgeform.render.iam_policy import deploy_policy

    (tmp_path / "site").mkdir()
    (tmp_path / "edgeform.toml").write_text(
        '[project]\nname = "logged"\nlogging = { bucket = "acme-cf-logs" }\n'
    )
    project = load_project(tmp_path / "edgeform.toml")
    stack = rendered(project, name="feature/x")
    assert 'bucket          = "acme-cf-logs.s3.amazonaws.com"' in stack.files["distribution.tf"]
    slug = stack.stage.slug
    lines = stack.files["locals.tf"].splitlines()
    prefix_line = next(line for line in lines if "log_prefix" in line)
    assert prefix_line.split("=", 1)[1].strip() == f'"logged/{slug}/"'
    policy = deploy_policy(project, project.target(None), "123456789012")
    acl = [s for s in policy["Statement"] if s["Sid"] == "AccessLogsBucketAcl"]
    assert acl[0]["Resource"] == ["arn:aws:s3:::acme-cf-logs"]
