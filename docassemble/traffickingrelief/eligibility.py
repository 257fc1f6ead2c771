"""Eligibility results that fit every draft family.

A family screens *subjects*: a conviction, an arrest, a pending charge, the client, a loss
claim. Each result has a status,
findings that carry the Fact they rest on, and an earliest date when waiting would help. The
status follows from the findings by one rule (``decide``), so every family reads the same way in
the report, the CLI and the interview.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .jurisdictions import Fact, Jurisdiction

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
NOT_YET_ELIGIBLE = "not_yet_eligible"
NEEDS_REVIEW = "needs_review"

STATUS_LABELS = {
    ELIGIBLE: "eligible",
    NOT_ELIGIBLE: "not eligible",
    NOT_YET_ELIGIBLE: "not yet eligible",
    NEEDS_REVIEW: "needs attorney review",
}

# Finding kinds, from strongest to weakest.
BAR, WAIT, CONSENT, REVIEW, WARN, OK = "bar", "wait", "consent", "review", "warn", "ok"


@dataclass(frozen=True)
class Finding:
    """One reason, with the Fact it rests on (None for a reason that rests on the case file alone)."""

    kind: str
    text: str
    fact: Fact | None = None
    until: dt.date | None = None
    missing: str | None = None  # a client fact that would settle this, when one is missing


@dataclass(frozen=True)
class Subject:
    """What a result is about. ``item`` is the case-file object itself (a Record, a PendingCharge...)."""

    kind: str  # "conviction", "arrest", "pending_charge", "client", "loss_claim", ...
    id: str
    jurisdiction: str | None = None
    item: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Eligibility:
    family: str
    subject: Subject
    jurisdiction: Jurisdiction | None
    status: str
    findings: tuple[Finding, ...]
    earliest_date: dt.date | None = None
    draftable: bool = False  # whether the family drafts papers for this subject

    @property
    def reasons(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind != WARN)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind in (WARN, CONSENT))

    @property
    def missing_facts(self) -> tuple[str, ...]:
        return tuple(f.missing for f in self.findings if f.missing)

    def as_dict(self) -> dict:
        return {
            "record_id": self.subject.id,
            "record_kind": self.subject.kind,
            "jurisdiction": self.jurisdiction.code if self.jurisdiction else self.subject.jurisdiction,
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "earliest_filing_date": self.earliest_date.isoformat() if self.earliest_date else None,
            "drafts_produced": self.draftable,
            "reasons": [{"kind": f.kind, "text": f.text,
                         "citation": f.fact.citation if f.fact else None,
                         "fact": f.fact.path if f.fact else None,
                         "tier": f.fact.tier if f.fact else None,
                         "verified": f.fact.verified if f.fact else None} for f in self.findings],
            "missing_facts": list(self.missing_facts),
        }


def normalise_statute(text: str) -> str:
    """Compare citations without spacing, section signs or case: '18 Pa.C.S. § 5902' == '18 pa.c.s. 5902'."""
    return re.sub(r"[^a-z0-9.()\-]", "", text.lower().replace("§", "").replace("sec.", "")).rstrip(".")


def cites(statute: str | None, statutes: list[str]) -> bool:
    """Whether a client's statute is one of ``statutes`` or a subsection of one (``§ 5902(a)`` is in ``§ 5902``)."""
    if not statute:
        return False
    mine = normalise_statute(statute)
    return any(mine == s or mine.startswith(s + "(") for s in map(normalise_statute, statutes))


def decide(findings: list[Finding]) -> tuple[str, dt.date | None]:
    """The status the findings add up to, and the earliest date when only waiting stands in the way."""
    kinds = {f.kind for f in findings}
    earliest = max((f.until for f in findings if f.kind == WAIT and f.until), default=None)
    if BAR in kinds:
        return NOT_ELIGIBLE, None
    if WAIT in kinds or CONSENT in kinds:
        return NOT_YET_ELIGIBLE, earliest
    if REVIEW in kinds:
        return NEEDS_REVIEW, earliest
    return ELIGIBLE, earliest
