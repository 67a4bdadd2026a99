"""HCL literals (the real Terraform checks the same strings in tests/terraform)."""

from __future__ import annotations

import pytest

from edgeform.render.hcl import Hcl, aligned, ident, literal, quote


@pytest.mark.parametrize(
    ("text", "hcl"),
    [
        ("plain", '"plain"'),
        ('say "hi"', r'"say \"hi\""'),
        ("back\\slash", r'"back\\slash"'),
        ("two\nlines\r\t", r'"two\nlines\r\t"'),
        ("${var.secret}", '"$${var.secret}"'),
        ("%{ if true }x%{ endif }", '"%%{ if true }x%%{ endif }"'),
        ("$ and % alone", '"$ and % alone"'),
        ("bell\x07", r'"bell\u0007"'),
        ("ünïcödé ☃", '"ünïcödé ☃"'),
    ],
)
def test_quote(text, hcl):
    assert quote(text) == hcl


def test_literal_of_values():
    assert literal(True) == "true"
    assert literal(128) == "128"
    assert literal(["GET", "HEAD"]) == '["GET", "HEAD"]'
    assert literal({"a": 1, "long-key": "x"}) == '{\n  "a"        = 1\n  "long-key" = "x"\n}'
    assert literal(Hcl("var.x")) == "var.x"


def test_literal_refuses_unknown_types():
    with pytest.raises(TypeError):
        literal(object())


@pytest.mark.parametrize("bad", ["1abc", "a b", "a.b", 'x"', "${x}", ""])
def test_ident_refuses_non_identifiers(bad):
    with pytest.raises(ValueError, match="not an HCL identifier"):
        ident(bad)


def test_alignment_matches_terraform_fmt_runs():
    rows = [("a", "1"), ("bb", "2"), ("ccc", "{\n  x = 1\n}"), ("d", "3")]
    assert aligned(rows, "  ") == ["  a  = 1", "  bb = 2", "  ccc = {\n  x = 1\n}", "  d = 3"]
