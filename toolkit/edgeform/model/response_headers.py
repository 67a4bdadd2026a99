"""Response headers policies: the headers CloudFront adds to, or removes from, what a viewer gets.

CloudFront Developer Guide, "Add or remove HTTP headers in CloudFront responses with a policy"
and "Understand response headers policies":
- the policy applies to responses served from the cache and from the origin alike, after the
  cache and before a viewer-response function (which sees its headers); what is cached is the
  origin's response, untouched;
- each header the policy sets either overrides the origin's header of that name or, without
  override, is added only where the origin sent none;
- CORS headers go on responses to CORS requests (those with an Origin header); the method list,
  the header list and the max age only on responses to preflight requests (OPTIONS with Origin
  and Access-Control-Request-Method); Access-Control-Allow-Origin is the request's origin when
  the policy lists it, `*` when the policy allows any origin;
- removed headers are removed from the origin's response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, get_args

FrameOption = Literal["DENY", "SAMEORIGIN"]
FRAME_OPTIONS: Final = get_args(FrameOption)
ReferrerPolicy = Literal[
    "no-referrer",
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
]
REFERRER_POLICIES: Final = get_args(ReferrerPolicy)
# API ResponseHeadersPolicyAccessControlAllowMethods: "ALL" stands for every one of them.
CorsMethod = Literal["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "HEAD", "ALL"]
CORS_METHODS: Final = get_args(CorsMethod)

# Headers a policy can neither remove nor set ("Understand response headers policies": they
# belong to HTTP's framing or to CloudFront itself). Prefixes end in '-'.
UNTOUCHABLE_HEADERS: Final = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "expect",
        "host",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
        "warning",
        "x-cache",
        "x-forwarded-proto",
        "x-real-ip",
    }
)
UNTOUCHABLE_PREFIXES: Final = ("x-accel-", "x-amz-cf-", "x-amzn-", "x-edge-")


def untouchable(header: str) -> bool:
    """A header a response headers policy may not set or remove."""
    name = header.lower()
    return name in UNTOUCHABLE_HEADERS or name.startswith(UNTOUCHABLE_PREFIXES)


@dataclass(frozen=True)
class Cors:
    """A policy's CORS settings (Terraform's cors_config)."""

    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    max_age: int | None = None
    origin_override: bool = True

    def allows(self, origin: str) -> bool:
        return "*" in self.allow_origins or origin in self.allow_origins

    def headers_for(self, origin: str, preflight: bool) -> list[tuple[str, str]]:
        """The CORS headers for a request from `origin` (none when it is not allowed)."""
        if not self.allows(origin):
            return []
        allow_origin = "*" if "*" in self.allow_origins else origin
        found = [("Access-Control-Allow-Origin", allow_origin)]
        if self.allow_credentials:
            found.append(("Access-Control-Allow-Credentials", "true"))
        if self.expose_headers:
            found.append(("Access-Control-Expose-Headers", ", ".join(self.expose_headers)))
        if preflight:
            methods = self.allow_methods
            if "ALL" in methods:
                methods = tuple(m for m in CORS_METHODS if m != "ALL")
            found.append(("Access-Control-Allow-Methods", ", ".join(methods)))
            if self.allow_headers:
                found.append(("Access-Control-Allow-Headers", ", ".join(self.allow_headers)))
            if self.max_age is not None:
                found.append(("Access-Control-Max-Age", str(self.max_age)))
        return found


@dataclass(frozen=True)
class StrictTransportSecurity:
    max_age: int
    include_subdomains: bool = False
    preload: bool = False

    @property
    def value(self) -> str:
        parts = [f"max-age={self.max_age}"]
        parts += ["includeSubDomains"] if self.include_subdomains else []
        parts += ["preload"] if self.preload else []
        return "; ".join(parts)


@dataclass(frozen=True)
class ResponseHeadersPolicy:
    """A response headers policy. `override`: the policy's security and custom headers win
    over the origin's (Terraform's per-header `override`, one switch for the policy)."""

    name: str
    cors: Cors | None = None
    content_security_policy: str | None = None
    strict_transport_security: StrictTransportSecurity | None = None
    frame_options: FrameOption | None = None
    content_type_options: bool = False
    referrer_policy: ReferrerPolicy | None = None
    xss_protection: bool = False  # "1; mode=block": only AWS's managed policies set it
    custom_headers: tuple[tuple[str, str], ...] = ()
    remove_headers: tuple[str, ...] = ()
    override: bool = True
    managed_id: str | None = None
    comment: str = ""

    def added_headers(self) -> list[tuple[str, str]]:
        """The security and custom headers the policy adds, in a stable order."""
        found: list[tuple[str, str]] = []
        if self.content_security_policy is not None:
            found.append(("Content-Security-Policy", self.content_security_policy))
        if self.strict_transport_security is not None:
            found.append(("Strict-Transport-Security", self.strict_transport_security.value))
        if self.frame_options is not None:
            found.append(("X-Frame-Options", self.frame_options))
        if self.content_type_options:
            found.append(("X-Content-Type-Options", "nosniff"))
        if self.referrer_policy is not None:
            found.append(("Referrer-Policy", self.referrer_policy))
        if self.xss_protection:
            found.append(("X-XSS-Protection", "1; mode=block"))
        return [*found, *self.custom_headers]

    @property
    def has_security_headers(self) -> bool:
        return len(self.added_headers()) > len(self.custom_headers)


def apply_policy(
    policy: ResponseHeadersPolicy,
    headers: list[tuple[str, str]],
    method: str,
    request_headers: Mapping[str, str],
) -> list[tuple[str, str]]:
    """`headers` (a response's) as the viewer gets them under `policy`; `request_headers`
    are the viewer request's, lower-case names."""
    removed = {name.lower() for name in policy.remove_headers}
    result = [(k, v) for k, v in headers if k.lower() not in removed]
    result = _set_all(result, policy.added_headers(), policy.override)
    origin = request_headers.get("origin")
    if policy.cors is not None and origin is not None:
        preflight = method == "OPTIONS" and "access-control-request-method" in request_headers
        cors = policy.cors.headers_for(origin, preflight)
        result = _set_all(result, cors, policy.cors.origin_override)
    return result


def _set_all(
    headers: list[tuple[str, str]], wanted: list[tuple[str, str]], override: bool
) -> list[tuple[str, str]]:
    present = {k.lower() for k, _ in headers}
    chosen = [(k, v) for k, v in wanted if override or k.lower() not in present]
    replaced = {k.lower() for k, _ in chosen}
    return [*((k, v) for k, v in headers if k.lower() not in replaced), *chosen]


_PREFLIGHT: Final = Cors(
    ("*",),
    ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"),
    allow_headers=("*",),
    expose_headers=("*",),
    origin_override=False,
)
_SIMPLE: Final = Cors(("*",), ("ALL",), origin_override=False)


def _aws(name: str, cors: Cors | None, security: bool) -> ResponseHeadersPolicy:
    """One of AWS's policies: CORS, the security headers, or both; none overrides the
    origin's headers."""
    if not security:
        return ResponseHeadersPolicy(name, cors, override=False)
    return ResponseHeadersPolicy(
        name,
        cors,
        strict_transport_security=StrictTransportSecurity(31536000),
        frame_options="SAMEORIGIN",
        content_type_options=True,
        referrer_policy="strict-origin-when-cross-origin",
        xss_protection=True,
        override=False,
    )


# AWS's managed response headers policies, as "Use managed response headers policies" lists
# them.
MANAGED_RESPONSE_HEADERS_POLICY_SETTINGS: Final[Mapping[str, ResponseHeadersPolicy]] = (
    MappingProxyType(
        {
            policy.name: policy
            for policy in (
                _aws("CORS-and-SecurityHeadersPolicy", _SIMPLE, security=True),
                _aws("CORS-With-Preflight", _PREFLIGHT, security=False),
                _aws("CORS-with-preflight-and-SecurityHeadersPolicy", _PREFLIGHT, security=True),
                _aws("SecurityHeadersPolicy", None, security=True),
                _aws("SimpleCORS", _SIMPLE, security=False),
            )
        }
    )
)
