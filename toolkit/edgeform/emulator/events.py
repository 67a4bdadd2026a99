"""CloudFront's Lambda@Edge events, built exactly as reference section 4 shows them.

Pure functions: a viewer's request in, `{"Records": [{"cf": ...}]}` out. The chain keeps the
request in CloudFront's own shape (`request` dicts) from viewer request to viewer response,
so what a function returns is what the next step reads, as at the edge.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Final

from edgeform.emulator import keys
from edgeform.model import lambda_edge as limits
from edgeform.model.origins import CustomOrigin
from edgeform.model.policies import CachePolicy, OriginRequestPolicy
from edgeform.model.project import LEGACY_CACHE_POLICY

CfHeaders = dict[str, list[dict[str, str]]]
HeaderPairs = list[tuple[str, str]]

BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# CloudFront sends this to the origin in place of the viewer's User-Agent.
ORIGIN_USER_AGENT: Final = "Amazon CloudFront"


@dataclass(frozen=True)
class ViewerRequest:
    """What the viewer sent, before any function ran."""

    method: str
    uri: str
    querystring: str
    headers: tuple[tuple[str, str], ...]
    client_ip: str = "127.0.0.1"
    body: bytes = b""
    # Plain `serve` stands for CloudFront's HTTPS; with --tls, its HTTP port is plain HTTP.
    protocol: str = "https"


@dataclass
class HttpResponse:
    """A response on its way to the viewer (or into the cache)."""

    status: int
    headers: HeaderPairs
    body: bytes = b""
    description: str = ""

    def __post_init__(self) -> None:
        if not self.description:
            self.description = status_description(self.status)

    def copy(self) -> HttpResponse:
        """A copy whose header list can change without touching this one (tuples, bytes)."""
        return HttpResponse(self.status, list(self.headers), self.body, self.description)

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)


@dataclass(frozen=True)
class EdgeConfig:
    """The `config` block of every event: which distribution this is."""

    distribution_domain: str
    distribution_id: str
    origin_domain: str
    origin_region: str = "us-east-1"
    via: str = field(default="")

    def config_block(self, event_type: str, request_id: str) -> dict[str, str]:
        return {
            "distributionDomainName": self.distribution_domain,
            "distributionId": self.distribution_id,
            "eventType": event_type,
            "requestId": request_id,
        }


def status_description(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def title_case(name: str) -> str:
    """CloudFront's fill-in for a missing `key`: User-Agent from user-agent."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def to_cf_headers(pairs: Iterable[tuple[str, str]]) -> CfHeaders:
    """Header pairs as CloudFront hands them to functions; disallowed ones are not shown."""
    headers: CfHeaders = {}
    for key, value in pairs:
        if not limits.is_disallowed(key):
            headers.setdefault(key.lower(), []).append({"key": key, "value": value})
    return headers


def from_cf_headers(headers: Mapping[str, Sequence[Mapping[str, str]]]) -> HeaderPairs:
    return [
        (item.get("key") or title_case(name), item["value"])
        for name, items in headers.items()
        for item in items
    ]


def request_id(seed: str) -> str:
    """An id shaped like CloudFront's (56 characters of URL-safe base64 ending in ==)."""
    digest = hashlib.sha512(seed.encode()).digest()[:40]
    return base64.urlsafe_b64encode(digest).decode("ascii")[:54] + "=="


def viewer_request_dict(
    viewer: ViewerRequest, *, include_body: bool, event_type: str = "viewer-request"
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "clientIp": viewer.client_ip,
        "headers": to_cf_headers(viewer.headers),
        "method": viewer.method,
        "querystring": viewer.querystring,
        "uri": viewer.uri,
    }
    if include_body and viewer.method in BODY_METHODS:
        request["body"] = body_block(viewer.body, event_type)
    return request


def body_block(data: bytes, event_type: str) -> dict[str, Any]:
    limit = limits.BODY_INPUT_LIMIT[event_type]
    return {
        "inputTruncated": len(data) > limit,
        "action": "read-only",
        "encoding": "base64",
        "data": base64.b64encode(data[:limit]).decode("ascii"),
    }


def s3_origin(config: EdgeConfig) -> dict[str, Any]:
    return {
        "s3": {
            # The bucket is reached with origin access control, which this field cannot name.
            "authMethod": "none",
            "customHeaders": {},
            "domainName": config.origin_domain,
            "path": "",
            "region": config.origin_region,
        }
    }


def custom_origin(origin: CustomOrigin) -> dict[str, Any]:
    """A custom origin as origin-request events show it (reference section 4). serve stands
    for a viewer on HTTPS, so match-viewer is https."""
    protocol = origin.protocol()
    return {
        "custom": {
            "customHeaders": to_cf_headers(list(origin.custom_headers)),
            "domainName": origin.domain_name,
            "keepaliveTimeout": origin.keepalive_timeout,
            "path": origin.origin_path,
            "port": origin.port(protocol),
            "protocol": protocol,
            "readTimeout": origin.read_timeout,
            "sslProtocols": ["TLSv1.2"],
        }
    }


def origin_request_dict(
    request: Mapping[str, Any],
    config: EdgeConfig,
    *,
    origin: Mapping[str, Any] | None = None,  # the event's origin block; None: the bucket
    # The legacy keys' default (the query string, nothing else): `edgeform event`, `invoke`.
    policy: CachePolicy = LEGACY_CACHE_POLICY,
    origin_policy: OriginRequestPolicy | None = None,
    cloudfront: Mapping[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The request as CloudFront sends it to the origin: its own Host, Via, X-Forwarded-For,
    and what the behavior's policies name (the cache key's headers, cookies and query strings,
    and the origin request policy's); CloudFront-* headers only where a policy names one."""
    viewer_headers = request.get("headers", {})
    named = keys.forwarded_headers(policy, origin_policy, viewer_headers, cloudfront or {})
    forwarded = {name.lower(): value for name, value in named}
    own = {"host", "x-forwarded-for", "user-agent", "via", "accept-encoding", "cookie"}
    block = dict(origin) if origin is not None else s3_origin(config)
    origin_host = next(iter(block.values()))["domainName"]
    pairs: HeaderPairs = [
        ("Host", forwarded.get("host", origin_host)),
        ("X-Forwarded-For", str(request["clientIp"])),
        ("User-Agent", forwarded.get("user-agent", ORIGIN_USER_AGENT)),
        ("Via", config.via),
        *((k, v) for k, v in named if k.lower() not in own),
    ]
    if "accept-encoding" in viewer_headers:
        pairs.append(("Accept-Encoding", "gzip"))
    selections = [policy.cookies, *([origin_policy.cookies] if origin_policy else [])]
    cookies = keys.cookies_for_any(selections, viewer_headers)
    if cookies:
        pairs.append(("Cookie", cookies))
    queries = [policy.query_strings, *([origin_policy.query_strings] if origin_policy else [])]
    origin = {
        "clientIp": request["clientIp"],
        "headers": to_cf_headers(pairs),
        "method": request["method"],
        "origin": block,
        "querystring": keys.query_for_any(queries, request["querystring"]),
        "uri": request["uri"],
    }
    if body is not None:
        origin["body"] = body
    return origin


def response_dict(response: HttpResponse) -> dict[str, Any]:
    return {
        "headers": to_cf_headers(response.headers),
        "status": str(response.status),
        "statusDescription": response.description,
    }


def event(
    event_type: str,
    config: EdgeConfig,
    request_id_value: str,
    request: Mapping[str, Any],
    response: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    cf: dict[str, Any] = {
        "config": config.config_block(event_type, request_id_value),
        "request": request,
    }
    if response is not None:
        cf["response"] = response
    return {"Records": [{"cf": cf}]}


def sample_event(
    event_type: str,
    viewer: ViewerRequest,
    config: EdgeConfig,
    *,
    include_body: bool = False,
    response: HttpResponse | None = None,
) -> dict[str, Any]:
    """The event a trigger would receive for `viewer` (and `response`, on response events)."""
    request = viewer_request_dict(viewer, include_body=include_body, event_type=event_type)
    if event_type.startswith("origin-"):
        body = request.get("body")
        request = origin_request_dict(request, config, body=body)
    rid = request_id(repr(viewer))
    if event_type in limits.REQUEST_EVENTS:
        return event(event_type, config, rid, request)
    request.pop("body", None)
    answered = response or HttpResponse(200, [("Content-Type", "text/html")])
    return event(event_type, config, rid, request, response_dict(answered))


def error_page(status: int, message: str, request_id: str) -> HttpResponse:
    """CloudFront's own error page (it is never cached)."""
    body = (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
        '"http://www.w3.org/TR/html4/loose.dtd">\n'
        '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n'
        "<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n"
        f"<H1>{status} ERROR</H1>\n<H2>The request could not be satisfied.</H2>\n"
        f'<HR noshade size="1px">\n{message}\n<BR clear="all">\n'
        '<HR noshade size="1px">\n<PRE>\nGenerated by cloudfront (CloudFront)\n'
        f"Request ID: {request_id}\n</PRE>\n<ADDRESS>\n</ADDRESS>\n</BODY></HTML>"
    )
    return HttpResponse(
        status, [("Server", "CloudFront"), ("Content-Type", "text/html")], body.encode()
    )
