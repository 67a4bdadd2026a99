"""CloudFront's viewer headers as serve computes them (emulator/viewer.py; Developer Guide,
"Add CloudFront request headers": device type from User-Agent, country)."""

from __future__ import annotations

import pytest

from edgeform.emulator.keys import forwarded_headers
from edgeform.emulator.viewer import cloudfront_headers, device_headers
from edgeform.model.policies import (
    CachePolicy,
    OriginRequestPolicy,
    Selection,
    managed_origin_request_policy,
)

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537"
TABLET = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"
TV = "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 SamsungBrowser/2.2 TV"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"


@pytest.mark.parametrize(
    ("agent", "kind", "extra"),
    [
        (PHONE, "Mobile", "Android"),
        (TABLET, "Tablet", "IOS"),
        (TV, "SmartTV", None),
        (DESKTOP, "Desktop", None),
        ("", "Desktop", None),
    ],
)
def test_one_device_kind_per_user_agent(agent, kind, extra):
    found = device_headers(agent)
    kinds = ("Mobile", "Tablet", "SmartTV", "Desktop")
    assert [k for k in kinds if found[f"CloudFront-Is-{k}-Viewer"] == "true"] == [kind]
    systems = [s for s in ("Android", "IOS") if found[f"CloudFront-Is-{s}-Viewer"] == "true"]
    assert systems == ([extra] if extra else [])


def test_the_origin_gets_the_cache_keys_and_the_policys_headers_only():
    viewer = {
        "user-agent": [{"key": "User-Agent", "value": PHONE}],
        "x-keyed": [{"key": "X-Keyed", "value": "1"}],
        "x-sent": [{"key": "X-Sent", "value": "2"}],
        "x-other": [{"key": "X-Other", "value": "3"}],
    }
    own = cloudfront_headers({"user-agent": PHONE}, "192.0.2.1", "DE")
    cache = CachePolicy("c", headers=("X-Keyed",))
    origin = OriginRequestPolicy(
        "o", Selection("whitelist", ("X-Sent", "CloudFront-Viewer-Country"))
    )
    sent = dict(forwarded_headers(cache, origin, viewer, own))
    assert sent == {"X-Keyed": "1", "X-Sent": "2", "CloudFront-Viewer-Country": "DE"}
    cors = managed_origin_request_policy("CORS-S3Origin")
    assert dict(forwarded_headers(cache, cors, viewer, own)) == {"X-Keyed": "1"}
    every = dict(forwarded_headers(cache, managed_origin_request_policy("AllViewer"), viewer, own))
    assert "X-Other" in every
    assert "CloudFront-Viewer-Country" not in every  # AllViewer is the viewer's headers only
