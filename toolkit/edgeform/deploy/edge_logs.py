"""`edgeform logs`: a stage's function logs from every Region, merged by time, and retention.

Reads go to every Region with a regional edge cache at once (one thread each); each function's
group exists only where a viewer was served. `--follow` asks again every few seconds for what
is new, and never prints an event twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from edgeform.aws.boundary import GuardedClient
from edgeform.aws.logs import LogEvent, LogGroup, find_groups, read_events, set_retention
from edgeform.deploy.connect import connect_deployed
from edgeform.deploy.run import Run
from edgeform.errors import UsageError
from edgeform.model.lambda_edge import EDGE_LOG_REGIONS

FOLLOW_INTERVAL: Final = 2.0


@dataclass(frozen=True)
class Logs:
    groups: list[LogGroup]
    events: list[LogEvent]


def function_names(run: Run, function: str | None) -> list[str]:
    """The Lambda names of the stage's functions, or of the one named."""
    names = run.context.names.functions
    if function is None:
        return [names[fn] for fn in sorted(names)]
    if function not in names:
        raise UsageError(
            f"no function {function!r} in edgeform.toml; nothing was read",
            f"use one of: {', '.join(sorted(names))}",
        )
    return [names[function]]


def clients(run: Run, regions: Sequence[str]) -> Callable[[str], GuardedClient]:
    """One logs client per Region, made up front (read by threads; clients are thread-safe)."""
    conn = connect_deployed(run)
    made = {region: conn.client("logs", region) for region in regions}
    return made.__getitem__


def read(run: Run, function: str | None, since_seconds: int) -> Logs:
    logs_in = clients(run, EDGE_LOG_REGIONS)
    groups = find_groups(logs_in, EDGE_LOG_REGIONS, function_names(run, function))
    start = int((run.clock.wall() - since_seconds) * 1000)
    return Logs(groups, read_events(logs_in, groups, start))


def follow(run: Run, function: str | None, since_seconds: int) -> Iterator[LogEvent]:
    """Events as they come, from `since_seconds` ago on, until interrupted."""
    logs_in = clients(run, EDGE_LOG_REGIONS)
    names = function_names(run, function)
    start = int((run.clock.wall() - since_seconds) * 1000)
    seen: set[tuple[str, str]] = set()
    while True:
        groups = find_groups(logs_in, EDGE_LOG_REGIONS, names)  # new Regions appear
        for event in read_events(logs_in, groups, start):
            if (event.region, event.event_id) not in seen:
                seen.add((event.region, event.event_id))
                start = max(start, event.timestamp)  # ask for less each time
                yield event
        run.clock.sleep(FOLLOW_INTERVAL)


def retain(run: Run, function: str | None, days: int) -> list[LogGroup]:
    """Set the retention of every log group of the stage's functions, in every Region."""
    logs_in = clients(run, EDGE_LOG_REGIONS)
    groups = find_groups(logs_in, EDGE_LOG_REGIONS, function_names(run, function))
    return set_retention(logs_in, groups, days)
