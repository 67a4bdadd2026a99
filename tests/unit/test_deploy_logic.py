"""The pure middle of deploy: what to upload, what to invalidate, what the plan does, and
whether the wiring is what the config asks for."""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolkit.aws.cdn import MAX_PATHS, Association, invalidation_paths
from toolkit.aws.site_sync import cache_control, content_type, plan_sync
from toolkit.site import SiteFile
from toolkit.terraform import summarize_plan
from toolkit.verify import site_problems, wiring_problems


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_plan_sync_compares_content_not_times():
    files = [SiteFile("a.html", b"same"), SiteFile("b.js", b"new"), SiteFile("c.css", b"x")]
    remote = {"a.html": md5(b"same"), "b.js": md5(b"old"), "gone.png": md5(b"?")}
    uploads, deletes = plan_sync(files, remote)
    assert [f.key for f in uploads] == ["b.js", "c.css"]
    assert deletes == ["gone.png"]


def test_content_types_and_cache_control():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("deep/app.JS") == "text/javascript; charset=utf-8"
    assert content_type("LICENSE") == "application/octet-stream"
    assert cache_control("other.html") == "no-cache"
    assert cache_control("script.js").startswith("public, max-age=")


def test_invalidation_paths():
    assert invalidation_paths(["other.html"], "index.html") == ["/other.html"]
    assert invalidation_paths(["index.html", "a.js"], "index.html") == ["/", "/a.js", "/index.html"]
    many = [f"f{i}.js" for i in range(MAX_PATHS + 1)]
    assert invalidation_paths(many, "index.html") == ["/*"]


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


def test_progress_bar_on_a_terminal_and_lines_elsewhere():
    import io

    from toolkit.console import Console

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    with Console(json_output=False, color=True, err=terminal).progress(2, "uploading") as step:
        step("a.html")
        step("b.js")
    assert "uploading" in terminal.getvalue()
    assert "100%" in terminal.getvalue()

    plain = io.StringIO()
    with Console(json_output=False, color=False, err=plain).progress(2, "uploading") as step:
        step("a.html")
    assert plain.getvalue() == "a.html\n"


class FakeClock:
    """A clock whose sleep moves time on at once."""

    def __init__(self):
        self.t = 100.0
        self.slept = []

    def now(self):
        return self.t

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.t += seconds


def test_wait_until_polls_reports_and_returns():
    from toolkit.aws.cdn import Clock, wait_until

    fake = FakeClock()
    statuses = iter(["InProgress", "InProgress", "Deployed"])
    ticks = []
    wait_until(
        "distribution E1",
        lambda: next(statuses),
        "Deployed",
        timeout=60,
        interval=5,
        clock=Clock(fake.now, fake.sleep),
        tick=lambda s, e: ticks.append((s, e)),
    )
    assert ticks == [("InProgress", 0.0), ("InProgress", 5.0)]
    assert fake.slept == [5, 5]


def test_wait_until_gives_up_with_advice():
    import pytest

    from toolkit.aws.cdn import CdnError, Clock, wait_until

    fake = FakeClock()
    with pytest.raises(CdnError) as caught:
        wait_until(
            "distribution E1",
            lambda: "InProgress",
            "Deployed",
            timeout=20,
            interval=5,
            clock=Clock(fake.now, fake.sleep),
        )
    assert caught.value.message == "distribution E1 was still InProgress after 20 s"
    assert "edgeform deploy" in caught.value.hint
    assert sum(fake.slept) == 20  # the whole timeout, no more
