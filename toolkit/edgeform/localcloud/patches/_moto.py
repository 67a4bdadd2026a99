"""What every patch module shares: wrapping a moto model's constructor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def after_init(cls: Any, extra: Callable[[Any, dict[str, Any]], None]) -> None:
    original = cls.__init__

    def __init__(self: Any, config: dict[str, Any]) -> None:
        original(self, config)
        extra(self, config)

    cls.__init__ = __init__
