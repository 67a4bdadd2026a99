"""The request log's operation names, from botocore's models: what each SDK actually sends."""

from __future__ import annotations

import io
import json

import pytest

from edgeform.localcloud.requests import operation_of, record, service_of

BUCKET = "/edgeform-demo--main--123456789012"
FN = "/2015-03-31/functions/fn"
CF = "/2020-05-31/distribution"
CREATE_ROLE = b"Action=CreateRole&Version=2010-05-08"
LOGS = {"X-Amz-Target": "Logs_20140328.CreateLogGroup"}


@pytest.mark.parametrize(
    ("service", "method", "path", "query", "headers", "body", "operation"),
    [
        # The AWS provider (Go SDK v2) writes `?policy=`; boto3 writes `?policy`.
        ("s3", "PUT", BUCKET, "", {}, b"", "CreateBucket"),
        ("s3", "PUT", BUCKET, "policy=", {}, b"", "PutBucketPolicy"),
        ("s3", "GET", BUCKET, "tagging", {}, b"", "GetBucketTagging"),
        ("s3", "GET", BUCKET, "list-type=2&prefix=a", {}, b"", "ListObjectsV2"),
        ("s3", "GET", BUCKET, "", {}, b"", "ListObjects"),
        ("s3", "HEAD", BUCKET, "", {}, b"", "HeadBucket"),
        ("s3", "GET", "/", "", {}, b"", "ListBuckets"),
        ("s3", "PUT", f"{BUCKET}/a/b.html", "", {}, b"", "PutObject"),
        ("s3", "PUT", f"{BUCKET}/a", "", {"X-Amz-Copy-Source": "x/y"}, b"", "CopyObject"),
        ("s3", "GET", f"{BUCKET}/a", "uploadId=7", {}, b"", "ListParts"),
        ("s3", "GET", f"{BUCKET}/a", "x-id=GetObject", {}, b"", "GetObject"),
        ("s3", "POST", BUCKET, "delete", {}, b"", "DeleteObjects"),
        ("lambda", "POST", f"{FN}/versions", "", {}, b"", "PublishVersion"),
        ("lambda", "GET", f"{FN}/versions", "", {}, b"", "ListVersionsByFunction"),
        ("cloudfront", "POST", CF, "WithTags", {}, b"", "CreateDistributionWithTags"),
        ("cloudfront", "GET", f"{CF}/E1/config", "", {}, b"", "GetDistributionConfig"),
        ("iam", "POST", "/", "", {}, CREATE_ROLE, "CreateRole"),
        ("logs", "POST", "/", "", LOGS, b"", "CreateLogGroup"),
        ("lambda", "PATCH", "/nowhere", "", {}, b"", None),
    ],
)  # fmt: skip
def test_each_request_is_named_by_its_operation(
    service, method, path, query, headers, body, operation
):
    assert operation_of(service, method, path, query, headers, body) == operation


def test_the_service_is_the_signing_name_of_the_credential_scope():
    scope = "Credential=AKID/20261123/us-east-1/s3/aws4_request"
    signed = {"Authorization": f"AWS4-HMAC-SHA256 {scope}, SignedHeaders=host, Signature=0"}
    assert service_of(signed) == "s3"
    assert service_of({}) is None


def test_recording_hands_the_body_on_untouched(tmp_path):
    body = b"Action=GetRole&RoleName=r&Version=2010-05-08"
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=A/20261123/us-east-1/iam/aws4_request",
        "wsgi.input": io.BytesIO(body),
    }
    log = tmp_path / "requests.jsonl"
    record(environ, log)
    assert environ["wsgi.input"].read() == body  # moto still reads the request
    assert json.loads(log.read_text())["operation"] == "GetRole"
    record({**environ, "HTTP_AUTHORIZATION": "", "wsgi.input": io.BytesIO(b"")}, log)
    assert len(log.read_text().splitlines()) == 1  # unsigned requests are not AWS calls
