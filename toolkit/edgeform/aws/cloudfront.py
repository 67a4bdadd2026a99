"""CloudFront, as edgeform uses it after an apply: invalidate what changed, read the status of
a distribution or an invalidation, read its config and its Lambda@Edge wiring."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from edgeform.aws.boundary import GuardedClient
from edgeform.errors import AwsError

# Past this many paths one wildcard is cheaper (AWS bills invalidation paths) and as quick.
MAX_PATHS: Final = 15
DEPLOYED: Final = "Deployed"
COMPLETED: Final = "Completed"


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


class CloudFront:
    def __init__(self, client: GuardedClient) -> None:
        self.client = client

    def invalidate(
        self, distribution_id: str, paths: Sequence[str], now: Callable[[], float] = time.time
    ) -> str:
        result = self.client.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": f"edgeform-{now():.6f}",
            },
        )
        return str(result["Invalidation"]["Id"])

    def status(self, distribution_id: str) -> str:
        return str(self.client.get_distribution(Id=distribution_id)["Distribution"]["Status"])

    def invalidation_status(self, distribution_id: str, invalidation_id: str) -> str:
        got = self.client.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)
        return str(got["Invalidation"]["Status"])

    def config(self, distribution_id: str) -> dict[str, Any]:
        got = self.client.get_distribution_config(Id=distribution_id)
        return dict(got["DistributionConfig"])

    def associations(self, distribution_id: str) -> list[Association]:
        return associations_of(self.config(distribution_id))

    def disable(self, distribution_id: str) -> bool:
        """Disable the distribution (AWS deletes only disabled, deployed ones). False when it
        is gone already; True when it is disabled (now, or before)."""
        try:
            got = self.client.get_distribution_config(Id=distribution_id)
        except AwsError as exc:
            if exc.code == "NoSuchDistribution":
                return False
            raise
        config = got["DistributionConfig"]
        if config.get("Enabled"):
            config["Enabled"] = False
            self.client.update_distribution(
                Id=distribution_id, IfMatch=got["ETag"], DistributionConfig=config
            )
        return True

    def delete(self, distribution_id: str) -> None:
        """Delete a disabled, deployed distribution (with its current ETag)."""
        try:
            etag = self.client.get_distribution(Id=distribution_id)["ETag"]
            self.client.delete_distribution(Id=distribution_id, IfMatch=etag)
        except AwsError as exc:
            if exc.code != "NoSuchDistribution":
                raise


def associations_of(config: dict[str, Any]) -> list[Association]:
    """Pure: every Lambda@Edge association of a distribution config, by behavior."""
    behaviors = [(None, config["DefaultCacheBehavior"])] + [
        (b["PathPattern"], b) for b in config.get("CacheBehaviors", {}).get("Items") or []
    ]
    found = []
    for pattern, behavior in behaviors:
        for item in behavior.get("LambdaFunctionAssociations", {}).get("Items") or []:
            found.append(Association(pattern, item["EventType"], item["LambdaFunctionARN"]))
    return found
