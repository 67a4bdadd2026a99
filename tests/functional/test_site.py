"""The site as uploaded: its files plus the generated config script."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from edgeform.build.site import CONFIG_SCRIPT, site_files
from edgeform.errors import BuildError


def test_demo_site_files_and_config_script(demo):
    files = {f.key: f.data for f in site_files(demo.site_dir, demo.build_config)}
    assert sorted(files) == ["404.html", CONFIG_SCRIPT, "index.html", "other.html", "script.js"]
    assert b'"api_origin": "https://api.github.com"' in files[CONFIG_SCRIPT]


def test_config_script_runs_in_node_and_sets_the_values(demo, tmp_path):
    values = {"api_origin": "https://api.example.test", "weird": "</script><b>"}
    [config] = [f for f in site_files(demo.site_dir, values) if f.key == CONFIG_SCRIPT]
    assert b"</script>" not in config.data
    script = tmp_path / "c.js"
    script.write_bytes(config.data)
    out = subprocess.run(
        [
            "node",
            "-e",
            f"global.window = {{}}; require({str(script)!r}); "
            "console.log(JSON.stringify(window.EDGEFORM_CONFIG))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == values


def test_pages_have_no_inline_script(demo):
    for page in ("index.html", "other.html"):
        html = (demo.site_dir / page).read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert not re.search(r"\son[a-z]+\s*=", html), page  # no onclick= handlers either


def test_api_origin_is_written_only_in_edgeform_toml(demo):
    roots = [demo.site_dir, *(f.source for f in demo.functions.values())]
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                assert "api.github.com" not in path.read_text(errors="replace"), path


def test_clash_with_the_generated_script(demo):
    (demo.site_dir / CONFIG_SCRIPT).write_text("x")
    with pytest.raises(BuildError, match="clashes"):
        site_files(demo.site_dir, {})


def test_link_out_of_the_site_is_refused(demo, tmp_path):
    (tmp_path / "outside.txt").write_text("secret")
    (demo.site_dir / "leak.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(BuildError, match="outside"):
        site_files(demo.site_dir, {})
