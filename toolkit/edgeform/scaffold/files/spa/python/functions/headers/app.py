"""Origin response: security headers on everything, and a year of caching for hashed assets.

`/assets/app.7c2e9f1b.js` carries a hash of its content in its name: a new build is a new
name, so browsers and CloudFront may keep it for a year (`immutable`). index.html keeps the
`no-cache` edgeform uploads it with, so a deploy shows at once.
"""

from __future__ import annotations

import re
from typing import Any

HASHED = re.compile(r"^/assets/.+\.[0-9a-f]{8,}\.[a-z0-9]+$")
YEAR = "public, max-age=31536000, immutable"
SECURITY = {
    "content-security-policy": (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; frame-ancestors 'none'",
    ),
    "strict-transport-security": ("Strict-Transport-Security", "max-age=63072000"),
    "x-content-type-options": ("X-Content-Type-Options", "nosniff"),
    "referrer-policy": ("Referrer-Policy", "same-origin"),
}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cf = event["Records"][0]["cf"]
    response = cf["response"]
    headers = response["headers"]
    for name, (key, value) in SECURITY.items():
        headers[name] = [{"key": key, "value": value}]
    if response["status"] == "200" and HASHED.match(cf["request"]["uri"]):
        headers["cache-control"] = [{"key": "Cache-Control", "value": YEAR}]
    return response
