"""The functions on the events CloudFront sends them: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import json
import tempfile
import unittest
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
DOMAIN = "d123example.cloudfront.net"


def load(folder: str):
    spec = importlib.util.spec_from_file_location(f"{folder}_app", FUNCTIONS / folder / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event(request: dict, response: dict | None = None) -> dict:
    cf = {"config": {"distributionDomainName": DOMAIN}, "request": request}
    if response is not None:
        cf["response"] = response
    return {"Records": [{"cf": cf}]}


class Redirect(unittest.TestCase):
    app = load("redirect")

    def test_the_forms_submission_goes_to_other_html_with_its_query(self):
        referer = [{"key": "Referer", "value": f"https://{DOMAIN}/index.html"}]
        request = {"uri": "/index.html", "querystring": "username=octocat",
                   "headers": {"referer": referer}}  # fmt: skip
        answer = self.app.handler(event(request), None)
        self.assertEqual(answer["status"], "302")
        location = answer["headers"]["location"][0]["value"]
        self.assertEqual(location, f"//{DOMAIN}/other.html?username=octocat")

    def test_other_requests_pass_through(self):
        request = {"uri": "/other.html", "querystring": "", "headers": {}}
        self.assertIs(self.app.handler(event(request), None), request)


class SecurityHeaders(unittest.TestCase):
    def test_the_policy_names_the_distribution_and_the_api(self):
        app = load("security_headers")
        # edgeform bakes edgeform_config.json into the bundle; here, a stand-in.
        config = Path(tempfile.mkdtemp()) / "edgeform_config.json"
        config.write_text(json.dumps({"api_origin": "https://api.github.com"}))
        app.CONFIG_FILE = config
        response = app.handler(event({"uri": "/"}, {"status": "200", "headers": {}}), None)
        csp = response["headers"]["content-security-policy"][0]["value"]
        self.assertIn(f"script-src 'self' https://{DOMAIN}", csp)
        self.assertIn("connect-src https://api.github.com", csp)


if __name__ == "__main__":
    unittest.main()
