"""Every Lambda@Edge fact edgeform relies on, as data (reference/lambda-edge.md).

Events and their order, per-trigger limits, runtimes, quotas, and the header and field rules.
Config validation, lint, the emulator and the README read them here and nowhere else, so that
a change in AWS's docs is a change in this file alone. Where the docs disagree, the strict
value is the default (the reference marks those UNCONFIRMED).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, Literal

EventType = Literal["viewer-request", "origin-request", "origin-response", "viewer-response"]
# In the order CloudFront runs them (section 7).
EVENT_TYPES: Final[tuple[EventType, ...]] = (
    "viewer-request",
    "origin-request",
    "origin-response",
    "viewer-response",
)
Side = Literal["viewer", "origin"]

VIEWER_EVENTS: Final = frozenset({"viewer-request", "viewer-response"})
REQUEST_EVENTS: Final = frozenset({"viewer-request", "origin-request"})
RESPONSE_EVENTS: Final = frozenset({"origin-response", "viewer-response"})

KB: Final = 1024
MB: Final = 1024 * 1024

# Section 1: per-side limits on a function. The 2025 quotas page may have relaxed the viewer
# ones; CloudFront enforced these at association time in every earlier revision.
MEMORY_MB: Final[Mapping[Side, int]] = {"viewer": 128, "origin": 10240}
TIMEOUT_SECONDS: Final[Mapping[Side, int]] = {"viewer": 5, "origin": 30}
PACKAGE_BYTES: Final[Mapping[Side, int]] = {"viewer": 1_048_576, "origin": 52_428_800}
# What Lambda itself accepts for any function, edge or not.
MEMORY_RANGE_MB: Final = range(128, 10240 + 1)
TIMEOUT_RANGE_SECONDS: Final = range(1, 30 + 1)
EDGE_REGION: Final = "us-east-1"
# Where a replica runs, and logs: the Regions with CloudFront regional edge caches (the list
# as of 2022, from Gruntwork's lambda-edge-log-group module). Logs go to a group named after
# the function with the Region it was created in (edge-functions-logs.md).
EDGE_LOG_REGIONS: Final = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "sa-east-1",
)
# What CloudWatch Logs accepts as a retention, in days.
LOG_RETENTION_DAYS: Final = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
                             1096, 1827, 2192, 2557, 2922, 3288, 3653)  # fmt: skip


def edge_log_group(function_name: str) -> str:
    return f"/aws/lambda/{EDGE_REGION}.{function_name}"


# What a trigger must name: a numbered version of a us-east-1 function, never $LATEST or an alias.
VERSION_ARN: Final = re.compile(r"^arn:aws[a-z-]*:lambda:us-east-1:\d{12}:function:[^:]+:\d+$")
# Section 1: what else a function must be.
TRUSTED_PRINCIPALS: Final = ("lambda.amazonaws.com", "edgelambda.amazonaws.com")
ARCHITECTURE: Final = "x86_64"
PACKAGE_TYPE: Final = "Zip"
EPHEMERAL_STORAGE_MAX_MB: Final = 512

# Section 1: runtimes. "unconfirmed": implied by the 2025 docs, not stated; "deprecated": keeps
# running, but cannot be created or updated.
RuntimeStatus = Literal["supported", "unconfirmed", "deprecated"]
RUNTIMES: Final[Mapping[str, RuntimeStatus]] = {
    "nodejs24.x": "unconfirmed",
    "nodejs22.x": "supported",
    "nodejs20.x": "deprecated",  # since 30 April 2026
    "nodejs18.x": "deprecated",
    "nodejs16.x": "deprecated",
    "python3.14": "unconfirmed",
    "python3.13": "supported",
    "python3.12": "supported",
    "python3.11": "supported",
    "python3.10": "supported",
    "python3.9": "deprecated",
    "python3.8": "deprecated",
    "python3.7": "deprecated",
}
NEWEST_RUNTIMES: Final = ("nodejs22.x", "python3.13")
# Node.js 24 drops callback-style handlers.
NODE_CALLBACKS_REMOVED_IN: Final = 24

# Section 1: quotas.
MAX_ASSOCIATIONS: Final = 4  # Lambda@Edge associations per cache behavior, one per event
BEHAVIOR_QUOTA: Final = 25  # cache behaviors per distribution by default
BEHAVIOR_HARD_LIMIT: Final = 75  # the most AWS raises it to (2025 docs)

# Section 2: Include Body truncation, replacement bodies, generated responses.
BODY_INPUT_LIMIT: Final = {"viewer-request": 40 * KB, "origin-request": 1 * MB}
BODY_TEXT_LIMIT: Final = {"viewer": 40 * KB, "origin": 1 * MB}
BODY_BASE64_LIMIT: Final = {"viewer": int(53.2 * KB), "origin": int(1.33 * MB)}
GENERATED_RESPONSE_LIMIT: Final = {"viewer": 40 * KB, "origin": 1 * MB}
URI_AND_QUERY_LIMIT: Final = 8192  # characters; "must be under"
HEADERS_AND_QUERY_LIMIT: Final = 20480  # bytes, body excluded
STATUS_RANGE: Final = range(200, 600)
# Section 2, on the viewer's own request: CloudFront refuses it before any function runs.
VIEWER_URL_LIMIT: Final = 8192  # bytes of URL
VIEWER_HEADERS_LIMIT: Final = 20480  # bytes of headers plus query string

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


def side(event_type: str) -> Side:
    """'viewer' or 'origin': the half of the chain whose limits apply."""
    return "viewer" if event_type in VIEWER_EVENTS else "origin"


def is_disallowed(name: str) -> bool:
    lower = name.lower()
    return lower in DISALLOWED_HEADERS or lower.startswith(DISALLOWED_PREFIXES)


def timeout_limit(event_type: str, configured: int) -> float:
    """A function runs for its own timeout, never longer than its trigger allows."""
    return float(min(configured, TIMEOUT_SECONDS[side(event_type)]))


def strictest(limits: Mapping[Side, int], events: Iterable[str]) -> tuple[int, str] | None:
    """The lowest of a per-side limit across the events, with the event that sets it."""
    found = sorted((limits[side(event)], event) for event in events)
    return found[0] if found else None
