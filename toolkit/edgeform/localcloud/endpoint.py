"""The embedded AWS endpoint: moto's server, patched, on a free loopback port.

`edgeform deploy --target local` starts it when none is running; `edgeform local start|stop|
status` control it. Its pid, port and a fresh instance id are kept in
`.edgeform/localcloud/endpoint.json`. moto keeps everything in memory, so a stopped endpoint
takes its resources with it: each local stage remembers the instance its state belongs to,
and state from another instance is noticed and discarded (see `claim_stage_state`).

Run as `python -m edgeform.localcloud serve --port N` it is the server itself.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from edgeform.clock import Clock
from edgeform.errors import LocalCloudError
from edgeform.localcloud.patches import MOTO_VERSION
from edgeform.processes import is_alive

HOST: Final = "127.0.0.1"
DEFAULT_DEPLOY_DELAY: Final = 2.0
# How long a Lambda@Edge function's replicas outlive its last association: hours on AWS, a
# half a minute here: longer than a destroy takes, so a destroy meets them as on AWS.
DEFAULT_REPLICA_SECONDS: Final = 30.0
START_TIMEOUT: Final = 30.0
STATE_FILE: Final = "endpoint.json"
LOCK_FILE: Final = "start.lock"
STAGE_MARK: Final = ".endpoint-instance"


@dataclass(frozen=True)
class Endpoint:
    pid: int
    port: int
    instance: str
    moto_version: str

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class LocalCloud:
    """Start, find and stop the endpoint whose files live in `state_dir`."""

    def __init__(
        self,
        state_dir: Path,
        clock: Clock | None = None,
        request_log: Path | None = None,
        replica_seconds: float = DEFAULT_REPLICA_SECONDS,
    ) -> None:
        self.state_dir = state_dir
        self.clock = clock or Clock()
        self.request_log = request_log  # where to log each request's operation (tests)
        self.replica_seconds = replica_seconds

    @property
    def state_file(self) -> Path:
        return self.state_dir / STATE_FILE

    @property
    def log_file(self) -> Path:
        return self.state_dir / "moto.log"

    def status(self) -> Endpoint | None:
        """The running endpoint, or None (a record of a dead one is removed)."""
        try:
            endpoint = Endpoint(**json.loads(self.state_file.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None
        if is_alive(endpoint.pid) and answers(endpoint.url):
            return endpoint
        self.state_file.unlink(missing_ok=True)
        return None

    def ensure_running(self, deploy_delay: float = DEFAULT_DEPLOY_DELAY) -> tuple[Endpoint, bool]:
        """The running endpoint, started if needed; the flag says whether it was started.

        Two commands that start at once (two first deploys) must not start two endpoints:
        the second would orphan the first, and the stages of one would seem stopped to the
        other. A lock file serialises the check and the start; the second waits, then finds
        the first one's endpoint running."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with (self.state_dir / LOCK_FILE).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            running = self.status()
            if running is not None:
                return running, False
            return self.start(deploy_delay), True

    def start(self, deploy_delay: float = DEFAULT_DEPLOY_DELAY) -> Endpoint:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "edgeform.localcloud",
                    "serve",
                    "--port",
                    str(port),
                    "--deploy-delay",
                    str(deploy_delay),
                    "--replica-seconds",
                    str(self.replica_seconds),
                    *(["--request-log", str(self.request_log)] if self.request_log else []),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # outlives this command, as a background service
            )
        endpoint = Endpoint(process.pid, port, uuid.uuid4().hex, MOTO_VERSION)
        deadline = self.clock.now() + START_TIMEOUT
        while not answers(endpoint.url, timeout=1.0):
            if process.poll() is not None or self.clock.now() > deadline:
                process.kill()
                raise LocalCloudError(
                    f"the embedded AWS endpoint did not start on {endpoint.url}",
                    f"see {self.log_file}; `edgeform local start` retries on another port",
                )
            self.clock.sleep(0.1)
        self.state_file.write_text(json.dumps(asdict(endpoint)))
        return endpoint

    def stop(self) -> Endpoint | None:
        endpoint = self.status()
        if endpoint is None:
            return None
        os.killpg(endpoint.pid, signal.SIGTERM)
        deadline = self.clock.now() + 3  # werkzeug may linger on open connections
        while is_alive(endpoint.pid) and self.clock.now() < deadline:
            self.clock.sleep(0.05)
        if is_alive(endpoint.pid):
            os.killpg(endpoint.pid, signal.SIGKILL)
        self.state_file.unlink(missing_ok=True)
        return endpoint


def claim_stage_state(stage_dir: Path, endpoint: Endpoint) -> bool:
    """Tie a local stage's Terraform state to this endpoint instance.

    Returns True when state from another (stopped) instance was found and discarded: those
    resources died with that instance, and half-using their state would make Terraform try to
    refresh things that no longer exist.
    """
    mark = stage_dir / STAGE_MARK
    previous = mark.read_text().strip() if mark.is_file() else None
    discarded = False
    if previous != endpoint.instance:
        for state in stage_dir.glob("terraform.tfstate*"):
            state.unlink()
            discarded = True
    stage_dir.mkdir(parents=True, exist_ok=True)
    mark.write_text(endpoint.instance + "\n")
    return discarded


def stage_belongs_to(stage_dir: Path, endpoint: Endpoint) -> bool:
    """Whether the stage's state was made on this (running) endpoint instance."""
    mark = stage_dir / STAGE_MARK
    return mark.is_file() and mark.read_text().strip() == endpoint.instance


def serve(
    port: int,
    deploy_delay: float,
    request_log: Path | None = None,
    replica_seconds: float = DEFAULT_REPLICA_SECONDS,
) -> None:
    from moto import server

    from edgeform.localcloud import patches
    from edgeform.localcloud.requests import log_requests

    patches.apply(deploy_delay, replica_seconds)
    if request_log is not None:
        log_requests(server.DomainDispatcherApplication, request_log)
    server.main(["-H", HOST, "-p", str(port)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m edgeform.localcloud")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the patched moto server (foreground)")
    serve_cmd.add_argument("--port", type=int, required=True)
    serve_cmd.add_argument("--deploy-delay", type=float, default=DEFAULT_DEPLOY_DELAY)
    serve_cmd.add_argument("--request-log", type=Path, help="log each request's AWS operation")
    serve_cmd.add_argument(
        "--replica-seconds",
        type=float,
        default=DEFAULT_REPLICA_SECONDS,
        help="how long Lambda@Edge replicas outlive a function's last association",
    )
    args = parser.parse_args(argv)
    serve(args.port, args.deploy_delay, args.request_log, args.replica_seconds)
