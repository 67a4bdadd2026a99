"""Upload the site to its bucket: only what changed, judged by content, never by file time.

A fresh CI checkout gives every file a new mtime, so times say nothing; the object's ETag (the
MD5 of its bytes for a single-part upload, SSE-S3 included) is compared with the file's MD5.
Uploads run in parallel. Objects no longer in the site are deleted. The changed keys are
returned, for the invalidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Final

from edgeform.aws.boundary import GuardedClient
from edgeform.build.site import SiteFile
from edgeform.errors import AwsError

WORKERS: Final = 8

Tick = Callable[[str], None]
# Given the number of uploads, a context in which each finished upload is ticked (the
# console's progress bar on a terminal, quiet lines elsewhere).
Progress = Callable[[int], AbstractContextManager[Tick]]


@dataclass(frozen=True)
class SyncResult:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(sorted((*self.uploaded, *self.deleted)))


def remote_etags(s3: GuardedClient, bucket: str) -> dict[str, str]:
    etags: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            etags[item["Key"]] = item["ETag"].strip('"')
    return etags


def plan_sync(
    files: Sequence[SiteFile], remote: dict[str, str]
) -> tuple[list[SiteFile], list[str]]:
    """Pure: which files to upload and which keys to delete."""
    local = {f.key for f in files}
    uploads = [f for f in files if remote.get(f.key) != hashlib.md5(f.data).hexdigest()]
    deletes = sorted(key for key in remote if key not in local)
    return uploads, deletes


def sync_site(
    s3: GuardedClient, bucket: str, files: Sequence[SiteFile], progress: Progress | None = None
) -> SyncResult:
    uploads, deletes = plan_sync(files, remote_etags(s3, bucket))
    _upload_all(s3, bucket, uploads, progress)
    _delete_all(s3, bucket, deletes)
    return SyncResult(tuple(f.key for f in uploads), tuple(deletes), len(files) - len(uploads))


def _upload_all(
    s3: GuardedClient, bucket: str, uploads: Sequence[SiteFile], progress: Progress | None
) -> None:
    def upload(item: SiteFile) -> str:
        s3.put_object(
            Bucket=bucket,
            Key=item.key,
            Body=item.data,
            ContentType=item.content_type,
            CacheControl=item.cache_control,
        )
        return item.key

    ticking = progress(len(uploads)) if progress else nullcontext(_no_tick)
    with ticking as tick, ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for key in pool.map(upload, uploads):
            tick(key)


def _no_tick(_key: str) -> None:
    return None


def _delete_all(s3: GuardedClient, bucket: str, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), 1000):  # DeleteObjects takes 1000 keys a call
        batch = keys[start : start + 1000]
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
        )


def empty_bucket(s3: GuardedClient, bucket: str) -> int:
    keys = sorted(remote_etags(s3, bucket))
    _delete_all(s3, bucket, keys)
    return len(keys)


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    content_type: str
    cache_control: str | None
    etag: str
    last_modified: float  # seconds since the epoch


def get_object(s3: GuardedClient, bucket: str, key: str) -> StoredObject | None:
    """The object, or None where S3 answers CloudFront's OAC with 404 or 403 (no such key)."""
    try:
        got = s3.get_object(Bucket=bucket, Key=key)
    except AwsError as exc:
        if exc.code in ("NoSuchKey", "AccessDenied", "403", "404"):
            return None
        raise
    return StoredObject(
        got["Body"].read(),
        got.get("ContentType", "binary/octet-stream"),
        got.get("CacheControl"),
        got.get("ETag", '""').strip('"'),
        got["LastModified"].timestamp(),
    )


def put_if_absent(s3: GuardedClient, bucket: str, key: str, data: bytes) -> bool:
    """Create the object only if no object has the key (S3's conditional write,
    `If-None-Match: *`, as Terraform's S3 lock file is made); False when one exists."""
    try:
        s3.put_object(
            Bucket=bucket, Key=key, Body=data, IfNoneMatch="*", ContentType="application/json"
        )
    except AwsError as exc:
        if exc.code in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
            return False
        raise
    return True


def delete_key(s3: GuardedClient, bucket: str, key: str) -> None:
    s3.delete_object(Bucket=bucket, Key=key)


def list_keys(s3: GuardedClient, bucket: str, prefix: str) -> list[str]:
    """Every key under `prefix`, in S3's (lexicographic) order."""
    paginator = s3.get_paginator("list_objects_v2")
    return [
        str(item["Key"])
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]


def put_json(s3: GuardedClient, bucket: str, key: str, data: bytes) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/json")
