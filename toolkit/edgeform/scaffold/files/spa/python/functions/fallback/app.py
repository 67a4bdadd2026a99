"""Viewer request: every route of the single-page app is served its one page.

A path without a file extension (`/settings/profile`) is one of the app's routes, not a file:
it gets `/index.html`, and the app draws the route in the browser. Files (`/assets/app.js`,
`/favicon.ico`) pass through. Rewritten before the cache lookup, so every route shares the
cached index.html.
"""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["Records"][0]["cf"]["request"]
    last = request["uri"].rsplit("/", 1)[-1]
    if "." not in last:
        request["uri"] = "/index.html"
    return request
