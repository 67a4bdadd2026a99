"""The demo's edge functions, run from their built bundles with events shaped as CloudFront's.

The events follow reference/lambda-edge.md section 4 exactly; the handlers are imported from
the extracted zip, so the baked-in edgeform_config.json is what they read.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from edgeform.build.bundle import build_bundles
from edgeform.model.project import Project
from tests.conftest import NoDependencies, stage

DOMAIN = "d123example.cloudfront.net"


def load_handler(project: Project, name: str, tmp_path: Path, api_origin: str) -> ModuleType:
    function = project.functions[name]
    [bundle] = build_bundles(
        [function], {"api_origin": api_origin}, tmp_path / "bundles", NoDependencies()
    )
    target = tmp_path / "extracted" / name
    with zipfile.ZipFile(bundle.path) as archive:
        archive.extractall(target)
    module_name, _ = function.handler.rsplit(".", 1)
    spec = importlib.util.spec_from_file_location(
        f"demo_{name.replace('-', '_')}", target / f"{module_name}.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.pop(spec.name, None)
    spec.loader.exec_module(module)
    return module


def cf_event(event_type, request, response=None):
    """One record as CloudFront sends it (reference section 4): config, request, response."""
    cf = {
        "config": {
            "distributionDomainName": DOMAIN,
            "distributionId": "E1EXAMPLE",
            "eventType": event_type,
            "requestId": "Xk3abc==",
        },
        "request": {"clientIp": "198.51.100.7", "method": "GET", **request},
    }
    if response is not None:
        cf["response"] = response
    return {"Records": [{"cf": cf}]}


def viewer_request(uri="/index.html", querystring="", referer=None):
    headers = {
        "host": [{"key": "Host", "value": DOMAIN}],
        "user-agent": [{"key": "User-Agent", "value": "Mozilla/5.0"}],
    }
    if referer is not None:
        headers["referer"] = [{"key": "Referer", "value": referer}]
    return cf_event("viewer-request", {"uri": uri, "querystring": querystring, "headers": headers})


S3_ORIGIN = {
    "s3": {
        "authMethod": "none",
        "customHeaders": {},
        "domainName": "site-bucket.s3.us-east-1.amazonaws.com",
        "path": "",
        "region": "us-east-1",
    }
}
ORIGIN_HEADERS = {
    "content-type": [{"key": "Content-Type", "value": "text/html"}],
    "server": [{"key": "Server", "value": "AmazonS3"}],
}


def origin_response(status="200", headers=None):
    return cf_event(
        "origin-response",
        {
            "uri": "/other.html",
            "querystring": "",
            "headers": {},
            "origin": copy.deepcopy(S3_ORIGIN),
        },
        {
            "status": status,
            "statusDescription": "OK",
            "headers": ORIGIN_HEADERS if headers is None else headers,
        },
    )


@pytest.fixture
def redirect(demo, tmp_path):
    return load_handler(demo, "redirect", tmp_path, "https://api.github.com")


@pytest.fixture
def security_headers(demo, tmp_path):
    return load_handler(demo, "security-headers", tmp_path, "https://api.example.test")


def test_form_submission_from_index_is_redirected_with_its_query(redirect):
    event = viewer_request(
        "/index.html", "username=octocat", referer=f"https://{DOMAIN}/index.html"
    )
    response = redirect.handler(event, None)
    assert response["status"] == "302"
    assert response["headers"]["location"] == [
        {"key": "Location", "value": f"//{DOMAIN}/other.html?username=octocat"}
    ]
    assert response["headers"]["cache-control"][0]["value"] == "no-store"


def test_redirect_without_query_string_has_no_question_mark(redirect):
    event = viewer_request("/", "", referer=f"https://{DOMAIN}/index.html?x")
    location = redirect.handler(event, None)["headers"]["location"][0]["value"]
    assert location == f"//{DOMAIN}/other.html"


@pytest.mark.parametrize(
    ("uri", "referer"),
    [
        ("/script.js", None),
        ("/script.js", f"https://{DOMAIN}/other.html?username=octocat"),
        ("/index.html", ""),
        # The request that follows the redirect keeps index.html's Referer: no loop.
        ("/other.html", f"https://{DOMAIN}/index.html"),
        ("/script.js", f"https://{DOMAIN}/index.html"),
    ],
)
def test_other_requests_pass_through_unchanged(redirect, uri, referer):
    event = viewer_request(uri, "v=1", referer=referer)
    original = copy.deepcopy(event["Records"][0]["cf"]["request"])
    assert redirect.handler(event, None) == original


def test_origin_response_adds_csp_for_own_domain_and_configured_api(security_headers):
    response = security_headers.handler(origin_response(), None)
    csp = response["headers"]["content-security-policy"][0]
    assert csp["key"] == "Content-Security-Policy"
    directives = dict(d.split(" ", 1) for d in csp["value"].split("; "))
    assert directives["script-src"] == f"'self' https://{DOMAIN}"
    assert directives["connect-src"] == "https://api.example.test"
    assert directives["default-src"] == "'none'"
    assert response["status"] == "200"
    # The origin's own headers stay.
    assert response["headers"]["content-type"] == [{"key": "Content-Type", "value": "text/html"}]


def test_the_function_adds_only_the_csp_and_the_policy_the_static_headers(security_headers, demo):
    """The headers that never change are the behavior's response headers policy's, which
    CloudFront adds to every response; the function makes only the stage's CSP."""
    headers = security_headers.handler(origin_response(), None)["headers"]
    assert "x-frame-options" not in headers
    assert all(v[0]["key"].lower() == k for k, v in headers.items())
    policy = demo.default_behavior.response_headers_policy
    assert policy is not None
    assert dict(policy.added_headers()) == {
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
    }


def test_origin_errors_get_the_headers_too(security_headers):
    response = security_headers.handler(origin_response("403", headers={}), None)
    assert response["status"] == "403"
    assert "content-security-policy" in response["headers"]


def test_stage_config_reaches_the_function(demo_dir, tmp_path):
    from edgeform.config import load_project

    config = demo_dir / "edgeform.toml"
    config.write_text(
        config.read_text() + "\n[stages.preview]\n"
        'config = { api_origin = "https://preview.example.test" }\n'
    )
    project = load_project(config)
    values = project.build_config_for(stage("preview").name)
    module = load_handler(project, "security-headers", tmp_path, values["api_origin"])
    csp = module.handler(origin_response(), None)["headers"]["content-security-policy"]
    assert "connect-src https://preview.example.test" in csp[0]["value"]
