"""The functions on the events CloudFront sends them: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import json
import tempfile
import unittest
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def load(name: str, share_b: int):
    spec = importlib.util.spec_from_file_location(f"{name}_app", FUNCTIONS / name / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # edgeform bakes edgeform_config.json into the bundle; here, a stand-in with the share.
    config = Path(tempfile.mkdtemp()) / "edgeform_config.json"
    config.write_text(json.dumps({"ab_share_b": share_b}))
    module.CONFIG_FILE = config
    return module


def event(uri: str, cookie: str | None = None, agent: str = "test", response=None) -> dict:
    headers = {"user-agent": [{"key": "User-Agent", "value": agent}]}
    if cookie is not None:
        headers["cookie"] = [{"key": "Cookie", "value": cookie}]
    request = {"uri": uri, "clientIp": "203.0.113.9", "method": "GET", "headers": headers}
    cf = {"request": request, **({"response": response} if response else {})}
    return {"Records": [{"cf": cf}]}


class Choose(unittest.TestCase):
    def test_the_cookie_decides(self):
        app = load("ab", 50)
        for uri, cookie, served in [
            ("/", "ab-variant=b", "/b/index.html"),
            ("/index.html", "ab-variant=a", "/a/index.html"),
            ("/other.css", "ab-variant=b", "/other.css"),
        ]:
            self.assertEqual(app.choose(event(uri, cookie), None)["uri"], served)

    def test_the_share_decides_for_a_new_viewer(self):
        self.assertEqual(load("ab", 0).choose(event("/"), None)["uri"], "/a/index.html")
        self.assertEqual(load("ab", 100).choose(event("/"), None)["uri"], "/b/index.html")

    def test_about_half_get_b_at_50(self):
        app = load("ab", 50)
        got_b = sum(
            app.choose(event("/", agent=f"agent {n}"), None)["uri"] == "/b/index.html"
            for n in range(1000)
        )
        self.assertTrue(400 < got_b < 600, got_b)


class Remember(unittest.TestCase):
    def test_a_new_viewer_gets_the_cookie_of_the_variant_chosen(self):
        app = load("ab", 100)
        response = app.remember(event("/", response={"status": "200", "headers": {}}), None)
        self.assertTrue(response["headers"]["set-cookie"][0]["value"].startswith("ab-variant=b;"))

    def test_a_known_viewer_gets_no_new_cookie(self):
        app = load("ab", 100)
        answered = event("/", "ab-variant=a", response={"status": "200", "headers": {}})
        self.assertNotIn("set-cookie", app.remember(answered, None)["headers"])


if __name__ == "__main__":
    unittest.main()
