"""AWS resource names for one stage of one project.

Names are `<project>--<stage>[--<part>]`. Project and function names and stage slugs never
contain "--" nor start or end with "-", so the separator keeps them apart: project "shop"
stage "api-main" and project "shop-api" stage "main" cannot share a name. The lengths are
bounded by config validation (project 20, function 16) and the slug (22), which keeps every
name inside AWS's limits; `check_limits` proves it for each stage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from edgeform.model.lambda_edge import EDGE_REGION
from edgeform.model.project import Project
from edgeform.model.stage import Stage

SEPARATOR: Final = "--"
# Names that end up inside AWS resource names: lower case, digits and single hyphens, so that
# the separator keeps project, stage and function apart unambiguously.
NAME_PATTERN: Final = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
NAME_RE: Final = re.compile(NAME_PATTERN)
PROJECT_NAME_MAX: Final = 20
FUNCTION_NAME_MAX: Final = 16
ACCOUNT_ID_LEN: Final = 12
LIMITS: Final = {"bucket": 63, "lambda": 64, "role": 64, "policy": 128, "oac": 64}


@dataclass(frozen=True)
class ResourceNames:
    prefix: str
    # The bucket name is this prefix plus the 12-digit account id, added by Terraform at plan
    # time: bucket names are global, and the account id makes them unique in practice.
    bucket_prefix: str
    role: str
    role_policy: str
    oac: str
    functions: Mapping[str, str]

    @property
    def longest_bucket(self) -> int:
        return len(self.bucket_prefix) + ACCOUNT_ID_LEN

    def bucket_domain(self, account_id: str, region: str = EDGE_REGION) -> str:
        """The bucket's regional domain, as CloudFront's S3 origin names it."""
        return f"{self.bucket_prefix}{account_id}.s3.{region}.amazonaws.com"


def function_of(lambda_name: str) -> str:
    """The config's function name inside a Lambda function name `<project>--<stage>--<fn>`."""
    return lambda_name.rsplit(SEPARATOR, 1)[-1]


def resource_names(project: Project, stage: Stage) -> ResourceNames:
    prefix = f"{project.name}{SEPARATOR}{stage.slug}"
    functions = {fn: f"{prefix}{SEPARATOR}{fn}" for fn in sorted(project.functions)}
    names = ResourceNames(
        prefix=prefix,
        bucket_prefix=f"{prefix}{SEPARATOR}",
        role=f"{prefix}{SEPARATOR}edge",
        role_policy=f"{prefix}{SEPARATOR}edge-logs",
        oac=prefix,
        functions=MappingProxyType(functions),
    )
    check_limits(names)
    return names


def check_limits(names: ResourceNames) -> None:
    """Config validation makes these impossible; an assertion keeps the invariant honest."""
    lengths = {
        "bucket": names.longest_bucket,
        "role": len(names.role),
        "policy": len(names.role_policy),
        "oac": len(names.oac),
        "lambda": max((len(n) for n in names.functions.values()), default=0),
    }
    over = {kind: n for kind, n in lengths.items() if n > LIMITS[kind]}
    assert not over, f"resource names over AWS limits: {over}"


def boundary_name(project: Project) -> str:
    """The permissions boundary every role of the project carries (one per project, made
    once by an administrator: `edgeform iam-policy --boundary`)."""
    return f"{project.name}{SEPARATOR}edge-boundary"
