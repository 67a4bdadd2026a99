"""gc --expired on a target whose stages live in the project's folder (no endpoint needed)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from edgeform.console import Console
from edgeform.deploy.run import Run
from edgeform.deploy.stages import gc_expired
from edgeform.model.project import Target
from edgeform.model.stage import slugify
from edgeform.model.workspace import Workspace
from edgeform.state.records import StageRecord
from edgeform.state.store import LocalStore
from tests.conftest import copy_demo


def record(name: str, slug: str) -> StageRecord:
    return StageRecord(
        "edgeform-demo", "local", name, slug, "https://d1.cloudfront.net/",
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 8, tzinfo=UTC), "E1", "b1",
    )  # fmt: skip


def test_a_record_whose_name_does_not_make_its_slug_is_said_and_left(tmp_path):
    from edgeform.config import load_project

    project = load_project(copy_demo(tmp_path / "demo") / "edgeform.toml")
    target = Target("local", "local", "us-east-1", endpoint="http://127.0.0.1:9")
    store = LocalStore(Workspace(project.root), target)
    store.put_record(record("main", "main"))
    store.put_record(record("feature/x", "hand-edited"))
    err = io.StringIO()
    console = Console(json_output=False, color=False, out=io.StringIO(), err=err)
    run = Run(project, target, console, {})
    result = gc_expired(run, dry_run=True)
    assert result.would_destroy == ("main",)
    why = f"its record's slug hand-edited is not its name's ({slugify('feature/x')}); not destroyed"
    assert result.failed == (("feature/x", why),)
    assert "stage feature/x: its record's slug hand-edited" in err.getvalue()
