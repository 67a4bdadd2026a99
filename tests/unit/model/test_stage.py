"""Stage names: where they come from, and slugs that never collide."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgeform.errors import StageError
from edgeform.model.stage import SLUG_MAX, resolve_stage, slugify

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def no_branch() -> None:
    return None


def test_explicit_stage_wins():
    stage = resolve_stage(
        "Feature/X", {"EDGEFORM_STAGE": "env", "GITHUB_REF_NAME": "ci"}, lambda: "git"
    )
    assert (stage.name, stage.source) == ("Feature/X", "--stage")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"EDGEFORM_STAGE": "env", "GITHUB_HEAD_REF": "pr"}, ("env", "EDGEFORM_STAGE")),
        # On a pull request GITHUB_REF_NAME is "<n>/merge": the head branch names the stage.
        (
            {"GITHUB_HEAD_REF": "feature/a", "GITHUB_REF_NAME": "12/merge"},
            ("feature/a", "GITHUB_HEAD_REF"),
        ),
        ({"GITHUB_HEAD_REF": "", "GITHUB_REF_NAME": "main"}, ("main", "GITHUB_REF_NAME")),
        ({"CI_COMMIT_REF_NAME": "gitlab-branch"}, ("gitlab-branch", "CI_COMMIT_REF_NAME")),
        ({}, ("git-branch", "git branch")),
    ],
)
def test_resolution_order(environ, expected):
    stage = resolve_stage(None, environ, lambda: "git-branch")
    assert (stage.name, stage.source) == expected


def test_no_stage_anywhere_is_a_clear_error():
    with pytest.raises(StageError, match="no stage name") as caught:
        resolve_stage(None, {"GITHUB_HEAD_REF": ""}, no_branch)
    assert caught.value.exit_code == 2
    assert "--stage" in caught.value.hint


def test_clean_short_names_are_kept():
    assert slugify("main") == "main"
    assert slugify("feature-foo") == "feature-foo"


def test_feature_slash_foo_and_feature_foo_differ():
    assert slugify("feature/Foo") != slugify("feature-foo")
    assert slugify("feature/Foo").startswith("feature-foo-h")
    assert slugify("Feature-Foo") != slugify("feature-foo")


def test_long_names_are_cut_and_hashed():
    a = "feature/" + "x" * 60 + "-one"
    b = "feature/" + "x" * 60 + "-two"
    assert slugify(a) != slugify(b)
    assert len(slugify(a)) <= SLUG_MAX


def test_a_name_that_looks_hashed_is_hashed_itself():
    hashed = slugify("feature/Foo")
    # Someone naming a branch exactly like another branch's slug must not share its stack.
    assert slugify(hashed) != hashed


@given(st.text(min_size=1, max_size=80))
def test_slugs_are_safe_in_resource_names(name):
    slug = slugify(name)
    assert SLUG_RE.match(slug)
    assert len(slug) <= SLUG_MAX
    assert "--" not in slug


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_distinct_names_give_distinct_slugs(a, b):
    if a != b:
        assert slugify(a) != slugify(b)


@given(st.from_regex(SLUG_RE, fullmatch=True).filter(lambda s: len(s) <= SLUG_MAX))
def test_slugify_is_identity_on_clean_slugs_unless_they_look_hashed(name):
    assert slugify(name) == name or re.search(r"-h[0-9a-f]{8}$", name)


@pytest.mark.parametrize(
    ("explicit", "environ", "source"),
    [
        ("", {}, "--stage"),
        ("   ", {"EDGEFORM_STAGE": "env"}, "--stage"),
        (None, {"EDGEFORM_STAGE": ""}, "EDGEFORM_STAGE"),
        (None, {"EDGEFORM_STAGE": " \t"}, "EDGEFORM_STAGE"),
    ],
)
def test_a_blank_stage_is_refused_never_the_git_branch(explicit, environ, source):
    with pytest.raises(StageError) as caught:
        resolve_stage(explicit, environ, lambda: "main")
    assert caught.value.message.startswith(f"{source} names an empty stage")
    assert caught.value.exit_code == 2


def test_blank_ci_variables_are_passed_over():
    # GitHub sets GITHUB_HEAD_REF to "" on a push; the ref name comes next.
    stage = resolve_stage(None, {"GITHUB_HEAD_REF": "", "GITHUB_REF_NAME": "feat"}, no_branch)
    assert (stage.name, stage.source) == ("feat", "GITHUB_REF_NAME")


# --- a GitHub delete event: the deleted branch is in the payload, not GITHUB_REF_NAME ------

DELETE_EVENT = Path(__file__).parents[2] / "fixtures" / "github" / "delete-event.json"


def delete_event_environ(payload: Path) -> dict[str, str]:
    # What GitHub sets in a delete event's job: GITHUB_REF_NAME is the default branch.
    return {
        "GITHUB_EVENT_NAME": "delete",
        "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_REF_NAME": "main",
        "GITHUB_HEAD_REF": "",
    }


def test_a_delete_event_resolves_the_deleted_branch_from_the_recorded_payload():
    stage = resolve_stage(None, delete_event_environ(DELETE_EVENT), lambda: "main")
    assert (stage.name, stage.source) == ("feature/login", "GitHub delete event")
    assert stage.slug == slugify("feature/login") != slugify("main")


def edited_event(tmp_path: Path, **changes: object) -> Path:
    payload = json.loads(DELETE_EVENT.read_text())
    payload.update(changes)
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return path


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"ref": "main"}, "names the default branch 'main'"),
        ({"ref_type": "tag", "ref": "v1.0"}, "deleted a tag, not a branch"),
        ({"ref": ""}, "not a branch"),
        ({"ref": None}, "not a branch"),
        ({"repository": None}, "no repository.default_branch"),
        ({"repository": {"name": "site"}}, "no repository.default_branch"),
    ],
)
def test_a_delete_event_never_falls_back_to_the_default_branch(tmp_path, changes, says):
    environ = delete_event_environ(edited_event(tmp_path, **changes))
    with pytest.raises(StageError, match=says):
        resolve_stage(None, environ, lambda: "main")


def test_a_delete_event_without_its_payload_is_refused(tmp_path):
    environ = delete_event_environ(tmp_path / "missing.json")
    with pytest.raises(StageError, match="without a readable payload"):
        resolve_stage(None, environ, lambda: "main")


def test_an_explicit_stage_still_wins_in_a_delete_event():
    environ = delete_event_environ(DELETE_EVENT)
    assert resolve_stage("pr-7", environ, lambda: None).name == "pr-7"
