"""CloudFront's cache, origin request and response headers policies, which moto 5.2.5 lacks.

As the CloudFront API Reference has them (CreateCachePolicy, GetCachePolicy,
GetCachePolicyConfig, UpdateCachePolicy, DeleteCachePolicy, ListCachePolicies, and the same for
OriginRequestPolicy and ResponseHeadersPolicy):
- a policy has an Id, an ETag that changes with each update, and LastModifiedTime;
- names are unique per kind (`...AlreadyExists`);
- Update and Delete take IfMatch: missing, `InvalidIfMatchVersion`; stale, `PreconditionFailed`;
- AWS's managed policies exist in every account, are listed with Type=managed, and refuse
  Update (`IllegalUpdate`) and Delete (`IllegalDelete`);
- a policy a cache behavior uses cannot be deleted (`...InUse`);
- a distribution whose behavior names a policy that does not exist is refused
  (`NoSuch...Policy`), on create and on update;
- a behavior with a cache policy has no legacy `ForwardedValues` in its config.
The managed policies' IDs come from edgeform's model (model/policies.py); their configs here
carry their name only: nothing edgeform deploys reads them back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from edgeform.localcloud.patches._moto import after_init
from edgeform.model.policies import MANAGED, PolicyKind

API_VERSION: Final = "2020-05-31"


@dataclass(frozen=True)
class Kind:
    """One kind of policy, by the names the API gives it."""

    kind: PolicyKind
    api: str  # "CachePolicy": the operations' and the shapes' stem
    path: str  # "cache-policy": the URL segment
    behavior_attribute: str  # moto's attribute on a cache behavior holding the policy's id

    @property
    def config_key(self) -> str:
        return f"{self.api}Config"


KINDS: Final = (
    Kind("cache", "CachePolicy", "cache-policy", "cache_policy_id"),
    Kind(
        "origin-request", "OriginRequestPolicy", "origin-request-policy", "origin_request_policy_id"
    ),
    Kind(
        "response-headers",
        "ResponseHeadersPolicy",
        "response-headers-policy",
        "response_headers_policy_id",
    ),
)


@dataclass
class Policy:
    id: str
    config: dict[str, Any]
    managed: bool = False
    etag: str = field(default_factory=lambda: uuid.uuid4().hex[:14].upper())
    last_modified: datetime = field(default_factory=lambda: datetime.now(UTC))

    def renew(self, config: dict[str, Any]) -> None:
        self.config = config
        self.etag = uuid.uuid4().hex[:14].upper()
        self.last_modified = datetime.now(UTC)

    def shape(self, kind: Kind) -> dict[str, Any]:
        return {"Id": self.id, "LastModifiedTime": self.last_modified, kind.config_key: self.config}


def apply() -> None:
    from moto.cloudfront import exceptions, models, responses, urls

    errors = _Errors(exceptions.CloudFrontException)
    for kind in KINDS:
        _add_routes(urls.url_paths, kind)
        _add_operations(responses.CloudFrontResponse, kind, errors)
    _check_distributions(models.CloudFrontBackend, errors)
    after_init(models.DefaultCacheBehaviour, _no_legacy_settings_with_a_policy)


def _no_legacy_settings_with_a_policy(behavior: Any, config: dict[str, Any]) -> None:
    """A behavior with a cache policy has no ForwardedValues (moto invents an empty one,
    which Terraform would read as a change on every plan)."""
    if config.get("CachePolicyId"):
        behavior.forwarded_values = None


class _Errors:
    """AWS's error codes, raised as moto's CloudFront errors (status from the service model)."""

    def __init__(self, base: type[Exception]) -> None:
        self.base = base

    def __call__(self, code: str, message: str) -> Exception:
        return self.base(code, message)


def _add_routes(url_paths: dict[str, Any], kind: Kind) -> None:
    dispatch = next(iter(url_paths.values()))  # CloudFrontResponse.dispatch, as every route
    base = f"{{0}}/{API_VERSION}/{kind.path}"
    url_paths[f"{base}$"] = dispatch
    url_paths[f"{base}/(?P<Id>[^/]+)$"] = dispatch
    url_paths[f"{base}/(?P<Id>[^/]+)/config$"] = dispatch


def store(backend: Any, kind: Kind) -> dict[str, Policy]:
    """The backend's policies of `kind`, AWS's managed ones first (made on first use)."""
    stores = backend.__dict__.setdefault("_edgeform_policies", {})
    if kind.kind not in stores:
        stores[kind.kind] = {
            policy_id: Policy(policy_id, {"Name": name, "Comment": "AWS managed"}, managed=True)
            for name, policy_id in MANAGED[kind.kind].items()
        }
    found: dict[str, Policy] = stores[kind.kind]
    return found


def in_use(backend: Any, kind: Kind, policy_id: str) -> bool:
    return any(policy_id in _behavior_ids(d, kind) for d in backend.distributions.values())


def _behavior_ids(distribution: Any, kind: Kind) -> set[str]:
    config = distribution.distribution_config
    ordered = (getattr(config, "CacheBehaviors", None) or {}).get("Items") or []
    behaviors = [config.DefaultCacheBehavior, *ordered]
    return {getattr(b, kind.behavior_attribute, "") or "" for b in behaviors} - {""}


def _add_operations(response_class: Any, kind: Kind, error: _Errors) -> None:
    api = kind.api

    def policy(self: Any, policy_id: str) -> Policy:
        found = store(self.backend, kind).get(policy_id)
        if found is None:
            raise error(f"NoSuch{api}", f"The {api} does not exist.")
        return found

    def checked(self: Any, found: Policy, verb: str) -> None:
        if found.managed:
            raise error(f"Illegal{verb}", f"Cannot {verb.lower()} a managed {api}.")
        if_match = self._get_param("IfMatch")
        if not if_match:
            raise error("InvalidIfMatchVersion", "The If-Match version is missing or not valid.")
        if if_match != found.etag:
            raise error("PreconditionFailed", "The If-Match version is not the current one.")

    def unique(self: Any, config: dict[str, Any], other_than: str = "") -> None:
        for existing in store(self.backend, kind).values():
            if existing.id != other_than and existing.config.get("Name") == config.get("Name"):
                raise error(f"{api}AlreadyExists", f"A {api} with this name already exists.")

    def create(self: Any) -> Any:
        config = self._get_param(kind.config_key, {})
        unique(self, config)
        made = Policy(str(uuid.uuid4()), config)
        store(self.backend, kind)[made.id] = made
        location = f"https://cloudfront.amazonaws.com/{API_VERSION}/{kind.path}/{made.id}"
        return _result({api: made.shape(kind), "Location": location, "ETag": made.etag})

    def get(self: Any) -> Any:
        found = policy(self, self._get_param("Id"))
        return _result({api: found.shape(kind), "ETag": found.etag})

    def get_config(self: Any) -> Any:
        found = policy(self, self._get_param("Id"))
        return _result({kind.config_key: found.config, "ETag": found.etag})

    def update(self: Any) -> Any:
        found = policy(self, self._get_param("Id"))
        checked(self, found, "Update")
        config = self._get_param(kind.config_key, {})
        unique(self, config, other_than=found.id)
        found.renew(config)
        return _result({api: found.shape(kind), "ETag": found.etag})

    def delete(self: Any) -> Any:
        found = policy(self, self._get_param("Id"))
        checked(self, found, "Delete")
        if in_use(self.backend, kind, found.id):
            raise error(f"{api}InUse", f"Cannot delete the {api}: a cache behavior uses it.")
        del store(self.backend, kind)[found.id]
        from moto.core.responses import EmptyResult

        return EmptyResult()

    def list_policies(self: Any) -> Any:
        wanted = self._get_param("Type")
        items = [
            {"Type": "managed" if p.managed else "custom", api: p.shape(kind)}
            for p in store(self.backend, kind).values()
            if wanted is None or wanted == ("managed" if p.managed else "custom")
        ]
        listing = {"MaxItems": 100, "Quantity": len(items), "Items": items or None}
        return _result({f"{api}List": listing})

    snake = _snake(api)
    for name, method in (
        (f"create_{snake}", create),
        (f"get_{snake}", get),
        (f"get_{snake}_config", get_config),
        (f"update_{snake}", update),
        (f"delete_{snake}", delete),
        (f"list_{snake.replace('_policy', '_policies')}", list_policies),
    ):
        setattr(response_class, name, method)


def _result(data: dict[str, Any]) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(data)


def _snake(api: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in api).lstrip("_")


def _check_distributions(backend_class: Any, error: _Errors) -> None:
    """A distribution may only name policies that exist (CreateDistribution and
    UpdateDistribution answer NoSuchCachePolicy etc. otherwise)."""
    create = backend_class.create_distribution
    update = backend_class.update_distribution

    def named(config: dict[str, Any]) -> Iterator[tuple[Kind, str]]:
        behaviors = [config.get("DefaultCacheBehavior") or {}]
        behaviors += (config.get("CacheBehaviors") or {}).get("Items") or []
        for behavior in behaviors:
            for kind in KINDS:
                policy_id = behavior.get(f"{kind.api}Id")
                if policy_id:
                    yield kind, policy_id

    def check(self: Any, config: dict[str, Any]) -> None:
        for kind, policy_id in named(config):
            if policy_id not in store(self, kind):
                raise error(f"NoSuch{kind.api}", f"The {kind.api} {policy_id} does not exist.")

    def checking(method: Callable[..., Any]) -> Callable[..., Any]:
        # moto calls them with keywords: distribution_config= (create), dist_config= (update).
        def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
            config = kwargs.get("distribution_config", kwargs.get("dist_config"))
            check(self, config if config is not None else args[0])
            return method(self, *args, **kwargs)

        return checked

    backend_class.create_distribution = checking(create)
    backend_class.update_distribution = checking(update)
