"""Forum profiles: how each jurisdiction's courts want a case papered (issue 6, section 2).

One YAML file per jurisdiction (``data/sources/forums/<CODE>.yml``, all 50 states, DC and ``US`` for the
federal district courts). Every value is a Fact in the issue 8 model, read with
``jurisdictions.parse_fact``: the caption's style, party labels, the documents that make up a filing,
mandatory official forms, the oath wording a forum accepts for a declaration, and the paper layout.
``default`` applies to every court of the jurisdiction; ``levels`` override keys for courts whose name
matches (New York's Criminal Court numbers dockets, its Supreme Court indictments). A value nobody has
read stays an unknown Fact, so drafts show a placeholder instead of a guess.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import jsonschema

from .datacache import compiled
from .errors import JurisdictionDataError, UnknownJurisdictionError
from .jurisdictions import Fact, parse_fact
from .layout import Layout
from .resources import SOURCES_DIR, load_schema, read_data_yaml

FORUMS_DIR = SOURCES_DIR / "forums"
SCHEMA_NAME = "forum.schema.json"

FACT_KEYS = (
    "caption.prosecution",
    "caption.versus",
    "caption.case_number_label",
    "caption.court_heading",
    "party_labels",
    "filing_set.record_relief",
    "official_forms.record_relief",
    "oath.declaration",
    "oath.verification",
    "layout",
)
"""Every key a profile answers; ``ForumProfile.fact`` takes these dotted names."""

OATH_SLOTS = ("date", "place", "name", "day", "month", "year", "document", "county", "state", "birth_date", "address")
"""Slots an oath template may carry ({date}, {place}, ...); the drafter fills them or shows a blank."""

HEADING_SLOTS = ("court", "county")
"""Slots a court-heading pattern may carry; a newline in the pattern is a line break."""

NOT_RECORDED = "Not recorded in the forum profile."


class ForumDataError(JurisdictionDataError):
    """A forum profile file is missing, unreadable or breaks the schema."""


@dataclass(frozen=True)
class CourtLevel:
    """Overrides for the courts of one level (``matches``: case-insensitive patterns searched in the name)."""

    id: str
    name: str
    patterns: tuple[re.Pattern, ...]
    facts: Mapping[str, Fact]

    def matches(self, court: str) -> bool:
        return any(p.search(court) for p in self.patterns)


@dataclass(frozen=True)
class ForumProfile:
    """One jurisdiction's forum profile. ``fact('oath.declaration', court=...)`` returns a Fact."""

    code: str
    name: str
    kind: str
    as_of: dt.date
    defaults: Mapping[str, Fact]
    levels: tuple[CourtLevel, ...] = ()

    def level_for(self, court: str | None) -> CourtLevel | None:
        """The first level whose patterns match the court's name, or None (the defaults apply)."""
        if not court:
            return None
        return next((level for level in self.levels if level.matches(court)), None)

    def fact(self, key: str, court: str | None = None) -> Fact:
        """The Fact for ``key``: the matching level's override, else the default, else an unknown Fact."""
        level = self.level_for(court)
        if level is not None and key in level.facts:
            return level.facts[key]
        found = self.defaults.get(key)
        if found is not None:
            return found
        return Fact(path=f"{self.code}:forum.{key}", value=None, citation=None, source=None, tier="none",
                    as_of=self.as_of, note=NOT_RECORDED)

    def value(self, key: str, court: str | None = None) -> Any:
        return self.fact(key, court).value

    def facts(self, court: str | None = None) -> dict[str, Fact]:
        """Every key resolved for one court, for the report's source list."""
        return {key: self.fact(key, court) for key in FACT_KEYS}

    def layout(self, court: str | None = None) -> Layout:
        """The paper layout; ``from_rule`` is False when no formatting rule is known (the stated default)."""
        fact = self.fact("layout", court)
        return Layout.from_dict(fact.value, from_rule=fact.known)


def _is_fact(node: Any) -> bool:
    return isinstance(node, dict) and {"value", "verified", "as_of"} <= node.keys()


def _collect(node: dict, prefix: str, path_prefix: str, out: dict[str, Fact]) -> None:
    for key, child in node.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if _is_fact(child):
            out[dotted] = parse_fact(f"{path_prefix}{dotted}", child)
        elif isinstance(child, dict):
            _collect(child, dotted, path_prefix, out)


def schema_problems(data: Any, file_name: str) -> list[str]:
    """Every way a parsed forum file breaks the schema, the file-naming rule or a level pattern."""
    validator = jsonschema.Draft202012Validator(load_schema(SCHEMA_NAME))
    problems = [f"{file_name}: {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in validator.iter_errors(data)]
    if not isinstance(data, dict):
        return problems
    if data.get("code") != file_name.split(".")[0]:
        problems.append(f"{file_name}: code does not match the file name")
    levels = data.get("levels")
    for i, level in enumerate(levels if isinstance(levels, list) else []):
        patterns = level.get("matches") if isinstance(level, dict) else None
        for pattern in patterns if isinstance(patterns, list) else []:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                problems.append(f"{file_name}: levels.{i}.matches: {pattern!r} is not a valid pattern ({exc})")
    return problems


def _validated(file_name: str, text: str) -> dict:
    """The file's data, parsed and checked against the schema; ForumDataError naming every problem."""
    try:
        data = read_data_yaml(text)
    except Exception as exc:  # any YAML failure is a broken data file
        raise ForumDataError(f"{file_name}: not valid YAML ({exc})") from None
    problems = schema_problems(data, file_name)
    if problems:
        raise ForumDataError("forum profile data is invalid:\n" + "\n".join(problems))
    return data


def _build(file_name: str, data: dict) -> ForumProfile:
    code = data["code"]
    try:
        defaults: dict[str, Fact] = {}
        _collect(data["default"], "", f"{code}:forum.", defaults)
        levels = []
        for level in data.get("levels", []):
            facts: dict[str, Fact] = {}
            _collect(level["facts"], "", f"{code}:forum.levels.{level['id']}.", facts)
            levels.append(CourtLevel(id=level["id"], name=level["name"],
                                     patterns=tuple(re.compile(p, re.IGNORECASE) for p in level["matches"]),
                                     facts=facts))
        as_of = dt.date.fromisoformat(data["as_of"])
    except ValueError as exc:
        raise ForumDataError(f"{file_name}: a date is not a real date ({exc})") from None
    return ForumProfile(code=code, name=data["name"], kind=data["kind"], as_of=as_of, defaults=defaults,
                        levels=tuple(levels))


def _parse(file_name: str, text: str) -> ForumProfile:
    return _build(file_name, _validated(file_name, text))


def _compile(path: Path) -> dict:
    """One file's validated data for the compiled cache (built once here too, so a bad date is never cached)."""
    data = _validated(path.name, path.read_text(encoding="utf-8"))
    _build(path.name, data)
    return {"file": path.name, "data": data}


@lru_cache(maxsize=None)
def load_all_forums() -> dict[str, ForumProfile]:
    """Every forum profile, keyed by code: validated when the files change, then read from the compiled cache."""
    files = sorted(FORUMS_DIR.glob("*.yml"))
    if not files:
        raise ForumDataError(f"no forum profiles in {FORUMS_DIR}")
    items = compiled("forums", files, _compile, extra=[SOURCES_DIR / SCHEMA_NAME, Path(__file__)])
    return {p.code: p for p in (_build(item["file"], item["data"]) for item in items)}


def load_forum(code: str) -> ForumProfile:
    """One forum profile by jurisdiction code (``NY``; ``US`` for the federal district courts)."""
    try:
        return load_all_forums()[code.upper()]
    except KeyError:
        raise UnknownJurisdictionError(f"no forum profile for code '{code}'") from None


def coverage() -> list[dict]:
    """One row per jurisdiction: which profile keys are known (defaults or any level), with their tiers."""
    rows = []
    for code, profile in sorted(load_all_forums().items()):
        row: dict[str, Any] = {"code": code}
        for key in FACT_KEYS:
            facts = [profile.defaults.get(key)] + [level.facts.get(key) for level in profile.levels]
            known = [f for f in facts if f is not None and f.known]
            row[key] = sorted({f.tier for f in known}) if known else None
        rows.append(row)
    return rows
