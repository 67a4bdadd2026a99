"""A `Run`: one command's project and target, with its side effects (console, environment,
clock); and its stage, for a command on one stage.

The CLI builds it once; the steps read it and never the process environment or CLI arguments
themselves. A command on every stage of a target (stages, gc) has a Run without a stage and
makes one per stage it works on (`for_stage`). Where its AWS calls go is the run's
`Connection`, resolved once by `connect` (deploy/connect.py) at the top of a command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
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

LOCAL_WAIT_SECONDS: Final = 120
AWS_WAIT_SECONDS: Final = 30 * 60


@dataclass(frozen=True)
class Run:
    project: Project
    target: Target
    console: Console
    environ: Mapping[str, str]
    stage: Stage | None = None  # None: a command on every stage of the target
    terraform_bin: str | None = None
    clock: Clock = field(default_factory=Clock)
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT
    verbose: bool = False  # Terraform's own output on the console, not only in its log

    @cached_property
    def context(self) -> StageContext:
        """The stage, resolved (settings, build values, names, folder)."""
        if self.stage is None:
            raise TypeError("a Run of every stage has no context: use run.for_stage(stage)")
        return StageContext.resolve(self.project, self.stage, self.target)

    def for_stage(self, stage: Stage) -> Run:
        return replace(self, stage=stage)

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.project.root)

    @property
    def stage_dir(self) -> Path:
        return self.context.stage_dir

    @property
    def local(self) -> bool:
        return self.target.kind == "local"

    def installer(self) -> DependencyInstaller:
        return PlatformInstaller(self.workspace.deps_cache)

    def localcloud(self) -> LocalCloud:
        from edgeform.localcloud.endpoint import LocalCloud

        shared = self.target.state is not None
        return LocalCloud(self.workspace.localcloud_for(shared, self.environ), self.clock)

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
