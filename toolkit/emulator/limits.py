"""Lambda@Edge's limits and header rules as data (reference/lambda-edge.md sections 1 to 3).

One place for every number and list the emulator enforces, so that a change in AWS's docs is a
change here and nowhere else.
"""

from __future__ import annotations

from typing import Final

VIEWER_EVENTS: Final = frozenset({"viewer-request", "viewer-response"})
REQUEST_EVENTS: Final = frozenset({"viewer-request", "origin-request"})
RESPONSE_EVENTS: Final = frozenset({"origin-response", "viewer-response"})

KB: Final = 1024
MB: Final = 1024 * 1024

# Section 1: the longest a function may run on each side.
TIMEOUT_SECONDS: Final = {"viewer": 5, "origin": 30}

# Section 2: Include Body truncation, replacement bodies, generated responses.
BODY_INPUT_LIMIT: Final = {"viewer-request": 40 * KB, "origin-request": 1 * MB}
BODY_TEXT_LIMIT: Final = {"viewer": 40 * KB, "origin": 1 * MB}
BODY_BASE64_LIMIT: Final = {"viewer": int(53.2 * KB), "origin": int(1.33 * MB)}
GENERATED_RESPONSE_LIMIT: Final = {"viewer": 40 * KB, "origin": 1 * MB}
URI_AND_QUERY_LIMIT: Final = 8192  # characters; "must be under"
HEADERS_AND_QUERY_LIMIT: Final = 20480  # bytes, body excluded
STATUS_RANGE: Final = range(200, 600)

# Section 3: never shown to functions; a function that adds one gets a 502.
DISALLOWED_HEADERS: Final = frozenset(
    {
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "trailer",
        "upgrade",
        "x-accel-buffering",
        "x-accel-charset",
        "x-accel-limit-rate",
        "x-accel-redirect",
        "x-amzn-auth",
        "x-amzn-cf-billing",
        "x-amzn-cf-id",
        "x-amzn-cf-xff",
        "x-amzn-errortype",
        "x-amzn-fle-profile",
        "x-amzn-header-count",
        "x-amzn-header-order",
        "x-amzn-lambda-integration-tag",
        "x-amzn-requestid",
        "x-cache",
        "x-forwarded-proto",
        "x-real-ip",
    }
)
DISALLOWED_PREFIXES: Final = ("x-amz-cf-", "x-edge-")

# Section 3: readable, but adding, changing or removing one gets a 502.
READ_ONLY_HEADERS: Final = {
    "viewer-request": frozenset({"cdn-loop", "content-length", "host", "transfer-encoding", "via"}),
    "origin-request": frozenset(
        {
            "accept-encoding",
            "cdn-loop",
            "content-length",
            "if-modified-since",
            "if-none-match",
            "if-range",
            "if-unmodified-since",
            "transfer-encoding",
            "via",
        }
    ),
    "origin-response": frozenset({"transfer-encoding", "via"}),
    "viewer-response": frozenset(
        {"warning", "via", "content-length", "content-encoding", "transfer-encoding"}
    ),
}
# Added by CloudFront after viewer request; a viewer-request function may not add it.
VIEWER_REQUEST_FORBIDDEN_ADDS: Final = frozenset({"cloudfront-viewer-country"})

# Section 4: the request fields each event may change (`origin` only on origin request).
WRITABLE_REQUEST_FIELDS: Final = {
    "viewer-request": frozenset({"uri", "querystring", "headers", "body"}),
    "origin-request": frozenset({"uri", "querystring", "headers", "body", "origin"}),
}
WRITABLE_RESPONSE_FIELDS: Final = {
    "origin-response": frozenset(
        {"status", "statusDescription", "headers", "body", "bodyEncoding"}
    ),
    # Only headers are documented; a body is UNCONFIRMED and allowed within the viewer limit.
    "viewer-response": frozenset({"headers", "statusDescription", "body", "bodyEncoding"}),
}

# Section 4: what an origin in an origin-request result may say.
CUSTOM_ORIGIN_PROTOCOLS: Final = frozenset({"http", "https"})
SSL_PROTOCOLS: Final = frozenset({"TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"})
S3_AUTH_METHODS: Final = frozenset({"origin-access-identity", "none"})

# Section 7: origin 4xx/5xx are cached this long unless Cache-Control says otherwise.
ERROR_CACHING_SECONDS: Final = 10


def side(event_type: str) -> str:
    """'viewer' or 'origin': the half of the chain whose limits apply."""
    return "viewer" if event_type in VIEWER_EVENTS else "origin"


def is_disallowed(name: str) -> bool:
    lower = name.lower()
    return lower in DISALLOWED_HEADERS or lower.startswith(DISALLOWED_PREFIXES)


def timeout_limit(event_type: str, configured: int) -> float:
    """A function runs for its own timeout, never longer than its trigger allows."""
    return float(min(configured, TIMEOUT_SECONDS[side(event_type)]))
