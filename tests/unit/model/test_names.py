"""Resource names: within AWS limits, and never shared between projects or stages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edgeform.model.names import FUNCTION_NAME_MAX, LIMITS, PROJECT_NAME_MAX, resource_names
from tests.conftest import stage


def with_names(demo, project_name, functions):
    fn = next(iter(demo.functions.values()))
    return type(demo)(
        **{**demo.__dict__, "name": project_name, "functions": {f: fn for f in functions}}
    )


def test_demo_names(demo):
    names = resource_names(demo, stage("main"))
    assert names.bucket_prefix == "edgeform-demo--main--"
    assert names.role == "edgeform-demo--main--edge"
    assert dict(names.functions) == {
        "redirect": "edgeform-demo--main--redirect",
        "security-headers": "edgeform-demo--main--security-headers",
    }


def test_longest_possible_names_fit_aws_limits(demo):
    project = with_names(demo, "p" * PROJECT_NAME_MAX, ["f" * FUNCTION_NAME_MAX])
    names = resource_names(project, stage("a/very/long/branch/name/" + "x" * 200))
    assert names.longest_bucket <= LIMITS["bucket"]
    assert all(len(n) <= LIMITS["lambda"] for n in names.functions.values())
    assert len(names.role) <= LIMITS["role"]


def test_project_and_stage_cannot_run_into_each_other(demo):
    a = resource_names(with_names(demo, "shop", ["edge"]), stage("api-main"))
    b = resource_names(with_names(demo, "shop-api", ["edge"]), stage("main"))
    assert a.bucket_prefix != b.bucket_prefix
    assert a.functions["edge"] != b.functions["edge"]


def test_stage_and_function_cannot_run_into_each_other(demo):
    a = resource_names(with_names(demo, "shop", ["api-auth"]), stage("main"))
    b = resource_names(with_names(demo, "shop", ["auth"]), stage("main-api"))
    assert a.functions["api-auth"] != b.functions["auth"]


@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
def test_two_stages_never_share_a_bucket(repo_demo, a, b):
    if a != b:
        assert (
            resource_names(repo_demo, stage(a)).bucket_prefix
            != resource_names(repo_demo, stage(b)).bucket_prefix
        )
