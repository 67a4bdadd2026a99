"""Rendering: the project model and the built bundles in, Terraform files out.

`render_stack` is pure: no AWS calls, no subprocesses, no writes. Templates may only emit
values through the `hcl`, `ident` and `attributes` filters; the environment's `finalize`
refuses anything else, so a value cannot reach HCL unescaped by accident.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jinja2
import markupsafe

from toolkit import __version__
from toolkit.bundle import Bundle
from toolkit.config import Project, Target
from toolkit.errors import RenderError
from toolkit.hcl import Hcl, aligned, ident, literal
from toolkit.names import ResourceNames, resource_names
from toolkit.stage import Stage

TEMPLATE_SUFFIX: Final = ".tf.j2"
ORIGIN_ID: Final = "site-bucket"
# Services the rendered stack talks to; the local target points each at the embedded endpoint.
LOCAL_SERVICES: Final = ("cloudfront", "iam", "lambda", "logs", "s3", "sts")


@dataclass(frozen=True)
class RenderedStack:
    stage: Stage
    target: Target
    files: Mapping[str, str]  # file name -> HCL text


def render_stack(
    project: Project, stage: Stage, target: Target, bundles: Sequence[Bundle]
) -> RenderedStack:
    env = template_environment(project.templates_dir)
    context = _context(project, stage, target, bundles)
    files: dict[str, str] = {}
    for name in sorted(env.list_templates(filter_func=lambda n: n.endswith(TEMPLATE_SUFFIX))):
        try:
            text = env.get_template(name).render(context)
        except jinja2.TemplateError as exc:
            raise RenderError(
                f"{project.templates_dir / name}: {exc}",
                "fix the template; values must pass through | hcl",
            ) from exc
        if text.strip():
            files[name.removesuffix(".j2")] = text.rstrip("\n") + "\n"
    return RenderedStack(stage, target, files)


def write_stack(stack: RenderedStack, directory: Path) -> list[Path]:
    """Write the files, and remove .tf files a previous render left that are no longer made."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.tf"):
        if stale.name not in stack.files:
            stale.unlink()
    written = []
    for name, text in stack.files.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def template_environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
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


def _context(
    project: Project, stage: Stage, target: Target, bundles: Sequence[Bundle]
) -> dict[str, Any]:
    names = resource_names(project, stage)
    by_name = {b.function: b for b in bundles}
    missing = sorted(set(project.functions) - set(by_name))
    if missing:
        raise RenderError(f"no bundle for function {missing[0]}", "run edgeform build first")
    functions = [
        {
            "name": fn.name,
            "runtime": fn.runtime,
            "handler": fn.handler,
            "memory": fn.memory,
            "timeout": fn.timeout,
            "source_code_hash": by_name[fn.name].base64_sha256,
        }
        for fn in sorted(project.functions.values(), key=lambda f: f.name)
    ]
    return {
        "version": __version__,
        "project": project,
        "stage": stage,
        "target": target,
        "functions": functions,
        "behaviors": project.behaviors,
        "default_behavior": project.default_behavior,
        "profile_ref": Hcl("local.aws_profile") if target.profile else None,
        "local_endpoints": {service: Hcl("var.aws_endpoint") for service in LOCAL_SERVICES},
        "locals": stack_locals(project, stage, target, names),
    }


def stack_locals(
    project: Project, stage: Stage, target: Target, names: ResourceNames
) -> dict[str, Any]:
    """The `locals` block: every user-derived string of the stack, in one place."""
    tags = {"project": project.name, "stage": stage.slug, "managed-by": "edgeform", **project.tags}
    extra = {"aws_profile": target.profile} if target.profile else {}
    return {
        **extra,
        "project": project.name,
        "stage": stage.slug,
        "comment": project.comment or f"{project.name} {stage.slug} (edgeform)",
        "default_root_object": project.default_root_object,
        "origin_id": ORIGIN_ID,
        "names": {
            "bucket_prefix": names.bucket_prefix,
            "role": names.role,
            "role_policy": names.role_policy,
            "oac": names.oac,
        },
        "function_names": dict(names.functions),
        # Ordered behaviors' patterns, referenced by index in distribution.tf.
        "path_patterns": [b.path_pattern for b in project.behaviors],
        "tags": dict(sorted(tags.items())),
    }
