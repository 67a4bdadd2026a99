"""Print a token for USER valid for HOURS, signed with functions/auth/signing.key.

    python3 tools/sign.py USER [HOURS]        (make token USER=alice)

Your identity service does this in production, with the same key and format.
"""

from __future__ import annotations

import hashlib
import hmac
import sys
import time
from pathlib import Path

KEY_FILE = Path(__file__).resolve().parents[1] / "functions" / "auth" / "signing.key"


def token(user: str, hours: float, key: bytes, now: float) -> str:
    expires = int(now + hours * 3600)
    mac = hmac.new(key, f"{user}.{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{user}.{expires}.{mac}"


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    key = KEY_FILE.read_text(encoding="utf-8").strip().encode()
    print(token(sys.argv[1], float(sys.argv[2]) if len(sys.argv) == 3 else 12, key, time.time()))
