"""Where moto falls short of AWS in what edgeform relies on, the AWS behaviour restored.

Written for moto 5.2.5 (see MOTO_VERSION); `apply()` refuses other versions, because each patch
wraps moto internals. One module per AWS API restored (cloudfront, s3, awslambda; replicas
spans CloudFront and Lambda), each patch with a test in tests/functional/test_localcloud.py
that shows the AWS behaviour it restores; a new API's patches are a new module, applied here:

- a distribution keeps its cache behaviors' `LambdaFunctionAssociations` and its origins'
  `OriginAccessControlId` (moto drops both, so every plan after a deploy shows changes);
- the default certificate has no `SSLSupportMethod` (moto invents "sni-only": a perpetual diff);
- `UpdateDistribution` and `DeleteDistribution` check `IfMatch` against the current ETag
  (`PreconditionFailed` otherwise) and an update issues a new ETag and goes back to
  `InProgress`; deleting an enabled distribution fails with `DistributionNotDisabled`;
- `GetFunction` gives a `Code.Location` for zip functions that can be fetched (moto names a
  bucket that does not exist), served by the
  endpoint itself under `/_edgeform/lambda-code/`, so `edgeform serve --from-stage` can read
  back the code of the version a trigger is wired to;
- cache, origin request and response headers policies exist (moto has none): created, read,
  listed (AWS's managed ones too), updated and deleted with ETags, refused while a behavior
  uses them; a distribution may name only policies that exist (policies.py);
- invalidations report `Completed` (moto says "COMPLETED", which boto3's waiter never matches);
- a function version once wired to a distribution is replicated: deleting it (or its function)
  fails with Lambda's `InvalidParameterValueException` ("... because it is a replicated
  function ...") while it is wired and for `replica_seconds` after its last association is
  removed or its distribution deleted (hours on AWS; moto deletes it at once);
- bucket policies see `aws:SecureTransport = true`, understand the `Bool` operator, and a
  statement whose condition does not hold does not apply (moto answers DENIED for it, whatever
  its Effect). The endpoint speaks plain HTTP on loopback but stands for AWS reached over TLS;
  without these, the "deny non-TLS" statement of edgeform's bucket policy denies everything.

The distribution's InProgress -> Deployed delay uses moto's own time-based state manager.
"""

from __future__ import annotations

from typing import Final

MOTO_VERSION: Final = "5.2.5"


def apply(deploy_delay_seconds: float, replica_seconds: float = 0.0) -> None:
    import moto

    from edgeform.localcloud.patches import awslambda, cloudfront, policies, replicas, s3

    if moto.__version__ != MOTO_VERSION:
        raise RuntimeError(
            f"edgeform's moto patches are for moto {MOTO_VERSION}, "
            f"found {moto.__version__}; reinstall edgeform"
        )
    cloudfront.apply(deploy_delay_seconds)
    policies.apply()
    awslambda.apply()
    s3.apply()
    replicas.apply(replica_seconds)
