"""bench/state: a deploy and a no-op redeploy with shared state (S3 backend and its lock
file) beside the same with local state, in one run, on one embedded endpoint.

    .venv/bin/python bench/state.py [--runs 3]

Each run deploys two fresh stages from nothing, one per kind of state (distinct stage names:
one endpoint holds both), interleaved (local, shared, local, shared...), then redeploys each
with nothing changed. It prints the medians
side by side and the ratio shared/local: what the state bucket and its lock cost a CI job.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# bench/deploy.py, beside this file
from deploy import endpoint
from deploy import project as demo_project

STATE_BUCKET = "bench-edgeform-state"


def project(root: Path, url: str, shared: bool) -> Path:
    state = f'state = {{ bucket = "{STATE_BUCKET}" }}\n' if shared else ""
    return demo_project(root, "shared" if shared else "local", url, state)


def timed_deploy(folder: Path, stage: str) -> float:
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "edgeform", "--config", str(folder / "edgeform.toml"),
         "deploy", "--stage", stage],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"deploy of {stage} in {folder} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with endpoint() as (root, url):
        kinds = {"local": project(root, url, False), "shared": project(root, url, True)}
        first: dict[str, list[float]] = {k: [] for k in kinds}
        again: dict[str, list[float]] = {k: [] for k in kinds}
        for run in range(args.runs):
            for kind, folder in kinds.items():
                first[kind].append(timed_deploy(folder, f"bench-{kind}-{run}"))
            for kind, folder in kinds.items():
                again[kind].append(timed_deploy(folder, f"bench-{kind}-{run}"))
    print(f"edgeform deploy, demo, medians of {args.runs} interleaved runs (seconds)")
    print(f"{'':24}{'local state':>14}{'shared state':>14}{'shared/local':>14}")
    for label, figures in (("deploy from nothing", first), ("no-op redeploy", again)):
        local, shared = statistics.median(figures["local"]), statistics.median(figures["shared"])
        print(f"{label:24}{local:>14.1f}{shared:>14.1f}{shared / local:>13.2f}x")


if __name__ == "__main__":
    main()
