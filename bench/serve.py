"""bench/serve: requests per second and latency of `edgeform serve`, beside a plain file server.

    .venv/bin/python bench/serve.py [--duration 10] [--connections 8]

Four runs, each with wrk (Debian's `wrk`, one thread) as the load generator in its own process:
  (a) cache hits through a Python viewer-request function: the demo's /script.js
      (viewer request runs on every request; the object comes from the cache);
  (a') the same with 2,000 more files in the site: what noticing edits costs a big site
      (printed as a ratio to (a));
  (b) misses through all four triggers: a project whose one behavior has a Python function on
      each trigger, every request a new query string (so a new cache key);
  (c) the floor: the same site files from the stdlib's static file server (bench/static_server.py,
      http.server with keep-alive).
Each figure is the median of --runs runs. This machine is a VM whose CPU time is sometimes
stolen by its host; each run reports the steal (from /proc/stat) so a bad run can be seen,
and the CPU time the server and its workers spent per request, which steal does not change.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PASS_THROUGH = """def handler(event, context):
    cf = event["Records"][0]["cf"]
    return cf.get("response", cf["request"])
"""
FOUR_TRIGGERS = """
[functions.pass]
source = "functions/pass"
runtime = "python3.12"
handler = "app.handler"

[[behaviors]]
path_pattern = "/*.js"
triggers = [
  { event = "viewer-request", function = "pass" },
  { event = "origin-request", function = "pass" },
  { event = "origin-response", function = "pass" },
  { event = "viewer-response", function = "pass" },
]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_copy(root: Path, four_triggers: bool, bulk_files: int = 0) -> Path:
    project = root / ("four" if four_triggers else f"demo-{bulk_files}")
    project.mkdir()
    for part in ("edgeform.toml", "functions", "site", "terraform"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / part)
    for n in range(bulk_files):  # a big site: folders of 100 files beside the demo's own
        folder = project / "site" / "bulk" / f"d{n // 100:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{n:04}.html").write_text(f"<p>page {n}</p>\n")
    if four_triggers:
        (project / "functions" / "pass").mkdir()
        (project / "functions" / "pass" / "app.py").write_text(PASS_THROUGH)
        config = project / "edgeform.toml"
        text = config.read_text().replace(
            "[default_behavior]", FOUR_TRIGGERS + "\n[default_behavior]"
        )
        config.write_text(text)
    return project


def start(command: list[str], cwd: Path, ready: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if re.search(ready, line):
            return process
        if time.monotonic() > deadline:
            break
    process.kill()
    raise SystemExit(f"{command} did not start")


BIG_SITE = "(a') hits, as (a), +2,000 site files"
MISSES_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "?n=" .. counter)
end
"""


def wrk_figures(output: str) -> dict[str, float]:
    def millis(text: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if not (rps and p50 and p99):
        raise SystemExit(f"cannot read wrk's output:\n{output}")
    return {
        "rps": float(rps.group(1)),
        "p50_ms": round(millis(p50.group(1)), 2),
        "p99_ms": round(millis(p99.group(1)), 2),
        "errors": int(errors.group(1)) if errors else 0,
    }


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its descendants."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = int(fields[11]) + int(fields[12])
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def load(
    url: str, connections: int, duration: float, script: Path | None, server_pid: int
) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    # Warm up (workers, cache) for a second, then measure.
    subprocess.run([*command, "-d1s", url], check=True, capture_output=True)
    before, cpu_before = cpu_ticks(), tree_cpu_seconds(server_pid)
    out = subprocess.run(
        [*command, f"-d{duration:g}s", url], check=True, capture_output=True, text=True
    )
    after, cpu_after = cpu_ticks(), tree_cpu_seconds(server_pid)
    figures = wrk_figures(out.stdout)
    requests = figures["rps"] * duration
    # CPU per request (server and its workers): what a dedicated core would give, steal or not.
    figures["cpu_ms"] = round(1000 * (cpu_after - cpu_before) / requests, 3) if requests else 0.0
    total = sum(after) - sum(before)
    figures["steal_pct"] = round(100 * (after[7] - before[7]) / total, 1) if total else 0.0
    return figures


def cpu_ticks() -> list[int]:
    """The machine's CPU time so far, by kind (/proc/stat); index 7 is steal."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return [0] * 10
    return [int(field) for field in fields]


def best_of(
    runs: int, url: str, connections: int, duration: float, script: Path | None, pid: int
) -> dict[str, float]:
    """The median run by requests per second: this machine's CPU time comes in bursts."""
    measured = sorted(
        (load(url, connections, duration, script, pid) for _ in range(runs)),
        key=lambda r: r["rps"],
    )
    return measured[len(measured) // 2]


def serve(project: Path, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "edgeform", "serve", "--port", str(port), "--stage", "bench"]
    return start(command, project, r"on http://127\.0\.0\.1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="Report the median run of these.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/serve needs wrk: apt-get install wrk")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        runs = [
            ("(a) hits, Python viewer-request", demo_copy(root, False), "/script.js"),
            (BIG_SITE, demo_copy(root, False, 2000), "/script.js"),
            ("(b) misses, four Python triggers", demo_copy(root, True), "/script.js"),
        ]
        misses = root / "misses.lua"
        misses.write_text(MISSES_LUA)
        for label, project, path in runs:
            port = free_port()
            process = serve(project, port)
            script = misses if label.startswith("(b)") else None
            try:
                results[label] = best_of(
                    args.runs,
                    f"http://127.0.0.1:{port}{path}",
                    args.connections,
                    args.duration,
                    script,
                    process.pid,
                )
            finally:
                process.terminate()
                process.wait(10)
        port = free_port()
        static = start(
            [sys.executable, str(REPO / "bench" / "static_server.py"), str(port), "site"],
            REPO,
            r"Serving HTTP",
        )
        try:
            results["(c) floor: stdlib static server"] = best_of(
                args.runs,
                f"http://127.0.0.1:{port}/script.js",
                args.connections,
                args.duration,
                None,
                static.pid,
            )
        finally:
            static.terminate()
            static.wait(10)
    print(
        f"{os.cpu_count()} CPUs, wrk -t1 -c{args.connections}, {args.duration:g} s per run, "
        f"median of {args.runs} runs"
    )
    print(
        f"{'run':36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'steal %':>8} "
        f"{'CPU ms/req':>10}"
    )
    for label, figures in results.items():
        print(
            f"{label:36} {figures['rps']:>9} {figures['p50_ms']:>8} {figures['p99_ms']:>8} "
            f"{figures['errors']:>7} {figures['steal_pct']:>8} {figures['cpu_ms']:>10}"
        )
    small, big = results["(a) hits, Python viewer-request"], results[BIG_SITE]
    print(f"site of 2,004 files / of 4 files, hits: {big['rps'] / small['rps']:.2f}x requests/s")


if __name__ == "__main__":
    main()
