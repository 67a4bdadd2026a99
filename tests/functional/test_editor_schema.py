"""The editor's view of edgeform.toml: taplo, the TOML language server of VS Code's Even Better
TOML (its CLI, from npm, installed by `make test`), reads the `#:schema` line that
`edgeform init` writes, and checks the file against the schema edgeform wrote beside it: a
project as made passes; a misspelt key and a wrong type fail, where an editor underlines them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from edgeform.scaffold.create import create_project

REPO = Path(__file__).resolve().parents[2]
TAPLO = REPO / ".venv" / "taplo" / "node_modules" / ".bin" / "taplo"


def taplo_check(folder: Path) -> subprocess.CompletedProcess[str]:
    if not TAPLO.exists():
        pytest.fail(f"{TAPLO} is missing: `make test` installs it (npm, @taplo/cli)")
    return subprocess.run(
        [str(TAPLO), "check", "edgeform.toml"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ["PATH"], "HOME": str(folder), "NO_COLOR": "1"},
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return create_project(tmp_path / "site", "rewrite", "python").folder


def test_a_new_project_passes_its_schema_in_the_editor(project):
    done = taplo_check(project)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('default_target = "local"', 'default_targt = "local"', "'default_targt' was unexpected"),
        ("memory = 128", 'memory = "128"', "is not of type"),
    ],
)
def test_a_mistake_is_underlined_by_the_editor(project, old, new, says):
    config = project / "edgeform.toml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))
    done = taplo_check(project)
    assert done.returncode != 0
    assert says in done.stdout + done.stderr
