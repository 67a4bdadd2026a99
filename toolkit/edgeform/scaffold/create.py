"""Write a template into a folder: every file first checked, then all written, or none."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

from edgeform import __version__
from edgeform.config.reference import SCHEMA_FILE, json_text
from edgeform.errors import BadInputError, UsageError
from edgeform.model.names import NAME_RE, PROJECT_NAME_MAX
from edgeform.model.project import CONFIG_FILE
from edgeform.scaffold.catalog import RUNTIMES, TEMPLATES, Template

COMMON: Final = "_common"
DOTTED: Final = ("gitignore", "github")  # written as .gitignore, .github/
TEST_COMMANDS: Final = {
    "python": "python3 -m unittest discover -s tests",
    "node": "node --test tests/",
}


@dataclass(frozen=True)
class Created:
    folder: Path
    project: str
    template: Template
    runtime: str
    files: tuple[str, ...]  # relative to folder, sorted


def files_root() -> Path:
    return Path(str(resources.files("edgeform.scaffold") / "files"))


def project_name(folder: Path) -> str:
    """A valid project name from the folder's name: `My Site_2` -> `my-site-2`."""
    words = re.findall(r"[a-z0-9]+", folder.resolve().name.lower())
    name = "-".join(words).lstrip("0123456789-")[:PROJECT_NAME_MAX].rstrip("-")
    return name or "edge-site"


def plan_files(template: Template, runtime: str) -> dict[str, Path]:
    """Relative path in the new project -> the packaged file it comes from."""
    root = files_root()
    sources = [root / COMMON, root / template.name / "site", root / template.name / runtime]
    found: dict[str, Path] = {}
    for source in sources:
        base = source.parent if source.name == "site" else source
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            found[_dotted(path.relative_to(base).as_posix())] = path
    return found


def _dotted(relative: str) -> str:
    first, _, rest = relative.partition("/")
    return f".{first}/{rest}".rstrip("/") if first in DOTTED else relative


def create_project(
    folder: Path, template_name: str, runtime: str, name: str | None = None
) -> Created:
    """Write the template into `folder` (made if missing). Refuses, writing nothing, a
    folder that holds an edgeform.toml or any file the template would write."""
    template = _template(template_name)
    if runtime not in RUNTIMES:
        raise UsageError(f"no runtime {runtime!r}", f"choose one of: {', '.join(RUNTIMES)}")
    if (folder / CONFIG_FILE).exists():
        raise BadInputError(
            f"{folder / CONFIG_FILE} exists: {folder} is an edgeform project already; "
            "nothing was written",
            "run edgeform init in a new or empty folder, or pass another DIR",
        )
    files = plan_files(template, runtime)
    generated = {SCHEMA_FILE: json_text()}  # named on edgeform.toml's #:schema line
    clashes = sorted(name for name in (*files, *generated) if (folder / name).exists())
    if clashes:
        raise BadInputError(
            f"{folder} has {', '.join(clashes[:3])} already; nothing was written",
            "run edgeform init in a new or empty folder",
        )
    project = name or project_name(folder)
    if not NAME_RE.match(project) or len(project) > PROJECT_NAME_MAX:
        raise UsageError(
            f"--name {project!r} is not a project name; nothing was written",
            f"use lowercase letters, digits and single hyphens, starting with a letter, at "
            f"most {PROJECT_NAME_MAX} characters (it names the stage's AWS resources)",
        )
    markers = {
        "@@PROJECT@@": project,
        "@@TEMPLATE@@": template.name,
        "@@TEMPLATE_SUMMARY@@": template.summary,
        "@@RUNTIME@@": runtime,
        "@@EDGEFORM_VERSION@@": __version__,
        "@@TEST_COMMAND@@": TEST_COMMANDS[runtime],
        "@@GITIGNORE_EXTRA@@": "".join(f"\n{line}" for line in template.ignored),
        "@@DEPLOY_ENV@@": "".join(f"\n          {line}" for line in template.deploy_env),
    }
    for relative, source in files.items():
        _write(folder / relative, source, markers)
    for relative, text in generated.items():
        (folder / relative).write_text(text, encoding="utf-8")
    return Created(folder, project, template, runtime, tuple(sorted((*files, *generated))))


def _template(name: str) -> Template:
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UsageError(
            f"no template {name!r}",
            f"choose one of: {', '.join(TEMPLATES)} (edgeform init --list)",
        ) from None


def _write(target: Path, source: Path, markers: Mapping[str, str]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        target.write_bytes(data)  # an image: as it is
        return
    for marker, value in markers.items():
        text = text.replace(marker, value)
    target.write_text(text, encoding="utf-8")
