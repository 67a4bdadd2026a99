"""Functions a destroy left pending deletion, because CloudFront still had replicas of them.

A Lambda@Edge function cannot be deleted until CloudFront removes its replicas, hours after
its distribution stops using it. `destroy` does not wait: it takes the function out of the
stage's state and leaves this record beside the state (where every runner finds it), plus a
tag on the function; `gc` deletes the function once AWS allows it, then the record.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Final

PENDING_FOLDER: Final = "_pending"  # beside the stage folders; a slug never starts with "_"


@dataclass(frozen=True)
class PendingFunction:
    function: str  # the Lambda function's name
    stage: str  # the stage's name, as given
    slug: str
    marked_at: str  # ISO 8601 UTC

    def encode(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode()

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def decode_pending(data: bytes) -> PendingFunction | None:
    try:
        raw = json.loads(data)
        return PendingFunction(
            str(raw["function"]), str(raw["stage"]), str(raw["slug"]), str(raw["marked_at"])
        )
    except (ValueError, KeyError, TypeError):
        return None
