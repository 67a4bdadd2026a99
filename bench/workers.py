"""bench/workers: the memory of an idle function worker, per runtime, and what the bounds of
`edgeform serve` make of it.

    .venv/bin/python bench/workers.py

Starts `edgeform serve` on the conformance project (tests/fixtures/conformance: a Python
function and two Node.js ones), sends one request through each so that one worker of each
is warm, then reads each worker's resident memory (VmRSS) from /proc. Printed beside it, as
the floor: a bare `python3 -c pass`-like interpreter and a bare `node` at rest.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT = REPO / "tests" / "fixtures" / "conformance"
REQUESTS = ("/py/vr/a.js", "/js/a.js", "/cb/a.js")
WORKER_MARKS = {b"python_worker.py": "python worker", b"node_worker.mjs": "node worker"}


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def workers() -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            for mark, kind in WORKER_MARKS.items():
                if mark in cmdline:
                    found[int(entry.name)] = kind
    return found


def floor(command: list[str]) -> float:
    process = subprocess.Popen(command, stdin=subprocess.PIPE)
    time.sleep(1.0)
    try:
        return rss_mb(process.pid)
    finally:
        process.kill()
        process.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "p"
        shutil.copytree(PROJECT, project)
        serve = subprocess.Popen(
            [sys.executable, "-m", "edgeform", "serve", "--port", "0", "--workers", "1"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert serve.stdout is not None
            url = re.search(r"(http://127\.0\.0\.1:\d+)/", serve.stdout.readline()).group(1)  # type: ignore[union-attr]
            for path in REQUESTS:
                urllib.request.urlopen(url + path, timeout=30).read()
            time.sleep(0.5)
            server = rss_mb(serve.pid)
            print(f"{'process':<22}{'RSS MB':>8}")
            print(f"{'edgeform serve':<22}{server:>8.1f}")
            sizes: dict[str, list[float]] = {}
            for pid, kind in sorted(workers().items()):
                sizes.setdefault(kind, []).append(rss_mb(pid))
            for kind, values in sorted(sizes.items()):
                print(f"{kind + ' (idle)':<22}{sum(values) / len(values):>8.1f}  x{len(values)}")
        finally:
            serve.terminate()
            serve.wait(10)
    bare_python = floor([sys.executable, "-c", "import sys; sys.stdin.read()"])
    print(f"{'floor: bare python':<22}{bare_python:>8.1f}")
    node = shutil.which("node")
    if node:
        print(f"{'floor: bare node':<22}{floor([node, '-e', 'process.stdin.resume()']):>8.1f}")


if __name__ == "__main__":
    main()
