"""Origin response: security headers added, and the origin's own headers taken off.

It runs once per object fetched from the bucket, before CloudFront caches the response, so
cached copies carry the headers at no cost per request.
"""

from __future__ import annotations

from typing import Any

ADDED = {
    "strict-transport-security": ("Strict-Transport-Security", "max-age=63072000; preload"),
    "x-content-type-options": ("X-Content-Type-Options", "nosniff"),
    "referrer-policy": ("Referrer-Policy", "strict-origin-when-cross-origin"),
    "x-frame-options": ("X-Frame-Options", "DENY"),
}
REMOVED_PREFIXES = ("x-amz-meta-", "x-amz-server-side-encryption", "x-amz-version-id")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = event["Records"][0]["cf"]["response"]
    headers = response["headers"]
    for name in [n for n in headers if n.startswith(REMOVED_PREFIXES)]:
        del headers[name]
    for name, (key, value) in ADDED.items():
        headers[name] = [{"key": key, "value": value}]
    return response
