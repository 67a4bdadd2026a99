"""The distribution's origins beside the site's bucket: custom (HTTP) origins, and origin groups
that fail over from one origin to another.

CloudFront Developer Guide: "Use a custom origin" / "Origin settings" (protocol policy, ports,
connection timeout 1-10 s and attempts, response timeout 1-60 s by default quota, custom headers)
and "Optimize high availability with CloudFront origin failover" (a group of two origins; the
secondary is tried when the primary answers one of the chosen status codes, or cannot be
connected to or does not answer in time; only for GET, HEAD and OPTIONS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

# The site's bucket: the origin every behavior targets unless it names another; and its ID in
# the distribution (what the rendered stack calls it).
SITE: Final = "site"
SITE_ORIGIN_ID: Final = "site-bucket"
OriginProtocolPolicy = Literal["http-only", "https-only", "match-viewer"]
ORIGIN_PROTOCOL_POLICIES: Final = get_args(OriginProtocolPolicy)
CONNECTION_TIMEOUT_RANGE: Final = range(1, 11)
# 1-60 s is the default quota; AWS raises it to 180 s on request.
READ_TIMEOUT_RANGE: Final = range(1, 181)
# The status codes an origin group may fail over on (API OriginGroupFailoverCriteria).
FAILOVER_STATUS_CODES: Final = (400, 403, 404, 416, 500, 502, 503, 504)
# Origin failover works only for these methods; a behavior allowing others cannot use a group.
FAILOVER_METHODS: Final = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class CustomOrigin:
    """An HTTP origin: an API, a load balancer, another site. `local_url`: where `edgeform
    serve` sends its requests instead (a server on loopback)."""

    name: str
    domain_name: str
    origin_path: str = ""
    protocol_policy: OriginProtocolPolicy = "https-only"
    http_port: int = 80
    https_port: int = 443
    connection_timeout: int = 10
    connection_attempts: int = 3
    read_timeout: int = 30
    keepalive_timeout: int = 5
    custom_headers: tuple[tuple[str, str], ...] = ()
    local_url: str | None = None

    def protocol(self, viewer_protocol: str = "https") -> str:
        """The protocol CloudFront uses to reach this origin for a viewer's request."""
        if self.protocol_policy == "match-viewer":
            return viewer_protocol
        return "http" if self.protocol_policy == "http-only" else "https"

    def port(self, protocol: str) -> int:
        return self.http_port if protocol == "http" else self.https_port


@dataclass(frozen=True)
class OriginGroup:
    """Two origins: the primary, and the one CloudFront fails over to."""

    name: str
    primary: str
    failover: str
    failover_status_codes: tuple[int, ...] = (500, 502, 503, 504)

    @property
    def members(self) -> tuple[str, str]:
        return (self.primary, self.failover)
