"""A new user from nothing, with nothing but the README: in a folder outside any git
repository, `edgeform init site1 --template spa`, then `make test` and `make deploy` in it.
edgeform comes from a wheel built from this checkout, installed from the project's pin
(requirements-edgeform.txt) by the generated Makefile and by the generated workflow's own
install step, offline: pip finds the wheel (PIP_FIND_LINKS) and nothing else (PIP_NO_INDEX);
edgeform's dependencies come from this environment (tests/wheel.py). No provider mirror is
named: edgeform finds it, as it does for any project. The times are printed (`pytest -s`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from edgeform import __version__
from tests.emulator_helpers import serving
from tests.wheel import Built, build_wheel, dependencies_only, fresh_venv

pytestmark = pytest.mark.terraform


def new_user_environ(terraform_environ: dict[str, str], wheels: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in terraform_environ.items()
        if not key.startswith(("EDGEFORM", "VIRTUAL_ENV", "GITHUB", "PIP_", "CI"))
    }
    # A user's PATH: this environment's bin (where the Makefile's python3 is) is not on it.
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if Path(p) != Path(sys.executable).parent
    )
    return {
        **env,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHON": sys.executable,  # the interpreter the dependencies were built for
        "NO_COLOR": "1",
    }


def install_step(workflow: Path, job: str) -> str:
    steps = yaml.safe_load(workflow.read_text())["jobs"][job]["steps"]
    [step] = [s for s in steps if "requirements-edgeform.txt" in s.get("run", "")]
    return step["run"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_wheel(tmp_path_factory.mktemp("build"))


def init_spa(home: Path, env: dict[str, str]) -> Path:
    """`edgeform init site1 --template spa` in `home`, as the new user types it."""
    made = subprocess.run(
        [sys.executable, "-m", "edgeform", "init", "site1", "--template", "spa"],
        cwd=home, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return home / "site1"


def test_a_new_user_from_init_to_a_deployed_preview(tmp_path, terraform_environ, built):
    started = time.monotonic()
    dependencies = dependencies_only(tmp_path)
    env = new_user_environ(terraform_environ, built.wheel.parent)
    home = tmp_path / "home"  # outside any git repository
    home.mkdir()
    assert subprocess.run(["git", "rev-parse"], cwd=home, capture_output=True).returncode != 0
    site = init_spa(home, env)
    fresh_venv(site / ".venv", dependencies)  # the Makefile's venv, dependencies offline
    figures = {"init": time.monotonic() - started}
    clock = time.monotonic()
    try:
        tested = subprocess.run(["make", "test"], cwd=site, env=env, capture_output=True,
                                text=True, timeout=600)  # fmt: skip
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "stage dev (no branch to name one" in tested.stderr  # lint outside git
        figures["make test (installs the pin)"] = time.monotonic() - clock
        version = subprocess.run([site / ".venv/bin/edgeform", "--version"],
                                 capture_output=True, text=True, check=True)  # fmt: skip
        assert __version__ in version.stdout
        assert (
            "site-packages/edgeform"
            in subprocess.run(
                [site / ".venv/bin/python", "-c", "import edgeform; print(edgeform.__file__)"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )  # the wheel, not this checkout

        clock = time.monotonic()
        with serving([str(site / ".venv/bin/edgeform"), "serve", "--port", "0"], site) as url:
            page = urllib.request.urlopen(f"{url}/", timeout=30)
            assert page.status == 200
            page.close()
        figures["first page served by make serve's command"] = time.monotonic() - clock

        clock = time.monotonic()
        deployed = subprocess.run(["make", "deploy"], cwd=site, env=env, capture_output=True,
                                  text=True, timeout=900)  # fmt: skip
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        figures["make deploy"] = time.monotonic() - clock
        assert re.search(r"https://\S+\.cloudfront\.net/", deployed.stdout + deployed.stderr)
        assert "stage dev" in deployed.stderr
    finally:
        subprocess.run([site / ".venv/bin/edgeform", "local", "stop"], cwd=site, env=env,
                       capture_output=True, check=False)  # fmt: skip
    figures["from init to deployed"] = time.monotonic() - started
    for what, seconds in figures.items():
        print(f"\nnew user: {what}: {seconds:.1f} s")


def test_the_workflows_install_step_installs_the_pin_into_a_fresh_venv(
    tmp_path, terraform_environ, built
):
    env = new_user_environ(terraform_environ, built.wheel.parent)
    site = init_spa(tmp_path, env)
    runner = fresh_venv(tmp_path / "runner", dependencies_only(tmp_path))  # setup-python's
    env["PATH"] = f"{runner}{os.pathsep}{env['PATH']}"
    for job in ("test", "deploy", "destroy", "gc"):
        step = install_step(site / ".github/workflows/preview.yml", job)
        done = subprocess.run(["bash", "-e", "-c", step], cwd=site, env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    version = subprocess.run(["edgeform", "--version"], env=env, capture_output=True, text=True)
    assert version.returncode == 0, version.stderr
    assert __version__ in version.stdout
    found = subprocess.run(["bash", "-c", "command -v edgeform"], env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert Path(found.stdout.strip()).parent == runner
