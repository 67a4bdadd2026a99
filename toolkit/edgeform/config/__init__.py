"""edgeform.toml -> the frozen `Project` model, or every problem in it at once."""

from edgeform.config.parse import find_config, load_project, parse_project

__all__ = ["find_config", "load_project", "parse_project"]
