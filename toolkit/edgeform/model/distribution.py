"""The distribution's own settings beside its behaviors: HTTP versions, IPv6, a web ACL, and
geographic restriction (CloudFront Developer Guide, "Restrict the geographic distribution of your
content": a viewer in a country the distribution does not serve gets 403, before any function
runs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

HttpVersion = Literal["http1.1", "http2", "http2and3", "http3"]
HTTP_VERSIONS: Final = get_args(HttpVersion)
# Terraform's and the API's words: a list of the countries served, or of those refused.
RestrictionType = Literal["none", "whitelist", "blacklist"]
GEO_BLOCKED_MESSAGE: Final = (
    "The Amazon CloudFront distribution is configured to block access from your country."
)


@dataclass(frozen=True)
class GeoRestriction:
    restriction_type: RestrictionType = "none"
    locations: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 codes

    def allows(self, country: str) -> bool:
        if self.restriction_type == "whitelist":
            return country in self.locations
        if self.restriction_type == "blacklist":
            return country not in self.locations
        return True


NO_RESTRICTION: Final = GeoRestriction()


@dataclass(frozen=True)
class AccessLogs:
    """Standard access logs to an S3 bucket (Developer Guide, "Configure standard logging
    (legacy)"): the bucket must have ACLs enabled; CloudFront's log delivery account gets
    write access when the distribution is made. `prefix` None: `<project>/<stage>/`, so that
    stages sharing a bucket keep their logs apart."""

    bucket: str
    prefix: str | None = None
    include_cookies: bool = False

    def prefix_for(self, project: str, stage: str) -> str:
        return self.prefix if self.prefix is not None else f"{project}/{stage}/"
