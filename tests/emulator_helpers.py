"""Run `edgeform serve`'s server in a thread of the test process, with a clock the test moves."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from edgeform.build.dependencies import PlatformInstaller
from edgeform.emulator.chain import EdgeChain
from edgeform.emulator.server import EdgeServer
from edgeform.emulator.watcher import DEFAULT_INTERVAL
from edgeform.emulator.working_tree import ServeSettings, WorkingTreeSource
from edgeform.model.stage import Stage


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def x_cache(self) -> str:
        return self.headers.get("x-cache", "")

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class ServerThread:
    """The real aiohttp server and chain, on 127.0.0.1, in a background event loop."""

    def __init__(self, project_dir: Path, stage: str = "local") -> None:
        self.project_dir = project_dir
        self.stage = stage
        self.clock = FakeClock()
        self.logs: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: EdgeServer | None = None
        self.port = 0

    def log(self, tag: str, line: str) -> None:
        self.logs.append(f"[{tag}] {line}")

    def start(self) -> ServerThread:
        self.thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(120)
        return self

    async def _start(self) -> int:
        settings = ServeSettings(
            self.project_dir / "edgeform.toml",
            Stage(self.stage, self.stage, "test"),
            self.project_dir / ".edgeform" / "serve" / self.stage,
        )
        installer = PlatformInstaller(self.project_dir / ".edgeform" / "cache" / "deps")
        source = WorkingTreeSource(settings, lambda _project: installer, self.log)
        chain = EdgeChain(source, self.logs.append, clock=self.clock)
        self.server = EdgeServer(chain, self.logs.append)
        await source.current()
        return await self.server.start(0)

    def stop(self) -> None:
        if self.server is not None:
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def after_check_interval(self) -> None:
        """Wait until the server has surely read the files since the last edit."""
        time.sleep(DEFAULT_INTERVAL + 0.05)

    def request(
        self,
        path: str,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def logs_for(self, request_id: str) -> list[str]:
        return [line for line in self.logs if request_id in line]


def served_url(process: subprocess.Popen[str]) -> str:
    """The URL an `edgeform serve` subprocess announces; its output is drained from then on."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        match = re.search(r"on (http://127\.0\.0\.1:\d+)/", line)
        if match:
            # Keep reading, so the server never blocks on a full pipe.
            threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
            return match.group(1)
    raise AssertionError("edgeform serve did not start:\n" + "".join(seen))


@contextlib.contextmanager
def serving(command: list[str], project: Path) -> Iterator[str]:
    """`edgeform serve` (`command`, with `--port 0`) in `project`, as a subprocess: its URL,
    and the process stopped afterwards."""
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield served_url(process)
    finally:
        process.terminate()
        process.wait(10)


def _drain(stream: Iterator[str]) -> None:
    for _ in stream:
        pass
