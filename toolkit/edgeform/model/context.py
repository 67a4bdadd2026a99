"""One stage of one project on one target, resolved once and read by every step downstream.

The CLI resolves the stage name and the target; `StageContext.resolve` derives the rest (the
stage's settings, the build-time values baked into bundles and the site, the resource names,
the stage's folder) in one place, so no step recomputes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from edgeform.model.names import ResourceNames, resource_names
from edgeform.model.project import ConfigValue, Project, StageSettings, Target
from edgeform.model.stage import Stage
from edgeform.model.workspace import Workspace


@dataclass(frozen=True)
class StageContext:
    project: Project
    stage: Stage
    target: Target
    settings: StageSettings
    build_values: Mapping[str, ConfigValue]
    names: ResourceNames
    workspace: Workspace

    @classmethod
    def resolve(cls, project: Project, stage: Stage, target: Target) -> StageContext:
        return cls(
            project=project,
            stage=stage,
            target=target,
            settings=project.stage_settings(stage.name),
            build_values=project.build_config_for(stage.name),
            names=resource_names(project, stage),
            workspace=Workspace(project.root),
        )

    @property
    def stage_dir(self) -> Path:
        return self.workspace.stage_dir(self.target.name, self.stage.slug)

    @property
    def bundle_dir(self) -> Path:
        return self.workspace.bundle_dir(self.target.name, self.stage.slug)
