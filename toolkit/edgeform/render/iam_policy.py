"""The least-privilege IAM policy of the role that deploys a project (the CI's OIDC role),
and the permissions boundary every role that deployer makes must carry.

Scoped so that whoever holds the deploying role cannot escalate (make a role more powerful
than the functions' own) nor reach another project's resources:
- by name: every resource a stage creates is named `<project>--<stage>...` (see
  `model.names`), so `<project>--*` covers every stage of this project and nothing of another
  (project names never contain "--"): buckets, functions, the functions' role, log groups;
- by tag where a name is AWS's choice: a distribution (and its invalidations) only while it
  carries the tag `project = <project>` (aws:ResourceTag), and is created only with it
  (aws:RequestTag);
- by boundary: iam:CreateRole, iam:PutRolePolicy, iam:AttachRolePolicy and
  iam:PutRolePermissionsBoundary only with the boundary `boundary_policy` describes
  (iam:PermissionsBoundary), which allows the functions' logs and nothing else, and which
  the deployer may neither change nor remove; iam:PassRole only to Lambda and Lambda@Edge;
- origin access controls cannot be tagged: their four actions stay on every OAC, named one
  by one. No write action has a wildcard; only reads do (`s3:GetBucket*`).
Lambda@Edge's own needs (lambda:GetFunction and lambda:EnableReplication on the versions,
the replicator's service-linked role) are included: the association fails without them,
though no request of the deploy shows them.
"""

from __future__ import annotations

from typing import Any, Final

from edgeform.model.lambda_edge import EDGE_REGION
from edgeform.model.names import SEPARATOR, boundary_name
from edgeform.model.project import Project, Target

PROJECT_TAG: Final = "project"  # set on every resource of a stage (render.stack.stage_tags)
SERVICES_PASSED_TO: Final = ("lambda.amazonaws.com", "edgelambda.amazonaws.com")


def boundary_arn(project: Project, account: str) -> str:
    return f"arn:aws:iam::{account}:policy/{boundary_name(project)}"


def boundary_policy(project: Project, account: str) -> dict[str, Any]:
    """The most any role the deployer makes may do: write the functions' logs, in every
    Region Lambda@Edge runs them. An administrator creates it once (README)."""
    names = f"{project.name}{SEPARATOR}*"
    groups = f"arn:aws:logs:*:{account}:log-group"
    return {
        "Version": "2012-10-17",
        "Statement": [
            _allow(
                "EdgeFunctionLogs",
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                [
                    f"{groups}:/aws/lambda/{EDGE_REGION}.{names}",
                    f"{groups}:/aws/lambda/{EDGE_REGION}.{names}:*",
                    f"{groups}:/aws/lambda/{names}",
                    f"{groups}:/aws/lambda/{names}:*",
                ],
            )
        ],
    }


def deploy_policy(project: Project, target: Target, account: str) -> dict[str, Any]:
    names = f"{project.name}{SEPARATOR}*"
    arn = "arn:aws"
    functions = f"{arn}:lambda:{EDGE_REGION}:{account}:function:{names}"
    role = f"{arn}:iam::{account}:role/{names}"
    with_boundary = {"StringEquals": {"iam:PermissionsBoundary": boundary_arn(project, account)}}
    distributions = [f"{arn}:cloudfront::{account}:distribution/*"]
    statements = [
        _allow(
            "SiteBuckets",
            [
                "s3:CreateBucket",
                "s3:DeleteBucket",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:GetBucket*",
                "s3:PutBucketPolicy",
                "s3:PutBucketPublicAccessBlock",
                "s3:PutBucketOwnershipControls",
                "s3:PutBucketTagging",
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
                "lambda:EnableReplication",
                "lambda:DisableReplication",
            ],
            [functions, f"{functions}:*"],
        ),
        _allow("ListFunctions", ["lambda:ListFunctions"], ["*"]),
        _allow(
            "EdgeRoleOnlyWithTheBoundary",
            [
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:AttachRolePolicy",
                "iam:PutRolePermissionsBoundary",
            ],
            [role],
            with_boundary,
        ),
        _allow(
            "EdgeRole",
            [
                "iam:DeleteRole",
                "iam:GetRole",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy",
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
            {"StringEquals": {"iam:PassedToService": list(SERVICES_PASSED_TO)}},
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
            "CreateDistributionsTagged",
            ["cloudfront:CreateDistribution", "cloudfront:TagResource"],
            distributions,
            {"StringEquals": {f"aws:RequestTag/{PROJECT_TAG}": project.name}},
        ),
        _allow(
            "OwnDistributions",
            [
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
            distributions,
            {"StringEquals": {f"aws:ResourceTag/{PROJECT_TAG}": project.name}},
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
            # Cache policies take no tags, so no tag condition: the actions reach policies
            # only, which hold no data and grant nothing.
            "CachePolicies",
            [
                "cloudfront:CreateCachePolicy",
                "cloudfront:GetCachePolicy",
                "cloudfront:UpdateCachePolicy",
                "cloudfront:DeleteCachePolicy",
            ],
            [f"{arn}:cloudfront::{account}:cache-policy/*"],
        ),
        _allow(
            "OriginRequestPolicies",  # no tags either
            [
                "cloudfront:CreateOriginRequestPolicy",
                "cloudfront:GetOriginRequestPolicy",
                "cloudfront:UpdateOriginRequestPolicy",
                "cloudfront:DeleteOriginRequestPolicy",
            ],
            [f"{arn}:cloudfront::{account}:origin-request-policy/*"],
        ),
        _allow(
            "ResponseHeadersPolicies",  # no tags either
            [
                "cloudfront:CreateResponseHeadersPolicy",
                "cloudfront:GetResponseHeadersPolicy",
                "cloudfront:UpdateResponseHeadersPolicy",
                "cloudfront:DeleteResponseHeadersPolicy",
            ],
            [f"{arn}:cloudfront::{account}:response-headers-policy/*"],
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
            [
                "cloudfront:ListDistributions",
                "cloudfront:ListOriginAccessControls",
                "cloudfront:ListCachePolicies",
                "cloudfront:ListOriginRequestPolicies",
                "cloudfront:ListResponseHeadersPolicies",
            ],
            ["*"],
        ),
    ]
    if project.logging is not None:
        # CloudFront's standard logging: whoever points a distribution at a bucket must be
        # able to read and write its ACL (CloudFront adds its log delivery account's grant).
        statements.append(
            _allow(
                "AccessLogsBucketAcl",
                ["s3:GetBucketAcl", "s3:PutBucketAcl"],
                [f"{arn}:s3:::{project.logging.bucket}"],
            )
        )
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
