"""A `Run`: one command's resolved stage with its side effects (console, environment, clock).

The CLI builds it once; the pipeline's steps read it and never the process environment or
CLI arguments themselves. A `TargetRun` is the same for commands that act on every stage of
a target (stages, gc, bootstrap); it makes a `Run` for each stage it works on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from edgeform.build.dependencies import DependencyInstaller, PlatformInstaller
from edgeform.clock import Clock, Poll
from edgeform.console import Console
from edgeform.model.context import StageContext
from edgeform.model.project import Project, Target
from edgeform.model.stage import Stage
from edgeform.model.state import DEFAULT_LOCK_TIMEOUT
from edgeform.model.workspace import Workspace

if TYPE_CHECKING:
    from edgeform.localcloud.endpoint import LocalCloud


def local_endpoint(target: Target, cloud: LocalCloud, *, start: bool) -> str | None:
    """The embedded endpoint's URL on a local target: configured, running, or (with `start`)
    started. None on an aws target (botocore and the provider honour AWS_ENDPOINT_URL), and
    on a local one whose endpoint is not running and may not be started."""
    if target.kind != "local":
        return None
    if target.endpoint:
        return target.endpoint.rstrip("/")
    if start:
        return cloud.ensure_running()[0].url
    running = cloud.status()
    return running.url if running else None


LOCAL_WAIT_SECONDS: Final = 120
AWS_WAIT_SECONDS: Final = 30 * 60


@dataclass(frozen=True)
class Run:
    context: StageContext
    console: Console
    environ: Mapping[str, str]
    terraform_bin: str | None = None
    clock: Clock = field(default_factory=Clock)
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT
    verbose: bool = False  # Terraform's own output on the console, not only in its log

    @property
    def stage_dir(self) -> Path:
        return self.context.stage_dir

    @property
    def local(self) -> bool:
        return self.context.target.kind == "local"

    def installer(self) -> DependencyInstaller:
        return PlatformInstaller(self.context.workspace.deps_cache)

    def localcloud(self) -> LocalCloud:
        shared = self.context.target.state is not None
        from edgeform.localcloud.endpoint import LocalCloud

        return LocalCloud(self.context.workspace.localcloud_for(shared, self.environ), self.clock)

    def poll(self) -> Poll:
        """How long and how often to poll CloudFront; on the embedded endpoint it is quick."""

        def tick(status: str, elapsed: float) -> None:
            self.console.detail(f"  still {status} after {elapsed:.0f} s")

        return Poll(
            timeout=LOCAL_WAIT_SECONDS if self.local else AWS_WAIT_SECONDS,
            interval=0.5 if self.local else 15.0,
            clock=self.clock,
            tick=tick,
        )


@dataclass(frozen=True)
class TargetRun:
    """Every stage of the project on one target."""

    project: Project
    target: Target
    console: Console
    environ: Mapping[str, str]
    terraform_bin: str | None = None
    clock: Clock = field(default_factory=Clock)
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT
    verbose: bool = False

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.project.root)

    @property
    def local(self) -> bool:
        return self.target.kind == "local"

    def localcloud(self) -> LocalCloud:
        shared = self.target.state is not None
        from edgeform.localcloud.endpoint import LocalCloud

        return LocalCloud(self.workspace.localcloud_for(shared, self.environ), self.clock)

    def stage_run(self, stage: Stage) -> Run:
        context = StageContext.resolve(self.project, stage, self.target)
        return Run(
            context,
            self.console,
            self.environ,
            self.terraform_bin,
            self.clock,
            self.lock_timeout,
            self.verbose,
        )
