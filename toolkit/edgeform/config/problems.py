"""pydantic's validation errors -> edgeform's `ConfigProblem`s, one line each.

`<file>: <key>: <what> (<fix>)`: the key as the user writes it (`behaviors[0].path_pattern`),
what is wrong in the user's terms (TOML's types, not Python's), and the fix: the key's own
`Hint` where the schema gives one, a close match for an unknown key, an example otherwise.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from edgeform.config.hints import REFUSAL, Hint, Problem
from edgeform.config.rules import TYPE_NAMES, describe
from edgeform.errors import ConfigProblem

Loc = tuple[int | str, ...]

# pydantic's type errors, by the TOML type the key wanted.
_TYPE_ERRORS = {
    "string_type": str,
    "int_type": int,
    "bool_type": bool,
    "dict_type": dict,
    "model_type": dict,
    "model_attributes_type": dict,
    "list_type": list,
}


def config_problems(
    file: str, error: ValidationError, model: type[BaseModel]
) -> list[ConfigProblem]:
    return [problem for details in error.errors() for problem in _problems(file, details, model)]


def _problems(file: str, details: ErrorDetails, model: type[BaseModel]) -> Iterator[ConfigProblem]:
    loc = tuple(part for part in details["loc"] if part != "[key]")
    of_key = details["loc"][-1:] == ("[key]",)  # a dict's key (a function's name), not a value
    kind = details["type"]
    if kind == REFUSAL:
        for problem in details.get("ctx", {})["problems"]:
            yield _refused(file, loc, problem)
        return
    key = key_name(loc)
    annotation, field = _walk(model, loc, of_key=of_key)
    hint = _hint(annotation, field)
    value = details.get("input")
    if kind == "missing":
        yield ConfigProblem(file, key, "missing", _add(loc, annotation))
    elif kind == "extra_forbidden":
        parent, _ = _walk(model, loc[:-1])
        yield ConfigProblem(file, key, "unknown key", suggest(str(loc[-1]), _keys(parent)))
    elif kind in _TYPE_ERRORS:
        wanted = _TYPE_ERRORS[kind]
        yield ConfigProblem(
            file,
            key,
            f"expected {TYPE_NAMES[wanted]}, got {describe(value)}",
            _example(loc, wanted),
        )
    elif hint is not None:
        yield ConfigProblem(file, key, hint.what.format(value=value), hint.fix, hint.rule)
    else:
        yield ConfigProblem(file, key, details["msg"], "see `edgeform schema` for what it takes")


def _refused(file: str, loc: Loc, problem: Problem) -> ConfigProblem:
    key = key_name(loc)
    if problem.at:
        key = f"{key}{problem.at}" if problem.at.startswith("[") else f"{key}.{problem.at}"
    return ConfigProblem(file, key.lstrip("."), problem.what, problem.fix, problem.rule)


def key_name(loc: Loc) -> str:
    """('behaviors', 0, 'path_pattern') -> 'behaviors[0].path_pattern'."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name


def suggest(unknown: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(unknown, allowed, n=1)
    if close:
        return f"did you mean {close[0]}?"
    return f"allowed keys: {', '.join(allowed)}" if allowed else "remove it"


def _add(loc: Loc, annotation: Any) -> str:
    name = str(loc[-1])
    if _model(annotation) is not None:
        return f"add a [{key_name(loc)}] table"
    kind = next((k for k in TYPE_NAMES if _strip(annotation) is k), str)
    return f"add {name} = <{TYPE_NAMES[kind]}>"


def _example(loc: Loc, kind: type) -> str:
    name = str(loc[-1]) if loc else "value"
    example = {
        str: f'{name} = "..."',
        int: f"{name} = 1",
        bool: f"{name} = true",
        list: f"{name} = [...]",
        dict: f"[{key_name(loc)}]",
    }[kind]
    return f"write {example}"


def _keys(annotation: Any) -> tuple[str, ...]:
    model = _model(annotation)
    return tuple(model.model_fields) if model is not None else ()


def _walk(
    model: type[BaseModel], loc: Loc, *, of_key: bool = False
) -> tuple[Any, FieldInfo | None]:
    """The annotation of the key at `loc` (and its field, when it is a model's field); with
    `of_key`, the annotation of the table's keys that `loc` ends in."""
    annotation: Any = model
    field: FieldInfo | None = None
    for i, part in enumerate(loc):
        if of_key and i == len(loc) - 1:
            args = get_args(_strip(annotation))
            return (args[0] if args else None), None
        current = _model(annotation)
        if current is not None and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return None, None
            annotation = _with_metadata(field)
            continue
        args = get_args(_strip(annotation))
        if not args:
            return None, None
        annotation, field = args[-1], None  # a dict's values or a list's items
    return annotation, field


def _with_metadata(field: FieldInfo) -> Any:
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _strip(annotation: Any) -> Any:
    """The type under Annotated and Optional."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    bare = _strip(annotation)
    return bare if isinstance(bare, type) and issubclass(bare, BaseModel) else None


def _hint(annotation: Any, field: FieldInfo | None) -> Hint | None:
    """The key's Hint: in its field's metadata, or in the Annotated types it is made of
    (through an optional's one member)."""
    found = [m for m in (field.metadata if field else ()) if isinstance(m, Hint)]
    while True:
        if get_origin(annotation) is Annotated:
            args = get_args(annotation)
            found += [m for m in args[1:] if isinstance(m, Hint)]
            annotation = args[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                break
            annotation = members[0]
        else:
            break
    return found[0] if found else None
