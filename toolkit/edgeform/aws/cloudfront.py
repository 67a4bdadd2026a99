"""CloudFront, as edgeform uses it after an apply: invalidate what changed, read the status of
a distribution or an invalidation, read its config and its Lambda@Edge wiring."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from edgeform.aws.boundary import GuardedClient
from edgeform.errors import AwsError
from edgeform.model.distribution import NO_RESTRICTION, GeoRestriction
from edgeform.model.lambda_edge import EVENT_TYPES, EventType
from edgeform.model.origins import SITE, SITE_ORIGIN_ID, CustomOrigin, OriginGroup
from edgeform.model.policies import (
    ALL,
    NONE,
    CachePolicy,
    OriginRequestPolicy,
    Selection,
    managed_cache_policy_by_id,
    managed_origin_request_policy_by_id,
    managed_response_headers_policy_by_id,
)
from edgeform.model.project import ErrorResponse, ViewerProtocolPolicy
from edgeform.model.response_headers import Cors, ResponseHeadersPolicy, StrictTransportSecurity

# Past this many paths one wildcard is cheaper (AWS bills invalidation paths) and as quick.
MAX_PATHS: Final = 15
DEPLOYED: Final = "Deployed"
COMPLETED: Final = "Completed"


@dataclass(frozen=True)
class Association:
    path_pattern: str | None  # None for the default behavior
    event: EventType
    arn: str
    include_body: bool = False


@dataclass(frozen=True)
class DeployedBehavior:
    """A cache behavior as the distribution's config holds it."""

    path_pattern: str | None  # None for the default behavior
    associations: tuple[Association, ...]
    allowed_methods: tuple[str, ...]
    cached_methods: tuple[str, ...]
    cache_policy: CachePolicy
    origin_request_policy: OriginRequestPolicy | None = None
    response_headers_policy: ResponseHeadersPolicy | None = None
    target_origin: str = SITE
    viewer_protocol_policy: ViewerProtocolPolicy = "redirect-to-https"


@dataclass(frozen=True)
class DeployedDistribution:
    """What `serve --from-stage` serves: the distribution's config, read back."""

    behaviors: tuple[DeployedBehavior, ...]  # CloudFront's matching order: the default last
    default_root_object: str
    origin_domain: str
    error_responses: tuple[ErrorResponse, ...]
    origins: tuple[CustomOrigin, ...] = ()
    origin_groups: tuple[OriginGroup, ...] = ()
    geo_restriction: GeoRestriction = NO_RESTRICTION


def invalidation_paths(changed: Sequence[str], default_root_object: str) -> list[str]:
    """Pure: the paths to invalidate for changed object keys."""
    paths = sorted({f"/{key}" for key in changed})
    if default_root_object in changed:
        paths.insert(0, "/")  # the root URL serves the default root object
    return ["/*"] if len(paths) > MAX_PATHS else paths


class PolicyReader(Protocol):
    """Reads a behavior's policies by ID."""

    def cache_policy(self, policy_id: str) -> CachePolicy: ...

    def origin_request_policy(self, policy_id: str) -> OriginRequestPolicy: ...

    def response_headers_policy(self, policy_id: str) -> ResponseHeadersPolicy: ...


class CloudFront:
    def __init__(self, client: GuardedClient) -> None:
        self.client = client

    def invalidate(
        self, distribution_id: str, paths: Sequence[str], now: Callable[[], float] = time.time
    ) -> str:
        result = self.client.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": f"edgeform-{now():.6f}",
            },
        )
        return str(result["Invalidation"]["Id"])

    def status(self, distribution_id: str) -> str:
        return str(self.client.get_distribution(Id=distribution_id)["Distribution"]["Status"])

    def invalidation_status(self, distribution_id: str, invalidation_id: str) -> str:
        got = self.client.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)
        return str(got["Invalidation"]["Status"])

    def _config(self, distribution_id: str) -> dict[str, Any]:
        got = self.client.get_distribution_config(Id=distribution_id)
        return dict(got["DistributionConfig"])

    def associations(self, distribution_id: str) -> list[Association]:
        return associations_of(self._config(distribution_id))

    def distribution(self, distribution_id: str) -> DeployedDistribution:
        return distribution_of(self._config(distribution_id), self)

    def response_headers_policy(self, policy_id: str) -> ResponseHeadersPolicy:
        managed = managed_response_headers_policy_by_id(policy_id)
        if managed is not None:
            return managed
        got = self.client.get_response_headers_policy(Id=policy_id)
        return response_headers_policy_of(
            got["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]
        )

    def origin_request_policy(self, policy_id: str) -> OriginRequestPolicy:
        managed = managed_origin_request_policy_by_id(policy_id)
        if managed is not None:
            return managed
        got = self.client.get_origin_request_policy(Id=policy_id)
        return origin_request_policy_of(got["OriginRequestPolicy"]["OriginRequestPolicyConfig"])

    def cache_policy(self, policy_id: str) -> CachePolicy:
        """A cache policy by ID: AWS's managed ones from the model, the others read."""
        managed = managed_cache_policy_by_id(policy_id)
        if managed is not None:
            return managed
        got = self.client.get_cache_policy(Id=policy_id)
        return cache_policy_of(got["CachePolicy"]["CachePolicyConfig"])

    def disable(self, distribution_id: str) -> bool:
        """Disable the distribution (AWS deletes only disabled, deployed ones). False when it
        is gone already; True when it is disabled (now, or before)."""
        try:
            got = self.client.get_distribution_config(Id=distribution_id)
        except AwsError as exc:
            if exc.code == "NoSuchDistribution":
                return False
            raise
        config = got["DistributionConfig"]
        if config.get("Enabled"):
            config["Enabled"] = False
            self.client.update_distribution(
                Id=distribution_id, IfMatch=got["ETag"], DistributionConfig=config
            )
        return True

    def delete(self, distribution_id: str) -> None:
        """Delete a disabled, deployed distribution (with its current ETag)."""
        try:
            etag = self.client.get_distribution(Id=distribution_id)["ETag"]
            self.client.delete_distribution(Id=distribution_id, IfMatch=etag)
        except AwsError as exc:
            if exc.code != "NoSuchDistribution":
                raise


def associations_of(config: dict[str, Any]) -> list[Association]:
    """Pure: every Lambda@Edge association of a distribution config, by behavior."""
    return [a for b in _behaviors(config) for a in _associations(b.get("PathPattern"), b)]


def _behaviors(config: dict[str, Any]) -> list[dict[str, Any]]:
    ordered = config.get("CacheBehaviors", {}).get("Items") or []
    return [*ordered, config["DefaultCacheBehavior"]]


def _associations(pattern: str | None, behavior: dict[str, Any]) -> tuple[Association, ...]:
    items = behavior.get("LambdaFunctionAssociations", {}).get("Items") or []
    return tuple(
        Association(
            pattern,
            _event(str(item["EventType"])),
            str(item["LambdaFunctionARN"]),
            bool(item.get("IncludeBody", False)),
        )
        for item in items
    )


def _event(name: str) -> EventType:
    for event in EVENT_TYPES:
        if event == name:
            return event
    raise AwsError(
        f"CloudFront reports an association with the unknown event {name!r}",
        "report it with --debug: edgeform knows the four Lambda@Edge events",
        action="cloudfront:GetDistributionConfig",
    )


def distribution_of(config: dict[str, Any], policies: PolicyReader) -> DeployedDistribution:
    """A distribution config, as CloudFront's API returns it, typed; `policies` reads the
    behaviors' policies by ID."""
    return DeployedDistribution(
        behaviors=tuple(_behavior(b, policies) for b in _behaviors(config)),
        default_root_object=str(config.get("DefaultRootObject", "")),
        origin_domain=next(
            str(o["DomainName"])
            for o in _entries(config.get("Origins"))
            if "CustomOriginConfig" not in o
        ),
        error_responses=error_responses_of(config),
        origins=tuple(
            custom_origin_of(o)
            for o in _entries(config.get("Origins"))
            if "CustomOriginConfig" in o
        ),
        origin_groups=tuple(origin_group_of(g) for g in _entries(config.get("OriginGroups"))),
        geo_restriction=geo_restriction_of(config),
    )


def geo_restriction_of(config: dict[str, Any]) -> GeoRestriction:
    """Pure: a distribution config's Restrictions.GeoRestriction, typed."""
    geo = (config.get("Restrictions") or {}).get("GeoRestriction") or {}
    kind = str(geo.get("RestrictionType", "none"))
    if kind not in ("whitelist", "blacklist"):
        return NO_RESTRICTION
    return GeoRestriction(kind, _items(geo))  # type: ignore[arg-type]


def _origin_name(origin_id: str) -> str:
    return SITE if origin_id == SITE_ORIGIN_ID else origin_id


def custom_origin_of(spec: dict[str, Any]) -> CustomOrigin:
    """Pure: an Origin with a CustomOriginConfig, as CloudFront's API returns it, typed."""
    custom = spec["CustomOriginConfig"]
    return CustomOrigin(
        str(spec["Id"]),
        str(spec["DomainName"]),
        str(spec.get("OriginPath", "")),
        custom.get("OriginProtocolPolicy", "https-only"),
        int(custom.get("HTTPPort", 80)),
        int(custom.get("HTTPSPort", 443)),
        int(spec.get("ConnectionTimeout", 10)),
        int(spec.get("ConnectionAttempts", 3)),
        int(custom.get("OriginReadTimeout", 30)),
        int(custom.get("OriginKeepaliveTimeout", 5)),
        tuple(
            (str(h["HeaderName"]), str(h["HeaderValue"]))
            for h in _entries(spec.get("CustomHeaders"))
        ),
    )


def origin_group_of(spec: dict[str, Any]) -> OriginGroup:
    """Pure: an OriginGroup, as CloudFront's API returns it, typed."""
    members = [_origin_name(str(m["OriginId"])) for m in _entries(spec.get("Members"))]
    codes = (spec.get("FailoverCriteria") or {}).get("StatusCodes")
    return OriginGroup(
        str(spec["Id"]),
        members[0],
        members[1],
        tuple(sorted(int(c) for c in _items(codes))),
    )


def _behavior(spec: dict[str, Any], policies: PolicyReader) -> DeployedBehavior:
    allowed = spec["AllowedMethods"]
    pattern = spec.get("PathPattern")
    policy_id = spec.get("CachePolicyId")
    return DeployedBehavior(
        path_pattern=pattern,
        associations=_associations(pattern, spec),
        allowed_methods=tuple(allowed["Items"]),
        cached_methods=tuple(allowed.get("CachedMethods", {}).get("Items", ["GET", "HEAD"])),
        cache_policy=policies.cache_policy(policy_id) if policy_id else _legacy_policy(spec),
        origin_request_policy=(
            policies.origin_request_policy(spec["OriginRequestPolicyId"])
            if spec.get("OriginRequestPolicyId")
            else None
        ),
        response_headers_policy=(
            policies.response_headers_policy(spec["ResponseHeadersPolicyId"])
            if spec.get("ResponseHeadersPolicyId")
            else None
        ),
        target_origin=_origin_name(str(spec.get("TargetOriginId", SITE_ORIGIN_ID))),
        viewer_protocol_policy=spec.get("ViewerProtocolPolicy", "redirect-to-https"),
    )


def _legacy_policy(spec: dict[str, Any]) -> CachePolicy:
    """A behavior of the legacy cache settings (a stage deployed by an older edgeform)."""
    query = bool(spec.get("ForwardedValues", {}).get("QueryString", False))
    return CachePolicy(
        "legacy",
        int(spec.get("MinTTL", 0)),
        int(spec.get("DefaultTTL", 86400)),
        int(spec.get("MaxTTL", 31536000)),
        query_strings=ALL if query else NONE,
        legacy=True,
    )


def cache_policy_of(config: dict[str, Any]) -> CachePolicy:
    """Pure: a CachePolicyConfig as CloudFront's API returns it, typed."""
    key = config.get("ParametersInCacheKeyAndForwardedToOrigin") or {}
    headers = key.get("HeadersConfig") or {}
    return CachePolicy(
        str(config.get("Name", "")),
        int(config.get("MinTTL", 0)),
        int(config.get("DefaultTTL", 86400)),
        int(config.get("MaxTTL", 31536000)),
        tuple((headers.get("Headers") or {}).get("Items") or ()),
        _selection(key.get("CookiesConfig") or {}, "Cookie", "Cookies"),
        _selection(key.get("QueryStringsConfig") or {}, "QueryString", "QueryStrings"),
        bool(key.get("EnableAcceptEncodingGzip", False)),
        bool(key.get("EnableAcceptEncodingBrotli", False)),
    )


def origin_request_policy_of(config: dict[str, Any]) -> OriginRequestPolicy:
    """Pure: an OriginRequestPolicyConfig as CloudFront's API returns it, typed."""
    headers = config.get("HeadersConfig") or {}
    behavior = str(headers.get("HeaderBehavior", "none"))
    names = tuple((headers.get("Headers") or {}).get("Items") or ())
    chosen = {
        "allViewer": ALL,
        "allViewerAndWhitelistCloudFront": Selection("allViewerAndCloudFront", names),
        "whitelist": Selection("whitelist", names),
        "allExcept": Selection("allExcept", names),
    }.get(behavior, NONE)
    return OriginRequestPolicy(
        str(config.get("Name", "")),
        chosen,
        _selection(config.get("CookiesConfig") or {}, "Cookie", "Cookies"),
        _selection(config.get("QueryStringsConfig") or {}, "QueryString", "QueryStrings"),
    )


def _items(config: dict[str, Any] | None) -> tuple[str, ...]:
    return tuple((config or {}).get("Items") or ())


def _entries(config: dict[str, Any] | None) -> list[dict[str, Any]]:
    return list((config or {}).get("Items") or ())


def response_headers_policy_of(config: dict[str, Any]) -> ResponseHeadersPolicy:
    """Pure: a ResponseHeadersPolicyConfig as CloudFront's API returns it, typed. The policy's
    one `override` is its headers' (edgeform renders them all alike)."""
    security = config.get("SecurityHeadersConfig") or {}
    custom = _entries(config.get("CustomHeadersConfig"))
    overrides = [bool(h.get("Override")) for h in custom]
    overrides += [bool(v.get("Override")) for v in security.values() if isinstance(v, dict)]
    return ResponseHeadersPolicy(
        str(config.get("Name", "")),
        cors=_cors_of(config.get("CorsConfig")),
        content_security_policy=(security.get("ContentSecurityPolicy") or {}).get(
            "ContentSecurityPolicy"
        ),
        strict_transport_security=_hsts_of(security.get("StrictTransportSecurity")),
        frame_options=(security.get("FrameOptions") or {}).get("FrameOption"),
        content_type_options="ContentTypeOptions" in security,
        referrer_policy=(security.get("ReferrerPolicy") or {}).get("ReferrerPolicy"),
        xss_protection=bool((security.get("XSSProtection") or {}).get("Protection")),
        custom_headers=tuple((str(h["Header"]), str(h["Value"])) for h in custom),
        remove_headers=tuple(str(h["Header"]) for h in _entries(config.get("RemoveHeadersConfig"))),
        override=all(overrides),
    )


def _cors_of(config: dict[str, Any] | None) -> Cors | None:
    if not config:
        return None
    max_age = config.get("AccessControlMaxAgeSec")
    return Cors(
        _items(config.get("AccessControlAllowOrigins")),
        _items(config.get("AccessControlAllowMethods")),
        _items(config.get("AccessControlAllowHeaders")),
        _items(config.get("AccessControlExposeHeaders")),
        bool(config.get("AccessControlAllowCredentials")),
        int(max_age) if max_age is not None else None,
        bool(config.get("OriginOverride")),
    )


def _hsts_of(config: dict[str, Any] | None) -> StrictTransportSecurity | None:
    if not config:
        return None
    return StrictTransportSecurity(
        int(config["AccessControlMaxAgeSec"]),
        bool(config.get("IncludeSubdomains")),
        bool(config.get("Preload")),
    )


def _selection(config: dict[str, Any], stem: str, items: str) -> Selection:
    behavior = str(config.get(f"{stem}Behavior", "none"))
    names = tuple((config.get(items) or {}).get("Items") or ())
    if behavior in ("whitelist", "allExcept"):
        return Selection("whitelist" if behavior == "whitelist" else "allExcept", names)
    return ALL if behavior == "all" else NONE


def error_responses_of(config: dict[str, Any]) -> tuple[ErrorResponse, ...]:
    """The distribution's custom error responses (ResponseCode is a string in CloudFront's
    API; an empty one means none)."""
    items = config.get("CustomErrorResponses", {}).get("Items", [])
    return tuple(
        ErrorResponse(
            int(item["ErrorCode"]),
            item.get("ResponsePagePath") or None,
            int(item["ResponseCode"]) if item.get("ResponseCode") else None,
            int(item["ErrorCachingMinTTL"]) if "ErrorCachingMinTTL" in item else None,
        )
        for item in items
    )
