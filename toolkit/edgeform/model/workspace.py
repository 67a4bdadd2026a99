"""Where edgeform keeps its working files: `.edgeform/` beside edgeform.toml (git-ignored).

.edgeform/stages/<target>/<stage slug>/   the rendered Terraform root module and its state
    bundles/<function>.zip                the function bundles Terraform uploads
.edgeform/cache/deps/<key>/               installed function dependencies
.edgeform/localcloud/                     the embedded endpoint's pid, port and log
~/.local/state/edgeform/localcloud/       the machine's one endpoint, for a local target
                                          with a state bucket (every checkout shares it)
.edgeform/serve/<stage slug>/functions/   unpacked bundles that `edgeform serve` runs
.edgeform/serve/deployed/<target>/<slug>/ code read back from a deployed stage (--from-stage)
.edgeform/invoke/<stage slug>/functions/  unpacked bundles that `edgeform invoke` runs
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

WORK_DIR: Final = ".edgeform"


def shared_localcloud(environ: Mapping[str, str]) -> Path:
    """The embedded endpoint every checkout on this machine shares: where a local target's
    state bucket lives, so that a fresh checkout finds the stages another one deployed (as a
    CI runner finds them in the aws target's bucket). XDG_STATE_HOME, else ~/.local/state."""
    state_home = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state_home) / "edgeform" / "localcloud"


@dataclass(frozen=True)
class Workspace:
    root: Path  # the project folder

    @property
    def base(self) -> Path:
        return self.root / WORK_DIR

    def stage_dir(self, target: str, stage_slug: str) -> Path:
        return self.base / "stages" / target / stage_slug

    def bundle_dir(self, target: str, stage_slug: str) -> Path:
        return self.stage_dir(target, stage_slug) / "bundles"

    @property
    def deps_cache(self) -> Path:
        return self.base / "cache" / "deps"

    @property
    def localcloud(self) -> Path:
        return self.base / "localcloud"

    def localcloud_for(self, shared_state: bool, environ: Mapping[str, str]) -> Path:
        """The project's own endpoint, or the machine's when the local target keeps its
        state in a bucket (the endpoint holds that bucket)."""
        return shared_localcloud(environ) if shared_state else self.localcloud

    def tls_dir(self) -> Path:
        """`serve --tls`'s local certificate and key (one for every stage)."""
        return self.base / "tls"

    def serve_dir(self, stage_slug: str) -> Path:
        return self.base / "serve" / stage_slug

    def deployed_dir(self, target: str, stage_slug: str) -> Path:
        return self.base / "serve" / "deployed" / target / stage_slug

    def invoke_dir(self, stage_slug: str) -> Path:
        return self.base / "invoke" / stage_slug
