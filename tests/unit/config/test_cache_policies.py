"""[cache_policies] and a behavior's cache_policy: parsed into the model's CachePolicy; AWS's
managed ones by their published names and IDs (Developer Guide, "Use managed cache policies");
the legacy keys as edgeform's own policy; the mistakes CloudFront would refuse, named first."""

from __future__ import annotations

import pytest

from edgeform.config import load_project
from edgeform.model.policies import ALL, NONE, Selection
from tests.unit.config.test_config import MINIMAL, problems, write

POLICY = """
[cache_policies.keyed]
min_ttl = 1
default_ttl = 60
max_ttl = 3600
headers = ["CloudFront-Viewer-Country"]
cookies = ["session"]
query_strings = "all"
enable_accept_encoding_brotli = false
"""


def test_a_behavior_names_the_projects_policy_or_a_managed_one(tmp_path):
    text = (
        MINIMAL
        + POLICY
        + """
[default_behavior]
cache_policy = "CachingOptimized"

[[behaviors]]
path_pattern = "/keyed/*"
cache_policy = "keyed"
viewer_protocol_policy = "https-only"
"""
    )
    project = load_project(write(tmp_path, text))
    managed = project.default_behavior.cache_policy
    assert managed.managed_id == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    assert (managed.min_ttl, managed.default_ttl, managed.max_ttl) == (1, 86400, 31536000)
    keyed = project.behaviors[0].cache_policy
    assert keyed == project.cache_policies["keyed"]
    assert (keyed.min_ttl, keyed.default_ttl, keyed.max_ttl) == (1, 60, 3600)
    assert keyed.headers == ("CloudFront-Viewer-Country",)
    assert keyed.cookies == Selection("whitelist", ("session",))
    assert (keyed.query_strings, keyed.gzip, keyed.brotli) == (ALL, True, False)
    assert project.behaviors[0].viewer_protocol_policy == "https-only"
    # The managed policy is attached by ID: only the project's own is made.
    assert [p.name for p in project.rendered_cache_policies()] == ["keyed"]


def test_the_legacy_keys_make_edgeforms_own_policy_shared_by_behaviors_alike(tmp_path):
    text = (
        MINIMAL
        + """
[default_behavior]
forward_query_string = false
default_ttl = 60
max_ttl = 600

[[behaviors]]
path_pattern = "/a/*"
forward_query_string = false
default_ttl = 60
max_ttl = 600

[[behaviors]]
path_pattern = "/b/*"
"""
    )
    project = load_project(write(tmp_path, text))
    first, second = project.default_behavior.cache_policy, project.behaviors[0].cache_policy
    assert first == second
    assert first.legacy
    assert (first.max_ttl, first.query_strings) == (600, NONE)
    plain = project.behaviors[1].cache_policy
    assert (plain.min_ttl, plain.default_ttl, plain.max_ttl) == (0, 86400, 31536000)
    assert plain.query_strings == ALL  # forward_query_string's default
    assert [p.name for p in project.rendered_cache_policies()] == sorted({first.name, plain.name})


def test_cached_methods_follow_the_allowed_ones_unless_set(tmp_path):
    text = (
        MINIMAL
        + """
[default_behavior]
allowed_methods = ["GET", "HEAD", "OPTIONS"]

[[behaviors]]
path_pattern = "/a/*"
allowed_methods = ["GET", "HEAD", "OPTIONS"]
cached_methods = ["GET", "HEAD"]
"""
    )
    project = load_project(write(tmp_path, text))
    assert project.default_behavior.cached_methods == ("GET", "HEAD", "OPTIONS")
    assert project.behaviors[0].cached_methods == ("GET", "HEAD")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ('[default_behavior]\ncache_policy = "Nope"',
         "default_behavior.cache_policy: no cache policy named 'Nope' (define "),
        ('[default_behavior]\ncache_policy = "CachingOptimized"\nmax_ttl = 60',
         "default_behavior.max_ttl: max_ttl and cache_policy both set"),
        ('[cache_policies.off]\nmax_ttl = 0\ndefault_ttl = 0\nquery_strings = "all"',
         "cache_policies.off.query_strings: caching is disabled (max_ttl = 0) but"),
        ('[cache_policies.many]\nheaders = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]',
         "cache_policies.many.headers: more than 10 headers"),
        ('[cache_policies.bad]\ncookies = "some"',
         'cache_policies.bad.cookies: expected "none", "all" or an array of names'),
        ('[cache_policies.Bad]\nmin_ttl = 0', "cache_policies.Bad: 'Bad' is not a valid"),
        ('[default_behavior]\ncached_methods = ["GET", "HEAD", "OPTIONS"]',
         "default_behavior.cached_methods: ['GET', 'HEAD', 'OPTIONS'] is not a set"),
        ('[default_behavior]\nviewer_protocol_policy = "http-only"',
         "default_behavior.viewer_protocol_policy: unknown 'http-only'"),
    ],
)  # fmt: skip
def test_policy_mistakes_are_named_with_their_fix(tmp_path, extra, says):
    found = problems(tmp_path, MINIMAL + "\n" + extra + "\n")
    assert any(says in line for line in found), found


def test_policy_rules_carry_their_lint_ids(tmp_path):
    from edgeform.errors import ConfigError

    path = write(tmp_path, MINIMAL + '\n[cache_policies.off]\nmax_ttl = 0\ndefault_ttl = 0\n'
                 'headers = ["Origin"]\n[default_behavior]\ncache_policy = "gone"\n')  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_project(path)
    assert {p.rule for p in caught.value.problems} == {"LE602", "LE603"}


def test_an_origin_request_policy_of_the_projects_or_a_managed_one(tmp_path):
    text = (
        MINIMAL
        + """
[origin_request_policies.viewer-info]
headers = ["CloudFront-Viewer-Country", "CloudFront-Is-Mobile-Viewer"]
query_strings = "all"

[default_behavior]
origin_request_policy = "viewer-info"

[[behaviors]]
path_pattern = "/s3/*"
origin_request_policy = "CORS-S3Origin"

[[behaviors]]
path_pattern = "/all/*"
origin_request_policy = "AllViewer"
"""
    )
    project = load_project(write(tmp_path, text))
    own = project.default_behavior.origin_request_policy
    assert own is not None
    assert own.headers == Selection(
        "whitelist", ("CloudFront-Viewer-Country", "CloudFront-Is-Mobile-Viewer")
    )
    assert (own.query_strings, own.cookies, own.managed_id) == (ALL, NONE, None)
    cors = project.behaviors[0].origin_request_policy
    assert cors is not None
    assert cors.managed_id == "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"  # "Use managed origin..."
    assert "Origin" in cors.headers.names
    every = project.behaviors[1].origin_request_policy
    assert every is not None
    assert (every.headers, every.cookies, every.query_strings) == (ALL, ALL, ALL)


@pytest.mark.parametrize(
    ("extra", "says", "rule"),
    [
        ('[origin_request_policies.auth]\nheaders = ["Authorization"]',
         "origin_request_policies.auth.headers: an origin request policy cannot send "
         "Authorization", "LE604"),
        ('[default_behavior]\norigin_request_policy = "AllViewers"',
         "default_behavior.origin_request_policy: no origin request policy named", "LE603"),
        ('[origin_request_policies.x]\nheaders = "all"',
         'origin_request_policies.x.headers: expected "none", "allViewer" or', "LE100"),
    ],
)  # fmt: skip
def test_origin_request_policy_mistakes(tmp_path, extra, says, rule):
    from edgeform.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_project(write(tmp_path, MINIMAL + "\n" + extra + "\n"))
    found = [p for p in caught.value.problems if says in str(p)]
    assert found, [str(p) for p in caught.value.problems]
    assert found[0].rule == rule
