"""`edgeform serve`, `invoke` and `event`: the local CloudFront and its tools for one function."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from edgeform.cli.options import Options, make_run, output_option, pass_options
from edgeform.console import Console
from edgeform.deploy import pipeline
from edgeform.deploy.run import Run
from edgeform.emulator.deployed import DeployedIds, DeployedSource
from edgeform.emulator.invoke import build_event, invoke_once, sample_config
from edgeform.emulator.runtimes import CONCURRENCY, Scaling
from edgeform.emulator.stack import StackSource
from edgeform.emulator.tls import LocalCertificate, local_certificate
from edgeform.emulator.viewer import COUNTRY_RE, DEFAULT_COUNTRY
from edgeform.emulator.working_tree import ServeSettings, WorkingTreeSource
from edgeform.errors import EXIT_FAILED, EdgeformError, UsageError
from edgeform.model.lambda_edge import EVENT_TYPES
from edgeform.model.project import Project

F = TypeVar("F", bound=Callable[..., Any])


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


def _country(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not COUNTRY_RE.match(value.upper()):
        raise click.BadParameter(f"{value!r} is not a country code: write two letters, e.g. DE")
    return value.upper()


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
    help="Warm workers kept per function (each keeps its own module state, like Lambda's).",
)
@click.option(
    "--concurrency",
    default=CONCURRENCY,
    show_default=True,
    help="Invocations of one function at once; more wait, within their timeout.",
)
@click.option(
    "--viewer-country",
    default=DEFAULT_COUNTRY,
    show_default=True,
    callback=_country,
    metavar="CC",
    help="The viewers' country (CloudFront-Viewer-Country, where a policy asks for it); a "
    "request's X-Edgeform-Viewer-Country header overrides it.",
)
@click.option(
    "--tls",
    is_flag=True,
    help="Answer HTTPS on --port with a local certificate edgeform makes (in "
    ".edgeform/tls/), and plain HTTP on --http-port, where behaviors that want HTTPS "
    "redirect (301) or refuse (403) as CloudFront does.",
)
@click.option(
    "--http-port",
    default=0,
    show_default="any free port",
    help="With --tls: the plain-HTTP port on 127.0.0.1.",
)
@pass_options
def serve(
    options: Options,
    port: int,
    stage: str | None,
    from_stage: str | None,
    target: str | None,
    workers: int,
    concurrency: int,
    viewer_country: str,
    tls: bool,
    http_port: int,
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
      edgeform serve --viewer-country DE     viewers in Germany (curl -H
                                             'X-Edgeform-Viewer-Country: FR' for one in France)
      edgeform serve --tls --port 8443 --http-port 8080
                                             HTTPS, and plain HTTP redirected as CloudFront does
    """
    run = make_run(options, from_stage or stage, target, "text", local_fallback=not from_stage)
    source = _stack_source(run, bool(from_stage), Scaling(workers, concurrency))
    label = f"deployed stage {from_stage}" if from_stage else f"stage {run.context.stage.name}"
    certificate = local_certificate(run.context.workspace.tls_dir()) if tls else None
    listening = Listening(port, certificate, http_port if tls else None)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            _serve(source, listening, run.context.project, label, run.console, viewer_country)
        )


@dataclass(frozen=True)
class Listening:
    """Where serve listens: `port` (HTTPS with a certificate), and plain HTTP on `http_port`
    when it has one."""

    port: int
    certificate: LocalCertificate | None = None
    http_port: int | None = None


def _stack_source(run: Run, deployed: bool, scaling: Scaling) -> StackSource:
    """What to serve: the stage as deployed, or the working tree with the stage's config."""
    ctx = run.context
    if deployed:
        stage = pipeline.deployed_stage(run)
        ids = DeployedIds(stage.distribution_id, stage.bucket)
        work_dir = ctx.workspace.deployed_dir(ctx.target.name, ctx.stage.slug)
        local_urls = {
            name: origin.local_url
            for name, origin in ctx.project.origins.items()
            if origin.local_url is not None
        }
        return DeployedSource(stage.conn, ids, work_dir, run.console.tagged, scaling, local_urls)
    settings = ServeSettings(
        ctx.project.config_file,
        ctx.stage,
        ctx.workspace.serve_dir(ctx.stage.slug),
        scaling,
    )
    # The project may be reloaded, but its root (so its dependency cache) stays the same.
    return WorkingTreeSource(settings, lambda _project: run.installer(), run.console.tagged)


async def _serve(
    source: StackSource,
    listening: Listening,
    project: Project,
    label: str,
    console: Console,
    viewer_country: str = DEFAULT_COUNTRY,
) -> None:
    # aiohttp is loaded for serve only.
    from edgeform.emulator.chain import EdgeChain
    from edgeform.emulator.server import EdgeServer

    await source.current()  # build before listening: a broken project fails here, loudly
    chain = EdgeChain(source, console.timestamped, viewer_country=viewer_country)
    certificate = listening.certificate
    context = certificate.server_context() if certificate else None
    server = EdgeServer(chain, console.timestamped, context)
    try:
        bound = await server.start(listening.port, listening.http_port)
    except OSError as exc:
        await server.stop()
        ports = [listening.port, *([listening.http_port] if listening.http_port else [])]
        raise EdgeformError(
            f"cannot listen on {' or '.join(f'127.0.0.1:{p}' for p in ports)}: {exc.strerror}",
            "pick another port with --port (and --http-port), or --port 0 for any free one",
        ) from None
    root = project.default_root_object
    scheme = "https" if certificate else "http"
    console.line(f"edgeform serve: {project.name}, {label}, on {scheme}://127.0.0.1:{bound}/{root}")
    if certificate is not None:
        console.line(f"plain HTTP viewers on http://127.0.0.1:{server.http_port}/{root}")
        console.info(f"The local certificate: {certificate.cert} (curl --cacert it).")
    else:
        # Plain HTTP on loopback stands for CloudFront's HTTPS: no behavior's viewer
        # protocol policy redirects or refuses it here (--tls for that).
        console.info("Requests count as HTTPS viewers' (--tls to try plain HTTP ones).")
    console.info(
        f"Viewers are in {viewer_country} (X-Edgeform-Viewer-Country: XX for another country). "
        "Ctrl-C to stop."
    )
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
    # CloudFront's own key order, as a reader of the docs expects it (not --output's sorted).
    Console(json_output=False, color=False).line(json.dumps(sample, indent=2))


@click.command()
@click.argument("function")
@click.option("--trigger", type=click.Choice(EVENT_TYPES), required=True)
@request_options
@click.option("--event-file", type=click.File("r"), help="Use this event instead (JSON).")
@click.option("--stage", metavar="NAME", help="Stage whose build config to bake in.")
@output_option
@pass_options
def invoke(
    options: Options,
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
    run = make_run(options, stage, None, output, local_fallback=True)
    ctx = run.context
    fn = ctx.project.functions.get(function)
    if fn is None:
        known = ", ".join(sorted(ctx.project.functions)) or "none"
        raise UsageError(f"no function {function!r} in edgeform.toml", f"functions: {known}")
    sent = (
        json.load(event_file)
        if event_file
        else build_event(trigger, config=sample_config(), **request)
    )
    work_dir = ctx.workspace.invoke_dir(ctx.stage.slug)
    report = asyncio.run(
        invoke_once(fn, trigger, sent, ctx.build_values, run.installer(), work_dir)
    )
    if run.console.json_output:
        run.console.result(report, "")
    else:
        _print_report(run.console, report)
    click.get_current_context().exit(0 if report["verdict"] == "accepted" else EXIT_FAILED)


def _print_report(console: Console, report: dict[str, Any]) -> None:
    """The result on stdout (the JSON a function returned); its logs and verdict on stderr."""
    for line in report["logs"]:
        console.info(f"[{report['function']} {report['trigger']}] {line}")
    if report["outcome"] == "result":
        console.line(json.dumps(report["result"], indent=2))
    else:
        console.info(f"{report['outcome']}: {report.get('message', '')}")
    for violation in report["violations"]:
        console.info(f"violation {violation['rule']}: {violation['message']}")
    console.info(f"verdict: {report['verdict']} ({report['duration_ms']} ms)")


COMMANDS = (serve, invoke, event)
