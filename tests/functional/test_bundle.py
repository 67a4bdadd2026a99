"""Deterministic bundles, built from real files."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from edgeform.build.bundle import CONFIG_FILENAME, build_bundle
from edgeform.errors import BuildError
from edgeform.model.project import Function
from tests.conftest import NoDependencies

VALUES = {"api_origin": "https://api.example.com", "retries": 2}


def make_function(folder: Path, files: dict[str, str]) -> Function:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Function("edge", folder, "python3.12", "app.handler", 128, 5)


SOURCES = {
    "app.py": "def handler(e, c):\n    return e\n",
    "lib/util.py": "X = 1\n",
    "lib/data.json": "{}\n",
    "README.md": "notes\n",
}


def build(function: Function, out: Path, values=VALUES):
    return build_bundle(function, values, out, NoDependencies())


def test_same_sources_same_bytes_whatever_times_order_and_umask(tmp_path):
    first = build(make_function(tmp_path / "a", SOURCES), tmp_path / "out-a")

    # The same sources, written in the opposite order, under another umask, at other times.
    old = os.umask(0o077)
    try:
        second_fn = make_function(tmp_path / "b", dict(reversed(list(SOURCES.items()))))
    finally:
        os.umask(old)
    for i, path in enumerate(sorted((tmp_path / "b").rglob("*"))):
        os.utime(path, (1_000_000_000 + i * 7777, 1_700_000_000 - i * 3333))
    second = build(second_fn, tmp_path / "out-b")

    assert first.sha256 == second.sha256
    assert first.path.read_bytes() == second.path.read_bytes()


def test_one_byte_changes_the_hash(tmp_path):
    function = make_function(tmp_path / "a", SOURCES)
    before = build(function, tmp_path / "out")
    (function.source / "lib" / "util.py").write_text("X = 2\n")
    assert build(function, tmp_path / "out").sha256 != before.sha256


def test_config_values_change_the_hash(tmp_path):
    function = make_function(tmp_path / "a", SOURCES)
    a = build(function, tmp_path / "out", {"api_origin": "https://a.example"})
    b = build(function, tmp_path / "out", {"api_origin": "https://b.example"})
    assert a.sha256 != b.sha256


def test_zip_layout(tmp_path):
    function = make_function(
        tmp_path / "a", {**SOURCES, "__pycache__/app.cpython-312.pyc": "x", "stale.pyc": "x"}
    )
    (function.source / "run.sh").write_text("#!/bin/sh\n")
    (function.source / "run.sh").chmod(0o750)
    bundle = build(function, tmp_path / "out")
    with zipfile.ZipFile(bundle.path) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(
            ["README.md", "app.py", "lib/data.json", "lib/util.py", "run.sh", CONFIG_FILENAME]
        )
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
        assert modes["run.sh"] == 0o755
        assert modes["app.py"] == 0o644
        assert json.loads(archive.read(CONFIG_FILENAME)) == VALUES
    assert bundle.size == bundle.path.stat().st_size


def test_unchanged_bundle_is_not_rewritten(tmp_path):
    function = make_function(tmp_path / "a", SOURCES)
    bundle = build(function, tmp_path / "out")
    os.utime(bundle.path, (1, 1))
    build(function, tmp_path / "out")
    assert bundle.path.stat().st_mtime == 1


def test_link_out_of_the_function_folder_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("do not ship")
    function = make_function(tmp_path / "a", SOURCES)
    (function.source / "secret.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(BuildError, match="outside"):
        build(function, tmp_path / "out")


def test_link_inside_the_folder_is_followed(tmp_path):
    function = make_function(tmp_path / "a", SOURCES)
    (function.source / "alias.py").symlink_to(function.source / "app.py")
    (function.source / "loop").symlink_to(function.source)
    bundle = build(function, tmp_path / "out")
    with zipfile.ZipFile(bundle.path) as archive:
        assert archive.read("alias.py") == archive.read("app.py")


def test_a_config_file_in_the_sources_is_refused(tmp_path):
    function = make_function(tmp_path / "a", {**SOURCES, CONFIG_FILENAME: "{}"})
    with pytest.raises(BuildError, match="would be overwritten"):
        build(function, tmp_path / "out")


def test_moving_the_project_keeps_the_hash(tmp_path):
    function = make_function(tmp_path / "a", SOURCES)
    first = build(function, tmp_path / "out")
    shutil.copytree(function.source, tmp_path / "elsewhere" / "deep" / "edge")
    moved = Function(
        "edge", tmp_path / "elsewhere" / "deep" / "edge", "python3.12", "app.handler", 128, 5
    )
    assert build(moved, tmp_path / "out2").sha256 == first.sha256
