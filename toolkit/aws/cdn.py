"""CloudFront after the apply: invalidate what changed, wait, and read back the wiring."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

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


@dataclass(frozen=True)
class Clock:
    """Time for the waits: injected, so tests need not sleep."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


Tick = Callable[[str, float], None]


def wait_until(
    what: str,
    status: Callable[[], str],
    done: str,
    *,
    timeout: float,
    interval: float,
    clock: Clock,
    tick: Tick | None = None,
) -> None:
    """Poll `status()` until it says `done`, report each poll, give up with advice."""
    started = clock.now()
    while True:
        try:
            current = status()
        except (ClientError, BotoCoreError) as exc:
            raise CdnError(f"waiting for {what}: {exc}", "run the deploy again") from None
        if current == done:
            return
        elapsed = clock.now() - started
        if tick:
            tick(current, elapsed)
        if elapsed + interval > timeout:
            raise CdnError(
                f"{what} was still {current} after {elapsed:.0f} s",
                "the deploy itself is done and CloudFront finishes on its own; run "
                "`edgeform deploy` again later to wait and verify (it changes nothing)",
            )
        clock.sleep(interval)


def wait_deployed(
    cloudfront: Any,
    distribution_id: str,
    *,
    timeout: float,
    interval: float,
    clock: Clock,
    tick: Tick | None = None,
) -> None:
    wait_until(
        f"distribution {distribution_id}",
        lambda: cloudfront.get_distribution(Id=distribution_id)["Distribution"]["Status"],
        "Deployed",
        timeout=timeout,
        interval=interval,
        clock=clock,
        tick=tick,
    )


def wait_invalidated(
    cloudfront: Any,
    distribution_id: str,
    invalidation_id: str,
    *,
    timeout: float,
    interval: float,
    clock: Clock,
    tick: Tick | None = None,
) -> None:
    wait_until(
        f"invalidation {invalidation_id}",
        lambda: cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)[
            "Invalidation"
        ]["Status"],
        "Completed",
        timeout=timeout,
        interval=interval,
        clock=clock,
        tick=tick,
    )


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
