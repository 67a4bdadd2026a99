"""Viewer request: redirects from a table, then pretty URLs onto the site's files.

- A path in redirects.json (bundled with the function, so baked in at build time) answers
  301 to its target, with the query string kept.
- `/dir/` serves `/dir/index.html`; `/docs/page` (no extension) serves `/docs/page.html`.

It runs before the cache lookup, so the cache keeps one copy per file, not per spelling.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REDIRECTS_FILE = Path(__file__).with_name("redirects.json")


@cache
def redirects() -> dict[str, str]:
    # Read once per container: warm invocations reuse it.
    return json.loads(REDIRECTS_FILE.read_text(encoding="utf-8"))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["Records"][0]["cf"]["request"]
    uri = request["uri"]
    target = redirects().get(uri.rstrip("/") or "/")
    if target is not None:
        return moved_permanently(target, request.get("querystring", ""))
    request["uri"] = file_for(uri)
    return request


def file_for(uri: str) -> str:
    if uri.endswith("/"):
        return uri + "index.html"
    last = uri.rsplit("/", 1)[-1]
    return uri if "." in last else uri + ".html"


def moved_permanently(location: str, querystring: str) -> dict[str, Any]:
    if querystring:
        location += "?" + querystring
    return {
        "status": "301",
        "statusDescription": "Moved Permanently",
        "headers": {
            "location": [{"key": "Location", "value": location}],
            "cache-control": [{"key": "Cache-Control", "value": "max-age=3600"}],
        },
    }
