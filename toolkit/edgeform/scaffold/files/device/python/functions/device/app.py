"""Viewer request: each device type gets its own objects, from `site/<device>/`.

`/index.html` becomes `/mobile/index.html` for a phone, `/tablet/...` for a tablet and
`/desktop/...` otherwise. Rewritten before the cache lookup, so each device's objects are
cached apart and a phone is never served the desktop page from the cache.

The device comes from CloudFront's `CloudFront-Is-Mobile-Viewer` / `-Tablet-` headers when the
request has them (CloudFront adds them only where a cache or origin request policy asks for
them, which reaches the origin-request trigger), else from the User-Agent.
"""

from __future__ import annotations

import re
from typing import Any

DEVICES = ("desktop", "mobile", "tablet")
TABLET = re.compile(r"iPad|Tablet|Android(?!.*Mobile)|Kindle|Silk", re.IGNORECASE)
MOBILE = re.compile(r"Mobile|iPhone|iPod|Android|Windows Phone|Opera Mini", re.IGNORECASE)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["Records"][0]["cf"]["request"]
    # A folder's page by name: the distribution's default root object only stands for "/".
    uri = request["uri"] + "index.html" if request["uri"].endswith("/") else request["uri"]
    request["uri"] = uri
    if uri.split("/")[1] not in DEVICES:
        request["uri"] = f"/{device_of(request['headers'])}{uri}"
    return request


def device_of(headers: dict[str, list[dict[str, str]]]) -> str:
    if _header(headers, "cloudfront-is-tablet-viewer") == "true":
        return "tablet"
    if _header(headers, "cloudfront-is-mobile-viewer") == "true":
        return "mobile"
    if "cloudfront-is-desktop-viewer" in headers:
        return "desktop"
    agent = _header(headers, "user-agent")
    if TABLET.search(agent):
        return "tablet"
    return "mobile" if MOBILE.search(agent) else "desktop"


def _header(headers: dict[str, list[dict[str, str]]], name: str) -> str:
    values = headers.get(name) or [{}]
    return values[0].get("value", "")
