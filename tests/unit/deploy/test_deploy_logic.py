"""The pure middle of deploy: what the plan does, and whether the wiring is what the config
asks for."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeform.aws.cloudfront import Association
from edgeform.deploy.terraform import summarize_plan
from edgeform.deploy.verify import site_problems, wiring_problems


def test_plan_summary_sorts_actions():
    shown = {
        "resource_changes": [
            {"address": "a.new", "change": {"actions": ["create"]}},
            {"address": "b.same", "change": {"actions": ["no-op"]}},
            {"address": "c.edit", "change": {"actions": ["update"]}},
            {"address": "d.swap", "change": {"actions": ["delete", "create"]}},
            {"address": "e.gone", "change": {"actions": ["delete"]}},
            {"address": "data.x", "change": {"actions": ["read"]}},
        ]
    }
    summary = summarize_plan(Path("p"), shown)
    assert summary.adds == ("a.new", "d.swap")
    assert summary.changes == ("c.edit",)
    assert summary.destroys == ("d.swap", "e.gone")
    assert summary.describe() == "2 to add, 1 to change, 2 to destroy"
    assert summary.resources() == [
        ("a.new", "create"), ("c.edit", "update"), ("d.swap", "replace"), ("e.gone", "destroy"),
    ]  # fmt: skip
    assert summary.resource_lines().splitlines() == [
        "    + a.new (create)",
        "    ~ c.edit (update)",
        "  -/+ d.swap (replace)",
        "    - e.gone (destroy)",
    ]
    assert summary.as_json()["resources"][2] == {"address": "d.swap", "action": "replace"}
    assert not summarize_plan(
        Path("p"), {"resource_changes": shown["resource_changes"][1:2]}
    ).has_changes


ARN = "arn:aws:lambda:us-east-1:123456789012:function:edgeform-demo--main--{}:{}"
OUTPUTS = {
    "functions": {
        "redirect": {"qualified_arn": ARN.format("redirect", 2)},
        "security-headers": {"qualified_arn": ARN.format("security-headers", 1)},
    }
}


def test_wiring_matches(repo_demo):
    found = [
        Association(None, "viewer-request", ARN.format("redirect", 2)),
        Association(None, "origin-response", ARN.format("security-headers", 1)),
    ]
    assert wiring_problems(repo_demo, OUTPUTS, found) == []


def test_wiring_problems_name_what_is_wrong(repo_demo):
    found = [
        Association(None, "viewer-request", ARN.format("redirect", 1)),
        Association(None, "viewer-response", ARN.format("security-headers", "$LATEST")),
    ]
    assert wiring_problems(repo_demo, OUTPUTS, found) == [
        "origin-response of behavior default: security-headers is not wired (CloudFront has "
        "nothing there)",
        f"viewer-request of behavior default: wired to {ARN.format('redirect', 1)}, not the "
        f"version just published ({ARN.format('redirect', 2)})",
        f"viewer-response of behavior default: unexpected function "
        f"{ARN.format('security-headers', '$LATEST')}",
    ]


def test_latest_is_never_accepted(repo_demo):
    found = [
        Association(None, "viewer-request", ARN.format("redirect", "$LATEST")),
        Association(None, "origin-response", ARN.format("security-headers", 1)),
    ]
    [problem] = wiring_problems(repo_demo, OUTPUTS, found)
    assert "not a numbered version" in problem


def test_site_problems():
    assert site_problems(["a", "b"], ["a", "c"]) == ["the bucket lacks b"]


def test_imports_count_as_changes_so_the_apply_runs():
    shown = {
        "resource_changes": [
            {
                "address": "aws_lambda_function.redirect",
                "change": {"actions": ["no-op"], "importing": {"id": "x"}},
            },
        ]
    }
    summary = summarize_plan(Path("p"), shown)
    assert summary.imports == ("aws_lambda_function.redirect",)
    assert summary.has_changes
    assert summary.describe() == "1 to import, 0 to add, 0 to change, 0 to destroy"


def test_a_stale_plan_says_another_deploy_ran():
    from edgeform.deploy.terraform import _hint_for

    hint = _hint_for("Error: Saved plan is stale\n\nThe given plan file can no longer be applied")
    assert "another deploy of this stage changed its state" in hint


def test_adoption_looks_only_for_what_the_stack_declares_and_the_state_lacks(repo_demo):
    from edgeform.deploy.adopt import Adoption, candidates, import_blocks
    from edgeform.model.context import StageContext
    from tests.conftest import stage

    ctx = StageContext.resolve(repo_demo, stage("main"), repo_demo.target(None))
    files = {
        "a.tf": 'resource "aws_s3_bucket" "site" {}\nresource "aws_iam_role" "edge" {}\n'
        'resource "aws_lambda_function" "redirect" {}\nresource "aws_lambda_function" "x" {}\n'
        'resource "aws_cloudfront_cache_policy" "legacy-1" {}\n'
        'resource "aws_cloudfront_origin_request_policy" "info" {}\n'
    }
    assert candidates(ctx, files, {"aws_iam_role.edge", "aws_cloudfront_cache_policy.x"}) == [
        "aws_s3_bucket.site",
        "aws_lambda_function.redirect",
        # Unique names: a policy a killed apply made would block the next create.
        "aws_cloudfront_cache_policy.legacy-1",
        "aws_cloudfront_origin_request_policy.info",
    ]
    text = import_blocks([Adoption("aws_lambda_function.redirect", 'edgeform-demo--main--"x"')])
    assert text == (
        'import {\n  to = aws_lambda_function.redirect\n  id = "edgeform-demo--main--\\"x\\""\n}\n'
    )


def test_a_distribution_caller_reference_collision_says_to_run_again():
    from edgeform.deploy.terraform import _hint_for

    # What the AWS provider prints when two deploys create distributions in one instant.
    hint = _hint_for(
        "Error: creating CloudFront Distribution: operation error CloudFront: "
        "CreateDistributionWithTags, https response error StatusCode: 409, "
        "DistributionAlreadyExists: The caller reference that you are using to create a "
        "distribution is associated with another distribution. Already exists: JIKPNRUNTYRIO"
    )
    assert "same instant" in hint
    assert "run edgeform deploy again" in hint


def test_a_held_lock_becomes_an_error_naming_holder_and_lock_id():
    from edgeform.deploy.terraform import _raise_if_locked
    from edgeform.errors import StateLockedError
    from tests.unit.state.test_state import LOCKED

    with pytest.raises(StateLockedError) as caught:
        _raise_if_locked(LOCKED)
    assert caught.value.lock_id == "4dfd6521-0f4f-a171-c8b3-77dae6845973"
    assert "locked by runner@ci-17 (apply, since 2026-11-23 15:10:54 UTC)" in caught.value.message
    assert caught.value.exit_code == 4  # EXIT_LOCKED: distinct from a failed step
    _raise_if_locked("Error: something unrelated")  # no lock: nothing raised


def test_prune_keeps_the_newest_and_every_version_in_use():
    from edgeform.deploy.versions import Version, prunable

    def version(n: int, *, triggers=(), pinned=False, latest=False, fn="redirect") -> Version:
        return Version(fn, n, "2026-11-23", f"hash{n}", tuple(triggers), latest, pinned)

    found = [
        version(1, triggers=["viewer-request of behavior default"]),  # in use
        version(2),
        version(3, pinned=True),
        version(4),
        version(5),
        version(6, latest=True),
        version(1, fn="other", latest=True),
    ]
    doomed, kept = prunable(found, keep=2)
    assert sorted((v.function, v.version) for v in doomed) == [("redirect", 2), ("redirect", 4)]
    assert len(kept) == 5


def test_a_rolled_back_function_must_be_wired_to_its_pinned_version(repo_demo):
    pinned = {**OUTPUTS, "pinned_versions": {"redirect": 1}}
    on_pin = [
        Association(None, "viewer-request", ARN.format("redirect", 1)),
        Association(None, "origin-response", ARN.format("security-headers", 1)),
    ]
    assert wiring_problems(repo_demo, pinned, on_pin) == []
    on_latest = [on_pin[1], Association(None, "viewer-request", ARN.format("redirect", 2))]
    [problem] = wiring_problems(repo_demo, pinned, on_latest)
    assert "not the version rolled back to" in problem
    assert problem.endswith(f"({ARN.format('redirect', 1)})")
