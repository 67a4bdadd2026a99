"""The S3 origin behind the emulated distribution.

`SiteOrigin` answers from the site as `edgeform deploy` would upload it (same keys, same
Content-Type and Cache-Control); `BucketOrigin` answers from a deployed stage's bucket. Both
answer as S3 answers CloudFront through origin access control: a missing key is 403
AccessDenied, because the bucket policy grants `s3:GetObject` and not `s3:ListBucket`.
Keys are looked up in a map (or asked of S3), never joined to a path on disk, so no URI can
reach a file outside the site.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any, Final, Protocol
from urllib.parse import unquote

from edgeform.aws.boundary import GuardedClient
from edgeform.aws.s3 import StoredObject, get_object
from edgeform.build.site import SiteFile
from edgeform.emulator.events import HttpResponse, error_page, from_cf_headers

S3_SERVER = ("Server", "AmazonS3")
# Hop-by-hop and framing headers are the HTTP client's business, not the origin request's.
_NOT_FORWARDED: Final = frozenset({"content-length", "transfer-encoding", "connection"})
ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
)


class Origin(Protocol):
    async def fetch(self, method: str, uri: str) -> HttpResponse: ...


def object_key(uri: str) -> str:
    # S3 decodes the percent-encoded path CloudFront forwards; the key has no leading '/'.
    return unquote(uri)[1:]


def access_denied() -> HttpResponse:
    return HttpResponse(403, [("Content-Type", "application/xml"), S3_SERVER], ACCESS_DENIED)


def method_not_allowed() -> HttpResponse:
    return HttpResponse(405, [("Content-Type", "application/xml"), S3_SERVER], b"")


def object_response(method: str, stored: StoredObject) -> HttpResponse:
    headers = [
        ("Content-Type", stored.content_type),
        ("ETag", f'"{stored.etag}"'),
        ("Last-Modified", formatdate(stored.last_modified, usegmt=True)),
        ("Accept-Ranges", "bytes"),
        S3_SERVER,
    ]
    if stored.cache_control:
        headers.append(("Cache-Control", stored.cache_control))
    return HttpResponse(200, headers, b"" if method == "HEAD" else stored.data)


class SiteOrigin:
    """The site folder (plus the generated config script) as the bucket would hold it."""

    def __init__(self, files: Sequence[SiteFile], modified: float) -> None:
        self._objects = {
            f.key: StoredObject(
                f.data,
                f.content_type,
                f.cache_control,
                hashlib.md5(f.data, usedforsecurity=False).hexdigest(),
                modified,
            )
            for f in files
        }

    async def fetch(self, method: str, uri: str) -> HttpResponse:
        if method not in ("GET", "HEAD"):
            return method_not_allowed()
        stored = self._objects.get(object_key(uri))
        return access_denied() if stored is None else object_response(method, stored)


class BucketOrigin:
    """A deployed stage's bucket, read through `aws/` (boto3 calls run off the event loop)."""

    def __init__(self, s3: GuardedClient, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    async def fetch(self, method: str, uri: str) -> HttpResponse:
        if method not in ("GET", "HEAD"):
            return method_not_allowed()
        stored = await asyncio.to_thread(get_object, self._s3, self._bucket, object_key(uri))
        return access_denied() if stored is None else object_response(method, stored)


@dataclass(frozen=True)
class Fetched:
    """A custom origin's answer; `reached` is False when CloudFront made the answer because
    the origin could not be connected to (502) or did not answer in time (504): an origin
    group fails over on those as on its listed statuses."""

    response: HttpResponse
    reached: bool = True


async def fetch_custom(
    request: Mapping[str, Any],
    spec: Mapping[str, Any],
    request_id: str,
    *,
    body: bytes = b"",
    local_url: str | None = None,
    connect_timeout: float = 10.0,
) -> Fetched:
    """Fetch from a custom origin as CloudFront would: the method, the headers the policies
    let through (Host is the origin's), the origin's custom headers, X-Amz-Cf-Id, the body.
    `local_url`: a server on loopback that stands for the origin's domain (serve)."""
    import aiohttp  # only here: every other command of the CLI goes without it

    query = f"?{request['querystring']}" if request.get("querystring") else ""
    base = (
        local_url.rstrip("/")
        if local_url
        else f"{spec['protocol']}://{spec['domainName']}:{spec['port']}"
    )
    url = f"{base}{spec.get('path', '')}{request['uri']}{query}"
    headers = [
        (k, v)
        for k, v in from_cf_headers(request.get("headers", {}))
        if k.lower() not in _NOT_FORWARDED
    ]
    headers += [(k, v) for k, v in from_cf_headers(spec.get("customHeaders", {}))]
    headers.append(("X-Amz-Cf-Id", request_id))
    timeout = aiohttp.ClientTimeout(
        sock_connect=connect_timeout, sock_read=float(spec.get("readTimeout", 30))
    )
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout, auto_decompress=False) as session,
            session.request(
                request["method"],
                url,
                headers=headers,
                data=body or None,
                allow_redirects=False,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding"),
            ) as got,
        ):
            data = await got.read()
            pairs = [(k, v) for k, v in got.headers.items() if k.lower() not in _NOT_FORWARDED]
            return Fetched(HttpResponse(got.status, pairs, data, got.reason or ""))
    except TimeoutError:
        message = "The origin did not answer within the origin's timeouts."
        return Fetched(error_page(504, message, request_id), reached=False)
    except aiohttp.ClientError as exc:
        message = f"CloudFront wasn't able to connect to the origin ({type(exc).__name__})."
        return Fetched(error_page(502, message, request_id), reached=False)
