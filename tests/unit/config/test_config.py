"""edgeform.toml -> Project: the demo parses; every mistake is named with key and fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgeform.config import load_project
from edgeform.errors import EXIT_BAD_INPUT, ConfigError
from edgeform.model.lambda_edge import EVENT_TYPES
from edgeform.model.project import ConfigValue, ErrorResponse

MINIMAL = """
[project]
name = "shop"

[functions.edge]
runtime = "python3.12"
handler = "app.handler"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site").mkdir(exist_ok=True)
    (tmp_path / "terraform").mkdir(exist_ok=True)
    (tmp_path / "functions" / "edge").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "edgeform.toml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_project(write(tmp_path, text))
    assert caught.value.exit_code == EXIT_BAD_INPUT
    return [str(p) for p in caught.value.problems]


def test_demo_config_parses_into_the_tutorial_stack(demo):
    assert demo.name == "edgeform-demo"
    assert set(demo.functions) == {"redirect", "security-headers"}
    triggers = {(t.event, t.function) for t in demo.default_behavior.triggers}
    assert triggers == {("viewer-request", "redirect"), ("origin-response", "security-headers")}
    assert demo.build_config["api_origin"] == "https://api.github.com"
    assert demo.target(None).kind == "local"
    assert demo.target("aws").kind == "aws"
    assert demo.stage_settings("production").protected
    assert not demo.stage_settings("main").protected


def test_minimal_config_gets_defaults(tmp_path):
    project = load_project(write(tmp_path, MINIMAL))
    function = project.functions["edge"]
    assert (function.memory, function.timeout) == (128, 5)
    assert function.source == (tmp_path / "functions" / "edge").resolve()
    assert project.default_behavior.triggers == ()
    assert list(project.targets) == ["local"]


def test_model_is_frozen(demo):
    with pytest.raises(AttributeError):
        demo.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        demo.functions["x"] = demo.functions["redirect"]  # type: ignore[index]


def test_unknown_key_is_named_with_a_suggestion(tmp_path):
    found = problems(tmp_path, MINIMAL + "memroy = 256\n")
    assert found == ["edgeform.toml: functions.edge.memroy: unknown key (did you mean memory?)"]


def test_unknown_top_level_table(tmp_path):
    found = problems(tmp_path, MINIMAL + "[deploy]\nx = 1\n")
    assert found[0].startswith("edgeform.toml: deploy: unknown key (")


def test_wrong_type_names_the_type_and_the_fix(tmp_path):
    found = problems(
        tmp_path,
        MINIMAL.replace('handler = "app.handler"', 'handler = "app.handler"\nmemory = "256"'),
    )
    assert found == [
        "edgeform.toml: functions.edge.memory: expected an integer, got a string "
        "('256') (write memory = 1)"
    ]


def test_boolean_is_not_an_integer(tmp_path):
    found = problems(tmp_path, MINIMAL + "timeout = true\n")
    assert "functions.edge.timeout: expected an integer, got true or false" in found[0]


def test_trigger_naming_a_missing_function(tmp_path):
    found = problems(
        tmp_path,
        MINIMAL
        + """
[default_behavior]
triggers = [{ event = "viewer-request", function = "edeg" }]
""",
    )
    assert found == [
        "edgeform.toml: default_behavior.triggers[0].function: no function named "
        "'edeg' (define [functions.edeg] or use one of: edge)"
    ]


@pytest.mark.parametrize("pattern", ["/api/*.{js}", "no spaces", "", "x" * 256, "/a%20"])
def test_bad_path_pattern(tmp_path, pattern):
    found = problems(tmp_path, MINIMAL + f"[[behaviors]]\npath_pattern = {json.dumps(pattern)}\n")
    assert len(found) == 1
    assert found[0].startswith("edgeform.toml: behaviors[0].path_pattern: ")
    assert "is not a CloudFront path pattern (use 1-255 of" in found[0]


def test_catch_all_pattern_belongs_to_the_default_behavior(tmp_path):
    found = problems(tmp_path, MINIMAL + '[[behaviors]]\npath_pattern = "*"\n')
    assert found == [
        "edgeform.toml: behaviors[0].path_pattern: '*' matches everything "
        "(put catch-all triggers under [default_behavior])"
    ]


def test_duplicate_path_patterns(tmp_path):
    found = problems(tmp_path, MINIMAL + '[[behaviors]]\npath_pattern = "/a/*"\n' * 2)
    assert found == [
        "edgeform.toml: behaviors[1].path_pattern: '/a/*' is already used by "
        "behaviors[0] (each path pattern may appear once: merge the two behaviors)"
    ]


def test_two_functions_on_one_event_of_one_behavior(tmp_path):
    found = problems(
        tmp_path,
        MINIMAL
        + """
[functions.other]
source = "functions/edge"
runtime = "nodejs22.x"
handler = "index.handler"

[[behaviors]]
path_pattern = "/api/*"
triggers = [
  { event = "origin-request", function = "edge" },
  { event = "origin-request", function = "other" },
]
""",
    )
    assert found == [
        "edgeform.toml: behaviors[0].triggers[1].event: origin-request already runs "
        "'edge' (triggers[0]) (CloudFront allows one function per event of a "
        "behavior: remove one)"
    ]


def test_include_body_only_on_request_events_with_body_methods(tmp_path):
    found = problems(
        tmp_path,
        MINIMAL
        + """
[default_behavior]
triggers = [
  { event = "viewer-request", function = "edge", include_body = true },
  { event = "origin-response", function = "edge", include_body = true },
]
""",
    )
    keys_and_whats = {line.split(" (")[0] for line in found}
    assert keys_and_whats == {
        "edgeform.toml: default_behavior.triggers[1].include_body: origin-response never "
        "receives a body",
        "edgeform.toml: default_behavior.triggers[0].include_body: a body is only sent for "
        "methods that carry one",
        "edgeform.toml: default_behavior.triggers[1].include_body: a body is only sent for "
        "methods that carry one",
    }


def test_every_mistake_is_reported_at_once(tmp_path):
    found = problems(
        tmp_path,
        """
[project]
name = "Shop!"
price_class = "cheap"

[functions.edge]
runtime = "ruby3.2"
handler = "app"
memory = 64
""",
    )
    keys = [line.split(": ")[1] for line in found]
    assert keys == [  # in the file's order
        "project.name",
        "project.price_class",
        "functions.edge.runtime",
        "functions.edge.handler",
        "functions.edge.memory",
    ]


def test_syntax_error_names_the_line(tmp_path):
    found = problems(tmp_path, MINIMAL + "[functions.edge\n")
    assert found[0].startswith("edgeform.toml: (syntax): ")
    assert "(at line 8, column 16)" in found[0]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"edgeform.toml: \(file\): .* not found"):
        load_project(tmp_path / "edgeform.toml")


def test_missing_function_folder(tmp_path):
    found = problems(tmp_path, MINIMAL.replace("[functions.edge]", "[functions.gone]"))
    assert found[0].startswith("edgeform.toml: functions.gone.source: folder ")


@pytest.mark.parametrize(
    "name", ["shop--api", "-shop", "shop-", "a" * 21, "Shop", "xn--shop", "1shop"]
)
def test_project_names_that_would_break_resource_names(tmp_path, name):
    found = problems(tmp_path, MINIMAL.replace('name = "shop"', f'name = "{name}"'))
    assert found[0].startswith("edgeform.toml: project.name: ")


def test_stage_overrides_must_exist_in_config_and_keep_types(tmp_path):
    found = problems(
        tmp_path,
        MINIMAL
        + """
[config]
api_origin = "https://api.example.com"

[stages.main]
config = { api_origin = 1, api_orign = "x" }
""",
    )
    assert found == [
        "edgeform.toml: stages.main.config.api_orign: not a key of [config] (add api_orign to "
        "[config] first, so every stage has a value)",
        "edgeform.toml: stages.main.config.api_origin: expected a string "
        "('https://api.example.com') like [config], got an integer (1) (use the same type)",
    ]


def test_stage_config_overrides_the_defaults(tmp_path):
    project = load_project(
        write(
            tmp_path,
            MINIMAL
            + """
[config]
api_origin = "https://api.example.com"
retries = 2

[stages.staging]
config = { api_origin = "https://staging.example.com" }
""",
        )
    )
    values: dict[str, ConfigValue] = dict(project.build_config_for("staging"))
    assert values == {"api_origin": "https://staging.example.com", "retries": 2}
    assert project.build_config_for("main")["api_origin"] == "https://api.example.com"


def test_unknown_target(demo):
    with pytest.raises(ConfigError, match=r"targets.prod: no such target \(use one of: aws, "):
        demo.target("prod")


def test_tags_reserved_and_invalid(tmp_path):
    found = problems(
        tmp_path,
        MINIMAL.replace(
            'name = "shop"',
            """name = "shop"
tags = { stage = "x", "aws:foo" = "y", team = "a\\u0000b" }""",
        ),
    )
    assert [line.split(": ")[1] for line in found] == [
        "project.tags.stage",
        "project.tags.aws:foo",
        "project.tags.team",
    ]


def test_event_types_are_in_cloudfront_order():
    assert EVENT_TYPES == ("viewer-request", "origin-request", "origin-response", "viewer-response")


def test_strings_terraform_would_normalize_are_refused(tmp_path):
    from tests.conftest import copy_demo

    project = copy_demo(tmp_path / "demo")
    config = project / "edgeform.toml"
    config.write_text(
        config.read_text().replace(
            'default_root_object = "index.html"', 'default_root_object = "U\u0300.html"'
        )
    )
    with pytest.raises(ConfigError) as caught:
        load_project(config)
    assert "project.default_root_object" in str(caught.value)
    assert "NFC" in str(caught.value)


def test_numbers_are_bounded_by_what_cloudfront_accepts(tmp_path):
    text = MINIMAL + "\n[default_behavior]\nmax_ttl = 1" + "0" * 30 + "\n"
    found = problems(tmp_path, text)
    assert any(
        p.startswith("edgeform.toml: default_behavior.max_ttl: 1000000000000000000000000000000 s")
        and "3,153,600,000" in p
        for p in found
    ), found


def test_config_integers_must_reach_javascript_unchanged(tmp_path):
    found = problems(tmp_path, MINIMAL + "\n[config]\nbig = 9007199254740993\n")
    assert any("config.big: 9007199254740993 is too large" in p for p in found), found


def test_a_deeply_nested_array_is_a_config_error(tmp_path):
    path = write(tmp_path, MINIMAL + "\n[config]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    assert caught.value.exit_code == 2
    assert "nested too deeply" in str(caught.value)


def test_a_missing_project_table_says_what_to_add(tmp_path):
    found = problems(tmp_path, MINIMAL.replace("[project]", "[projekt]"))
    assert "edgeform.toml: project: missing (add a [project] table)" in found
    assert not any("NoneType" in p for p in found)


STATE_TARGETS = """
[targets.local]
type = "local"

[targets.ci]
type = "aws"
region = "eu-west-1"
ttl = "7d"
state = { bucket = "acme-edgeform-state", key_prefix = "web/edge" }

[targets.bare]
type = "aws"
"""


def test_a_target_takes_a_state_bucket_and_a_default_ttl(tmp_path):
    project = load_project(write(tmp_path, MINIMAL + STATE_TARGETS))
    ci = project.target("ci")
    assert ci.state is not None
    assert (ci.state.bucket, ci.state.region, ci.state.key_prefix) == (
        "acme-edgeform-state",
        "eu-west-1",  # the target's region, unless the state table names one
        "web/edge",
    )
    assert ci.ttl == 7 * 86400
    bare = project.target("bare")
    assert (bare.state, bare.ttl) == (None, None)  # local state files, no expiry


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ('state = { bucket = "Bad_Name" }', "targets.ci.state.bucket: 'Bad_Name' is not an S3"),
        ("state = { region = 'eu-west-1' }", "targets.ci.state.bucket: missing"),
        ('state = { bucket = "ok-bucket", prefix = "x" }', "targets.ci.state.prefix: unknown"),
        ('state = { bucket = "ok-bucket", key_prefix = "/x//y" }', "is not a key prefix"),
        # AWS's general purpose bucket naming rules (Amazon S3 User Guide, "General purpose
        # bucket naming rules"): no IP address form, reserved prefixes and suffixes.
        ('state = { bucket = "192.168.1.1" }', "formatted as an IP address"),
        ('state = { bucket = "xn--bucket" }', "starting with 'xn--' are reserved"),
        ('state = { bucket = "sthree-bucket" }', "starting with 'sthree-' are reserved"),
        ('state = { bucket = "my-bucket-s3alias" }', "ending with '-s3alias' are reserved"),
        ('state = { bucket = "my-bucket--ol-s3" }', "ending with '--ol-s3' are reserved"),
        ('state = { bucket = "my..bucket" }', "two dots in a row"),
        ('state = { bucket = "ok-bucket", key_prefix = "../../etc" }', "walks out of the prefix"),
        ('state = { bucket = "ok-bucket", key_prefix = "a/./b" }', "walks out of the prefix"),
        ('state = { bucket = "ok-bucket", key_prefix = "*" }', "is not a key prefix"),
        ('state = { bucket = "ok-bucket", key_prefix = "web/*" }', "is not a key prefix"),
        ('state = { bucket = "ok-bucket", key_prefix = "a\\u0007b" }', "is not a key prefix"),
        ('state = "s3://bucket"', "targets.ci.state: expected a table"),
        ('ttl = "a week"', "targets.ci.ttl: 'a week' is not a duration"),
        ('ttl = "900d"', "longer than a year"),
    ],
)
def test_state_and_ttl_mistakes_name_the_key_and_the_fix(tmp_path, table, says):
    targets = f'[targets.local]\ntype = "local"\n[targets.ci]\ntype = "aws"\n{table}\n'
    found = problems(tmp_path, MINIMAL + targets)
    assert any(says in p for p in found), found


# [[custom_error_responses]]: Terraform's argument names; the codes CloudFront accepts (API
# reference, CustomErrorResponse; Developer Guide, "Generate custom error responses").
def test_custom_error_responses_parse_into_the_model(tmp_path):
    project = load_project(
        write(
            tmp_path,
            MINIMAL
            + '[[custom_error_responses]]\nerror_code = 403\nresponse_page_path = "/404.html"\n'
            "response_code = 404\nerror_caching_min_ttl = 60\n\n"
            "[[custom_error_responses]]\nerror_code = 503\nerror_caching_min_ttl = 0\n",
        )
    )
    assert project.custom_error_responses == (
        ErrorResponse(403, "/404.html", 404, 60),
        ErrorResponse(503, None, None, 0),
    )
    assert project.error_response(503) == ErrorResponse(503, None, None, 0)
    assert project.error_response(404) is None


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("error_code = 418", "custom_error_responses[0].error_code: 418 is not a status"),
        ('error_code = 404\nresponse_page_path = "/404.html"\nresponse_code = 302',
         "custom_error_responses[0].response_code: 302 is not one CloudFront sends"),
        ('error_code = 404\nresponse_page_path = "404.html"\nresponse_code = 404',
         "custom_error_responses[0].response_page_path: '404.html' is not a page's path"),
        ('error_code = 404\nresponse_page_path = "/404.html"',
         "custom_error_responses[0].response_code: response_page_path and response_code come"),
        ("error_code = 404\nresponse_code = 200",
         "custom_error_responses[0].response_page_path: response_page_path and response_code"),
        ("error_code = 404\nerror_caching_min_ttl = -1",
         "custom_error_responses[0].error_caching_min_ttl: -1 is out of range"),
        ("error_code = 404\nerror_caching_minttl = 5",
         "custom_error_responses[0].error_caching_minttl"),
        ("response_code = 200", "custom_error_responses[0].error_code: missing"),
    ],
)  # fmt: skip
def test_a_wrong_custom_error_response_is_named_with_its_fix(tmp_path, entry, says):
    found = problems(tmp_path, MINIMAL + f"[[custom_error_responses]]\n{entry}\n")
    assert any(says in p for p in found), found


def test_one_custom_error_response_per_error_code(tmp_path):
    entry = "[[custom_error_responses]]\nerror_code = 404\n"
    found = problems(tmp_path, MINIMAL + entry + entry)
    assert any("custom_error_responses[1].error_code: 404 has a custom" in p for p in found)
