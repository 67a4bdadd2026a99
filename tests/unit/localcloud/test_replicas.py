"""The embedded endpoint's replicas: which version keeps a function from deletion, and when."""

from __future__ import annotations

from edgeform.localcloud.patches.replicas import Replicas, associated_versions

FN = "arn:aws:lambda:us-east-1:123456789012:function:edge"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_wired_version_blocks_until_its_replicas_outlive_the_window():
    clock = FakeClock()
    replicas = Replicas(30, clock)
    replicas.observe("123456789012", {f"{FN}:1"})
    assert replicas.blocking(FN, None) == f"{FN}:1"
    assert replicas.blocking(FN, "1") == f"{FN}:1"
    assert replicas.blocking(FN, "2") is None  # another version was never replicated
    clock.now = 100.0
    assert replicas.blocking(FN, None) == f"{FN}:1"  # still wired: time does not matter
    replicas.observe("123456789012", set())  # the association went (or its distribution)
    clock.now = 129.9
    assert replicas.blocking(FN, None) == f"{FN}:1"
    clock.now = 130.0
    assert replicas.blocking(FN, None) is None
    assert replicas.blocking(f"{FN}-other", None) is None


def test_wiring_again_holds_the_replicas_again_and_other_accounts_are_apart():
    clock = FakeClock()
    replicas = Replicas(10, clock)
    replicas.observe("123456789012", {f"{FN}:3"})
    replicas.observe("123456789012", set())
    clock.now = 5.0
    replicas.observe("123456789012", {f"{FN}:3"})  # wired again
    clock.now = 50.0
    assert replicas.blocking(FN, None) == f"{FN}:3"
    replicas.observe("999999999999", set())  # another account's distributions changed
    assert replicas.blocking(FN, None) == f"{FN}:3"


def test_associations_are_found_however_moto_nests_them():
    class Behavior:
        def __init__(self, arns: list[str]) -> None:
            items = [{"LambdaFunctionARN": arn, "EventType": "viewer-request"} for arn in arns]
            self.lambda_function_associations = {
                "Quantity": len(items),
                "Items": {"LambdaFunctionAssociation": items},
            }

    config = {
        "DefaultCacheBehavior": Behavior([f"{FN}:1"]),
        "CacheBehaviors": {"Quantity": 1, "Items": [Behavior([f"{FN}:2", f"{FN}-b:4"])]},
    }
    assert associated_versions(config) == {f"{FN}:1", f"{FN}:2", f"{FN}-b:4"}
