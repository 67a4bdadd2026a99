"""Deleting Lambda@Edge functions as AWS allows it: never while wired, retried while replicated.

Lambda refuses to delete a function CloudFront has replicated (`InvalidParameterValueException`
"... because it is a replicated function ..."), for hours after its last association is gone.
These calls say what happened instead of raising for that case, so a caller can leave the
function for later. A function a live distribution still wires is never deleted.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from edgeform.aws.boundary import GuardedClient
from edgeform.errors import AwsError
from edgeform.model.state import PENDING_TAG

REPLICATED: Final = "because it is a replicated function"


class Deletion(Enum):
    DELETED = "deleted"
    GONE = "gone"  # already deleted (by another gc, or by hand)
    REPLICATED = "replicated"  # CloudFront still has replicas: try again later
    WIRED = "wired"  # a distribution uses it: never deleted
    REVIVED = "revived"  # a deploy took it back (its pending tag is gone): not deleted


def function_arn(lam: GuardedClient, name: str) -> str | None:
    try:
        return str(lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"])
    except AwsError as exc:
        if exc.code == "ResourceNotFoundException":
            return None
        raise


def mark_pending(lam: GuardedClient, name: str, when: str) -> None:
    arn = function_arn(lam, name)
    if arn is not None:
        lam.tag_resource(Resource=arn, Tags={PENDING_TAG: when})


def unmark_pending(lam: GuardedClient, name: str) -> None:
    arn = function_arn(lam, name)
    if arn is not None:
        lam.untag_resource(Resource=arn, TagKeys=[PENDING_TAG])


def wired_versions(cloudfront: GuardedClient) -> set[str]:
    """The version ARNs every distribution of the account wires."""
    wired: set[str] = set()
    for page in cloudfront.get_paginator("list_distributions").paginate():
        for summary in page.get("DistributionList", {}).get("Items", []) or []:
            behaviors = [summary.get("DefaultCacheBehavior", {})]
            behaviors += summary.get("CacheBehaviors", {}).get("Items", []) or []
            for behavior in behaviors:
                associations = behavior.get("LambdaFunctionAssociations", {})
                for item in associations.get("Items", []) or []:
                    wired.add(item["LambdaFunctionARN"])
    return wired


def delete_pending(lam: GuardedClient, name: str, wired: set[str]) -> Deletion:
    """Delete a function (`name`) or a version (`name:N`) left pending, if AWS allows it now,
    no distribution wires it, and (a function) no deploy took it back."""
    function, _, version = name.partition(":")
    try:
        got = lam.get_function(FunctionName=function)
    except AwsError as exc:
        if exc.code == "ResourceNotFoundException":
            return Deletion.GONE
        raise
    arn = str(got["Configuration"]["FunctionArn"])
    if version and f"{arn}:{version}" in wired:
        return Deletion.WIRED
    if not version and any(wire.rsplit(":", 1)[0] == arn for wire in wired):
        return Deletion.WIRED
    if not version and PENDING_TAG not in (got.get("Tags") or {}):
        return Deletion.REVIVED
    return delete(lam, function, version or None)


def delete(lam: GuardedClient, function: str, version: str | None) -> Deletion:
    """One attempt: the function, or one of its versions."""
    options = {"Qualifier": version} if version else {}
    try:
        lam.delete_function(FunctionName=function, **options)
    except AwsError as exc:
        if exc.code == "ResourceNotFoundException":
            return Deletion.GONE
        if exc.code == "InvalidParameterValueException" and REPLICATED in exc.message:
            return Deletion.REPLICATED
        raise
    return Deletion.DELETED
