"""After the apply: is every configured trigger wired to the version just published?

Pure functions: the model, Terraform's outputs and what CloudFront reports in, problems out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from edgeform.aws.cloudfront import Association
from edgeform.model.lambda_edge import VERSION_ARN
from edgeform.model.project import Project


def wiring_problems(
    project: Project, outputs: Mapping[str, Any], found: Iterable[Association]
) -> list[str]:
    published = {name: fn["qualified_arn"] for name, fn in outputs["functions"].items()}
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
            problems.append(f"{where}: wired to {got}, not the version just published ({arn})")
    for key in sorted(set(actual) - set(expected), key=str):
        problems.append(
            f"{key[1]} of behavior {key[0] or 'default'}: unexpected function {actual[key]}"
        )
    return problems


def site_problems(expected_keys: Sequence[str], bucket_keys: Iterable[str]) -> list[str]:
    missing = sorted(set(expected_keys) - set(bucket_keys))
    return [f"the bucket lacks {key}" for key in missing]
