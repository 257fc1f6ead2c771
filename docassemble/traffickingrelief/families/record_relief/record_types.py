"""Record types and the remedy's wording for each.

A conviction by plea, a conviction after a verdict, an arrest never charged, a dismissed charge, an
acquittal, deferred adjudication or diversion, and a juvenile adjudication are different records: the
law may cover some and not others, and the motion's title, the statute's link words and the order's
operative text differ between them. The wording comes from the data's
``record_relief.by_record_type.<type>`` keys where the law differs; the general keys describe relief
from a conviction, so they are used for a non-conviction record only when their words fit it. Unknown
stays unknown: a placeholder in the papers.
"""
from __future__ import annotations

import dataclasses
import re

from ...facts import Record
from ...jurisdictions import Fact, Jurisdiction

CONVICTION_PLEA = "conviction_plea"
CONVICTION_VERDICT = "conviction_verdict"
CONVICTION = "conviction"  # how the conviction came about is not recorded
ARREST_NO_CHARGE = "arrest_no_charge"
DISMISSED = "dismissed"
ACQUITTED = "acquitted"
DEFERRED = "deferred_adjudication"
DIVERSION = "diversion"
JUVENILE = "juvenile_adjudication"
ARREST = "arrest"  # an arrest whose outcome is not recorded

CONVICTION_TYPES = (CONVICTION_PLEA, CONVICTION_VERDICT, CONVICTION)

LABELS = {
    CONVICTION_PLEA: "conviction by plea",
    CONVICTION_VERDICT: "conviction after a verdict",
    CONVICTION: "conviction",
    ARREST_NO_CHARGE: "arrest without a charge",
    DISMISSED: "dismissed charge",
    ACQUITTED: "acquittal",
    DEFERRED: "deferred adjudication",
    DIVERSION: "diversion",
    JUVENILE: "juvenile adjudication",
    ARREST: "arrest",
}

# Words that tie a general wording to a conviction, or to a trial. A general wording carrying them
# is not used for a record it does not fit (an arrest never gets "judgment of conviction"; a plea
# never gets "the verdict" or "acquittal").
_CONVICTION_WORDS = re.compile(r"\b(convict\w*|judgments?|verdicts?|acquittal|sentence[sd]?|plea)\b", re.I)
_TRIAL_WORDS = re.compile(r"\b(verdicts?|acquittal)\b", re.I)

_PLEA = re.compile(r"\b(plea|pleaded|pled|no contest|nolo)\b", re.I)
_VERDICT = re.compile(r"\b(verdict|trial|found guilty|jury)\b", re.I)


def record_type(record: Record) -> str:
    """The record's type, from the case file's disposition fields."""
    if record.juvenile_adjudication:
        return JUVENILE
    if record.kind == "conviction":
        kind = record.disposition_type
        if kind in ("guilty_plea", "no_contest_plea"):
            return CONVICTION_PLEA
        if kind == "verdict":
            return CONVICTION_VERDICT
        if kind in (DEFERRED, DIVERSION):
            return kind
        text = record.disposition or ""
        if _PLEA.search(text):
            return CONVICTION_PLEA
        if _VERDICT.search(text):
            return CONVICTION_VERDICT
        return CONVICTION
    return {"not_prosecuted": ARREST_NO_CHARGE, "dismissed": DISMISSED, "acquitted": ACQUITTED,
            "deferred_adjudication": DEFERRED, "diversion": DIVERSION}.get(record.disposition or "", ARREST)


def described(kind: str) -> str:
    """The type's label with its article: "a conviction by plea", "an acquittal"."""
    label = LABELS[kind]
    return ("an " if label[0] in "aeiou" else "a ") + label


def _fits(kind: str, text: str) -> bool:
    if kind == CONVICTION_VERDICT:
        return True
    if kind in (CONVICTION_PLEA, CONVICTION):  # a conviction not known to follow a trial gets no trial wording
        return not _TRIAL_WORDS.search(text)
    return not _CONVICTION_WORDS.search(text)


def _specific(j: Jurisdiction, kind: str, key: str) -> Fact | None:
    for candidate in (kind, CONVICTION if kind in CONVICTION_TYPES else None):
        if candidate:
            fact = j.fact(f"record_relief.by_record_type.{candidate}.{key}")
            if fact.known:
                return fact
    return None


def wording(j: Jurisdiction, kind: str, key: str) -> tuple[Fact, str | None]:
    """The fact to draft ``key`` (document_title, nexus, relief_effects, findings_language) from for a
    record of ``kind``, and a note when the general wording did not fit and was left out.

    The specific key wins; else the general key where its words fit the record; else an unknown
    fact at the specific path (a placeholder that names what is missing)."""
    specific = _specific(j, kind, key)
    if specific is not None:
        return specific, None
    general = j.fact(f"record_relief.{key}")
    if not general.known:
        return general, None
    if isinstance(general.value, list):
        kept = [v for v in general.value if _fits(kind, str(v))]
        if len(kept) == len(general.value):
            return general, None
        dropped = [v for v in general.value if v not in kept]
        note = (f"{j.code}: the general wording of {key.replace('_', ' ')} does not fit {described(kind)} and was "
                f"left out of its papers: {'; '.join(map(str, dropped))}.")
        if kept:
            return dataclasses.replace(general, value=kept), note
        return _unknown(j, kind, key, general), note
    if _fits(kind, str(general.value)):
        return general, None
    note = (f"{j.code}: the general {key.replace('_', ' ')} (\"{general.value}\") does not fit {described(kind)}; "
            f"the data has no wording for this record type, so the papers carry a placeholder.")
    return _unknown(j, kind, key, general), note


def _unknown(j: Jurisdiction, kind: str, key: str, general: Fact) -> Fact:
    return dataclasses.replace(general, path=f"{j.code}:record_relief.by_record_type.{kind}.{key}", value=None,
                               citation=None, source=None, tier="none", note=f"no {key.replace('_', ' ')} for a "
                               f"{described(kind)} in the data")


def coverage(j: Jurisdiction, kind: str) -> Fact | None:
    """The fact saying whether the law covers this record type (None: a conviction the law is about)."""
    specific = j.fact(f"record_relief.by_record_type.{kind}.covered")
    if specific.value is not None:
        return specific
    if kind == JUVENILE:
        return j.fact("record_relief.covers_juvenile_adjudications")
    if kind in (ARREST_NO_CHARGE, DISMISSED, ACQUITTED, ARREST):
        return j.fact("record_relief.covers_arrests")
    if kind in (DEFERRED, DIVERSION):
        return specific  # unknown unless the data says so: a question for the attorney
    return None
