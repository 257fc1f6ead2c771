"""Record relief: vacatur, expungement and sealing of convictions and arrests caused by the trafficking.

The reference draft family: it screens every conviction and arrest against the jurisdiction's
record-relief law and drafts one set of papers per court for the records it can help.
"""
from __future__ import annotations

import datetime as dt

from ...drafting import Draft
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from .drafts import build_drafts, group_by_court
from .screening import screen_records


@register
class RecordRelief(DraftFamily):
    name = "record_relief"
    title = "Record relief (vacatur, expungement, sealing)"
    data_section = "record_relief"

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        return screen_records(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        drafts: list[Draft] = []
        for group in group_by_court(results):
            drafts += build_drafts(self, case, group, final)
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
        for j in {r.jurisdiction.code: r.jurisdiction for r in draftable}.values():
            for note in j.value("record_relief.practice_notes") or []:
                out.append(f"{j.code}: {note}")
            venue = j.value("record_relief.venue")
            if venue and venue["rule"] != "court_of_conviction":
                out.append(f"{j.code}: venue: {venue['description']} - check the court in the caption.")
        if not drafts:
            out.append("No record-relief drafts were produced: no conviction or arrest is eligible now (see screening).")
        return out
