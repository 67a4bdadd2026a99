"""The emulator's pure parts: path patterns, TTLs, headers, events."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest

from edgeform.emulator import events, validation
from edgeform.emulator.cache import EdgeCache, Ttls, cache_key, ttl_seconds
from edgeform.emulator.events import EdgeConfig, HttpResponse, ViewerRequest
from edgeform.emulator.routing import match_behavior, pattern_matches

TTLS = Ttls(0, 86400, 31536000)
CONFIG = EdgeConfig("d1.cloudfront.net", "E1", "bucket.s3.us-east-1.amazonaws.com", via="1.1 x")


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("/images/*.jpg", "/images/a/b.jpg", True),
        ("images/*.jpg", "/images/a.jpg", True),  # the leading slash is optional
        ("/images/*.jpg", "/images/a.JPG", False),  # case-sensitive
        ("/a?c", "/abc", True),
        ("/a?c", "/ac", False),
        ("/api/*", "/api/", True),
        ("/api/*", "/apix", False),
        ("/*.js", "/x.js.map", False),
        ("/a.b", "/axb", False),  # '.' is literal
    ],
)
def test_path_patterns(pattern, path, matches):
    assert pattern_matches(pattern, path) is matches


@dataclass(frozen=True)
class B:
    path_pattern: str | None
    name: str


def test_first_matching_behavior_wins_and_the_default_is_last():
    behaviors = [B("/api/*", "api"), B("/api/v2/*", "v2"), B(None, "default")]
    assert match_behavior(behaviors, "/api/v2/x").name == "api"
    assert match_behavior(behaviors, "/other").name == "default"


@pytest.mark.parametrize(
    ("status", "headers", "ttl"),
    [
        (200, [], 86400.0),
        (200, [("Cache-Control", "max-age=60")], 60.0),
        (200, [("Cache-Control", "max-age=60, s-maxage=30")], 30.0),
        (200, [("Cache-Control", "no-store")], 0.0),
        (200, [("Cache-Control", "no-cache")], 0.0),
        (200, [("Cache-Control", "private, max-age=600")], 0.0),
        (200, [("Cache-Control", "max-age=99999999999")], 31536000.0),
        (200, [("Expires", "Thu, 01 Jan 1970 00:16:50 GMT")], 10.0),  # now is 1000
        (200, [("Expires", "garbage")], 0.0),
        (404, [], 10.0),  # origin errors: 10 s
        (503, [("Cache-Control", "max-age=3")], 3.0),
    ],
)
def test_ttls(status, headers, ttl):
    assert ttl_seconds(HttpResponse(status, headers), TTLS, 1000.0) == ttl


def test_cache_entries_expire_on_the_injected_clock():
    now = [0.0]
    cache = EdgeCache(lambda: now[0])
    key = cache_key("GET", None, "/a", "")
    cache.put(key, HttpResponse(200, []), 10, 200)
    now[0] = 9.5
    assert cache.get(key)[1] == 9
    now[0] = 10.0
    assert cache.get(key) is None
    cache.put(key, HttpResponse(200, []), 0, 200)
    assert cache.get(key) is None  # a zero TTL is not stored


def test_get_and_head_share_a_cache_key():
    assert cache_key("GET", "/a/*", "/a/x", "q=1") == cache_key("HEAD", "/a/*", "/a/x", "q=1")
    assert cache_key("OPTIONS", "/a/*", "/a/x", "") != cache_key("GET", "/a/*", "/a/x", "")


def test_headers_reach_functions_lower_cased_without_disallowed_ones():
    headers = events.to_cf_headers(
        [("User-Agent", "x"), ("Connection", "keep-alive"), ("X-Amz-Cf-Id", "1"), ("accept", "a")]
    )
    assert headers == {
        "user-agent": [{"key": "User-Agent", "value": "x"}],
        "accept": [{"key": "accept", "value": "a"}],
    }


def test_a_missing_key_is_filled_in_title_case():
    assert events.from_cf_headers({"x-my-header": [{"value": "1"}]}) == [("X-My-Header", "1")]


def test_include_body_truncates_at_the_viewer_limit():
    viewer = ViewerRequest("POST", "/f", "", (("Host", "h"),), body=b"a" * (41 * 1024))
    request = events.viewer_request_dict(viewer, include_body=True)
    assert request["body"]["inputTruncated"] is True
    assert len(base64.b64decode(request["body"]["data"])) == 40 * 1024
    origin = events.body_block(viewer.body, "origin-request")
    assert origin["inputTruncated"] is False


def test_events_have_cloudfronts_shape():
    viewer = ViewerRequest("GET", "/index.html", "a=1", (("Host", "d1.cloudfront.net"),))
    cf = events.sample_event("origin-response", viewer, CONFIG)["Records"][0]["cf"]
    assert set(cf) == {"config", "request", "response"}
    assert cf["config"]["eventType"] == "origin-response"
    assert cf["request"]["origin"]["s3"]["domainName"] == CONFIG.origin_domain
    assert cf["response"]["status"] == "200"
    vr = events.sample_event("viewer-request", viewer, CONFIG)["Records"][0]["cf"]
    assert set(vr["request"]) == {"clientIp", "headers", "method", "querystring", "uri"}


@pytest.mark.parametrize(
    ("result", "rule"),
    [
        ({"status": "302", "headers": {"Location": [{"value": "/"}]}}, "headers-invalid"),
        ({"status": "200", "headers": {"x": [{"key": "X", "value": "a\nb"}]}}, "headers-invalid"),
        ({"status": "200", "headers": {"x-edge-thing": [{"value": "1"}]}}, "header-disallowed"),
        ({"status": "200", "statusDescription": 5}, "status-description-invalid"),
        ({"status": "200", "body": "x", "bodyEncoding": "gzip"}, "body-encoding-invalid"),
        ({"status": True}, "status-invalid"),
        ({"status": "199"}, "status-invalid"),
    ],
)
def test_generated_response_rules(result, rule):
    _, violations = validation.check_request_result("viewer-request", {}, result)
    assert rule in {v.rule for v in violations}


def test_replacing_a_request_body_respects_the_limits():
    sent = {"uri": "/", "querystring": "", "headers": {}, "method": "POST", "clientIp": "1"}
    sent["body"] = {
        "inputTruncated": False,
        "action": "read-only",
        "encoding": "base64",
        "data": "",
    }
    big = {**sent, "body": {**sent["body"], "action": "replace", "encoding": "text"}}
    big["body"]["data"] = "x" * (40 * 1024 + 1)
    _, violations = validation.check_request_result("viewer-request", sent, big)
    assert [v.rule for v in violations] == ["body-too-large"]
    fine, violations = validation.check_request_result("origin-request", sent, big)
    assert violations == []
    assert fine.body == big["body"]["data"].encode()


# CloudFront Developer Guide, "Control how long CloudFront caches errors": with an Error
# Caching Minimum TTL, an error is kept the greater of it and the TTL of its own
# Cache-Control/Expires; no-store and the like still get the minimum; 416 is never cached.
@pytest.mark.parametrize(
    ("status", "headers", "minimum", "ttl"),
    [
        (404, [], 60, 60.0),
        (404, [("Cache-Control", "max-age=300")], 60, 300.0),
        (404, [("Cache-Control", "max-age=5")], 60, 60.0),
        (503, [("Cache-Control", "no-store")], 30, 30.0),
        (404, [], 0, 0.0),
        (404, [], None, 10.0),  # no custom error response: CloudFront's default 10 s
        (416, [], 60, 0.0),
    ],
)
def test_error_caching_min_ttl(status, headers, minimum, ttl):
    assert ttl_seconds(HttpResponse(status, headers), TTLS, 1000.0, minimum) == ttl
