"""Viewer request: send a form submitted from index.html on to other.html.

index.html's form submits its query string (`?username=octocat`) back to the index page.
Such a request asks for the index page with a Referer that contains "index.html"; it is
answered with a 302 to `//<distribution domain>/other.html` with the same query string.
Every other request passes through unchanged, other.html's own included: a browser keeps
the Referer of the page that started a redirect, so that request still names index.html.

The Location is scheme-relative: on CloudFront the viewer arrives over HTTPS and stays on it,
and under `edgeform serve` (plain HTTP on loopback) the redirect stays on the local server.
"""

from __future__ import annotations

from typing import Any

INDEX_PAGES = frozenset({"/", "/index.html"})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cf = event["Records"][0]["cf"]
    request = cf["request"]
    if request["uri"] not in INDEX_PAGES or "index.html" not in _header(request, "referer"):
        return request
    location = f"//{cf['config']['distributionDomainName']}/other.html"
    if request.get("querystring"):
        location += "?" + request["querystring"]
    return {
        "status": "302",
        "statusDescription": "Found",
        "headers": {
            "location": [{"key": "Location", "value": location}],
            # The redirect depends on the Referer: never let a cache keep it.
            "cache-control": [{"key": "Cache-Control", "value": "no-store"}],
        },
    }


def _header(request: dict[str, Any], name: str) -> str:
    values = request.get("headers", {}).get(name) or [{}]
    return str(values[0].get("value", ""))
