"""The lint rule catalog, and what a check reports: a `Finding`, and a `LintReport` of them.

Each rule has a stable id, a severity and a one-line summary. Ids are stable: CI annotations
and suppressions refer to them, and the README lists them. Each check names its rule when it
reports; nothing recovers a rule from a message.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

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
        Rule("LE303", "error", "the Node.js source parses (node --check on each file)"),
        Rule("LE401", "warning", "no config read from environment variables"),
        Rule("LE402", "warning", "no response body in the source over the viewer limit"),
        Rule("LE501", "error", "the site holds regular files only (no link out, no FIFO)"),
        Rule("LE502", "error", "every custom error page is a file of the site"),
        Rule("LE601", "error", "a policy's key within CloudFront's quotas (10 of each)"),
        Rule("LE602", "error", "no cache key when caching is disabled (max_ttl = 0)"),
        Rule("LE603", "error", "a behavior's cache policy exists, and decides alone"),
        Rule("LE604", "error", "no Authorization header in an origin request policy"),
        Rule("LE605", "error", "CORS credentials only with named origins"),
        Rule("LE606", "error", "a response headers policy leaves framing and CDN headers be"),
        Rule("LE607", "error", "a behavior's target_origin is the site, an origin or a group"),
        Rule("LE608", "error", "an origin group holds two origins that exist"),
        Rule("LE609", "error", "an origin group serves GET, HEAD and OPTIONS only"),
        Rule("LE610", "error", "an origin's local_url is a server on loopback"),
        Rule("LE611", "warning", "no CloudFront viewer header read in viewer-request"),
        Rule("LE612", "error", "an origin's custom headers are ones CloudFront adds"),
    )
}


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


@dataclass(frozen=True)
class LintReport:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_json(self) -> dict[str, Any]:
        return {
            "errors": [f.as_json() for f in self.errors],
            "warnings": [f.as_json() for f in self.warnings],
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings)},
        }


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings; each by place."""
    return sorted(
        findings,
        key=lambda f: (f.severity != "error", f.path, f.line or 0, f.rule, f.message),
    )
