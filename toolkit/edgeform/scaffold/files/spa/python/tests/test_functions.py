"""The functions on the events CloudFront sends them: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import unittest
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_app", FUNCTIONS / name / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event(uri: str, status: str | None = None) -> dict:
    cf = {"request": {"uri": uri, "querystring": "", "method": "GET", "headers": {}}}
    if status is not None:
        cf["response"] = {"status": status, "headers": {}}
    return {"Records": [{"cf": cf}]}


class Fallback(unittest.TestCase):
    app = load("fallback")

    def test_routes_get_the_page_and_files_pass(self):
        for uri, served in [
            ("/", "/index.html"),
            ("/settings/profile", "/index.html"),
            ("/assets/app.7c2e9f1b.js", "/assets/app.7c2e9f1b.js"),
            ("/favicon.ico", "/favicon.ico"),
        ]:
            self.assertEqual(self.app.handler(event(uri), None)["uri"], served)


class Headers(unittest.TestCase):
    app = load("headers")

    def test_hashed_assets_are_cached_for_a_year(self):
        headers = self.app.handler(event("/assets/app.7c2e9f1b.js", "200"), None)["headers"]
        self.assertEqual(headers["cache-control"][0]["value"], self.app.YEAR)
        self.assertIn("content-security-policy", headers)

    def test_the_page_keeps_its_own_caching(self):
        headers = self.app.handler(event("/index.html", "200"), None)["headers"]
        self.assertNotIn("cache-control", headers)
        self.assertEqual(headers["x-content-type-options"][0]["value"], "nosniff")


if __name__ == "__main__":
    unittest.main()
