"""edgeform.toml -> a frozen model of the project.

The config is parsed once, here. Everything downstream takes the `Project` model and never
raw TOML or CLI arguments. Every mistake is collected and reported as
`edgeform.toml: <key>: <what is wrong> (<how to fix>)` before anything else happens.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from edgeform.config.reader import CONFIG_RULE, Reader, describe
from edgeform.errors import ConfigError, ConfigProblem
from edgeform.model.lambda_edge import (
    EVENT_TYPES,
    MAX_ASSOCIATIONS,
    MEMORY_MB,
    MEMORY_RANGE_MB,
    REQUEST_EVENTS,
    TIMEOUT_RANGE_SECONDS,
    TIMEOUT_SECONDS,
    EventType,
)
from edgeform.model.project import (
    CONFIG_FILE,
    ERROR_CODES,
    METHOD_SETS,
    PRICE_CLASSES,
    RESPONSE_CODES,
    RESPONSE_PAGE_PATH_MAX,
    TTL_RANGE_SECONDS,
    Behavior,
    ConfigValue,
    ErrorResponse,
    Function,
    Project,
    StageSettings,
    Target,
    Trigger,
)
from edgeform.model.state import (
    DEFAULT_KEY_PREFIX,
    StateBucket,
    bucket_name_problem,
    key_prefix_problem,
    parse_duration,
)
from edgeform.model.workspace import WORK_DIR

# The largest integer Node.js and the page's JavaScript read exactly (Number.MAX_SAFE_INTEGER).
JS_SAFE_INTEGER: Final = 2**53 - 1
# Names that end up inside AWS resource names: lower case, digits and single hyphens, so that
# "--" can separate project, stage and function unambiguously (see names.py).
NAME_RE: Final = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PROJECT_NAME_MAX: Final = 20
FUNCTION_NAME_MAX: Final = 16
CONFIG_KEY_RE: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# CloudFront path patterns: these characters only, at most 255 of them.
PATH_PATTERN_RE: Final = re.compile(r"^[A-Za-z0-9_\-.*$/~\"'@:+&?]{1,255}$")
RUNTIME_RE: Final = re.compile(r"^(python3\.\d+|nodejs\d+\.x)$")
HANDLER_RE: Final = re.compile(r"^[A-Za-z0-9_./-]+\.[A-Za-z_$][A-Za-z0-9_$]*$")
TAG_KEY_RE: Final = re.compile(r"^[A-Za-z0-9 _.:/=+@-]{1,128}$")
REGION_RE: Final = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


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
    reader = Reader(config_file.name)
    project = _parse(reader, data, config_file)
    if reader.problems or project is None:
        raise ConfigError(reader.problems)
    return project


_TOP_KEYS: Final = (
    "project",
    "config",
    "functions",
    "default_behavior",
    "behaviors",
    "targets",
    "stages",
    "custom_error_responses",
)
_PROJECT_KEYS: Final = (
    "name",
    "site",
    "templates",
    "default_root_object",
    "price_class",
    "comment",
    "tags",
    "default_target",
)
_FUNCTION_KEYS: Final = ("source", "runtime", "handler", "memory", "timeout")
_BEHAVIOR_KEYS: Final = (
    "path_pattern",
    "triggers",
    "allowed_methods",
    "compress",
    "forward_query_string",
    "min_ttl",
    "default_ttl",
    "max_ttl",
)
_TRIGGER_KEYS: Final = ("event", "function", "include_body")
_TARGET_KEYS: Final = ("type", "region", "profile", "endpoint", "state", "ttl")
_STATE_KEYS: Final = ("bucket", "region", "key_prefix")
_STAGE_KEYS: Final = ("protected", "config")
_ERROR_RESPONSE_KEYS: Final = (
    "error_code",
    "response_page_path",
    "response_code",
    "error_caching_min_ttl",
)


def _parse(r: Reader, data: Mapping[str, Any], config_file: Path) -> Project | None:
    root = config_file.parent
    top = r.table(data, "", _TOP_KEYS)
    project = r.table(r.value(top, "", "project", dict), "project", _PROJECT_KEYS)
    name = _project_name(r, project)
    build_config = _build_config(r, r.value(top, "", "config", dict, {}))
    functions = _functions(r, r.value(top, "", "functions", dict, {}), root)
    default_behavior, behaviors = _behaviors(r, top, functions)
    targets = _targets(r, r.value(top, "", "targets", dict, {}))
    default_target = _default_target(r, project, targets)
    stages = _stages(r, r.value(top, "", "stages", dict, {}), build_config)
    site = _site_folder(r, project, root)
    # Optional: without it the templates that ship with edgeform render the stack.
    templates = _folder(r, project, "templates", "", root) if "templates" in project else None
    root_object, price_class, comment = _distribution(r, project)
    tags = _tags(r, r.value(project, "project", "tags", dict, {}))
    error_responses = _error_responses(r, r.value(top, "", "custom_error_responses", list, []))
    if r.problems or name is None or default_behavior is None or None in behaviors:
        return None
    return Project(
        root=root,
        config_file=config_file,
        name=name,
        site_dir=site,
        templates_dir=templates,
        default_root_object=root_object,
        price_class=price_class,
        comment=comment,
        tags=MappingProxyType(tags),
        build_config=MappingProxyType(build_config),
        functions=MappingProxyType(functions),
        default_behavior=default_behavior,
        behaviors=behaviors,  # type: ignore[arg-type]  # None was ruled out above
        targets=MappingProxyType(targets),
        default_target=default_target,
        stages=MappingProxyType(stages),
        custom_error_responses=error_responses,
    )


def _behaviors(
    r: Reader, top: Mapping[str, Any], functions: Mapping[str, Function]
) -> tuple[Behavior | None, tuple[Behavior | None, ...]]:
    default = r.value(top, "", "default_behavior", dict, {})
    default_behavior = _behavior(r, default, "default_behavior", functions, is_default=True)
    behaviors = tuple(
        _behavior(r, item, f"behaviors[{i}]", functions, is_default=False)
        for i, item in enumerate(r.value(top, "", "behaviors", list, []))
    )
    _check_unique_patterns(r, behaviors)
    return default_behavior, behaviors


def _error_responses(r: Reader, items: list[Any]) -> tuple[ErrorResponse, ...]:
    found: list[ErrorResponse] = []
    for i, item in enumerate(items):
        key = f"custom_error_responses[{i}]"
        if not r.check(
            isinstance(item, dict), key, "not a table", "write [[custom_error_responses]]"
        ):
            continue
        spec = r.table(item, key, _ERROR_RESPONSE_KEYS)
        parsed = _error_response(r, spec, key)
        if parsed is None:
            continue
        r.check(
            all(e.error_code != parsed.error_code for e in found),
            f"{key}.error_code",
            f"{parsed.error_code} has a custom error response already",
            "keep one [[custom_error_responses]] per error_code",
        )
        found.append(parsed)
    return tuple(found)


def _error_response(r: Reader, spec: Mapping[str, Any], key: str) -> ErrorResponse | None:
    code = r.value(spec, key, "error_code", int)
    page = r.value(spec, key, "response_page_path", str, None)
    status = r.value(spec, key, "response_code", int, None)
    ttl = r.value(spec, key, "error_caching_min_ttl", int, None)
    codes = ", ".join(map(str, ERROR_CODES))
    ok = code is not None and r.check(
        code in ERROR_CODES, f"{key}.error_code", f"{code} is not a status CloudFront replaces",
        f"use one of: {codes}",
    )  # fmt: skip
    ok &= status is None or r.check(
        status in RESPONSE_CODES, f"{key}.response_code", f"{status} is not one CloudFront sends",
        f"use 200 or one of: {codes}",
    )  # fmt: skip
    ok &= page is None or r.check(
        page.startswith("/") and len(page) <= RESPONSE_PAGE_PATH_MAX and "*" not in page,
        f"{key}.response_page_path",
        f"{page!r} is not a page's path",
        f"write the page's path from the site's root, e.g. \"/404.html\" (at most "
        f"{RESPONSE_PAGE_PATH_MAX} characters)",
    )
    if page is not None:
        _composed(r, page, f"{key}.response_page_path")
    ok &= r.check(
        (page is None) == (status is None),
        f"{key}.response_code" if status is None else f"{key}.response_page_path",
        "response_page_path and response_code come together",
        "set both (the page, and the status the viewer gets with it), or neither (to set "
        "only error_caching_min_ttl)",
    )
    ok &= ttl is None or r.check(
        ttl in TTL_RANGE_SECONDS, f"{key}.error_caching_min_ttl", f"{ttl} is out of range",
        "use 0 or more seconds (CloudFront's default is 10)",
    )  # fmt: skip
    return ErrorResponse(code, page, status, ttl) if ok and code is not None else None


def _default_target(r: Reader, project: Mapping[str, Any], targets: Mapping[str, Target]) -> str:
    default_target: str = r.value(project, "project", "default_target", str, "local")
    r.check(
        default_target in targets,
        "project.default_target",
        f"no target named {default_target!r}",
        f"use one of: {', '.join(sorted(targets))}, or add [targets.{default_target}]",
    )
    return default_target


def _distribution(r: Reader, project: Mapping[str, Any]) -> tuple[str, str, str]:
    """The distribution's own settings: default root object, price class, comment."""
    root_object = r.value(project, "project", "default_root_object", str, "index.html")
    _composed(r, root_object, "project.default_root_object")
    r.check(
        bool(root_object) and not root_object.startswith("/"),
        "project.default_root_object",
        f"{root_object!r} is not an object key",
        'write a key relative to the site folder, e.g. "index.html"',
    )
    price_class = r.value(project, "project", "price_class", str, "PriceClass_100")
    r.check(
        price_class in PRICE_CLASSES,
        "project.price_class",
        f"unknown {price_class!r}",
        f"use one of: {', '.join(PRICE_CLASSES)}",
    )
    comment = r.value(project, "project", "comment", str, "")
    _composed(r, comment, "project.comment")
    r.check(
        len(comment) <= 128,
        "project.comment",
        "longer than 128 characters",
        "shorten it: CloudFront limits a distribution comment to 128",
    )
    return root_object, price_class, comment


def _name_ok(r: Reader, value: str, key: str, limit: int, what: str) -> bool:
    return r.check(
        bool(NAME_RE.match(value)) and len(value) <= limit,
        key,
        f"{value!r} is not a valid {what} name",
        f"use 1-{limit} lower-case letters, digits and single hyphens, starting with a letter",
    )


def _project_name(r: Reader, project: Mapping[str, Any]) -> str | None:
    name = r.value(project, "project", "name", str)
    if name is None or not _name_ok(r, name, "project.name", PROJECT_NAME_MAX, "project"):
        return None
    # S3 reserves these prefixes for its own bucket names.
    r.check(
        not name.startswith(("xn--", "sthree", "amzn-s3-demo")),
        "project.name",
        f"{name!r} starts with a prefix S3 reserves",
        "choose another project name",
    )
    return name


def _folder(r: Reader, project: Mapping[str, Any], key: str, default: str, root: Path) -> Path:
    path = (root / r.value(project, "project", key, str, default)).resolve()
    r.check(
        path.is_dir(),
        f"project.{key}",
        f"folder {path} does not exist",
        f"create it or point {key} at an existing folder",
    )
    return path


def _site_folder(r: Reader, project: Mapping[str, Any], root: Path) -> Path:
    site = _folder(r, project, "site", "site", root)
    work = (root / WORK_DIR).resolve()
    r.check(
        not root.resolve().is_relative_to(site) and not site.is_relative_to(work),
        "project.site",
        f"{site} holds the project itself (edgeform.toml, {WORK_DIR}/ with its state): "
        "all of it would be public",
        'point site at the folder of the pages alone, e.g. site = "site"',
    )
    return site


def _build_config(r: Reader, data: Mapping[str, Any]) -> dict[str, ConfigValue]:
    values: dict[str, ConfigValue] = {}
    for key, value in r.table(data, "config", data).items():
        full = f"config.{key}"
        if not r.check(
            bool(CONFIG_KEY_RE.match(key)),
            full,
            "not a valid config name",
            "use letters, digits and underscores, starting with a letter",
        ):
            continue
        if r.check(
            isinstance(value, str | int | bool),
            full,
            f"expected a string, integer or boolean, got {describe(value)}",
            "build-time config values are baked into bundles as plain JSON values",
        ) and r.check(
            not isinstance(value, int) or abs(value) <= JS_SAFE_INTEGER,
            full,
            f"{value} is too large to reach JavaScript unchanged",
            f"use an integer within ±{JS_SAFE_INTEGER:,}, or a string",
        ):
            values[key] = value
    return values


def _functions(r: Reader, data: Mapping[str, Any], root: Path) -> dict[str, Function]:
    functions: dict[str, Function] = {}
    for name, spec in r.table(data, "functions", data).items():
        function = _function(r, name, spec, root)
        if function is not None:
            functions[name] = function
    return functions


def _function(r: Reader, name: str, spec: Any, root: Path) -> Function | None:
    key = f"functions.{name}"
    ok = _name_ok(r, name, key, FUNCTION_NAME_MAX, "function")
    spec = r.table(spec, key, _FUNCTION_KEYS)
    folder = (root / r.value(spec, key, "source", str, f"functions/{name}")).resolve()
    inside = folder.is_relative_to(root.resolve())
    ok &= r.check(
        inside,
        f"{key}.source",
        f"folder {folder} is outside the project folder {root.resolve()}",
        "keep the function's code inside the project (no ../ or link out of it)",
    )
    ok &= not inside or r.check(
        folder.is_dir(),
        f"{key}.source",
        f"folder {folder} does not exist",
        "create it or point source at the function's folder",
    )
    runtime = _runtime(r, spec, key)
    handler = _handler(r, spec, key)
    memory = r.value(spec, key, "memory", int, 128)
    timeout = r.value(spec, key, "timeout", int, 5)
    ok &= r.check(
        memory in MEMORY_RANGE_MB,
        f"{key}.memory",
        f"{memory} MB is out of range",
        f"use {MEMORY_RANGE_MB.start} to {MEMORY_RANGE_MB.stop - 1} "
        f"(viewer triggers allow {MEMORY_MB['viewer']} at most)",
        "LE102",
    )
    ok &= r.check(
        timeout in TIMEOUT_RANGE_SECONDS,
        f"{key}.timeout",
        f"{timeout} s is out of range",
        f"use {TIMEOUT_RANGE_SECONDS.start} to {TIMEOUT_RANGE_SECONDS.stop - 1} "
        f"(viewer triggers allow {TIMEOUT_SECONDS['viewer']} at most)",
        "LE103",
    )
    if not ok or runtime is None or handler is None:
        return None
    return Function(name, folder, runtime, handler, memory, timeout)


def _runtime(r: Reader, spec: Mapping[str, Any], key: str) -> str | None:
    return _matching(
        r,
        spec,
        key,
        "runtime",
        RUNTIME_RE,
        "is not a Lambda@Edge runtime",
        'use a Node.js or Python runtime, e.g. "python3.12" or "nodejs22.x"',
        "LE101",
    )


def _handler(r: Reader, spec: Mapping[str, Any], key: str) -> str | None:
    return _matching(
        r,
        spec,
        key,
        "handler",
        HANDLER_RE,
        "is not a handler",
        'write "<module>.<function>", e.g. "app.handler" for handler() in app.py',
    )


def _matching(
    r: Reader,
    spec: Mapping[str, Any],
    key: str,
    name: str,
    pattern: re.Pattern[str],
    what: str,
    fix: str,
    rule: str = CONFIG_RULE,
) -> str | None:
    """A required string setting that must match `pattern`; None when missing or wrong."""
    value = r.value(spec, key, name, str)
    if value is None or not r.check(
        bool(pattern.match(value)), f"{key}.{name}", f"{value!r} {what}", fix, rule
    ):
        return None
    return str(value)


def _behavior(
    r: Reader, data: Any, key: str, functions: Mapping[str, Function], *, is_default: bool
) -> Behavior | None:
    data = r.table(data, key, _BEHAVIOR_KEYS[1:] if is_default else _BEHAVIOR_KEYS)
    pattern = None if is_default else _path_pattern(r, data, key)
    triggers = _triggers(r, r.value(data, key, "triggers", list, []), key, functions)
    methods = tuple(r.value(data, key, "allowed_methods", list, list(METHOD_SETS[0])))
    methods_ok = r.check(
        methods in METHOD_SETS,
        f"{key}.allowed_methods",
        f"{list(methods)} is not a set CloudFront accepts",
        "use " + " or ".join(str(list(s)) for s in METHOD_SETS),
    )
    for i, trigger in enumerate(triggers):
        r.check(
            not trigger.include_body or not methods_ok or "POST" in methods,
            f"{key}.triggers[{i}].include_body",
            "a body is only sent for methods that carry one",
            f"set allowed_methods = {list(METHOD_SETS[2])} or drop include_body",
            "LE107",
        )
    ttls = [
        r.value(data, key, name, int, default)
        for name, default in (("min_ttl", 0), ("default_ttl", 86400), ("max_ttl", 31536000))
    ]
    for name, ttl in zip(("min_ttl", "default_ttl", "max_ttl"), ttls, strict=True):
        r.check(
            ttl in TTL_RANGE_SECONDS,
            f"{key}.{name}",
            f"{ttl} s is out of range",
            f"CloudFront accepts 0 to {TTL_RANGE_SECONDS.stop - 1:,} seconds (100 years)",
        )
    r.check(
        0 <= ttls[0] <= ttls[1] <= ttls[2],
        f"{key}.default_ttl",
        f"TTLs {ttls} are not in order",
        "make 0 <= min_ttl <= default_ttl <= max_ttl",
    )
    compress = r.value(data, key, "compress", bool, True)
    forward = r.value(data, key, "forward_query_string", bool, True)
    if is_default is False and pattern is None:
        return None
    return Behavior(pattern, triggers, methods, compress, forward, *ttls)


def _path_pattern(r: Reader, data: Mapping[str, Any], key: str) -> str | None:
    pattern = r.value(data, key, "path_pattern", str)
    if pattern is None:
        return None
    if not r.check(
        bool(PATH_PATTERN_RE.match(pattern)),
        f"{key}.path_pattern",
        f"{pattern!r} is not a CloudFront path pattern",
        'use 1-255 of A-Z a-z 0-9 _ - . * $ / ~ " \' @ : + & ?, e.g. "/api/*"',
        "LE109",
    ):
        return None
    if not r.check(
        pattern not in ("*", "/*"),
        f"{key}.path_pattern",
        f"{pattern!r} matches everything",
        "put catch-all triggers under [default_behavior]",
        "LE109",
    ):
        return None
    return pattern


def _triggers(
    r: Reader, items: list[Any], key: str, functions: Mapping[str, Function]
) -> tuple[Trigger, ...]:
    r.check(
        len(items) <= MAX_ASSOCIATIONS,
        f"{key}.triggers",
        f"{len(items)} associations; CloudFront allows {MAX_ASSOCIATIONS} per behavior",
        "keep one function per event type",
        "LE106",
    )
    triggers: list[Trigger] = []
    first: dict[str, int] = {}  # event -> the index of the trigger that has it
    for i, item in enumerate(items):
        tkey = f"{key}.triggers[{i}]"
        item = r.table(item, tkey, _TRIGGER_KEYS)
        include_body = r.value(item, tkey, "include_body", bool, False)
        event = _trigger_event(r, item, tkey, include_body)
        if event is not None:
            if event in first:
                r.problem(
                    f"{tkey}.event",
                    f"{event} already runs "
                    f"{items[first[event]].get('function')!r} (triggers[{first[event]}])",
                    "CloudFront allows one function per event of a behavior: remove one",
                    "LE105",
                )
            first.setdefault(event, i)
        function = r.value(item, tkey, "function", str)
        if function is not None:
            r.check(
                function in functions,
                f"{tkey}.function",
                f"no function named {function!r}",
                f"define [functions.{function}] or use one of: "
                f"{', '.join(sorted(functions)) or '(none defined)'}",
            )
        if event is not None and function is not None:
            triggers.append(Trigger(event, function, include_body))
    return tuple(sorted(triggers, key=lambda t: EVENT_TYPES.index(t.event)))


def _trigger_event(
    r: Reader, item: Mapping[str, Any], tkey: str, include_body: bool
) -> EventType | None:
    event = r.value(item, tkey, "event", str)
    if event is None or not r.check(
        event in EVENT_TYPES,
        f"{tkey}.event",
        f"unknown event {event!r}",
        f"use one of: {', '.join(EVENT_TYPES)}",
    ):
        return None
    r.check(
        not include_body or event in REQUEST_EVENTS,
        f"{tkey}.include_body",
        f"{event} never receives a body",
        "use include_body only on viewer-request or origin-request",
        "LE107",
    )
    return event


def _check_unique_patterns(r: Reader, behaviors: tuple[Behavior | None, ...]) -> None:
    first: dict[str, int] = {}
    for i, behavior in enumerate(behaviors):
        if behavior is None or behavior.path_pattern is None:
            continue
        pattern = behavior.path_pattern
        r.check(
            pattern not in first,
            f"behaviors[{i}].path_pattern",
            f"{pattern!r} is already used by behaviors[{first.get(pattern)}]",
            "each path pattern may appear once: merge the two behaviors",
            "LE109",
        )
        first.setdefault(pattern, i)


def _targets(r: Reader, data: Mapping[str, Any]) -> dict[str, Target]:
    if not data:
        return {"local": Target("local", "local", "us-east-1")}
    targets: dict[str, Target] = {}
    for name, spec in r.table(data, "targets", data).items():
        key = f"targets.{name}"
        spec = r.table(spec, key, _TARGET_KEYS)
        kind = r.value(spec, key, "type", str)
        if kind is None or not r.check(
            kind in ("local", "aws"),
            f"{key}.type",
            f"unknown target type {kind!r}",
            'use "local" (embedded AWS endpoint) or "aws"',
        ):
            continue
        region = _region(r, spec, key, "us-east-1")
        profile = r.value(spec, key, "profile", str, None)
        _composed(r, profile, f"{key}.profile")
        endpoint = r.value(spec, key, "endpoint", str, None)
        if endpoint is not None:
            r.check(
                re.match(r"^https?://[^\s/]+/?$", endpoint) is not None,
                f"{key}.endpoint",
                f"{endpoint!r} is not an endpoint URL",
                'write e.g. "http://127.0.0.1:5000"',
            )
        r.check(
            kind == "local" or endpoint is None,
            f"{key}.endpoint",
            "an aws target uses AWS's own endpoints",
            "remove endpoint, or set AWS_ENDPOINT_URL in the environment",
        )
        state = _state_bucket(r, spec, key, region)
        ttl = _ttl(r, spec, key)
        targets[name] = Target(name, kind, region, profile, endpoint, state, ttl)
    return targets


def _state_bucket(
    r: Reader, spec: Mapping[str, Any], target_key: str, region: str
) -> StateBucket | None:
    """`[targets.<name>.state]`: optional; without it each stage's state stays a local file."""
    if "state" not in spec:
        return None
    key = f"{target_key}.state"
    state = r.table(r.value(spec, target_key, "state", dict), key, _STATE_KEYS)
    bucket = r.value(state, key, "bucket", str)
    if bucket is not None:
        why = bucket_name_problem(bucket)
        r.check(
            why is None,
            f"{key}.bucket",
            f"{bucket!r} is not an S3 bucket name: {why}",
            'use 3-63 lower-case letters, digits, dots and hyphens, e.g. "acme-edgeform-state"',
        )
    bucket_region = _region(r, state, key, region)
    prefix = r.value(state, key, "key_prefix", str, DEFAULT_KEY_PREFIX)
    prefix_problem = key_prefix_problem(prefix)
    r.check(
        prefix_problem is None,
        f"{key}.key_prefix",
        f"{prefix!r} is not a key prefix: {prefix_problem}",
        'write segments of letters, digits and !_.\'()- joined by slashes, e.g. "edgeform/web"',
    )
    return StateBucket(bucket, bucket_region, prefix) if bucket else None


def _region(r: Reader, table: Mapping[str, Any], key: str, default: str) -> str:
    region: str = r.value(table, key, "region", str, default)
    r.check(
        bool(REGION_RE.match(region)),
        f"{key}.region",
        f"{region!r} is not a region",
        'write an AWS region, e.g. "eu-west-1"',
    )
    return region


def _ttl(r: Reader, spec: Mapping[str, Any], key: str) -> int | None:
    """`ttl = "7d"`: how long a deploy keeps a stage alive, unless `deploy --ttl` says."""
    text = r.value(spec, key, "ttl", str, None)
    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        r.problem(
            f"{key}.ttl", str(exc), 'write e.g. ttl = "7d", or remove it: stages never expire'
        )
        return None


def _stages(
    r: Reader, data: Mapping[str, Any], build_config: Mapping[str, ConfigValue]
) -> dict[str, StageSettings]:
    stages: dict[str, StageSettings] = {}
    for name, spec in r.table(data, "stages", data).items():
        key = f"stages.{name}"
        spec = r.table(spec, key, _STAGE_KEYS)
        protected = r.value(spec, key, "protected", bool, False)
        overrides = r.value(spec, key, "config", dict, {})
        for unknown in sorted(set(overrides) - set(build_config)):
            r.problem(
                f"{key}.config.{unknown}",
                "not a key of [config]",
                f"add {unknown} to [config] first, so every stage has a value",
            )
        for ckey, value in overrides.items():
            if ckey in build_config and type(value) is not type(build_config[ckey]):
                r.problem(
                    f"{key}.config.{ckey}",
                    f"expected {describe(build_config[ckey])} like [config], got {describe(value)}",
                    "use the same type",
                )
        stages[name] = StageSettings(name, protected, MappingProxyType(dict(overrides)))
    return stages


def _composed(r: Reader, value: str | None, key: str) -> None:
    # Terraform normalizes string literals to Unicode NFC: a decomposed "U\u0300" would reach
    # AWS as "\u00d9", another string (another S3 key, for the root object). Refuse, don't guess.
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        r.problem(
            key,
            "is not in Unicode NFC; Terraform would change it to "
            f"{unicodedata.normalize('NFC', value)!r}",
            "write it with composed characters (NFC), and name files the same way",
        )


def _tags(r: Reader, data: Mapping[str, Any]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for key, value in r.table(data, "project.tags", data).items():
        full = f"project.tags.{key}"
        ok = r.check(
            bool(TAG_KEY_RE.match(key)) and not key.lower().startswith("aws:"),
            full,
            "not a valid tag key",
            "use 1-128 letters, digits, spaces and _ . : / = + - @, not starting aws:",
        )
        ok &= r.check(
            key not in ("project", "stage", "managed-by"),
            full,
            "edgeform sets this tag itself",
            "choose another key",
        )
        if r.value(data, "project.tags", key, str) is not None and ok:
            ok = r.check(
                len(value) <= 256 and all(map(_tag_char, value)),
                full,
                f"{value!r} is not a valid tag value",
                "use at most 256 letters, digits, spaces and _ . : / = + - @",
            )
            _composed(r, value, full)
            if ok and unicodedata.is_normalized("NFC", value):
                tags[key] = value
    return tags


def _tag_char(char: str) -> bool:
    # AWS tag values: Unicode letters, digits and spaces, plus _ . : / = + - @
    return char.isalnum() or char == " " or char in "_.:/=+-@"


def find_config(start: Path, exists: Callable[[Path], bool] = Path.is_file) -> Path:
    """The nearest edgeform.toml at or above `start` (like git finds .git)."""
    for folder in (start, *start.parents):
        if exists(folder / CONFIG_FILE):
            return folder / CONFIG_FILE
    return start / CONFIG_FILE
