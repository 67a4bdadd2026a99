"""Rendering: the project model and the built bundles in, Terraform files out.

`render_stack` is pure: no AWS calls, no subprocesses, no writes (templates are read, from the
project's override folder first, then from those edgeform ships; see `environment`).
`write_stack` writes what it made. Values reach HCL only through the filters of the
environment, which refuses anything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from edgeform import __version__
from edgeform.build.bundle import Bundle
from edgeform.errors import RenderError
from edgeform.model.lambda_edge import EDGE_REGION
from edgeform.model.names import ResourceNames, boundary_name, resource_names
from edgeform.model.origins import SITE, SITE_ORIGIN_ID
from edgeform.model.project import Project, Target
from edgeform.model.stage import Stage
from edgeform.model.state import EXPIRY_TAG
from edgeform.render.environment import Templates
from edgeform.render.hcl import Hcl

# Services the rendered stack talks to; the local target points each at the embedded endpoint.
LOCAL_SERVICES: Final = ("cloudfront", "iam", "lambda", "logs", "s3", "sts")


@dataclass(frozen=True)
class RenderedStack:
    stage: Stage
    target: Target
    files: Mapping[str, str]  # file name -> HCL text
    sources: Mapping[str, Path]  # file name -> the template that wrote it


def render_stack(
    project: Project, stage: Stage, target: Target, bundles: Sequence[Bundle]
) -> RenderedStack:
    templates = Templates(project.templates_dir)
    context = _context(project, stage, target, bundles)
    files: dict[str, str] = {}
    sources: dict[str, Path] = {}
    for name, source in templates.sources().items():
        text = templates.render(name, context)
        if text.strip():  # a template may render nothing, e.g. an override that removes a file
            rendered = name.removesuffix(".j2")
            files[rendered] = text.rstrip("\n") + "\n"
            sources[rendered] = source
    if not files:
        raise RenderError(
            f"the templates render no Terraform files ({templates.describe()})",
            "put *.tf.j2 templates there, or remove project.templates to use edgeform's",
        )
    return RenderedStack(stage, target, files, sources)


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
        "cache_policies": project.rendered_cache_policies(),
        "origin_request_policies": [
            project.origin_request_policies[name]
            for name in sorted(project.origin_request_policies)
        ],
        "response_headers_policies": [
            project.response_headers_policies[name]
            for name in sorted(project.response_headers_policies)
        ],
        "origins": [project.origins[name] for name in sorted(project.origins)],
        "origin_ref": origin_ref,
        "origin_groups": [project.origin_groups[name] for name in sorted(project.origin_groups)],
        "profile_ref": Hcl("local.aws_profile") if target.profile else None,
        "edge_provider": edge_provider(target),
        "local_endpoints": {service: Hcl("var.aws_endpoint") for service in LOCAL_SERVICES},
        "locals": stack_locals(project, stage, target, names),
        "state_backend": state_backend(project, stage, target),
        "expiry_tag": EXPIRY_TAG,
    }


def origin_ref(name: str) -> Hcl | str:
    """An origin's ID as a behavior or a group names it: the bucket's is a local."""
    return Hcl("local.origin_id") if name == SITE else name


def edge_provider(target: Target) -> Hcl | None:
    """The provider the functions are created with: a second, us-east-1 configuration only
    where the target's region is another. One configuration is one provider process per
    Terraform step instead of two: a plan takes half the CPU (bench/deploy.py)."""
    return None if target.region == EDGE_REGION else Hcl("aws.us_east_1")


# The embedded endpoint's dummy credentials: real ones must never be sent to it.
LOCAL_CREDENTIALS: Final = {"access_key": "edgeform-local", "secret_key": "edgeform-local"}


def state_backend(project: Project, stage: Stage, target: Target) -> dict[str, Any] | None:
    """The S3 backend's settings when the target has a state bucket, else None (local file).

    Backend blocks take no variables, so the values are literals here. On the local target the
    endpoint's URL, which changes when it restarts, reaches the backend as AWS_ENDPOINT_URL_S3
    (see `deploy.pipeline`), so a restart does not count as a changed backend."""
    state = target.state
    if state is None:
        return None
    settings: dict[str, Any] = {
        "bucket": state.bucket,
        "key": state.state_key(project.name, target.name, stage.slug),
        "region": state.region,
        "profile": target.profile,
        "encrypt": True,
        "use_lockfile": True,
    }
    if target.kind == "local":
        settings.update(
            **LOCAL_CREDENTIALS,
            use_path_style=True,
            skip_credentials_validation=True,
            skip_requesting_account_id=True,
            skip_metadata_api_check=True,
            skip_region_validation=True,
        )
    return settings


def stage_tags(project: Project, stage: Stage) -> dict[str, str]:
    """The tags edgeform sets on every resource of a stage (and finds it by)."""
    return {"project": project.name, "stage": stage.slug, "managed-by": "edgeform"}


def distribution_comment(project: Project, stage: Stage) -> str:
    return project.comment or f"{project.name} {stage.slug} (edgeform)"


def stack_locals(
    project: Project, stage: Stage, target: Target, names: ResourceNames
) -> dict[str, Any]:
    """The `locals` block: every user-derived string of the stack, in one place."""
    tags = {**stage_tags(project, stage), **project.tags}
    extra = {"aws_profile": target.profile} if target.profile else {}
    return {
        **extra,
        "project": project.name,
        "stage": stage.slug,
        "comment": distribution_comment(project, stage),
        **(
            {"log_prefix": project.logging.prefix_for(project.name, stage.slug)}
            if project.logging
            else {}
        ),
        "default_root_object": project.default_root_object,
        "origin_id": SITE_ORIGIN_ID,
        "names": {
            "bucket_prefix": names.bucket_prefix,
            "role": names.role,
            "role_policy": names.role_policy,
            "boundary": boundary_name(project),
            "oac": names.oac,
        },
        "function_names": dict(names.functions),
        "origin_request_policy_names": {
            name: f"{names.prefix}--{name}" for name in sorted(project.origin_request_policies)
        },
        "response_headers_policy_names": {
            name: f"{names.prefix}--{name}" for name in sorted(project.response_headers_policies)
        },
        "cache_policy_names": {
            p.name: f"{names.prefix}--{p.name}" for p in project.rendered_cache_policies()
        },
        # Ordered behaviors' patterns, referenced by index in distribution.tf.
        "path_patterns": [b.path_pattern for b in project.behaviors],
        "tags": dict(sorted(tags.items())),
    }
