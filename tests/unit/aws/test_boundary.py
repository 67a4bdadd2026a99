"""What each AWS error code becomes: botocore's own error types, made as botocore makes them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from edgeform.aws.boundary import aws_error


def client_error(code: str, message: str = "no") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "PutObject")


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("ExpiredToken", "expired or wrong"),
        ("InvalidClientTokenId", "expired or wrong"),
        ("AccessDenied", "may not call s3:PutObject: allow it in their IAM policy"),
        ("AccessDeniedException", "may not call s3:PutObject"),
        ("Throttling", "throttling"),
        ("SlowDown", "throttling"),
        ("NoSuchBucket", "read AWS's message"),
    ],
)
def test_client_errors_name_the_action_and_the_fix(code, hint):
    error = aws_error(client_error(code, "the message"), "s3:PutObject", "AWS")
    assert error.code == code
    assert error.action == "s3:PutObject"
    assert error.message == f"s3:PutObject failed: {code}: the message"
    assert hint in error.hint


def test_an_unreachable_aws_endpoint_is_not_blamed_on_the_embedded_one():
    exc = EndpointConnectionError(endpoint_url="https://s3.amazonaws.com/")
    error = aws_error(exc, "s3:ListObjectsV2", "AWS")
    assert error.code == "EndpointUnreachable"
    assert "AWS does not answer" in error.message
    assert "AWS_ENDPOINT_URL" in error.hint
    assert "embedded" not in error.hint
