"""CloudFront's request pipeline with the four Lambda@Edge triggers (reference section 7).

viewer request (every request, before the cache) -> cache lookup on the rewritten request ->
on a hit, viewer response only -> on a miss, origin request, origin fetch, origin response
(every origin status), store -> viewer response (not for origin statuses of 400 and up).
An error status with a custom error response gets its page (fetched through the page's own
behavior and cache, no function run) and its response code; the origin's error is what is
cached, for error_caching_min_ttl when one is set.
A response generated in viewer request goes straight back, uncached; one generated in origin
request is cached and skips origin response. A function that fails answers as CloudFront does
(502 LambdaValidationError, 503 LambdaExecutionError or LambdaLimitExceeded), never cached.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from edgeform.emulator import events, keys, validation
from edgeform.emulator import viewer as viewer_headers
from edgeform.emulator.cache import EdgeCache, cache_key, ttl_seconds
from edgeform.emulator.events import EdgeConfig, HttpResponse, ViewerRequest, error_page
from edgeform.emulator.origin import Fetched, fetch_custom
from edgeform.emulator.routing import match_behavior
from edgeform.emulator.runtimes import Outcome
from edgeform.emulator.stack import EdgeBehavior, EdgeTrigger, ServedStack, StackSource
from edgeform.model import lambda_edge as limits
from edgeform.model.distribution import GEO_BLOCKED_MESSAGE
from edgeform.model.origins import SITE
from edgeform.model.response_headers import apply_policy

ServeLog = Callable[[str], None]

HIT: Final = "Hit from cloudfront"
MISS: Final = "Miss from cloudfront"
ERROR: Final = "Error from cloudfront"
GENERATED: Final = "LambdaGeneratedResponse from cloudfront"
REDIRECT: Final = "Redirect from cloudfront"
VALIDATION_ERROR: Final = "LambdaValidationError from cloudfront"
EXECUTION_ERROR: Final = "LambdaExecutionError from cloudfront"
LIMIT_EXCEEDED: Final = "LambdaLimitExceeded from cloudfront"
POP: Final = "LOCAL1-C1"

_FAILURES: Final = {
    "invalid": (502, VALIDATION_ERROR),
    "error": (503, EXECUTION_ERROR),
    "crash": (503, EXECUTION_ERROR),
    "timeout": (503, LIMIT_EXCEEDED),
}
_MESSAGES: Final = {
    VALIDATION_ERROR: "The Lambda function returned an invalid response.",
    EXECUTION_ERROR: "The Lambda function associated with the CloudFront distribution "
    "is invalid or doesn't have the required permissions.",
    LIMIT_EXCEEDED: "The Lambda function associated with the CloudFront distribution "
    "was throttled.",
}


@dataclass
class Served:
    """The answer to one viewer request, with what the log line needs."""

    response: HttpResponse
    x_cache: str
    request_id: str
    triggers: list[str] = field(default_factory=list)


class FunctionFailedError(Exception):
    """A trigger's function failed; carries CloudFront's answer."""

    def __init__(self, status: int, x_cache: str) -> None:
        super().__init__(x_cache)
        self.status = status
        self.x_cache = x_cache


class EdgeChain:
    """One emulated distribution: routes, runs triggers, caches, answers."""

    def __init__(
        self,
        source: StackSource,
        log: ServeLog,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        viewer_country: str = viewer_headers.DEFAULT_COUNTRY,
    ) -> None:
        self.viewer_country = viewer_country
        self.source = source
        self.log = log
        self.cache = EdgeCache(clock)
        self.wall_clock = wall_clock
        self._generation = -1
        self._ids = itertools.count(1)
        self._via_host = f"{hashlib.sha256(b'edgeform serve').hexdigest()[:32]}.cloudfront.net"

    @property
    def via(self) -> str:
        return f"1.1 {self._via_host} (CloudFront)"

    async def handle(self, viewer: ViewerRequest, host: str) -> Served:
        stack = await self.source.current()
        if stack.generation != self._generation:
            # A changed function, site file or config is a new deploy plus an invalidation.
            self.cache.clear()
            self._generation = stack.generation
        request_id = events.request_id(f"{time.time_ns()}-{next(self._ids)}")
        config = EdgeConfig(host, stack.distribution_id, stack.origin_domain, via=self.via)
        served = Served(HttpResponse(500, []), MISS, request_id)
        refusal = validation.viewer_refusal(viewer)
        if refusal is not None:
            served.response = error_page(*refusal, request_id)
            served.x_cache = ERROR
            self._finish(served)
            return served
        try:
            await _Flow(self, stack, config, served).run(viewer)
        except FunctionFailedError as failure:
            served.response = error_page(failure.status, _MESSAGES[failure.x_cache], request_id)
            served.x_cache = failure.x_cache
        self._finish(served)
        return served

    def _finish(self, served: Served) -> None:
        headers = served.response.headers
        if served.response.header("Via") is None:
            headers.append(("Via", self.via))
        headers.extend(
            [
                ("X-Cache", served.x_cache),
                ("X-Amz-Cf-Pop", POP),
                ("X-Amz-Cf-Id", served.request_id),
            ]
        )


class _Flow:
    """One request's walk through the chain."""

    def __init__(
        self, chain: EdgeChain, stack: ServedStack, config: EdgeConfig, served: Served
    ) -> None:
        self.chain = chain
        self.stack = stack
        self.config = config
        self.country = chain.viewer_country
        self.protocol = "https"
        self.served = served

    async def run(self, viewer: ViewerRequest) -> None:
        viewer = self.take_country(viewer)
        if not self.stack.geo_restriction.allows(self.country):
            # Before any function and the cache; a custom error page for 403 still applies.
            refused = error_page(403, GEO_BLOCKED_MESSAGE, self.served.request_id)
            self.served.response = await self.custom_error(refused)
            self.served.x_cache = ERROR
            return
        path = viewer.uri
        behavior = match_behavior(self.stack.behaviors, path)
        self.protocol = viewer.protocol
        if viewer.protocol == "http" and behavior.viewer_protocol_policy != "allow-all":
            self.served.response = self.plain_http_answer(behavior, viewer)
            self.served.x_cache = ERROR if self.served.response.status == 403 else REDIRECT
            return
        if viewer.method not in behavior.allowed_methods:
            self.served.response = error_page(
                403,
                "This distribution is not configured to allow the HTTP request method "
                "that was used for this request.",
                self.served.request_id,
            )
            self.served.x_cache = ERROR
            return
        vr = behavior.triggers.get("viewer-request")
        request = events.viewer_request_dict(viewer, include_body=bool(vr and vr.include_body))
        body = viewer.body
        if vr is not None:
            result = await self.request_trigger(vr, request)
            if isinstance(result, validation.Generated):
                self.served.response, self.served.x_cache = result.response, GENERATED
                return
            request = result.request
            body = result.body if result.body is not None else body
        if request["uri"] == "/" and self.stack.default_root_object:
            request = {**request, "uri": "/" + self.stack.default_root_object}
        await self.cached_or_origin(behavior, request, body)

    def plain_http_answer(self, behavior: EdgeBehavior, viewer: ViewerRequest) -> HttpResponse:
        """A plain-HTTP viewer of an HTTPS behavior (Developer Guide, "Require HTTPS for
        communication between viewers and CloudFront"): redirect-to-https answers 301 to the
        same URL on HTTPS, https-only 403; before any function runs."""
        if behavior.viewer_protocol_policy == "https-only":
            return error_page(
                403,
                "This distribution is configured to accept only HTTPS requests.",
                self.served.request_id,
            )
        query = f"?{viewer.querystring}" if viewer.querystring else ""
        location = f"https://{self.config.distribution_domain}{viewer.uri}{query}"
        return HttpResponse(301, [("Location", location), ("Server", "CloudFront")])

    def take_country(self, viewer: ViewerRequest) -> ViewerRequest:
        """The viewer's country: serve's default, or the request's X-Edgeform-Viewer-Country,
        which nothing after this sees (it is no header of CloudFront's)."""
        self.country = self.chain.viewer_country
        override = viewer_headers.COUNTRY_OVERRIDE
        for name, value in viewer.headers:
            if name.lower() == override and viewer_headers.COUNTRY_RE.match(value.upper()):
                self.country = value.upper()
        kept = tuple((k, v) for k, v in viewer.headers if k.lower() != override)
        return dataclasses.replace(viewer, headers=kept)

    def cloudfront_headers(self, request: dict[str, Any]) -> dict[str, str]:
        return viewer_headers.cloudfront_headers(
            _header_values(request), request["clientIp"], self.country, self.protocol
        )

    async def cached_or_origin(
        self, behavior: EdgeBehavior, request: dict[str, Any], body: bytes
    ) -> None:
        method = request["method"]
        # Computed once: the cache key and the origin request both take what they name of it.
        cloudfront = self.cloudfront_headers(request)
        key = cache_key(
            method,
            behavior.path_pattern,
            request["uri"],
            *keys.key_parts(behavior.cache_policy, request, cloudfront),
        )
        cacheable = method in behavior.cached_methods
        hit = self.chain.cache.get(key) if cacheable else None
        if hit is not None:
            cached, age = hit
            response = cached.response.copy()
            response.headers.append(("Age", str(age)))
            origin_status = cached.origin_status
            self.served.x_cache = ERROR if origin_status >= 400 else HIT
        else:
            response, origin_status, generated = await self.miss(
                behavior, request, body, cloudfront
            )
            if cacheable:
                custom = self.stack.error_response(response.status)
                ttl = ttl_seconds(
                    response,
                    behavior.ttls,
                    self.chain.wall_clock(),
                    custom.error_caching_min_ttl if custom else None,
                )
                self.chain.cache.put(key, response.copy(), ttl, origin_status)
            self.served.x_cache = (
                GENERATED if generated else ERROR if origin_status >= 400 else MISS
            )
        response = await self.custom_error(response)
        if method == "HEAD":
            response.body = b""
        # After the cache, before viewer response, on hits and misses alike.
        response = self.response_headers(behavior, request, response)
        # Viewer response sees (and may not change) the Via the viewer will get.
        response.headers.append(("Via", self.chain.via))
        vres = behavior.triggers.get("viewer-response")
        if vres is not None and origin_status < 400:
            response = await self.response_trigger(vres, _without_body(request), response)
        self.served.response = response

    def response_headers(
        self, behavior: EdgeBehavior, request: dict[str, Any], response: HttpResponse
    ) -> HttpResponse:
        policy = behavior.response_headers_policy
        if policy is None:
            return response
        viewer = _header_values(request)
        headers = apply_policy(policy, response.headers, request["method"], viewer)
        return HttpResponse(response.status, headers, response.body, response.description)

    async def custom_error(self, response: HttpResponse) -> HttpResponse:
        """The custom error page for an error status, or the error itself when there is no
        page or the page cannot be had (CloudFront then returns the origin's error)."""
        custom = self.stack.error_response(response.status)
        if custom is None or custom.response_page_path is None or custom.response_code is None:
            return response
        page = await self.error_page(custom.response_page_path)
        if page.status >= 400:
            self.chain.log(
                f"{self.served.request_id} custom error page {custom.response_page_path} "
                f"answered {page.status}; the viewer gets the origin's {response.status}"
            )
            return response
        return HttpResponse(custom.response_code, list(page.headers), page.body)

    async def error_page(self, path: str) -> HttpResponse:
        behavior = match_behavior(self.stack.behaviors, path)
        key = cache_key("GET", behavior.path_pattern, path, "")
        hit = self.chain.cache.get(key)
        if hit is not None:
            return hit[0].response.copy()
        page = await self.stack.origin.fetch("GET", path)
        if "GET" in behavior.cached_methods:
            ttl = ttl_seconds(page, behavior.ttls, self.chain.wall_clock())
            self.chain.cache.put(key, page.copy(), ttl, page.status)
        return page

    async def miss(
        self,
        behavior: EdgeBehavior,
        viewer_side: dict[str, Any],
        body: bytes,
        cloudfront: dict[str, str],
    ) -> tuple[HttpResponse, int, bool]:
        orq = behavior.triggers.get("origin-request")
        group = self.stack.origin_groups.get(behavior.target_origin)
        request = events.origin_request_dict(
            viewer_side,
            self.config,
            origin=self.origin_block(group.primary if group else behavior.target_origin),
            policy=behavior.cache_policy,
            origin_policy=behavior.origin_request_policy,
            cloudfront=cloudfront,
            body=events.body_block(body, "origin-request")
            if orq is not None and orq.include_body and viewer_side["method"] in events.BODY_METHODS
            else None,
        )
        if orq is not None:
            result = await self.request_trigger(orq, request)
            if isinstance(result, validation.Generated):
                return result.response, result.response.status, True
            request = result.request
            body = result.body if result.body is not None else body
        fetched = await self.fetch(request, body)
        if group is not None and (
            not fetched.reached or fetched.response.status in group.failover_status_codes
        ):
            self.chain.log(
                f"{self.served.request_id} origin group {group.name}: {group.primary} answered "
                f"{fetched.response.status}; failing over to {group.failover}"
            )
            failover = _failover_request(request, self.origin_block(group.failover))
            fetched = await self.fetch(failover, body)
        response = fetched.response
        origin_status = response.status
        ors = behavior.triggers.get("origin-response")
        if ors is not None:
            response = await self.response_trigger(ors, _without_body(request), response)
        return response, origin_status, False

    def origin_block(self, name: str) -> dict[str, Any]:
        """The origin-request event's origin: the bucket, or a custom origin."""
        if name == SITE:
            return events.s3_origin(self.config)
        return events.custom_origin(self.stack.origins[name])

    async def fetch(self, request: dict[str, Any], body: bytes) -> Fetched:
        origin = request.get("origin", {})
        if "custom" in origin:
            spec = origin["custom"]
            known = self.stack.custom_origin(spec["domainName"])
            if known is not None and known.local_url is None:
                self.chain.log(
                    f"{self.served.request_id} origin {known.name} ({known.domain_name}) has no "
                    "local_url; edgeform serve fetches it over the network"
                )
            return await fetch_custom(
                request,
                spec,
                self.served.request_id,
                body=body if request["method"] in events.BODY_METHODS else b"",
                local_url=known.local_url if known else None,
                connect_timeout=float(known.connection_timeout if known else 10),
            )
        domain = origin.get("s3", {}).get("domainName")
        if domain != self.config.origin_domain:
            self.chain.log(
                f"{self.served.request_id} origin {domain} is another bucket; edgeform serve "
                "reads only this distribution's own (answered 502)"
            )
            return Fetched(
                error_page(502, "CloudFront wasn't able to connect to the origin.", ""),
                reached=False,
            )
        return Fetched(await self.stack.origin.fetch(request["method"], request["uri"]))

    async def request_trigger(
        self, trigger: EdgeTrigger, request: dict[str, Any]
    ) -> validation.Forward | validation.Generated:
        # The function runs in another process and answers with new objects: `request`
        # itself is never changed, so it is what the result is checked against.
        evt = events.event(trigger.event, self.config, self.served.request_id, request)
        result = await self.invoke(trigger, evt)
        checked, violations = validation.check_request_result(trigger.event, request, result)
        self.reject(trigger, violations)
        assert checked is not None
        return checked

    async def response_trigger(
        self, trigger: EdgeTrigger, request: dict[str, Any], response: HttpResponse
    ) -> HttpResponse:
        sent = events.response_dict(response)
        evt = events.event(trigger.event, self.config, self.served.request_id, request, sent)
        result = await self.invoke(trigger, evt)
        checked, violations = validation.check_response_result(trigger.event, sent, result)
        self.reject(trigger, violations)
        assert checked is not None
        answer = checked.response
        answer.body = response.body if checked.body is None else checked.body
        return answer

    async def invoke(self, trigger: EdgeTrigger, evt: dict[str, Any]) -> Any:
        timeout = limits.timeout_limit(trigger.event, trigger.pool.code.timeout)
        tag = f"{trigger.function} {trigger.event} {self.served.request_id}"
        outcome = await trigger.pool.invoke(evt, timeout, tag)
        self.served.triggers.append(f"{trigger.event}={trigger.function}:{outcome.kind}")
        if outcome.kind != "result":
            self.fail(trigger, outcome)
        return outcome.value

    def fail(self, trigger: EdgeTrigger, outcome: Outcome) -> None:
        status, x_cache = _FAILURES[outcome.kind]
        self.chain.log(
            f"[{trigger.function} {trigger.event} {self.served.request_id}] "
            f"{x_cache.split()[0]}: {outcome.message}"
        )
        if outcome.kind == "error" and isinstance(outcome.value, dict):
            for line in outcome.value.get("stackTrace", []):
                self.chain.log(f"[{trigger.function} {trigger.event}]   {line.rstrip()}")
        raise FunctionFailedError(status, x_cache)

    def reject(self, trigger: EdgeTrigger, violations: list[validation.Violation]) -> None:
        for violation in violations:
            self.chain.log(
                f"[{trigger.function} {trigger.event} {self.served.request_id}] "
                f"LambdaValidationError: rule {violation.rule}: {violation.message}"
            )
        if violations:
            raise FunctionFailedError(502, VALIDATION_ERROR)


def _failover_request(request: dict[str, Any], secondary: dict[str, Any]) -> dict[str, Any]:
    """The request sent on to the failover origin: its origin block, and its Host where the
    primary's was (a Host the policies took from the viewer stays)."""
    primary_host = next(iter(request["origin"].values()))["domainName"]
    headers = dict(request.get("headers", {}))
    if headers.get("host", [{}])[0].get("value") == primary_host:
        headers["host"] = [{"key": "Host", "value": next(iter(secondary.values()))["domainName"]}]
    return {**request, "origin": secondary, "headers": headers}


def _header_values(request: dict[str, Any]) -> dict[str, str]:
    """A request event's headers: lower-case name -> its first value."""
    return {
        name: entries[0].get("value", "")
        for name, entries in request.get("headers", {}).items()
        if entries
    }


def _without_body(request: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.items() if k != "body"}
