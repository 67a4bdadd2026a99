"""bench/startup: what a command costs before it does anything, beside a base commit's.

    .venv/bin/python bench/startup.py [BASE]      (BASE: a commit, default 7d6838e)

`edgeform --version` (the floor of every command) and `edgeform lint` on the demo (reads and
validates edgeform.toml, builds, lints: the inner loop's command), run from this checkout and
from BASE checked out beside it (a detached `git worktree`, removed afterwards), alternately,
with the same Python and packages; the median and the best of N runs each, and their ratio.
7d6838e is issue 22's base: the config validated by hand, before pydantic.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 21
COMMANDS = {"--version": ["--version"], "lint (demo)": ["lint"]}


def run_once(tree: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree / "toolkit"), "NO_COLOR": "1"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "edgeform", *args], cwd=tree, env=env, capture_output=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"edgeform {' '.join(args)} failed in {tree}:\n{done.stderr.decode()}")
    return elapsed


def measure(trees: dict[str, Path]) -> dict[tuple[str, str], list[float]]:
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(RUNS):  # alternate, so that a busy moment of the machine hits both
        for command, args in COMMANDS.items():
            for label, tree in trees.items():
                times.setdefault((command, label), []).append(run_once(tree, args))
    return times


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "7d6838e"
    with tempfile.TemporaryDirectory(prefix="edgeform-base-") as scratch:
        worktree = Path(scratch) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), base],
                       cwd=REPO, check=True)  # fmt: skip
        # The package finds its Terraform templates as edgeform.render.templates, which the
        # editable install maps to this checkout's terraform/: give the base its own.
        (worktree / "toolkit/edgeform/render/templates").symlink_to(worktree / "terraform")
        try:
            trees = {"this checkout": REPO, f"base {base}": worktree}
            for tree in trees.values():
                run_once(tree, ["lint"])  # warm: bytecode compiled, bundles built once
            times = measure(trees)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO)
    print(f"{'command':14} {'tree':22} {'median s':>9} {'best s':>8}  ({RUNS} runs each)")
    for command in COMMANDS:
        medians = {}
        for label in trees:
            runs = times[(command, label)]
            medians[label] = statistics.median(runs)
            print(f"{command:14} {label:22} {medians[label]:9.3f} {min(runs):8.3f}")
        this, base_median = medians["this checkout"], medians[f"base {base}"]
        print(f"{'':14} {'ratio this/base':22} {this / base_median:9.2f}")


if __name__ == "__main__":
    main()
