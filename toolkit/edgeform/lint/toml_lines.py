"""Where an edgeform.toml key is written: its line, for lint's `path:line:` locations.

A small line scanner, not a TOML parser: the config has already been parsed (or has failed to
parse) by `tomllib`; this only finds the line a key like `behaviors[1].triggers[0].event` or
`functions.redirect.memory` was written on, falling back to its table's header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY: Final = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")
_PART: Final = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class Table:
    start: int  # 1-based line of the header (0: the top of the file)
    end: int  # last line of the table


class TomlLines:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.tables = self._tables()

    @classmethod
    def read(cls, path: Path) -> TomlLines:
        try:
            return cls(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return cls("")

    def _tables(self) -> dict[str, Table]:
        tables: dict[str, Table] = {}
        counts: dict[str, int] = {}
        current, start = "", 0
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if not match:
                continue
            tables.setdefault(current, Table(start, number - 1))
            name = match.group(2).replace('"', "").replace("'", "").replace(" ", "")
            if match.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                name = f"{name}[{index}]"
            current, start = name, number
        tables.setdefault(current, Table(start, len(self.lines)))
        return tables

    def line_of(self, key: str) -> int | None:
        parts = [(m.group(1), m.group(2)) for m in _PART.finditer(key)]
        for cut in range(len(parts), 0, -1):
            table = ".".join(f"{n}[{i}]" if i is not None else n for n, i in parts[:cut])
            # A key naming an array of tables as a whole points at its first table.
            for name in (table, f"{table}[0]"):
                if name in self.tables:
                    return self._inside(self.tables[name], parts[cut:])
        top = self.tables.get("")
        return self._inside(top, parts) if top is not None and parts else None

    def _inside(self, table: Table, rest: list[tuple[str, str | None]]) -> int | None:
        header = table.start or None
        if not rest:
            return header
        name, index = rest[0]
        for number in range(table.start + 1, table.end + 1):
            match = _KEY.match(self.lines[number - 1])
            if match and match.group(1).strip('"') == name:
                return self._element(number, int(index)) if index is not None else number
        return header

    def _element(self, first: int, index: int) -> int:
        """The line of the index-th inline table of the array that starts on `first`."""
        seen = -1
        for number in range(first, len(self.lines) + 1):
            text = self.lines[number - 1].split("#", 1)[0]
            if number > first and _KEY.match(text) and "{" not in text:
                break  # the array ended before that element
            seen += text.count("{")
            if seen >= index:
                return number
        return first
