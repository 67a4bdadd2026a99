"""Time, injected: the one clock edgeform reads and sleeps on, and the one way it waits.

Everything that polls or times (CloudFront waits, the embedded endpoint's start, the console's
step durations) takes a `Clock`, so tests swap in a fake one and never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from edgeform.errors import WaitTimeoutError

Tick = Callable[[str, float], None]  # (current status, seconds waited so far)


@dataclass(frozen=True)
class Clock:
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time  # seconds since the epoch: for expiries and records


@dataclass(frozen=True)
class Poll:
    """How to wait: at most `timeout` seconds, asking every `interval`, reporting each ask."""

    timeout: float
    interval: float
    clock: Clock = field(default_factory=Clock)
    tick: Tick | None = None


def wait_until(what: str, status: Callable[[], str], done: str, poll: Poll, hint: str) -> None:
    """Ask `status()` until it says `done`; past the timeout, say how long and what to do."""
    started = poll.clock.now()
    while True:
        current = status()
        if current == done:
            return
        elapsed = poll.clock.now() - started
        if poll.tick:
            poll.tick(current, elapsed)
        if elapsed + poll.interval > poll.timeout:
            raise WaitTimeoutError(f"{what} was still {current} after {elapsed:.0f} s", hint)
        poll.clock.sleep(poll.interval)
