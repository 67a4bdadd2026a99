"""The function on the events CloudFront sends it: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import unittest
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[1] / "functions"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
IPAD = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
ANDROID_TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Safari/537.36"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


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

    def test_the_user_agent_picks_the_objects(self):
        for agent, served in [
            (IPHONE, "/mobile/index.html"),
            (IPAD, "/tablet/index.html"),
            (ANDROID_TABLET, "/tablet/index.html"),
            (DESKTOP, "/desktop/index.html"),
        ]:
            answer = self.app.handler(event("/index.html", {"User-Agent": agent}), None)
            self.assertEqual(answer["uri"], served, agent)

    def test_cloudfronts_headers_win_when_present(self):
        headers = {"User-Agent": DESKTOP, "CloudFront-Is-Mobile-Viewer": "true"}
        self.assertEqual(self.app.handler(event("/a.css", headers), None)["uri"], "/mobile/a.css")

    def test_a_device_path_is_left_as_it_is(self):
        answer = self.app.handler(event("/tablet/index.html", {"User-Agent": IPHONE}), None)
        self.assertEqual(answer["uri"], "/tablet/index.html")


if __name__ == "__main__":
    unittest.main()
