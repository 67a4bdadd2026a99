"""Terraform's state lock information, from its error text or from the S3 lock file.

When a lock is held, Terraform prints the holder's Lock Info (ID, Path, Operation, Who,
Version, Created) in its error; the S3 backend's lock file holds the same fields as JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

_CREATED_RE: Final = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)")
_FIELD_RE: Final = re.compile(r"^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*?)\s*$")


@dataclass(frozen=True)
class LockInfo:
    id: str
    who: str
    operation: str
    created: str
    path: str = ""

    def describe(self) -> str:
        what = self.operation.removeprefix("OperationType").lower() or "a run"
        return f"{self.who or 'someone'} ({what}, since {self.since})"

    @property
    def since(self) -> str:
        """When the lock was taken, to the second ("2026-11-23 15:10:54 UTC")."""
        match = _CREATED_RE.match(self.created)
        return f"{match.group(1)} UTC" if match else (self.created or "an unknown time")


def lock_from_terraform_error(text: str) -> LockInfo | None:
    """The holder named in Terraform's "Error acquiring the state lock" message, if any."""
    if "Lock Info:" not in text:
        return None
    fields: dict[str, str] = {}
    for line in text.split("Lock Info:", 1)[1].splitlines():
        match = _FIELD_RE.match(line)
        if match:
            fields.setdefault(match.group(1), match.group(2))
    if not fields.get("ID"):
        return None
    return _info(fields)


def lock_from_file(data: bytes) -> LockInfo | None:
    """The holder recorded in an S3 lock file (`<state key>.tflock`)."""
    try:
        fields = json.loads(data)
    except ValueError:
        return None
    if not isinstance(fields, dict) or not fields.get("ID"):
        return None
    return _info({k: str(v) for k, v in fields.items()})


def _info(fields: dict[str, str]) -> LockInfo:
    return LockInfo(
        id=fields["ID"],
        who=fields.get("Who", ""),
        operation=fields.get("Operation", ""),
        created=fields.get("Created", ""),
        path=fields.get("Path", ""),
    )
