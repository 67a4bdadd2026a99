"""edgeform as a user installs it: a wheel, a fresh virtual environment outside the repository,
and a project of the user's own with no `terraform/` folder."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from edgeform import __version__
from edgeform.scaffold.catalog import TEMPLATES
from tests.conftest import REPO
from tests.emulator_helpers import serving
from tests.wheel import Built, build_wheel, dependencies_only, fresh_venv

PACKAGE = REPO / "toolkit" / "edgeform"

PYTHON_FUNCTION = """\
def handler(event, context):
    response = event["Records"][0]["cf"]["response"]
    node = response["headers"].get("x-from-node", [{"value": "nothing"}])[0]["value"]
    response["headers"]["x-from-python"] = [{"key": "X-From-Python", "value": f"node said {node}"}]
    return response
"""
NODE_FUNCTION = """\
export const handler = async (event) => {
  const response = event.Records[0].cf.response;
  response.headers["x-from-node"] = [{ key: "X-From-Node", value: "yes" }];
  return response;
};
"""
CONFIG = """\
[project]
name = "mine"

[functions.tag]
runtime = "python3.12"
handler = "app.handler"

[functions.stamp]
runtime = "nodejs22.x"
handler = "index.handler"

[default_behavior]
triggers = [
  { event = "origin-response", function = "stamp" },
  { event = "viewer-response", function = "tag" },
]
"""


def test_the_wheel_builds_without_a_warning_and_holds_every_file(built):
    assert "would be ignored" not in built.log
    assert "deprecat" not in built.log.lower()
    assert "BuildBackendWarning" not in built.log
    with zipfile.ZipFile(built.wheel) as wheel:
        shipped = set(wheel.namelist())
    expected = {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    assert expected <= shipped
    metadata = next(n for n in shipped if n.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(built.wheel) as wheel:
        text = wheel.read(metadata).decode()
    assert "License-Expression: Apache-2.0" in text
    assert any(n.endswith("licenses/LICENSE") for n in shipped)


def user_project(root: Path) -> Path:
    (root / "site").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<h1>mine</h1>\n")
    for name, file, text in (
        ("tag", "app.py", PYTHON_FUNCTION),
        ("stamp", "index.mjs", NODE_FUNCTION),
    ):
        (root / "functions" / name).mkdir(parents=True)
        (root / "functions" / name / file).write_text(text)
    (root / "edgeform.toml").write_text(CONFIG)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_wheel(tmp_path_factory.mktemp("package"))


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `edgeform` command of the wheel installed into a fresh virtual environment."""
    work = tmp_path_factory.mktemp("venv")
    bin_dir = fresh_venv(work / "venv", dependencies_only(work))
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-index", str(built.wheel)],
        check=True,
        capture_output=True,
    )
    return bin_dir / "edgeform"


def test_the_wheel_ships_the_templates_and_the_node_worker(installed):
    site = subprocess.run(
        [
            str(installed.parent / "python"),
            "-c",
            "import edgeform, pathlib; print(pathlib.Path(edgeform.__file__).parent)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    package = Path(site)
    assert not package.is_relative_to(REPO)
    assert (package / "emulator" / "workers" / "node_worker.mjs").is_file()
    assert sorted(p.name for p in (package / "render" / "templates").glob("*.tf.j2")) == sorted(
        p.name for p in (REPO / "terraform").glob("*.tf.j2")
    )


def test_lint_and_render_in_a_project_without_terraform_folder(installed, tmp_path):
    project = user_project(tmp_path / "mine")
    lint = subprocess.run(
        [str(installed), "lint", "--stage", "main"], cwd=project, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "lint: 0 errors, 0 warnings" in lint.stdout
    render = subprocess.run(
        [str(installed), "render", "--stage", "main", "--output", "json"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert render.returncode == 0, render.stderr
    files = json.loads(render.stdout)["files"]
    assert {"distribution.tf", "functions.tf", "iam.tf"} <= set(files)
    assert not (project / "terraform").exists()


@pytest.fixture
def served(installed: Path, tmp_path: Path) -> Iterator[str]:
    project = user_project(tmp_path / "mine")
    with serving([str(installed), "serve", "--port", "0"], project) as url:
        yield url


def test_serve_runs_a_python_and_a_node_function(served):
    with urllib.request.urlopen(f"{served}/index.html", timeout=30) as response:
        assert response.status == 200
        assert response.read() == b"<h1>mine</h1>\n"
        # Node ran on origin response, then Python on viewer response saw its header.
        assert response.headers["X-From-Node"] == "yes"
        assert response.headers["X-From-Python"] == "node said yes"


def test_the_wheel_ships_every_init_template(installed, tmp_path):
    from_source = subprocess.run(
        [sys.executable, "-m", "edgeform", "init", str(tmp_path / "a"), "--template", "auth",
         "--runtime", "node", "--output", "json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    from_wheel = subprocess.run(
        [str(installed), "init", str(tmp_path / "b"), "--template", "auth", "--runtime", "node",
         "--output", "json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    files = json.loads(from_wheel.stdout)["files"]
    assert files == json.loads(from_source.stdout)["files"]
    assert {".gitignore", ".github/workflows/preview.yml", "template.mk"} <= set(files)
    listed = subprocess.run([str(installed), "init", "--list"], capture_output=True, text=True)
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(TEMPLATES)
    pins = (tmp_path / "b" / "requirements-edgeform.txt").read_text().splitlines()
    assert [p for p in pins if p and not p.startswith("#")] == [f"edgeform=={__version__}"]
