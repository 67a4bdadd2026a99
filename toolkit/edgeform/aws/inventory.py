"""What of a stage exists on AWS, found by its deterministic names (and, for the distribution,
which has no name, by the tags every resource of the stage carries).

Used to adopt what an interrupted deploy created but never recorded in the state."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from edgeform.aws.boundary import GuardedClient
from edgeform.errors import AwsError

# What IAM, Lambda and S3 (HeadBucket has no body: its code is the status) answer for none.
MISSING: Final = frozenset(
    {"NoSuchEntity", "ResourceNotFoundException", "404", "NoSuchBucket", "NotFound"}
)


def account_id(sts: GuardedClient) -> str:
    return str(sts.get_caller_identity()["Account"])


def _exists(call: Callable[[], Any]) -> bool:
    try:
        call()
    except AwsError as exc:
        if exc.code in MISSING:
            return False
        raise
    return True


def bucket_exists(s3: GuardedClient, name: str) -> bool:
    return _exists(lambda: s3.head_bucket(Bucket=name))


def role_exists(iam: GuardedClient, name: str) -> bool:
    return _exists(lambda: iam.get_role(RoleName=name))


def function_exists(lam: GuardedClient, name: str) -> bool:
    return _exists(lambda: lam.get_function(FunctionName=name))


def origin_access_control_id(cloudfront: GuardedClient, name: str) -> str | None:
    for page in cloudfront.get_paginator("list_origin_access_controls").paginate():
        for item in page.get("OriginAccessControlList", {}).get("Items") or []:
            if item["Name"] == name:
                return str(item["Id"])
    return None


def policy_id(cloudfront: GuardedClient, api: str, name: str) -> str | None:
    """The ID of the project's own policy named `name`; `api` is "CachePolicy" or
    "OriginRequestPolicy" (List...Policies with Type=custom, page by page)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in api).lstrip("_")
    lister = getattr(cloudfront, f"list_{snake.replace('_policy', '_policies')}")
    marker = ""
    while True:
        got = lister(Type="custom", **({"Marker": marker} if marker else {}))
        listing = got.get(f"{api}List", {})
        for item in listing.get("Items") or []:
            policy = item.get(api, {})
            if policy.get(f"{api}Config", {}).get("Name") == name:
                return str(policy["Id"])
        marker = listing.get("NextMarker") or ""
        if not marker:
            return None


def distribution_ids(
    cloudfront: GuardedClient, tags: Mapping[str, str], *, comment: str
) -> list[str]:
    """The distributions with this comment that carry all of `tags`, oldest first. The
    comment narrows the list first, so only a few distributions have their tags read."""
    found = []
    for page in cloudfront.get_paginator("list_distributions").paginate():
        for item in page.get("DistributionList", {}).get("Items") or []:
            if item.get("Comment") != comment:
                continue
            got = cloudfront.list_tags_for_resource(Resource=item["ARN"])
            have = {t["Key"]: t["Value"] for t in got.get("Tags", {}).get("Items") or []}
            if all(have.get(key) == value for key, value in tags.items()):
                found.append((item.get("LastModifiedTime"), str(item["Id"])))
    return [dist_id for _, dist_id in sorted(found, key=lambda f: str(f[0]))]
