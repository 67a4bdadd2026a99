"""The function on the events CloudFront sends it: `python3 -m unittest` (run by make test)."""

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


def event(uri: str, country: str | None) -> dict:
    headers = {}
    if country is not None:  # what CloudFront adds when the cache policy names the header
        headers["cloudfront-viewer-country"] = [
            {"key": "CloudFront-Viewer-Country", "value": country}
        ]
    request = {"uri": uri, "method": "GET", "headers": headers}
    return {"Records": [{"cf": {"request": request}}]}


class Geo(unittest.TestCase):
    app = load("geo")

    def test_the_root_redirects_by_country(self):
        for country, location in [
            ("DE", "/de/"),
            ("AT", "/de/"),
            ("FR", "/fr/"),
            ("US", "/en/"),
            (None, "/en/"),
        ]:
            answer = self.app.handler(event("/index.html", country), None)
            self.assertEqual(answer["status"], "302")
            self.assertEqual(answer["headers"]["location"][0]["value"], location, country)

    def test_a_folder_gets_its_page_and_the_rest_passes(self):
        self.assertEqual(self.app.handler(event("/de/", "FR"), None)["uri"], "/de/index.html")
        self.assertEqual(
            self.app.handler(event("/en/index.html", "DE"), None)["uri"], "/en/index.html"
        )


if __name__ == "__main__":
    unittest.main()
