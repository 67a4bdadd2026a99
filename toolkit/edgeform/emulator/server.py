"""The HTTP side of `edgeform serve`: aiohttp on loopback in front of the `EdgeChain`.

Only 127.0.0.1 is ever bound: the emulator runs the user's code and serves their files, and is
not meant to be reachable from the network. Hostile clients are bounded: a connection must
send a complete request head within KEEPALIVE_SECONDS of opening or of its last response, or
it is closed (aiohttp's keep-alive timer, which partial data never resets: a slowloris client
goes too). CloudFront documents no figure for viewers; this is serve's choice (README,
`serve`). A function's `distributionDomainName` is serve's own address, never the client's
Host header.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable
from typing import Final

from aiohttp import web
from multidict import CIMultiDict

from edgeform.emulator.chain import EdgeChain
from edgeform.emulator.events import ViewerRequest
from edgeform.model import lambda_edge as limits

HOST: Final = "127.0.0.1"
MAX_BODY: Final = 20 * 1024 * 1024
# aiohttp sets these from the body it sends; a function's values would contradict it.
_FRAMING: Final = frozenset({"content-length", "transfer-encoding", "connection"})

KEEPALIVE_SECONDS: Final = 5.0  # the keep-alive idle timeout CloudFront uses toward origins

AccessLog = Callable[[str], None]


def decode_header(raw: bytes) -> str:
    # CloudFront hands functions UTF-8; other bytes are read as ISO-8859-1 (reference section 2).
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


async def viewer_request(request: web.Request, protocol: str = "https") -> ViewerRequest:
    path, _, query = request.raw_path.partition("?")
    return ViewerRequest(
        protocol=protocol,
        method=request.method,
        uri=path,
        querystring=query,
        headers=tuple((decode_header(k), decode_header(v)) for k, v in request.raw_headers),
        client_ip=request.remote or HOST,
        body=await request.read() if request.can_read_body else b"",
    )


def make_app(
    chain: EdgeChain, access_log: AccessLog, authority: Callable[[], str], tls: bool = False
) -> web.Application:
    """`authority`: serve's own host:port, the distribution's domain for the functions.
    `tls`: serve listens for HTTPS too, so a plain request is a plain-HTTP viewer's."""

    async def handle(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        protocol = "https" if request.secure or not tls else "http"
        viewer = await viewer_request(request, protocol)
        served = await chain.handle(viewer, authority())
        response = served.response
        headers = CIMultiDict((k, v) for k, v in response.headers if k.lower() not in _FRAMING)
        headers.setdefault("Server", "CloudFront")  # not aiohttp's own
        elapsed = (time.perf_counter() - started) * 1000
        access_log(
            f"{viewer.method} {request.raw_path} {response.status} "
            f"{served.x_cache.removesuffix(' from cloudfront')} {elapsed:.1f} ms"
        )
        return web.Response(
            status=response.status,
            reason=response.description or None,
            headers=headers,
            body=response.body,
        )

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


class OneLine(logging.Filter):
    """aiohttp logs a malformed request with its traceback; one line says it all."""

    def __init__(self, access_log: AccessLog) -> None:
        super().__init__()
        self.access_log = access_log

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        self.access_log(f"bad request refused: {exc or record.getMessage()}".replace("\n", " "))
        return False  # said here, once


class EdgeServer:
    """Runs the app on 127.0.0.1:port (0 picks a free port) until stopped."""

    def __init__(
        self, chain: EdgeChain, access_log: AccessLog, tls: ssl.SSLContext | None = None
    ) -> None:
        self.chain = chain
        self.tls = tls
        server_log = logging.getLogger("aiohttp.server")
        for old in [f for f in server_log.filters if isinstance(f, OneLine)]:
            server_log.removeFilter(old)  # an earlier server's, in the same process
        server_log.addFilter(OneLine(access_log))
        self.runner = web.AppRunner(
            make_app(chain, access_log, lambda: f"{HOST}:{self.port}", tls is not None),
            access_log=None,
            keepalive_timeout=KEEPALIVE_SECONDS,
            # Room past CloudFront's limits, so that the chain refuses oversize requests as
            # CloudFront does (494) instead of the HTTP parser (400).
            max_line_size=4 * limits.VIEWER_URL_LIMIT,
            max_field_size=4 * limits.VIEWER_HEADERS_LIMIT,
        )
        self.port = 0  # HTTPS with tls, else plain HTTP standing for HTTPS
        self.http_port: int | None = None  # with tls: the plain-HTTP viewers' port
        self.listening: asyncio.Server | None = None
        self.plain: asyncio.Server | None = None

    async def start(self, port: int, http_port: int | None = None) -> int:
        """Listen on `port` (HTTPS with tls); with tls, plain HTTP on `http_port` too."""
        await self.runner.setup()
        handler = self.runner.server
        assert handler is not None
        loop = asyncio.get_running_loop()
        self.listening = await loop.create_server(
            handler, HOST, port, reuse_address=True, ssl=self.tls
        )
        self.port = int(self.listening.sockets[0].getsockname()[1])
        if self.tls is not None and http_port is not None:
            self.plain = await loop.create_server(handler, HOST, http_port, reuse_address=True)
            self.http_port = int(self.plain.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self.plain is not None:
            self.plain.close()
        if self.listening is not None:
            self.listening.close()
        await self.runner.cleanup()
        await self.chain.source.close()
