"""edgeform.toml's keys, declared once: type, default, bounds, rule and words for each.

From these models come the validation (parse.py), the JSON Schema that `edgeform schema` prints
and generated edgeform.toml files name on their `#:schema` line (editors complete and check
keys from it), and the README's key reference (reference.py). A key is added here, with its
description, and nowhere else; parse.py then carries its value into the frozen `Project`.

Keys are the Terraform provider's argument names where one exists. Models are strict (TOML's
types, no coercion: `memory = "128"` is a mistake, not 128) and refuse unknown keys.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from edgeform.config import rules
from edgeform.config.hints import Hint
from edgeform.model.distribution import HttpVersion, RestrictionType
from edgeform.model.lambda_edge import (
    MAX_ASSOCIATIONS,
    MEMORY_MB,
    MEMORY_RANGE_MB,
    TIMEOUT_RANGE_SECONDS,
    TIMEOUT_SECONDS,
    EventType,
)
from edgeform.model.names import FUNCTION_NAME_MAX, NAME_PATTERN, PROJECT_NAME_MAX
from edgeform.model.origins import (
    CONNECTION_TIMEOUT_RANGE,
    FAILOVER_STATUS_CODES,
    READ_TIMEOUT_RANGE,
    OriginProtocolPolicy,
)
from edgeform.model.project import (
    METHOD_SETS,
    RESPONSE_PAGE_PATH_MAX,
    TTL_RANGE_SECONDS,
    ErrorCode,
    PriceClass,
    ResponseCode,
    TargetKind,
    ViewerProtocolPolicy,
)
from edgeform.model.response_headers import CorsMethod, FrameOption, ReferrerPolicy
from edgeform.model.state import DEFAULT_KEY_PREFIX

TTL_MAX: Final = TTL_RANGE_SECONDS.stop - 1
# CloudFront's quota on the header names in a CORS list (allow or expose headers).
POLICY_HEADER_NAMES_MAX: Final = 100


def _name_hint(what: str, limit: int) -> Hint:
    return Hint(
        f"{{value!r}} is not a valid {what} name",
        f"use 1-{limit} lower-case letters, digits and single hyphens, starting with a letter",
    )


Composed = Annotated[str, AfterValidator(rules.composed)]
ProjectName = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, max_length=PROJECT_NAME_MAX),
    _name_hint("project", PROJECT_NAME_MAX),
    AfterValidator(rules.project_name),
]
FunctionName = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, max_length=FUNCTION_NAME_MAX),
    _name_hint("function", FUNCTION_NAME_MAX),
]
Region = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$"),
    Hint("{value!r} is not a region", 'write an AWS region, e.g. "eu-west-1"'),
]
ConfigKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"),
    Hint("not a valid config name", "use letters, digits and underscores, starting with a letter"),
]
# A string, integer or boolean, checked by one rule (a union would report one error per type).
ConfigScalar = Annotated[
    str | int | bool,
    PlainValidator(rules.config_value),
    WithJsonSchema({"type": ["string", "integer", "boolean"]}),
]
TagKey = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9 _.:/=+@-]{1,128}$"),
    Hint(
        "not a valid tag key",
        "use 1-128 letters, digits, spaces and _ . : / = + - @, not starting aws:",
    ),
    AfterValidator(rules.tag_key),
]
TagValue = Annotated[str, StringConstraints(max_length=256), AfterValidator(rules.tag_value)]
Ttl = Annotated[
    int,
    Field(ge=0, le=TTL_MAX),
    Hint(
        "{value} s is out of range",
        f"CloudFront accepts 0 to {TTL_MAX:,} seconds (100 years)",
    ),
]


class Table(BaseModel):
    """A TOML table: TOML's own types, no unknown keys, frozen once read."""

    # Built once, as part of EdgeformFile (the end of this module), not one validator per
    # table: a table is never validated on its own.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Hint("{value!r} is not a country code", 'use ISO 3166-1 alpha-2 codes, e.g. "DE"'),
]


class GeoRestrictionTable(Table):
    """Terraform's restrictions.geo_restriction."""

    restriction_type: Annotated[
        RestrictionType,
        Hint("unknown {value!r}", "use whitelist (serve these) or blacklist (refuse these)"),
        Field(description="whitelist: serve only these countries; blacklist: refuse them."),
    ]
    locations: Annotated[
        list[CountryCode],
        Field(min_length=1, description='ISO 3166-1 alpha-2 country codes, e.g. ["KP"].'),
    ]


class LoggingTable(Table):
    """Terraform's logging_config, the bucket by name."""

    bucket: Annotated[
        str,
        AfterValidator(rules.bucket_name),
        Field(description="The S3 bucket the logs go to (ACLs enabled), by name."),
    ]
    prefix: Annotated[
        str | None,
        StringConstraints(max_length=256),
        Field(description='Before each log file\'s name (default "<project>/<stage>/").'),
    ] = None
    include_cookies: Annotated[bool, Field(description="Log the viewers' cookies.")] = False


class ProjectTable(Table):
    """The project and its distribution's own settings."""

    name: Annotated[
        ProjectName,
        Field(
            description="The project's name: it starts every resource's name. Lower-case "
            "letters, digits and single hyphens, at most 20."
        ),
    ]
    site: Annotated[
        str,
        AfterValidator(rules.site_folder),
        Field(description="The folder of the static site, from the project's root."),
    ] = "site"
    templates: Annotated[
        str | None,
        AfterValidator(rules.templates_folder),
        Field(
            description="A folder of the project's own Terraform templates; without it the "
            "templates that ship with edgeform render the stack."
        ),
    ] = None
    default_root_object: Annotated[
        Composed,
        AfterValidator(rules.root_object),
        Field(description="The object CloudFront returns for a request of the root URL."),
    ] = "index.html"
    price_class: Annotated[
        PriceClass,
        Hint("unknown {value!r}", "use one of: PriceClass_100, PriceClass_200, PriceClass_All"),
        Field(description="Which edge locations serve the distribution."),
    ] = "PriceClass_100"
    comment: Annotated[
        Composed,
        StringConstraints(max_length=128),
        Hint("longer than 128 characters", "shorten it: CloudFront limits a comment to 128"),
        Field(description="The distribution's comment."),
    ] = ""
    tags: Annotated[
        dict[TagKey, TagValue],
        Field(description="Tags on every resource, beside edgeform's own project and stage."),
    ] = {}
    default_target: Annotated[
        str,
        AfterValidator(rules.default_target),
        Field(description="The target a command uses without --target."),
    ] = "local"
    http_version: Annotated[
        HttpVersion,
        Hint("unknown {value!r}", "use one of: http1.1, http2, http2and3, http3"),
        Field(description="The HTTP versions viewers may use (default http2, AWS's)."),
    ] = "http2"
    is_ipv6_enabled: Annotated[
        bool, Field(description="Answer viewers on IPv6 too (default true).")
    ] = True
    web_acl_id: Annotated[
        str | None,
        StringConstraints(pattern=r"^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global/webacl/.+$"),
        Hint(
            "{value!r} is not a global WAFv2 web ACL's ARN",
            "use the ARN of a web ACL with scope CLOUDFRONT, in us-east-1: "
            "arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>",
        ),
        Field(description="The AWS WAF web ACL that filters requests (its ARN)."),
    ] = None
    logging: Annotated[
        LoggingTable | None,
        Field(
            description='Standard access logs, e.g. { bucket = "acme-cf-logs", prefix = "site/" }.'
        ),
    ] = None
    geo_restriction: Annotated[
        GeoRestrictionTable | None,
        Field(
            description='Countries served or refused, e.g. { restriction_type = "blacklist", '
            'locations = ["KP"] }.'
        ),
    ] = None


class FunctionTable(Table):
    """One Lambda@Edge function, `[functions.<name>]`."""

    source: Annotated[
        str | None,
        AfterValidator(rules.function_source),
        Field(description="The function's folder, from the project's root (default: "
              "functions/<name>)."),
    ] = None  # fmt: skip
    runtime: Annotated[
        str,
        StringConstraints(pattern=r"^(python3\.\d+|nodejs\d+\.x)$"),
        Hint(
            "{value!r} is not a Lambda@Edge runtime",
            'use a Node.js or Python runtime, e.g. "python3.12" or "nodejs22.x"',
            "LE101",
        ),
        Field(description='The Lambda runtime, e.g. "python3.12" or "nodejs22.x".'),
    ]
    handler: Annotated[
        str,
        StringConstraints(pattern=r"^[A-Za-z0-9_./-]+\.[A-Za-z_$][A-Za-z0-9_$]*$"),
        Hint(
            "{value!r} is not a handler",
            'write "<module>.<function>", e.g. "app.handler" for handler() in app.py',
        ),
        Field(description='"<module>.<function>", e.g. "app.handler".'),
    ]
    memory: Annotated[
        int,
        Field(
            ge=MEMORY_RANGE_MB.start,
            le=MEMORY_RANGE_MB.stop - 1,
            description="Memory in MB (viewer triggers allow 128 at most).",
        ),
        Hint(
            "{value} MB is out of range",
            f"use {MEMORY_RANGE_MB.start} to {MEMORY_RANGE_MB.stop - 1} "
            f"(viewer triggers allow {MEMORY_MB['viewer']} at most)",
            "LE102",
        ),
    ] = 128
    timeout: Annotated[
        int,
        Field(
            ge=TIMEOUT_RANGE_SECONDS.start,
            le=TIMEOUT_RANGE_SECONDS.stop - 1,
            description="Timeout in seconds (viewer triggers allow 5 at most).",
        ),
        Hint(
            "{value} s is out of range",
            f"use {TIMEOUT_RANGE_SECONDS.start} to {TIMEOUT_RANGE_SECONDS.stop - 1} "
            f"(viewer triggers allow {TIMEOUT_SECONDS['viewer']} at most)",
            "LE103",
        ),
    ] = 5


class TriggerTable(Table):
    """A function wired to one CloudFront event of a behavior."""

    event: Annotated[
        EventType,
        Hint(
            "unknown event {value!r}",
            "use one of: viewer-request, origin-request, origin-response, viewer-response",
        ),
        Field(description="The CloudFront event that runs the function."),
    ]
    function: Annotated[
        str,
        AfterValidator(rules.trigger_function),
        Field(description="The name of a [functions.<name>] table."),
    ]
    include_body: Annotated[
        bool,
        Field(description="Send the request body to the function (request events only)."),
    ] = False


class DefaultBehaviorTable(Table):
    """The cache behavior for every path no [[behaviors]] entry matches."""

    triggers: Annotated[
        list[TriggerTable],
        AfterValidator(rules.triggers),
        Field(
            description=f"The functions this behavior runs, at most {MAX_ASSOCIATIONS} (one "
            "per event)."
        ),
    ] = []
    allowed_methods: Annotated[
        list[str],
        AfterValidator(rules.allowed_methods),
        WithJsonSchema({"enum": [list(s) for s in METHOD_SETS]}),
        Field(description="The HTTP methods CloudFront accepts: one of its three sets."),
    ] = list(METHOD_SETS[0])
    cache_policy: Annotated[
        str | None,
        AfterValidator(rules.cache_policy_name),
        Field(
            description="The cache policy: one of AWS's managed ones by name (CachingOptimized, "
            "CachingDisabled, ...) or a [cache_policies] name. Without it, edgeform makes one "
            "from the legacy keys below."
        ),
    ] = None
    origin_request_policy: Annotated[
        str | None,
        AfterValidator(rules.origin_request_policy_name),
        Field(
            description="What reaches the origin besides the cache key: one of AWS's managed "
            "origin request policies by name (AllViewer, CORS-S3Origin, ...) or an "
            "[origin_request_policies] name."
        ),
    ] = None
    target_origin: Annotated[
        str,
        AfterValidator(rules.target_origin),
        Field(
            description='Where a miss is fetched: "site" (the bucket), an [origins] name or an '
            "[origin_groups] name."
        ),
    ] = "site"
    response_headers_policy: Annotated[
        str | None,
        AfterValidator(rules.response_headers_policy_name),
        Field(
            description="The headers CloudFront adds to or removes from responses: one of AWS's "
            "managed response headers policies by name (SecurityHeadersPolicy, "
            "CORS-With-Preflight, ...) or a [response_headers_policies] name."
        ),
    ] = None
    viewer_protocol_policy: Annotated[
        ViewerProtocolPolicy,
        Hint("unknown {value!r}", "use one of: allow-all, https-only, redirect-to-https"),
        Field(description="What a viewer's plain HTTP request gets."),
    ] = "redirect-to-https"
    cached_methods: Annotated[
        list[str] | None,
        WithJsonSchema({"enum": [["GET", "HEAD"], ["GET", "HEAD", "OPTIONS"]]}),
        Field(
            description="The methods whose responses are cached (default: GET and HEAD, "
            "and OPTIONS when it is allowed)."
        ),
    ] = None
    compress: Annotated[bool, Field(description="Compress responses CloudFront can compress.")] = (
        True
    )
    forward_query_string: Annotated[
        bool | None,
        Field(
            description="Legacy: the query string in the cache key and to the origin "
            "(default true). Without cache_policy only."
        ),
    ] = None
    min_ttl: Annotated[
        Ttl | None,
        Field(
            description="Legacy: the least time an object stays cached, s (default 0). "
            "Without cache_policy only."
        ),
    ] = None
    default_ttl: Annotated[
        Ttl | None,
        Field(
            description="Legacy: how long an object without Cache-Control stays cached, s "
            "(default 86400). Without cache_policy only."
        ),
    ] = None
    max_ttl: Annotated[
        Ttl | None,
        Field(
            description="Legacy: the most time an object stays cached, s (default 31536000). "
            "Without cache_policy only."
        ),
    ] = None


class BehaviorTable(DefaultBehaviorTable):
    """A cache behavior for the paths its pattern matches, in the order they are listed."""

    path_pattern: Annotated[
        str,
        # ECMA-262 too (JSON Schema's regex dialect): no escapes inside the class.
        StringConstraints(pattern="^[A-Za-z0-9_.*$/~\"'@:+&?-]{1,255}$"),
        Hint(
            "{value!r} is not a CloudFront path pattern",
            'use 1-255 of A-Z a-z 0-9 _ - . * $ / ~ " \' @ : + & ?, e.g. "/api/*"',
            "LE109",
        ),
        AfterValidator(rules.not_catch_all),
        Field(description='The paths this behavior serves, e.g. "/api/*".'),
    ]


HeaderName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$"),
    Hint("{value!r} is not a header name", 'write an HTTP header\'s name, e.g. "Origin"'),
]


def _words_or_names(*words: str) -> WithJsonSchema:
    """The JSON Schema of a value that is one of `words` or an array of at most 10 names."""
    names = {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 10}
    return WithJsonSchema({"oneOf": [{"enum": list(words)}, names]})


# "none", "all", or names: rules.selection checks it as one value (a union would report one
# error per alternative).
Selectable = Annotated[Any, PlainValidator(rules.selection), _words_or_names("none", "all")]
PolicyComment = Annotated[
    Composed,
    StringConstraints(max_length=128),
    Hint("longer than 128 characters", "shorten it: CloudFront limits a comment to 128"),
    Field(description="The policy's comment."),
]


class CachePolicyTable(Table):
    """A cache policy of the project's own: `[cache_policies.<name>]`. Terraform's
    aws_cloudfront_cache_policy, its key settings flattened."""

    comment: PolicyComment = ""
    min_ttl: Annotated[Ttl, Field(description="The least time an object stays cached (s).")] = 0
    default_ttl: Annotated[
        Ttl, Field(description="How long an object stays cached without Cache-Control (s).")
    ] = 86400
    max_ttl: Annotated[
        Ttl, Field(description="The most time an object stays cached (s); 0: no caching.")
    ] = 31536000
    headers: Annotated[
        list[HeaderName],
        Field(
            max_length=10,
            description="Headers in the cache key (and so sent to the origin), at most 10.",
        ),
        Hint("more than 10 headers", "keep at most 10 in a cache key", "LE601"),
    ] = []
    cookies: Annotated[
        Selectable,
        Field(description='Cookies in the cache key: "none", "all" or their names.'),
    ] = "none"
    query_strings: Annotated[
        Selectable,
        Field(description='Query strings in the cache key: "none", "all" or their names.'),
    ] = "none"
    enable_accept_encoding_gzip: Annotated[
        bool, Field(description="Cache gzip-compressed objects apart (Accept-Encoding).")
    ] = True
    enable_accept_encoding_brotli: Annotated[
        bool, Field(description="Cache Brotli-compressed objects apart (Accept-Encoding).")
    ] = True


OriginHeaders = Annotated[
    Any, PlainValidator(rules.origin_headers), _words_or_names("none", "allViewer")
]


class OriginRequestPolicyTable(Table):
    """An origin request policy of the project's own: `[origin_request_policies.<name>]`,
    what reaches the origin besides the cache key (Terraform's
    aws_cloudfront_origin_request_policy, flattened)."""

    comment: PolicyComment = ""
    headers: Annotated[
        OriginHeaders,
        Field(
            description='Viewer headers sent on: "none", "allViewer", or their names (CloudFront '
            "headers such as CloudFront-Viewer-Country included), at most 10."
        ),
    ] = "none"
    cookies: Annotated[
        Selectable,
        Field(description='Cookies sent on: "none", "all" or their names.'),
    ] = "none"
    query_strings: Annotated[
        Selectable,
        Field(description='Query strings sent on: "none", "all" or their names.'),
    ] = "none"


HeaderNames = Annotated[list[HeaderName], Field(max_length=POLICY_HEADER_NAMES_MAX)]


class CorsTable(Table):
    """A response headers policy's CORS settings (Terraform's cors_config)."""

    allow_origins: Annotated[
        list[Annotated[str, StringConstraints(min_length=1)]],
        Field(
            min_length=1,
            description='Origins allowed, e.g. ["https://example.com"], or ["*"] for any.',
        ),
    ]
    allow_methods: Annotated[
        list[CorsMethod],
        Field(min_length=1, description='Methods a preflight allows, or ["ALL"].'),
        Hint("unknown method", "use GET, POST, OPTIONS, PUT, DELETE, PATCH, HEAD or ALL"),
    ]
    allow_headers: Annotated[
        HeaderNames,
        Field(
            min_length=1,
            description='Request headers a preflight allows, or ["*"] (CloudFront requires '
            "the list).",
        ),
    ]
    expose_headers: Annotated[
        HeaderNames,
        Field(description='Response headers the page\'s script may read, or ["*"].'),
    ] = []
    allow_credentials: Annotated[
        bool, Field(description="Send Access-Control-Allow-Credentials: true.")
    ] = False
    max_age: Annotated[
        int | None,
        Field(ge=0, le=TTL_MAX, description="How long a browser keeps a preflight's answer (s)."),
    ] = None
    origin_override: Annotated[
        bool, Field(description="The policy's CORS headers win over the origin's.")
    ] = True


class StrictTransportSecurityTable(Table):
    """Strict-Transport-Security: max-age and its directives."""

    max_age: Annotated[
        int, Field(ge=0, le=TTL_MAX, description="The max-age directive (s), e.g. 63072000.")
    ]
    include_subdomains: Annotated[bool, Field(description="Add includeSubDomains.")] = False
    preload: Annotated[bool, Field(description="Add preload.")] = False


class ResponseHeadersPolicyTable(Table):
    """A response headers policy of the project's own: `[response_headers_policies.<name>]`
    (Terraform's aws_cloudfront_response_headers_policy, flattened)."""

    comment: PolicyComment = ""
    content_security_policy: Annotated[
        str | None,
        StringConstraints(min_length=1, max_length=1783),
        Field(description="Content-Security-Policy's value."),
    ] = None
    strict_transport_security: Annotated[
        StrictTransportSecurityTable | None,
        Field(description="Strict-Transport-Security, e.g. { max_age = 63072000 }."),
    ] = None
    frame_options: Annotated[
        FrameOption | None,
        Hint("unknown {value!r}", "use DENY or SAMEORIGIN"),
        Field(description="X-Frame-Options: DENY or SAMEORIGIN."),
    ] = None
    content_type_options: Annotated[
        bool, Field(description="Send X-Content-Type-Options: nosniff.")
    ] = False
    referrer_policy: Annotated[
        ReferrerPolicy | None,
        Hint(
            "unknown {value!r}", "use a Referrer-Policy value, e.g. strict-origin-when-cross-origin"
        ),
        Field(description="Referrer-Policy's value."),
    ] = None
    cors: Annotated[
        Annotated[CorsTable, AfterValidator(rules.cors)] | None,
        Field(description="CORS headers for cross-origin requests and preflights."),
    ] = None
    custom_headers: Annotated[
        dict[HeaderName, Annotated[str, StringConstraints(min_length=1)]],
        AfterValidator(rules.settable_headers),
        Field(description='Headers added to every response, e.g. { "X-Robots-Tag" = "noindex" }.'),
    ] = {}
    remove_headers: Annotated[
        list[HeaderName],
        AfterValidator(rules.removable_headers),
        Field(description='Headers removed from the origin\'s responses, e.g. ["Server"].'),
    ] = []
    override: Annotated[
        bool,
        Field(
            description="The policy's security and custom headers replace the origin's of the "
            "same name (false: added only where the origin sent none)."
        ),
    ] = True


FailoverStatus = Literal[400, 403, 404, 416, 500, 502, 503, 504]


class OriginTable(Table):
    """A custom (HTTP) origin: `[origins.<name>]`, an API or another site. Terraform's origin
    block with its custom_origin_config, flattened."""

    domain_name: Annotated[
        str,
        StringConstraints(
            pattern=r"^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
            max_length=253,
        ),
        Hint(
            "{value!r} is not a domain name",
            'write the origin\'s DNS name, e.g. "api.example.com" (CloudFront takes no IP '
            "address or port here)",
        ),
        Field(description="The origin's DNS name, e.g. api.example.com."),
    ]
    origin_path: Annotated[
        str,
        StringConstraints(pattern=r"^(/[A-Za-z0-9_.~!$&'()*+,;=:@%-]+)*$", max_length=255),
        Hint(
            "{value!r} is not an origin path",
            'start it with "/" and end it without one, e.g. "/v1", or leave it ""',
        ),
        Field(description='A path put before every request\'s, e.g. "/v1" (default "").'),
    ] = ""
    origin_protocol_policy: Annotated[
        OriginProtocolPolicy,
        Hint("unknown {value!r}", "use one of: http-only, https-only, match-viewer"),
        Field(
            description="How CloudFront reaches the origin: http-only, https-only or match-viewer."
        ),
    ] = "https-only"
    http_port: Annotated[int, Field(ge=1, le=65535, description="The HTTP port.")] = 80
    https_port: Annotated[int, Field(ge=1, le=65535, description="The HTTPS port.")] = 443
    connection_timeout: Annotated[
        int,
        Field(
            ge=CONNECTION_TIMEOUT_RANGE.start,
            le=CONNECTION_TIMEOUT_RANGE.stop - 1,
            description="Seconds CloudFront waits to connect (1-10).",
        ),
    ] = 10
    connection_attempts: Annotated[
        int, Field(ge=1, le=3, description="Times CloudFront tries to connect (1-3).")
    ] = 3
    read_timeout: Annotated[
        int,
        Field(
            ge=READ_TIMEOUT_RANGE.start,
            le=READ_TIMEOUT_RANGE.stop - 1,
            description="Seconds CloudFront waits for a response (1-60; up to 180 with a quota "
            "increase), then answers 504.",
        ),
    ] = 30
    keepalive_timeout: Annotated[
        int, Field(ge=1, le=180, description="Seconds an idle connection is kept (1-60).")
    ] = 5
    custom_headers: Annotated[
        dict[HeaderName, Annotated[str, StringConstraints(max_length=1783)]],
        AfterValidator(rules.origin_custom_headers),
        Field(
            max_length=10,
            description="Headers CloudFront adds to every request to this origin, e.g. "
            '{ "X-From-Edge" = "secret" }.',
        ),
    ] = {}
    local_url: Annotated[
        str | None,
        AfterValidator(rules.local_url),
        Field(
            description="Where `edgeform serve` sends this origin's requests, a server on "
            'loopback, e.g. "http://127.0.0.1:8081".'
        ),
    ] = None


class OriginGroupTable(Table):
    """Two origins, the second tried when the first fails: `[origin_groups.<name>]`."""

    primary: Annotated[str, Field(description='"site" or an [origins] name.')]
    failover: Annotated[str, Field(description='"site" or an [origins] name.')]
    failover_status_codes: Annotated[
        list[FailoverStatus],
        Field(
            min_length=1,
            description="The primary's statuses that send the request to the failover origin "
            f"(of {', '.join(map(str, FAILOVER_STATUS_CODES))}).",
        ),
        Hint(
            "not a status CloudFront fails over on",
            f"use some of {', '.join(map(str, FAILOVER_STATUS_CODES))}",
        ),
    ] = [500, 502, 503, 504]


class StateTable(Table):
    """Where a target's Terraform state and stage records are shared: an S3 bucket."""

    bucket: Annotated[
        str,
        AfterValidator(rules.bucket_name),
        Field(description="The S3 bucket (made by `edgeform bootstrap`)."),
    ]
    region: Annotated[
        Region | None, Field(description="The bucket's region (default: the target's).")
    ] = None
    key_prefix: Annotated[
        str,
        AfterValidator(rules.key_prefix),
        Field(description="The key prefix of this project's objects in the bucket."),
    ] = DEFAULT_KEY_PREFIX


class TargetTable(Table):
    """Where stages are deployed: `[targets.<name>]`."""

    type: Annotated[
        TargetKind,
        Hint("unknown target type {value!r}", 'use "local" (embedded AWS endpoint) or "aws"'),
        Field(description='"local" (the embedded AWS endpoint) or "aws".'),
    ]
    region: Annotated[Region, Field(description="The AWS region of the site's bucket.")] = (
        "us-east-1"
    )
    profile: Annotated[
        Composed | None, Field(description="The AWS profile (default: the standard chain).")
    ] = None
    endpoint: Annotated[
        str | None,
        StringConstraints(pattern=r"^https?://[^\s/]+/?$"),
        Hint("{value!r} is not an endpoint URL", 'write e.g. "http://127.0.0.1:5000"'),
        Field(description="A local target's endpoint URL (default: one edgeform starts)."),
    ] = None
    state: Annotated[
        StateTable | None,
        Field(description="Shared state in an S3 bucket; without it, state is a local file."),
    ] = None
    ttl: Annotated[
        str | None,
        AfterValidator(rules.duration),
        Field(description='How long a deploy keeps a stage alive, e.g. "7d" (default: ever).'),
    ] = None


class StageTable(Table):
    """What the config says about one named stage: `[stages.<name>]`."""

    protected: Annotated[
        bool, Field(description="Refuse to destroy the stage without --force-protected.")
    ] = False
    config: Annotated[
        dict[str, Any],
        AfterValidator(rules.stage_config),
        WithJsonSchema(
            {"type": "object", "additionalProperties": {"type": ["string", "integer", "boolean"]}}
        ),
        Field(description="This stage's values for [config] keys."),
    ] = {}


class ErrorResponseTable(Table):
    """What the viewer gets when the origin answers an error: `[[custom_error_responses]]`."""

    error_code: Annotated[
        ErrorCode,
        Hint(
            "{value} is not a status CloudFront replaces",
            "use one of: 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504",
        ),
        Field(description="The origin's status this entry replaces."),
    ]
    response_page_path: Annotated[
        Composed | None,
        StringConstraints(pattern=r"^/[^*]*$", max_length=RESPONSE_PAGE_PATH_MAX),
        Hint(
            "{value!r} is not a page's path",
            "write the page's path from the site's root, e.g. \"/404.html\" (at most "
            f"{RESPONSE_PAGE_PATH_MAX} characters)",
        ),
        Field(description="The page the viewer gets instead, from the site's root."),
    ] = None
    response_code: Annotated[
        ResponseCode | None,
        Hint(
            "{value} is not one CloudFront sends",
            "use 200 or one of: 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504",
        ),
        Field(description="The status the viewer gets with that page."),
    ] = None
    error_caching_min_ttl: Annotated[
        int | None,
        Field(ge=0, le=TTL_MAX, description="How long CloudFront caches the error (s)."),
        Hint("{value} is out of range", "use 0 or more seconds (CloudFront's default is 10)"),
    ] = None


class EdgeformFile(Table):
    """edgeform.toml: a static site behind CloudFront with Lambda@Edge, deployed per stage."""

    model_config = ConfigDict(title="edgeform.toml")

    project: ProjectTable
    config: Annotated[
        dict[ConfigKey, ConfigScalar],
        Field(description="Build-time values baked into bundles and the site, per stage."),
    ] = {}
    cache_policies: Annotated[
        dict[FunctionName, Annotated[CachePolicyTable, AfterValidator(rules.cache_policy)]],
        Field(description="Cache policies of the project's own, by name."),
    ] = {}
    origin_request_policies: Annotated[
        dict[FunctionName, OriginRequestPolicyTable],
        Field(description="Origin request policies of the project's own, by name."),
    ] = {}
    response_headers_policies: Annotated[
        dict[FunctionName, ResponseHeadersPolicyTable],
        Field(description="Response headers policies of the project's own, by name."),
    ] = {}
    origins: Annotated[
        dict[Annotated[FunctionName, AfterValidator(rules.origin_name)], OriginTable],
        Field(description="Custom (HTTP) origins beside the site's bucket, by name."),
    ] = {}
    origin_groups: Annotated[
        dict[
            Annotated[FunctionName, AfterValidator(rules.origin_name)],
            Annotated[OriginGroupTable, AfterValidator(rules.origin_group)],
        ],
        AfterValidator(rules.origin_groups),
        Field(description="Origin groups (failover), by name."),
    ] = {}
    functions: Annotated[
        dict[FunctionName, FunctionTable],
        AfterValidator(rules.default_sources),
        Field(description="The edge functions, by name."),
    ] = {}
    default_behavior: Annotated[
        Annotated[DefaultBehaviorTable, AfterValidator(rules.behavior)],
        Field(description="The cache behavior for every path no [[behaviors]] entry matches."),
    ] = DefaultBehaviorTable.model_construct()  # no validator of its own: see Table
    behaviors: Annotated[
        list[Annotated[BehaviorTable, AfterValidator(rules.behavior)]],
        AfterValidator(rules.unique_patterns),
        Field(description="Cache behaviors by path pattern, matched in order."),
    ] = []
    targets: Annotated[
        dict[str, Annotated[TargetTable, AfterValidator(rules.target)]],
        Field(description='Where stages deploy (default: one "local" target).'),
    ] = {}
    stages: Annotated[dict[str, StageTable], Field(description="Settings of named stages.")] = {}
    custom_error_responses: Annotated[
        list[Annotated[ErrorResponseTable, AfterValidator(rules.error_response)]],
        AfterValidator(rules.unique_error_codes),
        Field(description="Pages the viewer gets instead of an origin's error."),
    ] = []


@contextmanager
def _without_plugins() -> Iterator[None]:
    """pydantic looks for plugins (observability hooks such as logfire's) in every installed
    package's entry points when it builds a validator: ~20 ms of each command, for hooks meant
    for an application's own models, not a CLI's config file."""
    saved = os.environ.get(_PLUGINS_ENV)
    os.environ[_PLUGINS_ENV] = "__all__"
    try:
        yield
    finally:
        if saved is None:
            del os.environ[_PLUGINS_ENV]
        else:
            os.environ[_PLUGINS_ENV] = saved


_PLUGINS_ENV: Final = "PYDANTIC_DISABLE_PLUGINS"
with _without_plugins():
    EdgeformFile.model_rebuild(force=True)
