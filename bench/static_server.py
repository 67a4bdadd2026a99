"""The floor for bench/serve: the stdlib's static file server, with HTTP/1.1 keep-alive.

`python -m http.server` speaks HTTP/1.0 (a new connection per request) and listens with a
backlog of 5, so a load generator with more connections waits for SYN retries and measures
that. This is the same handler with keep-alive, a normal backlog and TCP_NODELAY: a plain
static server.
    python bench/static_server.py PORT DIRECTORY
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class KeepAliveHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The handler writes headers and body in small pieces; with Nagle on, each response waits
    # for the client's delayed ACK (40 ms) and the "floor" measures that instead.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 128


def main() -> None:
    port, directory = int(sys.argv[1]), sys.argv[2]
    handler = functools.partial(KeepAliveHandler, directory=directory)
    with Server(("127.0.0.1", port), handler) as server:
        print(f"Serving HTTP on 127.0.0.1 port {port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
