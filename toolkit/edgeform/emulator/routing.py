"""Which cache behavior serves a path: CloudFront's matching rules.

Patterns use `*` (any run of characters, `/` included) and `?` (exactly one character); they
are case-sensitive and a leading `/` is optional. The ordered behaviors are tried in order and
the first match wins; the default behavior (pattern None) takes everything else. The behavior
is chosen from the viewer's URI before any function runs, so a viewer-request function that
rewrites the URI changes the object fetched but not the behavior (reference section 4).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, TypeVar


class HasPattern(Protocol):
    @property
    def path_pattern(self) -> str | None: ...


@lru_cache(maxsize=512)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    anchored = pattern if pattern.startswith("/") else "/" + pattern
    parts = ("." if char == "?" else ".*" if char == "*" else re.escape(char) for char in anchored)
    return re.compile("".join(parts), re.DOTALL)


def pattern_matches(pattern: str, path: str) -> bool:
    return pattern_regex(pattern).fullmatch(path) is not None


B = TypeVar("B", bound=HasPattern)


def match_behavior(behaviors: Sequence[B], path: str) -> B:
    """The first behavior whose pattern matches; `behaviors` ends with the default."""
    for behavior in behaviors:
        if behavior.path_pattern is None or pattern_matches(behavior.path_pattern, path):
            return behavior
    raise ValueError("the behaviors must end with the default behavior")
