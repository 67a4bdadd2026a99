"""Origin request: each device type gets its own objects, from `site/<device>/` (AWS's example
"Serve different versions of an object based on the device type").

`/index.html` becomes `/mobile/index.html` for a phone, `/tablet/...` for a tablet and
`/desktop/...` otherwise. The device comes from CloudFront's `CloudFront-Is-Tablet-Viewer` and
`CloudFront-Is-Mobile-Viewer` headers: the behavior's cache policy names them, so CloudFront adds
them to this request and caches each device's objects apart.
"""

from __future__ import annotations

from typing import Any

DEVICES = ("desktop", "mobile", "tablet")


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
    return "desktop"


def _header(headers: dict[str, list[dict[str, str]]], name: str) -> str:
    values = headers.get(name) or [{}]
    return values[0].get("value", "")
