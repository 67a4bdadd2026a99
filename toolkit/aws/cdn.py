"""CloudFront after the apply: invalidate what changed, wait, and read back the wiring."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError, WaiterError

from toolkit.errors import EdgeformError

# Past this many paths one wildcard is cheaper (AWS bills invalidation paths) and as quick.
MAX_PATHS: Final = 15


class CdnError(EdgeformError):
    """CloudFront did not do what the deploy needs."""


@dataclass(frozen=True)
class Association:
    path_pattern: str | None  # None for the default behavior
    event: str
    arn: str


def invalidation_paths(changed: Sequence[str], default_root_object: str) -> list[str]:
    """Pure: the paths to invalidate for changed object keys."""
    paths = sorted({f"/{key}" for key in changed})
    if default_root_object in changed:
        paths.insert(0, "/")  # the root URL serves the default root object
    return ["/*"] if len(paths) > MAX_PATHS else paths


def invalidate(
    cloudfront: Any,
    distribution_id: str,
    paths: Sequence[str],
    clock: Callable[[], float] = time.time,
) -> str:
    try:
        result = cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": f"edgeform-{clock():.6f}",
            },
        )
    except (ClientError, BotoCoreError) as exc:
        raise CdnError(
            f"invalidating {len(paths)} paths failed: {exc}",
            "the site is uploaded; run the deploy again to retry",
        ) from None
    return str(result["Invalidation"]["Id"])


def wait_for(cloudfront: Any, waiter: str, timeout: float, *, delay: int, **params: str) -> None:
    attempts = max(1, int(timeout // delay))
    try:
        cloudfront.get_waiter(waiter).wait(
            **params, WaiterConfig={"Delay": delay, "MaxAttempts": attempts}
        )
    except WaiterError as exc:
        raise CdnError(
            f"{waiter.replace('_', ' ')} did not happen within {timeout:.0f} s "
            f"({exc.last_response.get('Error', {}).get('Message', 'still waiting')})",
            "the deploy itself is done; check again later with "
            "`edgeform deploy` (it changes nothing) or the CloudFront console",
        ) from None


def associations(cloudfront: Any, distribution_id: str) -> list[Association]:
    config = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
    behaviors = [(None, config["DefaultCacheBehavior"])] + [
        (b["PathPattern"], b) for b in config.get("CacheBehaviors", {}).get("Items") or []
    ]
    found = []
    for pattern, behavior in behaviors:
        for item in behavior.get("LambdaFunctionAssociations", {}).get("Items") or []:
            found.append(Association(pattern, item["EventType"], item["LambdaFunctionARN"]))
    return found
