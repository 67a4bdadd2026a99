"""The rules of edgeform.toml that a type, a bound or a pattern cannot say.

Each rule is a validator that config/schema.py attaches to the key it concerns: it returns the
value, or refuses it with what is wrong and the fix (config/hints.py). Rules that look past
their own value (a trigger's function must be defined; a folder must exist) read the
`ParseContext` that parse.py passes to the validation, computed from the raw file first so that
they run even when another part of the file is wrong: every mistake is reported at once.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from edgeform.config.context import ParseContext
from edgeform.config.hints import Problem, refuse, refuse_one
from edgeform.model.lambda_edge import MAX_ASSOCIATIONS, REQUEST_EVENTS
from edgeform.model.project import METHOD_SETS
from edgeform.model.state import bucket_name_problem, key_prefix_problem, parse_duration
from edgeform.model.workspace import WORK_DIR

if TYPE_CHECKING:
    from pydantic import ValidationInfo

    from edgeform.config.schema import (
        BehaviorTable,
        CachePolicyTable,
        CorsTable,
        ErrorResponseTable,
        FunctionTable,
        OriginGroupTable,
        TargetTable,
        TriggerTable,
    )
    from edgeform.model.policies import PolicyKind

# The largest integer Node.js and the page's JavaScript read exactly (Number.MAX_SAFE_INTEGER).
JS_SAFE_INTEGER: Final = 2**53 - 1
# S3 reserves these prefixes for its own bucket names (the project name starts each bucket's).
RESERVED_NAME_PREFIXES: Final = ("xn--", "sthree", "amzn-s3-demo")
# Tags edgeform sets on every resource itself.
OWN_TAGS: Final = ("project", "stage", "managed-by")

TYPE_NAMES: Final = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    dict: "a table",
    list: "an array",
}


def is_a(value: Any, kind: type) -> bool:
    # TOML booleans are Python bools, which are ints too: keep them apart.
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def describe(value: Any) -> str:
    for kind, name in TYPE_NAMES.items():
        if is_a(value, kind):
            return f"{name} ({value!r})" if kind in (str, int, bool) else name
    return type(value).__name__


def composed(value: str) -> str:
    # Terraform normalizes string literals to Unicode NFC: a decomposed "U\u0300" would reach
    # AWS as "\u00d9", another string (another S3 key, for the root object). Refuse, don't guess.
    if not unicodedata.is_normalized("NFC", value):
        refuse_one(
            "is not in Unicode NFC; Terraform would change it to "
            f"{unicodedata.normalize('NFC', value)!r}",
            "write it with composed characters (NFC), and name files the same way",
        )
    return value


def project_name(name: str) -> str:
    if name.startswith(RESERVED_NAME_PREFIXES):
        refuse_one(f"{name!r} starts with a prefix S3 reserves", "choose another project name")
    return name


def root_object(key: str) -> str:
    if not key or key.startswith("/"):
        refuse_one(
            f"{key!r} is not an object key",
            'write a key relative to the site folder, e.g. "index.html"',
        )
    return key


def folder_in(root: Path, relative: str, key: str) -> Path:
    """The folder `relative` names from the project's root, refused when it is missing."""
    path = (root / relative).resolve()
    if not path.is_dir():
        refuse_one(
            f"folder {path} does not exist", f"create it or point {key} at an existing folder"
        )
    return path


def site_folder(relative: str, info: ValidationInfo) -> str:
    root = ParseContext.of(info).root
    site = folder_in(root, relative, "site")
    if root.resolve().is_relative_to(site) or site.is_relative_to((root / WORK_DIR).resolve()):
        refuse_one(
            f"{site} holds the project itself (edgeform.toml, {WORK_DIR}/ with its state): "
            "all of it would be public",
            'point site at the folder of the pages alone, e.g. site = "site"',
        )
    return relative


def templates_folder(relative: str, info: ValidationInfo) -> str:
    folder_in(ParseContext.of(info).root, relative, "templates")
    return relative


def default_target(name: str, info: ValidationInfo) -> str:
    # Without [targets] the project has the one local target.
    targets = ParseContext.of(info).targets or frozenset({"local"})
    if name not in targets:
        refuse_one(
            f"no target named {name!r}",
            f"use one of: {', '.join(sorted(targets))}, or add [targets.{name}]",
        )
    return name


def function_source(source: str, info: ValidationInfo) -> str:
    root = ParseContext.of(info).root.resolve()
    folder = (root / source).resolve()
    if not folder.is_relative_to(root):
        refuse_one(
            f"folder {folder} is outside the project folder {root}",
            "keep the function's code inside the project (no ../ or link out of it)",
        )
    if not folder.is_dir():
        refuse_one(
            f"folder {folder} does not exist", "create it or point source at the function's folder"
        )
    return source


def default_sources(functions: dict[str, FunctionTable], info: ValidationInfo) -> dict[str, Any]:
    """Functions without a source have theirs in functions/<name>: it must exist."""
    root = ParseContext.of(info).root
    problems = [
        Problem(
            f"folder {(root / 'functions' / name).resolve()} does not exist",
            "create it or point source at the function's folder",
            at=f"{name}.source",
        )
        for name, spec in functions.items()
        if spec.source is None and not (root / "functions" / name).is_dir()
    ]
    if problems:
        refuse(*problems)
    return functions


def config_value(value: Any) -> str | int | bool:
    if not isinstance(value, str | int | bool):
        refuse_one(
            f"expected a string, integer or boolean, got {describe(value)}",
            "build-time config values are baked into bundles as plain JSON values",
        )
    if isinstance(value, int) and abs(value) > JS_SAFE_INTEGER:
        refuse_one(
            f"{value} is too large to reach JavaScript unchanged",
            f"use an integer within ±{JS_SAFE_INTEGER:,}, or a string",
        )
    return value


def stage_config(overrides: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    """A stage's [config] overrides: keys [config] has, with the same types."""
    defaults = ParseContext.of(info).config
    problems = [
        Problem(
            "not a key of [config]",
            f"add {key} to [config] first, so every stage has a value",
            at=key,
        )
        for key in sorted(set(overrides) - set(defaults))
    ]
    problems += [
        Problem(
            f"expected {describe(defaults[key])} like [config], got {describe(value)}",
            "use the same type",
            at=key,
        )
        for key, value in overrides.items()
        if key in defaults and type(value) is not type(defaults[key])
    ]
    if problems:
        refuse(*problems)
    return overrides


def tag_key(key: str) -> str:
    if key.lower().startswith("aws:"):
        refuse_one(
            "not a valid tag key",
            "use 1-128 letters, digits, spaces and _ . : / = + - @, not starting aws:",
        )
    if key in OWN_TAGS:
        refuse_one("edgeform sets this tag itself", "choose another key")
    return key


def tag_value(value: str) -> str:
    # AWS tag values: Unicode letters, digits and spaces, plus _ . : / = + - @
    if len(value) > 256 or not all(c.isalnum() or c == " " or c in "_.:/=+-@" for c in value):
        refuse_one(
            f"{value!r} is not a valid tag value",
            "use at most 256 letters, digits, spaces and _ . : / = + - @",
        )
    return composed(value)


def allowed_methods(methods: list[str]) -> list[str]:
    if tuple(methods) not in METHOD_SETS:
        refuse_one(
            f"{methods} is not a set CloudFront accepts",
            "use " + " or ".join(str(list(s)) for s in METHOD_SETS),
        )
    return methods


def not_catch_all(pattern: str) -> str:
    if pattern in ("*", "/*"):
        refuse_one(
            f"{pattern!r} matches everything",
            "put catch-all triggers under [default_behavior]",
            "LE109",
        )
    return pattern


def trigger_function(name: str, info: ValidationInfo) -> str:
    functions = ParseContext.of(info).functions
    if name not in functions:
        refuse_one(
            f"no function named {name!r}",
            f"define [functions.{name}] or use one of: "
            f"{', '.join(sorted(functions)) or '(none defined)'}",
        )
    return name


def triggers(items: list[TriggerTable]) -> list[TriggerTable]:
    """One function per event of a behavior, at most four associations."""
    problems: list[Problem] = []
    if len(items) > MAX_ASSOCIATIONS:
        problems.append(
            Problem(
                f"{len(items)} associations; CloudFront allows {MAX_ASSOCIATIONS} per behavior",
                "keep one function per event type",
                "LE106",
            )
        )
    problems += [
        Problem(
            f"{items[i].event} already runs {items[j].function!r} (triggers[{j}])",
            "CloudFront allows one function per event of a behavior: remove one",
            "LE105",
            at=f"[{i}].event",
        )
        for i, j in _repeats([t.event for t in items])
    ]
    if problems:
        refuse(*problems)
    return items


def behavior(table: BehaviorTable, info: ValidationInfo) -> BehaviorTable:
    """A behavior's keys together: TTLs in order; a body only for events and methods that
    carry one; an origin group only for the methods CloudFront fails over."""
    problems = [
        Problem(
            f"{trigger.event} never receives a body",
            "use include_body only on viewer-request or origin-request",
            "LE107",
            at=f"triggers[{i}].include_body",
        )
        for i, trigger in enumerate(table.triggers)
        if trigger.include_body and trigger.event not in REQUEST_EVENTS
    ]
    problems += [
        Problem(
            "a body is only sent for methods that carry one",
            f"set allowed_methods = {list(METHOD_SETS[2])} or drop include_body",
            "LE107",
            at=f"triggers[{i}].include_body",
        )
        for i, trigger in enumerate(table.triggers)
        if trigger.include_body and "POST" not in table.allowed_methods
    ]
    problems += _legacy_or_policy(table)
    problems += _failover_methods(table, ParseContext.of(info))
    if table.cached_methods is not None:
        allowed = "OPTIONS" in table.allowed_methods
        if table.cached_methods not in (["GET", "HEAD"], ["GET", "HEAD", "OPTIONS"]) or (
            "OPTIONS" in table.cached_methods and not allowed
        ):
            problems.append(
                Problem(
                    f"{table.cached_methods} is not a set CloudFront caches here",
                    '["GET", "HEAD"], or ["GET", "HEAD", "OPTIONS"] when OPTIONS is allowed',
                    at="cached_methods",
                )
            )
    if problems:
        refuse(*problems)
    return table


def _failover_methods(table: BehaviorTable, context: ParseContext) -> list[Problem]:
    from edgeform.model.origins import FAILOVER_METHODS

    extra = [m for m in table.allowed_methods if m not in FAILOVER_METHODS]
    if table.target_origin not in context.origin_groups or not extra:
        return []
    return [
        Problem(
            f"origin group {table.target_origin!r} with {', '.join(extra)} allowed: CloudFront "
            "fails over only GET, HEAD and OPTIONS, and refuses such a behavior",
            "allow GET and HEAD (and OPTIONS), or target one origin",
            "LE609",
            at="target_origin",
        )
    ]


def _legacy_or_policy(table: BehaviorTable) -> list[Problem]:
    """The legacy keys make edgeform's own cache policy; with a cache_policy they mean nothing
    (CloudFront takes a behavior's TTLs and forwarding from its cache policy alone)."""
    given = [key for key in LEGACY_KEYS if getattr(table, key) is not None]
    if table.cache_policy is not None and given:
        return [
            Problem(
                f"{', '.join(given)} and cache_policy both set; the cache policy decides",
                f"put them in [cache_policies.{table.cache_policy}], or drop cache_policy",
                "LE603",
                at=given[0],
            )
        ]
    ttls = [
        table.min_ttl if table.min_ttl is not None else 0,
        table.default_ttl if table.default_ttl is not None else 86400,
        table.max_ttl if table.max_ttl is not None else 31536000,
    ]
    if not ttls[0] <= ttls[1] <= ttls[2]:
        return [
            Problem(
                f"TTLs {ttls} are not in order",
                "make 0 <= min_ttl <= default_ttl <= max_ttl",
                at="default_ttl",
            )
        ]
    return []


def _repeats(values: list[Any]) -> list[tuple[int, int]]:
    """(index, index of its first occurrence) for every value seen before."""
    first: dict[Any, int] = {}
    found = []
    for i, value in enumerate(values):
        if value in first:
            found.append((i, first[value]))
        first.setdefault(value, i)
    return found


def unique_patterns(behaviors: list[BehaviorTable]) -> list[BehaviorTable]:
    problems = [
        Problem(
            f"{behaviors[i].path_pattern!r} is already used by behaviors[{j}]",
            "each path pattern may appear once: merge the two behaviors",
            "LE109",
            at=f"[{i}].path_pattern",
        )
        for i, j in _repeats([b.path_pattern for b in behaviors])
    ]
    if problems:
        refuse(*problems)
    return behaviors


def error_response(table: ErrorResponseTable) -> ErrorResponseTable:
    if (table.response_page_path is None) != (table.response_code is None):
        refuse_one(
            "response_page_path and response_code come together",
            "set both (the page, and the status the viewer gets with it), or neither (to set "
            "only error_caching_min_ttl)",
            at="response_code" if table.response_code is None else "response_page_path",
        )
    return table


def unique_error_codes(items: list[ErrorResponseTable]) -> list[ErrorResponseTable]:
    problems = [
        Problem(
            f"{items[i].error_code} has a custom error response already",
            "keep one [[custom_error_responses]] per error_code",
            at=f"[{i}].error_code",
        )
        for i, _ in _repeats([item.error_code for item in items])
    ]
    if problems:
        refuse(*problems)
    return items


# CloudFront's quotas on a cache policy (Developer Guide, "Quotas on policies"): 10 headers,
# 10 cookies and 10 query strings in its cache key.
POLICY_KEY_ITEMS_MAX: Final = 10
SELECTION_WORDS: Final = ("none", "all")


def selection(value: Any) -> Any:
    """`"none"`, `"all"`, or an array of names (at most 10): cookies or query strings."""
    if value in SELECTION_WORDS:
        return value
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        if len(value) > POLICY_KEY_ITEMS_MAX:
            refuse_one(
                f"{len(value)} names; CloudFront allows {POLICY_KEY_ITEMS_MAX} in a policy",
                'keep the ones the origin needs, or use "all"',
                "LE601",
            )
        return value
    refuse_one(
        f'expected "none", "all" or an array of names, got {describe(value)}',
        'write "none", "all", or ["name", ...]',
    )
    return None  # not reached: refuse_one raises


def cache_policy(table: CachePolicyTable) -> CachePolicyTable:
    """TTLs in order; no cache key when caching is disabled (CloudFront refuses one)."""
    problems = []
    ttls = [table.min_ttl, table.default_ttl, table.max_ttl]
    if not ttls[0] <= ttls[1] <= ttls[2]:
        problems.append(
            Problem(
                f"TTLs {ttls} are not in order",
                "make 0 <= min_ttl <= default_ttl <= max_ttl",
                at="default_ttl",
            )
        )
    keyed = [
        key
        for key, value in (
            ("headers", table.headers),
            ("cookies", table.cookies),
            ("query_strings", table.query_strings),
        )
        if value not in ([], "none")
    ]
    if table.max_ttl == 0 and keyed:
        problems.append(
            Problem(
                f"caching is disabled (max_ttl = 0) but {', '.join(keyed)} would be in the "
                "cache key",
                'with caching disabled the key is empty: set headers = [], cookies = "none", '
                'query_strings = "none" and send them with an origin request policy instead',
                "LE602",
                at=keyed[0],
            )
        )
    if problems:
        refuse(*problems)
    return table


def _policy_name(name: str, info: ValidationInfo, kind: PolicyKind) -> str:
    """A behavior's policy of `kind`: the project's own ([<kind>_policies]) or AWS's."""
    from edgeform.model.policies import MANAGED

    table = kind.replace("-", "_") + "_policies"
    custom = getattr(ParseContext.of(info), table)
    managed = MANAGED[kind]
    if name not in custom and name not in managed:
        refuse_one(
            f"no {kind.replace('-', ' ')} policy named {name!r}",
            f"define [{table}.{name}], or name one of AWS's managed policies: "
            + ", ".join(managed),
            "LE603",
        )
    return name


def cache_policy_name(name: str, info: ValidationInfo) -> str:
    return _policy_name(name, info, "cache")


def origin_request_policy_name(name: str, info: ValidationInfo) -> str:
    return _policy_name(name, info, "origin-request")


def response_headers_policy_name(name: str, info: ValidationInfo) -> str:
    return _policy_name(name, info, "response-headers")


def origin_headers(value: Any) -> Any:
    """`"none"`, `"allViewer"`, or at most 10 header names, Authorization not among them
    (CloudFront answers 400: it must be in the cache key, a cache policy's)."""
    if value in ("none", "allViewer"):
        return value
    if not (isinstance(value, list) and all(isinstance(v, str) and v for v in value)):
        refuse_one(
            f'expected "none", "allViewer" or an array of header names, got {describe(value)}',
            'write "none", "allViewer", or ["Header-Name", ...]',
        )
    if len(value) > POLICY_KEY_ITEMS_MAX:
        refuse_one(
            f"{len(value)} headers; CloudFront allows {POLICY_KEY_ITEMS_MAX} in a policy",
            'keep the ones the origin needs, or use "allViewer"',
            "LE601",
        )
    if any(name.lower() == "authorization" for name in value):
        refuse_one(
            "an origin request policy cannot send Authorization (CloudFront refuses it: the "
            "header must be in the cache key, so the cache never answers another viewer)",
            "put Authorization in the behavior's cache policy's headers",
            "LE604",
        )
    return value


def cors(table: CorsTable) -> CorsTable:
    """Credentials only with named origins: browsers refuse `Access-Control-Allow-Origin: *`
    on a credentialed request (Fetch standard, CORS protocol), so the policy would never work."""
    if table.allow_credentials and "*" in table.allow_origins:
        refuse(
            Problem(
                'allow_credentials with allow_origins = ["*"]: browsers refuse a wildcard '
                "origin on a request with credentials",
                "list the origins allowed, or set allow_credentials = false",
                "LE605",
                at="allow_credentials",
            )
        )
    return table


def _untouchable(names: list[str], verb: str) -> None:
    from edgeform.model.response_headers import untouchable

    refused = [name for name in names if untouchable(name)]
    if refused:
        refuse_one(
            f"CloudFront does not let a response headers policy {verb} {', '.join(refused)}",
            f"drop {', '.join(refused)}: HTTP's framing headers and CloudFront's own are its own",
            "LE606",
        )


def settable_headers(headers: dict[str, str]) -> dict[str, str]:
    _untouchable(list(headers), "set")
    return headers


def removable_headers(headers: list[str]) -> list[str]:
    _untouchable(headers, "remove")
    return headers


def origin_name(name: str) -> str:
    from edgeform.model.origins import SITE

    if name == SITE:
        refuse_one(
            f"{SITE!r} is the site's bucket",
            'give this origin another name; behaviors target the bucket as "site"',
            "LE607",
        )
    return name


def target_origin(name: str, info: ValidationInfo) -> str:
    from edgeform.model.origins import SITE

    context = ParseContext.of(info)
    known = [SITE, *sorted(context.origins), *sorted(context.origin_groups)]
    if name not in known:
        refuse_one(
            f"no origin or origin group named {name!r}",
            f"use one of: {', '.join(known)}, or define [origins.{name}]",
            "LE607",
        )
    return name


def origin_group(table: OriginGroupTable, info: ValidationInfo) -> OriginGroupTable:
    """Two members that exist, and differ."""
    from edgeform.model.origins import SITE

    context = ParseContext.of(info)
    known = [SITE, *sorted(context.origins)]
    problems = [
        Problem(
            f"no origin named {name!r}",
            f"use one of: {', '.join(known)} (a group holds origins, not groups)",
            "LE608",
            at=key,
        )
        for key, name in (("primary", table.primary), ("failover", table.failover))
        if name not in known
    ]
    if table.primary == table.failover:
        problems.append(
            Problem(
                "the failover origin is the primary",
                "name a second origin to fail over to",
                "LE608",
                at="failover",
            )
        )
    if problems:
        refuse(*problems)
    return table


def origin_groups(groups: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
    clash = sorted(set(groups) & ParseContext.of(info).origins)
    if clash:
        refuse_one(
            f"{', '.join(clash)} names both an origin and an origin group",
            "CloudFront knows origins and groups by one ID: rename one of them",
            "LE607",
        )
    return groups


def local_url(url: str) -> str:
    """serve sends an origin's requests here: a server on this machine, never the network
    (serve may run with a developer's credentials and cookies in the requests)."""
    import ipaddress
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback or parts.path not in ("", "/"):
        refuse_one(
            f"{url!r} is not a server on loopback",
            "write http://127.0.0.1:<port> (or localhost, [::1]): serve sends this origin's "
            "requests there, never to the network",
            "LE610",
        )
    return url


# Headers CloudFront will not add to origin requests ("Add custom headers to origin requests").
ORIGIN_HEADERS_REFUSED: Final = frozenset(
    {
        "cache-control",
        "connection",
        "content-length",
        "cookie",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-range",
        "if-unmodified-since",
        "max-forwards",
        "pragma",
        "proxy-authorization",
        "proxy-connection",
        "range",
        "request-range",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
        "x-real-ip",
    }
)


def origin_custom_headers(headers: dict[str, str]) -> dict[str, str]:
    refused = [
        name
        for name in headers
        if name.lower() in ORIGIN_HEADERS_REFUSED or name.lower().startswith(("x-amz-", "x-edge-"))
    ]
    if refused:
        refuse_one(
            f"CloudFront does not add {', '.join(refused)} to origin requests",
            "drop them: CloudFront sets these itself or takes them from the viewer",
            "LE612",
        )
    return headers


LEGACY_KEYS: Final = ("min_ttl", "default_ttl", "max_ttl", "forward_query_string")


def bucket_name(name: str) -> str:
    why = bucket_name_problem(name)
    if why is not None:
        refuse_one(
            f"{name!r} is not an S3 bucket name: {why}",
            'use 3-63 lower-case letters, digits, dots and hyphens, e.g. "acme-edgeform-state"',
        )
    return name


def key_prefix(prefix: str) -> str:
    why = key_prefix_problem(prefix)
    if why is not None:
        refuse_one(
            f"{prefix!r} is not a key prefix: {why}",
            'write segments of letters, digits and !_.\'()- joined by slashes, e.g. "edgeform/web"',
        )
    return prefix


def duration(text: str) -> str:
    try:
        parse_duration(text)
    except ValueError as exc:
        refuse_one(str(exc), 'write e.g. ttl = "7d", or remove it: stages never expire')
    return text


def target(table: TargetTable) -> TargetTable:
    if table.type == "aws" and table.endpoint is not None:
        refuse_one(
            "an aws target uses AWS's own endpoints",
            "remove endpoint, or set AWS_ENDPOINT_URL in the environment",
            at="endpoint",
        )
    return table
