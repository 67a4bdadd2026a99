"""A small reader of HCL's structure: blocks, labels and attributes as raw expression text.

Enough for lint to ask what a rendered stack sets (`publish`, `lambda_arn`, `provider`, ...),
with line numbers, in a few milliseconds. It does not evaluate expressions: an attribute's
value is its source text (`aws_lambda_function.redirect.qualified_arn`, `"us-east-1"`,
`["x86_64"]`). Strings with interpolations, heredocs and the three comment styles are
skipped over correctly; anything it cannot read raises `HclSyntaxError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

_IDENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_HEREDOC: Final = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")
_OPEN: Final = "([{"
_CLOSE: Final = ")]}"


class HclSyntaxError(ValueError):
    pass


@dataclass
class Attribute:
    value: str  # the expression's source text
    line: int


@dataclass
class HclBlock:
    type: str
    labels: tuple[str, ...]
    line: int
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[HclBlock] = field(default_factory=list)

    def children(self, type_: str) -> list[HclBlock]:
        return [b for b in self.blocks if b.type == type_]

    def value(self, name: str) -> str | None:
        attribute = self.attributes.get(name)
        return attribute.value if attribute else None

    def sets(self, name: str) -> bool:
        return name in self.attributes or any(b.type == name for b in self.blocks)

    def line_of(self, name: str) -> int:
        if name in self.attributes:
            return self.attributes[name].line
        return next((b.line for b in self.blocks if b.type == name), self.line)


def unquote(text: str | None) -> str | None:
    if text is not None and len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, what: str) -> HclSyntaxError:
        return HclSyntaxError(f"line {self.line()}: {what}")

    def skip_space(self, newlines: bool) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#" or text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("unclosed /* comment")
                self.pos = end + 2
            else:
                return

    def ident(self) -> str | None:
        match = _IDENT.match(self.text, self.pos)
        if match is None:
            return None
        self.pos = match.end()
        return match.group()

    def string(self) -> str:
        """Skip a quoted string (with ${...} and %{...} inside); return its source text."""
        start = self.pos
        self.pos += 1
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
            elif char == '"':
                self.pos += 1
                return self.text[start : self.pos]
            elif char in "$%" and self.text.startswith("{", self.pos + 1):
                self.pos += 2
                self.expression(until="}")
                self.pos += 1
            elif char == "\n":
                raise self.fail("unterminated string")
            else:
                self.pos += 1
        raise self.fail("unterminated string")

    def heredoc(self, match: re.Match[str]) -> None:
        marker = match.group(1)
        end = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$", re.MULTILINE)
        found = end.search(self.text, match.end())
        if found is None:
            raise self.fail(f"heredoc {marker} never ends")
        self.pos = found.end()

    def expression(self, until: str = "\n") -> str:
        """Skip an expression up to `until` at depth 0 (not consumed); return its text."""
        start, depth = self.pos, 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            line_comment = char == "#" or self.text.startswith("//", self.pos)
            if depth == 0 and (char == until or (until == "\n" and line_comment)):
                break
            if line_comment:  # inside brackets: skip to the end of the line
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
                continue
            if self.text.startswith("/*", self.pos):
                end = self.text.find("*/", self.pos + 2)
                self.pos = len(self.text) if end < 0 else end + 2
                continue
            if char == '"':
                self.string()
                continue
            heredoc = _HEREDOC.match(self.text, self.pos)
            if heredoc:
                self.heredoc(heredoc)
                continue
            if char in _OPEN:
                depth += 1
            elif char in _CLOSE:
                if depth == 0:
                    break  # the enclosing block's brace
                depth -= 1
            self.pos += 1
        return self.text[start : self.pos].strip()

    def body(self, closing: bool) -> tuple[dict[str, Attribute], list[HclBlock]]:
        attributes: dict[str, Attribute] = {}
        blocks: list[HclBlock] = []
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(self.text):
                if closing:
                    raise self.fail("a block is never closed")
                return attributes, blocks
            if self.text[self.pos] == "}":
                if not closing:
                    raise self.fail("unexpected '}'")
                self.pos += 1
                return attributes, blocks
            line = self.line()
            name = self.ident()
            if name is None:
                raise self.fail(f"unexpected {self.text[self.pos]!r}")
            self.skip_space(newlines=False)
            if self.text.startswith("=", self.pos) and not self.text.startswith("==", self.pos):
                self.pos += 1
                self.skip_space(newlines=False)
                attributes[name] = Attribute(self.expression(), line)
            else:
                blocks.append(self.block(name, line))

    def block(self, type_: str, line: int) -> HclBlock:
        labels: list[str] = []
        while True:
            self.skip_space(newlines=False)
            if self.text.startswith("{", self.pos):
                self.pos += 1
                break
            if self.text.startswith('"', self.pos):
                labels.append(self.string()[1:-1])
            else:
                label = self.ident()
                if label is None:
                    raise self.fail(f"expected a label or '{{' after {type_}")
                labels.append(label)
        attributes, blocks = self.body(closing=True)
        return HclBlock(type_, tuple(labels), line, attributes, blocks)


def parse(text: str) -> HclBlock:
    """The file as one block of type "file"."""
    attributes, blocks = _Reader(text).body(closing=False)
    return HclBlock("file", (), 1, attributes, blocks)
