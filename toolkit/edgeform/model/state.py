"""Where a stage's Terraform state lives, and the keys of everything kept beside it.

Without a state bucket, a stage's state is a local file in its folder under `.edgeform/`. With
one (`[targets.<name>.state]`), every stage of the project on that target keeps its state in
the bucket, locked with Terraform's S3 lock file, and edgeform keeps a record of the stage
beside it (`stage.json`: name, URL, last deploy, expiry), so that any runner can list, read,
redeploy or destroy the stage with nothing but the bucket:

    s3://<bucket>/<key_prefix>/<project>/<target>/<stage slug>/terraform.tfstate
                                                                terraform.tfstate.tflock
                                                                stage.json
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

STATE_FILE: Final = "terraform.tfstate"
LOCK_SUFFIX: Final = ".tflock"  # Terraform's S3 lock file: the state key plus this
DEFAULT_LOCK_TIMEOUT: Final = "5m"  # how long Terraform waits for another run's lock
RECORD_FILE: Final = "stage.json"
DEFAULT_KEY_PREFIX: Final = "edgeform"
# The tag that carries a stage's expiry on its resources (set by edgeform, ignored by Terraform).
EXPIRY_TAG: Final = "edgeform:expires"
# The tag on a function a destroy left for `gc` (its replicas outlived the stage).
PENDING_TAG: Final = "edgeform:pending-deletion"
# S3 bucket names: 3-63 lower-case letters, digits, dots and hyphens, a letter or digit at each end.
BUCKET_RE: Final = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# What AWS reserves beyond the characters ("General purpose bucket naming rules", Amazon S3
# User Guide): prefixes and suffixes of its own features, and names formatted as IP addresses.
RESERVED_BUCKET_PREFIXES: Final = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES: Final = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
IP_ADDRESS_RE: Final = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
# A key prefix: segments of safe characters (no `*`, no control characters), joined by single
# slashes, none of them `.` or `..`, no slash at either end.
KEY_PREFIX_RE: Final = re.compile(r"^[A-Za-z0-9!_.'()-]+(/[A-Za-z0-9!_.'()-]+)*$")


def bucket_name_problem(name: str) -> str | None:
    """Why AWS would refuse `name` for a general purpose bucket, or None."""
    if not BUCKET_RE.match(name):
        return "not 3-63 lower-case letters, digits, dots and hyphens, letter or digit at each end"
    if ".." in name:
        return "it has two dots in a row"
    if IP_ADDRESS_RE.match(name):
        return "it is formatted as an IP address"
    for prefix in RESERVED_BUCKET_PREFIXES:
        if name.startswith(prefix):
            return f"names starting with {prefix!r} are reserved by AWS"
    for suffix in RESERVED_BUCKET_SUFFIXES:
        if name.endswith(suffix):
            return f"names ending with {suffix!r} are reserved by AWS"
    return None


def key_prefix_problem(prefix: str) -> str | None:
    """Why `prefix` cannot hold the project's states, or None."""
    if not KEY_PREFIX_RE.match(prefix):
        return "use letters, digits and !_.'()- in segments joined by single slashes"
    if any(segment in (".", "..") for segment in prefix.split("/")):
        return "a segment is . or .., which walks out of the prefix"
    return None


@dataclass(frozen=True)
class StateBucket:
    """`[targets.<name>.state]`: the shared bucket that holds the target's stage states."""

    bucket: str
    region: str
    key_prefix: str = DEFAULT_KEY_PREFIX

    def target_prefix(self, project: str, target: str) -> str:
        """The folder that holds every stage of `project` on `target` (ends with a slash)."""
        return f"{self.key_prefix}/{project}/{target}/"

    def stage_prefix(self, project: str, target: str, stage_slug: str) -> str:
        return f"{self.target_prefix(project, target)}{stage_slug}/"

    def state_key(self, project: str, target: str, stage_slug: str) -> str:
        return self.stage_prefix(project, target, stage_slug) + STATE_FILE

    def record_key(self, project: str, target: str, stage_slug: str) -> str:
        return self.stage_prefix(project, target, stage_slug) + RECORD_FILE


_DURATION_RE: Final = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_TTL_SECONDS: Final = 366 * 86400
NEVER_EXPIRES: Final = 0  # `--ttl never`: clear a stage's recorded expiry


def parse_duration(text: str) -> int:
    """ "7d", "12h", "30m", "90s", "2w" -> seconds; ValueError with what to write otherwise."""
    match = _DURATION_RE.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration: write a number and s, m, h, d or w, e.g. 7d")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds > MAX_TTL_SECONDS:
        raise ValueError(
            f"{text!r} is longer than a year: a preview that lives that long is a stage"
        )
    return seconds


_LOCK_TIMEOUT_RE: Final = re.compile(r"^(\d+)(s|m|h)$")


def lock_timeout_seconds(text: str) -> float:
    """A `--lock-timeout` ("0s", "30s", "5m", "1h", Terraform's form) in seconds."""
    match = _LOCK_TIMEOUT_RE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration: write e.g. 30s, 5m or 1h")
    return float(int(match.group(1)) * _UNIT_SECONDS[match.group(2)])
