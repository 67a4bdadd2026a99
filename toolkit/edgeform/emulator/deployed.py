"""Serve what a stage actually has deployed, read back through `aws/`.

The distribution's config gives the behaviors, their TTLs and their Lambda@Edge associations;
each associated version's code is downloaded from Lambda (`GetFunction` on the qualified ARN)
and unpacked; the origin is the stage's bucket. Nothing in the working tree is read, so the
user sees the deployed stack, not their edits. The stack is read once, when serving starts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from edgeform.aws.cloudfront import CloudFront, DeployedBehavior
from edgeform.aws.functions import download_code, published_version
from edgeform.aws.session import LAMBDA_REGION, Connection
from edgeform.emulator.origin import BucketOrigin
from edgeform.emulator.runtimes import EdgeLog, FunctionCode, FunctionPool, Scaling
from edgeform.emulator.stack import EdgeBehavior, EdgeTrigger, ServedStack
from edgeform.errors import DeployedStackError
from edgeform.model.names import function_of


@dataclass(frozen=True)
class DeployedIds:
    distribution_id: str
    bucket: str


def safe_extract(data: bytes, folder: Path) -> None:
    """Unpack a bundle, refusing any entry that would land outside `folder`."""
    staging = folder.with_name(folder.name + ".tmp")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            target = (staging / info.filename).resolve()
            if not target.is_relative_to(staging.resolve()):
                raise DeployedStackError(
                    f"the deployed bundle has an entry outside its folder: {info.filename}",
                    "redeploy the stage with edgeform",
                )
        archive.extractall(staging)
    staging.rename(folder)


class DeployedSource:
    """A `StackSource` over a deployed distribution, its functions and its bucket."""

    def __init__(
        self,
        conn: Connection,
        ids: DeployedIds,
        work_dir: Path,
        log: EdgeLog,
        scaling: Scaling | None = None,
        local_urls: Mapping[str, str] | None = None,
    ) -> None:
        self.conn = conn
        # The deployed distribution knows its origins' domains; where serve sends each one's
        # requests (a server on loopback) is the project's config, by origin name.
        self.local_urls = dict(local_urls or {})
        self.ids = ids
        self.work_dir = work_dir
        self.log = log
        self.scaling = scaling
        self._stack: ServedStack | None = None
        self._pools: dict[str, FunctionPool] = {}

    async def current(self) -> ServedStack:
        if self._stack is None:
            self._stack = await asyncio.to_thread(self._load)
        return self._stack

    def _load(self) -> ServedStack:
        cloudfront = CloudFront(self.conn.client("cloudfront", LAMBDA_REGION))
        deployed = cloudfront.distribution(self.ids.distribution_id)
        return ServedStack(
            behaviors=tuple(self._behavior(b) for b in deployed.behaviors),
            default_root_object=deployed.default_root_object,
            origin=BucketOrigin(self.conn.client("s3"), self.ids.bucket),
            distribution_id=self.ids.distribution_id,
            origin_domain=deployed.origin_domain,
            generation=1,
            error_responses=deployed.error_responses,
            origins={
                o.name: dataclasses.replace(o, local_url=self.local_urls.get(o.name))
                for o in deployed.origins
            },
            origin_groups={g.name: g for g in deployed.origin_groups},
            geo_restriction=deployed.geo_restriction,
        )

    def _behavior(self, deployed: DeployedBehavior) -> EdgeBehavior:
        triggers = {}
        for association in deployed.associations:
            pool = self._pool(association.arn)
            triggers[association.event] = EdgeTrigger(
                association.event,
                function_of(pool.code.name),
                association.include_body,
                pool,
            )
        return EdgeBehavior(
            path_pattern=deployed.path_pattern,
            triggers=triggers,
            allowed_methods=deployed.allowed_methods,
            cached_methods=deployed.cached_methods,
            cache_policy=deployed.cache_policy,
            origin_request_policy=deployed.origin_request_policy,
            response_headers_policy=deployed.response_headers_policy,
            target_origin=deployed.target_origin,
            viewer_protocol_policy=deployed.viewer_protocol_policy,
        )

    def _pool(self, qualified_arn: str) -> FunctionPool:
        if qualified_arn not in self._pools:
            self._pools[qualified_arn] = FunctionPool(
                self._download(qualified_arn), self.log, self.scaling
            )
        return self._pools[qualified_arn]

    def _download(self, qualified_arn: str) -> FunctionCode:
        lam = self.conn.client("lambda", LAMBDA_REGION)
        version, location = published_version(lam, qualified_arn)
        code_id = hashlib.sha256(version.code_sha256.encode()).hexdigest()[:12]
        folder = self.work_dir / f"{version.function_name}-{version.version}-{code_id}"
        if not folder.is_dir():
            folder.parent.mkdir(parents=True, exist_ok=True)
            safe_extract(download_code(location, qualified_arn), folder)
        return FunctionCode(
            name=version.function_name,
            runtime=version.runtime,
            handler=version.handler,
            code_dir=folder,
            memory=version.memory,
            timeout=version.timeout,
            version=version.version,
            arn=qualified_arn,
        )

    async def close(self) -> None:
        pools, self._pools = self._pools, {}
        await asyncio.gather(*(pool.close() for pool in pools.values()))
