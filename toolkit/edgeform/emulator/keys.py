"""What a cache policy puts in the cache key, and so sends to the origin (reference section 7;
CloudFront Developer Guide, "Understand cache policies": "The values included in the cache key
are automatically included in requests that CloudFront sends to the origin").

A header named in the policy splits the cache by its value; one not named does not, and does
not reach the origin. Query strings and cookies likewise, each by the policy's selection
(none, all, those named, all but those named). Names of headers are case-insensitive, of
cookies and query strings case-sensitive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from edgeform.model.policies import CachePolicy, Selection

CfHeaders = Mapping[str, Sequence[Mapping[str, str]]]  # {"host": [{"key": "Host", ...}]}


def query_for(selection: Selection, querystring: str) -> str:
    """The query string as the policy keeps it: all of it, none, or the parameters it names
    (in the viewer's order, as sent)."""
    if selection.behavior == "none" or not querystring:
        return ""
    if selection.behavior == "all":
        return querystring
    kept = [
        part for part in querystring.split("&") if _name(part) and _selected(selection, _name(part))
    ]
    return "&".join(kept)


def _name(part: str) -> str:
    pairs = parse_qsl(part, keep_blank_values=True)
    return pairs[0][0] if pairs else part.split("=", 1)[0]


def _selected(selection: Selection, name: str) -> bool:
    # Query string and cookie names are case-sensitive (Selection.takes is for headers).
    if selection.behavior == "whitelist":
        return name in selection.names
    if selection.behavior == "allExcept":
        return name not in selection.names
    return selection.behavior == "all"


def cookies_for(selection: Selection, headers: CfHeaders) -> str | None:
    """The Cookie header the policy sends on (None: none), its cookies in the viewer's order."""
    if selection.behavior == "none":
        return None
    cookies = [
        pair.strip()
        for entry in headers.get("cookie", ())
        for pair in entry.get("value", "").split(";")
        if pair.strip() and _selected(selection, pair.strip().split("=", 1)[0])
    ]
    return "; ".join(cookies) or None


def headers_for(policy: CachePolicy, headers: CfHeaders) -> list[tuple[str, str]]:
    """The viewer's headers the policy names, as (name, value) pairs."""
    wanted = {name.lower() for name in policy.headers}
    return [
        (entry.get("key", name), entry.get("value", ""))
        for name, entries in headers.items()
        if name in wanted
        for entry in entries
    ]


def key_parts(policy: CachePolicy, request: Mapping[str, Any]) -> tuple[str, str, str]:
    """The policy's part of the cache key: query string, headers, cookies."""
    headers: CfHeaders = request.get("headers", {})
    keyed_headers = sorted((name.lower(), value) for name, value in headers_for(policy, headers))
    return (
        query_for(policy.query_strings, str(request.get("querystring", ""))),
        "\n".join(f"{name}:{value}" for name, value in keyed_headers),
        cookies_for(policy.cookies, headers) or "",
    )
