"""Which AWS API operation an HTTP request to the endpoint is, from botocore's own models.

The endpoint's request log (`serve --request-log FILE`) writes one JSON line per request:
`{"access_key", "service": "lambda", "operation": "CreateFunction", "method", "path",
"query"}`. Every client that talks to the endpoint shows there, whatever its SDK: the AWS
provider, Terraform's S3 backend, edgeform's boto3. That is how the suite checks that
`edgeform iam-policy` allows every action a deploy makes.

The service is the signing name in the request's SigV4 credential scope; the operation is
found by protocol: the `Action` parameter (query), the `X-Amz-Target` header (json), or the
method and the URI template of the operation (rest-json, rest-xml), the most specific match
winning (`GET /{Bucket}?tagging` over `GET /{Bucket}`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs

_SCOPE_RE: Final = re.compile(r"Credential=([^/]+)/\d{8}/[^/]+/([^/]+)/aws4_request")
_IGNORED_QUERY: Final = frozenset({"x-id"})  # newer models name the operation; SDKs vary


def service_of(headers: Mapping[str, str]) -> str | None:
    match = _SCOPE_RE.search(headers.get("Authorization", ""))
    return match.group(2) if match else None


def access_key_of(headers: Mapping[str, str]) -> str | None:
    """Who signed: lets a test tell its own inspection calls from the calls under test."""
    match = _SCOPE_RE.search(headers.get("Authorization", ""))
    return match.group(1) if match else None


def operation_of(
    service: str, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
) -> str | None:
    protocol, routes = _routes(service)
    if protocol in ("query", "ec2"):
        params = parse_qs(query) or parse_qs(body.decode("utf-8", "replace"))
        actions = params.get("Action")
        return actions[0] if actions else None
    if protocol == "json":
        target = headers.get("X-Amz-Target", "")
        return target.rsplit(".", 1)[-1] or None
    named = parse_qs(query).get("x-id")
    if named:  # the SDK named the operation itself
        return named[0]
    keys = _query_keys(query)
    sent = frozenset(h.lower() for h in headers)
    # The most specific route wins; among equals the shortest name (ListBuckets, not
    # ListDirectoryBuckets: same request, S3 Express's own endpoint).
    candidates = [
        (route.specificity, -len(route.name), route.name)
        for route in routes
        if route.method == method
        and route.pattern.fullmatch(path)
        and route.query <= keys
        and route.headers <= sent
    ]
    return max(candidates)[2] if candidates else None


def _query_keys(query: str) -> frozenset[str]:
    return frozenset(part.split("=", 1)[0] for part in query.split("&") if part)


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    query: frozenset[str]  # query keys the request must carry (literal or required)
    headers: frozenset[str]  # headers it must carry (required members), lower case
    specificity: tuple[int, int]
    name: str


@cache
def _routes(service: str) -> tuple[str, list[_Route]]:
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        path, _, literal_query = operation.http["requestUri"].partition("?")
        query = set(_query_keys(literal_query)) - _IGNORED_QUERY
        headers = set()
        shape = operation.input_shape
        for member in shape.required_members if shape is not None else ():
            where = shape.members[member].serialization
            if where.get("location") == "querystring":
                query.add(where.get("name", member))
            elif where.get("location") == "header":
                headers.add(where.get("name", member).lower())
        literal = len(re.sub(r"\{[^}]+\}", "", path))
        routes.append(
            _Route(
                operation.http["method"],
                re.compile(_path_pattern(path)),
                frozenset(query),
                frozenset(headers),
                (len(query) + len(headers), literal),
                name,
            )
        )
    return model.metadata["protocol"], routes


def _path_pattern(template: str) -> str:
    parts = re.split(r"(\{[^}]+\})", template.rstrip("/") or "/")
    out = []
    for part in parts:
        if part.startswith("{"):
            out.append(".+" if part.endswith("+}") else "[^/]+")
        else:
            out.append(re.escape(part))
    return "".join(out) + "/?"


def log_requests(dispatcher: type, log: Path) -> None:
    """Make moto's WSGI dispatcher write each request's service and operation to `log`."""
    call = dispatcher.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        record(environ, log)
        return call(self, environ, start_response)

    dispatcher.__call__ = __call__  # type: ignore[method-assign]


def record(environ: dict[str, Any], log: Path) -> None:
    """Append the request's operation to `log`; its body is read once and handed on."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    headers = {
        key[5:].replace("_", "-").title(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    service = service_of(headers)
    if service is None:
        return  # unsigned: edgeform's own routes, health checks
    operation = operation_of(
        service,
        environ.get("REQUEST_METHOD", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        headers,
        body,
    )
    line = {
        "access_key": access_key_of(headers),
        "service": service,
        "operation": operation,
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
    }
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
