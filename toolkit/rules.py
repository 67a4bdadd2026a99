"""Lambda@Edge's restrictions as lint rules (reference/lambda-edge.md sections 1 and 2).

Each rule has a stable id, a severity and a one-line summary (`RULES`); a `Finding` is one
place that breaks one rule: where (edgeform.toml key, template or source file, and line), what,
and how to fix it. The checks here read the project model and the built bundles; the rendered
Terraform and the functions' source are checked by `rules_terraform` and `rules_source`.
`lint` runs them all. Everything is pure: the caller builds and renders, nothing is written.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final, Literal

from toolkit.config import MAX_ASSOCIATIONS, Function, Project
from toolkit.errors import ConfigProblem
from toolkit.toml_lines import TomlLines

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str


# The catalog. Ids are stable: CI annotations and suppressions refer to them.
RULES: Final = {
    rule.id: rule
    for rule in (
        Rule("LE100", "error", "edgeform.toml is valid (its other checks)"),
        Rule("LE101", "error", "the runtime is one Lambda@Edge accepts"),
        Rule("LE102", "error", "memory within the limit of every trigger the function has"),
        Rule("LE103", "error", "timeout within the limit of every trigger the function has"),
        Rule("LE104", "error", "compressed bundle within the limit of every trigger it has"),
        Rule("LE105", "error", "at most one function per event type per behavior"),
        Rule("LE106", "error", "at most four associations per behavior"),
        Rule("LE107", "error", "include_body only on viewer-request and origin-request"),
        Rule("LE108", "error", "the number of cache behaviors within CloudFront's quota"),
        Rule("LE109", "error", "path patterns are valid and unique"),
        Rule("LE201", "error", "triggers reference a published numbered version"),
        Rule("LE202", "error", "the functions live in us-east-1"),
        Rule("LE203", "error", "the role trusts lambda.amazonaws.com and edgelambda.amazonaws.com"),
        Rule("LE204", "error", "no function setting that Lambda@Edge refuses"),
        Rule("LE301", "error", "the handler exists"),
        Rule("LE302", "error", "no callback-style handler on Node.js 24 and later"),
        Rule("LE401", "warning", "no config read from environment variables"),
        Rule("LE402", "warning", "no response body in the source over the viewer limit"),
    )
}

# Lambda@Edge's runtimes (reference section 1), in one place. "unconfirmed": implied by the
# 2025 docs, not stated; "deprecated": keeps running, but cannot be created or updated.
RUNTIMES: Final[Mapping[str, Literal["supported", "unconfirmed", "deprecated"]]] = {
    "nodejs24.x": "unconfirmed",
    "nodejs22.x": "supported",
    "nodejs20.x": "deprecated",  # since 30 April 2026
    "nodejs18.x": "deprecated",
    "nodejs16.x": "deprecated",
    "python3.14": "unconfirmed",
    "python3.13": "supported",
    "python3.12": "supported",
    "python3.11": "supported",
    "python3.10": "supported",
    "python3.9": "deprecated",
    "python3.8": "deprecated",
    "python3.7": "deprecated",
}
NEWEST_RUNTIMES: Final = ("nodejs22.x", "python3.13")

VIEWER: Final = frozenset({"viewer-request", "viewer-response"})
# Strictest values by default (the 2025 quotas page may have relaxed the viewer ones).
LIMITS: Final = {
    "memory": {"viewer": 128, "origin": 10240},
    "timeout": {"viewer": 5, "origin": 30},
    "bundle": {"viewer": 1_048_576, "origin": 52_428_800},
}
BEHAVIOR_QUOTA: Final = 25  # per distribution by default (75 in the 2025 docs: adjustable)
BEHAVIOR_HARD_LIMIT: Final = 75


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # relative to the project root
    line: int | None
    message: str
    hint: str
    key: str | None = None  # the edgeform.toml key, when the place is one

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.rule} {self.message} ({self.hint})"

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "severity": self.severity}


@dataclass(frozen=True)
class BundleInfo:
    """A built bundle as lint needs it: its compressed size and its biggest entries."""

    function: str
    size: int
    largest: tuple[tuple[str, int], ...]  # (entry, compressed bytes), biggest first

    @classmethod
    def from_zip(cls, function: str, data: bytes, top: int = 3) -> BundleInfo:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = sorted(
                ((i.filename, i.compress_size) for i in archive.infolist()),
                key=lambda e: (-e[1], e[0]),
            )
        return cls(function, len(data), tuple(entries[:top]))


def side(event: str) -> str:
    return "viewer" if event in VIEWER else "origin"


def triggers_of(project: Project) -> dict[str, set[str]]:
    """Function name -> the events it is wired to, across every behavior."""
    wired: dict[str, set[str]] = {name: set() for name in project.functions}
    for behavior in project.all_behaviors:
        for trigger in behavior.triggers:
            wired[trigger.function].add(trigger.event)
    return wired


def strictest(kind: str, events: Iterable[str]) -> tuple[int, str] | None:
    """The lowest limit of `kind` across the events, with the event that sets it."""
    limits = sorted((LIMITS[kind][side(event)], event) for event in events)
    return limits[0] if limits else None


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

    def limits(self, wired: Mapping[str, set[str]]) -> None:
        for fn in self.project.functions.values():
            events = wired[fn.name]
            self._limit(fn, "memory", fn.memory, "LE102", "MB", events)
            self._limit(fn, "timeout", fn.timeout, "LE103", "s", events)

    def _limit(
        self, fn: Function, kind: str, value: int, rule: str, unit: str, events: set[str]
    ) -> None:
        limit = strictest(kind, events)
        if limit is not None and value > limit[0]:
            self.at(
                rule,
                f"functions.{fn.name}.{kind}",
                f"{fn.name} has {kind} {value} {unit}; its {limit[1]} trigger allows {limit[0]}",
                f"set {kind} = {limit[0]}, or move the work to an origin trigger",
            )

    def bundles(self, wired: Mapping[str, set[str]], bundles: Sequence[BundleInfo]) -> None:
        for bundle in bundles:
            limit = strictest("bundle", wired.get(bundle.function, ()))
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
        for index, behavior in enumerate(self.project.all_behaviors):
            key = _behavior_key(self.project, index)
            if len(behavior.triggers) > MAX_ASSOCIATIONS:
                self.at(
                    "LE106",
                    f"{key}.triggers",
                    f"{len(behavior.triggers)} associations; CloudFront allows "
                    f"{MAX_ASSOCIATIONS} per behavior",
                    "keep one function per event type",
                )
        count = len(self.project.behaviors)
        if count > BEHAVIOR_QUOTA:
            self.at(
                "LE108",
                "behaviors",
                f"{count} cache behaviors; CloudFront's default quota is {BEHAVIOR_QUOTA} per "
                f"distribution ({BEHAVIOR_HARD_LIMIT} at most, on request)",
                "merge behaviors that share triggers, or have AWS raise the quota first",
            )


def _behavior_key(project: Project, index: int) -> str:
    return "default_behavior" if index == len(project.behaviors) else f"behaviors[{index}]"


# Config checks that are Lambda@Edge rules: their problems carry these ids in lint's output.
CONFIG_RULES: Final = (
    ("LE101", ".runtime"),
    ("LE102", ".memory"),
    ("LE103", ".timeout"),
    ("LE107", ".include_body"),
    ("LE109", ".path_pattern"),
)


def rule_of_problem(problem: ConfigProblem) -> str:
    if problem.key.endswith(".event") and "already runs" in problem.what:
        return "LE105"
    if problem.key.endswith(".triggers") and "associations" in problem.what:
        return "LE106"
    return next((rule for rule, suffix in CONFIG_RULES if problem.key.endswith(suffix)), "LE100")


def config_findings(problems: Iterable[ConfigProblem], config_file: Path) -> list[Finding]:
    """A config that does not load, as findings: each problem with its rule and line."""
    lines = TomlLines.read(config_file)
    return [
        Finding(rule_of_problem(p), p.file, lines.line_of(p.key), p.what, p.fix, p.key)
        for p in problems
    ]


def check_model(project: Project, bundles: Sequence[BundleInfo]) -> list[Finding]:
    model = _Model(project, TomlLines.read(project.config_file))
    wired = triggers_of(project)
    model.runtimes()
    model.limits(wired)
    model.bundles(wired, bundles)
    model.behaviors()
    return model.found


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings; each by place."""
    return sorted(
        findings,
        key=lambda f: (f.severity != "error", f.path, f.line or 0, f.rule, f.message),
    )
