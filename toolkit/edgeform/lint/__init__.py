"""Lambda@Edge's restrictions as lint rules, checked before anything is deployed.

`lint_stack` checks the model, the built bundles, a rendered stack (in memory) and the
functions' source; `lint_config` turns a config that does not load into findings. Both are
pure: the caller builds and renders, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from edgeform.errors import ConfigProblem
from edgeform.lint.catalog import BundleInfo, LintReport, sort_findings
from edgeform.lint.model_rules import check_model, config_findings
from edgeform.lint.source_rules import check_sources
from edgeform.lint.terraform_rules import check_rendered
from edgeform.model.project import Project

__all__ = ["BundleInfo", "LintReport", "lint_config", "lint_stack"]


def lint_stack(
    project: Project,
    bundles: Sequence[BundleInfo],
    files: Mapping[str, str],
    sources: Mapping[str, Path],
) -> LintReport:
    """`files`: the rendered stack; `sources`: the template each of its files came from."""
    return LintReport(
        tuple(
            sort_findings(
                [
                    *check_model(project, bundles),
                    *check_rendered(files, sources, project.root),
                    *check_sources(project),
                ]
            )
        )
    )


def lint_config(problems: Iterable[ConfigProblem], config_file: Path) -> LintReport:
    return LintReport(tuple(sort_findings(config_findings(problems, config_file))))
