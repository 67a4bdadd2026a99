"""[response_headers_policies] and a behavior's response_headers_policy: parsed into the model;
AWS's managed ones by their published names and IDs (Developer Guide, "Use managed response
headers policies"); how a policy changes a response ("Understand response headers policies");
the mistakes CloudFront or a browser would refuse, named first."""

from __future__ import annotations

import pytest

from edgeform.aws.cloudfront import response_headers_policy_of
from edgeform.config import load_project
from edgeform.errors import ConfigError
from edgeform.model.response_headers import (
    Cors,
    ResponseHeadersPolicy,
    StrictTransportSecurity,
    apply_policy,
)
from tests.unit.config.test_config import MINIMAL, write

POLICY = """
[response_headers_policies.security]
content_security_policy = "default-src 'self'"
strict_transport_security = { max_age = 63072000, include_subdomains = true, preload = true }
frame_options = "DENY"
content_type_options = true
referrer_policy = "strict-origin-when-cross-origin"
custom_headers = { "X-Robots-Tag" = "noindex" }
remove_headers = ["Server"]
cors.allow_origins = ["https://example.com"]
cors.allow_methods = ["GET"]
cors.allow_headers = ["*"]
cors.max_age = 600

[default_behavior]
response_headers_policy = "security"

[[behaviors]]
path_pattern = "/api/*"
response_headers_policy = "CORS-With-Preflight"
"""


def test_a_behavior_names_the_projects_policy_or_a_managed_one(tmp_path):
    project = load_project(write(tmp_path, MINIMAL + POLICY))
    own = project.default_behavior.response_headers_policy
    assert own == project.response_headers_policies["security"]
    assert own.strict_transport_security == StrictTransportSecurity(63072000, True, True)
    assert own.cors == Cors(("https://example.com",), ("GET",), ("*",), (), False, 600, True)
    assert own.added_headers() == [
        ("Content-Security-Policy", "default-src 'self'"),
        ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Robots-Tag", "noindex"),
    ]
    managed = project.behaviors[0].response_headers_policy
    assert managed is not None
    assert managed.managed_id == "5cc3b908-e619-4b99-88e5-2cf7f45965bd"


ORIGIN = [("Server", "AmazonS3"), ("X-Frame-Options", "SAMEORIGIN"), ("Content-Type", "a/b")]


def test_a_policy_overrides_or_keeps_the_origins_headers_and_removes_what_it_names():
    strict = ResponseHeadersPolicy("s", frame_options="DENY", remove_headers=("server",))
    got = dict(apply_policy(strict, ORIGIN, "GET", {}))
    assert got == {"X-Frame-Options": "DENY", "Content-Type": "a/b"}
    lenient = ResponseHeadersPolicy("l", frame_options="DENY", content_type_options=True,
                                    override=False)  # fmt: skip
    got = dict(apply_policy(lenient, ORIGIN, "GET", {}))
    assert got["X-Frame-Options"] == "SAMEORIGIN"  # the origin's stays
    assert got["X-Content-Type-Options"] == "nosniff"  # added: the origin sent none


def test_cors_answers_allowed_origins_and_puts_the_preflight_headers_on_preflights_only():
    cors = Cors(("https://a.example",), ("ALL",), ("X-Token",), max_age=60)
    policy = ResponseHeadersPolicy("c", cors=cors)
    simple = dict(apply_policy(policy, [], "GET", {"origin": "https://a.example"}))
    assert simple == {"Access-Control-Allow-Origin": "https://a.example"}
    assert apply_policy(policy, [], "GET", {"origin": "https://b.example"}) == []
    assert apply_policy(policy, [], "GET", {}) == []  # not a CORS request
    preflight = dict(
        apply_policy(
            policy,
            [],
            "OPTIONS",
            {"origin": "https://a.example", "access-control-request-method": "PUT"},
        )
    )
    assert preflight["Access-Control-Allow-Methods"] == (
        "GET, POST, OPTIONS, PUT, DELETE, PATCH, HEAD"  # ALL, spelt out
    )
    assert preflight["Access-Control-Allow-Headers"] == "X-Token"
    assert preflight["Access-Control-Max-Age"] == "60"
    wildcard = ResponseHeadersPolicy("w", cors=Cors(("*",), ("GET",)))
    assert apply_policy(wildcard, [], "GET", {"origin": "https://x"}) == [
        ("Access-Control-Allow-Origin", "*")
    ]


def test_a_policy_read_back_from_cloudfronts_api_is_the_one_rendered(tmp_path):
    """ResponseHeadersPolicyConfig, as GetResponseHeadersPolicy returns it (API Reference)."""
    project = load_project(write(tmp_path, MINIMAL + POLICY))
    config = {
        "Name": "security",
        "CorsConfig": {
            "AccessControlAllowCredentials": False,
            "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["*"]},
            "AccessControlAllowMethods": {"Quantity": 1, "Items": ["GET"]},
            "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://example.com"]},
            "AccessControlMaxAgeSec": 600,
            "OriginOverride": True,
        },
        "SecurityHeadersConfig": {
            "ContentSecurityPolicy": {
                "ContentSecurityPolicy": "default-src 'self'",
                "Override": True,
            },
            "StrictTransportSecurity": {
                "AccessControlMaxAgeSec": 63072000,
                "IncludeSubdomains": True,
                "Preload": True,
                "Override": True,
            },
            "FrameOptions": {"FrameOption": "DENY", "Override": True},
            "ContentTypeOptions": {"Override": True},
            "ReferrerPolicy": {
                "ReferrerPolicy": "strict-origin-when-cross-origin",
                "Override": True,
            },
        },
        "CustomHeadersConfig": {
            "Quantity": 1,
            "Items": [{"Header": "X-Robots-Tag", "Value": "noindex", "Override": True}],
        },
        "RemoveHeadersConfig": {"Quantity": 1, "Items": [{"Header": "Server"}]},
    }
    assert response_headers_policy_of(config) == project.response_headers_policies["security"]


@pytest.mark.parametrize(
    ("extra", "says", "rule"),
    [
        ('[default_behavior]\nresponse_headers_policy = "SecurityHeaders"',
         "default_behavior.response_headers_policy: no response headers policy named", "LE603"),
        ('[response_headers_policies.x]\ncors = { allow_origins = ["*"], allow_methods = ["GET"], '
         'allow_headers = ["*"], allow_credentials = true }',
         "response_headers_policies.x.cors.allow_credentials: allow_credentials with", "LE605"),
        ('[response_headers_policies.x]\nremove_headers = ["Content-Length"]',
         "response_headers_policies.x.remove_headers: CloudFront does not let a response "
         "headers policy remove Content-Length", "LE606"),
        ('[response_headers_policies.x]\ncustom_headers = { "X-Amz-Cf-Id" = "1" }',
         "CloudFront does not let a response headers policy set X-Amz-Cf-Id", "LE606"),
        ('[response_headers_policies.x]\nframe_options = "ALLOW"',
         "response_headers_policies.x.frame_options: unknown 'ALLOW'", "LE100"),
    ],
)  # fmt: skip
def test_response_headers_policy_mistakes(tmp_path, extra, says, rule):
    with pytest.raises(ConfigError) as caught:
        load_project(write(tmp_path, MINIMAL + "\n" + extra + "\n"))
    found = [p for p in caught.value.problems if says in str(p)]
    assert found, [str(p) for p in caught.value.problems]
    assert found[0].rule == rule
