"""Custom error responses under `edgeform serve`, as CloudFront documents them (Developer
Guide, "Generate custom error responses" and "Control how long CloudFront caches errors"):
the page with its response code, the origin's own error when the page cannot be had, and no
viewer-response function on a custom error page (reference section 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgeform.emulator.chain import ERROR
from tests.conftest import copy_demo
from tests.emulator_helpers import ServerThread


def served(root: Path, edit: tuple[str, str] | None = None) -> ServerThread:
    config = root / "edgeform.toml"
    if edit is not None:
        config.write_text(config.read_text().replace(*edit))
    return ServerThread(root).start()


@pytest.fixture
def demo_edge(tmp_path):
    edge = served(copy_demo(tmp_path / "demo"))
    yield edge
    edge.stop()


def test_a_missing_page_is_the_404_page_with_404(demo_edge):
    page = demo_edge.request("/no/such/page.html")
    assert page.status == 404
    assert page.header("content-type") == "text/html; charset=utf-8"
    assert page.body == (demo_edge.project_dir / "site" / "404.html").read_bytes()
    assert page.header("x-cache") == ERROR
    assert b"AccessDenied" not in page.body


def test_head_of_a_missing_page_has_the_status_and_no_body(demo_edge):
    page = demo_edge.request("/missing", method="HEAD")
    assert (page.status, page.body) == (404, b"")


def test_an_error_page_that_is_missing_gives_the_origins_error(tmp_path):
    edge = served(copy_demo(tmp_path / "demo"), ('"/404.html"', '"/gone.html"'))
    try:
        page = edge.request("/missing")
        assert page.status == 403  # S3's answer through origin access control
        assert b"<Code>AccessDenied</Code>" in page.body
        assert any("custom error page /gone.html answered 403" in line for line in edge.logs)
    finally:
        edge.stop()


def test_a_page_that_exists_is_never_replaced(demo_edge):
    page = demo_edge.request("/404.html")
    assert page.status == 200  # the page itself, asked for by name
