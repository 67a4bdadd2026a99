"""CloudFront's policies: the cache policy of a behavior (what its cache key holds, and how long
objects stay), and AWS's managed policies with the IDs a distribution attaches them by.

AWS publishes the managed ones, fixed in every account (CloudFront Developer Guide: "Use managed
cache policies", "Use managed origin request policies", "Use managed response headers
policies"). The config names them by their console names; rendered Terraform, the embedded
endpoint and serve use the IDs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final, Literal, TypeVar

from edgeform.model.response_headers import (
    MANAGED_RESPONSE_HEADERS_POLICY_SETTINGS,
    ResponseHeadersPolicy,
)

PolicyKind = Literal["cache", "origin-request", "response-headers"]
SelectionBehavior = Literal["none", "all", "whitelist", "allExcept", "allViewerAndCloudFront"]


@dataclass(frozen=True)
class Selection:
    """Which headers, cookies or query strings a policy takes: none, all, or those named
    (`whitelist`, the API's word) or all but those named (`allExcept`)."""

    behavior: SelectionBehavior = "none"
    names: tuple[str, ...] = ()

    def takes(self, name: str) -> bool:
        if self.behavior in ("all", "allViewerAndCloudFront"):
            return True
        if self.behavior == "whitelist":
            return name.lower() in (n.lower() for n in self.names)
        if self.behavior == "allExcept":
            return name.lower() not in (n.lower() for n in self.names)
        return False


NONE: Final = Selection()
ALL: Final = Selection("all")


@dataclass(frozen=True)
class CachePolicy:
    """A cache policy: the TTLs, and what is in the cache key (and so sent to the origin).
    `managed_id`: AWS's own policy, attached by ID and never rendered; `legacy`: made by
    edgeform from a behavior's legacy keys (min_ttl, forward_query_string, compress)."""

    name: str
    min_ttl: int = 0
    default_ttl: int = 86400
    max_ttl: int = 31536000
    headers: tuple[str, ...] = ()
    cookies: Selection = NONE
    query_strings: Selection = NONE
    gzip: bool = True
    brotli: bool = True
    managed_id: str | None = None
    legacy: bool = False
    comment: str = ""

    @property
    def caching_disabled(self) -> bool:
        return self.max_ttl == 0


MANAGED_CACHE_POLICIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Amplify": "2e54312d-136d-493c-8eb9-b001f22f67d2",
        "CachingDisabled": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        "CachingOptimized": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        "CachingOptimizedForUncompressedObjects": "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
        "Elemental-MediaPackage": "08627262-05a9-4f76-9ded-b50ca2e3a84f",
        "UseOriginCacheControlHeaders": "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
        "UseOriginCacheControlHeaders-QueryStrings": "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
    }
)

MANAGED_ORIGIN_REQUEST_POLICIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "AllViewer": "216adef6-5c7f-47e4-b989-5492eafa07d3",
        "AllViewerAndCloudFrontHeaders-2022-06": "33f36d7e-f396-46d9-90e0-52428a34d9dc",
        "AllViewerExceptHostHeader": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        "CORS-CustomOrigin": "59781a5b-3903-41f3-afcb-af62929ccde1",
        "CORS-S3Origin": "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
        "Elemental-MediaTailor-PersonalizedManifests": "775133bc-15f2-49f9-abea-afb2e0bf67d2",
        "UserAgentRefererHeaders": "acba4595-bd28-49b8-b9fe-13317c0390fa",
    }
)

MANAGED_RESPONSE_HEADERS_POLICIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "CORS-and-SecurityHeadersPolicy": "e61eb60c-9c35-4d20-a928-2b84e02af89c",
        "CORS-With-Preflight": "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
        "CORS-with-preflight-and-SecurityHeadersPolicy": "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
        "SecurityHeadersPolicy": "67f7725c-6f97-4210-82d7-5512b31e9d03",
        "SimpleCORS": "60669652-455b-4ae9-85a4-c4c02393f86c",
    }
)

MANAGED: Final[Mapping[PolicyKind, Mapping[str, str]]] = MappingProxyType(
    {
        "cache": MANAGED_CACHE_POLICIES,
        "origin-request": MANAGED_ORIGIN_REQUEST_POLICIES,
        "response-headers": MANAGED_RESPONSE_HEADERS_POLICIES,
    }
)


def managed_id(kind: PolicyKind, name: str) -> str | None:
    """The ID of the managed policy of `kind` named `name` (console name), or None."""
    return MANAGED[kind].get(name)


_ORIGIN_CACHE_HEADERS: Final = (
    "Host",
    "Origin",
    "X-HTTP-Method-Override",
    "X-HTTP-Method",
    "X-Method-Override",
)

# The managed cache policies' settings, as "Use managed cache policies" lists them.
MANAGED_CACHE_POLICY_SETTINGS: Final[Mapping[str, CachePolicy]] = MappingProxyType(
    {
        policy.name: policy
        for policy in (
            CachePolicy(
                "Amplify",
                2,
                2,
                600,
                ("Authorization", "CloudFront-Viewer-Country", "Host"),
                ALL,
                ALL,
            ),
            CachePolicy("CachingDisabled", 0, 0, 0, gzip=False, brotli=False),
            CachePolicy("CachingOptimized", 1, 86400, 31536000),
            CachePolicy(
                "CachingOptimizedForUncompressedObjects",
                1,
                86400,
                31536000,
                gzip=False,
                brotli=False,
            ),
            CachePolicy(
                "Elemental-MediaPackage",
                0,
                86400,
                31536000,
                ("Origin",),
                NONE,
                Selection("whitelist", ("aws.manifestfilter", "end", "m", "start")),
                brotli=False,
            ),
            CachePolicy(
                "UseOriginCacheControlHeaders", 0, 0, 31536000, _ORIGIN_CACHE_HEADERS, ALL, NONE
            ),
            CachePolicy(
                "UseOriginCacheControlHeaders-QueryStrings",
                0,
                0,
                31536000,
                _ORIGIN_CACHE_HEADERS,
                ALL,
                ALL,
            ),
        )
    }
)


@dataclass(frozen=True)
class OriginRequestPolicy:
    """What reaches the origin beyond the cache key: viewer headers (`all` is the API's
    allViewer; `allViewerAndCloudFront` adds the CloudFront headers named), cookies, query
    strings."""

    name: str
    headers: Selection = NONE
    cookies: Selection = NONE
    query_strings: Selection = NONE
    managed_id: str | None = None
    comment: str = ""


# CloudFront's own headers, added to a request when a policy names them (Developer Guide,
# "Add CloudFront request headers"). The 2022-06 managed policy adds these.
CLOUDFRONT_HEADERS_2022_06: Final = (
    "CloudFront-Forwarded-Proto",
    "CloudFront-Is-Android-Viewer",
    "CloudFront-Is-Desktop-Viewer",
    "CloudFront-Is-IOS-Viewer",
    "CloudFront-Is-Mobile-Viewer",
    "CloudFront-Is-SmartTV-Viewer",
    "CloudFront-Is-Tablet-Viewer",
    "CloudFront-Viewer-Address",
    "CloudFront-Viewer-ASN",
    "CloudFront-Viewer-City",
    "CloudFront-Viewer-Country",
    "CloudFront-Viewer-Country-Name",
    "CloudFront-Viewer-Country-Region",
    "CloudFront-Viewer-Country-Region-Name",
    "CloudFront-Viewer-Http-Version",
    "CloudFront-Viewer-Latitude",
    "CloudFront-Viewer-Longitude",
    "CloudFront-Viewer-Metro-Code",
    "CloudFront-Viewer-Postal-Code",
    "CloudFront-Viewer-Time-Zone",
    "CloudFront-Viewer-TLS",
)

_CORS_S3: Final = ("Origin", "Access-Control-Request-Headers", "Access-Control-Request-Method")

# The managed origin request policies' settings ("Use managed origin request policies").
MANAGED_ORIGIN_REQUEST_POLICY_SETTINGS: Final[Mapping[str, OriginRequestPolicy]] = MappingProxyType(
    {
        policy.name: policy
        for policy in (
            OriginRequestPolicy("AllViewer", ALL, ALL, ALL),
            OriginRequestPolicy(
                "AllViewerAndCloudFrontHeaders-2022-06",
                Selection("allViewerAndCloudFront", CLOUDFRONT_HEADERS_2022_06),
                ALL,
                ALL,
            ),
            OriginRequestPolicy(
                "AllViewerExceptHostHeader", Selection("allExcept", ("Host",)), ALL, ALL
            ),
            OriginRequestPolicy("CORS-CustomOrigin", Selection("whitelist", ("Origin",))),
            OriginRequestPolicy("CORS-S3Origin", Selection("whitelist", _CORS_S3)),
            OriginRequestPolicy(
                "Elemental-MediaTailor-PersonalizedManifests",
                Selection("whitelist", (*_CORS_S3, "X-Forwarded-For", "User-Agent")),
                NONE,
                ALL,
            ),
            OriginRequestPolicy(
                "UserAgentRefererHeaders", Selection("whitelist", ("User-Agent", "Referer"))
            ),
        )
    }
)


P = TypeVar("P", CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy)


def _managed(settings: Mapping[str, P], ids: Mapping[str, str], name: str | None) -> P | None:
    """AWS's managed policy `name` (its settings, with its ID), or None."""
    found = settings.get(name) if name else None
    policy_id = ids.get(name) if name else None
    return replace(found, managed_id=policy_id) if found and policy_id else None


def _name_of(ids: Mapping[str, str], policy_id: str) -> str | None:
    return next((name for name, known in ids.items() if known == policy_id), None)


def managed_origin_request_policy(name: str) -> OriginRequestPolicy | None:
    return _managed(MANAGED_ORIGIN_REQUEST_POLICY_SETTINGS, MANAGED_ORIGIN_REQUEST_POLICIES, name)


def managed_origin_request_policy_by_id(policy_id: str) -> OriginRequestPolicy | None:
    return managed_origin_request_policy(_name_of(MANAGED_ORIGIN_REQUEST_POLICIES, policy_id) or "")


def managed_cache_policy(name: str) -> CachePolicy | None:
    return _managed(MANAGED_CACHE_POLICY_SETTINGS, MANAGED_CACHE_POLICIES, name)


def managed_cache_policy_by_id(policy_id: str) -> CachePolicy | None:
    return managed_cache_policy(_name_of(MANAGED_CACHE_POLICIES, policy_id) or "")


def managed_response_headers_policy(name: str) -> ResponseHeadersPolicy | None:
    return _managed(
        MANAGED_RESPONSE_HEADERS_POLICY_SETTINGS, MANAGED_RESPONSE_HEADERS_POLICIES, name
    )


def managed_response_headers_policy_by_id(policy_id: str) -> ResponseHeadersPolicy | None:
    return managed_response_headers_policy(
        _name_of(MANAGED_RESPONSE_HEADERS_POLICIES, policy_id) or ""
    )
