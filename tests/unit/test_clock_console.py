"""The base layer: the one clock and wait, and the console's progress."""

from __future__ import annotations

import io

import pytest

from edgeform.clock import Clock, Poll, wait_until
from edgeform.console import Console, table
from edgeform.errors import WaitTimeoutError
from tests.fakes import Terminal


def test_progress_bar_on_a_terminal_and_nothing_elsewhere():
    terminal = Terminal()
    with Console(json_output=False, color=True, err=terminal).progress(2, "uploading") as step:
        step("a.html")
        step("b.js")
    assert "uploading" in terminal.getvalue()
    assert "100%" in terminal.getvalue()

    plain = io.StringIO()
    with Console(json_output=False, color=False, err=plain).progress(2, "uploading") as step:
        step("a.html")
    assert plain.getvalue() == ""


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
    fake = FakeClock()
    statuses = iter(["InProgress", "InProgress", "Deployed"])
    ticks = []
    poll = Poll(60, 5, Clock(fake.now, fake.sleep), lambda s, e: ticks.append((s, e)))
    wait_until("distribution E1", lambda: next(statuses), "Deployed", poll, "deploy again")
    assert ticks == [("InProgress", 0.0), ("InProgress", 5.0)]
    assert fake.slept == [5, 5]


def test_wait_until_gives_up_with_advice():
    fake = FakeClock()
    poll = Poll(20, 5, Clock(fake.now, fake.sleep))
    with pytest.raises(WaitTimeoutError) as caught:
        wait_until("distribution E1", lambda: "InProgress", "Deployed", poll, "run edgeform deploy")
    assert caught.value.message == "distribution E1 was still InProgress after 20 s"
    assert "edgeform deploy" in caught.value.hint
    assert sum(fake.slept) == 20  # the whole timeout, no more


def test_a_table_has_its_headers_and_aligned_columns():
    shown = table(("FUNCTION", "VERSION"), [("redirect", "12"), ("security-headers", "3")])
    assert shown.splitlines() == [
        "FUNCTION          VERSION",
        "redirect          12",
        "security-headers  3",
    ]
    assert table(("A",), []) == ""
