"""The demo in a real browser, behind `edgeform serve`: Debian's chromium driven by Playwright.

The page's script calls the API origin from edgeform.toml; here that is a small fake of the
GitHub users API on loopback, so the test needs no network.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.cli import cli
from tests.conftest import copy_demo
from tests.emulator_helpers import serving


@pytest.fixture(params=["repository", "node-template"])
def served_demo(request: pytest.FixtureRequest, tmp_path: Path, fake_api: str) -> Iterator[str]:
    """The demo, as this repository has it (Python), or as `edgeform init --template demo
    --runtime node` writes it."""
    if request.param == "repository":
        project = copy_demo(tmp_path / "demo")
    else:
        project = tmp_path / "demo-node"
        made = CliRunner().invoke(cli, ["init", str(project), "--template", "demo",
                                        "--runtime", "node"])  # fmt: skip
        assert made.exit_code == 0, made.output
    config = project / "edgeform.toml"
    config.write_text(
        config.read_text().replace('"https://api.github.com"', json.dumps(fake_api), 1)
    )
    with serving([sys.executable, "-m", "edgeform", "serve", "--port", "0"], project) as url:
        yield url


def _submit(page, base: str, username: str):
    page.goto(f"{base}/index.html")
    page.fill("#username", username)
    with page.expect_navigation(url=re.compile(r"/other\.html\?username=")) as navigation:
        page.click("button[type=submit]")
    return navigation.value


def test_the_demo_works_in_a_real_browser(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    console = []
    page.on("console", lambda message: console.append(message.text))
    redirects = []
    page.on(
        "response",
        lambda response: redirects.append(response.url) if response.status == 302 else None,
    )

    landed = _submit(page, served_demo, "octocat")
    assert page.url == f"{served_demo}/other.html?username=octocat"
    assert redirects == [f"{served_demo}/index.html?username=octocat"]
    csp = landed.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp
    assert "connect-src http://127.0.0.1:" in csp
    assert landed.headers.get("x-frame-options") == "DENY"  # the response headers policy's
    page.wait_for_selector("#profile:not([hidden])", timeout=10_000)
    assert page.text_content("#name") == "The Octocat"
    assert page.text_content("#repos") == "8"
    assert page.evaluate("window.__csp") == []
    assert not [line for line in console if "Content Security Policy" in line], console

    _submit(page, served_demo, "nobody-at-all")
    page.wait_for_function("document.getElementById('status').textContent.includes('no GitHub')")
    assert page.text_content("#status") == "There is no GitHub user named “nobody-at-all”."
    assert page.evaluate("window.__csp") == []
    context.close()
