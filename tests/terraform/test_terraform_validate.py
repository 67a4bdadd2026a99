"""The rendered stack with the real Terraform: fmt -check, init from the mirror, validate."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeform.config import load_project
from tests.conftest import override_template
from tests.terraform.terraform_helpers import render_into, share_init, terraform_in

pytestmark = pytest.mark.terraform

ALL_TRIGGERS = """
[[behaviors]]
path_pattern = "/api/*"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
min_ttl = 0
default_ttl = 0
max_ttl = 0
triggers = [
  { event = "viewer-request", function = "redirect", include_body = true },
  { event = "origin-request", function = "node-router", include_body = true },
  { event = "origin-response", function = "security-headers" },
  { event = "viewer-response", function = "security-headers" },
]

[[behaviors]]
path_pattern = "/static/*"
compress = false
triggers = [{ event = "viewer-response", function = "node-router" }]

[functions.node-router]
source = "functions/node_router"
runtime = "nodejs22.x"
handler = "index.handler"
memory = 512
timeout = 30
"""


def with_all_triggers(demo_dir: Path):
    (demo_dir / "functions" / "node_router").mkdir()
    (demo_dir / "functions" / "node_router" / "index.js").write_text(
        "exports.handler = async (event) => event.Records[0].cf.request;\n"
    )
    config = demo_dir / "edgeform.toml"
    config.write_text(config.read_text() + ALL_TRIGGERS)
    return load_project(config)


@pytest.mark.parametrize(
    ("variant", "target"),
    [
        ("demo", "local"),
        ("demo", "aws"),
        ("all-triggers", "local"),
    ],
)
def test_rendered_stack_is_fmt_clean_and_valid(
    demo_dir, terraform_environ, initialized, variant, target
):
    project = (
        load_project(demo_dir / "edgeform.toml")
        if variant == "demo"
        else with_all_triggers(demo_dir)
    )
    directory = demo_dir / ".edgeform" / "stage"
    render_into(project, target, directory)
    tf = terraform_in(directory, terraform_environ)

    assert tf.fmt_check() == []
    share_init(initialized, directory)
    result = tf.validate()
    assert result.valid, result.diagnostics
    assert [d for d in result.diagnostics if d.severity == "error"] == []


def test_validate_catches_a_broken_template(demo_dir, terraform_environ, initialized):
    """The check above can fail: a template that references nothing real is invalid."""
    override_template(demo_dir, "broken.tf.j2").write_text(
        'output "oops" {\n  value = aws_s3_bucket.nope.id\n}\n'
    )
    directory = demo_dir / ".edgeform" / "stage"
    render_into(load_project(demo_dir / "edgeform.toml"), "local", directory)
    tf = terraform_in(directory, terraform_environ)
    share_init(initialized, directory)
    result = tf.validate()
    assert not result.valid
    assert any(
        '"aws_s3_bucket" "nope" has not been declared' in d.detail for d in result.diagnostics
    )


def test_fmt_check_reports_a_misformatted_file(demo_dir, terraform_environ):
    directory = demo_dir / ".edgeform" / "stage"
    render_into(load_project(demo_dir / "edgeform.toml"), "local", directory)
    (directory / "zz.tf").write_text("locals {\n  a = 1\n  bbb = 2\n}\n")
    assert terraform_in(directory, terraform_environ).fmt_check() == ["zz.tf"]
