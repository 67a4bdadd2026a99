"""Lambda@Edge logs: one group per function in every Region that ran it, read in parallel.

A replica logs to `/aws/lambda/us-east-1.<function>` in the Region nearest the viewer, so a
function's logs are spread over every Region with a regional edge cache, each group created
on first use and without retention.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from edgeform.aws.boundary import GuardedClient
from edgeform.model.lambda_edge import edge_log_group

ClientIn = Callable[[str], GuardedClient]  # a logs client for a Region


@dataclass(frozen=True)
class LogEvent:
    timestamp: int  # milliseconds since the epoch
    region: str
    function: str
    stream: str
    message: str
    event_id: str

    def line(self) -> str:
        moment = datetime.fromtimestamp(self.timestamp / 1000, UTC)
        when = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
        return f"{when} {self.region:<15} {self.function}  {self.message.rstrip()}"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LogGroup:
    region: str
    function: str
    name: str
    retention_days: int | None


def find_groups(
    logs_in: ClientIn, regions: Sequence[str], functions: Sequence[str]
) -> list[LogGroup]:
    """Every function's log group, in every Region that has one (asked in parallel)."""

    def in_region(region: str) -> list[LogGroup]:
        client = logs_in(region)
        found = []
        for function in functions:
            name = edge_log_group(function)
            pages = client.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name)
            for page in pages:
                for group in page.get("logGroups", []):
                    if group["logGroupName"] == name:
                        found.append(LogGroup(region, function, name, group.get("retentionInDays")))
        return found

    return _parallel(in_region, regions)


def read_events(logs_in: ClientIn, groups: Sequence[LogGroup], start_ms: int) -> list[LogEvent]:
    """Every event since `start_ms` in every group, merged by time (ties by Region)."""

    def in_group(group: LogGroup) -> list[LogEvent]:
        client = logs_in(group.region)
        events = []
        paginator = client.get_paginator("filter_log_events")
        for page in paginator.paginate(logGroupName=group.name, startTime=start_ms):
            for event in page.get("events", []):
                events.append(
                    LogEvent(
                        int(event["timestamp"]),
                        group.region,
                        group.function,
                        str(event.get("logStreamName", "")),
                        str(event.get("message", "")),
                        str(event.get("eventId", "")),
                    )
                )
        return events

    merged = _parallel(in_group, groups)
    return sorted(merged, key=lambda e: (e.timestamp, e.region, e.stream, e.event_id))


def set_retention(logs_in: ClientIn, groups: Sequence[LogGroup], days: int) -> list[LogGroup]:
    def one(group: LogGroup) -> list[LogGroup]:
        logs_in(group.region).put_retention_policy(logGroupName=group.name, retentionInDays=days)
        return [LogGroup(group.region, group.function, group.name, days)]

    return _parallel(one, groups)


def _parallel(work: Callable[[Any], list[Any]], items: Iterable[Any]) -> list[Any]:
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
        results = list(pool.map(work, items))
    return [found for result in results for found in result]
