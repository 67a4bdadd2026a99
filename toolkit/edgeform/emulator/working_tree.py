"""Serve the project as it is on disk, and pick up every change on the next request.

Each function runs from its bundle's files (sources, installed dependencies and the baked-in
`edgeform_config.json`), unpacked under `.edgeform/serve/`, so what runs here is what
`edgeform deploy` would upload. A `Watcher` reads the sources' sizes and modification times
every `check_interval` seconds, off the requests' path; a request compares the last reading with
what is served, and on a change the config, the site and the changed functions are rebuilt, the
changed functions' warm workers are replaced, and the cache is emptied, as a deploy followed by
an invalidation would. An edit is served by every request made one interval after it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from edgeform.build.bundle import Entry, bundle_entries
from edgeform.build.dependencies import DependencyInstaller
from edgeform.build.files import IGNORED_DIRS
from edgeform.build.site import site_files
from edgeform.config import load_project
from edgeform.emulator.origin import SiteOrigin
from edgeform.emulator.runtimes import (
    EdgeLog,
    FunctionCode,
    FunctionPool,
    Scaling,
    Worker,
    runtime_note,
    worker_command,
)
from edgeform.emulator.stack import EdgeBehavior, EdgeTrigger, ServedStack
from edgeform.emulator.watcher import DEFAULT_INTERVAL, Watcher
from edgeform.errors import EdgeformError
from edgeform.model.names import resource_names
from edgeform.model.project import Behavior, Function, Project
from edgeform.model.stage import Stage

# The account id of the bucket the emulated distribution names as its origin.
LOCAL_ACCOUNT = "000000000000"

Parts = tuple[tuple[str, int, int], ...]  # (path, size, mtime) of each file
# A digest of the parts: a request compares 64 characters, not 2,000 tuples.
Fingerprint = str


@dataclass(frozen=True)
class ServeSettings:
    config_file: Path
    stage: Stage
    work_dir: Path  # .edgeform/serve/<stage slug>
    scaling: Scaling = field(default_factory=Scaling)
    check_interval: float = DEFAULT_INTERVAL  # seconds between two readings of the files


def tree_fingerprint(root: Path) -> Iterator[tuple[str, int, int]]:
    """(path, size, mtime) of every file under root, skipping build litter."""
    try:
        entries = list(os.scandir(root))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name not in IGNORED_DIRS:
                yield from tree_fingerprint(Path(entry.path))
        else:
            stat = entry.stat()
            yield (entry.path, stat.st_size, stat.st_mtime_ns)


def config_fingerprint(config_file: Path) -> Parts:
    stat = config_file.stat()
    return ((str(config_file), stat.st_size, stat.st_mtime_ns),)


def folders_fingerprint(project: Project | None) -> Parts:
    if project is None:
        return ()
    folders = (project.site_dir, *(fn.source for fn in project.functions.values()))
    return tuple(part for folder in folders for part in tree_fingerprint(folder))


def project_fingerprint(config_file: Path, project: Project | None) -> Fingerprint:
    return digest_of(config_fingerprint(config_file) + folders_fingerprint(project))


def digest_of(parts: Parts) -> Fingerprint:
    digest = hashlib.sha256()
    for path, size, mtime in parts:
        digest.update(f"{path}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


def entries_digest(entries: list[Entry]) -> str:
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.name):
        digest.update(f"{entry.name}\0{len(entry.data)}\0{entry.executable}\0".encode())
        digest.update(entry.data)
    return digest.hexdigest()[:16]


def unpack(entries: list[Entry], folder: Path) -> None:
    if folder.is_dir():
        return
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    for entry in entries:
        path = staging / entry.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(entry.data)
        path.chmod(0o755 if entry.executable else 0o644)
    staging.rename(folder)


def function_code(
    function: Function, entries: list[Entry], work_dir: Path
) -> tuple[str, FunctionCode]:
    """Unpack a function's bundle entries; its digest names the folder and the version."""
    digest = entries_digest(entries)
    folder = work_dir / "functions" / f"{function.name}-{digest}"
    unpack(entries, folder)
    code = FunctionCode(
        function.name,
        function.runtime,
        function.handler,
        folder,
        function.memory,
        function.timeout,
    )
    return digest, code


@dataclass(frozen=True)
class Built:
    project: Project
    codes: dict[str, tuple[str, FunctionCode]]  # function -> (bundle digest, its code)
    origin: SiteOrigin
    reading: tuple[float, Fingerprint]  # the files as they were read: (when, fingerprint)


def distribution_id(project_name: str, stage_slug: str) -> str:
    digest = hashlib.sha256(f"{project_name}/{stage_slug}".encode()).hexdigest().upper()
    return "E" + "".join(c for c in digest if c.isalnum())[:13]


class WorkingTreeSource:
    """A `StackSource` over edgeform.toml, the functions' folders and the site folder."""

    def __init__(
        self,
        settings: ServeSettings,
        installer: Callable[[Project], DependencyInstaller],
        log: EdgeLog,
    ) -> None:
        self.settings = settings
        self.installer = installer
        self.log = log
        self._project: Project | None = None
        self._fingerprint: Fingerprint = ""
        self._stack: ServedStack | None = None
        self._pools: dict[str, tuple[str, FunctionPool]] = {}  # name -> (digest, pool)
        self._generation = 0
        self._lock = asyncio.Lock()
        self._notes: set[str] = set()
        self._watcher: Watcher[Fingerprint] = Watcher(
            lambda: project_fingerprint(self.settings.config_file, self._project),
            settings.check_interval,
        )

    async def current(self) -> ServedStack:
        fingerprint = await self._watcher.recent()
        if self._stack is not None and fingerprint == self._fingerprint:
            return self._stack
        async with self._lock:
            fingerprint = await self._watcher.recent()  # a reload meanwhile recorded its own
            if self._stack is None or fingerprint != self._fingerprint:
                await self._reload(fingerprint)
            assert self._stack is not None
            return self._stack

    async def _reload(self, seen: Fingerprint) -> None:
        first = self._stack is None
        try:
            built = await asyncio.to_thread(self._build)
        except EdgeformError as exc:
            if first:
                raise
            self.log("edgeform", f"reload failed, still serving the previous version: {exc}")
            # Remember the broken state so the next request does not rebuild it again.
            self._fingerprint = seen
            return
        broken = await self._init_failures(built.codes)
        if broken and not first:
            # A syntax error the build cannot see: the previous version keeps serving.
            self.log("edgeform", f"reload failed, still serving the previous version: {broken}")
            self._fingerprint = seen
            return
        await self._swap_pools(built.codes)
        project, origin = built.project, built.origin
        self._project = project
        self._fingerprint = built.reading[1]
        self._watcher.record(*built.reading)
        self._generation += 1
        self._stack = ServedStack(
            behaviors=tuple(self._behavior(b) for b in project.all_behaviors),
            default_root_object=project.default_root_object,
            origin=origin,
            distribution_id=distribution_id(project.name, self.settings.stage.slug),
            origin_domain=resource_names(project, self.settings.stage).bucket_domain(LOCAL_ACCOUNT),
            generation=self._generation,
            error_responses=project.custom_error_responses,
            origins=project.origins,
            origin_groups=project.origin_groups,
            geo_restriction=project.geo_restriction,
        )
        if not first:
            self.log("edgeform", f"reloaded (generation {self._generation})")

    def _build(self) -> Built:
        """Read the project and build it; its fingerprint is taken before each part is read
        (an edit meanwhile shows as a change at the next reading, so is never missed)."""
        started = self._watcher.now()
        config = config_fingerprint(self.settings.config_file)
        project = load_project(self.settings.config_file)
        reading = (started, digest_of(config + folders_fingerprint(project)))
        values = project.build_config_for(self.settings.stage.name)
        installer = self.installer(project)
        codes = {
            name: self._function_code(fn, bundle_entries(fn, values, installer))
            for name, fn in project.functions.items()
        }
        origin = SiteOrigin(site_files(project.site_dir, values), time.time())
        return Built(project, codes, origin, reading)

    def _function_code(self, function: Function, entries: list[Entry]) -> tuple[str, FunctionCode]:
        digest, code = function_code(function, entries, self.settings.work_dir)
        worker_command(code)  # a missing runtime (node) fails the build, not a request
        note = runtime_note(code)
        if note and note not in self._notes:
            self._notes.add(note)
            self.log("edgeform", note)
        return digest, code

    async def _init_failures(self, codes: dict[str, tuple[str, FunctionCode]]) -> str:
        """Each changed function loaded once in a worker of its own: how those that fail to
        load (a syntax error, a failing import) fail, or "" when every one loads."""
        changed = [
            code
            for name, (digest, code) in codes.items()
            if name not in self._pools or self._pools[name][0] != digest
        ]
        failures = await asyncio.gather(*(_init_failure(code, self.log) for code in changed))
        return "; ".join(f for f in failures if f)

    async def _swap_pools(self, codes: dict[str, tuple[str, FunctionCode]]) -> None:
        old = self._pools
        self._pools = {}
        for name, (digest, code) in codes.items():
            kept = old.get(name)
            if kept is not None and kept[0] == digest and kept[1].code == code:
                self._pools[name] = old.pop(name)  # unchanged: its warm workers stay warm
            else:
                self._pools[name] = (
                    digest,
                    FunctionPool(code, self.log, self.settings.scaling),
                )
        await asyncio.gather(*(pool.close() for _, pool in old.values()))
        in_use = {pool.code.code_dir for _, pool in self._pools.values()}
        for folder in (self.settings.work_dir / "functions").glob("*"):
            if folder not in in_use:
                shutil.rmtree(folder, ignore_errors=True)  # an older build of a function

    def _behavior(self, behavior: Behavior) -> EdgeBehavior:
        triggers = {
            t.event: EdgeTrigger(t.event, t.function, t.include_body, self._pools[t.function][1])
            for t in behavior.triggers
        }
        return EdgeBehavior(
            path_pattern=behavior.path_pattern,
            triggers=triggers,
            allowed_methods=behavior.allowed_methods,
            cached_methods=behavior.cached_methods,
            cache_policy=behavior.cache_policy,
            origin_request_policy=behavior.origin_request_policy,
            response_headers_policy=behavior.response_headers_policy,
            target_origin=behavior.target_origin,
            viewer_protocol_policy=behavior.viewer_protocol_policy,
        )

    async def close(self) -> None:
        await self._watcher.close()
        pools, self._pools = self._pools, {}
        await asyncio.gather(*(pool.close() for _, pool in pools.values()))


async def _init_failure(code: FunctionCode, log: EdgeLog) -> str:
    worker = Worker(code, log)
    try:
        await worker.start()
    except (OSError, TimeoutError, EdgeformError) as exc:
        return f"{code.name}: {exc}"
    finally:
        await worker.kill()
    error = worker.init_error
    if error is None:
        return ""
    return f"{code.name}: {error.get('errorType', 'Error')}: {error.get('errorMessage', '')}"
