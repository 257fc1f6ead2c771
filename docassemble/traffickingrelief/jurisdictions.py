"""Jurisdiction data: 50 states, DC and federal, one YAML file each, every value with its source.

A ``Fact`` is the unit of law here: a value plus where it came from, whether it was checked
against the statute's own text, and as of when. Unknown is ``value=None`` with a note, and code
that drafts from a Fact must show a placeholder for it rather than a default.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from .errors import JurisdictionDataError, UnknownJurisdictionError
from .datacache import compiled
from .resources import JURISDICTIONS_DIR, SOURCES_DIR, load_schema, read_data_yaml

SCHEMA_NAME = "jurisdiction.schema.json"


TIERS = ("official", "copy", "secondary", "none")
VERIFIED_TIERS = ("official", "copy")


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Source:
    """Where a fact's text was actually read: the publisher, its URL, when, and how it was reached.

    Provenance belongs in the report; a court paper cites ``Fact.citation`` only.
    """

    publisher: str
    url: str | None = None
    retrieved: dt.date | None = None
    text_date: dt.date | None = None
    via: str | None = None

    def __str__(self) -> str:
        parts = [self.publisher, self.url, f"retrieved {self.retrieved.isoformat()}" if self.retrieved else None]
        return ", ".join(p for p in parts if p)

    def as_dict(self) -> dict:
        return {"publisher": self.publisher, "url": self.url,
                "retrieved": self.retrieved.isoformat() if self.retrieved else None,
                "text_date": self.text_date.isoformat() if self.text_date else None, "via": self.via}


@dataclass(frozen=True)
class Fact:
    """One sourced legal value; ``path`` says where it sits (``PA:record_relief.citation``).

    ``citation`` is what a court paper cites; ``source`` is where the text was read (provenance, for
    the report only); ``tier`` says how far the value can be trusted (official, copy, secondary, none).
    """

    path: str
    value: Any
    citation: str | None
    source: Source | None
    tier: str
    as_of: dt.date
    note: str | None = None
    effective: dt.date | None = None

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def verified(self) -> bool:
        """Read in the official text or a verbatim copy of it."""
        return self.tier in VERIFIED_TIERS

    @property
    def settled(self) -> bool:
        """Known and verified: the only facts a draft may state as settled law."""
        return self.known and self.verified

    def as_dict(self) -> dict:
        return {"path": self.path, "value": self.value, "citation": self.citation,
                "source": self.source.as_dict() if self.source else None, "tier": self.tier,
                "verified": self.verified, "settled": self.settled, "as_of": self.as_of.isoformat(),
                "note": self.note, "effective": self.effective.isoformat() if self.effective else None}


def parse_fact(path: str, node: dict) -> Fact:
    """A Fact from a schema-valid data-file node; ValueError when a date is not a real date."""
    src = node.get("source")
    source = None if src is None else Source(
        publisher=src["publisher"], url=src.get("url"), retrieved=_date(src.get("retrieved")),
        text_date=_date(src.get("text_date")), via=src.get("via"))
    return Fact(path=path, value=node["value"], citation=node.get("citation"), source=source,
                tier=node["verified"], as_of=dt.date.fromisoformat(node["as_of"]), note=node.get("note"),
                effective=_date(node.get("effective")))


@dataclass(frozen=True)
class Jurisdiction:
    """One jurisdiction's data. ``fact('record_relief.citation')`` returns a Fact."""

    code: str
    name: str
    kind: str
    data_as_of: dt.date
    facts: dict[str, Fact]

    def fact(self, key: str) -> Fact:
        """The fact at ``key``; optional keys the file omits come back as unknown facts."""
        found = self.facts.get(key)
        if found is not None:
            return found
        return Fact(path=f"{self.code}:{key}", value=None, citation=None, source=None, tier="none",
                    as_of=self.data_as_of, note="Not recorded in the jurisdiction data.")

    def value(self, key: str) -> Any:
        return self.fact(key).value


def _is_fact(node: Any) -> bool:
    return isinstance(node, dict) and {"value", "citation", "source", "verified", "as_of"} <= node.keys()


def _collect_facts(code: str, node: dict, prefix: str, out: dict[str, Fact]) -> None:
    for key, child in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if _is_fact(child):
            out[path] = parse_fact(f"{code}:{path}", child)
        elif isinstance(child, dict):
            _collect_facts(code, child, path, out)


def schema_problems(data: Any, file_name: str) -> list[str]:
    """Every way a parsed jurisdiction file breaks the schema or the file-naming rule."""
    validator = jsonschema.Draft202012Validator(load_schema(SCHEMA_NAME))
    problems = [f"{file_name}: {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
                for e in validator.iter_errors(data)]
    if isinstance(data, dict) and data.get("code") != file_name.split(".")[0]:
        problems.append(f"{file_name}: code does not match the file name")
    return problems


def _validated(file_name: str, text: str) -> dict:
    """The file's data, parsed and checked against the schema; JurisdictionDataError naming every problem."""
    try:
        data = read_data_yaml(text)
    except Exception as exc:  # any YAML failure is a broken data file
        raise JurisdictionDataError(f"{file_name}: not valid YAML ({exc})") from None
    problems = schema_problems(data, file_name)
    if problems:
        raise JurisdictionDataError("jurisdiction data is invalid:\n" + "\n".join(problems))
    return data


def _build(file_name: str, data: dict) -> Jurisdiction:
    facts: dict[str, Fact] = {}
    try:
        _collect_facts(data["code"], {k: v for k, v in data.items() if k not in ("code", "name", "kind")}, "", facts)
        as_of = dt.date.fromisoformat(data["data_as_of"])
    except ValueError as exc:
        raise JurisdictionDataError(f"{file_name}: a date is not a real date ({exc})") from None
    return Jurisdiction(code=data["code"], name=data["name"], kind=data["kind"], data_as_of=as_of, facts=facts)


def _parse(file_name: str, text: str) -> Jurisdiction:
    return _build(file_name, _validated(file_name, text))


def _compile(path: Path) -> dict:
    """One file's validated data for the compiled cache (built once here too, so a bad date is never cached)."""
    data = _validated(path.name, path.read_text(encoding="utf-8"))
    _build(path.name, data)
    return {"file": path.name, "data": data}


@lru_cache(maxsize=None)
def load_all() -> dict[str, Jurisdiction]:
    """Every jurisdiction, keyed by code: validated when the files change, then read from the compiled cache."""
    files = sorted(JURISDICTIONS_DIR.glob("*.yml"))
    if not files:
        raise JurisdictionDataError(f"no jurisdiction files in {JURISDICTIONS_DIR}")
    items = compiled("jurisdictions", files, _compile, extra=[SOURCES_DIR / SCHEMA_NAME, Path(__file__)])
    return {j.code: j for j in (_build(item["file"], item["data"]) for item in items)}


def load_all_from_sources() -> dict[str, Jurisdiction]:
    """Every jurisdiction parsed and schema-checked from the files now, not from the compiled cache (the data audit)."""
    files = sorted(JURISDICTIONS_DIR.glob("*.yml"))
    if not files:
        raise JurisdictionDataError(f"no jurisdiction files in {JURISDICTIONS_DIR}")
    return {j.code: j for j in (_parse(f.name, f.read_text(encoding="utf-8")) for f in files)}


def load_jurisdiction(code: str) -> Jurisdiction:
    """One jurisdiction by code (``NY``; ``US`` for federal)."""
    try:
        return load_all()[code.upper()]
    except KeyError:
        raise UnknownJurisdictionError(f"no jurisdiction data for code '{code}'") from None


def _by_tier(facts) -> dict[str, int]:
    counts = dict.fromkeys(TIERS, 0)
    for fact in facts:
        counts[fact.tier] += 1
    return counts


def coverage() -> list[dict]:
    """One row per jurisdiction: remedy, citation and how much of its law is verified, by tier."""
    rows = []
    for code, j in sorted(load_all().items(), key=lambda kv: (kv[1].kind != "federal", kv[0])):
        known = [f for f in j.facts.values() if f.known]
        rows.append({
            "code": code,
            "name": j.name,
            "kind": j.kind,
            "record_relief": j.value("record_relief.available"),
            "remedy": j.value("record_relief.remedy_name"),
            "citation": j.value("record_relief.citation"),
            "citation_verified": j.fact("record_relief.citation").verified,
            "citation_tier": j.fact("record_relief.citation").tier,
            "facts": len(j.facts),
            "facts_known": len(known),
            "facts_verified": sum(1 for f in known if f.verified),
            "known_facts_by_tier": _by_tier(known),
            "data_as_of": j.data_as_of.isoformat(),
        })
    return rows


def coverage_summary(rows: list[dict] | None = None) -> dict:
    """Totals for the README and the closing note: present / with a remedy / verified, by tier."""
    rows = coverage() if rows is None else rows
    known_by_tier = dict.fromkeys(TIERS, 0)
    for r in rows:
        for tier, n in r["known_facts_by_tier"].items():
            known_by_tier[tier] += n
    citations_by_tier = dict.fromkeys(TIERS, 0)
    for r in rows:
        if r["record_relief"] is True:
            citations_by_tier[r["citation_tier"]] += 1
    return {
        "jurisdictions": len(rows),
        "with_record_relief": sum(1 for r in rows if r["record_relief"] is True),
        "no_record_relief_found": sum(1 for r in rows if r["record_relief"] is False),
        "record_relief_unknown": sum(1 for r in rows if r["record_relief"] is None),
        "citation_verified": sum(1 for r in rows if r["record_relief"] and r["citation_verified"]),
        "facts": sum(r["facts"] for r in rows),
        "facts_known": sum(r["facts_known"] for r in rows),
        "facts_verified": sum(r["facts_verified"] for r in rows),
        "known_facts_by_tier": known_by_tier,
        "remedy_citations_by_tier": citations_by_tier,
    }
