"""One invocation of one function, outside the chain: what `edgeform invoke` and `edgeform
event` do. Builds a sample event as CloudFront would send it, runs the function from its bundle
in a worker, and checks the result as CloudFront would."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from edgeform.build.bundle import bundle_entries
from edgeform.build.dependencies import DependencyInstaller
from edgeform.emulator import events, validation
from edgeform.emulator.events import EdgeConfig, HttpResponse, ViewerRequest
from edgeform.emulator.runtimes import FunctionPool, Scaling
from edgeform.emulator.working_tree import function_code
from edgeform.errors import UsageError
from edgeform.model import lambda_edge
from edgeform.model.project import ConfigValue, Function

SAMPLE_DOMAIN: Final = "d111111abcdef8.cloudfront.net"
SAMPLE_DISTRIBUTION: Final = "EDFDVBD6EXAMPLE"
FAILURE_VERDICTS: Final = {"timeout": "LambdaLimitExceeded", "invalid": "LambdaValidationError"}


def parse_headers(headers: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    parsed = []
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header {header!r} is not NAME:VALUE", "e.g. --header Referer:x")
        parsed.append((name.strip(), value.strip()))
    return tuple(parsed)


def build_event(
    trigger: str,
    *,
    uri: str,
    querystring: str,
    method: str,
    headers: tuple[str, ...],
    body: str,
    include_body: bool,
    status: int,
    config: EdgeConfig,
) -> dict[str, Any]:
    pairs = parse_headers(headers)
    if not any(name.lower() == "host" for name, _ in pairs):
        pairs = (("Host", config.distribution_domain), *pairs)
    viewer = ViewerRequest(method.upper(), uri, querystring, pairs, "203.0.113.10", body.encode())
    response = HttpResponse(status, [("Content-Type", "text/html"), ("Server", "AmazonS3")])
    return events.sample_event(
        trigger, viewer, config, include_body=include_body, response=response
    )


def sample_config() -> EdgeConfig:
    return EdgeConfig(
        SAMPLE_DOMAIN,
        SAMPLE_DISTRIBUTION,
        "site-bucket.s3.us-east-1.amazonaws.com",
        via="2.0 abc123.cloudfront.net (CloudFront)",
    )


async def invoke_once(
    fn: Function,
    trigger: str,
    sent: dict[str, Any],
    values: Mapping[str, ConfigValue],
    installer: DependencyInstaller,
    work_dir: Path,
) -> dict[str, Any]:
    """Run `fn` once on the event `sent`; the report `edgeform invoke` prints."""
    _, code = function_code(fn, bundle_entries(fn, values, installer), work_dir)
    logs: list[str] = []
    pool = FunctionPool(code, lambda tag, line: logs.append(line), Scaling(1, 1))
    try:
        timeout = lambda_edge.timeout_limit(trigger, fn.timeout)
        outcome = await pool.invoke(sent, timeout, fn.name)
    finally:
        await pool.close()
    report: dict[str, Any] = {
        "function": fn.name,
        "trigger": trigger,
        "outcome": outcome.kind,
        "duration_ms": round(outcome.duration_ms, 2),
        "result": outcome.value,
        "logs": logs,
        "violations": [],
    }
    if outcome.kind != "result":
        report["verdict"] = FAILURE_VERDICTS.get(outcome.kind, "LambdaExecutionError")
        report["message"] = outcome.message
        return report
    cf = sent["Records"][0]["cf"]
    if trigger in lambda_edge.REQUEST_EVENTS:
        _, violations = validation.check_request_result(trigger, cf["request"], outcome.value)
    else:
        _, violations = validation.check_response_result(trigger, cf["response"], outcome.value)
    report["violations"] = [{"rule": v.rule, "message": v.message} for v in violations]
    report["verdict"] = "LambdaValidationError" if violations else "accepted"
    return report
