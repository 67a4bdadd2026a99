"""`edgeform init` and `edgeform schema`: a new project from a template, and what its
edgeform.toml may hold."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from edgeform.cli.options import output_option
from edgeform.console import Console
from edgeform.scaffold.catalog import DEFAULT_TEMPLATE, RUNTIMES, TEMPLATES
from edgeform.scaffold.create import create_project
from edgeform.scaffold.git import commit_project


@click.command()
@click.argument(
    "directory", required=False, default=".", type=click.Path(path_type=Path, file_okay=False)
)
@click.option(
    "--template",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    metavar="NAME",
    help="What the project starts as (--list shows them).",
)
@click.option(
    "--runtime",
    type=click.Choice(RUNTIMES),
    default="python",
    show_default=True,
    help="The functions' language: Python 3.12 or Node.js 22.",
)
@click.option("--name", help="The project's name (default: from DIRECTORY's name).")
@click.option(
    "--git", "make_git", is_flag=True, help="Make a git repository and commit the new files."
)
@click.option("--list", "list_templates", is_flag=True, help="List the templates and exit.")
@output_option
def init(
    directory: Path,
    template: str,
    runtime: str,
    name: str | None,
    make_git: bool,
    list_templates: bool,
    output: str,
) -> None:
    """Start a project in DIRECTORY (default: here): edgeform.toml, functions with their
    tests, a small site, a Makefile, a .gitignore, a README and the per-branch preview
    workflow. It serves, tests and deploys as it is. Nothing is written into a folder that
    is an edgeform project already, or over any file.

    \b
    Examples:
      edgeform init my-site                          the rewrite template, in Python
      edgeform init my-site --template rewrite --runtime node
      edgeform init my-site --template spa --git     a repository and first commit too
      edgeform init --list                           what each template shows
      cd my-site && make serve                       then http://127.0.0.1:8080
    """
    console = Console(json_output=output == "json", color=False)
    if list_templates:
        rows = [{"name": t.name, "summary": t.summary} for t in TEMPLATES.values()]
        console.result(rows, "\n".join(f"{t['name']:12} {t['summary']}" for t in rows))
        return
    created = create_project(directory, template, runtime, name)
    commit = (
        commit_project(created.folder, created.files, f"edgeform init --template {template}")
        if make_git
        else None
    )
    where = shlex.quote(str(directory))
    data = {
        "dir": str(created.folder),
        "name": created.project,
        "template": created.template.name,
        "runtime": created.runtime,
        "files": list(created.files),
        "commit": commit,
    }
    console.result(
        data,
        f"created {created.project} ({created.template.name}, {created.runtime}) in "
        f"{directory}: {len(created.files)} files"
        + (f", committed as {commit[:12]}" if commit else "")
        + "\n"
        "next:\n"
        + (f"  cd {where}\n" if directory != Path(".") else "")
        + "  make serve     the site behind a local CloudFront, http://127.0.0.1:8080\n"
        "  make test      Lambda@Edge's limits, then the functions' tests\n"
        "  make deploy    on the embedded AWS endpoint (TARGET=aws for your account)",
    )


@click.command()
@click.option(
    "--markdown", is_flag=True, help="The key reference as Markdown (the README's) instead."
)
@output_option
def schema(markdown: bool, output: str) -> None:
    """Print the JSON Schema of edgeform.toml (draft 2020-12): every key, its type, default
    and bounds. Projects made by `edgeform init` keep it as edgeform.schema.json, named on
    edgeform.toml's first line (`#:schema ./edgeform.schema.json`), so that editors with a
    TOML language server (taplo, Even Better TOML) complete and check keys as you type.

    \b
    Examples:
      edgeform schema > edgeform.schema.json     refresh it after upgrading edgeform
      edgeform schema --markdown                 the key reference, as in the README
      check-jsonschema --schemafile edgeform.schema.json edgeform.toml
    """
    from edgeform.config.reference import json_schema, json_text
    from edgeform.config.reference import markdown as reference

    console = Console(json_output=output == "json", color=False)
    if markdown:
        console.result({"markdown": reference()}, reference().rstrip("\n"))
    else:
        console.result(json_schema(), json_text().rstrip("\n"))


COMMANDS = (init, schema)
