"""HCL literals: the one place where values become Terraform source text.

`literal` turns a Python value into HCL. Strings are quoted with every character that HCL
would interpret escaped: backslash, quote, control characters, and the template sequences
`${` and `%{` (doubled to `$${` and `%%{`, HCL's own escapes). Objects are written one
attribute a line with the `=` signs aligned as `terraform fmt` aligns them, so that rendered
files are fmt-clean whatever the values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final


class Hcl(str):
    """Text that is already valid HCL (a literal or an identifier), safe to emit as it is."""

    __slots__ = ()

    def __html__(self) -> str:
        # Lets Jinja's autoescaping pass HCL through untouched (see render.py).
        return str(self)


_IDENT_RE: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_SIMPLE_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote(text: str) -> Hcl:
    """An HCL quoted string that evaluates to exactly `text`."""
    out: list[str] = []
    for i, char in enumerate(text):
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif char in "$%" and nxt == "{":
            out.append(char * 2)  # "$${" is a literal "${", "%%{" a literal "%{"
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or char in "\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return Hcl('"' + "".join(out) + '"')


def ident(name: str) -> Hcl:
    """A Terraform identifier (resource or block name); refuses anything else."""
    if not _IDENT_RE.match(name):
        raise ValueError(f"not an HCL identifier: {name!r}")
    return Hcl(name)


def literal(value: object, indent: int = 0) -> Hcl:
    """Any config value as HCL: strings, numbers, booleans, lists and string-keyed maps."""
    if isinstance(value, Hcl):
        return value
    if isinstance(value, bool):
        return Hcl("true" if value else "false")
    if isinstance(value, int | float):
        return Hcl(repr(value))
    if isinstance(value, str):
        return quote(value)
    if value is None:
        return Hcl("null")
    if isinstance(value, Mapping):
        return _object(value, indent)
    if isinstance(value, Sequence):
        return Hcl("[" + ", ".join(literal(v, indent) for v in value) + "]")
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def _object(mapping: Mapping[object, object], indent: int) -> Hcl:
    if not mapping:
        return Hcl("{}")
    pad = " " * (indent + 2)
    rows = [(quote(str(k)), literal(v, indent + 2)) for k, v in mapping.items()]
    return Hcl("{\n" + "\n".join(aligned(rows, pad)) + "\n" + " " * indent + "}")


def aligned(rows: Sequence[tuple[str, str]], pad: str) -> list[str]:
    """`key = value` lines aligned the way `terraform fmt` aligns them.

    fmt aligns the `=` of each run of consecutive single-line attributes; an attribute whose
    value spans several lines stands alone with a single space.
    """
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(k) for k, _ in run), default=0)
        lines.extend(f"{pad}{k.ljust(width)} = {v}" for k, v in run)
        run.clear()

    for key, value in rows:
        if "\n" in value:
            flush()
            lines.append(f"{pad}{key} = {value}")
        else:
            run.append((key, value))
    flush()
    return lines
