"""The lint rules, called directly on a model, bundle sizes and rendered HCL (the CLI runs of
tests/functional/test_lint.py check the same rules end to end)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from edgeform.errors import ConfigProblem
from edgeform.lint import lint_config, lint_stack
from edgeform.lint.catalog import RULES, BundleInfo
from edgeform.lint.model_rules import check_model
from edgeform.lint.terraform_rules import check_rendered
from edgeform.model.lambda_edge import BEHAVIOR_QUOTA, PACKAGE_BYTES
from edgeform.model.project import Behavior


def with_function(project, name, **changes):
    functions = dict(project.functions)
    functions[name] = dataclasses.replace(functions[name], **changes)
    return dataclasses.replace(project, functions=MappingProxyType(functions))


def rules(findings):
    return [f.rule for f in findings]


def test_the_demo_model_is_clean(repo_demo):
    assert check_model(repo_demo, []) == []


@pytest.mark.parametrize(
    ("changes", "rule", "message"),
    [
        ({"runtime": "python3.9"}, "LE101", "is deprecated"),
        ({"runtime": "ruby3.3"}, "LE101", "is not accepted"),
        ({"memory": 256}, "LE102", "memory 256 MB; its viewer-request trigger allows 128"),
        ({"timeout": 6}, "LE103", "timeout 6 s; its viewer-request trigger allows 5"),
    ],
)
def test_function_settings_against_the_strictest_trigger(repo_demo, changes, rule, message):
    [finding] = check_model(with_function(repo_demo, "redirect", **changes), [])
    assert finding.rule == rule
    assert message in finding.message
    assert finding.path == "edgeform.toml"
    assert finding.line is not None  # the key's line in the demo's edgeform.toml


def test_an_origin_only_function_may_use_origin_limits(repo_demo):
    # security-headers runs on origin-response only: 30 s and 10 GB are allowed there.
    assert check_model(with_function(repo_demo, "security-headers", timeout=30), []) == []


def test_bundle_size_names_the_largest_entries(repo_demo):
    limit = PACKAGE_BYTES["viewer"]
    big = BundleInfo("redirect", limit + 1, (("blob.bin", limit - 10), ("app.py", 9)))
    [finding] = check_model(repo_demo, [big, BundleInfo("security-headers", limit + 1, ())])
    assert finding.rule == "LE104"  # security-headers is origin-side: 50 MB is fine
    assert "blob.bin" in finding.message
    assert finding.key == "functions.redirect.source"


def test_behavior_quota(repo_demo):
    behaviors = tuple(Behavior(f"/b{i}/*", ()) for i in range(BEHAVIOR_QUOTA + 1))
    findings = check_model(dataclasses.replace(repo_demo, behaviors=behaviors), [])
    assert rules(findings) == ["LE108"]


RESOURCE = """\
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

resource "aws_iam_role" "edge" {
  assume_role_policy = jsonencode({
    Principal = { Service = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }
  })
}

resource "aws_lambda_function" "fn" {
  provider = aws.us_east_1
  publish  = true
%s}

resource "aws_cloudfront_distribution" "site" {
  default_cache_behavior {
    lambda_function_association {
      lambda_arn = %s
    }
  }
}
"""


def rendered(extra="", arn="aws_lambda_function.fn.qualified_arn"):
    files = {"stack.tf": RESOURCE % (extra, arn)}
    return check_rendered(files, {"stack.tf": Path("/nowhere/stack.tf.j2")}, Path("/project"))


def test_a_clean_stack():
    assert rendered() == []


@pytest.mark.parametrize(
    ("extra", "arn", "rule"),
    [
        ("", "aws_lambda_function.fn.arn", "LE201"),
        ("", '"arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST"', "LE201"),
        ('  environment {\n    variables = { A = "1" }\n  }\n', None, "LE204"),
        ('  architectures = ["arm64"]\n', None, "LE204"),
        ('  package_type = "Image"\n', None, "LE204"),
        ("  ephemeral_storage {\n    size = 1024\n  }\n", None, "LE204"),
    ],
)
def test_refused_settings_and_unversioned_triggers(extra, arn, rule):
    findings = rendered(extra, arn or "aws_lambda_function.fn.qualified_arn")
    assert rules(findings) == [rule]
    # The template does not exist here, so the finding points at the rendered file's line.
    assert findings[0].path == "stack.tf"
    assert findings[0].line is not None


def test_a_function_outside_us_east_1():
    files = {
        "stack.tf": RESOURCE.replace('region = "us-east-1"', 'region = "eu-west-1"')
        % ("", "aws_lambda_function.fn.qualified_arn")
    }
    findings = check_rendered(files, {}, Path("/project"))
    assert rules(findings) == ["LE202"]
    assert "eu-west-1" in findings[0].message


def test_a_role_without_the_edge_principal():
    files = {
        "stack.tf": (RESOURCE % ("", "aws_lambda_function.fn.qualified_arn")).replace(
            ', "edgelambda.amazonaws.com"', ""
        )
    }
    findings = check_rendered(files, {}, Path("/project"))
    assert rules(findings) == ["LE203"]
    assert "edgelambda.amazonaws.com" in findings[0].message


def test_config_problems_keep_their_rule_and_every_rule_is_in_the_catalog(repo_demo):
    problems = [
        ConfigProblem("edgeform.toml", "functions.redirect.memory", "too much", "less", "LE102"),
        ConfigProblem("edgeform.toml", "project.nmae", "unknown key", "did you mean name?"),
    ]
    report = lint_config(problems, repo_demo.config_file)
    assert [(f.rule, f.key) for f in report.errors] == [
        ("LE100", "project.nmae"),
        ("LE102", "functions.redirect.memory"),
    ]
    assert all(f.rule in RULES for f in report.findings)


def test_lint_stack_sorts_errors_before_warnings(repo_demo):
    report = lint_stack(
        with_function(repo_demo, "redirect", memory=256),
        [],
        {"stack.tf": RESOURCE % ("", "aws_lambda_function.fn.arn")},
        {},
    )
    assert rules(report.errors) == ["LE102", "LE201"]
    assert report.warnings == []
    assert report.as_json()["summary"] == {"errors": 2, "warnings": 0}


def test_every_rule_id_the_code_names_is_in_the_catalog():
    """A rule id named by a config rule or a lint check but missing from the catalog would
    crash `lint` on the mistake it was written for."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[3] / "toolkit" / "edgeform"
    named = {
        rule
        for path in package.rglob("*.py")
        for rule in re.findall(r'"(LE\d{3})"', path.read_text(encoding="utf-8"))
    }
    assert named, "no rule ids found: the pattern is wrong"
    assert sorted(named - set(RULES)) == []
