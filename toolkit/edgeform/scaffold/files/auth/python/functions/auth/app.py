"""Viewer request: only a signed, unexpired token sees the site.

The token comes from the `session` cookie or an `Authorization: Bearer` header, and reads
`<user>.<expiry, Unix seconds>.<HMAC-SHA256 of "user.expiry", hex>`. The HMAC key is
`signing.key` beside this file: written at build time (by `make`, from the secret
EDGEFORM_SIGNING_KEY in CI), baked into the bundle, and never in git (.gitignore).

Without a valid token, a page request is redirected to /login.html (with where it was going),
and an API-style request with a bad Authorization header is answered 401. The check runs
before the cache lookup, so cached pages are as protected as fresh ones.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

KEY_FILE = Path(__file__).with_name("signing.key")
PUBLIC = frozenset({"/login.html", "/login.js", "/favicon.ico"})
TOKEN = re.compile(r"^([A-Za-z0-9_-]{1,64})\.(\d{1,12})\.([0-9a-f]{64})$")


@cache
def key() -> bytes:
    # Read once per container: warm invocations reuse it.
    return KEY_FILE.read_text(encoding="utf-8").strip().encode()


def signature(user: str, expires: int) -> str:
    return hmac.new(key(), f"{user}.{expires}".encode(), hashlib.sha256).hexdigest()


def verified_user(token: str | None, now: float) -> str | None:
    match = TOKEN.match(token or "")
    if match is None:
        return None
    user, expires, given = match.group(1), int(match.group(2)), match.group(3)
    if expires <= now or not hmac.compare_digest(signature(user, expires), given):
        return None
    return user


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["Records"][0]["cf"]["request"]
    if request["uri"] in PUBLIC:
        return request
    bearer = _bearer(request)
    token = bearer if bearer is not None else _cookie(request, "session")
    if verified_user(token, time.time()) is not None:
        return request
    if bearer is not None:
        return _answer("401", "Unauthorized", {"WWW-Authenticate": 'Bearer realm="site"'})
    going = request["uri"] + (f"?{request['querystring']}" if request.get("querystring") else "")
    return _answer("302", "Found", {"Location": f"/login.html?next={quote(going, safe='')}"})


def _bearer(request: dict[str, Any]) -> str | None:
    for header in request["headers"].get("authorization", []):
        scheme, _, value = header["value"].partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
    return None


def _cookie(request: dict[str, Any], name: str) -> str | None:
    for header in request["headers"].get("cookie", []):
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header["value"])
        except CookieError:
            continue
        if name in jar:
            return unquote(jar[name].value)
    return None


def _answer(status: str, description: str, headers: dict[str, str]) -> dict[str, Any]:
    every = {**headers, "Cache-Control": "no-store"}
    return {
        "status": status,
        "statusDescription": description,
        "headers": {k.lower(): [{"key": k, "value": v}] for k, v in every.items()},
    }
