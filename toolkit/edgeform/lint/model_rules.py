"""Lint rules on the project model and the built bundles (reference sections 1 and 2).

Runtimes, memory, timeout and compressed size against the strictest trigger of each function,
and the behavior quota. The other checks that are Lambda@Edge rules (one function per event,
four associations, include_body, path patterns) are config checks that carry their rule ids.
Everything is pure: the caller builds, nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from edgeform.errors import ConfigProblem
from edgeform.lint.catalog import BundleInfo, Finding
from edgeform.lint.toml_lines import TomlLines
from edgeform.model.lambda_edge import (
    BEHAVIOR_HARD_LIMIT,
    BEHAVIOR_QUOTA,
    MEMORY_MB,
    NEWEST_RUNTIMES,
    PACKAGE_BYTES,
    RUNTIMES,
    TIMEOUT_SECONDS,
    Side,
    strictest,
)
from edgeform.model.project import Function, Project


class _Model:
    """The checks that read the project model and the bundles."""

    def __init__(self, project: Project, lines: TomlLines) -> None:
        self.project = project
        self.lines = lines
        self.config = project.config_file.name
        self.found: list[Finding] = []

    def at(self, rule: str, key: str, message: str, hint: str) -> None:
        self.found.append(Finding(rule, self.config, self.lines.line_of(key), message, hint, key))

    def runtimes(self) -> None:
        for fn in self.project.functions.values():
            status = RUNTIMES.get(fn.runtime)
            key = f"functions.{fn.name}.runtime"
            if status is None or status == "deprecated":
                what = "is not" if status is None else "is deprecated and no longer"
                self.at(
                    "LE101",
                    key,
                    f"{fn.name}: {fn.runtime} {what} accepted by Lambda@Edge",
                    f"use {' or '.join(NEWEST_RUNTIMES)}",
                )

    def limits(self, wired: Mapping[str, frozenset[str]]) -> None:
        for fn in self.project.functions.values():
            events = wired[fn.name]
            self._limit(fn, "memory", fn.memory, MEMORY_MB, "LE102", "MB", events)
            self._limit(fn, "timeout", fn.timeout, TIMEOUT_SECONDS, "LE103", "s", events)

    def _limit(
        self,
        fn: Function,
        kind: str,
        value: int,
        limits: Mapping[Side, int],
        rule: str,
        unit: str,
        events: frozenset[str],
    ) -> None:
        limit = strictest(limits, events)
        if limit is not None and value > limit[0]:
            self.at(
                rule,
                f"functions.{fn.name}.{kind}",
                f"{fn.name} has {kind} {value} {unit}; its {limit[1]} trigger allows {limit[0]}",
                f"set {kind} = {limit[0]}, or move the work to an origin trigger",
            )

    def bundles(self, wired: Mapping[str, frozenset[str]], bundles: Sequence[BundleInfo]) -> None:
        for bundle in bundles:
            limit = strictest(PACKAGE_BYTES, wired.get(bundle.function, ()))
            if limit is None or bundle.size <= limit[0]:
                continue
            biggest = ", ".join(f"{name} ({size:,} B)" for name, size in bundle.largest)
            self.at(
                "LE104",
                f"functions.{bundle.function}.source",
                f"{bundle.function}'s bundle is {bundle.size:,} bytes compressed; its "
                f"{limit[1]} trigger allows {limit[0]:,}. Largest: {biggest}",
                "drop unused dependencies or files, or move the function to an origin trigger",
            )

    def behaviors(self) -> None:
        # More than MAX_ASSOCIATIONS triggers (LE106) never loads: config reports it.
        count = len(self.project.behaviors)
        if count > BEHAVIOR_QUOTA:
            self.at(
                "LE108",
                "behaviors",
                f"{count} cache behaviors; CloudFront's default quota is {BEHAVIOR_QUOTA} per "
                f"distribution ({BEHAVIOR_HARD_LIMIT} at most, on request)",
                "merge behaviors that share triggers, or have AWS raise the quota first",
            )


def config_findings(problems: Iterable[ConfigProblem], config_file: Path) -> list[Finding]:
    """A config that does not load, as findings: each problem with its rule and line."""
    lines = TomlLines.read(config_file)
    return [Finding(p.rule, p.file, lines.line_of(p.key), p.what, p.fix, p.key) for p in problems]


def check_model(project: Project, bundles: Sequence[BundleInfo]) -> list[Finding]:
    model = _Model(project, TomlLines.read(project.config_file))
    wired = project.wired_events()
    model.runtimes()
    model.limits(wired)
    model.bundles(wired, bundles)
    model.behaviors()
    return model.found
