"""bench/new_user: a new user's first minutes, from a fresh clone of this repository.

    .venv/bin/python bench/new_user.py

In a temporary folder outside any git repository: `git clone` of this checkout, `make dist`
(its own venv, edgeform's dependencies, the wheel), a user's venv with the wheel installed,
`edgeform init site1 --template spa`, then in site1 `make serve` until the first page answers
and `make deploy` (the embedded endpoint). Each step's time is printed; the install's floor
beside it is the same pip install with nothing of edgeform's (the dependencies alone).
(`make deploy` against raw Terraform is bench/deploy.py's comparison.) Packages come
from pip's cache or the index, the provider from the local mirror.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "toolkit"))

from edgeform.deploy.terraform import provider_mirror  # noqa: E402


def timed(what: str, figures: dict[str, float], command: list[str], cwd: Path,
          env: dict[str, str]) -> subprocess.CompletedProcess[str]:  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    figures[what] = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{what} failed:\n{done.stdout}\n{done.stderr}")
    return done


@contextmanager
def serving(site: Path, env: dict[str, str]) -> Iterator[float]:
    """`make serve` on a free port; the seconds until its first page answered 200."""
    started = time.monotonic()
    process = subprocess.Popen(["make", "-s", "serve", "PORT=18123"], cwd=site, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    try:
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:18123/", timeout=2) as page:
                    if page.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("make serve exited") from None
                time.sleep(0.1)
        yield time.monotonic() - started
    finally:
        os.killpg(process.pid, 15)
        process.wait(30)


def main() -> None:
    figures: dict[str, float] = {}
    floors: dict[str, float] = {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "EDGEFORM"))}
    env["NO_COLOR"] = "1"
    mirror = provider_mirror(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clone = root / "edgeform"
        total = time.monotonic()
        timed("git clone", figures, ["git", "clone", "-q", str(REPO), str(clone)], root, env)
        timed("make dist (venv, dependencies, wheel)", figures, ["make", "-s", "dist"], clone,
              env)  # fmt: skip
        [wheel] = (clone / "dist").glob("edgeform-*.whl")
        user = root / "user-venv"
        timed("user venv", figures, [sys.executable, "-m", "venv", str(user)], root, env)
        pip = [str(user / "bin/python"), "-m", "pip", "install", "-q"]
        timed("pip install the wheel", figures, [*pip, str(wheel)], root, env)
        floor = root / "floor-venv"
        floor_started = time.monotonic()  # the floor is no step of the user's: kept off the totals
        subprocess.run([sys.executable, "-m", "venv", str(floor)], check=True)
        requirements = subprocess.run(
            [str(user / "bin/python"), "-m", "pip", "freeze", "--exclude", "edgeform"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        (root / "deps.txt").write_text(requirements)
        timed("floor: pip install the same dependencies", floors,
              [str(floor / "bin/python"), "-m", "pip", "install", "-q", "-r",
               str(root / "deps.txt")], root, env)  # fmt: skip
        total += time.monotonic() - floor_started
        home = root / "home"
        home.mkdir()
        user_env = {**env, "PATH": f"{user / 'bin'}{os.pathsep}{env['PATH']}",
                    "EDGEFORM": "edgeform", "PIP_FIND_LINKS": str(clone / "dist")}  # fmt: skip
        if mirror:
            user_env["EDGEFORM_PROVIDER_MIRROR"] = mirror
        timed("edgeform init site1 --template spa", figures,
              ["edgeform", "init", "site1", "--template", "spa"], home, user_env)  # fmt: skip
        site = home / "site1"
        with serving(site, user_env) as seconds:
            figures["make serve: first page"] = seconds
        served_at = time.monotonic() - total
        timed("make deploy", figures, ["make", "-s", "deploy"], site, user_env)
        deployed_at = time.monotonic() - total
        subprocess.run(["edgeform", "local", "stop"], cwd=site, env=user_env, capture_output=True)
    width = max(map(len, [*figures, *floors]))
    print("\nbench/new_user: from a fresh clone to a served and a deployed project (s)")
    for what, seconds in [*figures.items(), *floors.items()]:
        print(f"  {what:<{width}}  {seconds:7.1f}")
    print(f"  {'from nothing to a locally served project':<{width}}  {served_at:7.1f}")
    print(f"  {'from nothing to a deployed stage':<{width}}  {deployed_at:7.1f}")
    ratio = figures["pip install the wheel"] / floors["floor: pip install the same dependencies"]
    print(f"  {'pip install of the wheel / of its dependencies alone':<{width}}  {ratio:7.2f}x")


if __name__ == "__main__":
    main()
