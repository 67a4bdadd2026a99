"""What the emulator serves: behaviors with their triggers, the origin, the distribution's ids.

A `ServedStack` is built either from the working tree (`edgeform.emulator.working_tree`) or from
a deployed stage (`edgeform.emulator.deployed`); the chain does not know which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from edgeform.emulator.cache import Ttls
from edgeform.emulator.origin import Origin
from edgeform.emulator.runtimes import FunctionPool
from edgeform.model.distribution import NO_RESTRICTION, GeoRestriction
from edgeform.model.lambda_edge import EventType
from edgeform.model.origins import SITE, CustomOrigin, OriginGroup
from edgeform.model.policies import CachePolicy, OriginRequestPolicy
from edgeform.model.project import ErrorResponse, ViewerProtocolPolicy, error_response_for
from edgeform.model.response_headers import ResponseHeadersPolicy


@dataclass(frozen=True)
class EdgeTrigger:
    event: str
    function: str
    include_body: bool
    pool: FunctionPool


@dataclass(frozen=True)
class EdgeBehavior:
    path_pattern: str | None  # None for the default behavior
    triggers: Mapping[EventType, EdgeTrigger]
    allowed_methods: tuple[str, ...]
    cached_methods: tuple[str, ...]
    cache_policy: CachePolicy
    origin_request_policy: OriginRequestPolicy | None = None
    response_headers_policy: ResponseHeadersPolicy | None = None
    target_origin: str = SITE
    viewer_protocol_policy: ViewerProtocolPolicy = "redirect-to-https"

    @property
    def ttls(self) -> Ttls:
        return Ttls.of(self.cache_policy)


@dataclass(frozen=True)
class ServedStack:
    behaviors: tuple[EdgeBehavior, ...]  # ordered behaviors, then the default
    default_root_object: str
    origin: Origin
    distribution_id: str
    origin_domain: str
    generation: int  # changes whenever anything served changes (the cache is then emptied)
    error_responses: tuple[ErrorResponse, ...] = ()  # the distribution's custom error responses
    origins: Mapping[str, CustomOrigin] = field(default_factory=dict)  # by name
    origin_groups: Mapping[str, OriginGroup] = field(default_factory=dict)  # by name
    geo_restriction: GeoRestriction = NO_RESTRICTION

    def error_response(self, status: int) -> ErrorResponse | None:
        return error_response_for(self.error_responses, status)

    def custom_origin(self, domain_name: str) -> CustomOrigin | None:
        """The configured origin of that domain (a function may switch to any other)."""
        return next((o for o in self.origins.values() if o.domain_name == domain_name), None)


class StackSource(Protocol):
    async def current(self) -> ServedStack:
        """The stack to serve this request with, reloaded first if its sources changed."""
        ...

    async def close(self) -> None: ...
