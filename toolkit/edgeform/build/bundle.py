"""Deterministic function bundles with the build-time config baked in.

Lambda@Edge has no environment variables, so each bundle carries `edgeform_config.json`, which
the handler reads. The same sources give byte-identical zips whatever the file times, umask,
directory order or machine: entries are sorted, dated 1980-01-01, given fixed permissions and
compressed at a fixed level. So an unchanged function keeps its SHA-256, Terraform sees no
change, and Lambda publishes no new version.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from edgeform.build.dependencies import DependencyInstaller
from edgeform.build.files import walk_files
from edgeform.errors import BuildError
from edgeform.model.project import ConfigValue, Function

CONFIG_FILENAME: Final = "edgeform_config.json"
ZIP_EPOCH: Final = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL: Final = 9
_UNIX: Final = 3


@dataclass(frozen=True)
class Entry:
    """One file of a bundle: its name inside the zip, its bytes, whether it is executable."""

    name: str
    data: bytes
    executable: bool = False


@dataclass(frozen=True)
class Bundle:
    function: str
    path: Path  # where it is (or will be, once written) for Terraform to upload
    size: int
    sha256: str
    data: bytes = field(default=b"", repr=False, compare=False)

    @property
    def base64_sha256(self) -> str:
        """The digest as Terraform's `source_code_hash` and Lambda's `CodeSha256` spell it."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode("ascii")

    def as_json(self) -> dict[str, object]:
        return {
            "function": self.function,
            "path": str(self.path),
            "size": self.size,
            "sha256": self.sha256,
        }


def zip_bytes(entries: Iterable[Entry]) -> bytes:
    """A zip of `entries` whose bytes depend on names, contents and modes only."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in sorted(entries, key=lambda e: e.name):
            info = zipfile.ZipInfo(entry.name, date_time=ZIP_EPOCH)
            info.create_system = _UNIX
            info.external_attr = (0o100755 if entry.executable else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entry.data, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def config_entry(values: Mapping[str, ConfigValue]) -> Entry:
    text = json.dumps(dict(values), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    return Entry(CONFIG_FILENAME, text.encode("utf-8"))


def source_entries(folder: Path) -> list[Entry]:
    entries = [Entry(f.key, f.path.read_bytes(), f.executable) for f in walk_files(folder)]
    if any(e.name == CONFIG_FILENAME for e in entries):
        raise BuildError(
            f"{folder / CONFIG_FILENAME} would be overwritten by the build",
            f"rename it: edgeform writes {CONFIG_FILENAME} into every bundle",
        )
    return entries


def bundle_entries(
    function: Function, values: Mapping[str, ConfigValue], deps: DependencyInstaller
) -> list[Entry]:
    sources = source_entries(function.source)
    installed = [Entry(f.key, f.path.read_bytes(), f.executable) for f in deps.install(function)]
    clashes = {e.name for e in sources} & {e.name for e in installed}
    if clashes:
        raise BuildError(
            f"{function.name}: dependencies overwrite {sorted(clashes)[0]}",
            "rename the source file that shares a dependency's name",
        )
    return [*sources, *installed, config_entry(values)]


def write_if_changed(path: Path, data: bytes) -> None:
    """Atomic replace, skipped when the bytes are already there (keeps the file's mtime)."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def zip_bundle(
    function: Function, values: Mapping[str, ConfigValue], out_dir: Path, deps: DependencyInstaller
) -> Bundle:
    """A function's bundle, in memory: nothing is written until `write_bundles`."""
    data = zip_bytes(bundle_entries(function, values, deps))
    path = out_dir / f"{function.name}.zip"
    return Bundle(function.name, path, len(data), hashlib.sha256(data).hexdigest(), data)


def write_bundles(bundles: Sequence[Bundle], out_dir: Path) -> None:
    for bundle in bundles:
        write_if_changed(bundle.path, bundle.data)
    _remove_stale(out_dir, {b.path.name for b in bundles})


def build_bundle(
    function: Function, values: Mapping[str, ConfigValue], out_dir: Path, deps: DependencyInstaller
) -> Bundle:
    bundle = zip_bundle(function, values, out_dir, deps)
    write_if_changed(bundle.path, bundle.data)
    return bundle


def build_bundles(
    functions: Sequence[Function],
    values: Mapping[str, ConfigValue],
    out_dir: Path,
    deps: DependencyInstaller,
) -> list[Bundle]:
    bundles = [zip_bundle(fn, values, out_dir, deps) for fn in functions]
    write_bundles(bundles, out_dir)
    return bundles


def _remove_stale(out_dir: Path, keep: set[str]) -> None:
    # A function removed from the config must not leave its old zip behind.
    if not out_dir.is_dir():
        return
    for stale in out_dir.glob("*.zip"):
        if stale.name not in keep:
            stale.unlink()
