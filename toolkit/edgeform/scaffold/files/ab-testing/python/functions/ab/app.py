"""A/B testing at the edge: one function folder, two triggers.

- `choose` (viewer request) serves the home page of the viewer's variant: `/` and
  `/index.html` become `/a/index.html` or `/b/index.html`. Before the cache lookup, so each
  variant is cached once.
- `remember` (viewer response) sets the `ab-variant` cookie when the viewer had none, so the
  next visit sees the same variant.

A viewer without the cookie is assigned by a hash of their address and User-Agent, the same in
both triggers; `ab_share_b` in edgeform.toml's [config] (baked into edgeform_config.json at
build time) is the percentage that get B.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

COOKIE = "ab-variant"
VARIANTS = ("a", "b")
HOME = frozenset({"/", "/index.html"})
VARIANT_PAGES = frozenset(f"/{v}/index.html" for v in VARIANTS)
COOKIE_DAYS = 30
CONFIG_FILE = Path(__file__).with_name("edgeform_config.json")


@cache
def share_b() -> int:
    # Read once per container: warm invocations reuse it.
    return int(json.loads(CONFIG_FILE.read_text(encoding="utf-8"))["ab_share_b"])


def choose(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["Records"][0]["cf"]["request"]
    if request["uri"] in HOME:
        request["uri"] = f"/{variant_of(request)}/index.html"
    return request


def remember(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cf = event["Records"][0]["cf"]
    request, response = cf["request"], cf["response"]
    if request["uri"] in HOME | VARIANT_PAGES and cookie_variant(request) is None:
        cookie = f"{COOKIE}={variant_of(request)}; Path=/; Max-Age={COOKIE_DAYS * 86400}"
        response["headers"]["set-cookie"] = [
            {"key": "Set-Cookie", "value": f"{cookie}; Secure; SameSite=Lax"}
        ]
    return response


def variant_of(request: dict[str, Any]) -> str:
    return cookie_variant(request) or assigned(request)


def cookie_variant(request: dict[str, Any]) -> str | None:
    for header in request.get("headers", {}).get("cookie", []):
        jar: SimpleCookie = SimpleCookie()
        jar.load(header["value"])
        if COOKIE in jar and jar[COOKIE].value in VARIANTS:
            return jar[COOKIE].value
    return None


def assigned(request: dict[str, Any]) -> str:
    agent = request.get("headers", {}).get("user-agent", [{"value": ""}])[0]["value"]
    digest = hashlib.sha256(f"{request.get('clientIp', '')}\0{agent}".encode()).digest()
    return "b" if digest[0] * 100 < share_b() * 256 else "a"
