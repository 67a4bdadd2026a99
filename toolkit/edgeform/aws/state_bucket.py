"""The shared state bucket, made ready by `edgeform bootstrap`: idempotent, and it says so.

It creates the bucket where it is missing, then makes sure of each setting a Terraform state
bucket needs: versioning (a bad write can be undone), default encryption, every public access
blocked, and a policy that refuses requests without TLS. A setting already in place is left
alone and reported as found, so a second run changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

from edgeform.aws.boundary import GuardedClient
from edgeform.errors import AwsError

TLS_SID: Final = "EdgeformDenyInsecureTransport"
_PUBLIC_ACCESS_BLOCK: Final = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


@dataclass(frozen=True)
class BootstrapStep:
    setting: str  # bucket, versioning, encryption, public access block, TLS-only policy
    changed: bool  # False: found in place

    def describe(self) -> str:
        return f"{self.setting}: {'created' if self.changed else 'already in place'}"


def bootstrap_state_bucket(s3: GuardedClient, bucket: str, region: str) -> list[BootstrapStep]:
    return [
        BootstrapStep("bucket", _ensure_bucket(s3, bucket, region)),
        BootstrapStep("versioning", _ensure_versioning(s3, bucket)),
        BootstrapStep("old versions expire", _ensure_old_versions_expire(s3, bucket)),
        BootstrapStep("encryption", _ensure_encryption(s3, bucket)),
        BootstrapStep("public access block", _ensure_public_access_block(s3, bucket)),
        BootstrapStep("TLS-only policy", _ensure_tls_policy(s3, bucket)),
    ]


def bucket_exists(s3: GuardedClient, bucket: str) -> bool:
    try:
        s3.head_bucket(Bucket=bucket)
    except AwsError as exc:
        if exc.code in ("404", "NoSuchBucket", "NotFound"):
            return False
        if exc.code in ("403", "AccessDenied"):
            raise AwsError(
                f"state bucket {bucket} exists but these credentials may not use it "
                "(another account's, or a policy denies it)",
                "choose another [targets.<name>.state] bucket, or allow s3:ListBucket on it",
                code=exc.code,
                action=exc.action,
            ) from exc
        raise
    return True


def _ensure_bucket(s3: GuardedClient, bucket: str, region: str) -> bool:
    if bucket_exists(s3, bucket):
        return False
    options: dict[str, Any] = {"Bucket": bucket}
    if region != "us-east-1":  # us-east-1 refuses a LocationConstraint naming itself
        options["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**options)
    return True


def _ensure_versioning(s3: GuardedClient, bucket: str) -> bool:
    if s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled":
        return False
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return True


NONCURRENT_DAYS: Final = 90  # how long a replaced state (or lock, record) can be restored
OLD_VERSIONS_RULE: Final = "edgeform-old-versions"


def _ensure_old_versions_expire(s3: GuardedClient, bucket: str) -> bool:
    """Versioning keeps every state a deploy replaced, and every lock file, forever: a
    lifecycle rule removes versions replaced over NONCURRENT_DAYS ago, keeping the newest
    few, and the delete markers left alone. Another rule of the bucket's owner is kept."""
    try:
        rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules", [])
    except AwsError as exc:
        if exc.code != "NoSuchLifecycleConfiguration":
            raise
        rules = []
    if any(rule.get("ID") == OLD_VERSIONS_RULE for rule in rules):
        return False
    ours = {
        "ID": OLD_VERSIONS_RULE,
        "Status": "Enabled",
        "Filter": {},
        "NoncurrentVersionExpiration": {
            "NoncurrentDays": NONCURRENT_DAYS,
            "NewerNoncurrentVersions": 5,
        },
        "Expiration": {"ExpiredObjectDeleteMarker": True},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [*rules, ours]}
    )
    return True


def _ensure_encryption(s3: GuardedClient, bucket: str) -> bool:
    try:
        rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
        if rules.get("Rules"):
            return False
    except AwsError as exc:
        if exc.code != "ServerSideEncryptionConfigurationNotFoundError":
            raise
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    return True


def _ensure_public_access_block(s3: GuardedClient, bucket: str) -> bool:
    try:
        current = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        if all(current.get(key) for key in _PUBLIC_ACCESS_BLOCK):
            return False
    except AwsError as exc:
        if exc.code != "NoSuchPublicAccessBlockConfiguration":
            raise
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=_PUBLIC_ACCESS_BLOCK)
    return True


def tls_only_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": TLS_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _ensure_tls_policy(s3: GuardedClient, bucket: str) -> bool:
    """Adds the TLS-only statement, keeping any statement the bucket's owner wrote."""
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    except AwsError as exc:
        if exc.code != "NoSuchBucketPolicy":
            raise
        policy = {"Version": "2012-10-17", "Statement": []}
    statements = policy.setdefault("Statement", [])
    if any(isinstance(s, dict) and s.get("Sid") == TLS_SID for s in statements):
        return False
    statements.append(tls_only_statement(bucket))
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    return True
