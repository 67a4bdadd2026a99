"""Every error edgeform reports to a user, and the one table of exit statuses.

Each error carries a message (what is wrong, and what was or was not done), a hint (how to fix
it or resume) and the exit status the CLI returns. The CLI prints them without a traceback
unless `--debug`. Errors that are not user-facing (a parser's own, a chain's internal signal)
stay in their modules.
"""

from __future__ import annotations

from collections.abc import Sequence

# Exit statuses, documented in the README's table; `edgeform --help` repeats them.
EXIT_OK = 0
EXIT_FAILED = 1  # a step failed (terraform, a build, AWS), or lint found errors
EXIT_BAD_INPUT = 2  # the config, the command line or the stage name is wrong; nothing touched
EXIT_CHANGES = 3  # `plan` only: the plan has changes (0: none)
EXIT_LOCKED = 4  # another run holds the stage's lock past --lock-timeout; nothing touched
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGINT


class EdgeformError(Exception):
    """Base of every error shown to a user."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class BadInputError(EdgeformError):
    """The user asked for something that cannot be done; nothing was touched."""

    exit_code = EXIT_BAD_INPUT


class ConfigProblem:
    """One mistake in the config: where (file and key), what, how to fix it, and the lint
    rule it breaks (LE100 unless it is a Lambda@Edge rule of its own)."""

    __slots__ = ("file", "fix", "key", "rule", "what")

    def __init__(self, file: str, key: str, what: str, fix: str, rule: str = "LE100") -> None:
        self.file, self.key, self.what, self.fix, self.rule = file, key, what, fix, rule

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.what} ({self.fix})"

    def __repr__(self) -> str:
        return f"ConfigProblem({self})"


class ConfigError(BadInputError):
    """The project config is wrong; nothing has been touched."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return self.message


class StageError(BadInputError):
    """The stage name is unusable (blank), or none could be found."""


class NoStageError(StageError):
    """No stage was named anywhere: not given, not in the environment, no git branch."""


class UsageError(BadInputError):
    """A command-line argument is wrong."""


class ProtectedStageError(BadInputError):
    """A protected stage was asked to be destroyed without --force-protected."""


class StageNotDeployedError(BadInputError):
    """The stage has nothing deployed to read."""


class BuildError(EdgeformError):
    """A function bundle or the site could not be built."""


class RenderError(EdgeformError):
    """The Terraform templates could not be rendered."""


class LintError(EdgeformError):
    """Lint found errors: nothing was rendered and no endpoint was touched (exit 1, as lint)."""


class TerraformError(EdgeformError):
    """A terraform command failed; carries its stderr."""

    def __init__(self, message: str, hint: str = "", stderr: str = "") -> None:
        super().__init__(message, hint)
        self.stderr = stderr


class StateLockedError(TerraformError):
    """The stage's state is locked by another run, past --lock-timeout; nothing was touched."""

    exit_code = EXIT_LOCKED

    def __init__(self, message: str, hint: str, lock_id: str, stderr: str = "") -> None:
        super().__init__(message, hint, stderr)
        self.lock_id = lock_id


class StateUnreadableError(EdgeformError):
    """A stage's state is there but is not Terraform's JSON; nothing was changed."""


class StateBackendError(BadInputError):
    """The stage's state cannot be used as configured (a missing state bucket, two states
    for one stage); nothing was touched."""


class AwsError(EdgeformError):
    """An AWS call failed; `code` is AWS's error code and `action` the API action called."""

    def __init__(self, message: str, hint: str = "", *, code: str = "", action: str = "") -> None:
        super().__init__(message, hint)
        self.code = code
        self.action = action


class InterruptedByUser(EdgeformError):
    """A signal stopped a step; what was under way finished cleanly first."""

    exit_code = EXIT_INTERRUPTED


class WaitTimeoutError(EdgeformError):
    """Something did not reach the state waited for in time."""


class VerifyError(EdgeformError):
    """The deployed stack differs from the config."""


class LocalCloudError(EdgeformError):
    """The embedded endpoint could not be started, reached or stopped."""


class RuntimeMissingError(EdgeformError):
    """The runtime a function needs is not installed."""


class DeployedStackError(EdgeformError):
    """The deployed stage could not be read back."""
