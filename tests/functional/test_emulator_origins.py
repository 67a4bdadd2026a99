"""`edgeform serve` with custom origins and origin groups, as CloudFront documents them
("Use a custom origin", "Origin settings", "Optimize high availability with CloudFront origin
failover", "How CloudFront processes and forwards requests to your custom origin"): the viewer's
method, body and the headers the policies send reach a real HTTP server on loopback (the
origin's `local_url`), with the origin's path and custom headers, Host the origin's,
X-Forwarded-For, Via and X-Amz-Cf-Id; an origin that does not answer in time is 504, one that
cannot be connected to 502; an origin group fails over on its statuses and on both failures."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from edgeform.emulator.chain import ERROR, MISS
from tests.emulator_helpers import ServerThread


class Echo(BaseHTTPRequestHandler):
    """Says what it was asked: method, path, headers, body. /slow answers after 2 s; a path
    with "fail" in it answers 503."""

    protocol_version = "HTTP/1.1"

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if "slow" in self.path:
            time.sleep(2)
        status = 503 if "fail" in self.path else 200
        data = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        ).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except BrokenPipeError:
            pass  # /slow: serve gave up waiting, as it should

    do_GET = do_POST = do_PUT = do_DELETE = answer

    def log_message(self, *args: object) -> None:
        pass


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CONFIG = """
[project]
name = "origins"
geo_restriction = {{ restriction_type = "blacklist", locations = ["KP", "CU"] }}

[origins.api]
domain_name = "api.example.com"
origin_path = "/v1"
read_timeout = 1
custom_headers = {{ "X-From-Edge" = "1" }}
local_url = "http://127.0.0.1:{api}"

[origins.down]
domain_name = "down.example.com"
connection_timeout = 1
local_url = "http://127.0.0.1:{down}"

[origin_groups.api-or-site]
primary = "api"
failover = "site"
failover_status_codes = [503]

[origin_groups.down-or-api]
primary = "down"
failover = "api"

[[behaviors]]
path_pattern = "/api/*"
target_origin = "api"
cache_policy = "CachingDisabled"
origin_request_policy = "AllViewerExceptHostHeader"
allowed_methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]

[[behaviors]]
path_pattern = "/group/*"
target_origin = "api-or-site"

[[behaviors]]
path_pattern = "/down/*"
target_origin = "down"

[[behaviors]]
path_pattern = "/rescued/*"
target_origin = "down-or-api"
"""


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    root: Path = tmp_path_factory.mktemp("origins") / "project"
    (root / "site" / "group").mkdir(parents=True)
    (root / "site" / "index.html").write_text("<h1>site</h1>\n")
    (root / "site" / "group" / "fail.txt").write_text("from the bucket\n")
    config = CONFIG.format(api=origin.server_address[1], down=closed_port())
    (root / "edgeform.toml").write_text(config)
    server = ServerThread(root).start()
    yield server
    server.stop()
    origin.shutdown()


def test_a_custom_origin_gets_the_viewers_method_body_and_the_headers_the_policy_sends(edge):
    reply = edge.request(
        "/api/items?page=2",
        method="POST",
        headers={"X-Viewer": "a", "Content-Type": "text/plain"},
        body=b"hello",
    )
    assert (reply.status, reply.x_cache) == (200, MISS)
    seen = json.loads(reply.body)
    assert seen["method"] == "POST"
    assert seen["path"] == "/v1/api/items?page=2"  # the origin path, then the viewer's
    assert seen["body"] == "hello"
    headers = seen["headers"]
    assert headers["host"] == "api.example.com"  # AllViewerExceptHostHeader: the origin's
    assert headers["x-viewer"] == "a"  # a viewer header the policy sends
    assert headers["x-from-edge"] == "1"  # the origin's custom header
    assert headers["x-forwarded-for"] == "127.0.0.1"
    assert headers["via"].endswith(".cloudfront.net (CloudFront)")
    assert headers["x-amz-cf-id"] == reply.header("x-amz-cf-id")


def test_an_origin_past_its_read_timeout_is_504_and_an_unreachable_one_502(edge):
    slow = edge.request("/api/slow")
    assert (slow.status, slow.x_cache) == (504, ERROR)
    down = edge.request("/down/anything")
    assert (down.status, down.x_cache) == (502, ERROR)


def test_an_origin_group_fails_over_on_its_statuses_only(edge):
    failed = edge.request("/group/fail.txt")
    assert failed.status == 200
    assert failed.body == b"from the bucket\n"  # the primary's 503 sent it to the site
    ok = json.loads(edge.request("/group/ok.txt").body)
    assert ok["path"] == "/v1/group/ok.txt"  # the primary answered


def test_an_origin_group_fails_over_when_the_primary_cannot_be_reached(edge):
    reply = edge.request("/rescued/x")
    assert reply.status == 200
    seen = json.loads(reply.body)
    assert seen["path"] == "/v1/rescued/x"
    assert seen["headers"]["host"] == "api.example.com"  # the failover origin's Host


def test_geo_restriction_refuses_a_listed_country_before_anything_runs(edge):
    """Developer Guide, "Restrict the geographic distribution of your content": 403 for a
    viewer in a country the distribution refuses; serve's viewer country is its default (US)
    or X-Edgeform-Viewer-Country."""
    refused = edge.request("/api/items", headers={"X-Edgeform-Viewer-Country": "KP"})
    assert (refused.status, refused.x_cache) == (403, ERROR)
    assert b"configured to block access from your country" in refused.body
    served = edge.request("/api/items", headers={"X-Edgeform-Viewer-Country": "DE"})
    assert served.status == 200
    assert edge.request("/api/items").status == 200  # US
