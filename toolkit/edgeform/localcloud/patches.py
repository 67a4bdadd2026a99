"""Where moto falls short of AWS in what edgeform relies on, the AWS behaviour restored.

Written for moto 5.2.5 (see MOTO_VERSION); `apply()` refuses other versions, because each patch
wraps moto internals. Each patch has a test in tests/integration/test_localcloud.py that shows
the AWS behaviour it restores:

- a distribution keeps its cache behaviors' `LambdaFunctionAssociations` and its origins'
  `OriginAccessControlId` (moto drops both, so every plan after a deploy shows changes);
- the default certificate has no `SSLSupportMethod` (moto invents "sni-only": a perpetual diff);
- `UpdateDistribution` and `DeleteDistribution` check `IfMatch` against the current ETag
  (`PreconditionFailed` otherwise) and an update issues a new ETag and goes back to
  `InProgress`; deleting an enabled distribution fails with `DistributionNotDisabled`;
- `GetFunction` gives a `Code.Location` for zip functions that can be fetched (moto names a
  bucket that does not exist), served by the
  endpoint itself under `/_edgeform/lambda-code/`, so `edgeform serve --from-stage` can read
  back the code of the version a trigger is wired to;
- invalidations report `Completed` (moto says "COMPLETED", which boto3's waiter never matches);
- a function version once wired to a distribution is replicated: deleting it (or its function)
  fails with Lambda's `InvalidParameterValueException` ("... because it is a replicated
  function ...") while it is wired and for `replica_seconds` after its last association is
  removed or its distribution deleted (hours on AWS; moto deletes it at once);
- bucket policies see `aws:SecureTransport = true`, understand the `Bool` operator, and a
  statement whose condition does not hold does not apply (moto answers DENIED for it, whatever
  its Effect). The endpoint speaks plain HTTP on loopback but stands for AWS reached over TLS;
  without these, the "deny non-TLS" statement of edgeform's bucket policy denies everything.

The distribution's InProgress -> Deployed delay uses moto's own time-based state manager.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

MOTO_VERSION: Final = "5.2.5"


def apply(deploy_delay_seconds: float, replica_seconds: float = 0.0) -> None:
    import moto
    from moto.cloudfront import exceptions, models
    from moto.moto_api import state_manager
    from moto.s3 import models as s3_models

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"edgeform's moto patches are for moto {MOTO_VERSION}, "
            f"found {moto.__version__}; reinstall edgeform"
        )
    _keep_lambda_associations(models)
    _keep_origin_access_control(models)
    _default_certificate_has_no_ssl_method(models)
    _check_etags(models, exceptions)
    _invalidations_completed(models)
    _lambda_code_location()
    _requests_arrive_over_tls(s3_models)
    _replicas_outlive_associations(models, replica_seconds)
    state_manager.set_transition(
        model_name="cloudfront::distribution",
        transition={"progression": "time", "seconds": deploy_delay_seconds},
    )


def _after_init(cls: Any, extra: Callable[[Any, dict[str, Any]], None]) -> None:
    original = cls.__init__

    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        extra(self, config)

    cls.__init__ = __init__


def _keep_lambda_associations(models: Any) -> None:
    def keep(behavior: Any, config: dict[str, Any]) -> None:
        associations = config.get("LambdaFunctionAssociations") or {"Quantity": 0}
        items = associations.get("Items") or []
        behavior.lambda_function_associations = (
            {"Quantity": len(items), "Items": items} if items else {"Quantity": 0}
        )

    # CacheBehaviour calls DefaultCacheBehaviour.__init__ through super(): one patch serves both.
    _after_init(models.DefaultCacheBehaviour, keep)


def _keep_origin_access_control(models: Any) -> None:
    def keep(origin: Any, config: dict[str, Any]) -> None:
        origin.origin_access_control_id = config.get("OriginAccessControlId", "")

    _after_init(models.Origin, keep)


def _default_certificate_has_no_ssl_method(models: Any) -> None:
    def drop(certificate: Any, config: dict[str, Any]) -> None:
        if not config.get("SSLSupportMethod"):
            certificate.ssl_support_method = None

    _after_init(models.ViewerCertificate, drop)


def _check_etags(models: Any, exceptions: Any) -> None:
    backend = models.CloudFrontBackend
    update, delete = backend.update_distribution, backend.delete_distribution

    # The error codes are AWS's; moto takes each one's HTTP status from the service model.
    class PreconditionFailed(exceptions.CloudFrontException):
        def __init__(self) -> None:
            super().__init__(
                "PreconditionFailed",
                "The If-Match version is missing or not valid for the resource.",
            )

    class DistributionNotDisabled(exceptions.CloudFrontException):
        def __init__(self) -> None:
            super().__init__(
                "DistributionNotDisabled",
                "The distribution you are trying to delete has not been disabled.",
            )

    def current(self: Any, distribution_id: str | None) -> Any:
        if distribution_id is None or distribution_id not in self.distributions:
            raise exceptions.NoSuchDistribution
        return self.distributions[distribution_id]

    def update_distribution(self: Any, dist_config: dict[str, Any], _id: str, if_match: str) -> Any:
        dist = current(self, _id)
        if if_match and if_match != dist.etag:
            raise PreconditionFailed
        update(self, dist_config, _id, if_match)
        dist.etag = models.random_id()
        # A changed distribution deploys again, as on AWS.
        dist.status = "InProgress"
        dist._time_progressed = datetime.now()
        return dist, dist.location, dist.etag

    def delete_distribution(self: Any, distribution_id: str, if_match: str) -> None:
        dist = current(self, distribution_id)
        if if_match and if_match != dist.etag:
            raise PreconditionFailed
        if dist.distribution_config.Enabled in (True, "true"):
            raise DistributionNotDisabled
        delete(self, distribution_id, if_match)

    backend.update_distribution = update_distribution
    backend.delete_distribution = delete_distribution


def _invalidations_completed(models: Any) -> None:
    original = models.Invalidation.__init__

    def __init__(self: Any, distribution: Any, paths: list[str], caller_ref: str) -> None:
        original(self, distribution, paths, caller_ref)
        self.status = "Completed"

    models.Invalidation.__init__ = __init__


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


CODE_PATH: Final = "/_edgeform/lambda-code/"


def _lambda_code_location() -> None:
    import os

    from moto import server
    from moto.awslambda import models as lambda_models

    original = lambda_models.LambdaFunction.get_code

    def get_code(self: Any) -> dict[str, Any]:
        response = dict(original(self))
        # moto answers with the Location of a bucket that does not exist.
        if "ZipFile" in self.code:
            port = os.environ.get("MOTO_PORT", "5000")
            response["Code"] = {
                "RepositoryType": "S3",
                "Location": f"http://127.0.0.1:{port}{CODE_PATH}{self.account_id}/"
                f"{self.region}/{self.function_name}/{self.version}",
            }
        return response

    lambda_models.LambdaFunction.get_code = get_code  # type: ignore[method-assign]  # the patch: moto's method replaced on its class
    dispatcher = server.DomainDispatcherApplication
    call = dispatcher.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CODE_PATH):
            return call(self, environ, start_response)
        account, region, name, version = path[len(CODE_PATH) :].split("/", 3)
        try:
            backend = lambda_models.lambda_backends[account][region]
            data = backend.get_function(name, version).code_bytes
        except Exception:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such function version"]
        start_response("200 OK", [("Content-Type", "application/zip")])
        return [data]

    dispatcher.__call__ = __call__  # type: ignore[method-assign]  # the patch: moto's method replaced on its class


# --- Lambda@Edge replicas ---------------------------------------------------------------------

REPLICATED_MESSAGE: Final = (
    "Lambda was unable to delete {arn} because it is a replicated function. Please see our "
    "documentation for Deleting Lambda@Edge Functions and Replicas."
)


class Replicas:
    """Which function versions CloudFront has replicated, and since when they are released.

    A version wired to a distribution is replicated to the edge; once its last association is
    removed (or its distribution deleted), the replicas go after a while: hours on AWS,
    `seconds` here. Until then Lambda refuses to delete the version or its function."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock
        self.released: dict[str, float | None] = {}  # version ARN -> released at (None: wired)

    def observe(self, account: str, associated: set[str]) -> None:
        """The version ARNs that account's distributions wire now."""
        now = self.clock()
        for arn in associated:
            self.released[arn] = None
        for arn, when in self.released.items():
            if when is None and arn not in associated and f":{account}:" in arn:
                self.released[arn] = now

    def blocking(self, function_arn: str, qualifier: str | None) -> str | None:
        """The replicated version that keeps the function (or that version) from deletion."""
        now = self.clock()
        for arn, when in sorted(self.released.items()):
            base, _, version = arn.rpartition(":")
            if base != function_arn or (qualifier and version != qualifier):
                continue
            if when is None or now - when < self.seconds:
                return arn
        return None


def associated_versions(config: Any) -> set[str]:
    """Every LambdaFunctionARN a distribution config wires, however moto nested it."""
    found: set[str] = set()
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            arn = item.get("LambdaFunctionARN")
            if isinstance(arn, str):
                found.add(arn)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif hasattr(item, "__dict__"):
            stack.append(vars(item))
    return found


def _replicas_outlive_associations(models: Any, replica_seconds: float) -> Replicas:
    import time

    from moto.awslambda import exceptions as lambda_exceptions
    from moto.awslambda import models as lambda_models

    replicas = Replicas(replica_seconds, time.monotonic)
    backend = models.CloudFrontBackend

    def observing(method: Callable[..., Any]) -> Callable[..., Any]:
        def observed(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = method(self, *args, **kwargs)
            wired = set().union(
                *(associated_versions(d.distribution_config) for d in self.distributions.values())
            )
            replicas.observe(self.account_id, wired)
            return result

        return observed

    for name in ("create_distribution_with_tags", "update_distribution", "delete_distribution"):
        setattr(backend, name, observing(getattr(backend, name)))

    delete_function = lambda_models.LambdaBackend.delete_function

    def delete_replicated(self: Any, function_name: str, qualifier: str | None = None) -> None:
        if function_name.startswith("arn:"):
            parts = function_name.split(":")
            base, qualifier = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else qualifier)
        else:
            base = f"arn:aws:lambda:{self.region_name}:{self.account_id}:function:{function_name}"
        blocking = replicas.blocking(base, qualifier)
        if blocking is not None:
            raise lambda_exceptions.InvalidParameterValueException(
                REPLICATED_MESSAGE.format(arn=blocking)
            )
        delete_function(self, function_name, qualifier)

    lambda_models.LambdaBackend.delete_function = delete_replicated  # type: ignore[method-assign]  # the patch: moto's method replaced on its class
    return replicas
