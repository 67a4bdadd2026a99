"""A stage's expiry, as a tag on its resources: distribution, bucket and functions.

The tag is set through the AWS API after the apply, not by Terraform: an expiry moves with
every deploy, and through Terraform that would make every redeploy a change to every resource
(a distribution update takes minutes on AWS). The providers ignore the key (`ignore_tags` in
the rendered providers), so Terraform neither sets nor removes it.
"""

from __future__ import annotations

from typing import Any

from edgeform.aws.session import LAMBDA_REGION, Connection
from edgeform.model.state import EXPIRY_TAG


def set_expiry(conn: Connection, outputs: dict[str, Any], expires: str | None) -> None:
    """Tag the stage's resources with `expires` (ISO 8601 UTC), or untag them for None."""
    _tag_distribution(conn, outputs["distribution_arn"], expires)
    _tag_bucket(conn, outputs["bucket_name"], expires)
    lam = conn.client("lambda", LAMBDA_REGION)
    for function in outputs.get("functions", {}).values():
        arn = function["qualified_arn"].rsplit(":", 1)[0]  # tags belong to the function
        if expires:
            lam.tag_resource(Resource=arn, Tags={EXPIRY_TAG: expires})
        else:
            lam.untag_resource(Resource=arn, TagKeys=[EXPIRY_TAG])


def _tag_distribution(conn: Connection, arn: str, expires: str | None) -> None:
    cloudfront = conn.client("cloudfront", LAMBDA_REGION)
    if expires:
        items = [{"Key": EXPIRY_TAG, "Value": expires}]
        cloudfront.tag_resource(Resource=arn, Tags={"Items": items})
    else:
        cloudfront.untag_resource(Resource=arn, TagKeys={"Items": [EXPIRY_TAG]})


def _tag_bucket(conn: Connection, bucket: str, expires: str | None) -> None:
    """S3 replaces a bucket's whole tag set: read it, change the one key, write it back."""
    s3 = conn.client("s3")
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket).get("TagSet", [])}
    if tags.get(EXPIRY_TAG) == expires:
        return
    tags.pop(EXPIRY_TAG, None)
    if expires:
        tags[EXPIRY_TAG] = expires
    tag_set = [{"Key": k, "Value": v} for k, v in sorted(tags.items())]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tag_set})
