"""The provider mirror, found once for every Makefile (edgeform's own, every init project's)."""

from __future__ import annotations

from pathlib import Path

from edgeform.deploy.terraform import AWS_PROVIDER, provider_mirror


def test_the_variable_wins(tmp_path):
    (tmp_path / AWS_PROVIDER).mkdir(parents=True)
    assert provider_mirror({"EDGEFORM_PROVIDER_MIRROR": "/named"}, [tmp_path]) == "/named"


def test_a_conventional_folder_counts_only_when_it_holds_the_aws_provider(tmp_path):
    empty, holding = tmp_path / "empty", tmp_path / "holding"
    empty.mkdir()
    (holding / AWS_PROVIDER).mkdir(parents=True)
    assert provider_mirror({}, [empty, holding]) == str(holding)
    assert provider_mirror({"EDGEFORM_PROVIDER_MIRROR": " "}, [empty]) is None
    assert provider_mirror({}, [Path(tmp_path / "missing")]) is None
