"""Lint rules on the rendered Terraform: versions on triggers, region, trust, refused settings.

The templates are the user's to edit, so these rules read what they render (with
`hcl_blocks`, nothing run) and point at the template line that wrote the offending setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from edgeform.lint.catalog import Finding
from edgeform.lint.hcl_blocks import HclBlock, HclSyntaxError, parse, unquote
from edgeform.model.lambda_edge import (
    ARCHITECTURE,
    EDGE_REGION,
    EPHEMERAL_STORAGE_MAX_MB,
    PACKAGE_TYPE,
    TRUSTED_PRINCIPALS,
    VERSION_ARN,
)

LAMBDA: Final = "aws_lambda_function"
TRUSTED: Final = TRUSTED_PRINCIPALS
QUALIFIED_REF: Final = re.compile(r"^aws_lambda_function\.([\w-]+)\.qualified_arn$")
# What edgeform renders: the version a rollback pinned, else the version just published.
PINNABLE_REF: Final = re.compile(
    r'^try\("\$\{aws_lambda_function\.(?P<fn>[\w-]+)\.arn\}:'
    r'\$\{var\.pinned_versions\["(?P=fn)"\]\}", '
    r"aws_lambda_function\.(?P=fn)\.qualified_arn\)$"
)
POLICY_REF: Final = re.compile(r"^data\.aws_iam_policy_document\.([\w-]+)\.json$")
# Function settings Lambda@Edge refuses (reference section 1), with the fix for each.
REFUSED: Final = {
    "environment": "bake values into the bundle ([config] in edgeform.toml)",
    "layers": "vendor the layer's code into the bundle",
    "vpc_config": "remove it: edge functions cannot run in a VPC",
    "dead_letter_config": "remove it: edge functions have no dead-letter queue",
    "tracing_config": "remove it: X-Ray tracing is not supported at the edge",
    "image_uri": "deploy a zip: container images are not supported",
    "kms_key_arn": "remove it: a customer-managed key is not supported",
    "reserved_concurrent_executions": "remove it (listed as unsupported by the 2023 docs)",
}


@dataclass(frozen=True)
class Block:
    kind: str  # "resource", "data", "provider"
    type: str
    name: str
    body: HclBlock
    file: str  # rendered file name, e.g. functions.tf


def blocks(files: Mapping[str, str]) -> Iterator[Block]:
    for file, text in sorted(files.items()):
        for block in parse(text).blocks:
            if block.type in ("resource", "data") and len(block.labels) == 2:
                yield Block(block.type, block.labels[0], block.labels[1], block, file)
            elif block.type == "provider" and block.labels:
                alias = unquote(block.value("alias")) or ""
                yield Block("provider", block.labels[0], alias, block, file)


class _Checks:
    def __init__(self, files: Mapping[str, str], sources: Mapping[str, Path], root: Path) -> None:
        self.files = files
        self.blocks = list(blocks(files))
        self.sources = sources
        self.root = root
        self.found: list[Finding] = []

    def of(self, kind: str, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind and b.type == type_]

    def at(self, rule: str, block: Block, attribute: str, message: str, hint: str) -> None:
        template = self.sources.get(block.file, Path(block.file))
        line = _line_of(template, attribute) or _line_of(template, f'"{block.type}"')
        if line is None:  # no such template line: point at the rendered file instead
            template, line = Path(block.file), block.body.line_of(attribute)
        shown = template.relative_to(self.root) if template.is_relative_to(self.root) else template
        self.found.append(Finding(rule, shown.as_posix(), line, message, hint))

    def versions(self) -> None:
        functions = {b.name: b for b in self.of("resource", LAMBDA)}
        for dist in self.of("resource", "aws_cloudfront_distribution"):
            behaviors = [
                *dist.body.children("default_cache_behavior"),
                *dist.body.children("ordered_cache_behavior"),
            ]
            for behavior in behaviors:
                for association in behavior.children("lambda_function_association"):
                    self._version(dist, functions, association.value("lambda_arn") or "")

    def _version(self, dist: Block, functions: Mapping[str, Block], arn: str) -> None:
        ref = QUALIFIED_REF.match(arn) or PINNABLE_REF.match(arn)
        if ref and ref.group(1) in functions:
            fn = functions[ref.group(1)]
            if fn.body.value("publish") != "true":
                self.at(
                    "LE201",
                    fn,
                    "publish",
                    f"{fn.name} is not published, so qualified_arn is $LATEST",
                    "set publish = true on the aws_lambda_function",
                )
        elif not VERSION_ARN.match(unquote(arn) or ""):
            self.at(
                "LE201",
                dist,
                "lambda_arn",
                f"a trigger names {arn!r}, not a numbered version",
                "use aws_lambda_function.<name>.qualified_arn (with publish = true)",
            )

    def regions(self) -> None:
        regions = {b.name: unquote(b.body.value("region")) for b in self.of("provider", "aws")}
        for fn in self.of("resource", LAMBDA):
            provider = fn.body.value("provider") or ""
            alias = provider.removeprefix("aws.") if provider.startswith("aws.") else ""
            region = regions.get(alias)
            if region != EDGE_REGION:
                self.at(
                    "LE202",
                    fn,
                    "provider",
                    f"{fn.name} is created in {region or 'the default region'}, not {EDGE_REGION}",
                    'set provider = aws.<alias> with region = "us-east-1"',
                )

    def trust(self) -> None:
        documents = {b.name: b for b in self.of("data", "aws_iam_policy_document")}
        for role in self.of("resource", "aws_iam_role"):
            policy = role.body.value("assume_role_policy") or ""
            principals = _principals(policy, documents)
            missing = [p for p in TRUSTED if p not in principals]
            if missing:
                self.at(
                    "LE203",
                    role,
                    "identifiers" if POLICY_REF.match(policy) else "assume_role_policy",
                    f"role {role.name} is not assumable by {', '.join(missing)}",
                    "trust both lambda.amazonaws.com and edgelambda.amazonaws.com",
                )

    def refused(self) -> None:
        for fn in self.of("resource", LAMBDA):
            for attribute, fix in REFUSED.items():
                if fn.body.sets(attribute):
                    self.at("LE204", fn, attribute, f"{fn.name} sets {attribute}", fix)
            self._refused_values(fn)
        for block in self.of("resource", "aws_lambda_provisioned_concurrency_config"):
            self.at(
                "LE204",
                block,
                "provisioned_concurrent_executions",
                "provisioned concurrency is configured",
                "remove it: Lambda@Edge does not support provisioned concurrency",
            )

    def _refused_values(self, fn: Block) -> None:
        default = f'["{ARCHITECTURE}"]'
        architectures = re.findall(r'"([^"]*)"', fn.body.value("architectures") or default)
        if architectures != [ARCHITECTURE]:
            self.at(
                "LE204",
                fn,
                "architectures",
                f"{fn.name} runs on {architectures}",
                'use architectures = ["x86_64"]: arm64 is not supported',
            )
        if unquote(fn.body.value("package_type") or f'"{PACKAGE_TYPE}"') != PACKAGE_TYPE:
            self.at(
                "LE204",
                fn,
                "package_type",
                f"{fn.name} is a container image",
                'use package_type = "Zip"',
            )
        for storage in fn.body.children("ephemeral_storage"):
            size = storage.value("size") or str(EPHEMERAL_STORAGE_MAX_MB)
            if size.isdigit() and int(size) > EPHEMERAL_STORAGE_MAX_MB:
                self.at(
                    "LE204",
                    fn,
                    "ephemeral_storage",
                    f"{fn.name} asks for {size} MB of /tmp",
                    f"use at most {EPHEMERAL_STORAGE_MAX_MB} MB of ephemeral storage",
                )


def _principals(policy: str, documents: Mapping[str, Block]) -> set[str]:
    ref = POLICY_REF.match(policy)
    if ref is None:
        return {p for p in TRUSTED if p in policy}  # jsonencode or a literal document
    document = documents.get(ref.group(1))
    found: set[str] = set()
    for statement in document.body.children("statement") if document else []:
        for principal in statement.children("principals"):
            found.update(re.findall(r'"([^"]*)"', principal.value("identifiers") or ""))
    return found


def _line_of(path: Path, text: str) -> int | None:
    """The first line that sets `text` (an attribute or block name) or, quoted, mentions it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for number, line in enumerate(lines, start=1):
        quoted = text.startswith('"')
        if (text in line) if quoted else re.match(rf"\s*{re.escape(text)}\b", line):
            return number
    return None


def check_rendered(
    files: Mapping[str, str], sources: Mapping[str, Path], root: Path
) -> list[Finding]:
    """`files`: rendered file name -> HCL; `sources`: file name -> the template that wrote it."""
    try:
        checks = _Checks(files, sources, root)
    except HclSyntaxError as exc:
        # terraform validate reports the details; lint only says it could not read the stack.
        return [
            Finding(
                "LE201",
                "(rendered stack)",
                None,
                f"cannot read the rendered stack: {exc}",
                "run edgeform validate to see Terraform's own message",
            )
        ]
    checks.versions()
    checks.regions()
    checks.trust()
    checks.refused()
    return checks.found
