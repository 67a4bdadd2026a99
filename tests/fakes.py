"""The fakes the standards allow (a clock, a sleep, a terminal), written once."""

from __future__ import annotations

import io


class Terminal(io.StringIO):
    """A stream that says it is a terminal, and keeps what was written to it."""

    def isatty(self) -> bool:
        return True
