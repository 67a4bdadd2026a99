"""Origin request: "/" redirects to the site in the viewer's language, by country (AWS's example
"Redirect viewer requests to a country-specific URL").

The country is CloudFront's `CloudFront-Viewer-Country` header: the behavior's cache policy names
it, so CloudFront adds it to this request and caches each country's redirect apart. A folder
gets its page (`/de/` is `/de/index.html`); everything else passes through.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = {"AT": "de", "CH": "de", "DE": "de", "BE": "fr", "FR": "fr", "LU": "fr"}
DEFAULT_LANGUAGE = "en"


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    request = event["Records"][0]["cf"]["request"]
    uri = request["uri"]
    if uri == "/index.html":  # "/": the distribution's default root object stands for it
        return redirect(f"/{language_of(request['headers'])}/")
    if uri.endswith("/"):
        request["uri"] = uri + "index.html"
    return request


def language_of(headers: dict[str, list[dict[str, str]]]) -> str:
    country = (headers.get("cloudfront-viewer-country") or [{}])[0].get("value", "")
    return LANGUAGES.get(country.upper(), DEFAULT_LANGUAGE)


def redirect(location: str) -> dict[str, Any]:
    return {
        "status": "302",
        "statusDescription": "Found",
        "headers": {
            "location": [{"key": "Location", "value": location}],
            "cache-control": [{"key": "Cache-Control", "value": "max-age=3600"}],
        },
    }
