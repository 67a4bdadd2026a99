"""The function on the events CloudFront sends it: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import json
import unittest
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_app", FUNCTIONS / name / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event(uri: str, querystring: str = "") -> dict:
    request = {"uri": uri, "querystring": querystring, "method": "GET", "headers": {}}
    return {"Records": [{"cf": {"request": request}}]}


class Generate(unittest.TestCase):
    app = load("generate")

    def test_a_page_with_the_name_escaped(self):
        answer = self.app.handler(event("/hello", "name=%3Cb%3E"), None)
        self.assertEqual(answer["status"], "200")
        self.assertIn("Hello, &lt;b&gt;!", answer["body"])

    def test_a_json_answer(self):
        answer = self.app.handler(event("/api/squares", "count=4"), None)
        self.assertEqual(json.loads(answer["body"]), {"squares": [0, 1, 4, 9]})

    def test_an_answer_over_the_limit_is_a_413_not_a_502(self):
        answer = self.app.handler(event("/api/squares", "count=50000"), None)
        self.assertEqual(answer["status"], "413")
        self.assertLessEqual(len(answer["body"].encode()), self.app.BODY_LIMIT)

    def test_other_requests_go_on_to_the_origin(self):
        self.assertEqual(self.app.handler(event("/index.html"), None)["uri"], "/index.html")


if __name__ == "__main__":
    unittest.main()
