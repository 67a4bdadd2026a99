"""A stage lock's information: Terraform's Lock Info, and the holder edgeform records in it.

When a lock is held, Terraform prints the holder's Lock Info (ID, Path, Operation, Who,
Version, Created, Info) in its error; the S3 backend's lock file holds the same fields as JSON.
edgeform writes that same file itself (so Terraform, OpenTofu and older edgeforms respect it)
and puts its `Holder` in the free-form `Info` field: host, pid, the process's start and the
command, so that a run on the same host can tell a holder that died from one that works.
"""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import dataclass
from typing import Any, Final

from edgeform.processes import process_start, same_process_alive

_CREATED_RE: Final = re.compile(r"^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)")
_FIELD_RE: Final = re.compile(r"^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Holder:
    """Who holds a lock edgeform took: host, pid and the process's start, the command."""

    host: str
    pid: int
    started: str
    command: str

    @classmethod
    def me(cls, command: str) -> Holder:
        pid = os.getpid()
        return cls(socket.gethostname(), pid, process_start(pid), command)

    def on_this_host(self) -> bool:
        return self.host == socket.gethostname()

    def dead_here(self) -> bool:
        """Known dead: it ran on this host, and its process has ended."""
        return self.on_this_host() and not same_process_alive(self.pid, self.started)

    def as_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "pid": self.pid,
            "started": self.started,
            "command": self.command,
        }

    @classmethod
    def from_text(cls, text: str) -> Holder | None:
        try:
            fields = json.loads(text)
            return cls(
                str(fields["host"]),
                int(fields["pid"]),
                str(fields.get("started", "")),
                str(fields.get("command", "")),
            )
        except (ValueError, TypeError, KeyError):
            return None  # Terraform's own lock, or another tool's: no holder to check


@dataclass(frozen=True)
class LockInfo:
    id: str
    who: str
    operation: str
    created: str
    path: str = ""
    holder: Holder | None = None  # set when edgeform took the lock

    def describe(self) -> str:
        if self.holder is not None:
            h = self.holder
            return f"{h.command or 'edgeform'} on {h.host} (pid {h.pid}, since {self.since})"
        what = self.operation.removeprefix("OperationType").lower() or "a run"
        return f"{self.who or 'someone'} ({what}, since {self.since})"

    def encode(self) -> bytes:
        """Terraform's Lock Info JSON, as its S3 backend writes the lock file."""
        return json.dumps(
            {
                "ID": self.id,
                "Operation": self.operation,
                "Info": json.dumps(self.holder.as_json()) if self.holder else "",
                "Who": self.who,
                "Version": "edgeform",
                "Created": self.created,
                "Path": self.path,
            }
        ).encode()

    @property
    def since(self) -> str:
        """When the lock was taken, to the second ("2026-11-23 15:10:54 UTC")."""
        match = _CREATED_RE.match(self.created)
        if not match:
            return self.created or "an unknown time"
        return f"{match.group(1).replace('T', ' ')} UTC"


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
        holder=Holder.from_text(fields.get("Info", "")),
    )
