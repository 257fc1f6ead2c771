"""Shared drafting machinery for every family: clause files, placeholders, and the common parts of a paper.

Every family builds its documents through a ``Draft``: asking it for a legal value records the
Fact (citation, source, verification) for the report, and asking for a missing value returns a
highlighted placeholder and records the gap. That bookkeeping is what lets the assembly report
list every clause's source, every unverified rule and every missing fact.

The parts most papers share (caption, signature block, the trafficking facts, the official
documents list) are public helpers here, so a new family composes them instead of copying them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .errors import AssemblyError
from .facts import CaseFile, Preparer, Trafficking
from .forums import ForumProfile
from .jurisdictions import Fact, Jurisdiction
from .layout import Layout
from .rendering import DRAFT_NOTICE, Text
from .datacache import compiled
from .resources import SOURCES_DIR, read_data_yaml, read_yaml

_SLOT = re.compile(r"\{(\w+)\}")
CLAUSES_DIR = SOURCES_DIR / "clauses"
_ACCEPTED: ContextVar[frozenset[str]] = ContextVar("accepted_law", default=frozenset())


@contextmanager
def accepting(fact_paths: Iterable[str]) -> Iterator[None]:
    """Draft with these unsettled facts (by their paths, as the report names them) accepted by the reviewing attorney:
    they print as plain law instead of a ``[CONFIRM: ...]`` marker."""
    token = _ACCEPTED.set(frozenset(fact_paths))
    try:
        yield
    finally:
        _ACCEPTED.reset(token)


def _read_clauses(path: Path) -> dict:
    return read_data_yaml(path.read_text(encoding="utf-8"))


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
        path = CLAUSES_DIR / f"{family}.yml"
        if not path.is_file():
            raise AssemblyError(f"clause file {path.name} is missing")
        return cls(compiled(f"clauses-{family}", [path], _read_clauses)[0], path.name)

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
    common: dict[str, Any] = field(default_factory=dict)  # slots every clause of this draft may use ({party})
    layout: Layout | None = None  # the forum's page layout; None for working papers that are not filed
    law_used: dict[str, dict] = field(default_factory=dict)
    missing: list[dict] = field(default_factory=list)
    unsettled: list[dict] = field(default_factory=list)

    def _use(self, fact: Fact, label: str, clause: str) -> None:
        entry = self.law_used.setdefault(fact.path, {**fact.as_dict(), "label": label, "clauses": []})
        if clause not in entry["clauses"]:
            entry["clauses"].append(clause)

    def law(self, fact: Fact, label: str, clause: str) -> Text:
        """The fact's value as text; a placeholder when the data does not know it; a ``[CONFIRM: ...]``
        marker when only a summary or nothing at all was read for it (never drafted as settled law)."""
        self._use(fact, label, clause)
        if fact.value is None or fact.value == []:
            return self._gap(f"{label} (not in the jurisdiction data)", "law", fact.path)
        text = human_list([str(v) for v in fact.value]) if isinstance(fact.value, list) else Text(str(fact.value))
        return self._settled(fact, label, text)

    def citation(self, fact: Fact, label: str, clause: str) -> Text:
        """The citation a court paper gives for a rule (never where the text was read: that is the report's)."""
        self._use(fact, label, clause)
        if not fact.citation:
            return self._gap(f"citation for {label} (not in the jurisdiction data)", "law", fact.path)
        return self._settled(fact, label, Text(fact.citation))

    def convention(self, fact: Fact, label: str, clause: str) -> Text:
        """A forum's practice (caption wording, party labels): printed as the data has it, and listed in
        the report with its tier; a placeholder when unknown."""
        self._use(fact, label, clause)
        if fact.value is None or fact.value == "":
            return self._gap(f"{label} (not in the forum data)", "law", fact.path)
        return Text(str(fact.value))

    def _settled(self, fact: Fact, label: str, text: Text) -> Text:
        if fact.settled or fact.path in _ACCEPTED.get():
            return text
        if not any(u["fact"] == fact.path for u in self.unsettled):
            self.unsettled.append({"label": label, "fact": fact.path, "tier": fact.tier})
        return Text.confirm(text)

    def law_slot(self, j: Jurisdiction, key: str, label: str) -> Callable[[str], Text]:
        """A clause slot filled with the fact at ``key`` (a full key: ``<section>.citation``)."""
        fact = j.fact(key)
        return lambda clause_id: self.law(fact, label, clause_id)

    def citation_slot(self, j: Jurisdiction, key: str, label: str) -> Callable[[str], Text]:
        """A clause slot filled with the citation of the fact at ``key``."""
        fact = j.fact(key)
        return lambda clause_id: self.citation(fact, label, clause_id)

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
        slots = {**self.common, **slots}
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
            if clause["text"].startswith(".", pos) and str(text).endswith("."):
                pos += 1  # a value that ends a sentence itself ("... under seal.") takes the clause's period
        text.append(clause["text"][pos:])
        return text


# ---------------------------------------------------------------------------------------------
# The parts most papers share.


def caption(draft: Draft, *, forum: ForumProfile, court: str | None, county: str | None, filer: str | None,
            case_numbers: Iterable[str | None], title: Text, final: bool, document: str = "motion") -> None:
    """Fill the caption every court template uses, the forum's way: its court heading, the prosecuting
    party's name, "v." or "-against-", the case-number label and the client's party label for this kind
    of ``document`` ("motion", "petition"). Also sets the ``{party}`` slot and the forum's page layout."""
    party = party_label(draft, forum, court, document)
    draft.common["party"] = party
    draft.layout = forum.layout(court)
    draft.context.update(
        draft_notice="" if final else DRAFT_NOTICE,
        court=court_heading(draft, forum, court, county).styled("bold"),
        prosecution=draft.convention(forum.fact("caption.prosecution", court), "name of the prosecution in the caption",
                                     "caption"),
        versus=draft.convention(forum.fact("caption.versus", court), "the caption's 'v.'", "caption"),
        movant=draft.fact(filer, "client's name in the caption"),
        movant_label=party,
        case_number_label=draft.convention(forum.fact("caption.case_number_label", court), "case number label",
                                           "caption"),
        case_numbers=Text.join([draft.fact(n, "case number") for n in case_numbers]),
        title=title.styled("bold", "caps"),
    )


def court_heading(draft: Draft, forum: ForumProfile, court: str | None, county: str | None) -> Text:
    """The court's name as the forum sets it at the top of a paper (its pattern), or the court's own name."""
    pattern = forum.fact("caption.court_heading", court)
    if not pattern.value:
        return draft.fact(court, "court")
    draft.convention(pattern, "court heading", "caption")
    out, pos = Text(), 0
    for match in _SLOT.finditer(pattern.value):
        out.append(pattern.value[pos:match.start()])
        value = {"court": court, "county": county}[match.group(1)]
        out.append(draft.fact(value, match.group(1)).styled("caps"))  # All Caps in Word; the text stays as entered
        pos = match.end()
    return out.append(pattern.value[pos:])


def party_label(draft: Draft, forum: ForumProfile, court: str | None, document: str) -> Text:
    """What the forum calls the client in this kind of paper ("Defendant-Petitioner", "Petitioner")."""
    fact = forum.fact("party_labels", court)
    labels = fact.value or {}
    label = (labels.get(document) or next(iter(labels.values()), {}) or {}).get("movant")
    return draft.convention(dataclasses.replace(fact, value=label), "the client's party label", "caption")


def oath(draft: Draft, forum: ForumProfile, court: str | None, *, name: Text, document: str) -> Text:
    """The declaration's oath in the forum's own wording, with its slots filled or left as lines to complete
    at signing; a placeholder when the forum's wording is not known."""
    fact = forum.fact("oath.declaration", court)
    if not fact.value:
        return draft.law(fact, "oath or penalty-of-perjury statement the forum accepts", "oath")
    blanks = {"date": "____________", "place": "____________", "day": "____", "month": "____________",
              "year": "______", "county": "____________", "state": "____________",
              "birth_date": "____________", "address": "____________"}
    filled, pos = Text(), 0
    for match in _SLOT.finditer(fact.value):
        filled.append(fact.value[pos:match.start()])
        slot = match.group(1)
        filled.append(name if slot == "name" else document if slot == "document" else blanks.get(slot, "________"))
        pos = match.end()
    filled.append(fact.value[pos:])
    draft._use(fact, "oath", "oath")
    return draft._settled(fact, "oath the forum accepts", filled)


def signature_block(draft: Draft, preparer: Preparer) -> list[Text]:
    """The signer's lines: an attorney signs for the client (by the forum's party label, set by ``caption``);
    an advocate's draft says an attorney must sign."""
    party = draft.common.get("party") or Text("the client")
    p = preparer
    attorney = p.role == "attorney"
    bar = (f"Bar No. {p.bar_number}" + (f" ({p.bar_state})" if p.bar_state else "")) if attorney else None
    lines = [draft.fact(p.name, "preparer's name"),
             Text("Attorney for ", party) if attorney else Text("Prepared by advocate (an attorney must sign)"),
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
