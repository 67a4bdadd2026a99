"""Dependencies installed for the Lambda platform with the real pip and npm (offline)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from edgeform.build.bundle import build_bundle
from edgeform.build.dependencies import PlatformInstaller
from edgeform.errors import BuildError
from edgeform.model.project import Function


def tiny_wheel(tmp_path: Path) -> Path:
    """A pure-Python wheel written by hand (a zip with metadata), so pip needs no index."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    info = "tinypkg-1.0.dist-info"
    files = {
        "tinypkg/__init__.py": "VALUE = 42\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{name},,\n" for name in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(wheels / "tinypkg-1.0-py3-none-any.whl", "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
    return wheels


class CountingRunner:
    def __init__(self):
        self.calls = 0

    def __call__(self, command, cwd):
        self.calls += 1
        return subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)


def test_python_requirements_are_installed_for_lambda_and_cached(tmp_path):
    wheels = tiny_wheel(tmp_path)
    source = tmp_path / "fn"
    source.mkdir()
    (source / "app.py").write_text("import tinypkg\n")
    (source / "requirements.txt").write_text(
        f"--no-index\n--find-links {wheels}\n# pinned\ntinypkg==1.0\n"
    )
    function = Function("fn", source, "python3.12", "app.handler", 128, 5)
    runner = CountingRunner()
    installer = PlatformInstaller(tmp_path / "cache", runner)

    first = build_bundle(function, {}, tmp_path / "out", installer)
    with zipfile.ZipFile(first.path) as archive:
        names = archive.namelist()
    assert "tinypkg/__init__.py" in names
    assert any(n.startswith("tinypkg-1.0.dist-info/") for n in names)
    assert not any(n.endswith(("direct_url.json", ".pyc")) for n in names)

    second = build_bundle(function, {}, tmp_path / "out2", installer)
    assert runner.calls == 1  # the second build used the cache
    assert second.sha256 == first.sha256


def test_pip_failure_says_what_failed(tmp_path):
    source = tmp_path / "fn"
    source.mkdir()
    (source / "requirements.txt").write_text("--no-index\nno-such-package-xyz==1\n")
    function = Function("fn", source, "python3.12", "app.handler", 128, 5)
    with pytest.raises(BuildError, match="fn: installing dependencies failed") as caught:
        PlatformInstaller(tmp_path / "cache").install(function)
    assert not list((tmp_path / "cache").iterdir())  # nothing half-installed is cached
    assert "no-such-package-xyz" in caught.value.message


def test_node_dependencies_without_dev_dependencies(tmp_path):
    if shutil.which("npm") is None:
        pytest.fail("npm is not installed: install Node.js and npm (Debian: apt-get install npm)")
    dep = tmp_path / "leftpad"
    dep.mkdir()
    (dep / "package.json").write_text(
        json.dumps({"name": "leftpad", "version": "1.0.0", "main": "index.js"})
    )
    (dep / "index.js").write_text("module.exports = (s, n) => String(s).padStart(n);\n")
    source = tmp_path / "fn"
    source.mkdir()
    (source / "index.js").write_text("exports.handler = async (e) => e;\n")
    (source / "package.json").write_text(
        json.dumps(
            {
                "name": "fn",
                "version": "1.0.0",
                "dependencies": {"leftpad": "file:../leftpad"},
                "devDependencies": {"not-installed-at-all": "9.9.9"},
            }
        )
    )
    function = Function("fn", source, "nodejs22.x", "index.handler", 128, 5)
    bundle = build_bundle(function, {}, tmp_path / "out", PlatformInstaller(tmp_path / "cache"))
    with zipfile.ZipFile(bundle.path) as archive:
        names = set(archive.namelist())
        assert "node_modules/leftpad/index.js" in names
        assert not any("not-installed-at-all" in n for n in names)
        assert "node_modules/.package-lock.json" not in names
        # The bundle runs: node can load the dependency from the extracted zip.
        archive.extractall(tmp_path / "run")
    out = subprocess.run(
        ["node", "-e", "console.log(require('leftpad')('x', 3))"],
        cwd=tmp_path / "run",
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == "  x\n"


def test_package_json_without_dependencies_installs_nothing(tmp_path):
    source = tmp_path / "fn"
    source.mkdir()
    (source / "package.json").write_text('{"name": "fn", "devDependencies": {"x": "1"}}')
    function = Function("fn", source, "nodejs22.x", "index.handler", 128, 5)
    assert PlatformInstaller(tmp_path / "cache").install(function) == []
