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


def viewer_request(uri: str, querystring: str = "") -> dict:
    request = {"uri": uri, "querystring": querystring, "method": "GET", "headers": {}}
    return {"Records": [{"cf": {"config": {"eventType": "viewer-request"}, "request": request}}]}


class Rewrite(unittest.TestCase):
    app = load("rewrite")

    def test_pretty_urls_serve_the_files(self):
        for uri, file in [
            ("/", "/index.html"),
            ("/about/", "/about/index.html"),
            ("/docs/getting-started", "/docs/getting-started.html"),
            ("/script.js", "/script.js"),
        ]:
            self.assertEqual(self.app.handler(viewer_request(uri), None)["uri"], file)

    def test_a_redirect_from_the_table_keeps_the_query_string(self):
        answer = self.app.handler(viewer_request("/old-about", "ref=mail"), None)
        self.assertEqual(answer["status"], "301")
        self.assertEqual(answer["headers"]["location"][0]["value"], "/about/?ref=mail")


class Headers(unittest.TestCase):
    app = load("headers")

    def test_security_headers_added_and_the_origins_removed(self):
        response = {
            "status": "200",
            "headers": {
                "x-amz-meta-owner": [{"key": "x-amz-meta-owner", "value": "ci"}],
                "content-type": [{"key": "Content-Type", "value": "text/html"}],
            },
        }
        event = {"Records": [{"cf": {"request": {"uri": "/"}, "response": response}}]}
        headers = self.app.handler(event, None)["headers"]
        self.assertNotIn("x-amz-meta-owner", headers)
        self.assertEqual(headers["x-content-type-options"][0]["value"], "nosniff")
        self.assertIn("content-type", headers)


if __name__ == "__main__":
    unittest.main()
