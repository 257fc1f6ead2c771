"""Record relief: vacatur, expungement and sealing of convictions and arrests caused by the trafficking.

The reference draft family: it screens every conviction and arrest against the jurisdiction's
record-relief law and drafts one set of papers per court for the records it can help.
"""
from __future__ import annotations

import datetime as dt
from contextvars import ContextVar

from ...drafting import Draft
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from .drafts import build_drafts, group_by_court, route_for
from .screening import screen_records

# The day the screening ran for (assemble(..., today=), the CLI's --filing-date): procedural dates in the
# papers count from it unless the case file names its own filing date.
_SCREENED_FOR: ContextVar[dt.date | None] = ContextVar("record_relief_screened_for", default=None)


@register
class RecordRelief(DraftFamily):
    name = "record_relief"
    title = "Record relief (vacatur, expungement, sealing)"
    data_section = "record_relief"

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        _SCREENED_FOR.set(today)
        return screen_records(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        drafts: list[Draft] = []
        filing_date = case.filing_date or _SCREENED_FOR.get() or dt.date.today()
        for group in group_by_court(results):
            drafts += build_drafts(self, case, group, final, filing_date)
        return drafts

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        out: list[str] = []
        draftable = [r for r in results if r.draftable]
        for r in results:
            if r.status == "not_yet_eligible" and r.earliest_date:
                out.append(f"{r.jurisdiction.code} {r.subject.id}: not yet eligible; earliest filing date "
                           f"{r.earliest_date.isoformat()}.")
        for r in draftable:
            for f in r.warnings:
                out.append(f"{r.jurisdiction.code} {r.subject.id}: {f.text}"
                           + (f" [{f.fact.citation}]" if f.fact and f.fact.citation else ""))
        for r in draftable:
            out += route_for(r.jurisdiction, r.subject.item).notes
        if any(d.kind == "official_form_worksheet" for d in drafts):
            out.append("A mandatory official form applies: the set holds a field-by-field worksheet for the form, not "
                       "the form itself. Fill in and file the official form.")
        for j in {r.jurisdiction.code: r.jurisdiction for r in draftable}.values():
            for note in j.value("record_relief.practice_notes") or []:
                out.append(f"{j.code}: {note}")
            venue = j.value("record_relief.venue")
            if venue and venue["rule"] != "court_of_conviction":
                out.append(f"{j.code}: venue: {venue['description']} - check the court in the caption.")
        for i, warrant in enumerate(case.outstanding_warrants):
            kind = {"bench": "bench warrant", "arrest": "arrest warrant"}.get(warrant.kind or "", "warrant")
            out.append(f"{warrant.jurisdiction}: an outstanding {kind} is recorded (outstanding_warrants[{i}]). "
                       "Resolve it with the client before anything is filed or the client goes to court.")
        if not drafts:
            out.append("No record-relief drafts were produced: no conviction or arrest is eligible now (see screening).")
        return out
