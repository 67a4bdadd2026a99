"""The deployer policy cannot escalate: evaluated call by call, as IAM evaluates a policy.

The evaluator below implements what these policies use of IAM's documented logic (policy
evaluation logic: an explicit Allow whose Action, Resource and every Condition match, no
Deny; condition operators StringEquals and ForAnyValue-free keys, where a key missing from the
request context does not match). Each case's context keys are the ones AWS documents for the
call:
- iam:CreateRole / PutRolePolicy / AttachRolePolicy / PutRolePermissionsBoundary carry
  iam:PermissionsBoundary (IAM User Guide, "Permissions boundaries for IAM entities", and the
  Service Authorization Reference for IAM);
- iam:PassRole carries iam:PassedToService;
- CloudFront's distribution resource carries aws:ResourceTag/${TagKey}; CreateDistribution
  and TagResource carry aws:RequestTag/${TagKey} (Service Authorization Reference, Amazon
  CloudFront: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import pytest

from edgeform.model.project import Target
from edgeform.model.state import StateBucket
from edgeform.render.iam_policy import boundary_arn, boundary_policy, deploy_policy

ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Call:
    action: str
    resource: str
    context: dict[str, str] = field(default_factory=dict)


def _matches(pattern: str | list[str], value: str) -> bool:
    patterns = [pattern] if isinstance(pattern, str) else pattern
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns)


def _condition_holds(condition: dict, context: dict[str, str]) -> bool:
    for operator, keys in condition.items():
        assert operator == "StringEquals", f"the evaluator knows StringEquals only: {operator}"
        for key, wanted in keys.items():
            values = [wanted] if isinstance(wanted, str) else wanted
            if key not in context or context[key] not in values:
                return False
    return True


def allowed(policy: dict, call: Call) -> bool:
    verdicts = [
        statement["Effect"]
        for statement in policy["Statement"]
        if _matches(statement["Action"], call.action)
        and _matches(statement["Resource"], call.resource)
        and _condition_holds(statement.get("Condition", {}), call.context)
    ]
    return "Allow" in verdicts and "Deny" not in verdicts


@pytest.fixture
def policy(repo_demo):
    target = Target("aws", "aws", "us-east-1", state=StateBucket("acme-state", "us-east-1"))
    return deploy_policy(repo_demo, target, ACCOUNT)


ROLE = f"arn:aws:iam::{ACCOUNT}:role/edgeform-demo--main--edge"
OTHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/admin"
DISTRIBUTION = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2ABCDEF"
OAC = f"arn:aws:cloudfront::{ACCOUNT}:origin-access-control/E3OAC"


def cases(boundary: str) -> list[tuple[str, Call, bool]]:
    ours = {"aws:ResourceTag/project": "edgeform-demo"}
    theirs = {"aws:ResourceTag/project": "another-site"}
    return [
        (
            "role with the boundary",
            Call("iam:CreateRole", ROLE, {"iam:PermissionsBoundary": boundary}),
            True,
        ),
        ("role without a boundary", Call("iam:CreateRole", ROLE), False),
        (
            "role with another boundary",
            Call(
                "iam:CreateRole",
                ROLE,
                {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/AdministratorAccess"},
            ),
            False,
        ),
        (
            "inline policy, bounded",
            Call("iam:PutRolePolicy", ROLE, {"iam:PermissionsBoundary": boundary}),
            True,
        ),
        ("inline policy, unbounded", Call("iam:PutRolePolicy", ROLE), False),
        ("attach AdministratorAccess, unbounded", Call("iam:AttachRolePolicy", ROLE), False),
        ("remove the boundary", Call("iam:DeleteRolePermissionsBoundary", ROLE), False),
        (
            "change the boundary policy",
            Call(
                "iam:CreatePolicyVersion",
                f"arn:aws:iam::{ACCOUNT}:policy/edgeform-demo--edge-boundary",
            ),
            False,
        ),
        (
            "another project's role",
            Call("iam:CreateRole", OTHER_ROLE, {"iam:PermissionsBoundary": boundary}),
            False,
        ),
        (
            "pass the role to Lambda",
            Call("iam:PassRole", ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}),
            True,
        ),
        (
            "pass the role to Lambda@Edge",
            Call("iam:PassRole", ROLE, {"iam:PassedToService": "edgelambda.amazonaws.com"}),
            True,
        ),
        (
            "pass the role to EC2",
            Call("iam:PassRole", ROLE, {"iam:PassedToService": "ec2.amazonaws.com"}),
            False,
        ),
        (
            "pass another role",
            Call("iam:PassRole", OTHER_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}),
            False,
        ),
        (
            "create a distribution tagged ours",
            Call(
                "cloudfront:CreateDistribution",
                DISTRIBUTION,
                {"aws:RequestTag/project": "edgeform-demo"},
            ),
            True,
        ),
        (
            "create a distribution untagged",
            Call("cloudfront:CreateDistribution", DISTRIBUTION),
            False,
        ),
        (
            "update our distribution",
            Call("cloudfront:UpdateDistribution", DISTRIBUTION, ours),
            True,
        ),
        (
            "update another's distribution",
            Call("cloudfront:UpdateDistribution", DISTRIBUTION, theirs),
            False,
        ),
        (
            "delete an untagged distribution",
            Call("cloudfront:DeleteDistribution", DISTRIBUTION),
            False,
        ),
        (
            "invalidate our distribution",
            Call("cloudfront:CreateInvalidation", DISTRIBUTION, ours),
            True,
        ),
        (
            "invalidate another's",
            Call("cloudfront:CreateInvalidation", DISTRIBUTION, theirs),
            False,
        ),
        (
            "retag another's distribution",
            Call("cloudfront:UntagResource", DISTRIBUTION, theirs),
            False,
        ),
        ("create an OAC", Call("cloudfront:CreateOriginAccessControl", OAC), True),
        ("a cache policy (not ours to make)", Call("cloudfront:CreateCachePolicy", "*"), False),
        (
            "a function of ours",
            Call(
                "lambda:UpdateFunctionCode",
                f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:edgeform-demo--main--redirect",
            ),
            True,
        ),
        (
            "another project's function",
            Call(
                "lambda:UpdateFunctionCode", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:billing"
            ),
            False,
        ),
        (
            "another project's state",
            Call(
                "s3:PutObject",
                "arn:aws:s3:::acme-state/edgeform/billing/aws/main/terraform.tfstate",
            ),
            False,
        ),
        (
            "our state",
            Call(
                "s3:PutObject",
                "arn:aws:s3:::acme-state/edgeform/edgeform-demo/aws/main/terraform.tfstate",
            ),
            True,
        ),
    ]


def test_the_deployer_policy_allows_its_work_and_denies_every_escalation(policy, repo_demo):
    boundary = boundary_arn(repo_demo, ACCOUNT)
    wrong = [
        (name, expected)
        for name, call, expected in cases(boundary)
        if allowed(policy, call) is not expected
    ]
    assert wrong == []


def test_no_role_is_made_or_given_policies_without_the_boundary_condition(policy, repo_demo):
    role_writes = {
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
        "iam:PutRolePermissionsBoundary",
    }
    for statement in policy["Statement"]:
        if role_writes & set(statement["Action"]):
            assert statement["Condition"] == {
                "StringEquals": {"iam:PermissionsBoundary": boundary_arn(repo_demo, ACCOUNT)}
            }
            assert set(statement["Action"]) == role_writes


READS = ("Get", "List", "Describe", "Filter")
# Origin access controls and cache policies take no tags (CloudFront's TagResource takes
# distributions and streaming distributions only): their actions are limited by resource type.
UNTAGGABLE = {
    f"cloudfront:{verb}{kind}"
    for verb in ("Create", "Get", "Update", "Delete")
    for kind in (
        "OriginAccessControl",
        "CachePolicy",
        "OriginRequestPolicy",
        "ResponseHeadersPolicy",
    )
}


def test_no_write_action_has_a_wildcard_and_cloudfront_writes_need_a_tag(policy):
    for statement in policy["Statement"]:
        for action in statement["Action"]:
            verb = action.split(":", 1)[1]
            if "*" in verb:
                assert verb.startswith(READS), action
            is_read = verb.startswith(READS)
            if action.startswith("cloudfront:") and not is_read and action not in UNTAGGABLE:
                assert "Condition" in statement, action
            if action in UNTAGGABLE:
                assert all(":cloudfront::" in r for r in statement["Resource"]), action
            if action.startswith("cloudfront:") and not is_read:
                assert statement["Resource"] != ["*"], action


def test_the_boundary_allows_the_functions_logs_and_nothing_else(repo_demo):
    boundary = boundary_policy(repo_demo, ACCOUNT)
    log_group = "/aws/lambda/us-east-1.edgeform-demo--main--redirect"
    group = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{log_group}:*"
    assert allowed(boundary, Call("logs:PutLogEvents", group))
    assert not allowed(boundary, Call("iam:CreateRole", ROLE))
    assert not allowed(boundary, Call("s3:GetObject", "arn:aws:s3:::anything/secret"))
    assert not allowed(
        boundary,
        Call(
            "logs:PutLogEvents", f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/lambda/billing:*"
        ),
    )
