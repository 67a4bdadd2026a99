"""After the apply: is every configured trigger wired to the version just published?

Pure functions: the model, Terraform's outputs and what CloudFront reports in, problems out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from edgeform.aws.cloudfront import Association
from edgeform.model.lambda_edge import VERSION_ARN
from edgeform.model.project import Project


def _pinned(qualified_arn: str, pin: object) -> str:
    """The ARN a trigger must name: the pinned version (edgeform rollback), else the latest."""
    if pin is None:
        return qualified_arn
    return f"{qualified_arn.rsplit(':', 1)[0]}:{int(str(pin))}"


def wiring_problems(
    project: Project, outputs: Mapping[str, Any], found: Iterable[Association]
) -> list[str]:
    pins = outputs.get("pinned_versions") or {}
    published = {
        name: _pinned(fn["qualified_arn"], pins.get(name))
        for name, fn in outputs["functions"].items()
    }
    expected = {
        (b.path_pattern, t.event): (t.function, published[t.function])
        for b in project.all_behaviors
        for t in b.triggers
    }
    actual = {(a.path_pattern, a.event): a.arn for a in found}
    problems = []
    for (pattern, event), (function, arn) in sorted(expected.items(), key=str):
        where = f"{event} of behavior {pattern or 'default'}"
        got = actual.get((pattern, event))
        if got is None:
            problems.append(f"{where}: {function} is not wired (CloudFront has nothing there)")
        elif not VERSION_ARN.match(got):
            problems.append(f"{where}: wired to {got}, not a numbered version")
        elif got != arn:
            wanted = (
                "the version rolled back to" if function in pins else "the version just published"
            )
            problems.append(f"{where}: wired to {got}, not {wanted} ({arn})")
    for key in sorted(set(actual) - set(expected), key=str):
        problems.append(
            f"{key[1]} of behavior {key[0] or 'default'}: unexpected function {actual[key]}"
        )
    return problems


def site_problems(expected_keys: Sequence[str], bucket_keys: Iterable[str]) -> list[str]:
    missing = sorted(set(expected_keys) - set(bucket_keys))
    return [f"the bucket lacks {key}" for key in missing]
