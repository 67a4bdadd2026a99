"""[origins], [origin_groups] and a behavior's target_origin: parsed into the model; the
mistakes CloudFront would refuse (Developer Guide, "Origin settings", "Optimize high
availability with CloudFront origin failover", "Add custom headers to origin requests"),
and serve's own rule that an origin's local_url is on loopback, named first."""

from __future__ import annotations

import pytest

from edgeform.config import load_project
from edgeform.errors import ConfigError
from edgeform.model.origins import CustomOrigin, OriginGroup
from tests.unit.config.test_config import MINIMAL, write

ORIGINS = """
[origins.api]
domain_name = "api.example.com"
origin_path = "/v1"
origin_protocol_policy = "match-viewer"
read_timeout = 20
custom_headers = { "X-From-Edge" = "1" }
local_url = "http://127.0.0.1:8081"

[origin_groups.api-with-backup]
primary = "api"
failover = "site"

[[behaviors]]
path_pattern = "/api/*"
target_origin = "api"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]

[[behaviors]]
path_pattern = "/img/*"
target_origin = "api-with-backup"
"""


def test_origins_groups_and_targets_are_parsed(tmp_path):
    project = load_project(write(tmp_path, MINIMAL + ORIGINS))
    assert project.origins["api"] == CustomOrigin(
        "api",
        "api.example.com",
        "/v1",
        "match-viewer",
        read_timeout=20,
        custom_headers=(("X-From-Edge", "1"),),
        local_url="http://127.0.0.1:8081",
    )
    assert project.origin_groups["api-with-backup"] == OriginGroup(
        "api-with-backup", "api", "site", (500, 502, 503, 504)
    )
    targets = [b.target_origin for b in project.all_behaviors]
    assert targets == ["api", "api-with-backup", "site"]
    assert project.origins["api"].protocol("http") == "http"  # match-viewer
    assert project.origins["api"].port("https") == 443


@pytest.mark.parametrize(
    ("extra", "says", "rule"),
    [
        ('[default_behavior]\ntarget_origin = "api"',
         "default_behavior.target_origin: no origin or origin group named 'api'", "LE607"),
        ('[origins.site]\ndomain_name = "a.example.com"',
         "origins.site: 'site' is the site's bucket", "LE607"),
        ('[origins.a]\ndomain_name = "a.example.com"\n[origin_groups.a]\nprimary = "a"\n'
         'failover = "site"',
         "origin_groups: a names both an origin and an origin group", "LE607"),
        ('[origin_groups.g]\nprimary = "site"\nfailover = "nowhere"',
         "origin_groups.g.failover: no origin named 'nowhere'", "LE608"),
        ('[origin_groups.g]\nprimary = "site"\nfailover = "site"',
         "origin_groups.g.failover: the failover origin is the primary", "LE608"),
        ('[origins.a]\ndomain_name = "a.example.com"\n[origin_groups.g]\nprimary = "a"\n'
         'failover = "site"\n[default_behavior]\ntarget_origin = "g"\n'
         'allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]',
         "default_behavior.target_origin: origin group 'g' with PUT, POST", "LE609"),
        ('[origins.a]\ndomain_name = "a.example.com"\nlocal_url = "http://10.0.0.5:8080"',
         "origins.a.local_url: 'http://10.0.0.5:8080' is not a server on loopback", "LE610"),
        ('[origins.a]\ndomain_name = "a.example.com"\ncustom_headers = { Host = "x" }',
         "origins.a.custom_headers: CloudFront does not add Host to origin requests", "LE612"),
        ('[origins.a]\ndomain_name = "10.0.0.5"',
         "origins.a.domain_name: '10.0.0.5' is not a domain name", "LE100"),
        ('[origins.a]\ndomain_name = "a.example.com"\nconnection_timeout = 11',
         "origins.a.connection_timeout", "LE100"),
        ('[origins.a]\ndomain_name = "a.example.com"\norigin_path = "v1/"',
         "origins.a.origin_path: 'v1/' is not an origin path", "LE100"),
        ('[origin_groups.g]\nprimary = "site"\nfailover = "site"\nfailover_status_codes = [501]',
         "origin_groups.g.failover_status_codes", "LE100"),
    ],
)  # fmt: skip
def test_origin_mistakes(tmp_path, extra, says, rule):
    with pytest.raises(ConfigError) as caught:
        load_project(write(tmp_path, MINIMAL + "\n" + extra + "\n"))
    found = [p for p in caught.value.problems if says in str(p)]
    assert found, [str(p) for p in caught.value.problems]
    assert found[0].rule == rule


def test_the_distributions_own_settings_are_parsed(tmp_path):
    from edgeform.model.distribution import GeoRestriction

    text = MINIMAL.replace(
        "[project]\n",
        '[project]\nhttp_version = "http2and3"\nis_ipv6_enabled = false\n'
        'geo_restriction = { restriction_type = "whitelist", locations = ["DE", "AT"] }\n',
    )
    project = load_project(write(tmp_path, text))
    assert (project.http_version, project.is_ipv6_enabled) == ("http2and3", False)
    assert project.geo_restriction == GeoRestriction("whitelist", ("DE", "AT"))
    assert project.geo_restriction.allows("AT")
    assert not project.geo_restriction.allows("US")
    bad = MINIMAL.replace(
        "[project]\n",
        '[project]\ngeo_restriction = { restriction_type = "blacklist", locations = ["de"] }\n'
        'web_acl_id = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/b"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_project(write(tmp_path, bad))
    said = [str(p) for p in caught.value.problems]
    wrong_code = "project.geo_restriction.locations[0]: 'de' is not a country code"
    assert any(wrong_code in p for p in said)
    assert any("project.web_acl_id" in p and "global WAFv2 web ACL" in p for p in said)
