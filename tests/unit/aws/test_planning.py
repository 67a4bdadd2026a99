"""What aws/ decides without calling AWS: which files to upload, which paths to invalidate."""

from __future__ import annotations

import hashlib

from edgeform.aws.cloudfront import MAX_PATHS, invalidation_paths
from edgeform.aws.s3 import plan_sync
from edgeform.build.site import SiteFile, cache_control, content_type


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_plan_sync_compares_content_not_times():
    files = [SiteFile("a.html", b"same"), SiteFile("b.js", b"new"), SiteFile("c.css", b"x")]
    remote = {"a.html": md5(b"same"), "b.js": md5(b"old"), "gone.png": md5(b"?")}
    uploads, deletes = plan_sync(files, remote)
    assert [f.key for f in uploads] == ["b.js", "c.css"]
    assert deletes == ["gone.png"]


def test_content_types_and_cache_control():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("deep/app.JS") == "text/javascript; charset=utf-8"
    assert content_type("LICENSE") == "application/octet-stream"
    assert cache_control("other.html") == "no-cache"
    assert cache_control("script.js").startswith("public, max-age=")


def test_invalidation_paths():
    assert invalidation_paths(["other.html"], "index.html") == ["/other.html"]
    assert invalidation_paths(["index.html", "a.js"], "index.html") == ["/", "/a.js", "/index.html"]
    many = [f"f{i}.js" for i in range(MAX_PATHS + 1)]
    assert invalidation_paths(many, "index.html") == ["/*"]
