"""`edgeform serve` after an edit, in both runtimes, on the demo (an origin-response function):
a changed response function is a new deploy plus an invalidation (the cached responses it
made are gone), and a broken edit (a syntax error the build cannot see) keeps the previous
version serving and says why, as the README promises."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from edgeform.cli import cli
from edgeform.emulator.chain import HIT, MISS
from tests.emulator_helpers import ServerThread

EDITS = {
    "python": (
        "functions/security_headers/app.py",
        "    return response\n",
        '    headers["x-edited"] = [{"key": "X-Edited", "value": "yes"}]\n    return response\n',
        "    return response\n",
        "    return response)\n",
    ),
    "node": (
        "functions/security_headers/index.mjs",
        "  return response;\n",
        '  response.headers["x-edited"] = [{ key: "X-Edited", value: "yes" }];\n'
        "  return response;\n",
        "  return response;\n",
        "  return response;;)\n",
    ),
}


@pytest.mark.parametrize("runtime", sorted(EDITS))
def test_a_response_function_edit_invalidates_and_a_broken_one_keeps_serving(tmp_path, runtime):
    folder = tmp_path / f"demo-{runtime}"
    made = CliRunner().invoke(
        cli, ["init", str(folder), "--template", "demo", "--runtime", runtime]
    )
    assert made.exit_code == 0, made.output
    path, old, new, good, broken = EDITS[runtime]
    source = folder / path
    edge = ServerThread(folder).start()
    try:
        first = edge.request("/script.js")
        assert (first.status, first.header("x-edited")) == (200, None)
        assert edge.request("/script.js").header("x-cache") == HIT

        source.write_text(source.read_text().replace(old, new))
        edge.after_check_interval()
        edited = edge.request("/script.js")
        assert (edited.header("x-cache"), edited.header("x-edited")) == (MISS, "yes")

        source.write_text(source.read_text().replace(good, broken))
        edge.after_check_interval()
        kept = edge.request("/script.js")
        assert (kept.status, kept.header("x-edited")) == (200, "yes")  # the previous version
        failed = [line for line in edge.logs if "reload failed" in line]
        assert failed, edge.logs
        assert "security-headers" in failed[-1]
        assert "SyntaxError" in failed[-1]
        assert edge.request("/index.html").status != 503

        source.write_text(source.read_text().replace(broken, good).replace('"yes"', '"again"'))
        edge.after_check_interval()
        assert edge.request("/script.js").header("x-edited") == "again"
    finally:
        edge.stop()
