"""What CloudFront checks in a function's result (reference sections 2, 3, 4 and 5).

Pure: the event's request (and response) as sent, the function's result, and the trigger in;
a list of `Violation`s out. Each violation names a stable rule id, so the server's log line,
`edgeform invoke` and the conformance tests all speak of the same rule. Any violation makes
CloudFront answer 502 with `X-Cache: LambdaValidationError from cloudfront`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from edgeform.emulator.events import HttpResponse, ViewerRequest, from_cf_headers
from edgeform.model import lambda_edge as limits

QUERY_FORBIDDEN: Final = re.compile(r"[\x00-\x20\x7f#]")
HEADER_VALUE_FORBIDDEN: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Generated:
    """A request trigger answered the viewer itself."""

    response: HttpResponse


@dataclass(frozen=True)
class Forward:
    """A request trigger let the (possibly changed) request go on."""

    request: dict[str, Any]
    body: bytes | None  # a replacement body, or None to keep the viewer's


@dataclass(frozen=True)
class Answer:
    """A response trigger's result; `body` None keeps the body the response already had."""

    response: HttpResponse
    body: bytes | None


class _Checks:
    def __init__(self) -> None:
        self.found: list[Violation] = []

    def fail(self, rule: str, message: str) -> None:
        self.found.append(Violation(rule, message))

    def require(self, ok: bool, rule: str, message: str) -> bool:
        if not ok:
            self.fail(rule, message)
        return ok


def check_request_result(
    event_type: str, sent: Mapping[str, Any], result: Any
) -> tuple[Forward | Generated | None, list[Violation]]:
    """Validate what a viewer-request or origin-request function returned."""
    checks = _Checks()
    if not checks.require(
        isinstance(result, dict), "result-not-object", _not_object_message(result)
    ):
        return None, checks.found
    if "status" in result:
        response, body = _generated_response(checks, event_type, result)
        if checks.found or response is None:
            return None, checks.found
        response.body = body or b""
        return Generated(response), []
    forward = _forwarded_request(checks, event_type, sent, result)
    return (None if checks.found else forward), checks.found


def check_response_result(
    event_type: str,
    sent_response: Mapping[str, Any],
    result: Any,
) -> tuple[Answer | None, list[Violation]]:
    """Validate what an origin-response or viewer-response function returned."""
    checks = _Checks()
    if not checks.require(
        isinstance(result, dict), "result-not-object", _not_object_message(result)
    ):
        return None, checks.found
    status = _status(checks, result.get("status", sent_response["status"]))
    if event_type == "viewer-response" and str(
        result.get("status", sent_response["status"])
    ) != str(sent_response["status"]):
        checks.fail("read-only-field", "viewer-response cannot change status")
    description = _description(checks, result, str(sent_response.get("statusDescription", "")))
    headers = _headers(checks, event_type, sent_response.get("headers", {}), result)
    body = _response_body(checks, event_type, result)
    if checks.found or status is None or headers is None:
        return None, checks.found
    return Answer(HttpResponse(status, from_cf_headers(headers), b"", description), body), []


def _not_object_message(result: Any) -> str:
    kind = "null" if result is None else type(result).__name__
    return f"The Lambda function returned {kind}; the result must be an object type."


# --- requests -----------------------------------------------------------------------------


def _forwarded_request(
    checks: _Checks, event_type: str, sent: Mapping[str, Any], result: dict[str, Any]
) -> Forward:
    writable = limits.WRITABLE_REQUEST_FIELDS[event_type]
    for name in sorted(set(sent) | set(result)):
        changed = name in result and result[name] != sent.get(name)
        if changed and name not in writable:
            checks.fail("read-only-field", f"{event_type} cannot change request.{name}")
    uri = result.get("uri")
    checks.require(
        isinstance(uri, str) and uri.startswith("/"),
        "uri-invalid",
        f"request.uri must be a string that starts with '/', got {uri!r}",
    )
    query = result.get("querystring", "")
    if checks.require(
        isinstance(query, str), "querystring-invalid", "request.querystring must be a string"
    ):
        checks.require(
            not QUERY_FORBIDDEN.search(query),
            "querystring-invalid",
            "request.querystring may not contain spaces, control characters or '#' "
            "(percent-encode them)",
        )
    if isinstance(uri, str) and isinstance(query, str):
        checks.require(
            len(uri) + len(query) < limits.URI_AND_QUERY_LIMIT,
            "uri-too-long",
            f"uri plus query string is {len(uri) + len(query)} characters; "
            f"it must be under {limits.URI_AND_QUERY_LIMIT}",
        )
    headers = _headers(checks, event_type, sent.get("headers", {}), result)
    if headers is not None and isinstance(query, str):
        _check_header_size(checks, headers, query)
    if event_type == "origin-request" and result.get("origin") != sent.get("origin"):
        _check_origin(checks, result.get("origin"))
    body = _request_body(checks, event_type, sent.get("body"), result.get("body"))
    return Forward(result, body)


def _check_header_size(checks: _Checks, headers: Mapping[str, Any], query: str) -> None:
    size = len(query.encode()) + sum(
        len(name) + len(str(item.get("value", "")).encode()) + 4
        for name, items in headers.items()
        for item in items
    )
    checks.require(
        size <= limits.HEADERS_AND_QUERY_LIMIT,
        "headers-too-large",
        f"headers plus query string are {size} bytes; "
        f"the limit is {limits.HEADERS_AND_QUERY_LIMIT}",
    )


def _request_body(
    checks: _Checks, event_type: str, sent: Mapping[str, Any] | None, body: Any
) -> bytes | None:
    if body is None or sent is None:
        # Without Include Body there is no body to change; a stray one is ignored.
        return None
    if not checks.require(isinstance(body, dict), "body-invalid", "request.body must be an object"):
        return None
    action = body.get("action", "read-only")
    checks.require(
        body.get("inputTruncated", sent.get("inputTruncated")) == sent.get("inputTruncated"),
        "read-only-field",
        "request.body.inputTruncated is read-only",
    )
    if not checks.require(
        action in ("read-only", "replace"),
        "body-action-invalid",
        f"request.body.action must be 'read-only' or 'replace', got {action!r}",
    ):
        return None
    if action == "read-only":
        return None  # encoding and data changes are ignored; the original body goes on
    return _decode_body(
        checks, limits.side(event_type), body.get("data", ""), body.get("encoding", "base64")
    )


def _check_origin(checks: _Checks, origin: Any) -> None:
    kinds = sorted(origin) if isinstance(origin, dict) else []
    if not checks.require(
        kinds in (["custom"], ["s3"]),
        "origin-invalid",
        "request.origin must have exactly one of 'custom' or 's3'",
    ):
        return
    spec = origin[kinds[0]]
    if not checks.require(isinstance(spec, dict), "origin-invalid", "the origin must be an object"):
        return
    if kinds == ["custom"]:
        _check_custom_origin(checks, spec)
    else:
        _check_s3_origin(checks, spec)
    _check_custom_headers(checks, spec.get("customHeaders", {}))


def _check_custom_origin(checks: _Checks, spec: Mapping[str, Any]) -> None:
    domain = spec.get("domainName")
    checks.require(
        isinstance(domain, str)
        and 0 < len(domain) <= 253
        and ":" not in domain
        and not re.fullmatch(r"[0-9.]+", domain),
        "origin-invalid",
        "origin.custom.domainName must be a host name of at most 253 characters, "
        "without a port, not an IP address",
    )
    _check_origin_path(checks, spec.get("path", ""))
    port = spec.get("port")
    checks.require(
        port in (80, 443) or (isinstance(port, int) and 1024 <= port <= 65535),
        "origin-invalid",
        f"origin.custom.port must be 80, 443 or 1024-65535, got {port!r}",
    )
    checks.require(
        spec.get("protocol") in limits.CUSTOM_ORIGIN_PROTOCOLS,
        "origin-invalid",
        "origin.custom.protocol must be 'http' or 'https'",
    )
    for key, low, high in (("keepaliveTimeout", 1, 60), ("readTimeout", 4, 60)):
        value = spec.get(key)
        checks.require(
            isinstance(value, int) and low <= value <= high,
            "origin-invalid",
            f"origin.custom.{key} must be {low}-{high}, got {value!r}",
        )
    protocols = spec.get("sslProtocols")
    checks.require(
        isinstance(protocols, list) and set(protocols) <= limits.SSL_PROTOCOLS,
        "origin-invalid",
        f"origin.custom.sslProtocols must list some of {sorted(limits.SSL_PROTOCOLS)}",
    )


def _check_s3_origin(checks: _Checks, spec: Mapping[str, Any]) -> None:
    domain = spec.get("domainName")
    checks.require(
        isinstance(domain, str) and 0 < len(domain) <= 128 and domain == domain.lower(),
        "origin-invalid",
        "origin.s3.domainName must be lower case and at most 128 characters",
    )
    checks.require(
        spec.get("authMethod", "none") in limits.S3_AUTH_METHODS,
        "origin-invalid",
        "origin.s3.authMethod must be 'origin-access-identity' or 'none'",
    )
    _check_origin_path(checks, spec.get("path", ""))


def _check_origin_path(checks: _Checks, path: Any) -> None:
    checks.require(
        path == ""
        or (
            isinstance(path, str)
            and path.startswith("/")
            and not path.endswith("/")
            and len(path) <= 255
        ),
        "origin-invalid",
        "origin path must be empty or start with '/', not end with '/', at most 255 characters",
    )


def _check_custom_headers(checks: _Checks, headers: Any) -> None:
    if not checks.require(
        isinstance(headers, dict), "origin-invalid", "origin customHeaders must be an object"
    ):
        return
    for name in headers:
        checks.require(
            not limits.is_disallowed(name),
            "header-disallowed",
            f"origin customHeaders may not set {name}",
        )


# --- responses ----------------------------------------------------------------------------


def _generated_response(
    checks: _Checks, event_type: str, result: Mapping[str, Any]
) -> tuple[HttpResponse | None, bytes | None]:
    status = _status(checks, result.get("status"))
    description = _description(checks, result, "")
    headers = _headers(checks, event_type, {}, result)
    body = _response_body(checks, event_type, result)
    if event_type == "viewer-request" and status == 204 and body:
        checks.fail("status-204-with-body", "a 204 generated in viewer-request may not have a body")
    if status is None or headers is None:
        return None, None
    response = HttpResponse(status, from_cf_headers(headers), b"", description)
    _check_generated_size(checks, event_type, response, body or b"")
    return response, body


def _check_generated_size(
    checks: _Checks, event_type: str, response: HttpResponse, body: bytes
) -> None:
    limit = limits.GENERATED_RESPONSE_LIMIT[limits.side(event_type)]
    size = len(body) + sum(len(k) + len(v.encode()) + 4 for k, v in response.headers)
    checks.require(
        size <= limit,
        "generated-response-too-large",
        f"the generated response (headers and body) is {size} bytes; {event_type} allows {limit}",
    )


def _status(checks: _Checks, value: Any) -> int | None:
    # AWS's docs ask for a string and AWS's own example assigns a number: accept both.
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    number = int(text) if text.isdigit() else None
    ok = number is not None and number in limits.STATUS_RANGE
    checks.require(ok, "status-invalid", f"status must be 200-599, got {value!r}")
    return number if ok else None


def _description(checks: _Checks, result: Mapping[str, Any], default: str) -> str:
    value = result.get("statusDescription", default)
    checks.require(
        isinstance(value, str), "status-description-invalid", "statusDescription must be a string"
    )
    return value if isinstance(value, str) else default


def _response_body(checks: _Checks, event_type: str, result: Mapping[str, Any]) -> bytes | None:
    if "body" not in result:
        return None
    side = limits.side(event_type)
    body = result["body"]
    if not checks.require(isinstance(body, str), "body-invalid", "body must be a string"):
        return None
    encoding = result.get("bodyEncoding", "text")
    return _decode_body(checks, side, body, encoding)


def _decode_body(checks: _Checks, side: str, data: Any, encoding: Any) -> bytes | None:
    if not checks.require(
        encoding in ("text", "base64"),
        "body-encoding-invalid",
        f"body encoding must be 'text' or 'base64', got {encoding!r}",
    ) or not checks.require(isinstance(data, str), "body-invalid", "body data must be a string"):
        return None
    if encoding == "text":
        raw = data.encode("utf-8")
        checks.require(
            len(raw) <= limits.BODY_TEXT_LIMIT[side],
            "body-too-large",
            f"a text body may be {limits.BODY_TEXT_LIMIT[side]} bytes here, got {len(raw)}",
        )
        return raw
    if not checks.require(
        len(data) <= limits.BODY_BASE64_LIMIT[side],
        "body-too-large",
        f"a base64 body may be {limits.BODY_BASE64_LIMIT[side]} characters here, got {len(data)}",
    ):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        checks.fail("body-base64-invalid", "the body is marked base64 but is not valid base64")
        return None


# --- headers ------------------------------------------------------------------------------


def _headers(
    checks: _Checks,
    event_type: str,
    sent: Mapping[str, list[Mapping[str, str]]],
    result: Mapping[str, Any],
) -> dict[str, list[dict[str, str]]] | None:
    headers = result.get("headers", {})
    if not _headers_well_formed(checks, headers):
        return None
    read_only = limits.READ_ONLY_HEADERS[event_type]
    for name in sorted(set(headers) | set(sent)):
        if name in headers and limits.is_disallowed(name):
            checks.fail("header-disallowed", f"{event_type} may not set the {name} header")
        elif name in read_only and _values(headers.get(name)) != _values(sent.get(name)):
            checks.fail("header-read-only", f"{event_type} may not add, change or remove {name}")
        elif (
            event_type == "viewer-request"
            and name in limits.VIEWER_REQUEST_FORBIDDEN_ADDS
            and name in headers
            and name not in sent
        ):
            checks.fail("header-disallowed", f"viewer-request may not add {name}")
    return headers


def _headers_well_formed(checks: _Checks, headers: Any) -> bool:
    if not checks.require(
        isinstance(headers, dict), "headers-invalid", "headers must be an object of lists"
    ):
        return False
    ok = True
    for name, items in headers.items():
        ok &= checks.require(
            isinstance(items, list) and all(_header_item_ok(name, item) for item in items),
            "headers-invalid",
            f"headers[{name!r}] must be a list of {{key, value}} objects whose key is "
            f"{name!r} in any case and whose value is a string without control characters",
        )
        ok &= checks.require(
            name == name.lower(), "headers-invalid", f"header map keys are lower case: {name!r}"
        )
    return ok


def _header_item_ok(name: str, item: Any) -> bool:
    if not isinstance(item, dict) or not isinstance(item.get("value"), str):
        return False
    key = item.get("key", name)
    return (
        isinstance(key, str)
        and key.lower() == name
        and not HEADER_VALUE_FORBIDDEN.search(item["value"])
    )


def _values(items: Any) -> list[str]:
    return [str(item.get("value")) for item in items or [] if isinstance(item, dict)]


def viewer_refusal(viewer: ViewerRequest) -> tuple[int, str] | None:
    """What CloudFront answers itself, before any function, to a request it will not take:
    a request target that is not a path (400), a URL or headers over its limits (494)."""
    if not viewer.uri.startswith("/"):
        return 400, "Bad request: the request target must be a path."
    url = len(viewer.uri.encode()) + len(viewer.querystring.encode()) + 1
    if url > limits.VIEWER_URL_LIMIT:
        return 494, f"The URL is {url:,} bytes; the limit is {limits.VIEWER_URL_LIMIT:,}."
    size = sum(len(k.encode()) + len(v.encode()) for k, v in viewer.headers)
    size += len(viewer.querystring.encode())
    if size > limits.VIEWER_HEADERS_LIMIT:
        return 494, (
            f"The request headers and query string are {size:,} bytes; "
            f"the limit is {limits.VIEWER_HEADERS_LIMIT:,}."
        )
    return None
