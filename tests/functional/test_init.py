"""`edgeform init`: each template, in each runtime, created, linted, tested by its own tests,
and served through the emulated CloudFront with its behaviour checked by HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from edgeform import __version__
from edgeform.cli import cli
from edgeform.scaffold.catalog import RUNTIMES, TEMPLATES
from edgeform.scaffold.create import TEST_COMMANDS
from tests.emulator_helpers import Reply, ServerThread
from tests.functional.test_workflow import actionlint

Request = Callable[..., Reply]
REPO = Path(__file__).parents[2]


def init(*args: str):
    return CliRunner().invoke(cli, ["init", *args])


def check_rewrite(request: Request, _folder: Path) -> None:
    about = request("/about/")
    assert (about.status, b"<h1>About</h1>" in about.body) == (200, True)
    assert about.header("x-content-type-options") == "nosniff"
    assert about.header("strict-transport-security") == "max-age=63072000; preload"
    page = request("/docs/getting-started")
    assert (page.status, b"<h1>Getting started</h1>" in page.body) == (200, True)
    moved = request("/old-about?ref=mail")
    assert (moved.status, moved.header("location")) == (301, "/about/?ref=mail")
    assert request("/index.html").status == 200


def check_ab_testing(request: Request, _folder: Path) -> None:
    for variant in ("a", "b"):
        known = request("/", headers={"Cookie": f"theme=dark; ab-variant={variant}"})
        assert f"Variant {variant.upper()}".encode() in known.body
        assert known.header("set-cookie") is None
    new = request("/", headers={"User-Agent": "a new viewer"})
    cookie = new.header("set-cookie") or ""
    attributes = "; Path=/; Max-Age=2592000; Secure; SameSite=Lax"
    chosen = re.fullmatch(r"ab-variant=([ab])" + re.escape(attributes), cookie)
    assert chosen, cookie
    assert f"Variant {chosen.group(1).upper()}".encode() in new.body
    again = request("/", headers={"User-Agent": "a new viewer"})  # the same viewer: the same page
    assert again.body == new.body


def check_spa(request: Request, _folder: Path) -> None:
    for route in ("/", "/settings/profile", "/reports/2026"):
        page = request(route)
        assert (page.status, b'<main id="view">' in page.body) == (200, True)
        assert page.header("cache-control") == "no-cache"  # a deploy shows at once
        assert "script-src 'self'" in (page.header("content-security-policy") or "")
    asset = request("/assets/app.7c2e9f1b.js")
    assert asset.status == 200
    assert asset.header("cache-control") == "public, max-age=31536000, immutable"
    assert asset.header("content-type") == "text/javascript; charset=utf-8"
    # 403 and 404 map to the app's page with 200 ([[custom_error_responses]]; CloudFront
    # Developer Guide, "Generate custom error responses"): a path that is no file.
    index = (_folder / "site" / "index.html").read_bytes()
    for missing in ("/no/such/file.txt", "/assets/missing.0123abcd.js"):
        fallback = request(missing)
        assert (fallback.status, fallback.body) == (200, index)


def check_demo(request: Request, _folder: Path) -> None:
    referer = {"Referer": "http://127.0.0.1/index.html"}
    moved = request("/index.html?username=octocat", headers=referer)
    assert moved.status == 302
    assert (moved.header("location") or "").endswith("/other.html?username=octocat")
    other = request("/other.html?username=octocat", headers=referer)
    assert other.status == 200
    assert "connect-src https://api.github.com" in (other.header("content-security-policy") or "")
    assert other.header("x-content-type-options") == "nosniff"  # the response headers policy
    assert other.header("referrer-policy") == "same-origin"
    check_not_found(request, _folder)


def check_not_found(request: Request, folder: Path) -> None:
    """A missing page is the site's 404 page with 404, never S3's AccessDenied XML."""
    missing = request("/missing")
    assert missing.status == 404
    assert (missing.header("content-type") or "").startswith("text/html")
    assert missing.body == (folder / "site" / "404.html").read_bytes()


def check_geo(request: Request, _folder: Path) -> None:
    """AWS's country-redirect example under serve: the country is serve's --viewer-country
    (US) or the request's X-Edgeform-Viewer-Country; each country's redirect cached apart."""
    for country, location in [("DE", "/de/"), ("FR", "/fr/"), ("US", "/en/"), ("AT", "/de/")]:
        sent = request("/", headers={"X-Edgeform-Viewer-Country": country})
        assert (sent.status, sent.header("location")) == (302, location), country
    assert request("/").header("location") == "/en/"  # serve's default country
    page = request("/de/")
    assert (page.status, b"Willkommen" in page.body) == (200, True)
    assert page.header("x-frame-options") == "SAMEORIGIN"  # AWS's SecurityHeadersPolicy


IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


def check_device(request: Request, _folder: Path) -> None:
    for headers, page in [
        ({"User-Agent": IPHONE}, b"The mobile page"),
        ({"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"}, b"The desktop page"),
        ({"User-Agent": "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)"}, b"The tablet page"),
    ]:
        for uri in ("/", "/index.html"):
            served = request(uri, headers=headers)
            assert (served.status, page in served.body) == (200, True), (uri, headers)


def check_generated(request: Request, _folder: Path) -> None:
    hello = request("/hello?name=%3Cscript%3E")
    assert (hello.status, hello.header("content-type")) == (200, "text/html; charset=utf-8")
    assert b"Hello, &lt;script&gt;!" in hello.body
    assert hello.header("x-cache") == "LambdaGeneratedResponse from cloudfront"
    squares = request("/api/squares?count=5")
    assert json.loads(squares.body) == {"squares": [0, 1, 4, 9, 16]}
    too_big = request("/api/squares?count=50000")  # the function says so: not CloudFront's 502
    assert too_big.status == 413
    assert request("/index.html").status == 200


def signed(folder: Path, user: str, hours: float) -> str:
    """A token as the template's own tools/sign script makes it, with the project's key."""
    key = (folder / "functions" / "auth" / "signing.key").read_text().strip().encode()
    expires = int(time.time() + hours * 3600)
    mac = hmac.new(key, f"{user}.{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{user}.{expires}.{mac}"


def check_auth(request: Request, folder: Path) -> None:
    sent = request("/index.html?from=mail")
    assert (sent.status, sent.header("location")) == (
        302,
        "/login.html?next=%2Findex.html%3Ffrom%3Dmail",
    )
    assert request("/login.html").status == 200
    token = signed(folder, "alice", 1)
    member = request("/", headers={"Cookie": f"theme=dark; session={token}"})
    assert (member.status, b"Members only" in member.body) == (200, True)
    assert request("/", headers={"Authorization": f"Bearer {token}"}).status == 200
    expired = signed(folder, "alice", -1)
    assert request("/", headers={"Authorization": f"Bearer {expired}"}).status == 401
    forged = token.replace("alice", "mallory")
    assert request("/", headers={"Cookie": f"session={forged}"}).status == 302


BEHAVIOUR: dict[str, Callable[[Request, Path], None]] = {
    "ab-testing": check_ab_testing,
    "auth": check_auth,
    "demo": check_demo,
    "device": check_device,
    "generated": check_generated,
    "geo": check_geo,
    "rewrite": check_rewrite,
    "spa": check_spa,
}


def test_every_template_has_its_behaviour_checked():
    assert set(BEHAVIOUR) == set(TEMPLATES)


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_a_template_lints_passes_its_tests_and_serves(tmp_path, template, runtime):
    folder = tmp_path / f"{template}-{runtime}"
    result = init(str(folder), "--template", template, "--runtime", runtime, "--output", "json")
    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["name"] == f"{template}-{runtime}"
    for shared in ("edgeform.toml", "Makefile", ".gitignore", ".github/workflows/preview.yml"):
        assert shared in created["files"]
    assert ".edgeform/" in (folder / ".gitignore").read_text().splitlines()
    texts = {n: (folder / n).read_text() for n in created["files"] if not n.endswith(".png")}
    assert "@@" not in "".join(texts.values())
    machine = (str(tmp_path), str(REPO), str(Path.home()), sys.prefix, sys.base_prefix)
    assert [(n, p) for n, t in texts.items() for p in machine if p in t] == []

    if (folder / "template.mk").is_file():  # what the template makes at build time (a key)
        # (`make lint` with a stand-in edgeform: the rules the template adds run, nothing else)
        stand_in = f"EDGEFORM={shutil.which('true')}"
        made = subprocess.run(["make", "-s", "lint", stand_in], cwd=folder,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert made.returncode == 0, made.stdout + made.stderr
        assert ".gitignore" in created["files"]
        ignored = (folder / ".gitignore").read_text().splitlines()
        assert all(line in ignored for line in TEMPLATES[template].ignored)
    lint = CliRunner().invoke(cli, ["--config", str(folder / "edgeform.toml"), "lint"],
                              env={"EDGEFORM_STAGE": "main"})  # fmt: skip
    assert lint.exit_code == 0, lint.output
    assert "0 errors, 0 warnings" in lint.stdout

    own_tests = shlex.split(TEST_COMMANDS[runtime])  # what its `make test` runs
    tested = subprocess.run(own_tests, cwd=folder, capture_output=True, text=True, timeout=120)
    assert tested.returncode == 0, tested.stdout + tested.stderr

    assert (folder / "site" / "404.html").is_file()
    edge = ServerThread(folder).start()
    try:
        BEHAVIOUR[template](edge.request, folder)
        if template in ("rewrite", "generated", "device", "ab-testing", "geo"):
            check_not_found(edge.request, folder)
    finally:
        edge.stop()


def test_the_demo_template_is_this_repositorys_demo(tmp_path):
    # One demo: the template's Python files are the ones `make deploy` deploys here.
    assert init(str(tmp_path / "d"), "--template", "demo").exit_code == 0
    for part in ("functions", "site"):
        mine = sorted(p.relative_to(REPO) for p in (REPO / part).rglob("*") if p.is_file()
                      and "__pycache__" not in p.parts)  # fmt: skip
        for path in mine:
            assert (tmp_path / "d" / path).read_bytes() == (REPO / path).read_bytes(), path


def test_the_new_projects_workflow_passes_actionlint(tmp_path):
    assert init(str(tmp_path / "site")).exit_code == 0
    checked = actionlint(tmp_path / "site" / ".github" / "workflows" / "preview.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_init_lists_the_templates():
    listed = init("--list", "--output", "json")
    assert listed.exit_code == 0
    assert [t["name"] for t in json.loads(listed.stdout)] == list(TEMPLATES)
    assert all(t["summary"] for t in json.loads(listed.stdout))


def test_init_refuses_an_edgeform_project_and_writes_nothing(tmp_path):
    (tmp_path / "edgeform.toml").write_text("[project]\n")
    refused = init(str(tmp_path))
    assert refused.exit_code == 2
    assert "is an edgeform project already; nothing was written" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edgeform.toml"]


def test_init_never_overwrites_a_file_and_writes_nothing(tmp_path):
    (tmp_path / "README.md").write_text("mine\n")
    refused = init(str(tmp_path))
    assert refused.exit_code == 2
    assert "README.md" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]
    assert (tmp_path / "README.md").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--template", "nope"], "no template 'nope'"),
        (["--runtime", "ruby"], "'ruby' is not one of"),
        (["--name", "My_Site"], "--name 'My_Site' is not a project name"),
    ],
)
def test_init_names_a_wrong_template_or_runtime(tmp_path, args, says):
    refused = init(str(tmp_path / "x"), *args)
    assert refused.exit_code == 2
    assert says in refused.output
    assert not (tmp_path / "x").exists()


def test_a_new_project_is_named_after_its_folder(tmp_path):
    assert init(str(tmp_path / "My Site_2")).exit_code == 0
    assert 'name = "my-site-2"' in (tmp_path / "My Site_2" / "edgeform.toml").read_text()
    assert Path(tmp_path / "My Site_2" / ".github").is_dir()


def install_steps_before_use(workflow: dict) -> dict[str, list[str]]:
    """For each job: the steps that run make or edgeform with no earlier step of the job
    installing the pin (`pip install -r requirements-edgeform.txt`)."""
    missing: dict[str, list[str]] = {}
    for name, job in workflow["jobs"].items():
        installed = False
        for step in job["steps"]:
            run = step.get("run", "")
            if re.search(r"pip install .*-r requirements-edgeform\.txt", run):
                installed = True
            elif re.search(r"(^|\s)(make|edgeform)\s", run) and not installed:
                missing.setdefault(name, []).append(step.get("name", run))
    return missing


def test_every_workflow_job_installs_the_pin_before_it_runs_edgeform(tmp_path):
    assert init(str(tmp_path / "site"), "--template", "spa").exit_code == 0
    pins = (tmp_path / "site" / "requirements-edgeform.txt").read_text().splitlines()
    assert [line for line in pins if line and not line.startswith("#")] == [
        f"edgeform=={__version__}"
    ]
    workflow = yaml.safe_load((tmp_path / "site" / ".github/workflows/preview.yml").read_text())
    assert install_steps_before_use(workflow) == {}
    jobs_running_edgeform = [
        job for job in workflow["jobs"].values()
        if any(re.search(r"(^|\s)make\s", s.get("run", "")) for s in job["steps"])
    ]  # fmt: skip
    assert len(jobs_running_edgeform) == 4  # test, deploy, destroy, gc
    for job in jobs_running_edgeform:
        [python] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python")]
        # setup-python's pip cache, keyed on the pin (actions/setup-python README, "Caching
        # packages dependencies": cache and cache-dependency-path).
        assert python["with"]["cache"] == "pip"
        assert python["with"]["cache-dependency-path"] == "requirements-edgeform.txt"


def test_the_install_check_finds_a_job_without_its_install_step():
    workflow = {"jobs": {"deploy": {"steps": [{"name": "deploy", "run": "make deploy"}]}}}
    assert install_steps_before_use(workflow) == {"deploy": ["deploy"]}


def test_init_git_makes_the_repository_and_commits_every_file(tmp_path, monkeypatch):
    for role in ("AUTHOR", "COMMITTER"):  # a runner may have no git identity configured
        monkeypatch.setenv(f"GIT_{role}_NAME", "t")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "t@example.com")
    made = init(str(tmp_path / "s"), "--template", "spa", "--git", "--output", "json")
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    git = ["git", "-C", str(tmp_path / "s")]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert head.stdout.strip() == created["commit"]
    tracked = subprocess.run([*git, "ls-files"], capture_output=True, text=True, check=True)
    assert sorted(tracked.stdout.split()) == sorted(created["files"])
    branch = subprocess.run([*git, "branch", "--show-current"], capture_output=True, text=True)
    assert branch.stdout.strip() == "main"
