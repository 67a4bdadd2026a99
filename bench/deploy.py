"""bench/deploy: edgeform's deploy figures beside a baseline edgeform and raw Terraform, in one run.

    .venv/bin/python bench/deploy.py [--runs 3] [--baseline REV]

Two edgeforms run the demo on one embedded endpoint, interleaved run by run: this checkout,
and the baseline (by default 570f6ab, edgeform before issue 13), extracted from git into a
temporary folder and run from there with the same Python and packages. Each run, for each:

    deploy from nothing, no-op deploy, raw `terraform plan -refresh=false` and raw
    `terraform plan` in the stage's folder (the floor: what Terraform alone takes to find
    nothing to do), a deploy with one function changed, and destroy;

and the start-up of `edgeform --version`, `lint` and `render`. It prints the medians side by
side with the ratio this/baseline, and the no-op deploy over the raw plan.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "toolkit"))

from edgeform.deploy.terraform import provider_mirror  # noqa: E402
from edgeform.localcloud.endpoint import LocalCloud  # noqa: E402

DEFAULT_BASELINE = "570f6ab"  # main before issue 13's changes
STARTUP_RUNS = 5

Figures = dict[str, list[float]]


def extract_baseline(revision: str, root: Path) -> Path:
    """The baseline's package, laid out as an installed edgeform (templates inside)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", revision, "toolkit", "terraform"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    source = root / "baseline-source"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(source, filter="data")
    lib = root / "baseline-lib"
    shutil.copytree(source / "toolkit" / "edgeform", lib / "edgeform")
    shutil.copytree(source / "terraform", lib / "edgeform" / "render" / "templates")
    return lib


def project(root: Path, name: str, url: str, extra: str = "") -> Path:
    """A copy of the demo in root/name whose local target is the endpoint at `url`, with
    `extra` lines in [targets.local] (bench/state.py adds a state bucket)."""
    folder = root / name
    folder.mkdir()
    for part in ("edgeform.toml", "site", "functions"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / part)
    config = folder / "edgeform.toml"
    config.write_text(
        config.read_text().replace(
            '[targets.local]\ntype = "local"\n',
            f'[targets.local]\ntype = "local"\nendpoint = "{url}"\n{extra}',
        )
    )
    return folder


@contextlib.contextmanager
def endpoint() -> Iterator[tuple[Path, str]]:
    """A temporary folder and an embedded endpoint in it, the provider mirror found; the
    endpoint is stopped afterwards. (bench/state.py uses it too.)"""
    mirror = provider_mirror(os.environ)  # the baseline edgeform and raw Terraform need it
    if mirror:
        os.environ["EDGEFORM_PROVIDER_MIRROR"] = mirror
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cloud = LocalCloud(root / "endpoint")
        try:
            yield root, cloud.ensure_running()[0].url
        finally:
            cloud.stop()


class Edgeform:
    """One edgeform (this checkout or the baseline) and its copy of the demo."""

    def __init__(self, label: str, folder: Path, pythonpath: Path | None) -> None:
        self.label = label
        self.folder = folder
        self.env = {**os.environ, "NO_COLOR": "1", "EDGEFORM_STAGE": "bench-start-up"}
        if pythonpath:
            self.env["PYTHONPATH"] = str(pythonpath)

    def run(self, *args: str) -> float:
        command = [sys.executable, "-m", "edgeform", "--config",
                   str(self.folder / "edgeform.toml"), *args]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            check=False, cwd=self.folder,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 3):  # lint and plan may exit non-zero by design
            raise SystemExit(f"{self.label}: {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return elapsed

    def raw_plan(self, stage: str, url: str, *extra: str) -> float:
        """Terraform alone, in the folder edgeform deployed from, with the same settings."""
        stage_dir = self.folder / ".edgeform" / "stages" / "local" / stage
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
               "TF_CLI_CONFIG_FILE": str(self.folder / ".edgeform" / "terraform.rc")}  # fmt: skip
        command = ["terraform", "plan", "-input=false", "-no-color", "-lock=false",
                   f"-var=aws_endpoint={url}", *extra]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, cwd=stage_dir, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0 or "No changes" not in done.stdout:
            raise SystemExit(f"raw plan in {stage_dir}:\n{done.stdout[-2000:]}{done.stderr}")
        return elapsed

    def change_function(self, run: int) -> None:
        app = self.folder / "functions" / "redirect" / "app.py"
        app.write_text(app.read_text() + f"\n# bench change {run}\n")


def one_run(tool: Edgeform, run: int, url: str, figures: Figures) -> None:
    stage = f"bench-{run}"

    def timed(label: str, measure: Callable[[], float]) -> None:
        figures.setdefault(label, []).append(measure())

    timed("deploy from nothing", lambda: tool.run("deploy", "--stage", stage))
    timed("no-op deploy", lambda: tool.run("deploy", "--stage", stage))
    timed("raw terraform plan -refresh=false", lambda: tool.raw_plan(stage, url, "-refresh=false"))
    timed("raw terraform plan", lambda: tool.raw_plan(stage, url))
    tool.change_function(run)
    timed("one function changed", lambda: tool.run("deploy", "--stage", stage))
    timed("destroy", lambda: tool.run("destroy", "--yes", "--stage", stage))


def startup(tool: Edgeform, figures: Figures) -> None:
    for label, args in (("--version", ("--version",)), ("lint", ("lint",)),
                        ("render", ("render",))):  # fmt: skip
        runs = [tool.run(*args) for _ in range(STARTUP_RUNS)]
        figures.setdefault(f"start-up: edgeform {label}", []).append(min(runs))


def report(runs: int, baseline: str, tools: list[Edgeform], figures: dict[str, Figures]) -> None:
    before, now = (figures[t.label] for t in tools)
    print(f"\nedgeform deploy, demo, embedded endpoint, medians of {runs} interleaved runs (s)")
    print(f"{'':36}{'baseline ' + baseline:>18}{'this checkout':>16}{'this/baseline':>15}")
    for label in now:
        old, new = statistics.median(before[label]), statistics.median(now[label])
        print(f"{label:36}{old:>18.2f}{new:>16.2f}{new / old:>14.2f}x")
    print("\nno-op deploy over the raw plans in the same folder")
    for tool in tools:
        noop = statistics.median(figures[tool.label]["no-op deploy"])
        for raw in ("raw terraform plan -refresh=false", "raw terraform plan"):
            floor = statistics.median(figures[tool.label][raw])
            print(f"  {tool.label:14} no-op deploy / {raw:34} {noop / floor:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="a git revision")
    args = parser.parse_args()
    with endpoint() as (root, url):
        baseline = extract_baseline(args.baseline, root)
        tools = [
            Edgeform("baseline", project(root, "baseline", url), baseline),
            Edgeform("this", project(root, "this", url), REPO / "toolkit"),
        ]
        figures: dict[str, Figures] = {t.label: {} for t in tools}
        for run in range(args.runs):
            for tool in tools:
                one_run(tool, run, url, figures[tool.label])
                print(f"run {run + 1}/{args.runs} {tool.label}: done", file=sys.stderr)
        for tool in tools:
            startup(tool, figures[tool.label])
    report(args.runs, args.baseline, tools, figures)


if __name__ == "__main__":
    main()
