"""`edgeform invoke` and `event`, and `edgeform serve` picking up changes without a restart."""

from __future__ import annotations

import base64
import json
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from edgeform.cli import cli
from edgeform.emulator.chain import (
    GENERATED,
    HIT,
    LIMIT_EXCEEDED,
    MISS,
    VALIDATION_ERROR,
)
from edgeform.emulator.runtimes import FunctionCode, local_node_version, runtime_note
from tests.emulator_helpers import ServerThread
from tests.functional.test_emulator_conformance import copy_conformance


def run_cli(project, *args):
    return CliRunner().invoke(cli, ["--config", str(project / "edgeform.toml"), *args])


def test_event_prints_cloudfronts_shape():
    result = CliRunner().invoke(
        cli, ["event", "origin-request", "--uri", "/a.js", "--querystring", "x=1"]
    )
    assert result.exit_code == 0, result.output
    cf = json.loads(result.output)["Records"][0]["cf"]
    assert cf["config"]["eventType"] == "origin-request"
    assert cf["request"]["querystring"] == "x=1"
    assert cf["request"]["headers"]["user-agent"] == [
        {"key": "User-Agent", "value": "Amazon CloudFront"}
    ]
    assert "s3" in cf["request"]["origin"]


def test_event_with_include_body_carries_the_body_base64():
    result = CliRunner().invoke(
        cli,
        ["event", "viewer-request", "--method", "POST", "--body", "a=1", "--include-body"],
    )
    body = json.loads(result.output)["Records"][0]["cf"]["request"]["body"]
    assert base64.b64decode(body["data"]) == b"a=1"
    assert (body["action"], body["inputTruncated"]) == ("read-only", False)


def test_event_refuses_a_header_without_a_colon():
    result = CliRunner().invoke(cli, ["event", "viewer-request", "--header", "nocolon"])
    assert result.exit_code == 2
    assert "NAME:VALUE" in result.output


def test_invoke_runs_the_demo_redirect_and_accepts_it(demo_dir):
    result = run_cli(
        demo_dir,
        "invoke",
        "redirect",
        "--trigger",
        "viewer-request",
        "--querystring",
        "username=octocat",
        "--header",
        "Referer:https://d111111abcdef8.cloudfront.net/index.html",
        "--output",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["verdict"] == "accepted"
    assert report["result"]["status"] == "302"
    assert report["result"]["headers"]["location"][0]["value"].endswith(
        "/other.html?username=octocat"
    )


@pytest.mark.parametrize(
    ("function", "trigger", "query", "verdict", "rule"),
    [
        ("py-cases", "viewer-request", "vr=set-via", "LambdaValidationError", "header-read-only"),
        ("py-cases", "origin-request", "or=set-host", "accepted", None),
        ("py-cases", "viewer-request", "vr=raise", "LambdaExecutionError", None),
        ("js-cases", "viewer-response", "vres=status-201", "LambdaValidationError", None),
    ],
)
def test_invoke_gives_cloudfronts_verdict(tmp_path, function, trigger, query, verdict, rule):
    project = copy_conformance(tmp_path / "p")
    result = run_cli(
        project, "invoke", function, "--trigger", trigger, "--querystring", query,
        "--output", "json",
    )  # fmt: skip
    report = json.loads(result.output)
    assert report["verdict"] == verdict
    assert result.exit_code == (0 if verdict == "accepted" else 1)
    if rule:
        assert rule in {v["rule"] for v in report["violations"]}


def test_invoke_names_the_functions_when_one_is_unknown(demo_dir):
    result = run_cli(demo_dir, "invoke", "nope", "--trigger", "viewer-request")
    assert result.exit_code == 2
    assert "redirect" in result.output
    assert "security-headers" in result.output


def test_changes_to_functions_site_and_config_are_served_after_the_check_interval(tmp_path):
    project = copy_conformance(tmp_path / "p")
    edge = ServerThread(project).start()
    try:
        cached = edge.request("/py/vres/a.js")
        assert edge.request("/py/vres/a.js").x_cache == HIT
        assert cached.body == b"// a.js of py/vres\n"

        (project / "site" / "py" / "vres" / "a.js").write_text("// edited\n")
        edge.after_check_interval()
        edited = edge.request("/py/vres/a.js")
        assert (edited.x_cache, edited.body) == (MISS, b"// edited\n")

        cases = project / "functions" / "py" / "cases.py"
        cases.write_text(cases.read_text().replace('body="generated"', 'body="generated, edited"'))
        edge.after_check_interval()
        reloaded = edge.request("/py/vr/a.js?vr=generate")
        assert (reloaded.x_cache, reloaded.body) == (GENERATED, b"generated, edited")

        config = project / "edgeform.toml"
        config.write_text(
            config.read_text().replace('path_pattern = "/py/vr/*"', 'path_pattern = "/py/vx/*"')
        )
        edge.after_check_interval()
        moved = edge.request("/py/vr/a.js?vr=generate")
        assert moved.x_cache != GENERATED  # the behavior no longer matches this path

        config.write_text(config.read_text() + "\n[broken\n")
        edge.after_check_interval()
        still = edge.request("/py/vx/a.js?vr=generate")
        assert still.x_cache == GENERATED  # a broken edit keeps the last good version
        assert any("reload failed" in line for line in edge.logs)
    finally:
        edge.stop()


def test_an_edit_under_a_2000_file_site_is_served_after_the_check_interval(tmp_path):
    project = copy_conformance(tmp_path / "p")
    for n in range(2000):  # 20 folders of 100 files, beside the site's own
        folder = project / "site" / "bulk" / f"d{n // 100:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{n:04}.txt").write_text(f"file {n}\n")
    edge = ServerThread(project).start()
    try:
        deep = "/bulk/d19/f1999.txt"
        assert edge.request(deep).body == b"file 1999\n"
        assert edge.request(deep).x_cache == HIT
        (project / "site" / "bulk" / "d19" / "f1999.txt").write_text("edited\n")
        edge.after_check_interval()
        edited = edge.request(deep)
        assert (edited.x_cache, edited.body) == (MISS, b"edited\n")
    finally:
        edge.stop()


def test_serve_on_a_busy_port_says_so_and_exits_1(demo_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(demo_dir, "serve", "--port", str(port), "--stage", "main")
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "--port 0" in result.output


def worker_processes() -> list[str]:
    """This test process's function workers (the server runs in a thread of it)."""
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me and b"python_worker.py" in cmdline:
            found.append(pid)
    return found


def test_a_huge_log_line_is_cut_and_a_huge_result_refused_without_leaking_workers(tmp_path):
    edge = ServerThread(copy_conformance(tmp_path / "p")).start()
    try:
        for _ in range(5):
            logged = edge.request("/py/vr/a.js?vr=huge-log")
            assert logged.status == 200
        [line] = [line for line in edge.logs if "characters cut]" in line][:1]
        assert len(line) < 300 * 1024
        refused = edge.request("/py/vr/a.js?vr=huge-result")
        assert (refused.status, refused.x_cache) == (502, VALIDATION_ERROR)
        assert not any("Traceback" in line for line in edge.logs)
        assert len(worker_processes()) <= 2  # warm ones only, nothing leaked per request
    finally:
        edge.stop()


def test_invocations_run_at_once_and_time_out_from_when_they_were_asked(tmp_path):
    edge = ServerThread(copy_conformance(tmp_path / "p")).start()
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(6) as pool:  # the function sleeps 6 s; its timeout is 2 s
            replies = list(pool.map(lambda _: edge.request("/py/vr/a.js?vr=sleep"), range(6)))
        elapsed = time.monotonic() - started
        assert {(r.status, r.x_cache) for r in replies} == {(503, LIMIT_EXCEEDED)}
        # 4 at once, each stopped at 2 s; the 2 queued behind them throttled at their own 2 s.
        assert elapsed < 4.5, elapsed
        assert sum("throttled" in line for line in edge.logs) == 2
    finally:
        edge.stop()


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b"X-Cache" not in b"".join(chunks):
                break
        return b"".join(chunks)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET http://example.com/index.html HTTP/1.1\r\nHost: x\r\n", 400),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n", 494),
        (b"GET /index.html HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 21000 + b"\r\n", 494),
    ],
)
def test_cloudfront_refuses_what_it_refuses_before_any_function(tmp_path, request_bytes, status):
    edge = ServerThread(copy_conformance(tmp_path / "p")).start()
    try:
        reply = raw_request(edge.port, request_bytes + b"Connection: close\r\n\r\n")
        assert reply.startswith(f"HTTP/1.1 {status}".encode()), reply[:200]
        assert b"X-Cache: Error from cloudfront" in reply
        assert not any("LambdaValidationError" in line for line in edge.logs)
    finally:
        edge.stop()


def test_a_malformed_request_is_one_log_line(tmp_path):
    edge = ServerThread(copy_conformance(tmp_path / "p")).start()
    try:
        reply = raw_request(edge.port, b"GET /index.html HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n")
        assert reply.split(b"\r\n")[0].endswith(b" 400 Bad Request"), reply[:200]
        assert [line for line in edge.logs if "bad request refused" in line]
        assert not any("Traceback" in line for line in edge.logs)
    finally:
        edge.stop()


def test_a_node_function_on_another_node_version_here_gets_a_note(tmp_path):
    here = local_node_version()
    assert here is not None  # the suite runs Node.js functions in real node
    major = int(here.split(".")[0])
    other = 22 if major != 22 else 20

    def code(runtime: str) -> FunctionCode:
        return FunctionCode("headers", runtime, "index.handler", tmp_path, 128, 5)

    note = runtime_note(code(f"nodejs{other}.x"))
    assert note == (
        f"headers: Lambda runs nodejs{other}.x; node here is v{here}, so it runs on Node.js {major}"
    )
    assert runtime_note(code(f"nodejs{major}.x")) is None


def closed_after(sock: socket.socket, limit: float) -> float | None:
    """Seconds until the server closed `sock` (reads drained), or None if it stayed open."""
    started = time.monotonic()
    sock.settimeout(0.2)
    while time.monotonic() - started < limit:
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
    return None


def test_a_slow_or_idle_client_is_closed_and_a_slow_complete_one_is_served(tmp_path):
    """A slowloris head (a header line a second, never the blank line) and an idle keep-alive
    connection are closed 5 s after they opened or were last answered; a head that completes
    within that, sent in pieces, is answered. (CloudFront documents no viewer figures;
    serve's choice is in the README.)"""
    edge = ServerThread(copy_conformance(tmp_path / "p")).start()
    address = ("127.0.0.1", edge.port)
    try:
        with (
            socket.create_connection(address) as slow,
            socket.create_connection(address) as idle,
            socket.create_connection(address) as patient,
        ):
            opened = time.monotonic()
            idle.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
            patient.sendall(b"GET /index.html HTTP/1.1\r\n")
            slow.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n")
            slow_closed = None
            for piece in range(12):
                time.sleep(1)
                if piece == 2:  # 3 s: the patient head completes
                    patient.sendall(b"Host: x\r\nConnection: close\r\n\r\n")
                try:
                    slow.sendall(f"X-{piece}: y\r\n".encode())
                except OSError:
                    slow_closed = time.monotonic() - opened
                    break
            patient.settimeout(10)
            assert patient.recv(65536).startswith(b"HTTP/1.1 200")
            assert closed_after(idle, 1) is not None  # answered once, then closed when idle
        assert slow_closed is not None
        assert 5 <= slow_closed <= 9  # its dribbled lines never reset the timer
    finally:
        edge.stop()


def test_distribution_domain_name_is_serves_own_never_the_clients_host(demo_dir):
    edge = ServerThread(demo_dir).start()
    try:
        moved = edge.request(
            "/index.html?username=octocat",
            headers={"Referer": "http://x/index.html", "Host": "attacker.example"},
        )
        assert moved.status == 302
        assert moved.header("location") == (f"//127.0.0.1:{edge.port}/other.html?username=octocat")
    finally:
        edge.stop()
