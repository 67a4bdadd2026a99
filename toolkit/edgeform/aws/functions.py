"""Lambda, read back: a version's settings and its code (the emulator), a function's numbered
versions (`versions`, `prune`, `rollback`)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from edgeform.aws.boundary import GuardedClient
from edgeform.errors import AwsError


@dataclass(frozen=True)
class PublishedVersion:
    function_name: str
    version: str
    runtime: str
    handler: str
    memory: int
    timeout: int
    code_sha256: str
    qualified_arn: str


def published_version(lam: GuardedClient, qualified_arn: str) -> tuple[PublishedVersion, str]:
    """A version's settings, and the URL its zip can be downloaded from for a while."""
    got = lam.get_function(FunctionName=qualified_arn)
    conf = got["Configuration"]
    location = got.get("Code", {}).get("Location")
    if not location:
        raise AwsError(
            f"Lambda gave no code location for {qualified_arn}",
            "the function may be a container image, which Lambda@Edge does not run",
            action="lambda:GetFunction",
        )
    version = PublishedVersion(
        function_name=conf["FunctionName"],
        version=conf["Version"],
        runtime=conf["Runtime"],
        handler=conf["Handler"],
        memory=int(conf.get("MemorySize", 128)),
        timeout=int(conf.get("Timeout", 3)),
        code_sha256=conf["CodeSha256"],
        qualified_arn=qualified_arn,
    )
    return version, str(location)


@dataclass(frozen=True)
class FunctionVersion:
    """One numbered version of a function, as `ListVersionsByFunction` lists it."""

    number: int
    arn: str  # the qualified ARN, as a trigger names it
    last_modified: str
    code_sha256: str


def list_versions(lam: GuardedClient, function_name: str) -> list[FunctionVersion]:
    """Every published version (not $LATEST), oldest first."""
    found = []
    for page in lam.get_paginator("list_versions_by_function").paginate(FunctionName=function_name):
        for item in page.get("Versions", []):
            if item["Version"] == "$LATEST":
                continue
            found.append(
                FunctionVersion(
                    number=int(item["Version"]),
                    arn=str(item["FunctionArn"]),
                    last_modified=str(item.get("LastModified", "")),
                    code_sha256=str(item.get("CodeSha256", "")),
                )
            )
    return sorted(found, key=lambda v: v.number)


def version_exists(lam: GuardedClient, function_name: str, number: int) -> bool:
    try:
        lam.get_function(FunctionName=function_name, Qualifier=str(number))
    except AwsError as exc:
        if exc.code != "ResourceNotFoundException":
            raise
        return False
    return True


def download_code(location: str, qualified_arn: str) -> bytes:
    """The zip behind a `Code.Location` (a presigned URL on AWS)."""
    try:
        with urllib.request.urlopen(location, timeout=30) as response:
            return bytes(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise AwsError(
            f"cannot download the code of {qualified_arn}: {exc}",
            "check the network and the credentials, then run the command again",
            code="EndpointUnreachable",
            action="lambda:GetFunction",
        ) from None
