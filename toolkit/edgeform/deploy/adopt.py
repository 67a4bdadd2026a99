"""Adopt what an interrupted deploy created but never recorded in the stage's state.

A deploy killed during `terraform apply` (SIGKILL, a cancelled CI job) can leave a function,
a role or a distribution on AWS that the state does not know: the next apply would fail with
"already exists", or, for the distribution, which has no unique name, make a second one.
Every name of a stage is deterministic, so before planning edgeform looks up each resource
of the stack that the state lacks, and writes an `import` block (Terraform >= 1.5) for each
one it finds: the plan then takes it over instead of creating it again.

Only resources whose creation fails or duplicates are looked up; the bucket's settings and
the role's policy are "put" operations that simply overwrite. When the state already holds
everything, no AWS call is made.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from edgeform.aws import inventory
from edgeform.aws.session import LAMBDA_REGION, Connection
from edgeform.lint.terraform_rules import blocks
from edgeform.model.context import StageContext
from edgeform.render.hcl import quote
from edgeform.render.stack import distribution_comment, stage_tags

IMPORTS_FILE: Final = "edgeform_imports.tf"
BUCKET: Final = "aws_s3_bucket.site"
ROLE: Final = "aws_iam_role.edge"
OAC: Final = "aws_cloudfront_origin_access_control.site"
DISTRIBUTION: Final = "aws_cloudfront_distribution.site"
FUNCTION: Final = "aws_lambda_function"
# The policies' Terraform types, by the API's name for them.
POLICIES: Final = {
    "aws_cloudfront_cache_policy": "CachePolicy",
    "aws_cloudfront_origin_request_policy": "OriginRequestPolicy",
    "aws_cloudfront_response_headers_policy": "ResponseHeadersPolicy",
}


def tainted_policies(tainted: Collection[str]) -> list[str]:
    """The policies among tainted addresses: whole once made, so kept rather than replaced."""
    return sorted(a for a in tainted if a.partition(".")[0] in POLICIES)


@dataclass(frozen=True)
class Adoption:
    address: str
    id: str


def candidates(ctx: StageContext, files: Mapping[str, str], state: Collection[str]) -> list[str]:
    """The adoptable addresses the rendered stack declares and the state lacks."""
    declared = {f"{b.type}.{b.name}" for b in blocks(files) if b.kind == "resource"}
    wanted = [BUCKET, ROLE, OAC, DISTRIBUTION]
    wanted += [f"{FUNCTION}.{name}" for name in sorted(ctx.project.functions)]
    wanted += sorted(
        f"{b.type}.{b.name}" for b in blocks(files) if b.kind == "resource" and b.type in POLICIES
    )
    return [address for address in wanted if address in declared and address not in state]


def find(ctx: StageContext, conn: Connection, addresses: list[str]) -> list[Adoption]:
    """Which of `addresses` exist on AWS already, with the id Terraform imports them by."""
    found = ((address, _lookup(ctx, conn, address)) for address in addresses)
    return [Adoption(address, resource_id) for address, resource_id in found if resource_id]


def _lookup(ctx: StageContext, conn: Connection, address: str) -> str | None:
    names = ctx.names
    if address == BUCKET:
        account = inventory.account_id(conn.client("sts"))
        bucket = f"{names.bucket_prefix}{account}"
        return bucket if inventory.bucket_exists(conn.client("s3"), bucket) else None
    if address == ROLE:
        return names.role if inventory.role_exists(conn.client("iam"), names.role) else None
    if address == OAC:
        cloudfront = conn.client("cloudfront", LAMBDA_REGION)
        return inventory.origin_access_control_id(cloudfront, names.oac)
    if address == DISTRIBUTION:
        return _distribution(ctx, conn)
    kind, _, name = address.partition(".")
    if kind in POLICIES:
        # Policies have unique names: one a killed apply made blocks the next one's create.
        cloudfront = conn.client("cloudfront", LAMBDA_REGION)
        return inventory.policy_id(cloudfront, POLICIES[kind], f"{names.prefix}--{name}")
    function = names.functions[address.removeprefix(f"{FUNCTION}.")]
    lam = conn.client("lambda", LAMBDA_REGION)
    return function if inventory.function_exists(lam, function) else None


def _distribution(ctx: StageContext, conn: Connection) -> str | None:
    tags = stage_tags(ctx.project, ctx.stage)
    cloudfront = conn.client("cloudfront", LAMBDA_REGION)
    found = inventory.distribution_ids(
        cloudfront, tags, comment=distribution_comment(ctx.project, ctx.stage)
    )
    return found[0] if found else None


def import_blocks(adoptions: list[Adoption]) -> str:
    return "".join(
        f"import {{\n  to = {a.address}\n  id = {quote(a.id)}\n}}\n\n" for a in adoptions
    ).rstrip("\n") + ("\n" if adoptions else "")


def write_imports(stage_dir: Path, adoptions: list[Adoption]) -> None:
    path = stage_dir / IMPORTS_FILE
    if adoptions:
        path.write_text(import_blocks(adoptions), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
