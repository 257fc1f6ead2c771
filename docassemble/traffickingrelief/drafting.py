"""Shared drafting machinery for every family: clause files, placeholders, and the common parts of a paper.

Every family builds its documents through a ``Draft``: asking it for a legal value records the
Fact (citation, source, verification) for the report, and asking for a missing value returns a
highlighted placeholder and records the gap. That bookkeeping is what lets the assembly report
list every clause's source, every unverified rule and every missing fact.

The parts most papers share (caption, signature block, the trafficking facts, the official
documents list) are public helpers here, so a new family composes them instead of copying them.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

from .errors import AssemblyError
from .facts import CaseFile, Preparer, Trafficking
from .jurisdictions import Fact, Jurisdiction
from .rendering import DRAFT_NOTICE, Text
from .resources import SOURCES_DIR, read_yaml

_SLOT = re.compile(r"\{(\w+)\}")
CLAUSES_DIR = SOURCES_DIR / "clauses"


class ClauseLibrary:
    """A family's clause snippets by section (``data/sources/clauses/<family>.yml``).

    Clauses are drafting language, never law: every legal value is a ``{slot}`` the family fills
    from the jurisdiction data.
    """

    def __init__(self, sections: dict[str, list[dict]], name: str):
        self.sections, self.name = sections, name

    @classmethod
    @lru_cache(maxsize=None)
    def for_family(cls, family: str) -> "ClauseLibrary":
        return cls.from_file(CLAUSES_DIR / f"{family}.yml")

    @classmethod
    def from_file(cls, path: Path) -> "ClauseLibrary":
        try:
            sections = read_yaml(Path(path).read_text(encoding="utf-8"))
        except OSError:
            raise AssemblyError(f"clause file {Path(path).name} is missing") from None
        return cls(sections, Path(path).name)

    def section(self, name: str) -> list[dict]:
        try:
            return self.sections[name]
        except KeyError:
            raise AssemblyError(f"clause file {self.name} has no section '{name}'") from None

    def clause(self, section: str, clause_id: str) -> dict:
        for clause in self.section(section):
            if clause["id"] == clause_id:
                return clause
        raise AssemblyError(f"clause file {self.name} has no clause '{clause_id}'")


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
    template: Path
    stem: str
    group: str
    library: ClauseLibrary
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

    def law_slot(self, j: Jurisdiction, key: str, label: str) -> Callable[[str], Text]:
        """A clause slot filled with the fact at ``key`` (a full key: ``<section>.citation``)."""
        fact = j.fact(key)
        return lambda clause_id: self.law(fact, label, clause_id)

    def citation_slot(self, j: Jurisdiction, key: str, label: str) -> Callable[[str], Text]:
        """A clause slot filled with the citation of the fact at ``key``."""
        fact = j.fact(key)
        return lambda clause_id: self.source(fact, label, clause_id)

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
        for clause in self.library.section(section):
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


# ---------------------------------------------------------------------------------------------
# The parts most papers share.


def caption(draft: Draft, *, court: str | None, prosecution: Fact, filer: str | None,
            case_numbers: Iterable[str | None], title: Text, final: bool) -> None:
    """Fill the caption variables every court template uses."""
    draft.context.update(
        draft_notice="" if final else DRAFT_NOTICE,
        court=draft.fact(court, "court").styled("bold"),
        prosecution=draft.law(prosecution, "name of the prosecution in the caption", "caption"),
        movant=draft.fact(filer, "movant's name"),
        case_numbers=Text.join([draft.fact(n, "case number") for n in case_numbers]),
        title=title.styled("bold", "caps"),
    )


def signature_block(draft: Draft, preparer: Preparer, party: str = "Movant") -> list[Text]:
    """The signer's lines: an attorney signs for ``party``; an advocate's draft says an attorney must sign."""
    p = preparer
    attorney = p.role == "attorney"
    bar = (f"Bar No. {p.bar_number}" + (f" ({p.bar_state})" if p.bar_state else "")) if attorney else None
    lines = [draft.fact(p.name, "preparer's name"),
             Text(f"Attorney for {party}") if attorney else Text("Prepared by advocate (an attorney must sign)"),
             draft.fact(bar, "bar number") if attorney else None,
             Text(p.organisation) if p.organisation else None,
             Text(p.address) if p.address else None,
             Text(p.phone) if p.phone else None,
             Text(p.email) if p.email else None]
    return [line for line in lines if line is not None]


def trafficking_slots(draft: Draft, t: Trafficking, person: str = "the movant") -> dict[str, Text]:
    """Clause slots describing the trafficking: kind, period, place, and the means of control."""
    periods = [p for p in t.periods if p.start or p.end]
    period_text = human_list([Text(draft.fact(p.start, "start of the trafficking"), " to ",
                                   Text(format_date(p.end)) if p.end else Text("a date not recorded"))
                              for p in periods]) if periods else draft.fact(None, "when the trafficking happened")
    places = [p.place for p in t.periods if p.place]
    means = [word for word, flag in (("force", t.force), ("fraud", t.fraud), ("coercion", t.coercion)) if flag]
    if t.means_description:
        means.append(t.means_description)
    return {
        "trafficking_kind": draft.fact(human_list(sorted(t.types)) if t.types else None, "type of trafficking (labor or sex)"),
        "trafficking_period": period_text,
        "trafficking_place": draft.fact(human_list(places) if places else None, "where the trafficking happened"),
        "means": draft.fact(human_list(means) if means else None, f"how the trafficker controlled {person}"),
    }


def official_documents(case: CaseFile) -> list[str]:
    """Official documentation of victim status: listed in the trafficking facts or as evidence."""
    docs = list(case.trafficking.official_documentation)
    docs += [e.title for e in case.evidence if e.kind == "official_documentation" and e.title not in docs]
    return docs
