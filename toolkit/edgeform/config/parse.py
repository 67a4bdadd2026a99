"""edgeform.toml -> a frozen model of the project.

The config is parsed once, here. Everything downstream takes the `Project` model and never
raw TOML or CLI arguments. Every mistake is collected and reported as
`edgeform.toml: <key>: <what is wrong> (<how to fix>)` before anything else happens.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from edgeform.config.context import ParseContext
from edgeform.errors import ConfigError, ConfigProblem
from edgeform.model.distribution import NO_RESTRICTION, AccessLogs, GeoRestriction
from edgeform.model.lambda_edge import EVENT_TYPES
from edgeform.model.origins import CustomOrigin, OriginGroup
from edgeform.model.policies import (
    ALL,
    NONE,
    CachePolicy,
    OriginRequestPolicy,
    Selection,
    managed_cache_policy,
    managed_origin_request_policy,
    managed_response_headers_policy,
)
from edgeform.model.project import (
    CONFIG_FILE,
    LEGACY_CACHE_POLICY,
    Behavior,
    ErrorResponse,
    Function,
    Project,
    StageSettings,
    Target,
    Trigger,
)
from edgeform.model.response_headers import Cors, ResponseHeadersPolicy, StrictTransportSecurity
from edgeform.model.state import StateBucket, parse_duration

if TYPE_CHECKING:
    from edgeform.config.schema import (
        CachePolicyTable,
        DefaultBehaviorTable,
        EdgeformFile,
        FunctionTable,
        OriginRequestPolicyTable,
        OriginTable,
        ResponseHeadersPolicyTable,
        StateTable,
        TargetTable,
    )


def load_project(config_file: Path) -> Project:
    """Read and validate the config file; raise ConfigError listing every mistake."""
    label = config_file.name

    def refuse(key: str, what: str, fix: str) -> ConfigError:
        return ConfigError([ConfigProblem(label, key, what, fix)])

    try:
        text = config_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise refuse(
            "(file)",
            f"{config_file} not found",
            "run edgeform in the project folder or pass --config PATH",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise refuse(
            "(file)", f"cannot read: {exc}", "check the file's permissions and encoding"
        ) from None
    try:
        return parse_project(tomllib.loads(text), config_file.resolve())
    except tomllib.TOMLDecodeError as exc:
        raise refuse("(syntax)", str(exc), "fix the TOML syntax at that line") from None
    except RecursionError:
        raise refuse(
            "(syntax)",
            "arrays or tables are nested too deeply to read",
            "edgeform.toml needs no nesting deeper than a few levels: flatten it",
        ) from None


def parse_project(data: Mapping[str, Any], config_file: Path) -> Project:
    """The validated project, or ConfigError with every problem in `data` at once."""
    # The schema's import builds its validators (~40 ms): only commands that read a config pay.
    from pydantic import ValidationError

    from edgeform.config.schema import EdgeformFile

    try:
        table = EdgeformFile.model_validate(
            data, context=ParseContext.from_raw(data, config_file.parent)
        )
    except ValidationError as exc:
        from edgeform.config.problems import config_problems

        raise ConfigError(config_problems(config_file.name, exc, EdgeformFile)) from None
    return _project(table, config_file)


def _project(table: EdgeformFile, config_file: Path) -> Project:
    root = config_file.parent
    spec = table.project
    policies = {name: _cache_policy(name, p) for name, p in table.cache_policies.items()}
    origin = {
        name: _origin_request_policy(name, p) for name, p in table.origin_request_policies.items()
    }
    headers = {
        name: _response_headers_policy(name, p)
        for name, p in table.response_headers_policies.items()
    }
    named = _Named(policies, origin, headers)
    return Project(
        root=root,
        config_file=config_file,
        name=spec.name,
        site_dir=(root / spec.site).resolve(),
        templates_dir=(root / spec.templates).resolve() if spec.templates else None,
        default_root_object=spec.default_root_object,
        price_class=spec.price_class,
        comment=spec.comment,
        tags=MappingProxyType(dict(spec.tags)),
        build_config=MappingProxyType(dict(table.config)),
        functions=MappingProxyType(
            {name: _function(name, f, root) for name, f in table.functions.items()}
        ),
        default_behavior=_behavior(table.default_behavior, None, named),
        behaviors=tuple(_behavior(b, b.path_pattern, named) for b in table.behaviors),
        targets=MappingProxyType(_targets(table.targets)),
        default_target=spec.default_target,
        stages=MappingProxyType(
            {
                name: StageSettings(name, stage.protected, MappingProxyType(dict(stage.config)))
                for name, stage in table.stages.items()
            }
        ),
        cache_policies=MappingProxyType(policies),
        origin_request_policies=MappingProxyType(origin),
        response_headers_policies=MappingProxyType(headers),
        origins=MappingProxyType(
            {name: _origin(name, spec) for name, spec in table.origins.items()}
        ),
        origin_groups=MappingProxyType(
            {
                name: OriginGroup(
                    name, g.primary, g.failover, tuple(sorted(g.failover_status_codes))
                )
                for name, g in table.origin_groups.items()
            }
        ),
        http_version=spec.http_version,
        is_ipv6_enabled=spec.is_ipv6_enabled,
        web_acl_id=spec.web_acl_id,
        logging=(
            AccessLogs(spec.logging.bucket, spec.logging.prefix, spec.logging.include_cookies)
            if spec.logging
            else None
        ),
        geo_restriction=(
            GeoRestriction(
                spec.geo_restriction.restriction_type, tuple(spec.geo_restriction.locations)
            )
            if spec.geo_restriction
            else NO_RESTRICTION
        ),
        custom_error_responses=tuple(
            ErrorResponse(
                e.error_code, e.response_page_path, e.response_code, e.error_caching_min_ttl
            )
            for e in table.custom_error_responses
        ),
    )


def _function(name: str, spec: FunctionTable, root: Path) -> Function:
    source = (root / (spec.source or f"functions/{name}")).resolve()
    return Function(name, source, spec.runtime, spec.handler, spec.memory, spec.timeout)


@dataclass(frozen=True)
class _Named:
    """The project's own policies, by name, for behaviors to name."""

    cache: Mapping[str, CachePolicy]
    origin_request: Mapping[str, OriginRequestPolicy]
    response_headers: Mapping[str, ResponseHeadersPolicy]


def _behavior(spec: DefaultBehaviorTable, pattern: str | None, named: _Named) -> Behavior:
    triggers = sorted(
        (Trigger(t.event, t.function, t.include_body) for t in spec.triggers),
        key=lambda t: EVENT_TYPES.index(t.event),
    )
    allowed = tuple(spec.allowed_methods)
    # CloudFront caches GET and HEAD, plus OPTIONS when it is allowed, unless the key says.
    cached = ("GET", "HEAD", "OPTIONS") if "OPTIONS" in allowed else ("GET", "HEAD")
    return Behavior(
        pattern,
        tuple(triggers),
        allowed,
        spec.compress,
        _behavior_policy(spec, named.cache),
        tuple(spec.cached_methods) if spec.cached_methods is not None else cached,
        spec.viewer_protocol_policy,
        _chosen(spec.origin_request_policy, named.origin_request, managed_origin_request_policy),
        _chosen(
            spec.response_headers_policy, named.response_headers, managed_response_headers_policy
        ),
        spec.target_origin,
    )


P = TypeVar("P", CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy)


def _chosen(name: str | None, own: Mapping[str, P], managed: Callable[[str], P | None]) -> P | None:
    """The policy a behavior names: the project's own of that name, or AWS's managed one."""
    if name is None:
        return None
    found = own.get(name) or managed(name)
    assert found is not None, name  # the schema's rule let only policies that exist through
    return found


def _response_headers_policy(name: str, spec: ResponseHeadersPolicyTable) -> ResponseHeadersPolicy:
    hsts = spec.strict_transport_security
    cors = spec.cors
    return ResponseHeadersPolicy(
        name,
        cors=Cors(
            tuple(cors.allow_origins),
            tuple(cors.allow_methods),
            tuple(cors.allow_headers),
            tuple(cors.expose_headers),
            cors.allow_credentials,
            cors.max_age,
            cors.origin_override,
        )
        if cors
        else None,
        content_security_policy=spec.content_security_policy,
        strict_transport_security=StrictTransportSecurity(
            hsts.max_age, hsts.include_subdomains, hsts.preload
        )
        if hsts
        else None,
        frame_options=spec.frame_options,
        content_type_options=spec.content_type_options,
        referrer_policy=spec.referrer_policy,
        custom_headers=tuple(spec.custom_headers.items()),
        remove_headers=tuple(spec.remove_headers),
        override=spec.override,
        comment=spec.comment,
    )


def _origin_request_policy(name: str, spec: OriginRequestPolicyTable) -> OriginRequestPolicy:
    headers = spec.headers
    return OriginRequestPolicy(
        name,
        ALL if headers == "allViewer" else _selection(headers),
        _selection(spec.cookies),
        _selection(spec.query_strings),
        comment=spec.comment,
    )


def _behavior_policy(
    spec: DefaultBehaviorTable, policies: Mapping[str, CachePolicy]
) -> CachePolicy:
    """The behavior's cache policy: named (managed or the project's), or the one edgeform
    makes from the legacy keys, named by its settings (behaviors alike share it)."""
    if spec.cache_policy is not None:
        found = _chosen(spec.cache_policy, policies, managed_cache_policy)
        assert found is not None
        return found
    settings = (
        spec.min_ttl if spec.min_ttl is not None else LEGACY_CACHE_POLICY.min_ttl,
        spec.default_ttl if spec.default_ttl is not None else LEGACY_CACHE_POLICY.default_ttl,
        spec.max_ttl if spec.max_ttl is not None else LEGACY_CACHE_POLICY.max_ttl,
        spec.forward_query_string is not False,
        spec.compress,
    )
    digest = hashlib.sha256(repr(settings).encode()).hexdigest()[:8]
    return CachePolicy(
        f"legacy-{digest}",
        settings[0],
        settings[1],
        settings[2],
        query_strings=ALL if settings[3] else NONE,
        gzip=spec.compress,
        brotli=spec.compress,
        legacy=True,
    )


def _origin(name: str, spec: OriginTable) -> CustomOrigin:
    return CustomOrigin(
        name,
        spec.domain_name,
        spec.origin_path,
        spec.origin_protocol_policy,
        spec.http_port,
        spec.https_port,
        spec.connection_timeout,
        spec.connection_attempts,
        spec.read_timeout,
        spec.keepalive_timeout,
        tuple(spec.custom_headers.items()),
        spec.local_url,
    )


def _cache_policy(name: str, spec: CachePolicyTable) -> CachePolicy:
    return CachePolicy(
        name,
        spec.min_ttl,
        spec.default_ttl,
        spec.max_ttl,
        tuple(spec.headers),
        _selection(spec.cookies),
        _selection(spec.query_strings),
        spec.enable_accept_encoding_gzip,
        spec.enable_accept_encoding_brotli,
        comment=spec.comment,
    )


def _selection(value: str | list[str]) -> Selection:
    if isinstance(value, list):
        return Selection("whitelist", tuple(value))
    return ALL if value == "all" else NONE


def _targets(specs: Mapping[str, TargetTable]) -> dict[str, Target]:
    if not specs:
        return {"local": Target("local", "local", "us-east-1")}
    return {
        name: Target(
            name,
            spec.type,
            spec.region,
            spec.profile,
            spec.endpoint,
            _state(spec.state, spec.region),
            parse_duration(spec.ttl) if spec.ttl is not None else None,
        )
        for name, spec in specs.items()
    }


def _state(spec: StateTable | None, target_region: str) -> StateBucket | None:
    """`[targets.<name>.state]`: optional; without it each stage's state stays a local file."""
    if spec is None:
        return None
    return StateBucket(spec.bucket, spec.region or target_region, spec.key_prefix)


def find_config(start: Path, exists: Callable[[Path], bool] = Path.is_file) -> Path:
    """The nearest edgeform.toml at or above `start` (like git finds .git)."""
    for folder in (start, *start.parents):
        if exists(folder / CONFIG_FILE):
            return folder / CONFIG_FILE
    return start / CONFIG_FILE
