"""The embedded endpoint's cache, origin request and response headers policies
(localcloud/patches/policies.py), checked against the CloudFront API Reference: CreateCachePolicy,
GetCachePolicy, GetCachePolicyConfig, UpdateCachePolicy ("IfMatch ... PreconditionFailed",
"IllegalUpdate"), DeleteCachePolicy ("CachePolicyInUse", "IllegalDelete"), ListCachePolicies
(Type managed | custom), and the same operations of OriginRequestPolicy and
ResponseHeadersPolicy; CreateDistribution's NoSuchCachePolicy. Managed IDs: CloudFront Developer
Guide, "Use managed cache policies" (CachingOptimized 658327ea-...)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from edgeform.aws.session import Connection
from edgeform.localcloud.endpoint import LocalCloud
from edgeform.model.policies import MANAGED_CACHE_POLICIES
from edgeform.model.project import Target
from tests.functional.test_localcloud import distribution_config


@pytest.fixture(scope="module")
def cloudfront(tmp_path_factory):
    cloud = LocalCloud(tmp_path_factory.mktemp("localcloud"))
    endpoint = cloud.start(deploy_delay=0.5)
    yield Connection(Target("local", "local", "us-east-1"), endpoint.url).client("cloudfront").raw
    cloud.stop()


def cache_policy(name: str, default_ttl: int = 60) -> dict:
    return {
        "Name": name,
        "Comment": "test",
        "MinTTL": 0,
        "DefaultTTL": default_ttl,
        "MaxTTL": 3600,
        "ParametersInCacheKeyAndForwardedToOrigin": {
            "EnableAcceptEncodingGzip": True,
            "EnableAcceptEncodingBrotli": True,
            "HeadersConfig": {
                "HeaderBehavior": "whitelist",
                "Headers": {"Quantity": 1, "Items": ["CloudFront-Viewer-Country"]},
            },
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "all"},
        },
    }


def code(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = error.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_cache_policy_is_made_read_updated_and_deleted_with_its_etag(cloudfront):
    made = cloudfront.create_cache_policy(CachePolicyConfig=cache_policy("site"))
    policy_id, etag = made["CachePolicy"]["Id"], made["ETag"]
    assert made["Location"].endswith(f"/cache-policy/{policy_id}")

    got = cloudfront.get_cache_policy(Id=policy_id)
    config = got["CachePolicy"]["CachePolicyConfig"]
    assert (got["ETag"], config["DefaultTTL"]) == (etag, 60)
    keyed = config["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"]
    assert keyed["Items"] == ["CloudFront-Viewer-Country"]
    assert cloudfront.get_cache_policy_config(Id=policy_id)["CachePolicyConfig"]["Name"] == "site"

    with pytest.raises(ClientError) as stale:
        cloudfront.update_cache_policy(
            Id=policy_id, IfMatch="STALE", CachePolicyConfig=cache_policy("site", 120)
        )
    assert code(stale) == ("PreconditionFailed", 412)
    updated = cloudfront.update_cache_policy(
        Id=policy_id, IfMatch=etag, CachePolicyConfig=cache_policy("site", 120)
    )
    assert updated["ETag"] != etag
    assert updated["CachePolicy"]["CachePolicyConfig"]["DefaultTTL"] == 120

    with pytest.raises(ClientError) as old:
        cloudfront.delete_cache_policy(Id=policy_id, IfMatch=etag)
    assert code(old) == ("PreconditionFailed", 412)
    cloudfront.delete_cache_policy(Id=policy_id, IfMatch=updated["ETag"])
    with pytest.raises(ClientError) as gone:
        cloudfront.get_cache_policy(Id=policy_id)
    assert code(gone) == ("NoSuchCachePolicy", 404)


def test_names_are_unique(cloudfront):
    cloudfront.create_cache_policy(CachePolicyConfig=cache_policy("twice"))
    with pytest.raises(ClientError) as again:
        cloudfront.create_cache_policy(CachePolicyConfig=cache_policy("twice"))
    assert code(again) == ("CachePolicyAlreadyExists", 409)


def test_managed_policies_are_listed_and_cannot_be_changed(cloudfront):
    listed = cloudfront.list_cache_policies(Type="managed")["CachePolicyList"]["Items"]
    ids = {item["CachePolicy"]["Id"] for item in listed}
    assert MANAGED_CACHE_POLICIES["CachingOptimized"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    assert set(MANAGED_CACHE_POLICIES.values()) <= ids
    assert {item["Type"] for item in listed} == {"managed"}
    optimized = MANAGED_CACHE_POLICIES["CachingOptimized"]
    etag = cloudfront.get_cache_policy(Id=optimized)["ETag"]
    with pytest.raises(ClientError) as delete:
        cloudfront.delete_cache_policy(Id=optimized, IfMatch=etag)
    assert code(delete)[0] == "IllegalDelete"
    custom = cloudfront.list_cache_policies(Type="custom")["CachePolicyList"].get("Items") or []
    assert optimized not in {item["CachePolicy"]["Id"] for item in custom}


def test_a_policy_in_use_cannot_be_deleted_and_a_missing_one_cannot_be_used(cloudfront):
    made = cloudfront.create_cache_policy(CachePolicyConfig=cache_policy("used"))
    policy_id = made["CachePolicy"]["Id"]
    config = distribution_config("uses-policy")
    for behavior in (config["DefaultCacheBehavior"], config["CacheBehaviors"]["Items"][0]):
        behavior.pop("ForwardedValues")
        behavior.pop("MinTTL")
        behavior["CachePolicyId"] = policy_id
    created = cloudfront.create_distribution(DistributionConfig=config)
    behavior = cloudfront.get_distribution_config(Id=created["Distribution"]["Id"])[
        "DistributionConfig"
    ]["DefaultCacheBehavior"]
    assert behavior["CachePolicyId"] == policy_id
    assert "ForwardedValues" not in behavior  # the legacy settings go with a cache policy
    with pytest.raises(ClientError) as in_use:
        cloudfront.delete_cache_policy(Id=policy_id, IfMatch=made["ETag"])
    assert code(in_use) == ("CachePolicyInUse", 409)

    missing = distribution_config("missing-policy")
    missing["DefaultCacheBehavior"]["CachePolicyId"] = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as nothing:
        cloudfront.create_distribution(DistributionConfig=missing)
    assert code(nothing) == ("NoSuchCachePolicy", 404)


def test_origin_request_and_response_headers_policies_round_trip(cloudfront):
    origin = cloudfront.create_origin_request_policy(
        OriginRequestPolicyConfig={
            "Name": "viewer-info",
            "HeadersConfig": {
                "HeaderBehavior": "whitelist",
                "Headers": {"Quantity": 1, "Items": ["CloudFront-Is-Mobile-Viewer"]},
            },
            "CookiesConfig": {"CookieBehavior": "none"},
            "QueryStringsConfig": {"QueryStringBehavior": "all"},
        }
    )
    origin_id = origin["OriginRequestPolicy"]["Id"]
    got = cloudfront.get_origin_request_policy(Id=origin_id)["OriginRequestPolicy"]
    headers = got["OriginRequestPolicyConfig"]["HeadersConfig"]["Headers"]["Items"]
    assert headers == ["CloudFront-Is-Mobile-Viewer"]

    response = cloudfront.create_response_headers_policy(
        ResponseHeadersPolicyConfig={
            "Name": "security",
            "SecurityHeadersConfig": {
                "FrameOptions": {"Override": True, "FrameOption": "DENY"},
                "ContentTypeOptions": {"Override": True},
            },
            "RemoveHeadersConfig": {"Quantity": 1, "Items": [{"Header": "Server"}]},
        }
    )
    response_id = response["ResponseHeadersPolicy"]["Id"]
    config = cloudfront.get_response_headers_policy(Id=response_id)["ResponseHeadersPolicy"][
        "ResponseHeadersPolicyConfig"
    ]
    assert config["SecurityHeadersConfig"]["FrameOptions"]["FrameOption"] == "DENY"
    assert config["RemoveHeadersConfig"]["Items"] == [{"Header": "Server"}]

    with pytest.raises(ClientError) as unconditional:
        cloudfront.delete_origin_request_policy(Id=origin_id, IfMatch="")
    assert code(unconditional)[0] == "InvalidIfMatchVersion"
    cloudfront.delete_origin_request_policy(Id=origin_id, IfMatch=origin["ETag"])
    cloudfront.delete_response_headers_policy(Id=response_id, IfMatch=response["ETag"])
    managed = cloudfront.list_response_headers_policies(Type="managed")
    names = {i["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Name"]
             for i in managed["ResponseHeadersPolicyList"]["Items"]}  # fmt: skip
    assert "SecurityHeadersPolicy" in names


def test_a_policy_a_killed_deploy_made_is_found_by_its_name(cloudfront):
    """What adopt.py imports after an interrupted apply (inventory.policy_id)."""
    from edgeform.aws.inventory import policy_id

    made = cloudfront.create_cache_policy(CachePolicyConfig=cache_policy("p--s--orphan"))
    assert policy_id(cloudfront, "CachePolicy", "p--s--orphan") == made["CachePolicy"]["Id"]
    assert policy_id(cloudfront, "CachePolicy", "CachingOptimized") is None  # custom only
    assert policy_id(cloudfront, "OriginRequestPolicy", "p--s--orphan") is None
