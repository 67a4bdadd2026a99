"""Fixtures for tests that run the real Terraform."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeform.config import load_project
from tests.conftest import copy_demo
from tests.terraform.terraform_helpers import render_into, terraform_in


@pytest.fixture(scope="session")
def initialized(tmp_path_factory: pytest.TempPathFactory, terraform_environ) -> Path:
    """A stage folder where `terraform init` ran once, with the provider from the mirror."""
    demo = copy_demo(tmp_path_factory.mktemp("init") / "demo")
    directory = demo / ".edgeform" / "stage"
    render_into(load_project(demo / "edgeform.toml"), "local", directory)
    tf = terraform_in(directory, terraform_environ)
    tf.init()
    lock = (directory / ".terraform.lock.hcl").read_text()
    # The provider came from the mirror and Terraform recorded which version it took.
    assert 'provider "registry.terraform.io/hashicorp/aws"' in lock
    return directory
