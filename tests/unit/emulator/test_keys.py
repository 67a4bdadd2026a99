"""What a cache policy puts in the cache key and sends to the origin (emulator/keys.py), as
CloudFront's "Understand cache policies" describes: named headers split the cache and reach the
origin, others do neither; query strings and cookies by the policy's selection."""

from __future__ import annotations

from edgeform.emulator.cache import cache_key
from edgeform.emulator.keys import cookies_for, key_parts, query_for
from edgeform.model.policies import ALL, NONE, CachePolicy, Selection


def request(query: str = "", **headers: str) -> dict:
    cf = {
        name.lower().replace("_", "-"): [{"key": name.replace("_", "-"), "value": value}]
        for name, value in headers.items()
    }
    return {"uri": "/a", "querystring": query, "headers": cf, "method": "GET"}


def key(policy: CachePolicy, req: dict) -> tuple:
    return cache_key("GET", None, req["uri"], *key_parts(policy, req))


def test_a_named_header_splits_the_cache_and_an_unnamed_one_does_not():
    policy = CachePolicy("p", headers=("CloudFront-Viewer-Country",))
    de = key(policy, request(CloudFront_Viewer_Country="DE", Accept_Language="de"))
    us = key(policy, request(CloudFront_Viewer_Country="US", Accept_Language="de"))
    de_en = key(policy, request(CloudFront_Viewer_Country="DE", Accept_Language="en"))
    assert de != us
    assert de == de_en


def test_query_strings_by_selection_in_the_viewers_order():
    assert query_for(NONE, "b=2&a=1") == ""
    assert query_for(ALL, "b=2&a=1") == "b=2&a=1"
    assert query_for(Selection("whitelist", ("a", "c")), "b=2&a=1&c=3&A=4") == "a=1&c=3"
    assert query_for(Selection("allExcept", ("b",)), "b=2&a=1") == "a=1"


def test_cookies_by_selection():
    headers = request(Cookie="session=1; theme=dark")["headers"]
    assert cookies_for(NONE, headers) is None
    assert cookies_for(ALL, headers) == "session=1; theme=dark"
    assert cookies_for(Selection("whitelist", ("session",)), headers) == "session=1"


def test_the_query_string_splits_the_cache_only_when_the_policy_keys_on_it():
    assert key(CachePolicy("n"), request("a=1")) == key(CachePolicy("n"), request("a=2"))
    keyed = CachePolicy("q", query_strings=ALL)
    assert key(keyed, request("a=1")) != key(keyed, request("a=2"))
