"""A warm Lambda container for one Python handler: `python python_worker.py CODE_DIR HANDLER`.

Run as a plain script (never imported): the function gets a `sys.path` and `sys.modules` of its
own. The module is imported once, so module state survives between invocations, as in a warm
Lambda container. Protocol, one JSON object per line: invocations arrive on stdin; replies
leave on the process's original stdout, which is kept for the protocol alone. What the function
prints (print, sys.stdout/err, logging) is sent as `log` messages of the invocation it belongs
to; anything written straight to file descriptor 1 goes to stderr instead.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import sys
import time
import traceback
from typing import Any

PROTOCOL = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)


# CloudWatch keeps at most 256 KB of one log event; longer lines are cut here, so that no
# log line can outgrow what the server reads in one message.
LOG_LINE_LIMIT = 256 * 1024


def send(message: dict[str, Any]) -> None:
    PROTOCOL.write(json.dumps(message, separators=(",", ":")) + "\n")
    PROTOCOL.flush()


def send_log(line: str, stream: str) -> None:
    if len(line) > LOG_LINE_LIMIT:
        line = f"{line[:LOG_LINE_LIMIT]}... [{len(line) - LOG_LINE_LIMIT} characters cut]"
    send({"log": line, "stream": stream})


class LogStream:
    """sys.stdout / sys.stderr for the function: whole lines become log messages."""

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            send_log(line, self.stream)
        if len(self.pending) > LOG_LINE_LIMIT:  # a line that never ends is not kept in memory
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.pending:
            send_log(self.pending, self.stream)
            self.pending = ""

    def isatty(self) -> bool:
        return False


class Context:
    """The parts of Lambda's context object that handlers use."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.function_name = info["function_name"]
        self.function_version = info["function_version"]
        self.invoked_function_arn = info["invoked_function_arn"]
        self.memory_limit_in_mb = str(info["memory_limit_in_mb"])
        self.aws_request_id = info["aws_request_id"]
        self.log_group_name = info["log_group_name"]
        self.log_stream_name = info["log_stream_name"]
        self._deadline = time.monotonic() + info["timeout_ms"] / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


def configure_logging() -> RequestIdFilter:
    # Lambda's Python runtime gives the root logger this handler and format.
    request_filter = RequestIdFilter()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("[%(levelname)s]\t%(asctime)s\t%(aws_request_id)s\t%(message)s")
    )
    handler.addFilter(request_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    return request_filter


def error_message(exc: BaseException) -> dict[str, Any]:
    return {
        "errorType": type(exc).__name__,
        "errorMessage": str(exc),
        # The worker's own frame is not the user's business: start at the handler.
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:]),
    }


def load_handler(code_dir: str, handler: str) -> Any:
    module_name, _, function_name = handler.rpartition(".")
    module = importlib.import_module(module_name.replace("/", "."))
    function = getattr(module, function_name, None)
    if not callable(function):
        raise AttributeError(f"Handler '{function_name}' missing on module '{module_name}'")
    return function


def invoke(function: Any, message: dict[str, Any], request_filter: RequestIdFilter) -> None:
    request_filter.request_id = message["context"]["aws_request_id"]
    try:
        result = function(message["event"], Context(message["context"]))
    except Exception as exc:
        _flush()
        send({"error": error_message(exc)})
        return
    _flush()
    try:
        text = json.dumps({"result": result}, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        send({"invalid": f"The JSON output is not parsable: {exc}"})
        return
    PROTOCOL.write(text + "\n")
    PROTOCOL.flush()


def _flush() -> None:
    sys.stdout.flush()
    sys.stderr.flush()


def main() -> None:
    code_dir, handler = sys.argv[1], sys.argv[2]
    sys.path.insert(0, code_dir)
    os.chdir(code_dir)
    sys.stdout = LogStream("stdout")
    sys.stderr = LogStream("stderr")
    request_filter = configure_logging()
    try:
        function = load_handler(code_dir, handler)
    except Exception as exc:
        _flush()
        send({"init_error": error_message(exc)})
        return
    send({"ready": True})
    for line in sys.stdin:
        invoke(function, json.loads(line), request_filter)


if __name__ == "__main__":
    main()
