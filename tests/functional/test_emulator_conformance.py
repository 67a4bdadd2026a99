"""`edgeform serve` against reference/lambda-edge.md, one rule at a time.

Each case asks a real function (Python in warm workers; Node.js async and callback style in
node) to keep a rule or break it, through the real HTTP server, and checks the status and
X-Cache that CloudFront would give. The query parameter names the trigger and the case:
`vr=`, `or=`, `ors=`, `vres=` (see tests/fixtures/conformance/functions/py/cases.py).
"""

from __future__ import annotations

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from edgeform.emulator.chain import (
    ERROR,
    EXECUTION_ERROR,
    GENERATED,
    HIT,
    LIMIT_EXCEEDED,
    MISS,
    VALIDATION_ERROR,
)
from tests.emulator_helpers import ServerThread

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "conformance"


def copy_conformance(dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    server = ServerThread(copy_conformance(tmp_path_factory.mktemp("conf") / "project")).start()
    yield server
    server.stop()


@pytest.fixture
def fresh(edge):
    edge.server.chain.cache.clear()
    return edge


# --- validation rules: one request trigger result each ----------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "x_cache"),
    [
        # viewer request: within the rules
        ("/py/vr/a.js?vr=pass", 200, MISS),
        ("/py/vr/a.js?vr=generate", 200, GENERATED),
        ("/py/vr/a.js?vr=generate-int-status", 200, GENERATED),
        # viewer request: each rule broken
        ("/py/vr/a.js?vr=status-600", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=status-204-body", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=too-big", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=bad-base64", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=set-x-cache", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=set-via", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=set-host", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=set-country", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=bad-header-key", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=uri-no-slash", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=query-space", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=method", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=not-object", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=unserializable", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=raise", 503, EXECUTION_ERROR),
        ("/py/vr/a.js?vr=uri-too-long", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=uri-long-ok", 403, ERROR),  # valid; S3 has no such key
        ("/py/vr/a.js?vr=headers-too-large", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=headers-large-ok", 200, MISS),
        ("/py/vr/a.js?vr=base64-ok", 200, GENERATED),
        ("/py/vr/a.js?vr=description-number", 502, VALIDATION_ERROR),
        ("/py/vr/a.js?vr=custom-origin-local", 502, VALIDATION_ERROR),  # not in viewer request
        # origin request: Host is writable, 204 with a body and 41 KB are allowed here
        ("/py/or/a.js?or=set-host", 200, MISS),
        ("/py/or/a.js?or=status-204-body", 204, GENERATED),
        ("/py/or/a.js?or=too-big", 200, GENERATED),
        ("/py/or/a.js?or=set-via", 502, VALIDATION_ERROR),
        ("/py/or/a.js?or=custom-origin-bad-port", 502, VALIDATION_ERROR),
        ("/py/or/a.js?or=status-600", 502, VALIDATION_ERROR),
        ("/py/or/a.js?or=custom-origin-ip", 502, VALIDATION_ERROR),  # an IP is refused
        ("/py/or/a.js?or=other-bucket", 502, ERROR),  # valid, but not a bucket served here
        # origin response: status and body may change; Via and X-Cache may not
        ("/py/ors/a.js?ors=status-201", 201, MISS),
        ("/py/ors/a.js?ors=set-via", 502, VALIDATION_ERROR),
        ("/py/ors/a.js?ors=set-x-cache", 502, VALIDATION_ERROR),
        ("/py/ors/a.js?ors=status-600", 502, VALIDATION_ERROR),
        ("/py/ors/a.js?ors=raise", 503, EXECUTION_ERROR),
        # viewer response: the status is read-only
        ("/py/vres/a.js?vres=pass", 200, MISS),
        ("/py/vres/a.js?vres=status-201", 502, VALIDATION_ERROR),
        ("/py/vres/a.js?vres=set-via", 502, VALIDATION_ERROR),
        # Node.js, async handlers
        ("/js/a.js?vr=generate", 200, GENERATED),
        ("/js/a.js?vr=set-x-cache", 502, VALIDATION_ERROR),
        ("/js/a.js?vr=not-object", 502, VALIDATION_ERROR),
        ("/js/a.js?vr=nothing", 502, VALIDATION_ERROR),
        ("/js/a.js?vr=raise", 503, EXECUTION_ERROR),
        ("/js/a.js?ors=status-201", 201, MISS),
        ("/js/a.js?vres=status-201", 502, VALIDATION_ERROR),
        # Node.js, callback handlers
        ("/cb/a.js?vr=generate", 302, GENERATED),
        ("/cb/a.js?vr=late", 200, MISS),
        ("/cb/a.js?vr=error", 503, EXECUTION_ERROR),
        ("/cb/a.js?or=set-via", 502, VALIDATION_ERROR),
    ],
)
def test_rule(fresh, path, status, x_cache):
    reply = fresh.request(path)
    assert (reply.status, reply.x_cache) == (status, x_cache), reply.body[:300]
    assert reply.header("via").endswith("(CloudFront)")
    assert len(reply.header("x-amz-cf-id")) == 56


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/body/a.js?vr=echo-body", b"a=1", b"3 bytes, truncated=False: a=1"),
        # Viewer request sees at most 40 KB, marked truncated; origin request up to 1 MB.
        ("/body/a.js?vr=echo-body", b"x" * 50_000, b"40960 bytes, truncated=True: xxx"),
        ("/body/a.js?or=echo-body", b"x" * 50_000, b"50000 bytes, truncated=False: xxx"),
        (
            "/body/a.js?vr=replace-request-body&or=echo-body",
            b"a=1",
            b"26 bytes, truncated=False: replaced by viewer request",
        ),
    ],
)
def test_include_body_passes_the_body_base64_within_the_limits(fresh, path, body, expected):
    reply = fresh.request(path, method="POST", body=body)
    assert (reply.status, reply.x_cache) == (200, GENERATED)
    assert reply.body.startswith(expected), reply.body[:80]


@pytest.fixture
def api_origin():
    """A custom origin on loopback that says what it was asked and with which headers."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = f"{self.path} {self.headers.get('X-From-Origin-Request')}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Cache-Control", "max-age=60")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def test_origin_request_can_switch_to_a_custom_origin(fresh, api_origin):
    path = f"/py/or/a.js?or=custom-origin-local&port={api_origin}"
    reply = fresh.request(path)
    assert (reply.status, reply.x_cache) == (200, MISS)
    assert reply.body == f"/api/py/or/a.js?or=custom-origin-local&port={api_origin} yes".encode()
    assert fresh.request(path).x_cache == HIT


def test_a_callback_handler_fails_on_nodejs24(fresh):
    reply = fresh.request("/cb24/a.js?vr=generate")
    assert (reply.status, reply.x_cache) == (503, EXECUTION_ERROR)
    lines = fresh.logs_for(reply.header("x-amz-cf-id"))
    assert any("CallbackHandlerDeprecated" in line for line in lines), lines


def test_a_validation_error_names_the_rule_and_the_function_in_the_log(fresh):
    reply = fresh.request("/py/vr/a.js?vr=set-country")
    lines = fresh.logs_for(reply.header("x-amz-cf-id"))
    assert any(
        "[py-cases viewer-request" in line
        and "LambdaValidationError" in line
        and "header-disallowed" in line
        and "cloudfront-viewer-country" in line
        for line in lines
    ), lines


def test_a_body_replaced_in_origin_response_reaches_the_viewer(fresh):
    replaced = fresh.request("/py/ors/a.js?ors=replace-body")
    assert (replaced.status, replaced.body) == (200, b"replaced")
    assert replaced.header("content-length") == "8"


# --- timeouts and crashes -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/py/vr/a.js?vr=sleep", "/js/a.js?vr=sleep"])
def test_a_function_past_its_timeout_is_stopped_with_limit_exceeded(fresh, path):
    reply = fresh.request(path)
    assert (reply.status, reply.x_cache) == (503, LIMIT_EXCEEDED)
    after = fresh.request(path.split("?")[0] + "?vr=generate")
    assert after.x_cache == GENERATED  # a new worker took the killed one's place


def test_a_crashing_function_does_not_take_the_server_down(fresh):
    crashed = fresh.request("/py/vr/a.js?vr=exit")
    assert (crashed.status, crashed.x_cache) == (503, EXECUTION_ERROR)
    assert fresh.request("/py/vr/a.js?vr=generate").status == 200


# --- logs and warm state ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "tag", "text"),
    [
        ("/py/vr/a.js?vr=print", "[py-cases viewer-request", "hello from the conformance function"),
        ("/js/a.js?vr=print", "[js-cases viewer-request", "INFO\thello from node 42"),
    ],
)
def test_what_a_function_prints_is_logged_with_function_trigger_and_request_id(
    fresh, path, tag, text
):
    reply = fresh.request(path)
    request_id = reply.header("x-amz-cf-id")
    assert any(tag in line and text in line for line in fresh.logs_for(request_id)), fresh.logs


def test_module_state_survives_between_invocations_in_a_warm_worker(fresh):
    first = int(fresh.request("/py/vr/a.js?vr=generate").header("x-invocation"))
    second = int(fresh.request("/py/vr/a.js?vr=generate").header("x-invocation"))
    assert second > first


# --- the chain and the cache (reference section 7) ------------------------------------------


def test_hit_after_miss_runs_only_viewer_triggers(fresh):
    miss = fresh.request("/py/ors/a.js?ors=count&vres=count")
    hit = fresh.request("/py/ors/a.js?ors=count&vres=count")
    assert (miss.x_cache, hit.x_cache) == (MISS, HIT)
    # Origin response ran once: the hit carries the count it stored; Age is set on the hit.
    assert miss.header("x-count") is not None
    assert hit.body == miss.body
    assert hit.header("age") == "0"
    assert miss.header("age") is None


def test_age_grows_and_the_object_expires_after_its_ttl(fresh):
    fresh.request("/py/vres/a.js")
    fresh.clock.advance(120)
    aged = fresh.request("/py/vres/a.js")
    assert (aged.x_cache, aged.header("age")) == (HIT, "120")
    fresh.clock.advance(3600)  # the site's assets are served with max-age=3600
    assert fresh.request("/py/vres/a.js").x_cache == MISS


def test_viewer_request_generated_responses_are_never_cached(fresh):
    first = fresh.request("/py/vr/a.js?vr=generate")
    second = fresh.request("/py/vr/a.js?vr=generate")
    assert (first.x_cache, second.x_cache) == (GENERATED, GENERATED)
    assert first.header("x-invocation") != second.header("x-invocation")


def test_origin_request_generated_response_is_cached_and_skips_origin_response(fresh):
    first = fresh.request("/py/or/a.js?or=generate&ors=count")
    second = fresh.request("/py/or/a.js?or=generate&ors=count")
    assert (first.x_cache, second.x_cache) == (GENERATED, HIT)
    assert first.body == second.body == b"generated"
    assert first.header("x-count") is None  # origin response did not run
    assert second.header("x-invocation") == first.header("x-invocation")


def test_cache_key_is_taken_after_the_viewer_request_rewrite(fresh):
    rewritten = fresh.request("/py/vr/a.js?vr=rewrite-to-b")
    assert (rewritten.x_cache, rewritten.body) == (MISS, b"// b.js of py/vr\n")
    direct = fresh.request("/py/vr/b.js")
    assert (direct.x_cache, direct.body) == (HIT, b"// b.js of py/vr\n")


def test_origin_errors_are_cached_for_ten_seconds_and_skip_viewer_response(fresh):
    first = fresh.request("/py/ors/missing.js?ors=count&vres=count")
    assert (first.status, first.x_cache) == (403, ERROR)  # S3 through OAC: no ListBucket
    assert first.header("x-count") is not None  # origin response runs for errors too
    again = fresh.request("/py/ors/missing.js?ors=count&vres=count")
    assert (again.status, again.x_cache) == (403, ERROR)
    assert again.header("x-count") == first.header("x-count")  # served from the cache
    fresh.clock.advance(11)
    later = fresh.request("/py/ors/missing.js?ors=count&vres=count")
    assert later.header("x-count") != first.header("x-count")


def test_viewer_response_runs_on_hits_and_misses_but_not_for_origin_errors(fresh):
    ok = fresh.request("/js/a.js?vres=count")
    hit = fresh.request("/js/a.js?vres=count")
    missing = fresh.request("/js/missing.js?vres=count")
    assert ok.header("x-count") is not None
    assert hit.x_cache == HIT
    assert int(hit.header("x-count")) > int(ok.header("x-count"))  # it ran again on the hit
    assert missing.status == 403
    assert missing.header("x-count") is None


def test_behaviors_match_in_order_and_the_default_takes_the_rest(fresh):
    default = fresh.request("/index.html?vr=generate")
    assert (default.status, default.x_cache) == (200, MISS)  # no triggers on the default
    root = fresh.request("/")
    assert root.body == default.body  # the default root object


def test_a_method_the_behavior_does_not_allow_is_refused(fresh):
    reply = fresh.request("/py/vr/a.js", method="POST", body=b"x=1")
    assert reply.status == 403
    assert b"not configured to allow the HTTP request method" in reply.body


def test_the_server_listens_on_loopback_only(edge):
    sockets = [sock.getsockname() for sock in edge.server.listening.sockets]
    assert sockets
    assert all(address[0] == "127.0.0.1" for address in sockets)


def test_a_uri_cannot_reach_outside_the_site(fresh):
    for path in ["/../edgeform.toml", "/%2e%2e/edgeform.toml", "/py/../../edgeform.toml"]:
        reply = fresh.request(path)
        assert reply.status == 403, path
        assert b"[project]" not in reply.body


# --- cache policies (Developer Guide, "Understand cache policies": the values in the cache key
# are included in requests to the origin; others are neither) -----------------------------


def test_the_cache_policy_keys_and_forwards_what_it_names_and_nothing_else(fresh):
    import json

    def get(variant: str, query: str, language: str = "de") -> object:
        return fresh.request(
            f"/policy/a.js?or=echo-request&{query}",
            headers={
                "X-Variant": variant,
                "Accept-Language": language,
                "Cookie": "session=1; theme=dark",
            },
        )

    first = get("a", "v=1&other=2")
    assert first.x_cache == GENERATED
    seen = json.loads(first.body)
    assert seen["headers"]["x-variant"] == ["a"]
    assert seen["headers"]["cookie"] == ["session=1"]
    assert "accept-language" not in seen["headers"]
    assert seen["querystring"] == "or=echo-request&v=1"
    # Neither an unnamed header nor an unnamed query string splits the cache...
    assert get("a", "v=1&other=3", language="en").x_cache == HIT
    # ...a named header or query string does.
    assert get("b", "v=1&other=2").x_cache == GENERATED
    assert get("a", "v=2&other=2").x_cache == GENERATED


def test_an_origin_request_policy_sends_viewer_headers_beside_the_cache_key(fresh):
    """CloudFront-Viewer-Country and CloudFront-Is-Mobile-Viewer reach origin request only
    because the policy names them (Developer Guide, "Add CloudFront request headers"); serve's
    country is US unless X-Edgeform-Viewer-Country says otherwise, and that header reaches
    nothing. They are not in the cache key: a second country is a hit."""
    import json

    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    first = fresh.request(
        "/viewer/a.js?or=echo-request&drop=1",
        headers={"User-Agent": phone, "X-Sent": "yes", "X-Not-Sent": "no"},
    )
    assert first.x_cache == GENERATED
    seen = json.loads(first.body)
    assert seen["headers"]["cloudfront-viewer-country"] == ["US"]
    assert seen["headers"]["cloudfront-is-mobile-viewer"] == ["true"]
    assert seen["headers"]["x-sent"] == ["yes"]
    assert "x-not-sent" not in seen["headers"]
    assert "cloudfront-is-desktop-viewer" not in seen["headers"]  # not named by the policy
    assert seen["querystring"] == "or=echo-request"
    again = fresh.request(
        "/viewer/a.js?or=echo-request&drop=1",
        headers={"User-Agent": phone, "X-Sent": "yes", "X-Edgeform-Viewer-Country": "DE"},
    )
    assert again.x_cache == HIT  # the country is not in the cache key

    fresh.server.chain.cache.clear()
    german = fresh.request(
        "/viewer/a.js?or=echo-request", headers={"X-Edgeform-Viewer-Country": "de"}
    )
    seen = json.loads(german.body)
    assert seen["headers"]["cloudfront-viewer-country"] == ["DE"]
    assert seen["headers"]["cloudfront-is-mobile-viewer"] == ["false"]
    assert "x-edgeform-viewer-country" not in seen["headers"]


# --- response headers policies (Developer Guide, "Add or remove HTTP headers in CloudFront
# responses with a policy", "Understand response headers policies") -------------------------


def test_a_response_headers_policy_sets_and_removes_headers_on_misses_and_hits(fresh):
    """The policy's headers replace the origin's (override), removed ones go; hits get them
    as misses do. Origin response runs before the policy: it saw no X-Frame-Options. Viewer
    response runs after it: it saw DENY (CloudFront adds them "before sending the response to
    viewers", the viewer response function sees them)."""
    path = "/headers/a.js?ors=ors-saw-frame&vres=vres-saw-frame"
    miss = fresh.request(path)
    hit = fresh.request(path)
    assert (miss.x_cache, hit.x_cache) == (MISS, HIT)
    for reply in (miss, hit):
        assert reply.header("content-security-policy") == "default-src 'self'"
        assert reply.header("x-frame-options") == "DENY"
        assert reply.header("x-robots-tag") == "noindex"
        assert reply.header("server") != "AmazonS3"  # S3's, removed
        assert reply.header("x-ors-saw") == "none"
        assert reply.header("x-vres-saw") == "DENY"
        assert reply.header("access-control-allow-origin") is None  # not a CORS request


def test_a_policy_header_overrides_the_origins_only_when_it_says_so(fresh):
    strict = fresh.request("/headers/a.js?ors=set-frame")
    assert strict.header("x-frame-options") == "DENY"  # override = true: the policy's
    lenient = fresh.request("/lenient/a.js?ors=set-frame")
    assert lenient.header("x-frame-options") == "SAMEORIGIN"  # override = false: the origin's
    plain = fresh.request("/lenient/a.js")
    assert plain.header("x-frame-options") == "DENY"  # the origin sent none: added


def test_cors_headers_answer_an_allowed_origin_and_preflights_only(fresh):
    allowed = fresh.request("/headers/a.js", headers={"Origin": "https://app.example"})
    assert allowed.header("access-control-allow-origin") == "https://app.example"
    assert allowed.header("access-control-expose-headers") == "X-Robots-Tag"
    assert allowed.header("access-control-allow-methods") is None  # not a preflight
    other = fresh.request("/headers/a.js", headers={"Origin": "https://evil.example"})
    assert other.header("access-control-allow-origin") is None
    preflight = fresh.request(
        "/headers/a.js",
        method="OPTIONS",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.header("access-control-allow-origin") == "https://app.example"
    assert preflight.header("access-control-allow-methods") == "GET, POST"
    assert preflight.header("access-control-allow-headers") == "X-Token"
    assert preflight.header("access-control-max-age") == "600"
