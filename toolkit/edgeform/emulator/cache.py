"""The edge cache: keys, TTLs and storage (reference section 7).

The key is taken from the request after viewer request has run, so a rewrite there changes what
is cached; besides the path it holds what the behavior's cache policy names (keys.py). TTLs
follow the cache policy: `Cache-Control` (s-maxage before max-age) or `Expires`, clamped to its
min and max TTL, else its default TTL;
`no-store`, `no-cache` and `private` mean the min TTL. Origin errors are kept 10 s unless their
`Cache-Control` says otherwise. CloudFront's own error responses are never stored.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Final

from edgeform.emulator.events import HttpResponse
from edgeform.model import lambda_edge as limits
from edgeform.model.policies import CachePolicy

CacheKey = tuple[str, str, str, str, str, str]
MAX_ENTRIES: Final = 10_000
_DIRECTIVE: Final = re.compile(r"\s*([a-z-]+)\s*(?:=\s*\"?(\d+)\"?)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Ttls:
    min: int
    default: int
    max: int

    @classmethod
    def of(cls, policy: CachePolicy) -> Ttls:
        return cls(policy.min_ttl, policy.default_ttl, policy.max_ttl)


@dataclass(frozen=True)
class CachedObject:
    response: HttpResponse
    stored_at: float
    ttl: float
    # The status the origin (or an origin-request function) gave: viewer response is skipped
    # for hits on objects whose origin status was 400 or more, as for the miss that stored them.
    origin_status: int


def cache_key(
    method: str,
    pattern: str | None,
    uri: str,
    querystring: str,
    headers: str = "",
    cookies: str = "",
) -> CacheKey:
    """The key: the path, and what the behavior's cache policy keys on (keys.key_parts)."""
    # GET and HEAD share entries; OPTIONS (when cached) has its own.
    group = "OPTIONS" if method == "OPTIONS" else "GET"
    return (group, pattern or "*default*", uri, querystring, headers, cookies)


def cache_control(value: str | None) -> dict[str, int | None]:
    directives: dict[str, int | None] = {}
    for part in (value or "").split(","):
        match = _DIRECTIVE.fullmatch(part)
        if match:
            number = match.group(2)
            directives[match.group(1).lower()] = int(number) if number is not None else None
    return directives


def ttl_seconds(
    response: HttpResponse, ttls: Ttls, now_epoch: float, error_min_ttl: int | None = None
) -> float:
    """How long the edge keeps `response`. An error with a custom error response's
    error_caching_min_ttl is kept the greater of that and its own header's TTL (Developer
    Guide, "Control how long CloudFront caches errors"); 416 is never kept."""
    directives = cache_control(response.header("Cache-Control"))
    if response.status == 416:
        return 0.0
    if response.status >= 400 and error_min_ttl is not None:
        own = _header_ttl(directives)
        if own is None:
            own = _expires_ttl(response.header("Expires"), now_epoch)
        return float(max(own or 0, error_min_ttl))
    if response.status >= 400:
        return float(_header_ttl(directives) or limits.ERROR_CACHING_SECONDS)
    if {"no-store", "no-cache", "private"} & directives.keys():
        return float(ttls.min)
    header_ttl = _header_ttl(directives)
    if header_ttl is None:
        header_ttl = _expires_ttl(response.header("Expires"), now_epoch)
    if header_ttl is None:
        return float(ttls.default)
    return float(min(max(header_ttl, ttls.min), ttls.max))


def _header_ttl(directives: dict[str, int | None]) -> int | None:
    for name in ("s-maxage", "max-age"):
        if directives.get(name) is not None:
            return directives[name]
    return None


def _expires_ttl(value: str | None, now_epoch: float) -> int | None:
    if not value:
        return None
    try:
        return max(0, int(parsedate_to_datetime(value).timestamp() - now_epoch))
    except (TypeError, ValueError):
        return 0  # an unparsable Expires means "already expired"


class EdgeCache:
    """Objects by key, each dropped once its TTL has passed on the injected clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._entries: dict[CacheKey, CachedObject] = {}
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> tuple[CachedObject, int] | None:
        """The fresh object and its age in whole seconds, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            age = self._clock() - entry.stored_at
            if age >= entry.ttl:
                del self._entries[key]
                return None
            return entry, int(age)

    def put(self, key: CacheKey, response: HttpResponse, ttl: float, origin_status: int) -> None:
        if ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = CachedObject(response, self._clock(), ttl, origin_status)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
