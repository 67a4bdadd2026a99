"""Lambda@Edge replicas: a version CloudFront has wired cannot be deleted while it is wired
and for a while after (hours on AWS, `replica_seconds` here); Lambda refuses with its
"replicated function" error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final


def apply(replica_seconds: float) -> Replicas:
    from moto.cloudfront import models

    return _replicas_outlive_associations(models, replica_seconds)


REPLICATED_MESSAGE: Final = (
    "Lambda was unable to delete {arn} because it is a replicated function. Please see our "
    "documentation for Deleting Lambda@Edge Functions and Replicas."
)


class Replicas:
    """Which function versions CloudFront has replicated, and since when they are released.

    A version wired to a distribution is replicated to the edge; once its last association is
    removed (or its distribution deleted), the replicas go after a while: hours on AWS,
    `seconds` here. Until then Lambda refuses to delete the version or its function."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock
        self.released: dict[str, float | None] = {}  # version ARN -> released at (None: wired)

    def observe(self, account: str, associated: set[str]) -> None:
        """The version ARNs that account's distributions wire now."""
        now = self.clock()
        for arn in associated:
            self.released[arn] = None
        for arn, when in self.released.items():
            if when is None and arn not in associated and f":{account}:" in arn:
                self.released[arn] = now

    def blocking(self, function_arn: str, qualifier: str | None) -> str | None:
        """The replicated version that keeps the function (or that version) from deletion."""
        now = self.clock()
        for arn, when in sorted(self.released.items()):
            base, _, version = arn.rpartition(":")
            if base != function_arn or (qualifier and version != qualifier):
                continue
            if when is None or now - when < self.seconds:
                return arn
        return None


def associated_versions(config: Any) -> set[str]:
    """Every LambdaFunctionARN a distribution config wires, however moto nested it."""
    found: set[str] = set()
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            arn = item.get("LambdaFunctionARN")
            if isinstance(arn, str):
                found.add(arn)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif hasattr(item, "__dict__"):
            stack.append(vars(item))
    return found


def _replicas_outlive_associations(models: Any, replica_seconds: float) -> Replicas:
    import time

    from moto.awslambda import exceptions as lambda_exceptions
    from moto.awslambda import models as lambda_models

    replicas = Replicas(replica_seconds, time.monotonic)
    backend = models.CloudFrontBackend

    def observing(method: Callable[..., Any]) -> Callable[..., Any]:
        def observed(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = method(self, *args, **kwargs)
            wired = set().union(
                *(associated_versions(d.distribution_config) for d in self.distributions.values())
            )
            replicas.observe(self.account_id, wired)
            return result

        return observed

    for name in ("create_distribution_with_tags", "update_distribution", "delete_distribution"):
        setattr(backend, name, observing(getattr(backend, name)))

    delete_function = lambda_models.LambdaBackend.delete_function

    def delete_replicated(self: Any, function_name: str, qualifier: str | None = None) -> None:
        if function_name.startswith("arn:"):
            parts = function_name.split(":")
            base, qualifier = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else qualifier)
        else:
            base = f"arn:aws:lambda:{self.region_name}:{self.account_id}:function:{function_name}"
        blocking = replicas.blocking(base, qualifier)
        if blocking is not None:
            raise lambda_exceptions.InvalidParameterValueException(
                REPLICATED_MESSAGE.format(arn=blocking)
            )
        delete_function(self, function_name, qualifier)

    lambda_models.LambdaBackend.delete_function = delete_replicated  # type: ignore[method-assign]  # the patch: moto's method replaced on its class
    return replicas
