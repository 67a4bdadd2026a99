"""Every command prints through the Console (console.py): text or JSON, colour rules, progress.
Nothing else in the package writes to the terminal itself."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "toolkit" / "edgeform"
PRINTING = re.compile(
    r"\bclick\.echo\(|\bclick\.secho\(|(?<![\w.])print\(|sys\.std(out|err)\.write"
)
# The supervisor is a separate process with no console (deploy/supervise.py); reference.py's
# __main__ is `make reference`, a developer's script.
ALLOWED = {"console.py", "deploy/supervise.py", "config/reference.py"}


def test_only_the_console_prints():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "scaffold/files" not in path.as_posix()  # the user's functions, not edgeform
        and path.relative_to(PACKAGE).as_posix() not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PRINTING.search(line)
    ]
    assert offenders == []


def test_the_pattern_sees_a_print():
    assert PRINTING.search('    click.echo("x")')
    assert PRINTING.search("print(1)")
    assert PRINTING.search("sys.stderr.write(line)")
    assert not PRINTING.search("self.fingerprint(x)")
