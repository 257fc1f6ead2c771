"""Shared drafting machinery: clause snippets, placeholders, and what each document used.

Every draft family builds its documents through a ``Draft``: asking it for a legal value records
the Fact (source, verification) for the report, and asking for a missing value returns a
highlighted placeholder and records the gap. That bookkeeping is what lets the assembly report
list every clause's source, every unverified rule and every missing fact.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

from .errors import AssemblyError
from .jurisdictions import Fact
from .rendering import Text
from .resources import SOURCES_DIR, read_yaml

_SLOT = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=None)
def clause_library() -> dict[str, list[dict]]:
    """Clause snippets by section, read once from data/sources/clauses.yml."""
    return read_yaml((SOURCES_DIR / "clauses.yml").read_text(encoding="utf-8"))


def format_date(value: dt.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def human_list(items: Iterable[str | Text], conjunction: str = "and") -> Text:
    items = [i for i in items if i]
    if len(items) <= 2:
        return Text.join(items, f" {conjunction} ")
    return Text.join(items[:-1], ", ") + f", {conjunction} " + items[-1]


@dataclass
class Draft:
    """One document being drafted: its template, its context, and what went into it."""

    family: str
    kind: str
    title: str  # generic type of document, used in metadata and the report (never client data)
    template: str
    stem: str
    group: str
    context: dict[str, Any] = field(default_factory=dict)
    law_used: dict[str, dict] = field(default_factory=dict)
    missing: list[dict] = field(default_factory=list)

    def law(self, fact: Fact, label: str, clause: str) -> Text:
        """The fact's value as text, or a placeholder when the data does not know it."""
        entry = self.law_used.setdefault(fact.path, {**fact.as_dict(), "label": label, "clauses": []})
        if clause not in entry["clauses"]:
            entry["clauses"].append(clause)
        if fact.value is None or fact.value == []:
            return self._gap(f"{label} (not in the jurisdiction data)", "law", fact.path)
        if isinstance(fact.value, list):
            return human_list([str(v) for v in fact.value])
        return Text(str(fact.value))

    def source(self, fact: Fact, label: str, clause: str) -> Text:
        """Where the fact comes from (its citation), for clauses that rely on a yes/no rule."""
        self.law(fact, label, clause)
        if not fact.source:
            return self._gap(f"citation for {label} (not in the jurisdiction data)", "law", fact.path)
        return Text(fact.source)

    def fact(self, value: Any, label: str) -> Text:
        """A client fact as text, or a placeholder naming what is missing."""
        if value is None or value == "" or value == () or value == []:
            return self._gap(label, "fact", None)
        if isinstance(value, Text):
            return value
        if isinstance(value, dt.date):
            return Text(format_date(value))
        return Text(str(value))

    def _gap(self, label: str, kind: str, path: str | None) -> Text:
        if not any(m["label"] == label for m in self.missing):
            self.missing.append({"label": label, "kind": kind, "fact": path})
        return Text.placeholder(label)

    def clauses(self, section: str, flags: dict[str, bool] | None = None, **slots: Any) -> list[Text]:
        """Compose every clause in ``section`` whose condition holds, filling its slots."""
        flags = flags or {}
        out = []
        for clause in clause_library()[section]:
            if clause.get("when") and not flags.get(clause["when"]):
                continue
            out.append(self.compose(clause, slots))
        return out

    def compose(self, clause: dict, slots: dict[str, Any]) -> Text:
        text = Text()
        pos = 0
        for match in _SLOT.finditer(clause["text"]):
            text.append(clause["text"][pos:match.start()])
            name = match.group(1)
            if name not in slots:
                raise AssemblyError(f"clause {clause['id']} needs slot '{name}', which the family did not supply")
            value = slots[name]
            text.append(value(clause["id"]) if callable(value) else value)
            pos = match.end()
        text.append(clause["text"][pos:])
        return text
