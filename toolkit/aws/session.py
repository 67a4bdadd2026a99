"""One session factory for every AWS client edgeform makes.

Credentials come from the standard chain (profiles, environment, SSO) and `AWS_ENDPOINT_URL`
is honoured by botocore itself. The local target gets the embedded endpoint and dummy
credentials, so real ones are never sent to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from toolkit.config import Target

LAMBDA_REGION = "us-east-1"
_RETRIES = Config(retries={"max_attempts": 5, "mode": "standard"})


@dataclass(frozen=True)
class AwsSession:
    target: Target
    endpoint_url: str | None = None

    def client(self, service: str, region: str | None = None) -> Any:
        session = boto3.session.Session(
            profile_name=self.target.profile if self.target.kind == "aws" else None,
            **(_LOCAL_CREDENTIALS if self.target.kind == "local" else {}),
        )
        return session.client(
            service,
            region_name=region or self.target.region,
            endpoint_url=self.endpoint_url,
            config=_RETRIES,
        )


_LOCAL_CREDENTIALS = {
    "aws_access_key_id": "edgeform-local",
    "aws_secret_access_key": "edgeform-local",
}
