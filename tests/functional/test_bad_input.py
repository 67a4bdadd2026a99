"""Bad input is refused before anything is touched: no stage folder, no bundle, no endpoint.

Each case runs the real `edgeform deploy` (or lint, render) on a broken copy of the demo and
checks the exit status, the message, and that `.edgeform/` was never made.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.build.site import site_files
from edgeform.cli import cli

CLEAN_ENV = {"EDGEFORM_STAGE": None, "GITHUB_HEAD_REF": None, "GITHUB_REF_NAME": None}


def edgeform(root: Path, *args: str):
    config = str(root / "edgeform.toml")
    return CliRunner().invoke(cli, ["--config", config, *args], env=CLEAN_ENV)


def link_out(root: Path) -> None:
    (root / "site" / "passwd").symlink_to("/etc/passwd")


def link_loop(root: Path) -> None:
    (root / "site" / "loop").symlink_to(root / "site" / "loop")


def fifo(root: Path) -> None:
    os.mkfifo(root / "site" / "pipe")


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (link_out, "is a link to /etc/passwd, outside"),
        (link_loop, "is a link that never ends"),
        (fifo, "is not a regular file"),
    ],
)
def test_a_bad_site_file_stops_the_deploy_before_anything(demo_dir, breaks, message):
    breaks(demo_dir)
    result = edgeform(demo_dir, "deploy", "--stage", "main")
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert "✗ site" in result.stderr
    assert not (demo_dir / ".edgeform").exists()  # no bundle, no stack, no endpoint


@pytest.mark.parametrize("site", [".", "..", ".edgeform/x"])
def test_a_site_folder_that_holds_the_project_is_refused(demo_dir, site):
    (demo_dir / ".edgeform" / "x").mkdir(parents=True)
    config = demo_dir / "edgeform.toml"
    config.write_text(config.read_text().replace('site = "site"', f'site = "{site}"'))
    result = edgeform(demo_dir, "deploy", "--stage", "main")
    assert result.exit_code == 2
    assert "project.site:" in result.stderr
    assert "would be public" in result.stderr
    assert list((demo_dir / ".edgeform").iterdir()) == [demo_dir / ".edgeform" / "x"]


def test_secrets_and_state_are_never_published(demo_dir):
    site = demo_dir / "site"
    for name in (
        ".env",
        ".edgeform/stages/terraform.tfstate",
        "edgeform.toml",
        "old/terraform.tfstate.backup",
        "x.tfplan",
        ".git/config",
    ):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text("secret")
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:a@b.c\n")
    keys = [f.key for f in site_files(site, {})]
    assert keys == [
        ".well-known/security.txt",
        "404.html",
        "edgeform-config.js",
        "index.html",
        "other.html",
        "script.js",
    ]


def test_lint_that_fails_writes_no_bundle(demo_dir):
    # Incompressible, so the bundle is over the viewer limit (LE104).
    (demo_dir / "functions" / "redirect" / "blob.bin").write_bytes(os.urandom(1_200_000))
    result = edgeform(demo_dir, "lint", "--stage", "main")
    assert result.exit_code == 1
    assert "LE104" in result.stdout
    assert not (demo_dir / ".edgeform").exists()
    deploy = edgeform(demo_dir, "deploy", "--stage", "main")
    assert deploy.exit_code == 1
    assert not (demo_dir / ".edgeform").exists()


def test_lint_names_every_link_out_and_fifo_of_the_site(demo_dir):
    link_out(demo_dir)
    fifo(demo_dir)
    result = edgeform(demo_dir, "lint", "--stage", "main", "--output", "json")
    assert result.exit_code == 1, result.output
    found = {(f["rule"], f["path"]) for f in json.loads(result.stdout)["errors"]}
    assert found == {("LE501", "site/passwd"), ("LE501", "site/pipe")}


def test_a_function_source_outside_the_project_is_refused(demo_dir):
    config = demo_dir / "edgeform.toml"
    config.write_text(config.read_text().replace('"functions/redirect"', '"../../etc"', 1))
    result = edgeform(demo_dir, "render", "--stage", "main")
    assert result.exit_code == 2, result.output
    assert "functions.redirect.source: folder" in result.stderr
    assert "is outside the project folder" in result.stderr
    assert not (demo_dir / ".edgeform").exists()


@pytest.mark.parametrize(
    "state",
    [
        'bucket = "192.168.1.1"',
        'bucket = "xn--state"',
        'bucket = "ok-state", key_prefix = "../../etc"',
        'bucket = "ok-state", key_prefix = "*"',
    ],
)
def test_a_bad_state_bucket_or_prefix_renders_nothing(demo_dir, state):
    config = demo_dir / "edgeform.toml"
    config.write_text(
        config.read_text() + f'\n[targets.shared]\ntype = "local"\nstate = {{ {state} }}\n'
    )
    result = edgeform(demo_dir, "render", "--stage", "main", "--target", "shared")
    assert result.exit_code == 2, result.output
    assert "targets.shared.state." in result.stderr
    assert "Traceback" not in result.output
    assert not (demo_dir / ".edgeform").exists()


def test_a_delete_event_without_its_repository_destroys_nothing(demo_dir, tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"ref": "feature/x", "ref_type": "branch"}')
    env = {**CLEAN_ENV, "GITHUB_EVENT_NAME": "delete", "GITHUB_EVENT_PATH": str(event)}
    config = str(demo_dir / "edgeform.toml")
    result = CliRunner().invoke(cli, ["--config", config, "destroy", "--yes"], env=env)
    assert result.exit_code == 2, result.output
    assert "no repository.default_branch" in result.stderr
    assert not (demo_dir / ".edgeform").exists()


def test_outputs_of_a_corrupt_state_say_it_is_unreadable_not_undeployed(demo_dir):
    state = demo_dir / ".edgeform" / "stages" / "local" / "main" / "terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 4, "resources": [')  # cut off mid-write
    result = edgeform(demo_dir, "outputs", "--stage", "main")
    assert result.exit_code == 1, result.output
    assert f"the state at {state} is unreadable" in result.stderr
    assert "not deployed" not in result.stderr
    assert state.read_text() == '{"version": 4, "resources": ['  # left as it was


def test_unlock_on_a_local_state_says_there_is_nothing_to_unlock(demo_dir):
    result = edgeform(demo_dir, "unlock", "--stage", "main", "4dfd6521")
    assert result.exit_code == 2, result.output
    assert "there is nothing to unlock" in result.stderr
    assert not (demo_dir / ".edgeform").exists()


def test_an_empty_state_file_is_no_state_as_terraform_reads_it(demo_dir):
    # Terraform's local backend truncates, then writes; a SIGKILL between the two leaves zero
    # bytes, which Terraform's statefile.Read takes as "no state" (ErrNoState), not an error.
    state = demo_dir / ".edgeform" / "stages" / "local" / "main" / "terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text("")
    result = edgeform(demo_dir, "outputs", "--stage", "main")
    assert "unreadable" not in result.stderr
    assert "not deployed" in result.stderr, result.output
