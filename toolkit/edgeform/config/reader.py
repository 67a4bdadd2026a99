"""Reading typed values out of nested TOML tables, collecting every problem on the way.

A `Reader` never raises: each wrong key becomes a `ConfigProblem` (file, key, what, fix, and
the lint rule it breaks), so that one run reports every mistake at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Final

from edgeform.errors import ConfigProblem

CONFIG_RULE: Final = "LE100"  # lint's rule for a config mistake that is no Lambda@Edge rule

REQUIRED: Final = object()

TYPE_NAMES: Final = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    dict: "a table",
    list: "an array",
}


class Reader:
    """Collects problems while reading typed values out of nested TOML tables."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[ConfigProblem] = []

    def problem(self, key: str, what: str, fix: str, rule: str = CONFIG_RULE) -> None:
        self.problems.append(ConfigProblem(self.file, key, what, fix, rule))

    def table(self, data: Any, key: str, allowed: Iterable[str]) -> dict[str, Any]:
        """`data` as a table; unknown keys are reported (with a close match when there is one).
        None is a table that is missing, which `value` has reported already."""
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.problem(
                key,
                f"expected a table, got {describe(data)}",
                f"write [{key}] with keys inside it",
            )
            return {}
        allowed = tuple(allowed)
        for unknown in sorted(set(data) - set(allowed)):
            full = f"{key}.{unknown}" if key else unknown
            self.problem(full, "unknown key", suggest(unknown, allowed))
        return data

    def value(
        self, data: Mapping[str, Any], key: str, name: str, kind: type, default: Any = REQUIRED
    ) -> Any:
        full = f"{key}.{name}" if key else name
        if name not in data:
            if default is REQUIRED:
                fix = (
                    f"add a [{full}] table"
                    if kind is dict
                    else f"add {name} = <{TYPE_NAMES[kind]}>"
                )
                self.problem(full, "missing", fix)
            return None if default is REQUIRED else default
        value = data[name]
        if not is_a(value, kind):
            example = {
                str: f'{name} = "..."',
                int: f"{name} = 1",
                bool: f"{name} = true",
                list: f"{name} = [...]",
                dict: f"[{full}]",
            }[kind]
            self.problem(
                full, f"expected {TYPE_NAMES[kind]}, got {describe(value)}", f"write {example}"
            )
            return None if default is REQUIRED else default
        return value

    def check(self, ok: bool, key: str, what: str, fix: str, rule: str = CONFIG_RULE) -> bool:
        if not ok:
            self.problem(key, what, fix, rule)
        return ok


def is_a(value: Any, kind: type) -> bool:
    # TOML booleans are Python bools, which are ints too: keep them apart.
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def describe(value: Any) -> str:
    for kind, name in TYPE_NAMES.items():
        if is_a(value, kind):
            return f"{name} ({value!r})" if kind in (str, int, bool) else name
    return type(value).__name__


def suggest(unknown: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(unknown, allowed, n=1)
    if close:
        return f"did you mean {close[0]}?"
    return f"allowed keys: {', '.join(allowed)}" if allowed else "remove it"
