"""`edgeform serve`, `invoke` and `event`: the local CloudFront and its tools for one function."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import click

from toolkit import pipeline
from toolkit.aws.session import AwsSession
from toolkit.config import EVENT_TYPES, Project
from toolkit.dependencies import PlatformInstaller
from toolkit.emulator import events, limits, validation
from toolkit.emulator.chain import EdgeChain
from toolkit.emulator.deployed import DeployedIds, DeployedSource
from toolkit.emulator.events import EdgeConfig, HttpResponse, ViewerRequest
from toolkit.emulator.runtimes import FunctionPool
from toolkit.emulator.stack import StackSource
from toolkit.emulator.working_tree import ServeSettings, WorkingTreeSource, function_code
from toolkit.errors import EXIT_BAD_INPUT, EXIT_FAILED, EdgeformError, StageError
from toolkit.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])
SAMPLE_DOMAIN = "d111111abcdef8.cloudfront.net"
SAMPLE_DISTRIBUTION = "EDFDVBD6EXAMPLE"
LOCAL_STAGE = "local"


class UsageError(EdgeformError):
    exit_code = EXIT_BAD_INPUT


def log_line(tag: str, line: str) -> None:
    server_line(f"[{tag}] {line}")


def server_line(line: str) -> None:
    # One write per line, no colour: these lines come at the rate of requests.
    sys.stderr.write(f"{time.strftime('%H:%M:%S')} {line}\n")


def request_options(func: F) -> F:
    """The request (and, for response triggers, the response) an invocation is about."""
    options = [
        click.option("--uri", default="/index.html", show_default=True, help="Request path."),
        click.option("--querystring", default="", help="Query string, without '?'."),
        click.option("--method", default="GET", show_default=True),
        click.option(
            "--header", "headers", multiple=True, metavar="NAME:VALUE", help="Repeatable."
        ),
        click.option("--body", default="", help="Request body (sent when Include Body is on)."),
        click.option("--include-body", is_flag=True, help="As if the trigger had Include Body."),
        click.option(
            "--status", default=200, show_default=True, help="Origin status on response events."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


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


@click.command()
@click.option("--port", default=8080, show_default=True, help="Port on 127.0.0.1 (0: any).")
@click.option(
    "--stage", metavar="NAME", help="Stage whose build config to use (default: resolved, or local)."
)
@click.option(
    "--from-stage",
    "from_stage",
    metavar="NAME",
    help="Serve what this stage has deployed (distribution, function versions, bucket).",
)
@click.option("--target", metavar="NAME", help="Target of --from-stage (default: the project's).")
@click.option(
    "--workers",
    # One CPU is the server's own: on 2 cores, 2 workers per function and the load ran 4
    # processes on 2 CPUs and halved throughput (bench/serve).
    default=max(1, (os.cpu_count() or 2) - 1),
    show_default="the number of CPUs less one",
    help="Warm workers per function (each keeps its own module state, like Lambda's).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    port: int,
    stage: str | None,
    from_stage: str | None,
    target: str | None,
    workers: int,
) -> None:
    """Run the site locally behind an emulated CloudFront with the Lambda@Edge triggers.

    The site folder is the origin; each trigger runs its function in a warm worker; the
    cache, X-Cache and the error statuses behave as CloudFront's. A change to a function,
    a site file or edgeform.toml is served by the next request.

    \b
    Examples:
      edgeform serve                         http://127.0.0.1:8080/index.html
      edgeform serve --port 0 --stage main   any free port, main's build config
      edgeform serve --from-stage main --target local   what main has deployed
    """
    run = _local_run(ctx, from_stage or stage, target, "text", strict=bool(from_stage))
    source = _stack_source(run, bool(from_stage), workers)
    label = f"deployed stage {from_stage}" if from_stage else f"stage {run.stage.name}"
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(source, port, run.project, label))


def _stack_source(run: pipeline.Run, deployed: bool, workers: int) -> StackSource:
    """What to serve: the stage as deployed, or the working tree with the stage's config."""
    serve_dir = Workspace(run.project.root).base / "serve"
    if deployed:
        stage = pipeline.deployed_stage(run)
        session = AwsSession(run.target, stage.endpoint_url)
        ids = DeployedIds(stage.distribution_id, stage.bucket)
        work_dir = serve_dir / "deployed" / run.target.name / run.stage.slug
        return DeployedSource(session, ids, work_dir, log_line, workers)
    settings = ServeSettings(
        run.project.config_file,
        run.stage.name,
        run.stage.slug,
        serve_dir / run.stage.slug,
        workers,
    )
    return WorkingTreeSource(settings, _installer, log_line)


def _local_run(
    ctx: click.Context, stage: str | None, target: str | None, output: str, *, strict: bool
) -> pipeline.Run:
    """A run for local work: without a stage name anywhere, stage "local" (its build config)."""
    from toolkit.cli import make_run  # cli imports this module

    try:
        return make_run(ctx, stage, target, output)
    except StageError:
        if strict:
            raise
        return make_run(ctx, LOCAL_STAGE, target, output)


def _installer(project: Project) -> PlatformInstaller:
    return PlatformInstaller(Workspace(project.root).deps_cache)


async def _serve(source: StackSource, port: int, project: Project, label: str) -> None:
    from toolkit.emulator.server import EdgeServer  # aiohttp: loaded for serve only

    await source.current()  # build before listening: a broken project fails here, loudly
    server = EdgeServer(EdgeChain(source, server_line), server_line)
    try:
        bound = await server.start(port)
    except OSError as exc:
        await source.close()
        raise EdgeformError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror}",
            "pick another port with --port, or --port 0 for any free one",
        ) from None
    root = project.default_root_object
    click.echo(f"edgeform serve: {project.name}, {label}, on http://127.0.0.1:{bound}/{root}")
    click.echo("Ctrl-C to stop.", err=True)
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


@click.command()
@click.argument("trigger", type=click.Choice(EVENT_TYPES))
@request_options
def event(trigger: str, **request: Any) -> None:
    """Print a sample event of TRIGGER, shaped exactly as CloudFront sends it.

    \b
    Examples:
      edgeform event viewer-request --uri /index.html --header Referer:https://x/index.html
      edgeform event origin-response --status 404 > event.json
      edgeform event viewer-request --method POST --body 'a=1' --include-body
    """
    sample = build_event(trigger, config=sample_config(), **request)
    click.echo(json.dumps(sample, indent=2))


@click.command()
@click.argument("function")
@click.option("--trigger", type=click.Choice(EVENT_TYPES), required=True)
@request_options
@click.option("--event-file", type=click.File("r"), help="Use this event instead (JSON).")
@click.option("--stage", metavar="NAME", help="Stage whose build config to bake in.")
@click.option("--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def invoke(
    ctx: click.Context,
    function: str,
    trigger: str,
    event_file: Any,
    stage: str | None,
    output: str,
    **request: Any,
) -> None:
    """Run FUNCTION once on a TRIGGER event and check its result as CloudFront would.

    Prints the result, the log lines and the verdict. Exit status 0 when CloudFront would
    accept the result, 1 when it would answer 502 or 503.

    \b
    Examples:
      edgeform invoke redirect --trigger viewer-request --header Referer:https://x/index.html
      edgeform invoke security-headers --trigger origin-response --output json
      edgeform invoke redirect --trigger viewer-request --event-file e.json
    """
    run = _local_run(ctx, stage, None, output, strict=False)
    fn = run.project.functions.get(function)
    if fn is None:
        known = ", ".join(sorted(run.project.functions)) or "none"
        raise UsageError(f"no function {function!r} in edgeform.toml", f"functions: {known}")
    sent = (
        json.load(event_file)
        if event_file
        else build_event(trigger, config=sample_config(), **request)
    )
    report = asyncio.run(_invoke_once(run, fn, trigger, sent))
    if output == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        _print_report(report)
    ctx.exit(0 if report["verdict"] == "accepted" else EXIT_FAILED)


async def _invoke_once(
    run: pipeline.Run, fn: Any, trigger: str, sent: dict[str, Any]
) -> dict[str, Any]:
    from toolkit.bundle import bundle_entries

    values = run.project.build_config_for(run.stage.name)
    entries = bundle_entries(fn, values, _installer(run.project))
    work_dir = Workspace(run.project.root).base / "invoke" / run.stage.slug
    _, code = function_code(fn, entries, work_dir)
    logs: list[str] = []
    pool = FunctionPool(code, lambda tag, line: logs.append(line), max_workers=1)
    try:
        outcome = await pool.invoke(sent, limits.timeout_limit(trigger, fn.timeout), fn.name)
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
    cf = sent["Records"][0]["cf"]
    if outcome.kind != "result":
        report["verdict"] = {
            "timeout": "LambdaLimitExceeded",
            "invalid": "LambdaValidationError",
        }.get(outcome.kind, "LambdaExecutionError")
        report["message"] = outcome.message
        return report
    if trigger in limits.REQUEST_EVENTS:
        _, violations = validation.check_request_result(trigger, cf["request"], outcome.value)
    else:
        _, violations = validation.check_response_result(trigger, cf["response"], outcome.value)
    report["violations"] = [{"rule": v.rule, "message": v.message} for v in violations]
    report["verdict"] = "LambdaValidationError" if violations else "accepted"
    return report


def _print_report(report: dict[str, Any]) -> None:
    for line in report["logs"]:
        click.echo(f"[{report['function']} {report['trigger']}] {line}", err=True)
    if report["outcome"] == "result":
        click.echo(json.dumps(report["result"], indent=2))
    else:
        click.echo(f"{report['outcome']}: {report.get('message', '')}", err=True)
    for violation in report["violations"]:
        click.echo(f"violation {violation['rule']}: {violation['message']}", err=True)
    click.echo(f"verdict: {report['verdict']} ({report['duration_ms']} ms)", err=True)


COMMANDS = (serve, invoke, event)
