"""The package list, computed rather than listed in pyproject.toml: edgeform's code and the data
folders of `edgeform init`'s templates (setuptools warns of every shipped folder it was not
told of), plus the Terraform templates, which live at the repository's top level in terraform/
(pyproject.toml maps them in as edgeform.render.templates). Everything else is pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages("toolkit", include=["edgeform*"], exclude=["*__pycache__*"]),
        "edgeform.render.templates",
    ]
)
