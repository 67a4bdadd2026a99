"""The function on the events CloudFront sends it: `python3 -m unittest` (run by make test)."""

from __future__ import annotations

import importlib.util
import tempfile
import time
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KEY = b"0123456789abcdef" * 4
sign = load(ROOT / "tools" / "sign.py", "sign").token
auth = load(ROOT / "functions" / "auth" / "app.py", "auth_app")
key_file = Path(tempfile.mkdtemp()) / "signing.key"  # a stand-in for the built-in key
key_file.write_bytes(KEY)
auth.KEY_FILE = key_file


def event(uri: str, **headers: str) -> dict:
    request = {
        "uri": uri,
        "querystring": "",
        "method": "GET",
        "headers": {k.lower(): [{"key": k, "value": v}] for k, v in headers.items()},
    }
    return {"Records": [{"cf": {"request": request}}]}


class Auth(unittest.TestCase):
    def test_a_valid_cookie_or_bearer_token_passes(self):
        token = sign("alice", 1, KEY, time.time())
        self.assertEqual(auth.handler(event("/", Cookie=f"session={token}"), None)["uri"], "/")
        bearer = event("/api.json", Authorization=f"Bearer {token}")
        self.assertEqual(auth.handler(bearer, None)["uri"], "/api.json")

    def test_no_token_is_sent_to_the_login_page(self):
        answer = auth.handler(event("/members/page.html"), None)
        self.assertEqual(answer["status"], "302")
        location = answer["headers"]["location"][0]["value"]
        self.assertEqual(location, "/login.html?next=%2Fmembers%2Fpage.html")

    def test_expired_forged_or_wrongly_keyed_tokens_are_refused(self):
        now = time.time()
        _, expires, mac = sign("alice", 1, KEY, now).split(".")
        for token in (
            sign("alice", -1, KEY, now),  # expired
            sign("alice", 1, b"another key", now),
            f"mallory.{expires}.{mac}",  # another user with alice's signature
        ):
            answer = auth.handler(event("/", Authorization=f"Bearer {token}"), None)
            self.assertEqual(answer["status"], "401", token)

    def test_the_login_page_is_public(self):
        self.assertEqual(auth.handler(event("/login.html"), None)["uri"], "/login.html")


if __name__ == "__main__":
    unittest.main()
