"""Shared fixtures: a copy of the demo project to work in, and the real Terraform."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from edgeform.config import load_project
from edgeform.deploy.terraform import provider_mirror
from edgeform.model.project import Project
from edgeform.model.stage import Stage, slugify

REPO = Path(__file__).resolve().parent.parent
DEMO_PARTS = ("edgeform.toml", "functions", "site")
OVERRIDES = "terraform"  # a demo copy's own template folder, when a test needs one


def copy_demo(dest: Path, endpoint: str | None = None, local: str = "") -> Path:
    """The demo in `dest`; with `endpoint`, its local target uses that running endpoint
    (with `local`'s extra lines, e.g. a state bucket)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in DEMO_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, dest / part)
    if endpoint is not None:
        config = dest / "edgeform.toml"
        config.write_text(
            config.read_text().replace(
                '[targets.local]\ntype = "local"\n',
                f'[targets.local]\ntype = "local"\nendpoint = "{endpoint}"\n{local}',
            )
        )
    return dest


def override_template(root: Path, name: str) -> Path:
    """The project's own copy of template `name` (a copy of the shipped one, or a new file),
    with `project.templates` pointed at the override folder."""
    from edgeform.render.environment import shipped_templates

    folder = root / OVERRIDES
    config = root / "edgeform.toml"
    if not folder.is_dir():
        folder.mkdir()
        text = config.read_text()
        config.write_text(text.replace("[project]\n", f'[project]\ntemplates = "{OVERRIDES}"\n', 1))
    path = folder / name
    shipped = shipped_templates() / name
    if not path.exists() and shipped.is_file():
        shutil.copy2(shipped, path)
    return path


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    return copy_demo(tmp_path / "demo")


@pytest.fixture
def demo(demo_dir: Path) -> Project:
    return load_project(demo_dir / "edgeform.toml")


class NoDependencies:
    """A function folder without a manifest installs nothing: the installer for such tests."""

    def install(self, function: object) -> list[object]:
        return []


def stage(name: str) -> Stage:
    return Stage(name, slugify(name), "test")


@pytest.fixture(scope="session")
def terraform_environ(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment for real Terraform runs; fails with what to install when it cannot."""
    if shutil.which("terraform") is None:
        pytest.fail(
            "terraform is not on the PATH: install Terraform >= 1.5 "
            "(https://developer.hashicorp.com/terraform/install)"
        )
    environ = dict(os.environ)
    mirror = provider_mirror(environ)  # edgeform's own finding, as every command does it
    if not mirror:
        pytest.fail(
            "no provider mirror: the tests install the AWS provider from a local mirror "
            "(`terraform providers mirror DIR`); set EDGEFORM_PROVIDER_MIRROR=DIR"
        )
    environ["EDGEFORM_PROVIDER_MIRROR"] = mirror
    environ.pop("TF_CLI_CONFIG_FILE", None)
    return environ


@pytest.fixture(scope="session")
def repo_demo() -> Project:
    """The repository's own demo config, for tests that only read the model."""
    return load_project(REPO / "edgeform.toml")
