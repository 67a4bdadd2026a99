"""The demo in a real browser, behind `edgeform serve`: Debian's chromium driven by Playwright.

The page's script calls the API origin from edgeform.toml; here that is a small fake of the
GitHub users API on loopback, so the test needs no network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import copy_demo
from tests.emulator_helpers import served_url

CHROMIUM = os.environ.get("EDGEFORM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
USERS = {
    "octocat": {
        "login": "octocat",
        "name": "The Octocat",
        "avatar_url": "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "html_url": "https://github.com/octocat",
        "public_repos": 8,
    }
}


class FakeGitHub(BaseHTTPRequestHandler):
    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Accept")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_GET(self) -> None:
        match = re.fullmatch(r"/users/([^/?]+)", self.path)
        user = USERS.get(match.group(1)) if match else None
        body = json.dumps(user or {"message": "Not Found"}).encode()
        self.send_response(200 if user else 404)
        self._cors()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def served_demo(tmp_path: Path, fake_api: str) -> Iterator[str]:
    project = copy_demo(tmp_path / "demo")
    config = project / "edgeform.toml"
    config.write_text(
        config.read_text().replace('"https://api.github.com"', json.dumps(fake_api), 1)
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "edgeform", "serve", "--port", "0"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = served_url(process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), "
            "or point EDGEFORM_CHROMIUM at a Chromium binary"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


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
