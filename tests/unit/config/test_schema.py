"""edgeform.toml's schema, declared once (config/schema.py): the JSON Schema `edgeform schema`
prints accepts the demo and every template and refuses what edgeform refuses; unknown keys get
a close match; the README's key reference and the demo's edgeform.schema.json are current."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from edgeform.cli import cli
from edgeform.config import load_project
from edgeform.config.reference import (
    DIALECT,
    SCHEMA_FILE,
    SCHEMA_LINE,
    current_block,
    json_text,
    markdown,
)
from edgeform.errors import ConfigError
from edgeform.scaffold.catalog import RUNTIMES, TEMPLATES
from edgeform.scaffold.create import create_project

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    printed = CliRunner().invoke(cli, ["schema"])
    assert printed.exit_code == 0, printed.output
    schema = json.loads(printed.output)
    # The draft is named, and the schema is a valid schema of that draft.
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, data: dict) -> list[str]:
    return sorted(e.message for e in validator.iter_errors(data))


def test_the_demo_config_passes(validator):
    assert errors(validator, tomllib.loads((REPO / "edgeform.toml").read_text())) == []


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_template_writes_a_config_that_passes_and_names_the_schema(
    tmp_path, validator, template, runtime
):
    created = create_project(tmp_path / "p", template, runtime)
    config = (created.folder / "edgeform.toml").read_text()
    assert config.splitlines()[0] == SCHEMA_LINE == "#:schema ./edgeform.schema.json"
    assert errors(validator, tomllib.loads(config)) == []
    # The schema the line names is written beside it, as this edgeform prints it.
    assert SCHEMA_FILE in created.files
    assert (created.folder / SCHEMA_FILE).read_text() == json_text()
    load_project(created.folder / "edgeform.toml")  # and edgeform itself agrees


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("default_behavior", "defualt_ttl", 60), "'defualt_ttl' was unexpected"),
        (("project", "price_clas", "PriceClass_All"), "'price_clas' was unexpected"),
        (("default_behavior", "max_ttl", "1d"), "'1d' is not of type 'integer'"),
        (("default_behavior", "max_ttl", 3_153_600_001), "is greater than the maximum"),
        (("project", "price_class", "PriceClass_1"), "is not one of"),
    ],
)
def test_a_mistake_fails_the_schema_as_it_fails_edgeform(tmp_path, validator, change, says):
    data = tomllib.loads((REPO / "edgeform.toml").read_text())
    table, key, value = change
    data.setdefault(table, {})[key] = value
    assert any(says in e for e in errors(validator, data)), errors(validator, data)


def test_a_misspelt_function_name_fails_the_schema(validator):
    data = tomllib.loads((REPO / "edgeform.toml").read_text())
    data["functions"]["Bad_Name"] = data["functions"].pop("redirect")
    assert errors(validator, data)


def test_did_you_mean_for_an_unknown_key(tmp_path):
    project = tmp_path / "p"
    create_project(project, "rewrite", "python")
    config = project / "edgeform.toml"
    text = config.read_text()
    assert "\n[default_behavior]\n" in text
    config.write_text(
        text.replace("\n[default_behavior]\n", "\n[default_behavior]\ndefualt_ttl = 60\n")
    )
    with pytest.raises(ConfigError) as caught:
        load_project(config)
    assert [str(p) for p in caught.value.problems] == [
        "edgeform.toml: default_behavior.defualt_ttl: unknown key (did you mean default_ttl?)"
    ]


def test_every_mistake_of_every_kind_at_once(tmp_path):
    """Type, bound, pattern, unknown key, a reference to nothing and a missing folder: one
    run names them all, each with its key, in the file's order."""
    project = tmp_path / "p"
    create_project(project, "rewrite", "python")
    config = project / "edgeform.toml"
    config.write_text(
        '[project]\nname = "p"\ncoment = "x"\n'
        '[functions.edge]\nruntime = "python3.12"\nhandler = "app.handler"\nmemory = "big"\n'
        '[functions.other]\nruntime = "python3.12"\nhandler = "app.handler"\n'
        'source = "nowhere"\n'
        "[default_behavior]\nmax_ttl = -1\n"
        'triggers = [{ event = "viewer-request", function = "gone" }]\n'
        '[targets.aws]\ntype = "aws"\nregion = "Mars"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_project(config)
    assert [p.key for p in caught.value.problems] == [
        "project.coment",
        "functions.edge.memory",
        "functions.other.source",
        "default_behavior.triggers[0].function",
        "default_behavior.max_ttl",
        "targets.aws.region",
    ]
    lines = [str(p) for p in caught.value.problems]
    assert "did you mean comment?" in lines[0]
    assert "expected an integer, got a string ('big') (write memory = 1)" in lines[1]
    assert "no function named 'gone'" in lines[3]


def test_the_readme_reference_is_current():
    readme = (REPO / "README.md").read_text()
    assert current_block(readme) == markdown(), "the README's reference is stale: make reference"


def test_the_demos_schema_file_is_current():
    assert (REPO / SCHEMA_FILE).read_text() == json_text(), (
        "edgeform.schema.json is stale: make reference"
    )


def test_schema_markdown_and_json_output(validator):
    printed = CliRunner().invoke(cli, ["schema", "--markdown"])
    assert printed.exit_code == 0
    assert printed.output == markdown()
    as_json = CliRunner().invoke(cli, ["schema", "--output", "json"])
    assert json.loads(as_json.output)["$schema"] == DIALECT
