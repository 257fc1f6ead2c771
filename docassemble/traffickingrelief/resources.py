"""Where packaged files live, and one strict YAML reader for every data file.

An installed package (pip or a docassemble server) has ``data/templates`` and ``data/questions``
inside it; a source checkout keeps them at the top level (``templates/``, ``interviews/``), which
setup.py maps into the package. Resolving both here keeps every other module path-agnostic.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCES_DIR = PACKAGE_DIR / "data" / "sources"
JURISDICTIONS_DIR = SOURCES_DIR / "jurisdictions"
EXAMPLES_DIR = SOURCES_DIR / "examples"


def _packaged_or_checkout(installed: Path, checkout_name: str) -> Path:
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent.parent / checkout_name


TEMPLATES_DIR = _packaged_or_checkout(PACKAGE_DIR / "data" / "templates", "templates")
QUESTIONS_DIR = _packaged_or_checkout(PACKAGE_DIR / "data" / "questions", "interviews")


class DuplicateKeyError(ValueError):
    """A mapping repeats a key; YAML would silently keep the last one."""

    def __init__(self, key: str, line: int):
        self.key, self.line = key, line
        super().__init__(f"line {line}: the key '{key}' appears twice")


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that keeps dates as text (validated later) and refuses duplicate keys."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise DuplicateKeyError(str(key), key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(text: str) -> Any:
    """Parse YAML strictly; raises yaml.YAMLError or DuplicateKeyError."""
    return yaml.load(text, Loader=_StrictLoader)


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """A JSON Schema shipped in data/sources (read once per process)."""
    return json.loads((SOURCES_DIR / name).read_text(encoding="utf-8"))
