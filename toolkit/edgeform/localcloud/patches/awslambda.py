"""Lambda's `GetFunction` with a `Code.Location` that can be fetched: served by the endpoint
itself, so that `serve --from-stage` reads back the code a trigger is wired to."""

from __future__ import annotations

from typing import Any, Final


def apply() -> None:
    _lambda_code_location()


CODE_PATH: Final = "/_edgeform/lambda-code/"


def _lambda_code_location() -> None:
    import os

    from moto import server
    from moto.awslambda import models as lambda_models

    original = lambda_models.LambdaFunction.get_code

    def get_code(self: Any) -> dict[str, Any]:
        response = dict(original(self))
        # moto answers with the Location of a bucket that does not exist.
        if "ZipFile" in self.code:
            port = os.environ.get("MOTO_PORT", "5000")
            response["Code"] = {
                "RepositoryType": "S3",
                "Location": f"http://127.0.0.1:{port}{CODE_PATH}{self.account_id}/"
                f"{self.region}/{self.function_name}/{self.version}",
            }
        return response

    lambda_models.LambdaFunction.get_code = get_code  # type: ignore[method-assign]  # the patch: moto's method replaced on its class
    dispatcher = server.DomainDispatcherApplication
    call = dispatcher.__call__

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CODE_PATH):
            return call(self, environ, start_response)
        account, region, name, version = path[len(CODE_PATH) :].split("/", 3)
        try:
            backend = lambda_models.lambda_backends[account][region]
            data = backend.get_function(name, version).code_bytes
        except Exception:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such function version"]
        start_response("200 OK", [("Content-Type", "application/zip")])
        return [data]

    dispatcher.__call__ = __call__  # type: ignore[method-assign]  # the patch: moto's method replaced on its class
