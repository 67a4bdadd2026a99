"""The spa template in a real browser, behind `edgeform serve`: deep links, navigation, reload,
its Content-Security-Policy honoured, and the hashed assets cached for a year."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.cli import cli
from tests.emulator_helpers import serving

YEAR = "public, max-age=31536000, immutable"


@pytest.fixture(params=["python", "node"])
def served_spa(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "spa"
    made = CliRunner().invoke(
        cli, ["init", str(project), "--template", "spa", "--runtime", request.param]
    )
    assert made.exit_code == 0, made.output
    command = [sys.executable, "-m", "edgeform", "serve", "--port", "0", "--stage", "main"]
    with serving(command, project) as url:
        yield url


def test_the_spa_routes_in_a_real_browser(browser, served_spa):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    assets = {}
    page.on(
        "response",
        lambda r: assets.update({r.url: r.headers.get("cache-control")}) if "/assets/" in r.url
        else None,
    )  # fmt: skip

    landed = page.goto(f"{served_spa}/settings/profile")  # a deep link: the fallback serves it
    assert landed is not None
    assert landed.status == 200
    page.wait_for_function("document.getElementById('view').textContent === 'Profile settings.'")

    page.click("text=Reports")  # drawn in the browser: no request for the route
    page.wait_for_function("document.getElementById('view').textContent === 'Reports for 2026.'")
    assert page.url == f"{served_spa}/reports/2026"
    page.reload()
    page.wait_for_function("document.getElementById('view').textContent === 'Reports for 2026.'")
    page.go_back()
    page.wait_for_function("document.getElementById('view').textContent === 'Profile settings.'")

    assert page.evaluate("window.__csp") == []
    assert assets, "the page loaded no assets"
    assert set(assets.values()) == {YEAR}, assets
    context.close()
