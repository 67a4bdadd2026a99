"""Origin response: add the Content-Security-Policy, which depends on the stage.

The policy lets pages run scripts only from the distribution's own domain and connect only to
the API origin, which comes from edgeform.toml through the bundle's edgeform_config.json
(Lambda@Edge functions have no environment variables). The security headers that never change
(HSTS, nosniff, frame options, referrer policy) are no function's work: the behavior's response
headers policy has CloudFront add them (edgeform.toml, [response_headers_policies.security]).
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
    headers["content-security-policy"] = [{"key": "Content-Security-Policy", "value": csp}]
    return response
