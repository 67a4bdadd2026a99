"""The templates `edgeform init` offers, and what each shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

RUNTIMES: Final = ("python", "node")


@dataclass(frozen=True)
class Template:
    name: str
    summary: str  # what it shows, one line
    ignored: tuple[str, ...] = ()  # more .gitignore lines: files made at build time
    deploy_env: tuple[str, ...] = ()  # more `NAME: value` of the workflow's deploy step


TEMPLATES: Final = {
    t.name: t
    for t in (
        Template(
            "ab-testing",
            "a cookie picks the variant, the viewer request rewrites the URI, the viewer "
            "response sets the cookie when new",
        ),
        Template(
            "auth",
            "a signed token (cookie or Authorization header, HMAC with a key made at build "
            "time, never in git) checked before the cache; the rest sent to a login page",
            ignored=("functions/auth/signing.key",),
            deploy_env=("EDGEFORM_SIGNING_KEY: ${{ secrets.EDGEFORM_SIGNING_KEY }}",),
        ),
        Template(
            "demo",
            "edgeform's demo: a form's redirect at the viewer request, a Content-Security-"
            "Policy at the origin response, a page that calls the GitHub API",
        ),
        Template(
            "device",
            "objects by device type: a cache policy puts CloudFront's CloudFront-Is-*-Viewer "
            "headers in the key, an origin-request function picks the folder",
        ),
        Template(
            "geo",
            "the root redirected by country: CloudFront-Viewer-Country in the cache key, an "
            "origin-request function answers the redirect, cached per country",
        ),
        Template(
            "generated",
            "a page and a JSON answer generated at the edge, within Lambda@Edge's size limits",
        ),
        Template(
            "rewrite",
            "pretty URLs, redirects from a table baked in at build time, headers added and removed",
        ),
        Template(
            "spa",
            "a single-page app: every route served its page, security headers, hashed "
            "assets cached for a year",
        ),
    )
}
DEFAULT_TEMPLATE: Final = "rewrite"
