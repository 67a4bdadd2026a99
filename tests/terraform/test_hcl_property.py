"""Arbitrary config strings arrive in Terraform as exactly themselves, and change nothing else.

Hypothesis writes strings full of quotes, backslashes, newlines, `${...}`, `%{...}` and Unicode
into edgeform.toml; the project is loaded and rendered, and the real `terraform console`
evaluates the locals that carry them. Each must come back identical. The rest of the stack
must be byte-identical to a render with plain values, and locals.tf must have the same shape
once its string literals are blanked: no value can add or alter a line of HCL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edgeform.config import load_project
from edgeform.deploy.terraform import Terraform
from edgeform.render.stack import RenderedStack
from tests.conftest import copy_demo
from tests.terraform.terraform_helpers import console, render_into, share_init, terraform_in

pytestmark = pytest.mark.terraform

TRICKY = [
    "${",
    "%{",
    "$${",
    "%%{",
    "}",
    "${var.x}",
    "%{ if true }",
    "$",
    "%",
    "\\",
    '"',
    '\\"',
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x7f",
    "\u2028",
    "☃",
    "\U0001d518",  # outside the BMP
    "EOF",
    "<<EOT\n",
    "#",
    "//",
    "/*",
    "*/",
    "'",
]
# In NFC: edgeform refuses decomposed strings, because Terraform normalizes them to NFC
# (this test found that, with "U" + U+0300 arriving as "\u00d9").
TEXT = (
    st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=8)), max_size=10)
    .map("".join)
    .map(lambda text: unicodedata.normalize("NFC", text))
)
PATH_ALPHABET = "abcXYZ019_-.*$/~\"'@:+&?"
TAG_ALPHABET = st.one_of(st.sampled_from(list(" _.:/=+-@")), st.characters(categories=["L", "N"]))
EXAMPLES = int(os.environ.get("EDGEFORM_HCL_EXAMPLES", "8"))


def toml_string(value: str) -> str:
    """A TOML basic string for any text (JSON's escapes, less what TOML forbids)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("\x7f", "\\u007f")


def config_with(
    base: str, comment: str, root_object: str, profile: str, tag: str, patterns: list[str]
) -> str:
    text = base.replace(
        'price_class = "PriceClass_100"',
        f'price_class = "PriceClass_100"\ncomment = {toml_string(comment)}\n'
        f"tags = {{ team = {toml_string(tag)} }}",
    ).replace(
        'default_root_object = "index.html"', f"default_root_object = {toml_string(root_object)}"
    )
    text = text.replace('type = "aws"', f'type = "aws"\nprofile = {toml_string(profile)}')
    for pattern in patterns:
        text += f"\n[[behaviors]]\npath_pattern = {toml_string(pattern)}\n"
    return text


def skeleton(hcl: str) -> str:
    """The HCL with every string literal blanked: what is left is structure."""
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', hcl)


@dataclass(repr=False)
class Workspace:
    demo: Path
    base: str
    baseline: RenderedStack
    tf: Terraform


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, initialized, terraform_environ):
    demo = copy_demo(tmp_path_factory.mktemp("hcl") / "demo")
    base = (demo / "edgeform.toml").read_text()
    baseline_dir = demo / ".edgeform" / "baseline"
    config = demo / "edgeform.toml"
    config.write_text(
        config_with(base, "plain", "index.html", "default", "web", ["/p0", "/p1", "/p2"])
    )
    baseline = render_into(load_project(config), "aws", baseline_dir)
    directory = demo / ".edgeform" / "stage"
    directory.mkdir(parents=True)
    share_init(initialized, directory)
    return Workspace(demo, base, baseline, terraform_in(directory, terraform_environ))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    comment=TEXT.filter(lambda s: 0 < len(s) <= 128),  # empty means "the default comment"
    root_object=TEXT.filter(lambda s: s and not s.startswith("/")),
    profile=TEXT.filter(bool),
    tag=st.text(TAG_ALPHABET, max_size=30).map(lambda text: unicodedata.normalize("NFC", text)),
    patterns=st.lists(
        st.text(PATH_ALPHABET, min_size=1, max_size=30).filter(lambda p: p not in ("*", "/*")),
        min_size=3,
        max_size=3,
        unique=True,
    ),
)
def test_strings_arrive_unchanged_and_change_nothing_else(
    workspace, comment, root_object, profile, tag, patterns
):
    demo, base, baseline, tf = workspace.demo, workspace.base, workspace.baseline, workspace.tf
    config = demo / "edgeform.toml"
    config.write_text(config_with(base, comment, root_object, profile, tag, patterns))
    project = load_project(config)
    assert (project.comment, project.default_root_object) == (comment, root_object)

    directory = tf.working_dir
    shutil.rmtree(directory / "bundles", ignore_errors=True)
    stack = render_into(project, "aws", directory)

    assert tf.fmt_check() == []
    values = console(
        tf,
        [
            "local.comment",
            "local.default_root_object",
            "local.aws_profile",
            "local.tags",
            "local.path_patterns",
        ],
    )
    assert values == [
        comment,
        root_object,
        profile,
        {"managed-by": "edgeform", "project": "edgeform-demo", "stage": "main", "team": tag},
        patterns,
    ]
    for name, text in stack.files.items():
        if name == "locals.tf":
            assert skeleton(text) == skeleton(baseline.files[name])
        else:
            assert text == baseline.files[name], name
