"""`edgeform lint`: for each rule, a copy of the demo that breaks it, and the demo that passes.

Each case edits a fresh copy of the demo (config, templates or source) and checks the rule
id, the location (`path:line`) and the exit status, through the real command.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.cli import cli
from edgeform.render.environment import shipped_templates
from tests.conftest import override_template


def lint(project: Path):
    config = str(project / "edgeform.toml")
    result = CliRunner().invoke(
        cli, ["--config", config, "lint", "--stage", "main", "--output", "json"]
    )
    return result.exit_code, json.loads(result.stdout)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def line_of(path: Path, pattern: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if re.search(pattern, line))


def config_edit(old: str, new: str):
    return lambda root: edit(root / "edgeform.toml", old, new)


POLICY = "[cache_policies.site]\n"  # one of the project's own, for the policy rules
REDIRECT = 'source = "functions/redirect"\nruntime = "python3.12"'
REDIRECT_TRIGGER = '{ event = "viewer-request", function = "redirect" },'
SECURITY_TRIGGER = 'function = "security-headers" }'
ENVIRONMENT = '  publish = true\n\n  environment {\n    variables = { A = "1" }\n  }'
ARM64 = '  publish = true\n  architectures = ["arm64"]'
CALLBACK = (
    "// callback style\nexports.handler = (event, context, callback) => {\n"
    "  callback(null, event.Records[0].cf.request);\n};\n"
)


def template_edit(name: str, old: str, new: str):
    return lambda root: edit(override_template(root, name), old, new)


def add_big_file(root: Path) -> None:
    # Incompressible: the compressed bundle stays over 1 MB.
    (root / "functions" / "redirect" / "blob.bin").write_bytes(os.urandom(1_200_000))


def many_behaviors(root: Path) -> None:
    extra = "".join(
        f'\n[[behaviors]]\npath_pattern = "/b{i}/*"\ntriggers = []\n' for i in range(26)
    )
    edit(root / "edgeform.toml", "[targets.local]", extra + "\n[targets.local]")


NODE_SYNTAX_ERROR = """exports.handler = async (event) => {
  const request = event.Records[0].cf.request;
  retur request;
};
"""


def test_a_node_syntax_error_is_named_by_file_line_and_nodes_message(demo_dir):
    node_function(demo_dir, "nodejs22.x", NODE_SYNTAX_ERROR)
    result = CliRunner().invoke(
        cli, ["--config", str(demo_dir / "edgeform.toml"), "lint", "--stage", "main"]
    )
    assert result.exit_code == 1
    assert "functions/edge/index.js:3: LE303 edge: SyntaxError: Unexpected identifier" in (
        result.stdout
    )


def node_function(root: Path, runtime: str, source: str) -> None:
    folder = root / "functions" / "edge"
    folder.mkdir()
    (folder / "index.js").write_text(source)
    edit(
        root / "edgeform.toml",
        "[default_behavior]",
        f'[functions.edge]\nsource = "functions/edge"\nruntime = "{runtime}"\n'
        'handler = "index.handler"\n\n[[behaviors]]\npath_pattern = "/edge/*"\n'
        'triggers = [{ event = "origin-request", function = "edge" }]\n\n[default_behavior]',
    )


def redirect_source(root: Path, extra: str) -> None:
    path = root / "functions" / "redirect" / "app.py"
    path.write_text(path.read_text() + extra)


# rule, how to break it, the file the finding points at, a pattern for its line
ERRORS = [
    (
        "LE100",
        config_edit('name = "edgeform-demo"', 'nmae = "x"'),
        "edgeform.toml",
        r"^\[project\]",
    ),
    ("LE101", config_edit(REDIRECT, REDIRECT.replace("3.12", "3.9")), "edgeform.toml", "python3.9"),
    (
        "LE101",
        config_edit(REDIRECT, REDIRECT.replace("python3.12", "ruby3.3")),
        "edgeform.toml",
        "ruby",
    ),
    ("LE102", config_edit("memory = 128", "memory = 256"), "edgeform.toml", "memory = 256"),
    ("LE103", config_edit("timeout = 5", "timeout = 10"), "edgeform.toml", "timeout = 10"),
    ("LE104", add_big_file, "edgeform.toml", r'source = "functions/redirect"'),
    (
        "LE105",
        config_edit(REDIRECT_TRIGGER, REDIRECT_TRIGGER * 2),
        "edgeform.toml",
        "viewer-request",
    ),
    (
        "LE106",
        config_edit("triggers = [", "triggers = [" + REDIRECT_TRIGGER * 4),
        "edgeform.toml",
        r"^triggers = \[",
    ),
    (
        "LE107",
        config_edit(SECURITY_TRIGGER, SECURITY_TRIGGER[:-2] + ", include_body = true }"),
        "edgeform.toml",
        "include_body",
    ),
    ("LE108", many_behaviors, "edgeform.toml", r"^\[\[behaviors\]\]"),
    (
        "LE109",
        config_edit(
            "[default_behavior]", '[[behaviors]]\npath_pattern = "/a b"\n[default_behavior]'
        ),
        "edgeform.toml",
        "path_pattern",
    ),
    (
        "LE201",
        template_edit("distribution.tf.j2", ".qualified_arn", ".arn"),
        "terraform/distribution.tf.j2",
        "lambda_arn",
    ),
    (
        "LE201",
        template_edit("functions.tf.j2", "publish = true", "publish = false"),
        "terraform/functions.tf.j2",
        r"^\s*publish =",
    ),
    (
        "LE202",
        # The default provider moved: the functions, which use it in us-east-1, move too.
        template_edit("providers.tf.j2", "_settings(target.region)", '_settings("eu-west-1")'),
        # Only providers.tf.j2 is overridden: the finding is in the shipped functions.tf.j2.
        str(shipped_templates() / "functions.tf.j2"),
        r"^\s+provider =",  # where the template sets the functions' provider
    ),
    (
        "LE203",
        template_edit("iam.tf.j2", '"edgelambda.amazonaws.com"', '"ec2.amazonaws.com"'),
        "terraform/iam.tf.j2",
        "identifiers",
    ),
    (
        "LE204",
        template_edit("functions.tf.j2", "  publish = true", ENVIRONMENT),
        "terraform/functions.tf.j2",
        "environment",
    ),
    (
        "LE204",
        template_edit("functions.tf.j2", "  publish = true", ARM64),
        "terraform/functions.tf.j2",
        "architectures",
    ),
    (
        "LE301",
        config_edit('handler = "app.handler"', 'handler = "app.missing"'),
        "functions/redirect/app.py",
        None,
    ),
    (
        "LE301",
        config_edit('handler = "app.handler"', 'handler = "nowhere.handler"'),
        "edgeform.toml",
        "nowhere",
    ),
    (
        "LE301",
        lambda r: node_function(r, "nodejs22.x", "exports.other = async () => ({});\n"),
        "functions/edge/index.js",
        None,
    ),
    (
        "LE302",
        lambda r: node_function(r, "nodejs24.x", CALLBACK),
        "functions/edge/index.js",
        "exports.handler",
    ),
    (
        "LE502",
        config_edit('response_page_path = "/404.html"', 'response_page_path = "/gone.html"'),
        "edgeform.toml",
        "/gone.html",
    ),
    (
        "LE303",
        lambda r: node_function(r, "nodejs22.x", NODE_SYNTAX_ERROR),
        "functions/edge/index.js",
        "retur ",
    ),
    (
        "LE601",
        config_edit(
            "[default_behavior]", POLICY + "cookies = [" + '"c", ' * 11 + "]\n\n[default_behavior]"
        ),
        "edgeform.toml",
        "cookies = ",
    ),
    (
        "LE602",
        config_edit(
            "[default_behavior]",
            POLICY + 'max_ttl = 0\ndefault_ttl = 0\nheaders = ["Origin"]\n\n[default_behavior]',
        ),
        "edgeform.toml",
        "headers = ",
    ),
    (
        "LE604",
        config_edit(
            "[default_behavior]",
            '[origin_request_policies.auth]\nheaders = ["Authorization"]\n\n[default_behavior]',
        ),
        "edgeform.toml",
        "Authorization",
    ),
    (
        "LE603",
        config_edit("[default_behavior]", '[default_behavior]\ncache_policy = "Cachingoptimized"'),
        "edgeform.toml",
        "Cachingoptimized",
    ),
    (
        "LE605",
        config_edit(
            "[default_behavior]",
            "[response_headers_policies.cors.cors]\n"
            'allow_origins = ["*"]\nallow_methods = ["GET"]\nallow_headers = ["*"]\n'
            "allow_credentials = true\n\n[default_behavior]",
        ),
        "edgeform.toml",
        "allow_credentials",
    ),
    (
        "LE607",
        config_edit("[default_behavior]", '[default_behavior]\ntarget_origin = "api"'),
        "edgeform.toml",
        'target_origin = "api"',
    ),
    (
        "LE608",
        config_edit(
            "[default_behavior]",
            '[origin_groups.g]\nprimary = "site"\nfailover = "gone"\n\n[default_behavior]',
        ),
        "edgeform.toml",
        'failover = "gone"',
    ),
    (
        "LE610",
        config_edit(
            "[default_behavior]",
            '[origins.api]\ndomain_name = "api.example.com"\n'
            'local_url = "http://192.168.1.5:8081"\n\n[default_behavior]',
        ),
        "edgeform.toml",
        "local_url",
    ),
    (
        "LE612",
        config_edit(
            "[default_behavior]",
            '[origins.api]\ndomain_name = "api.example.com"\n'
            'custom_headers = { Cookie = "a=1" }\n\n[default_behavior]',
        ),
        "edgeform.toml",
        "custom_headers",
    ),
    (
        "LE606",
        config_edit(
            "[default_behavior]",
            '[response_headers_policies.plain]\nremove_headers = ["Via"]\n\n[default_behavior]',
        ),
        "edgeform.toml",
        "remove_headers",
    ),
]

WARNINGS = [
    (
        "LE401",
        lambda r: redirect_source(r, '\nimport os\nAPI = os.environ.get("API_ORIGIN")\n'),
        "functions/redirect/app.py",
        "os.environ",
    ),
    (
        "LE402",
        lambda r: redirect_source(r, f'\nPAGE = "{"x" * 50_000}"\n'),
        "functions/redirect/app.py",
        "^PAGE",
    ),
    (
        "LE611",  # the demo's redirect runs at viewer-request only
        lambda r: redirect_source(r, '\nCOUNTRY = "cloudfront-viewer-country"\n'),
        "functions/redirect/app.py",
        "^COUNTRY",
    ),
]


def test_the_demo_passes_every_rule(demo_dir):
    status, report = lint(demo_dir)
    assert (status, report["errors"], report["warnings"]) == (0, [], [])
    assert report["summary"] == {"errors": 0, "warnings": 0}


@pytest.mark.parametrize(("rule", "breaks", "path", "line"), ERRORS)
def test_each_error_rule_is_caught_where_it_is_broken(demo_dir, rule, breaks, path, line):
    breaks(demo_dir)
    status, report = lint(demo_dir)
    assert status == 1
    found = [f for f in report["errors"] if f["rule"] == rule]
    assert found, report
    assert found[0]["path"] == path
    assert found[0]["severity"] == "error"
    expected = line_of(demo_dir / path, line) if line else 1
    assert found[0]["line"] == expected, found[0]
    assert found[0]["message"]
    assert found[0]["hint"]


@pytest.mark.parametrize(("rule", "breaks", "path", "line"), WARNINGS)
def test_warnings_are_reported_apart_and_do_not_fail(demo_dir, rule, breaks, path, line):
    breaks(demo_dir)
    status, report = lint(demo_dir)
    assert (status, report["errors"]) == (0, [])
    [warning] = report["warnings"]
    assert (warning["rule"], warning["path"], warning["severity"]) == (rule, path, "warning")
    assert warning["line"] == line_of(demo_dir / path, line)


def test_an_oversized_bundle_names_its_largest_files(demo_dir):
    add_big_file(demo_dir)
    _, report = lint(demo_dir)
    [finding] = [f for f in report["errors"] if f["rule"] == "LE104"]
    assert "blob.bin" in finding["message"]
    assert "1,048,576" in finding["message"]


def test_text_output_is_path_line_id_message_hint_errors_then_warnings(demo_dir):
    edit(demo_dir / "edgeform.toml", "memory = 128", "memory = 256")
    redirect_source(demo_dir, '\nimport os\nAPI = os.getenv("API_ORIGIN")\n')
    result = CliRunner().invoke(
        cli, ["--config", str(demo_dir / "edgeform.toml"), "lint", "--stage", "main"]
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "errors:"
    line = line_of(demo_dir / "edgeform.toml", "memory = 256")
    assert re.fullmatch(
        rf"  edgeform\.toml:{line}: LE102 redirect has memory 256 MB; .+ \(.+\)", lines[1]
    )
    assert lines[2] == "warnings:"
    assert re.fullmatch(r"  functions/redirect/app\.py:\d+: LE401 .+ \(.+\)", lines[3])
    assert lines[-1] == "lint: 1 error, 1 warning"


def test_environment_variables_the_runtime_sets_are_fine(demo_dir):
    redirect_source(demo_dir, '\nimport os\nREGION = os.environ["AWS_REGION"]\n')
    status, report = lint(demo_dir)
    assert (status, report["warnings"]) == (0, [])


def test_deploy_stops_on_a_lint_error_before_rendering_or_starting_an_endpoint(demo_dir):
    edit(demo_dir / "edgeform.toml", "timeout = 5", "timeout = 10")
    result = CliRunner().invoke(
        cli, ["--config", str(demo_dir / "edgeform.toml"), "deploy", "--stage", "main"]
    )
    assert result.exit_code == 1
    assert "LE103" in result.stderr
    assert "nothing was rendered" in result.stderr
    stage_dir = demo_dir / ".edgeform" / "stages" / "local" / "main"
    assert not list(stage_dir.glob("*.tf"))
    assert not (demo_dir / ".edgeform" / "localcloud").exists()
