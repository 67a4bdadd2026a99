"""One warm worker process and the protocol it speaks (JSON lines on stdio)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from typing import Any, Final

from edgeform.emulator.runtimes.code import EdgeLog, FunctionCode, Outcome
from edgeform.emulator.runtimes.kinds import worker_command

INIT_TIMEOUT: Final = 10.0  # Lambda's init phase limit
LINE_LIMIT: Final = 16 * 1024 * 1024  # events carry bodies up to 1 MB, base64 encoded


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
                "timeout", message=f"timed out after {timeout:g} s", duration_ms=ms(started)
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
                duration_ms=ms(started),
            )
        finally:
            self._current = self.code.name
        if reply is None:
            await self.kill()  # reap it now, so the pool never hands it out again
        return _outcome(reply, ms(started))

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


def ms(started: float) -> float:
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
