"""CloudFront's own request headers about the viewer (Developer Guide, "Add CloudFront request
headers"), as `edgeform serve` computes them.

They exist only where a cache or origin request policy names them, and never in viewer request
(CloudFront adds them after it: reference section 7). Device headers come from the User-Agent;
CloudFront's device database is not published, so these are its documented meanings, decided
by the usual User-Agent marks (a tablet is not a mobile phone here). Geography has no local
truth: the country is serve's `--viewer-country` (default US), or per request the
`X-Edgeform-Viewer-Country` header, which serve takes off before anything else sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

COUNTRY_OVERRIDE: Final = "x-edgeform-viewer-country"
DEFAULT_COUNTRY: Final = "US"
COUNTRY_RE: Final = re.compile(r"^[A-Z]{2}$")

_IOS: Final = re.compile(r"iPhone|iPad|iPod", re.IGNORECASE)
_ANDROID: Final = re.compile(r"Android", re.IGNORECASE)
_TABLET: Final = re.compile(r"iPad|Tablet|Kindle|Silk|PlayBook|Android(?!.*Mobile)", re.IGNORECASE)
_SMART_TV: Final = re.compile(
    r"SmartTV|SMART-TV|GoogleTV|AppleTV|HbbTV|BRAVIA|Tizen.*TV|WebOS|Roku", re.IGNORECASE
)
_MOBILE: Final = re.compile(r"Mobi|iPhone|iPod|Windows Phone|BlackBerry|Opera Mini", re.IGNORECASE)


def device_headers(user_agent: str) -> dict[str, str]:
    """CloudFront-Is-*-Viewer, "true" or "false" each; desktop when no other kind matches."""
    tablet = bool(_TABLET.search(user_agent))
    tv = not tablet and bool(_SMART_TV.search(user_agent))
    mobile = not tablet and not tv and bool(_MOBILE.search(user_agent))
    kinds = {
        "CloudFront-Is-Android-Viewer": bool(_ANDROID.search(user_agent)),
        "CloudFront-Is-IOS-Viewer": bool(_IOS.search(user_agent)),
        "CloudFront-Is-Mobile-Viewer": mobile,
        "CloudFront-Is-SmartTV-Viewer": tv,
        "CloudFront-Is-Tablet-Viewer": tablet,
        "CloudFront-Is-Desktop-Viewer": not (mobile or tv or tablet),
    }
    return {name: "true" if value else "false" for name, value in kinds.items()}


def cloudfront_headers(
    headers: Mapping[str, str], client_ip: str, country: str, protocol: str = "https"
) -> dict[str, str]:
    """Every CloudFront header serve can compute for this request (lower-case `headers`);
    `protocol`: the viewer's (plain serve stands for HTTPS)."""
    return {
        **device_headers(headers.get("user-agent", "")),
        "CloudFront-Viewer-Country": country,
        "CloudFront-Forwarded-Proto": protocol,
        "CloudFront-Viewer-Address": f"{client_ip}:0",
        "CloudFront-Viewer-Http-Version": "1.1",
    }
