"""The small readers lint uses: HCL structure with lines, and edgeform.toml key lines."""

from __future__ import annotations

import pytest

from edgeform.lint.hcl_blocks import HclSyntaxError, parse, unquote
from edgeform.lint.toml_lines import TomlLines

HCL = """# a comment
resource "aws_lambda_function" "edge" {
  provider = aws.us_east_1 // another
  handler  = "app.${var.x}}"
  policy   = <<EOT
{ "not": "a block" }
EOT
  tags = {
    a = "b" /* inline */
  }

  environment {
    variables = { A = "1" }
  }
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
"""


def test_blocks_attributes_and_lines():
    file = parse(HCL)
    fn, provider = file.blocks
    assert (fn.type, fn.labels, fn.line) == ("resource", ("aws_lambda_function", "edge"), 2)
    assert fn.value("provider") == "aws.us_east_1"
    assert fn.value("handler") == '"app.${var.x}}"'
    assert fn.attributes["policy"].line == 5
    assert fn.value("tags").startswith("{")
    assert fn.sets("environment")
    assert fn.line_of("environment") == 12
    assert fn.children("environment")[0].value("variables") == '{ A = "1" }'
    assert unquote(provider.value("region")) == "us-east-1"


@pytest.mark.parametrize("broken", ['a = "open', "resource {", "x {\n  y = 1\n", "}"])
def test_unreadable_hcl_is_an_error(broken):
    with pytest.raises(HclSyntaxError):
        parse(broken)


TOML = """[project]
name = "p"

[functions.edge]
memory = 256

[[behaviors]]
path_pattern = "/a/*"

[[behaviors]]
path_pattern = "/b/*"
triggers = [
  { event = "viewer-request", function = "edge" },
  { event = "origin-request", function = "edge" },
]
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("project.name", 2),
        ("functions.edge.memory", 5),
        ("functions.edge.timeout", 4),  # not written: its table
        ("behaviors", 7),
        ("behaviors[1].path_pattern", 11),
        ("behaviors[1].triggers[1].event", 14),
        ("behaviors[1].triggers", 12),
        ("nowhere.at_all", None),
    ],
)
def test_toml_key_lines(key, line):
    assert TomlLines(TOML).line_of(key) == line
