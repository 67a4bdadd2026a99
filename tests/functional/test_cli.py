"""The edgeform command as users and CI run it."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform import __version__
from edgeform.cli import cli
from edgeform.cli.options import DEFAULT_SOURCE
from edgeform.console import wants_color
from tests.fakes import Terminal

ANSI = "\x1b["


@pytest.fixture
def run(demo_dir, monkeypatch):
    monkeypatch.chdir(demo_dir)
    for var in ("EDGEFORM_STAGE", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME"):
        monkeypatch.delenv(var, raising=False)

    def invoke(*args, env=None, input=None):
        return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "edgeform", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"edgeform, version {__version__}"


def test_help_has_examples_and_exit_codes(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples, one per command" in result.output
    assert "Exit statuses: 0 ok, 1 a step failed, 2 bad input" in result.output
    for command in ("build", "render", "validate", "stage"):
        sub = run(command, "--help")
        assert sub.exit_code == 0
        assert "Examples:" in sub.output
        assert f"edgeform {command}" in sub.output


def test_render_json(run, demo_dir):
    result = run("render", "--stage", "feature/Login", "--output", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"stage", "name", "target", "dir", "files"}
    assert data["name"] == "feature/Login"
    assert data["target"] == "local"
    assert data["stage"].startswith("feature-logi-h")  # cut to 12, then the hash
    assert data["dir"] == str(demo_dir / ".edgeform" / "stages" / "local" / data["stage"])
    assert "distribution.tf" in data["files"]
    for name in data["files"]:
        assert (demo_dir / data["dir"] / name).is_file()
    assert "✓ render" in result.stderr  # progress on stderr, JSON alone on stdout


def test_build_json_matches_the_files(run):
    result = run("build", "--stage", "main", "--output", "json")
    assert result.exit_code == 0, result.output
    bundles = json.loads(result.stdout)["bundles"]
    assert [b["function"] for b in bundles] == ["redirect", "security-headers"]
    for bundle in bundles:
        data = Path(bundle["path"]).read_bytes()
        assert bundle["size"] == len(data)
        assert bundle["sha256"] == hashlib.sha256(data).hexdigest()


def test_builds_of_two_checkouts_agree(run, demo_dir, tmp_path):
    """Same sources in another folder, another time: the same bundle hashes."""
    from tests.conftest import copy_demo

    first = json.loads(run("build", "--stage", "main", "--output", "json").stdout)
    other = copy_demo(tmp_path / "other")
    second = CliRunner().invoke(
        cli,
        ["--config", str(other / "edgeform.toml"), "build", "--stage", "main", "--output", "json"],
    )
    assert [b["sha256"] for b in first["bundles"]] == [
        b["sha256"] for b in json.loads(second.stdout)["bundles"]
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace("memory = 128", "memroy = 128", 1),
            "edgeform.toml: functions.redirect.memroy: unknown key (did you mean memory?)",
        ),
        (
            lambda t: t.replace("timeout = 5", 'timeout = "5"', 1),
            "edgeform.toml: functions.redirect.timeout: expected an integer, got a string ('5') "
            "(write timeout = 1)",
        ),
        (
            lambda t: t.replace('function = "redirect"', 'function = "redirct"'),
            "edgeform.toml: default_behavior.triggers[0].function: no function named 'redirct' "
            "(define [functions.redirct] or use one of: redirect, security-headers)",
        ),
        (
            lambda t: t + '\n[[behaviors]]\npath_pattern = "/api/{v}"\n',
            "edgeform.toml: behaviors[0].path_pattern: '/api/{v}' is not a CloudFront path pattern",
        ),
        (
            lambda t: t.replace(
                '{ event = "origin-response", function = "security-headers" },',
                '{ event = "viewer-request", function = "security-headers" },',
            ),
            "edgeform.toml: default_behavior.triggers[1].event: viewer-request already runs "
            "'redirect' (triggers[0])",
        ),
    ],
)
@pytest.mark.parametrize("command", ["build", "render", "stage"])
def test_config_mistakes_exit_2_and_touch_nothing(run, demo_dir, edit, message, command):
    config = demo_dir / "edgeform.toml"
    config.write_text(edit(config.read_text()))
    result = run(command, "--stage", "main")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}")
    assert "Traceback" not in result.output
    assert not (demo_dir / ".edgeform").exists()


def test_debug_shows_the_traceback(run, demo_dir):
    config = demo_dir / "edgeform.toml"
    config.write_text(config.read_text() + "\nbogus = 1\n")
    quiet = run("render", "--stage", "main")
    loud = run("--debug", "render", "--stage", "main")
    assert quiet.exit_code == loud.exit_code == 2
    assert "Traceback" not in quiet.stderr
    assert "Traceback" in loud.stderr


def test_unknown_target_is_bad_input(run):
    result = run("render", "--stage", "main", "--target", "prod")
    assert result.exit_code == 2
    assert "targets.prod: no such target" in result.stderr


def test_stage_from_ci_variables(run):
    env = {"GITHUB_HEAD_REF": "feature/Foo", "GITHUB_REF_NAME": "7/merge"}
    data = json.loads(run("stage", "--output", "json", env=env).stdout)
    assert (data["name"], data["source"]) == ("feature/Foo", "GITHUB_HEAD_REF")
    assert data["names"]["functions"]["redirect"] == f"edgeform-demo--{data['slug']}--redirect"


def test_stage_from_the_git_branch(run, demo_dir):
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "feature/from-git"], cwd=demo_dir, check=True)
    data = json.loads(run("stage", "--output", "json").stdout)
    assert (data["name"], data["source"]) == ("feature/from-git", "git branch")


def test_protected_stage_is_shown(run):
    data = json.loads(run("stage", "--stage", "production", "--output", "json").stdout)
    assert data["protected"] is True


def test_no_branch_anywhere_is_stage_dev_and_says_so(run, demo_dir):
    result = run("render", "--output", "json")  # not a git repository, no variables
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stage"] == "dev"
    assert "stage dev (no branch to name one; --stage NAME chooses)" in result.stderr
    assert any((demo_dir / ".edgeform" / "stages" / "local" / "dev").glob("*.tf"))
    shown = json.loads(run("stage", "--output", "json").stdout)
    assert (shown["name"], shown["source"]) == ("dev", DEFAULT_SOURCE)


def test_lint_outside_git_needs_no_stage(run):
    result = run("lint")
    assert result.exit_code == 0, result.output
    assert "lint: 0 errors, 0 warnings" in result.stdout


def test_a_blank_stage_is_still_refused(run):
    result = run("render", "--stage", " ")
    assert result.exit_code == 2
    assert "names an empty stage" in result.stderr


def test_no_colour_off_a_terminal_or_with_no_color(run):
    result = run("render", "--stage", "main")
    assert ANSI not in result.output

    assert wants_color(Terminal(), {})
    assert not wants_color(Terminal(), {"NO_COLOR": ""})
    assert not wants_color(Terminal(), {"TERM": "dumb"})
    assert not wants_color(io.StringIO(), {})


@pytest.mark.terraform
def test_validate_command(run, terraform_environ, demo_dir):
    result = run(
        "validate",
        "--stage",
        "main",
        "--target",
        "aws",
        "--output",
        "json",
        env={
            "EDGEFORM_PROVIDER_MIRROR": terraform_environ["EDGEFORM_PROVIDER_MIRROR"],
            "TF_CLI_CONFIG_FILE": None,
        },
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["valid"] is True
    assert "✓ validate  fmt clean, valid" in result.stderr


def test_missing_terraform_says_what_to_install(run, tmp_path):
    result = run("validate", "--stage", "main", "--terraform-bin", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert "not found" in result.stderr
    assert "install Terraform" in result.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--stage", ""], {}),
        (["--stage", "   "], {}),
        ([], {"EDGEFORM_STAGE": ""}),
    ],
)
def test_an_empty_stage_is_bad_input_and_touches_nothing(run, demo_dir, args, env):
    # The demo copy sits in no git repository, but the test's may: either way an empty stage
    # must never fall through to a branch's stage.
    result = run("destroy", *args, "--yes", env=env)
    assert result.exit_code == 2
    assert "names an empty stage" in result.stderr
    assert not (demo_dir / ".edgeform").exists()


def test_destroy_checks_protection_before_asking(run, demo_dir):
    result = run("destroy", "--stage", "production", input="y\n")
    assert result.exit_code == 2
    assert "Destroy stage" not in result.output  # never asked
    assert "is protected" in result.stderr
    assert not (demo_dir / ".edgeform").exists()


def test_local_work_falls_back_to_stage_local_but_refuses_a_blank_stage(run):
    fallback = run("invoke", "redirect", "--trigger", "viewer-request", "--output", "json")
    assert fallback.exit_code == 0, fallback.output  # no stage anywhere: stage "local"
    blank = run("invoke", "redirect", "--trigger", "viewer-request", "--stage", " ")
    assert blank.exit_code == 2
    assert "names an empty stage" in blank.stderr


DELETE_EVENT = Path(__file__).parents[1] / "fixtures" / "github" / "delete-event.json"


def github_delete_event(tmp_path: Path, branch: str) -> dict[str, str]:
    """The environment of a GitHub `delete` job: GITHUB_REF_NAME names the default branch."""
    payload = json.loads(DELETE_EVENT.read_text())
    payload["ref"] = branch
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return {
        "GITHUB_EVENT_NAME": "delete",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REF_NAME": "main",
    }


def test_in_a_delete_event_destroy_acts_on_the_deleted_branch_not_the_default(run, tmp_path):
    result = run("stage", "--output", "json", env=github_delete_event(tmp_path, "feature/x"))
    assert result.exit_code == 0, result.output
    stage = json.loads(result.stdout)
    assert (stage["name"], stage["source"]) == ("feature/x", "GitHub delete event")


@pytest.mark.parametrize(
    ("branch", "says"),
    [("main", "names the default branch"), ("production", "is protected")],
)
def test_a_delete_event_never_destroys_the_default_or_a_protected_stage(
    run, demo_dir, tmp_path, branch, says
):
    result = run("destroy", "--yes", env=github_delete_event(tmp_path, branch))
    assert result.exit_code == 2
    assert says in result.stderr
    assert not (demo_dir / ".edgeform").exists()  # nothing touched


def test_destroy_without_yes_and_no_terminal_exits_2_at_once(run, demo_dir):
    result = run("destroy", "--stage", "feature/x")  # CliRunner's stdin is no terminal
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert "Destroy stage" not in result.output
    assert not (demo_dir / ".edgeform").exists()


LOADS_ON_EXIT = """
import atexit, json, sys
heavy = ("boto3", "botocore", "aiohttp", "moto", "python_terraform")
atexit.register(lambda: print("loaded:", json.dumps(sorted({m.split(".")[0] for m in sys.modules
                                                            if m.split(".")[0] in heavy}))))
sys.argv = ["edgeform", *sys.argv[1:]]
from edgeform.cli import main
main()
"""


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--version"], set()),
        (["lint", "--stage", "main"], {"python_terraform"}),
        (["render", "--stage", "main"], {"python_terraform"}),
        (["deploy", "--help"], {"boto3", "botocore", "python_terraform"}),
    ],
)
def test_commands_import_only_what_they_use(demo_dir, args, allowed):
    # boto3 alone is 100 ms of start-up; --version, lint and render never call AWS.
    out = subprocess.run(
        [sys.executable, "-c", LOADS_ON_EXIT, *args],
        cwd=demo_dir, capture_output=True, text=True, check=False,
    )  # fmt: skip
    loaded = out.stdout.strip().splitlines()[-1]
    assert loaded.startswith("loaded:"), out
    assert set(json.loads(loaded.removeprefix("loaded:"))) <= allowed


def test_a_failure_under_output_json_is_json_on_stdout(run):
    result = run("outputs", "--stage", "never-deployed", "--output", "json")
    assert result.exit_code == 2
    failure = json.loads(result.stdout)
    assert failure == {
        "error": "stage never-deployed is not deployed on target local",
        "hint": "run edgeform deploy --stage never-deployed first",
        "exit": 2,
    }
    assert "error: stage never-deployed" in result.stderr  # people still read stderr
    text = run("outputs", "--stage", "never-deployed")
    assert (text.exit_code, text.stdout) == (2, "")


def test_lint_with_an_error_shows_a_failed_step_and_one_error(run, demo_dir):
    app = demo_dir / "functions" / "redirect" / "app.py"
    app.write_text(app.read_text() + "\nimport os\nKEY = os.environ['KEY']\n")
    config = demo_dir / "edgeform.toml"
    config.write_text(config.read_text().replace("memory = 128", "memory = 4096", 1))
    result = run("lint", "--stage", "main")
    assert result.exit_code == 1
    assert "✗ lint  1 error, " in result.stderr
    assert "lint: 1 error, " in result.stdout


def test_help_lists_the_commands_in_a_newcomers_order_each_with_an_example(run):
    from edgeform.cli.group import COMMAND_MODULES

    text = run("--help").output
    listed = re.findall(r"^  (\S+)\s{2,}\S", text.split("Commands:")[1].split("Examples")[0], re.M)
    assert listed == list(COMMAND_MODULES)
    assert listed[:3] == ["init", "serve", "invoke"]  # start, then the local loop
    examples = text.split("Examples, one per command")[1]
    shown = re.findall(r"^    edgeform ([a-z-]+)", examples, re.M)
    assert shown == listed
