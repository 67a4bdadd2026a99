"""What config rules may know beyond their own value, passed to pydantic's validation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationInfo


@dataclass(frozen=True)
class ParseContext:
    """What rules may know beyond their own value: the project's folder and the names the
    raw file defines (read before validation, so a mistake elsewhere does not hide them)."""

    root: Path
    functions: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    config: Mapping[str, Any] = field(default_factory=dict)
    cache_policies: frozenset[str] = frozenset()
    origin_request_policies: frozenset[str] = frozenset()
    response_headers_policies: frozenset[str] = frozenset()
    origins: frozenset[str] = frozenset()
    origin_groups: frozenset[str] = frozenset()

    @classmethod
    def of(cls, info: ValidationInfo) -> ParseContext:
        context = info.context
        # Validation without a context (the JSON Schema's own tests) has no folder to check.
        return context if isinstance(context, ParseContext) else cls(Path.cwd())

    @classmethod
    def from_raw(cls, data: Mapping[str, Any], root: Path) -> ParseContext:
        """The names the raw file defines, read before validation."""

        def table(value: Any) -> Mapping[str, Any]:
            return value if isinstance(value, dict) else {}

        return cls(
            root=root,
            functions=frozenset(table(data.get("functions"))),
            targets=frozenset(table(data.get("targets"))),
            config=table(data.get("config")),
            cache_policies=frozenset(table(data.get("cache_policies"))),
            origin_request_policies=frozenset(table(data.get("origin_request_policies"))),
            response_headers_policies=frozenset(table(data.get("response_headers_policies"))),
            origins=frozenset(table(data.get("origins"))),
            origin_groups=frozenset(table(data.get("origin_groups"))),
        )
