"""The function on the events CloudFront sends it: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import unittest
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
# What CloudFront adds when the cache policy names its device headers, for three viewers.
PHONE = {
    "CloudFront-Is-Mobile-Viewer": "true",
    "CloudFront-Is-Tablet-Viewer": "false",
    "CloudFront-Is-Desktop-Viewer": "false",
}
TABLET = {
    "CloudFront-Is-Mobile-Viewer": "false",
    "CloudFront-Is-Tablet-Viewer": "true",
    "CloudFront-Is-Desktop-Viewer": "false",
}
DESKTOP = {
    "CloudFront-Is-Mobile-Viewer": "false",
    "CloudFront-Is-Tablet-Viewer": "false",
    "CloudFront-Is-Desktop-Viewer": "true",
}


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_app", FUNCTIONS / name / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event(uri: str, headers: dict[str, str]) -> dict:
    request = {
        "uri": uri,
        "method": "GET",
        "headers": {k.lower(): [{"key": k, "value": v}] for k, v in headers.items()},
    }
    return {"Records": [{"cf": {"request": request}}]}


class Device(unittest.TestCase):
    app = load("device")

    def test_cloudfronts_device_headers_pick_the_objects(self):
        for headers, served in [
            (PHONE, "/mobile/index.html"),
            (TABLET, "/tablet/index.html"),
            (DESKTOP, "/desktop/index.html"),
            ({}, "/desktop/index.html"),  # no headers: the policy lost them; the desktop's
        ]:
            answer = self.app.handler(event("/index.html", headers), None)
            self.assertEqual(answer["uri"], served, headers)

    def test_a_folder_gets_its_page(self):
        self.assertEqual(
            self.app.handler(event("/docs/", PHONE), None)["uri"], "/mobile/docs/index.html"
        )

    def test_a_device_path_is_left_as_it_is(self):
        answer = self.app.handler(event("/tablet/index.html", PHONE), None)
        self.assertEqual(answer["uri"], "/tablet/index.html")


if __name__ == "__main__":
    unittest.main()
