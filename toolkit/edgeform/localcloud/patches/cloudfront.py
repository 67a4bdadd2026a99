"""CloudFront distributions and invalidations as AWS has them: associations and origin access
control kept, no invented SSL method, ETags checked and renewed, a changed distribution deploying
again (InProgress, then Deployed after the delay), invalidations `Completed`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from edgeform.localcloud.patches._moto import after_init


def apply(deploy_delay_seconds: float) -> None:
    from moto.cloudfront import exceptions, models
    from moto.moto_api import state_manager

    _keep_lambda_associations(models)
    _keep_origin_access_control(models)
    _default_certificate_has_no_ssl_method(models)
    _check_etags(models, exceptions)
    _invalidations_completed(models)
    state_manager.set_transition(
        model_name="cloudfront::distribution",
        transition={"progression": "time", "seconds": deploy_delay_seconds},
    )


def _keep_lambda_associations(models: Any) -> None:
    def keep(behavior: Any, config: dict[str, Any]) -> None:
        associations = config.get("LambdaFunctionAssociations") or {"Quantity": 0}
        items = associations.get("Items") or []
        behavior.lambda_function_associations = (
            {"Quantity": len(items), "Items": items} if items else {"Quantity": 0}
        )

    # CacheBehaviour calls DefaultCacheBehaviour.__init__ through super(): one patch serves both.
    after_init(models.DefaultCacheBehaviour, keep)


def _keep_origin_access_control(models: Any) -> None:
    def keep(origin: Any, config: dict[str, Any]) -> None:
        origin.origin_access_control_id = config.get("OriginAccessControlId", "")

    after_init(models.Origin, keep)


def _default_certificate_has_no_ssl_method(models: Any) -> None:
    def drop(certificate: Any, config: dict[str, Any]) -> None:
        if not config.get("SSLSupportMethod"):
            certificate.ssl_support_method = None

    after_init(models.ViewerCertificate, drop)


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
