"""`edgeform serve --tls`: HTTPS on loopback with a local certificate edgeform makes, answered
to a real TLS client (Python's ssl, verifying the certificate against the file serve names),
and plain HTTP beside it where each behavior's viewer protocol policy acts as CloudFront's does
(Developer Guide, "Require HTTPS for communication between viewers and CloudFront"):
redirect-to-https answers 301 to the HTTPS URL, https-only 403, allow-all serves."""

from __future__ import annotations

import http.client
import re
import ssl
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.emulator_helpers import _drain

CONFIG = """
[project]
name = "tls"

[[behaviors]]
path_pattern = "/open/*"
viewer_protocol_policy = "allow-all"

[[behaviors]]
path_pattern = "/strict/*"
viewer_protocol_policy = "https-only"
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("tls") / "project"
    for folder in ("", "open", "strict"):
        (root / "site" / folder).mkdir(parents=True, exist_ok=True)
        (root / "site" / folder / "index.html").write_text(f"<h1>{folder or 'home'}</h1>\n")
    (root / "edgeform.toml").write_text(CONFIG)
    command = [sys.executable, "-m", "edgeform", "serve", "--tls", "--port", "0"]
    process = subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    urls: dict[str, str] = {}
    seen = []
    for line in process.stdout:
        seen.append(line)
        for scheme in ("https", "http"):
            found = re.search(rf"({scheme}://127\.0\.0\.1:\d+)/", line)
            if found and scheme not in urls:
                urls[scheme] = found.group(1)
                break
        if len(urls) == 2:
            break
    assert len(urls) == 2, "".join(seen)
    threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
    yield root, urls
    process.terminate()
    process.wait(10)


def get(url: str, path: str, trust: ssl.SSLContext | None = None) -> http.client.HTTPResponse:
    host, port = url.split("//")[1].split(":")
    if trust is None:
        connection: http.client.HTTPConnection = http.client.HTTPConnection(host, int(port))
    else:
        connection = http.client.HTTPSConnection(host, int(port), context=trust)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response


def test_https_is_answered_with_the_local_certificate(served):
    root, urls = served
    cert = root / ".edgeform" / "tls" / "cert.pem"
    reply = get(urls["https"], "/index.html", ssl.create_default_context(cafile=str(cert)))
    assert reply.status == 200
    assert reply.getheader("x-cache") == "Miss from cloudfront"
    key = root / ".edgeform" / "tls" / "key.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # A client that does not trust the file refuses the connection: it is no public CA's.
    with pytest.raises(ssl.SSLCertVerificationError):
        get(urls["https"], "/index.html", ssl.create_default_context())


def test_plain_http_viewers_get_what_each_behavior_says(served):
    _root, urls = served
    moved = get(urls["http"], "/index.html?a=1")
    assert moved.status == 301
    assert moved.getheader("location") == f"{urls['https']}/index.html?a=1"
    assert moved.getheader("x-cache") == "Redirect from cloudfront"
    refused = get(urls["http"], "/strict/index.html")
    assert (refused.status, refused.getheader("x-cache")) == (403, "Error from cloudfront")
    assert get(urls["http"], "/open/index.html").status == 200  # allow-all
