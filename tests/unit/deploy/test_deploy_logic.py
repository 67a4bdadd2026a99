"""The pure middle of deploy: what the plan does, and whether the wiring is what the config
asks for."""

from __future__ import annotations

from pathlib import Path

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
