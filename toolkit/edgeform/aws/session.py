"""One session factory for every AWS client edgeform makes.

Credentials come from the standard chain (profiles, environment, SSO) and `AWS_ENDPOINT_URL`
is honoured by botocore itself. The local target gets the embedded endpoint and dummy
credentials, so real ones are never sent to it. Every client is a `GuardedClient`: its calls
raise `AwsError`, never a botocore exception.
"""

from __future__ import annotations

from dataclasses import dataclass
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
class AwsSession:
    target: Target
    endpoint_url: str | None = None

    @property
    def where(self) -> str:
        if self.target.kind == "local":
            return f"the embedded AWS endpoint at {self.endpoint_url}"
        return f"AWS at {self.endpoint_url}" if self.endpoint_url else "AWS"

    def client(self, service: str, region: str | None = None) -> GuardedClient:
        # A missing profile (named in the target or AWS_PROFILE) shows here, not at a call.
        try:
            session = boto3.session.Session(
                profile_name=self.target.profile if self.target.kind == "aws" else None,
                **(_LOCAL_CREDENTIALS if self.target.kind == "local" else {}),
            )
            raw = session.client(
                service,
                region_name=region or self.target.region,
                endpoint_url=self.endpoint_url,
                config=_RETRIES,
            )
        except ProfileNotFound as exc:
            raise profile_error(exc) from None
        return GuardedClient(raw, self.where)
