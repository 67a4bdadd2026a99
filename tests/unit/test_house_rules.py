"""Rules of the house that a linter does not check: every command prints through the Console
(console.py: text or JSON, colour rules, progress), and only aws/ (and the embedded endpoint,
localcloud/) calls AWS and reads its answers; the rest gets aws/'s frozen dataclasses."""

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


# A call on a raw client (`s3.list_objects_v2(`, `self.client.get_distribution(`): aws/'s
# business (`cloudfront` names aws.cloudfront.CloudFront, the typed facade, elsewhere).
AWS_CALL = re.compile(r"\b(s3|lam|sts|iam|logs|client)\.[a-z]+_[a-z_]+\(")


def _lines(pattern: re.Pattern[str], allowed: set[str]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "scaffold/files" not in path.as_posix()
        and not any(path.relative_to(PACKAGE).as_posix().startswith(a) for a in allowed)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]


def test_only_aws_calls_aws():
    assert _lines(AWS_CALL, {"aws/", "localcloud/"}) == []


def test_the_pattern_sees_an_aws_call():
    assert AWS_CALL.search("        got = self.s3.get_object(Bucket=b, Key=k)")
    assert AWS_CALL.search("lam.list_versions_by_function(FunctionName=n)")
    assert not AWS_CALL.search("conn.client('s3')")
