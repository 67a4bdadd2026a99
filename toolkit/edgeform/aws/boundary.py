"""Where botocore's errors become edgeform's: every AWS call edgeform makes passes here.

`GuardedClient` wraps a boto3 client so that each call (and each page of a paginator) raises
`AwsError` instead of a botocore exception, naming the API action (`s3:PutObject`) and giving
a hint for what users meet: missing or expired credentials, access denied, throttling, an
endpoint that does not answer (for the embedded endpoint: it has stopped). Code inside `aws/`
that expects an error (a missing key) checks `AwsError.code`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Final

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from edgeform.errors import AwsError

EXPIRED: Final = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
    }
)
DENIED: Final = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden", "403"}
)
THROTTLED: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "TooManyInvalidationsInProgress",
    }
)
UNREACHABLE: Final = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
)
CREDENTIALS_HINT: Final = (
    "give credentials through the standard chain: AWS_PROFILE (and `aws sso login` for SSO), "
    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a role on the CI runner"
)


def aws_error(exc: Exception, action: str, where: str) -> AwsError:
    """The edgeform error for a botocore exception raised by `action` against `where`."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = str(error.get("Message", "")) or str(exc)
        return AwsError(
            f"{action} failed: {code}: {message}", _hint(code, action), code=code, action=action
        )
    if isinstance(exc, UNREACHABLE):
        return AwsError(
            f"{action} failed: {where} does not answer ({type(exc).__name__})",
            _unreachable_hint(where),
            code="EndpointUnreachable",
            action=action,
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return AwsError(
            f"{action}: no AWS credentials found",
            CREDENTIALS_HINT,
            code="NoCredentials",
            action=action,
        )
    if isinstance(exc, TokenRetrievalError | UnauthorizedSSOTokenError):
        return AwsError(
            f"{action}: the SSO session has expired",
            "run `aws sso login` (with the same profile), then the command again",
            code="ExpiredToken",
            action=action,
        )
    if isinstance(exc, ProfileNotFound):
        return profile_error(exc)
    return AwsError(
        f"{action} failed: {exc}",
        "run the command again; if it persists, report it with --debug",
        action=action,
    )


def profile_error(exc: ProfileNotFound) -> AwsError:
    return AwsError(
        f"AWS profile {exc.kwargs.get('profile', '')!r} is not in the AWS config",
        "fix `profile` of the target in edgeform.toml or AWS_PROFILE, or add the profile "
        "to ~/.aws/config (aws configure --profile NAME)",
        code="ProfileNotFound",
    )


def _hint(code: str, action: str) -> str:
    if code in EXPIRED:
        return f"the AWS credentials are expired or wrong: {CREDENTIALS_HINT}"
    if code in DENIED:
        return f"the credentials in use may not call {action}: allow it in their IAM policy"
    if code in THROTTLED:
        return "AWS is throttling this account's requests: wait a minute, then run it again"
    return "read AWS's message above; fix the cause and run the same command again"


def _unreachable_hint(where: str) -> str:
    if where.startswith("the embedded AWS endpoint"):
        return (
            "the embedded endpoint has stopped, and the stage's resources went with it; "
            "`edgeform local status` tells, and `edgeform deploy` starts a new one"
        )
    return "check the network, the region and AWS_ENDPOINT_URL, then run the command again"


class GuardedClient:
    """A boto3 client whose calls raise `AwsError`; `raw` is the client itself."""

    def __init__(self, raw: Any, where: str) -> None:
        self.raw = raw
        self.where = where  # "AWS (us-east-1)" or "the embedded AWS endpoint at <url>"

    def action(self, method: str) -> str:
        operation = self.raw.meta.method_to_api_mapping.get(method, method)
        return f"{self.raw.meta.service_model.signing_name}:{operation}"

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.raw, name)
        if name == "get_paginator":
            return lambda method: GuardedPaginator(attribute(method), self, method)
        if not callable(attribute) or name.startswith("_") or name == "can_paginate":
            return attribute
        return self._guard(attribute, self.action(name))

    def _guard(self, call: Callable[..., Any], action: str) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except (BotoCoreError, ClientError) as exc:
                raise aws_error(exc, action, self.where) from exc

        return guarded


class GuardedPaginator:
    def __init__(self, raw: Any, client: GuardedClient, method: str) -> None:
        self.raw = raw
        self.client = client
        self.method = method

    def paginate(self, **kwargs: Any) -> Iterator[Any]:
        action = self.client.action(self.method)
        pages = iter(self.raw.paginate(**kwargs))
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except (BotoCoreError, ClientError) as exc:
                raise aws_error(exc, action, self.client.where) from exc
            yield page
