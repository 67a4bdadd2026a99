"""How a config rule says what is wrong and how to fix it, inside pydantic's validation.

Two ways, both declared beside the key they concern (config/schema.py):

- `Hint(what, fix, rule)` in a field's `Annotated[...]` metadata words pydantic's own errors
  for that key (a bound, a pattern, a choice): `what` may hold `{value}` / `{value!r}`.
- `refuse(...)` raises from a rule (config/rules.py) one error that carries one or more
  `Problem`s, each naming the key under the validated value it concerns (`at`), so that a
  table's rule can point at the very key to change.

config/problems.py turns both into `ConfigProblem`s; nothing else reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, NoReturn

from pydantic_core import PydanticCustomError

CONFIG_RULE: Final = "LE100"  # lint's rule for a config mistake that is no Lambda@Edge rule
REFUSAL: Final = "edgeform"  # the error type of a rule's refusal


@dataclass(frozen=True)
class Hint:
    """The words for a key's mistakes that pydantic finds itself (bounds, patterns, choices)."""

    what: str
    fix: str
    rule: str = CONFIG_RULE


@dataclass(frozen=True)
class Problem:
    """One mistake a rule found: `at` is the key path below the validated value ("" for the
    value itself, "default_ttl", "triggers[1].include_body")."""

    what: str
    fix: str
    rule: str = CONFIG_RULE
    at: str = ""


def refuse(*problems: Problem) -> NoReturn:
    """Fail the value being validated with every problem a rule found in it."""
    raise PydanticCustomError(
        REFUSAL, "{summary}", {"summary": "; ".join(p.what for p in problems), "problems": problems}
    )


def refuse_one(what: str, fix: str, rule: str = CONFIG_RULE, at: str = "") -> NoReturn:
    refuse(Problem(what, fix, rule, at))
