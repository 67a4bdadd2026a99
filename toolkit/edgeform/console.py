"""The terminal: the only code that prints.

Progress and messages go to stderr; results go to stdout (as JSON with `--output json`), so
`edgeform ... --output json | jq` always gets clean JSON. Colour only on a terminal and never
when NO_COLOR is set (https://no-color.org) or TERM is "dumb".
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

import click

from edgeform.clock import Clock


def wants_color(stream: TextIO, environ: Mapping[str, str]) -> bool:
    if "NO_COLOR" in environ or environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows under their headers, each column as wide as its widest cell; no rows: ""."""
    if not rows:
        return ""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def counted(number: int, noun: str) -> str:
    """`1 error`, `2 errors`, `0 warnings`."""
    return f"{number} {noun}{'s' * (number != 1)}"


class Step:
    """What one step did, filled in by the step while it runs; `failed` marks a step that
    ran to its end but found the input wrong (lint's errors)."""

    def __init__(self) -> None:
        self.summary = ""
        self.failed = False


class Console:
    def __init__(
        self,
        *,
        json_output: bool,
        color: bool,
        out: TextIO | None = None,
        err: TextIO | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.json_output = json_output
        self.color = color
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.clock = clock or Clock()

    def _style(self, text: str, **style: Any) -> str:
        return click.style(text, **style) if self.color else text

    def info(self, message: str) -> None:
        click.echo(message, file=self.err)

    def detail(self, message: str) -> None:
        click.echo(self._style(message, dim=True), file=self.err)

    def warn(self, message: str) -> None:
        click.echo(self._style("warning: ", fg="yellow", bold=True) + message, file=self.err)

    def error(self, message: str, hint: str = "") -> None:
        click.echo(self._style("error: ", fg="red", bold=True) + message, file=self.err)
        if hint:
            click.echo(self._style("  hint: ", fg="cyan") + hint, file=self.err)

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        """Report a step's outcome and duration: `✓ render  9 files (0.03 s)`."""
        step = Step()
        started = self.clock.now()
        try:
            yield step
        except BaseException:
            elapsed = self.clock.now() - started
            click.echo(
                self._style("✗ ", fg="red") + f"{name}  failed after {elapsed:.2f} s", file=self.err
            )
            raise
        elapsed = self.clock.now() - started
        mark = self._style("✗ ", fg="red") if step.failed else self._style("✓ ", fg="green")
        click.echo(
            mark + self._style(name, bold=True) + f"  {step.summary} ({elapsed:.2f} s)",
            file=self.err,
        )

    @contextmanager
    def progress(self, total: int, label: str) -> Iterator[Callable[[str], None]]:
        """A progress bar on a terminal; nothing elsewhere (a CI log gets the step's summary,
        not a line per file)."""
        if not self.color or total == 0:
            yield lambda _item: None
            return
        with click.progressbar(length=total, label=label, file=self.err) as bar:
            yield lambda _item: bar.update(1)

    def line(self, text: str) -> None:
        """One line of the command's output (stdout) as it comes: a streamed result (logs
        --follow, one JSON object per line with --output json), or an address to open."""
        click.echo(text, file=self.out)
        self.out.flush()

    def timestamped(self, line: str) -> None:
        """A server's log line on stderr (serve's requests and functions' logs): one write per
        line, no colour, at the rate of requests."""
        self.err.write(f"{time.strftime('%H:%M:%S')} {line}\n")

    def tagged(self, tag: str, line: str) -> None:
        self.timestamped(f"[{tag}] {line}")

    def result(self, data: Any, text: str) -> None:
        """The command's result: JSON with --output json, else the human text."""
        if self.json_output:
            click.echo(json.dumps(data, indent=2, sort_keys=True), file=self.out)
        elif text:
            click.echo(text, file=self.out)
