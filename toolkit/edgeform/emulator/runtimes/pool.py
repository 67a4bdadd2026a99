"""A function's workers: up to `concurrency` invocations at once, `warm` ones kept idle."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any, Final

from edgeform.emulator.runtimes.code import EdgeLog, FunctionCode, Outcome
from edgeform.emulator.runtimes.worker import INIT_TIMEOUT, Worker, ms

# Invocations of one function at once by default; the rest wait (within their timeout).
CONCURRENCY: Final = 4


@dataclass(frozen=True)
class Scaling:
    """How many workers a function gets: `warm` kept idle, at most `concurrency` at once."""

    warm: int = 1
    concurrency: int = CONCURRENCY


class FunctionPool:
    """Workers for one function: up to `concurrency` invocations at once, `warm` kept idle."""

    def __init__(self, code: FunctionCode, log: EdgeLog, scaling: Scaling | None = None) -> None:
        scaling = scaling or Scaling()
        self.code = code
        self.log = log
        self.warm = scaling.warm
        self.concurrency = max(scaling.warm, scaling.concurrency)
        self._idle: list[Worker] = []
        self._slots = asyncio.Semaphore(self.concurrency)

    async def invoke(self, event: dict[str, Any], timeout: float, tag: str = "") -> Outcome:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout)
        except TimeoutError:
            return Outcome(
                "timeout",
                message=f"throttled: {self.concurrency} invocations of {self.code.name} ran "
                f"for all of the {timeout:g} s this one could wait",
                duration_ms=ms(started),
            )
        try:
            return await self._run(event, timeout - (time.perf_counter() - started), tag)
        finally:
            self._slots.release()

    async def _run(self, event: dict[str, Any], timeout: float, tag: str) -> Outcome:
        worker = await self._acquire()
        if worker.init_error is not None:
            await worker.kill()  # Lambda retries the init on the next invocation
            error = worker.init_error
            return Outcome("error", error, f"{error['errorType']}: {error['errorMessage']}")
        outcome = await worker.invoke(
            event, self._context(timeout), max(timeout, 0.001), tag or self.code.name
        )
        await self._release(worker)
        return outcome

    async def _release(self, worker: Worker) -> None:
        if worker.alive and len(self._idle) < self.warm:
            self._idle.append(worker)
        else:
            await worker.kill()  # started for a burst: the memory goes back

    async def _acquire(self) -> Worker:
        while self._idle:
            worker = self._idle.pop()
            if worker.alive:
                return worker
        worker = Worker(self.code, self.log)
        try:
            await worker.start()
        except TimeoutError:
            await worker.kill()
            worker.init_error = {
                "errorType": "Runtime.InitTimeout",
                "errorMessage": f"init took longer than {INIT_TIMEOUT:g} s",
            }
        except OSError as exc:  # the interpreter could not be started at all
            worker.init_error = {"errorType": "Runtime.StartError", "errorMessage": str(exc)}
        return worker

    def _context(self, timeout: float) -> dict[str, Any]:
        name = self.code.name
        return {
            "function_name": name,
            "function_version": self.code.version,
            "invoked_function_arn": self.code.arn
            or f"arn:aws:lambda:us-east-1:000000000000:function:{name}",
            "memory_limit_in_mb": self.code.memory,
            "aws_request_id": str(uuid.uuid4()),
            "log_group_name": f"/aws/lambda/us-east-1.{name}",
            "log_stream_name": time.strftime("%Y/%m/%d/[") + self.code.version + "]local",
            "timeout_ms": int(timeout * 1000),
        }

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(worker.kill() for worker in idle))
