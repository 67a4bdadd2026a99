"""One error family for everything edgeform reports to a user.

Each error carries a message (what is wrong), a hint (how to fix it) and the exit
status the CLI returns. The CLI prints them without a traceback unless `--debug`.
"""

from __future__ import annotations

from collections.abc import Sequence

# Exit statuses, documented in the README.
EXIT_OK = 0
EXIT_FAILED = 1  # a step failed (terraform, a build, AWS)
EXIT_BAD_INPUT = 2  # the config, the command line or the stage name is wrong


class EdgeformError(Exception):
    """Base of every error shown to a user."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigProblem:
    """One mistake in the config: where (file and key), what, and how to fix it."""

    __slots__ = ("file", "fix", "key", "what")

    def __init__(self, file: str, key: str, what: str, fix: str) -> None:
        self.file, self.key, self.what, self.fix = file, key, what, fix

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.what} ({self.fix})"

    def __repr__(self) -> str:
        return f"ConfigProblem({self})"


class ConfigError(EdgeformError):
    """The project config is wrong; nothing has been touched."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return self.message


class StageError(EdgeformError):
    """No usable stage name could be found."""

    exit_code = EXIT_BAD_INPUT


class BuildError(EdgeformError):
    """A function bundle or the site could not be built."""


class RenderError(EdgeformError):
    """The Terraform templates could not be rendered."""


class TerraformError(EdgeformError):
    """A terraform command failed; carries its stderr."""

    def __init__(self, message: str, hint: str = "", stderr: str = "") -> None:
        super().__init__(message, hint)
        self.stderr = stderr
