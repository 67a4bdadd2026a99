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

from edgeform.model.policies import CachePolicy, OriginRequestPolicy, Selection

CfHeaders = Mapping[str, Sequence[Mapping[str, str]]]  # {"host": [{"key": "Host", ...}]}


def query_for(selection: Selection, querystring: str) -> str:
    return query_for_any((selection,), querystring)


def query_for_any(selections: Sequence[Selection], querystring: str) -> str:
    """The query string as the policies keep it together: a parameter any of them selects, in
    the viewer's order, as sent."""
    if not querystring or all(s.behavior == "none" for s in selections):
        return ""
    if any(s.behavior == "all" for s in selections):
        return querystring
    kept = [
        part
        for part in querystring.split("&")
        if _name(part) and any(_selected(s, _name(part)) for s in selections)
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
    return cookies_for_any((selection,), headers)


def cookies_for_any(selections: Sequence[Selection], headers: CfHeaders) -> str | None:
    """The Cookie header the policies send on together (None: none), in the viewer's order."""
    if all(s.behavior == "none" for s in selections):
        return None
    cookies = [
        pair.strip()
        for entry in headers.get("cookie", ())
        for pair in entry.get("value", "").split(";")
        if pair.strip() and any(_selected(s, pair.strip().split("=", 1)[0]) for s in selections)
    ]
    return "; ".join(cookies) or None


def headers_for(
    policy: CachePolicy, headers: CfHeaders, cloudfront: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """The headers the cache policy names, as (name, value) pairs: the viewer's, and the
    CloudFront headers it names (computed by viewer.py)."""
    return _named(policy.headers, headers, cloudfront or {})


def _named(
    names: Sequence[str], headers: CfHeaders, cloudfront: Mapping[str, str]
) -> list[tuple[str, str]]:
    wanted = {name.lower() for name in names}
    own = {name.lower(): (name, value) for name, value in cloudfront.items()}
    found = [own[name] for name in sorted(wanted) if name in own]
    return found + [
        (entry.get("key", name), entry.get("value", ""))
        for name, entries in headers.items()
        if name in wanted and name not in own
        for entry in entries
    ]


def forwarded_headers(
    cache: CachePolicy,
    origin: OriginRequestPolicy | None,
    headers: CfHeaders,
    cloudfront: Mapping[str, str],
) -> list[tuple[str, str]]:
    """Every header the origin gets of the viewer's (and of CloudFront's own): the cache
    key's, and the origin request policy's (Developer Guide, "Control origin requests with a
    policy")."""
    found = headers_for(cache, headers, cloudfront)
    if origin is not None:
        found += _origin_headers(origin.headers, headers, cloudfront)
    seen: set[tuple[str, str]] = set()
    unique = []
    for name, value in found:
        if (name.lower(), value) not in seen:
            seen.add((name.lower(), value))
            unique.append((name, value))
    return unique


def _origin_headers(
    chosen: Selection, headers: CfHeaders, cloudfront: Mapping[str, str]
) -> list[tuple[str, str]]:
    every = [
        (entry.get("key", name), entry.get("value", ""))
        for name, entries in headers.items()
        for entry in entries
    ]
    if chosen.behavior == "all":
        return every
    if chosen.behavior == "allExcept":
        excluded = {n.lower() for n in chosen.names}
        return [(k, v) for k, v in every if k.lower() not in excluded]
    if chosen.behavior == "allViewerAndCloudFront":
        return every + _named(chosen.names, {}, cloudfront)
    if chosen.behavior == "whitelist":
        return _named(chosen.names, headers, cloudfront)
    return []


def key_parts(
    policy: CachePolicy, request: Mapping[str, Any], cloudfront: Mapping[str, str] | None = None
) -> tuple[str, str, str]:
    """The policy's part of the cache key: query string, headers, cookies."""
    headers: CfHeaders = request.get("headers", {})
    keyed_headers = sorted(
        (name.lower(), value) for name, value in headers_for(policy, headers, cloudfront)
    )
    return (
        query_for(policy.query_strings, str(request.get("querystring", ""))),
        "\n".join(f"{name}:{value}" for name, value in keyed_headers),
        cookies_for(policy.cookies, headers) or "",
    )
