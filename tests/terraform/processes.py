"""edgeform as a CI job runs it: a subprocess in a session of its own, its progress in a log
and its JSON result beside it; and the signals a CI runner sends."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from edgeform.aws.session import Connection
from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.project import Target

LOCAL = Target("local", "local", "us-east-1")


class Project:
    def __init__(self, root: Path, environ: dict[str, str]) -> None:
        self.root = root
        self.env = {**environ, "EDGEFORM_STAGE": "", "NO_COLOR": "1"}
        for name in ("EDGEFORM_STAGE", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
            self.env.pop(name, None)
        self.cloud = LocalCloud(root / ".edgeform" / "localcloud")

    def start(
        self, command: str, stage: str | None, log: Path, *extra: str
    ) -> subprocess.Popen[bytes]:
        """edgeform in a session of its own, as a CI job runs it: its progress to `log`, its
        JSON result beside it (`result_file(log)`)."""
        args = [sys.executable, "-m", "edgeform", "--config", str(self.root / "edgeform.toml")]
        named = ["--stage", stage] if stage is not None else []
        with log.open("wb") as err, result_file(log).open("wb") as out:
            return subprocess.Popen(
                [*args, command, *named, "--output", "json", *extra],
                env=self.env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def run(
        self, command: str, stage: str | None, log: Path, *extra: str
    ) -> tuple[int, str, float]:
        started = time.monotonic()
        process = self.start(command, stage, log, *extra)
        code = process.wait(timeout=600)
        return code, log.read_text(), time.monotonic() - started

    def client(self, service: str, url: str | None = None):
        if url is None:
            endpoint = self.cloud.status()
            assert endpoint is not None
            url = endpoint.url
        return Connection(LOCAL, url).client(service).raw

    def result(self, log: Path) -> dict:
        return json.loads(result_file(log).read_text())

    def stage_dir(self, slug: str) -> Path:
        return self.root / ".edgeform" / "stages" / "local" / slug


def result_file(log: Path) -> Path:
    return log.with_suffix(".json")


def wait_for(log: Path, pattern: str, process: subprocess.Popen[bytes], limit: float = 300) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if re.search(pattern, log.read_text(errors="replace")):
            return
        assert process.poll() is None, f"edgeform ended before {pattern!r}:\n{log.read_text()}"
        time.sleep(0.05)
    raise AssertionError(f"no {pattern!r} in {limit} s:\n{log.read_text()}")


def descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def kill_everything(pid: int) -> None:
    """SIGKILL to edgeform, Terraform and the provider at once: a cancelled CI job."""
    tree = [pid, *descendants(pid)]
    for member in tree:
        os.kill(member, signal.SIGSTOP)  # nobody reacts to the others dying
    for member in tree:
        os.kill(member, signal.SIGKILL)


def processes_in(folder: Path) -> list[int]:
    """Processes whose working folder is `folder`: Terraform and its providers run there."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/cwd").resolve() == folder.resolve():
                    found.append(int(entry))
            except OSError:
                continue
    return found
