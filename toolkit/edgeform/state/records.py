"""The record edgeform keeps beside each stage's state: `stage.json`.

Terraform's state says what exists; the record says what a person or a pipeline asks about a
stage: its name as given (a branch name, before it became a slug), its URL, when it was last
deployed, when it expires. Written after every apply that succeeds, deleted by destroy.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Final

RECORD_VERSION: Final = 1


@dataclass(frozen=True)
class StageRecord:
    project: str
    target: str
    name: str
    slug: str
    url: str | None
    deployed_at: datetime
    expires_at: datetime | None
    distribution_id: str | None = None
    bucket: str | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def as_json(self) -> dict[str, Any]:
        fields = asdict(self)
        fields["deployed_at"] = _iso(self.deployed_at)
        fields["expires_at"] = _iso(self.expires_at) if self.expires_at else None
        return fields

    def encode(self) -> bytes:
        return json.dumps({"version": RECORD_VERSION, **self.as_json()}, indent=2).encode()


def decode_record(data: bytes) -> StageRecord | None:
    """The record, or None for one this edgeform cannot read (never an exception: a broken
    record must not stop `stages` from listing the others)."""
    try:
        raw = json.loads(data)
        expires = raw.get("expires_at")
        return StageRecord(
            project=str(raw["project"]),
            target=str(raw["target"]),
            name=str(raw["name"]),
            slug=str(raw["slug"]),
            url=raw.get("url"),
            deployed_at=_parse(raw["deployed_at"]),
            expires_at=_parse(expires) if expires else None,
            distribution_id=raw.get("distribution_id"),
            bucket=raw.get("bucket"),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def utc(seconds: float) -> datetime:
    """A Clock's `now()` (seconds since the epoch) as an aware UTC datetime."""
    return datetime.fromtimestamp(int(seconds), UTC)
