"""Upload the site to its bucket: only what changed, judged by content, never by file time.

A fresh CI checkout gives every file a new mtime, so times say nothing; the object's ETag (the
MD5 of its bytes for a single-part upload, SSE-S3 included) is compared with the file's MD5.
Uploads run in parallel. Objects no longer in the site are deleted. The changed keys are
returned, for the invalidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from toolkit.errors import EdgeformError
from toolkit.site import SiteFile

# HTML must revalidate so a deploy shows at once; other assets may sit in caches a while.
HTML_CACHE_CONTROL: Final = "no-cache"
ASSET_CACHE_CONTROL: Final = "public, max-age=3600"
CONTENT_TYPES: Final = {
    "html": "text/html; charset=utf-8",
    "htm": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "svg": "image/svg+xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "ico": "image/x-icon",
    "txt": "text/plain; charset=utf-8",
    "xml": "application/xml",
    "woff2": "font/woff2",
    "woff": "font/woff",
    "map": "application/json",
    "wasm": "application/wasm",
    "pdf": "application/pdf",
}
WORKERS: Final = 8

Progress = Callable[[str], None]


class SyncError(EdgeformError):
    """The site could not be uploaded."""


@dataclass(frozen=True)
class SyncResult:
    uploaded: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: int

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(sorted((*self.uploaded, *self.deleted)))


def content_type(key: str) -> str:
    extension = key.rsplit(".", 1)[-1].lower() if "." in key else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def cache_control(key: str) -> str:
    return HTML_CACHE_CONTROL if content_type(key).startswith("text/html") else ASSET_CACHE_CONTROL


def remote_etags(s3: Any, bucket: str) -> dict[str, str]:
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
    s3: Any, bucket: str, files: Sequence[SiteFile], progress: Progress | None = None
) -> SyncResult:
    try:
        uploads, deletes = plan_sync(files, remote_etags(s3, bucket))
        _upload_all(s3, bucket, uploads, progress)
        _delete_all(s3, bucket, deletes)
    except (ClientError, BotoCoreError) as exc:
        raise SyncError(
            f"uploading the site to s3://{bucket} failed: {exc}",
            "run the deploy again: unchanged files are skipped",
        ) from None
    return SyncResult(tuple(f.key for f in uploads), tuple(deletes), len(files) - len(uploads))


def _upload_all(
    s3: Any, bucket: str, uploads: Iterable[SiteFile], progress: Progress | None
) -> None:
    def upload(item: SiteFile) -> str:
        s3.put_object(
            Bucket=bucket,
            Key=item.key,
            Body=item.data,
            ContentType=content_type(item.key),
            CacheControl=cache_control(item.key),
        )
        return item.key

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for key in pool.map(upload, uploads):
            if progress:
                progress(key)


def _delete_all(s3: Any, bucket: str, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), 1000):  # DeleteObjects takes 1000 keys a call
        batch = keys[start : start + 1000]
        s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True}
        )


def empty_bucket(s3: Any, bucket: str) -> int:
    keys = sorted(remote_etags(s3, bucket))
    _delete_all(s3, bucket, keys)
    return len(keys)
