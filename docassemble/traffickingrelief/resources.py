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


# Limits on any YAML this package reads. Case files come from outside (a clinic's folder, an interview
# upload), so the reader refuses what would cost memory or time out of proportion to the file's size:
# a 500-byte "billion laughs" alias bomb expands to millions of nodes, and deep nesting overflows the
# stack. The bundled data files sit far below every limit.
MAX_YAML_DEPTH = 32           # nesting of mappings and lists
MAX_YAML_NODES = 200_000      # nodes after expanding aliases
MAX_YAML_ALIASES = 100        # alias (*name) uses
MAX_INTEGER_DIGITS = 18       # a whole number longer than this is not a plausible value


class YamlContentError(ValueError):
    """YAML this package refuses to read; the message names the rule (and a line), never the text."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class DuplicateKeyError(YamlContentError):
    """A mapping repeats a key; YAML would silently keep the last one. The key is not quoted: it may be a name."""

    def __init__(self, line: int):
        super().__init__("a key appears twice in the same mapping", line)


class YamlLimitError(YamlContentError):
    """The YAML exceeds one of the limits above."""


def _line(node_or_event) -> int | None:
    mark = getattr(node_or_event, "start_mark", None)
    return mark.line + 1 if mark else None


class _KeyRules:
    """Key and number rules shared by both readers: no duplicate, merge or non-text keys, no huge integers."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlContentError("merge keys (<<) are not supported in this file", _line(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlContentError("a mapping key is a list or a mapping; keys must be plain text", _line(key_node))
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise YamlContentError("a mapping key is not text (quote keys such as 1, true or null)",
                                       _line(key_node))
            if key in seen:
                raise DuplicateKeyError(_line(key_node))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node):
        digits = sum(ch.isalnum() for ch in node.value)
        if digits > MAX_INTEGER_DIGITS:
            raise YamlLimitError(f"a whole number has more than {MAX_INTEGER_DIGITS} digits", _line(node))
        return super().construct_yaml_int(node)


class _StrictLoader(_KeyRules, yaml.SafeLoader):
    """Safe YAML that keeps dates as text (validated later), refuses duplicate and non-text keys,
    and enforces the limits above while composing, before anything is built from the document."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._aliases = 0
        self._anchor_sizes: dict[str, int] = {}

    def _count(self, n: int, where) -> None:
        self._nodes += n
        if self._nodes > MAX_YAML_NODES:
            raise YamlLimitError(f"more than {MAX_YAML_NODES} values once aliases are expanded", _line(where))

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise YamlLimitError(f"more than {MAX_YAML_ALIASES} aliases", _line(event))
            if event.anchor in self.anchors and event.anchor not in self._anchor_sizes:
                raise YamlLimitError("an alias refers to the mapping or list that contains it", _line(event))
            self._count(self._anchor_sizes.get(event.anchor, 1), event)
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise YamlLimitError(f"nested more than {MAX_YAML_DEPTH} levels deep", _line(event))
        before = self._nodes
        self._count(1, event)
        node = super().compose_node(parent, index)
        self._depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self._anchor_sizes[anchor] = self._nodes - before
        return node


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
_StrictLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _DataLoader(_KeyRules, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The bundled data files' reader: libyaml's C parser where PyYAML has it (several times faster than
    the pure-Python one), with the same key rules and date-as-text resolving as ``_StrictLoader``. The
    composing limits are for files from outside; the data files ship with the package and are tested."""


_DataLoader.add_constructor("tag:yaml.org,2002:int", _DataLoader.construct_yaml_int)
_DataLoader.yaml_implicit_resolvers = _StrictLoader.yaml_implicit_resolvers


def read_data_yaml(text: str) -> Any:
    """Parse one of the package's own data files; raises yaml.YAMLError or YamlContentError."""
    loader = _DataLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(text: str) -> Any:
    """Parse YAML strictly within the limits above; raises yaml.YAMLError or YamlContentError."""
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """A JSON Schema shipped in data/sources (read once per process)."""
    return json.loads((SOURCES_DIR / name).read_text(encoding="utf-8"))
