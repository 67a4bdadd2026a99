"""The Jinja environment the Terraform templates render in, and where the templates are.

edgeform ships its templates as `edgeform.render.templates`; a project may set
`project.templates` to a folder of its own, whose files of the same name replace the shipped
ones (and whose other files are added). A template that renders only whitespace writes no
file, which is how an override removes one.

Templates may only emit values through the `hcl`, `ident` and `attributes` filters: the
environment's `finalize` refuses anything else, so no value reaches HCL unescaped by accident.
"""

from __future__ import annotations

import importlib.resources
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import jinja2
import markupsafe

from edgeform import __version__
from edgeform.errors import RenderError
from edgeform.render.hcl import Hcl, aligned, ident, literal

TEMPLATE_SUFFIX: Final = ".tf.j2"


def shipped_templates() -> Path:
    """The folder of the templates that ship with edgeform."""
    return Path(str(importlib.resources.files("edgeform.render.templates")))


class Templates:
    """The project's override folder (if any) over the shipped templates."""

    def __init__(self, override: Path | None) -> None:
        self.folders = [f for f in (override, shipped_templates()) if f is not None]
        self.env = template_environment(self.folders)

    def sources(self) -> dict[str, Path]:
        """Template name -> the file it is read from, the override's first; sorted by name."""
        found: dict[str, Path] = {}
        for folder in self.folders:
            for path in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
                found.setdefault(path.name, path)
        return dict(sorted(found.items()))

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateError as exc:
            raise RenderError(
                f"{self.sources().get(name, name)}: {exc}",
                "fix the template; values must pass through | hcl",
            ) from exc

    def describe(self) -> str:
        return " over ".join(str(f) for f in self.folders)


def template_environment(folders: list[Path]) -> jinja2.Environment:
    env = jinja2.Environment(
        bytecode_cache=_bytecode_cache(),
        loader=jinja2.FileSystemLoader(folders),  # searched in order: the override first
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Autoescape only so that macros return Markup; Hcl's __html__ keeps its text as it is.
        autoescape=True,
        finalize=_only_hcl,
    )
    env.filters.update(hcl=literal, ident=ident, attributes=_attributes)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs: compiling the nine templates costs ~30 ms, more
    than rendering them, on every deploy, plan and lint. Jinja keys each by the template's path
    and checks the source's hash; the folder is per edgeform version (the environment's
    options are part of the compiled code) and private to the user. None when it cannot be
    made (a read-only home): templates are compiled each run, as before."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "edgeform" / f"templates-{__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _only_hcl(value: Any) -> Any:
    # Hcl came through a filter; Markup is a macro's output, itself made of filtered values.
    if isinstance(value, Hcl | markupsafe.Markup):
        return value
    raise RenderError(
        f"template emits {value!r} without | hcl or | ident",
        "pipe every value through | hcl (or | ident for names)",
    )


def _attributes(mapping: Mapping[str, Any], indent: int = 2) -> Hcl:
    rows = [(ident(k), literal(v, indent)) for k, v in mapping.items() if v is not None]
    return Hcl("\n".join(aligned(rows, " " * indent)))
