"""S3 bucket policies as AWS evaluates them for a request over TLS: `aws:SecureTransport`,
the `Bool` operator, and a statement whose condition fails not applying."""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from moto.s3 import models as s3_models

    _requests_arrive_over_tls(s3_models)


def _requests_arrive_over_tls(s3_models: Any) -> None:
    from moto.iam import access_control, policy_conditions
    from moto.iam.access_control import IAMPolicy, PermissionResult

    def bool_operation(expected: list[str] | str, actual: str) -> bool:
        wanted = [expected] if isinstance(expected, str | bool) else expected
        return str(actual).lower() in [str(w).lower() for w in wanted]

    # moto's table is typed after its first entry's parameter names; Bool takes the same two.
    policy_conditions.CONDITION_OPERATIONS["Bool"] = bool_operation  # type: ignore[assignment]
    statement = access_control.IAMPolicyStatement
    original = statement.is_action_permitted

    def is_action_permitted(
        self: Any,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> Any:
        if self._statement.get("Resource") and not self._check_conditions(
            incoming_condition_values
        ):
            return PermissionResult.NEUTRAL  # a statement whose condition fails does not apply
        return original(self, action, resource, principal, incoming_condition_values)

    statement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]  # the patch: moto's method replaced on its class

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        return IAMPolicy(self.policy.decode()).is_action_permitted(
            action, resource, incoming_condition_values={"aws:SecureTransport": "true"}
        )

    s3_models.FakeBucket.get_permission = get_permission
