"""The project as edgeform.toml describes it, validated: frozen dataclasses, read everywhere.

`edgeform.config` builds a `Project`; nothing downstream sees raw TOML or CLI arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, get_args

from edgeform.errors import ConfigError, ConfigProblem
from edgeform.model.distribution import (
    NO_RESTRICTION,
    AccessLogs,
    GeoRestriction,
    HttpVersion,
)
from edgeform.model.lambda_edge import EventType
from edgeform.model.origins import SITE, CustomOrigin, OriginGroup
from edgeform.model.policies import ALL, CachePolicy, OriginRequestPolicy
from edgeform.model.response_headers import ResponseHeadersPolicy
from edgeform.model.state import StateBucket

CONFIG_FILE: Final = "edgeform.toml"

# The only method sets CloudFront accepts for a cache behavior.
METHOD_SETS: Final[tuple[tuple[str, ...], ...]] = (
    ("GET", "HEAD"),
    ("GET", "HEAD", "OPTIONS"),
    ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"),
)
PriceClass = Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"]
PRICE_CLASSES: Final = get_args(PriceClass)
# What CloudFront accepts for a behavior's min, default and max TTL: 0 to 100 years.
TTL_RANGE_SECONDS: Final = range(0, 3_153_600_000 + 1)

ConfigValue = str | int | bool
# "local": the embedded AWS endpoint; "aws": a real account.
TargetKind = Literal["local", "aws"]

# CloudFront's custom error responses (Developer Guide, "Generate custom error responses";
# API CustomErrorResponse): the origin statuses it can replace, and what it may answer instead.
ErrorCode = Literal[400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504]
ResponseCode = Literal[200, ErrorCode]
ERROR_CODES: Final[tuple[int, ...]] = get_args(ErrorCode)
RESPONSE_CODES: Final[tuple[int, ...]] = (200, *ERROR_CODES)
RESPONSE_PAGE_PATH_MAX: Final = 4000


@dataclass(frozen=True)
class Function:
    """One edge function: a source folder plus how Lambda runs it."""

    name: str
    source: Path
    runtime: str
    handler: str
    memory: int
    timeout: int

    @property
    def language(self) -> Literal["python", "node"]:
        return "python" if self.runtime.startswith("python") else "node"


@dataclass(frozen=True)
class Trigger:
    """A function wired to one CloudFront event of one cache behavior."""

    event: EventType
    function: str
    include_body: bool = False


ViewerProtocolPolicy = Literal["allow-all", "https-only", "redirect-to-https"]
VIEWER_PROTOCOL_POLICIES: Final[tuple[str, ...]] = get_args(ViewerProtocolPolicy)
# The legacy keys' defaults (min_ttl, default_ttl, max_ttl, forward_query_string, compress):
# what a behavior without a cache_policy gets, as an edgeform-made cache policy.
LEGACY_CACHE_POLICY: Final = CachePolicy(
    "legacy", 0, 86400, 31536000, query_strings=ALL, legacy=True
)


@dataclass(frozen=True)
class Behavior:
    """A cache behavior; `path_pattern` is None for the default behavior. Its cache policy is
    resolved: AWS's managed one, one of [cache_policies], or the one edgeform makes from the
    legacy keys (LEGACY_CACHE_POLICY's fields)."""

    path_pattern: str | None
    triggers: tuple[Trigger, ...]
    allowed_methods: tuple[str, ...] = METHOD_SETS[0]
    compress: bool = True
    cache_policy: CachePolicy = LEGACY_CACHE_POLICY
    cached_methods: tuple[str, ...] = ("GET", "HEAD")
    viewer_protocol_policy: ViewerProtocolPolicy = "redirect-to-https"
    origin_request_policy: OriginRequestPolicy | None = None
    response_headers_policy: ResponseHeadersPolicy | None = None
    target_origin: str = SITE  # the bucket, an [origins] name or an [origin_groups] name


@dataclass(frozen=True)
class ErrorResponse:
    """One `[[custom_error_responses]]`: what the viewer gets when the origin answers
    `error_code`. Terraform's argument names; the page and its code come together or not at
    all (CloudFront refuses one without the other)."""

    error_code: int
    response_page_path: str | None = None
    response_code: int | None = None
    error_caching_min_ttl: int | None = None  # None: CloudFront's default, 10 s


def error_response_for(responses: tuple[ErrorResponse, ...], status: int) -> ErrorResponse | None:
    """The custom error response that replaces `status`, if one does (one per error code)."""
    return next((e for e in responses if e.error_code == status), None)


@dataclass(frozen=True)
class Target:
    """Where a stage is deployed: the embedded AWS endpoint or a real account."""

    name: str
    kind: TargetKind
    region: str
    profile: str | None = None
    endpoint: str | None = None
    state: StateBucket | None = None  # None: each stage's state is a file in its folder
    ttl: int | None = None  # seconds a deploy keeps a stage alive by default; None: forever


@dataclass(frozen=True)
class StageSettings:
    """What the config says about one named stage."""

    name: str
    protected: bool
    config: Mapping[str, ConfigValue]


@dataclass(frozen=True)
class Project:
    """The whole project config, validated."""

    root: Path
    config_file: Path
    name: str
    site_dir: Path
    templates_dir: Path | None  # the project's own templates; None: the packaged ones
    default_root_object: str
    price_class: str
    comment: str
    tags: Mapping[str, str]
    build_config: Mapping[str, ConfigValue]
    functions: Mapping[str, Function]
    default_behavior: Behavior
    behaviors: tuple[Behavior, ...]
    targets: Mapping[str, Target]
    default_target: str
    stages: Mapping[str, StageSettings]
    custom_error_responses: tuple[ErrorResponse, ...] = ()
    cache_policies: Mapping[str, CachePolicy] = field(  # [cache_policies]
        default_factory=lambda: MappingProxyType({})
    )
    # [origin_request_policies]
    origin_request_policies: Mapping[str, OriginRequestPolicy] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # [response_headers_policies]
    response_headers_policies: Mapping[str, ResponseHeadersPolicy] = field(
        default_factory=lambda: MappingProxyType({})
    )
    origins: Mapping[str, CustomOrigin] = field(  # [origins]
        default_factory=lambda: MappingProxyType({})
    )
    origin_groups: Mapping[str, OriginGroup] = field(  # [origin_groups]
        default_factory=lambda: MappingProxyType({})
    )
    http_version: HttpVersion = "http2"
    is_ipv6_enabled: bool = True
    web_acl_id: str | None = None
    geo_restriction: GeoRestriction = NO_RESTRICTION
    logging: AccessLogs | None = None

    def rendered_cache_policies(self) -> tuple[CachePolicy, ...]:
        """The cache policies the stack makes: the project's own, and those edgeform makes
        from behaviors' legacy keys (AWS's managed ones are attached by ID)."""
        found = dict(self.cache_policies)
        for behavior in self.all_behaviors:
            if behavior.cache_policy.legacy:
                found.setdefault(behavior.cache_policy.name, behavior.cache_policy)
        return tuple(found[name] for name in sorted(found))

    def error_response(self, status: int) -> ErrorResponse | None:
        return error_response_for(self.custom_error_responses, status)

    @property
    def all_behaviors(self) -> tuple[Behavior, ...]:
        """Ordered behaviors first, the default last: CloudFront's matching order."""
        return (*self.behaviors, self.default_behavior)

    def target(self, name: str | None) -> Target:
        chosen = name or self.default_target
        if chosen not in self.targets:
            known = ", ".join(sorted(self.targets))
            raise ConfigError(
                [
                    ConfigProblem(
                        self.config_file.name,
                        f"targets.{chosen}",
                        "no such target",
                        f"use one of: {known}, or add [targets.{chosen}]",
                    )
                ]
            )
        return self.targets[chosen]

    def wired_events(self) -> dict[str, frozenset[str]]:
        """Function name -> the events it is wired to, across every behavior."""
        wired: dict[str, set[str]] = {name: set() for name in self.functions}
        for behavior in self.all_behaviors:
            for trigger in behavior.triggers:
                wired[trigger.function].add(trigger.event)
        return {name: frozenset(events) for name, events in wired.items()}

    def stage_settings(self, stage_name: str) -> StageSettings:
        return self.stages.get(stage_name) or StageSettings(stage_name, False, MappingProxyType({}))

    def build_config_for(self, stage_name: str) -> Mapping[str, ConfigValue]:
        """The build-time values baked into bundles and the site: [config] + stage overrides."""
        merged = dict(self.build_config)
        merged.update(self.stage_settings(stage_name).config)
        return MappingProxyType(merged)
