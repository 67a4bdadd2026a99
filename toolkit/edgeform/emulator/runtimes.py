"""Worker processes that run edge functions, one invocation at a time each.

A `FunctionPool` runs one function (Python through `workers/python_worker.py`, Node.js through
`workers/node_worker.mjs`) the way Lambda does: invocations run at once, each in a worker of
its own, up to `concurrency` of them; `warm` idle workers are kept (module state survives
between invocations), and workers started for a burst are stopped once idle. Each
invocation's timeout counts from the moment it is asked for: one still queued when its time
is up is throttled, as CloudFront reports a throttled function (503 LambdaLimitExceeded).
An invocation past its timeout has its worker killed (`timeout`); a worker that dies
(`crash`), or answers more than `LINE_LIMIT` bytes (`invalid`), is killed and reported; none of
these ever reaches the server as an exception, and no worker is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from edgeform.errors import RuntimeMissingError

WORKERS: Final = Path(__file__).with_name("workers")
INIT_TIMEOUT: Final = 10.0  # Lambda's init phase limit
LINE_LIMIT: Final = 16 * 1024 * 1024  # events carry bodies up to 1 MB, base64 encoded
# Invocations of one function at once by default; the rest wait (within their timeout).
CONCURRENCY: Final = 4
EdgeLog = Callable[[str, str], None]  # (tag: "function trigger request-id", or the function; line)
OutcomeKind = Literal["result", "error", "timeout", "invalid", "crash"]


@dataclass(frozen=True)
class FunctionCode:
    """One function as it runs: its unpacked bundle and how Lambda would run it."""

    name: str
    runtime: str
    handler: str
    code_dir: Path
    memory: int
    timeout: int
    version: str = "$LATEST"
    arn: str = ""

    @property
    def language(self) -> Literal["python", "node"]:
        return "python" if self.runtime.startswith("python") else "node"

    @property
    def node_major(self) -> int:
        digits = "".join(c for c in self.runtime if c.isdigit())
        return int(digits or 0)


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    value: Any = None  # the result (kind "result") or Lambda's error object (kind "error")
    message: str = ""
    duration_ms: float = 0.0


def python_for(runtime: str) -> tuple[str, bool]:
    """The interpreter for a pythonX.Y runtime: that version if installed, else this one.

    The flag says whether the version matches what Lambda runs.
    """
    version = runtime.removeprefix("python")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable, True
    found = shutil.which(f"python{version}")
    return (found, True) if found and _runs(found) else (sys.executable, False)


@functools.cache
def _runs(interpreter: str) -> bool:
    # A pyenv shim is on the PATH even when its version is not selected, and then fails.
    try:
        done = subprocess.run([interpreter, "-c", "pass"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def runtime_note(code: FunctionCode) -> str | None:
    """What differs between this machine and Lambda's runtime, if anything."""
    if code.language == "python" and not python_for(code.runtime)[1]:
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        return (
            f"{code.name}: Lambda runs {code.runtime}; no python{code.runtime[6:]} here, "
            f"so it runs on Python {here}"
        )
    if code.language == "node":
        node = local_node_version()
        if node is not None and node.split(".")[0] != str(code.node_major):
            return (
                f"{code.name}: Lambda runs {code.runtime}; node here is v{node}, so it runs "
                f"on Node.js {node.split('.')[0]}"
            )
    return None


@functools.cache
def local_node_version() -> str | None:
    """The version of the `node` on the PATH (`22.11.0`), None without one."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        printed = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return printed.stdout.strip().removeprefix("v") or None


def worker_command(code: FunctionCode) -> list[str]:
    if code.language == "python":
        script = WORKERS / "python_worker.py"
        python, _ = python_for(code.runtime)
        return [python, "-I", str(script), str(code.code_dir), code.handler]
    node = shutil.which("node")
    if node is None:
        raise RuntimeMissingError(
            f"{code.name} runs on {code.runtime} but node is not on the PATH",
            "install Node.js (Debian: apt-get install nodejs)",
        )
    script = WORKERS / "node_worker.mjs"
    return [node, str(script), str(code.code_dir), code.handler, str(code.node_major)]


class Worker:
    """One warm process; the pool makes sure it runs one invocation at a time."""

    def __init__(self, code: FunctionCode, log: EdgeLog) -> None:
        self.code = code
        self.log = log
        self.process: asyncio.subprocess.Process | None = None
        self.init_error: dict[str, Any] | None = None
        self._stderr_task: asyncio.Task[None] | None = None
        self._current = code.name

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *worker_command(self.code),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=LINE_LIMIT,
            env=_worker_environ(self.code),
        )
        self._stderr_task = asyncio.create_task(self._forward_stderr())
        message = await asyncio.wait_for(self._read_reply(), INIT_TIMEOUT)
        if message is None:
            self.init_error = {"errorType": "Runtime.ExitError", "errorMessage": "exited at init"}
        elif "init_error" in message:
            self.init_error = message["init_error"]

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def invoke(
        self, event: dict[str, Any], context: dict[str, Any], timeout: float, tag: str
    ) -> Outcome:
        assert self.process is not None
        assert self.process.stdin is not None
        self._current = tag
        started = time.perf_counter()
        payload = json.dumps({"event": event, "context": context}, separators=(",", ":"))
        try:
            self.process.stdin.write(payload.encode() + b"\n")
            await self.process.stdin.drain()
            reply = await asyncio.wait_for(self._read_reply(), timeout)
        except TimeoutError:
            await self.kill()
            return Outcome(
                "timeout", message=f"timed out after {timeout:g} s", duration_ms=_ms(started)
            )
        except (BrokenPipeError, ConnectionResetError):
            reply = None
        except (ValueError, asyncio.LimitOverrunError):  # a message over LINE_LIMIT
            await self.kill()
            # Only a result can be that big (log lines are cut in the worker): far over any
            # response CloudFront accepts.
            return Outcome(
                "invalid",
                message=f"the function's result is over {LINE_LIMIT:,} bytes",
                duration_ms=_ms(started),
            )
        finally:
            self._current = self.code.name
        if reply is None:
            await self.kill()  # reap it now, so the pool never hands it out again
        return _outcome(reply, _ms(started))

    async def _read_reply(self) -> dict[str, Any] | None:
        """The next protocol message that is not a log line; None if the worker died."""
        assert self.process is not None
        assert self.process.stdout is not None
        while True:
            line = await self.process.stdout.readline()
            if not line:
                return None
            message = json.loads(line)
            if "log" in message:
                self.log(self._current, message["log"])
            else:
                return dict(message)

    async def _forward_stderr(self) -> None:
        """What reaches file descriptor 2 (not through the protocol), line by line; a line
        longer than the stream's limit is logged in pieces, never raised."""
        assert self.process is not None
        stderr = self.process.stderr
        assert stderr is not None
        while True:
            try:
                line = await stderr.readuntil(b"\n")
            except asyncio.IncompleteReadError as end:
                line = end.partial
            except asyncio.LimitOverrunError as over:
                line = await stderr.read(over.consumed)
            if not line:
                return
            self.log(self._current, line.decode("utf-8", "replace").rstrip("\n"))

    async def kill(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        await self.process.wait()
        if self._stderr_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._stderr_task


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _outcome(reply: dict[str, Any] | None, duration_ms: float) -> Outcome:
    if reply is None:
        return Outcome("crash", message="the runtime exited", duration_ms=duration_ms)
    if "result" in reply:
        return Outcome("result", reply["result"], duration_ms=duration_ms)
    if "invalid" in reply:
        return Outcome("invalid", message=reply["invalid"], duration_ms=duration_ms)
    error = reply.get("error") or reply.get("init_error") or {}
    message = f"{error.get('errorType', 'Error')}: {error.get('errorMessage', '')}"
    return Outcome("error", error, message, duration_ms)


def _worker_environ(code: FunctionCode) -> dict[str, str]:
    # What Lambda's runtime sets; nothing of the user's own environment leaks in, because
    # Lambda@Edge functions have no environment variables at the edge either.
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    return {
        **keep,
        "AWS_LAMBDA_FUNCTION_NAME": code.name,
        "AWS_LAMBDA_FUNCTION_VERSION": code.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(code.memory),
        "AWS_REGION": "us-east-1",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{code.runtime}",
        "LAMBDA_TASK_ROOT": str(code.code_dir),
        "TZ": "UTC",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


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
                duration_ms=_ms(started),
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
