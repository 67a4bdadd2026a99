"""Origin response: add a Content-Security-Policy and the usual security headers.

The policy lets pages run scripts only from the distribution's own domain and connect only to
the API origin, which comes from edgeform.toml through the bundle's edgeform_config.json
(Lambda@Edge functions have no environment variables).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONFIG_FILE = Path(__file__).with_name("edgeform_config.json")


@cache
def config() -> dict[str, Any]:
    # Read once per container: warm invocations reuse it.
    return json.loads(CONFIG_FILE.read_text(encoding="utf-8"))


def content_security_policy(domain: str, api_origin: str) -> str:
    own = f"https://{domain}"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {own}",
            f"connect-src {api_origin}",
            "img-src 'self' https: data:",
            "style-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    cf = event["Records"][0]["cf"]
    response = cf["response"]
    csp = content_security_policy(cf["config"]["distributionDomainName"], config()["api_origin"])
    headers = response.setdefault("headers", {})
    for key, value in (
        ("Content-Security-Policy", csp),
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        # same-origin keeps the full Referer that the redirect function reads on this site,
        # and sends none to the API.
        ("Referrer-Policy", "same-origin"),
    ):
        headers[key.lower()] = [{"key": key, "value": value}]
    return response
