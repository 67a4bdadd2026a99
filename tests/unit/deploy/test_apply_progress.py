"""Terraform's streamed output as progress lines: one per resource done, of the plan's total."""

from __future__ import annotations

from edgeform.deploy.terraform import ApplyProgress

# As Terraform 1.11 prints a plan and its apply (trimmed), colour codes included once.
OUTPUT = """\
aws_s3_bucket.site: Refreshing state... [id=edgeform-demo--main--123456789012]
Plan: 1 to import, 2 to add, 1 to change, 1 to destroy.
aws_iam_role.edge: Importing... [id=edgeform-demo--main--edge]
aws_iam_role.edge: Import complete [id=edgeform-demo--main--edge]
\x1b[0m\x1b[1maws_s3_bucket.site: Creating...\x1b[0m
\x1b[0m\x1b[1maws_s3_bucket.site: Creation complete after 1s [id=b]\x1b[0m
aws_lambda_function.redirect: Modifying... [id=f]
aws_lambda_function.redirect: Still modifying... [id=f, 10s elapsed]
aws_lambda_function.redirect: Modifications complete after 12s [id=f]
aws_cloudfront_origin_access_control.old: Destroying... [id=o]
aws_cloudfront_origin_access_control.old: Destruction complete after 0s
aws_s3_bucket_policy.site: Creation complete after 0s [id=b]
Apply complete! Resources: 1 imported, 2 added, 1 changed, 1 destroyed.
"""


def test_one_line_per_resource_done_of_the_plans_total():
    shown: list[str] = []
    progress = ApplyProgress(shown.append)
    for line in OUTPUT.splitlines():
        progress(line)
    assert shown == [
        "  1/5 aws_iam_role.edge imported",
        "  2/5 aws_s3_bucket.site created",
        "  3/5 aws_lambda_function.redirect changed",
        "  4/5 aws_cloudfront_origin_access_control.old destroyed",
        "  5/5 aws_s3_bucket_policy.site created",
    ]


def test_without_a_plan_line_the_total_is_unknown():
    shown: list[str] = []
    progress = ApplyProgress(shown.append)
    progress("aws_s3_bucket.site: Destruction complete after 1s")
    assert shown == ["  1/? aws_s3_bucket.site destroyed"]
