"""The watcher reads the files off the requests' path, and is never older than its interval."""

from __future__ import annotations

import asyncio
import time

from edgeform.emulator.watcher import Watcher


class Counting:
    """A reading that counts how often it ran and when each started."""

    def __init__(self) -> None:
        self.starts: list[float] = []

    def __call__(self) -> int:
        self.starts.append(time.monotonic())
        return len(self.starts)


def test_many_requests_share_one_reading_per_interval():
    async def scenario() -> tuple[int, int]:
        read = Counting()
        watcher = Watcher(read, interval=0.2)
        await watcher.recent()
        answers = {await watcher.recent() for _ in range(1000)}  # a burst of requests
        await watcher.close()
        return len(read.starts), len(answers)

    readings, distinct = asyncio.run(scenario())
    assert readings <= 2  # the first reading, perhaps the next: never one per request
    assert distinct <= 2


def test_an_answer_comes_from_a_reading_started_within_the_interval():
    async def scenario() -> list[tuple[float, float]]:
        read = Counting()
        watcher = Watcher(read, interval=0.1)
        seen = []
        for pause in (0.0, 0.05, 0.15, 0.3, 0.12):
            await asyncio.sleep(pause)
            asked = time.monotonic()
            answer = await watcher.recent()
            seen.append((asked, read.starts[answer - 1]))
        await watcher.close()
        return seen

    for asked, started in asyncio.run(scenario()):
        assert started >= asked - 0.1 - 1e-6


def test_a_failed_reading_reaches_the_request_that_waits_and_the_next_one_recovers():
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise FileNotFoundError("edgeform.toml")
        return "ok"

    async def scenario() -> tuple[str, str]:
        watcher = Watcher(flaky, interval=0.05)
        try:
            await watcher.recent()
        except FileNotFoundError as exc:
            first = f"raised {exc}"
        else:
            first = "no error"
        await asyncio.sleep(0.1)
        second = await watcher.recent()
        await watcher.close()
        return first, second

    assert asyncio.run(scenario()) == ("raised edgeform.toml", "ok")
