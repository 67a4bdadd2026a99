"""A run's `Connection`: where its AWS calls go, resolved once, the factory of every client.

Credentials come from the standard chain (profiles, environment, SSO) and `AWS_ENDPOINT_URL`
is honoured by botocore itself. The local target gets the embedded endpoint and dummy
credentials, so real ones are never sent to it. Every client is a `GuardedClient`: its calls
raise `AwsError`, never a botocore exception. One boto3 session per connection (loading
botocore's data costs tens of milliseconds), its clients made one at a time (a boto3 session
is not thread-safe; its clients are).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from edgeform.aws.boundary import GuardedClient, profile_error
from edgeform.model.lambda_edge import EDGE_REGION
from edgeform.model.project import Target

LAMBDA_REGION: Final = EDGE_REGION
_RETRIES: Final = Config(retries={"max_attempts": 5, "mode": "standard"})
_LOCAL_CREDENTIALS: Final = {
    "aws_access_key_id": "edgeform-local",
    "aws_secret_access_key": "edgeform-local",
}


@dataclass(frozen=True)
class Connection:
    """The target, and the endpoint its calls go to: the embedded endpoint's URL on a local
    target; None on an aws target (AWS's own endpoints, or AWS_ENDPOINT_URL)."""

    target: Target
    endpoint_url: str | None = None
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @property
    def local(self) -> bool:
        return self.target.kind == "local"

    @property
    def region(self) -> str:
        return self.target.region

    @property
    def where(self) -> str:
        if self.local:
            return f"the embedded AWS endpoint at {self.endpoint_url}"
        return f"AWS at {self.endpoint_url}" if self.endpoint_url else "AWS"

    @cached_property
    def _session(self) -> boto3.session.Session:
        # A missing profile (named in the target or AWS_PROFILE) shows here, not at a call.
        try:
            return boto3.session.Session(
                profile_name=self.target.profile if not self.local else None,
                **(_LOCAL_CREDENTIALS if self.local else {}),
            )
        except ProfileNotFound as exc:
            raise profile_error(exc) from None

    def client(self, service: str, region: str | None = None) -> GuardedClient:
        with self._lock:
            try:
                raw = self._session.client(
                    service,
                    region_name=region or self.target.region,
                    endpoint_url=self.endpoint_url,
                    config=_RETRIES,
                )
            except ProfileNotFound as exc:
                raise profile_error(exc) from None
        return GuardedClient(raw, self.where)

    def state_client(self) -> GuardedClient | None:
        """The state bucket's S3 client; None when the target keeps state in local files."""
        if self.target.state is None:
            return None
        return self.client("s3", self.target.state.region)
