"""The least-privilege IAM policy of the role that deploys a project (the CI's OIDC role).

Scoped by name: every resource a stage creates is named `<project>--<stage>...` (see
`model.names`), so `<project>--*` covers every stage of this project and nothing of another
(project names never contain "--"). What AWS cannot scope by name (a distribution's id is
AWS's choice, listing calls) is on `*`, read-only or narrowed by a condition where IAM allows.
Lambda@Edge's own needs (lambda:GetFunction and lambda:EnableReplication* on the versions,
the replicator's service-linked role, iam:PassRole of the functions' role) are included: the
association fails without them, though no request of the deploy shows them.
"""

from __future__ import annotations

from typing import Any

from edgeform.model.lambda_edge import EDGE_REGION
from edgeform.model.names import SEPARATOR
from edgeform.model.project import Project, Target


def deploy_policy(project: Project, target: Target, account: str) -> dict[str, Any]:
    names = f"{project.name}{SEPARATOR}*"
    arn = "arn:aws"
    functions = f"{arn}:lambda:{EDGE_REGION}:{account}:function:{names}"
    role = f"{arn}:iam::{account}:role/{names}"
    statements = [
        _allow(
            "SiteBuckets",
            [
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:GetBucket*",
                "s3:PutBucket*",
                "s3:DeleteBucketPolicy",
                "s3:GetAccelerateConfiguration",
                "s3:GetEncryptionConfiguration",
                "s3:PutEncryptionConfiguration",
                "s3:GetLifecycleConfiguration",
                "s3:GetReplicationConfiguration",
            ],
            [f"{arn}:s3:::{names}"],
        ),
        _allow(
            "SiteObjects",
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            [f"{arn}:s3:::{names}/*"],
        ),
        _allow(
            "EdgeFunctions",
            [
                "lambda:CreateFunction",
                "lambda:DeleteFunction",
                "lambda:GetFunction",
                "lambda:GetFunctionConfiguration",
                "lambda:GetFunctionCodeSigningConfig",
                "lambda:GetPolicy",
                "lambda:ListVersionsByFunction",
                "lambda:PublishVersion",
                "lambda:UpdateFunctionCode",
                "lambda:UpdateFunctionConfiguration",
                "lambda:ListTags",
                "lambda:TagResource",
                "lambda:UntagResource",
                "lambda:EnableReplication*",
                "lambda:DisableReplication*",
            ],
            [functions, f"{functions}:*"],
        ),
        _allow("ListFunctions", ["lambda:ListFunctions"], ["*"]),
        _allow(
            "EdgeRole",
            [
                "iam:CreateRole",
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:PutRolePolicy",
                "iam:GetRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
            ],
            [role],
        ),
        _allow(
            "PassEdgeRoleToLambda",
            ["iam:PassRole"],
            [role],
            {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}},
        ),
        _allow(
            "LambdaEdgeReplicator",
            ["iam:CreateServiceLinkedRole"],
            [f"{arn}:iam::{account}:role/aws-service-role/*"],
            {
                "StringEquals": {
                    "iam:AWSServiceName": [
                        "replicator.lambda.amazonaws.com",
                        "logger.cloudfront.amazonaws.com",
                    ]
                }
            },
        ),
        _allow(
            "Distributions",
            [
                "cloudfront:CreateDistribution",
                "cloudfront:GetDistribution",
                "cloudfront:GetDistributionConfig",
                "cloudfront:UpdateDistribution",
                "cloudfront:DeleteDistribution",
                "cloudfront:TagResource",
                "cloudfront:UntagResource",
                "cloudfront:ListTagsForResource",
                "cloudfront:CreateInvalidation",
                "cloudfront:GetInvalidation",
            ],
            [f"{arn}:cloudfront::{account}:distribution/*"],
        ),
        _allow(
            "OriginAccessControls",
            [
                "cloudfront:CreateOriginAccessControl",
                "cloudfront:GetOriginAccessControl",
                "cloudfront:UpdateOriginAccessControl",
                "cloudfront:DeleteOriginAccessControl",
            ],
            [f"{arn}:cloudfront::{account}:origin-access-control/*"],
        ),
        _allow(
            "EdgeLogsInEveryRegion",  # edgeform logs, and its --retention-days
            ["logs:FilterLogEvents", "logs:PutRetentionPolicy"],
            [f"{arn}:logs:*:{account}:log-group:/aws/lambda/{EDGE_REGION}.{names}"],
        ),
        _allow(
            "FindEdgeLogGroups",
            ["logs:DescribeLogGroups"],
            [f"{arn}:logs:*:{account}:log-group:*"],
        ),
        _allow(
            "FindStagesResources",  # adoption of an interrupted deploy's leftovers
            ["cloudfront:ListDistributions", "cloudfront:ListOriginAccessControls"],
            ["*"],
        ),
    ]
    if target.state is not None:
        state = target.state
        bucket = f"{arn}:s3:::{state.bucket}"
        prefix = state.target_prefix(project.name, target.name)
        statements += [
            _allow("StateBucket", ["s3:ListBucket"], [bucket]),
            _allow(
                "StateObjects",
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                [f"{bucket}/{prefix}*"],
            ),
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def _allow(
    sid: str, actions: list[str], resources: list[str], condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": resources,
    }
    if condition:
        statement["Condition"] = condition
    return statement
