"""The only code that imports boto3 (and botocore): the session factory, the error boundary,
and typed helpers for CloudFront, S3 and Lambda that the deploy and the emulator call."""
