"""A destroy that finishes although CloudFront still has replicas, and `gc` that finishes it.

Before the destroy, the stage's functions are recorded as pending (a record beside the state,
a tag on each function) and taken out of the stage's state, so Terraform destroys everything
else and never waits on Lambda (the AWS provider would retry a replicated function's deletion
for its whole delete timeout, then fail). Then each function is tried once: those CloudFront
has let go are deleted, the others stay pending for `gc`, which deletes them when AWS allows
(and never one a live distribution wires, or one a deploy has taken back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from edgeform.aws.boundary import GuardedClient
from edgeform.aws.replicas import (
    Deletion,
    delete_pending,
    mark_pending,
    unmark_pending,
    wired_versions,
)
from edgeform.aws.session import LAMBDA_REGION, Connection
from edgeform.clock import Clock
from edgeform.deploy.run import Run
from edgeform.deploy.terraform import StackCommands
from edgeform.state.pending import PendingFunction
from edgeform.state.records import utc
from edgeform.state.store import StageStore, resource_addresses, stage_parts

FUNCTION_ADDRESS = "aws_lambda_function."


@dataclass
class Collected:
    """What one round of collection did, by function name."""

    deleted: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # still replicated: for a later gc
    kept_wired: list[str] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)  # gone already, or taken back

    def as_json(self) -> dict[str, Any]:
        return {
            "deleted": self.deleted,
            "pending": self.pending,
            "kept_wired": self.kept_wired,
            "forgotten": self.forgotten,
        }


def set_aside(run: Run, stack: StackCommands, states: StageStore, conn: Connection) -> list[str]:
    """Record the stage's functions as pending and take them out of its state."""
    state = states.state(run.context.stage.slug)
    addresses = sorted(a for a in resource_addresses(state) if a.startswith(FUNCTION_ADDRESS))
    names = list(stage_parts(state).functions)  # the outputs may be gone already
    if not addresses:
        return []
    lam = conn.client("lambda", LAMBDA_REGION)
    when = utc(run.clock.wall()).strftime("%Y-%m-%dT%H:%M:%SZ")
    stage = run.context.stage
    for name in names:  # recorded before the state forgets them: a kill loses nothing
        states.put_pending(PendingFunction(name, stage.name, stage.slug, when))
        mark_pending(lam, name, when)
    stack.state_rm(addresses)
    return names


def revive(run: Run, states: StageStore, conn: Connection) -> list[str]:
    """After a deploy: the stage's functions a destroy had left pending are the stage's again
    (the adopt step imported them), so no gc may delete them."""
    names = set(run.context.names.functions.values())
    revived = sorted(names & states.pending_names())  # the keys say it: no record is read
    if revived:
        lam = conn.client("lambda", LAMBDA_REGION)
        for name in revived:
            unmark_pending(lam, name)
            states.drop_pending(name)
    return revived


def collect(
    lam: GuardedClient,
    cloudfront: GuardedClient,
    states: StageStore,
    only: Iterable[str] | None = None,
) -> Collected:
    """One round: try to delete each pending function (all, or those named in `only`)."""
    wanted = set(only) if only is not None else None
    wired = wired_versions(cloudfront)
    collected = Collected()
    for record in states.pending():
        if wanted is not None and record.function not in wanted:
            continue
        outcome = delete_pending(lam, record.function, wired)
        if outcome is Deletion.REPLICATED:
            collected.pending.append(record.function)
            continue
        if outcome is Deletion.WIRED:
            collected.kept_wired.append(record.function)
            continue
        states.drop_pending(record.function)
        target = collected.deleted if outcome is Deletion.DELETED else collected.forgotten
        target.append(record.function)
    return collected


def collect_until_done(
    lam: GuardedClient,
    cloudfront: GuardedClient,
    states: StageStore,
    clock: Clock,
    *,
    timeout: float,
    first_interval: float,
    tick: Any = None,
) -> Collected:
    """Collect, and while functions stay replicated, again with backoff, up to `timeout`."""
    started, interval = clock.now(), first_interval
    total = Collected()
    while True:
        round_ = collect(lam, cloudfront, states)
        total.deleted += round_.deleted
        total.forgotten += round_.forgotten
        total.kept_wired = round_.kept_wired
        total.pending = round_.pending
        waited = clock.now() - started
        if not round_.pending or waited + interval > timeout:
            return total
        if tick is not None:
            tick(len(round_.pending), waited)
        clock.sleep(interval)
        interval = min(interval * 2, 300.0)
