"""Certification requests to law enforcement: Form I-914 Supplement B (T visa), Form I-918
Supplement B (U visa) and Continued Presence.

Screens each law-enforcement contact in the case file for the three requests and drafts, for each
one that applies, a letter to the certifying official and an officer's worksheet, plus one
follow-up log for the case. Continued Presence is requested by law enforcement only: its letter
asks the agency to request it or to ask a federal partner to, and asserts neither route.
"""
from __future__ import annotations

import datetime as dt

from ...drafting import Draft
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from .drafts import build_drafts
from .follow_up import CSV_NAME, follow_up_csv, follow_up_days
from .screening import immigration_path, screen_certifications


@register
class Certification(DraftFamily):
    name = "certification"
    title = "Certification requests to law enforcement (T, U, Continued Presence)"
    data_section = "certification"

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        return screen_certifications(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        return build_drafts(self, case, results, final)

    def exports(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> dict[str, str]:
        """Plain-text files to write beside the drafts: the follow-up log as CSV."""
        return {CSV_NAME: follow_up_csv(case, results)} if drafts else {}

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        out: list[str] = []
        for r in results:
            if r.draftable:
                out += [f"{r.subject.id}: {f.text}" + (f" [{f.fact.citation}]" if f.fact and f.fact.citation else "")
                        for f in r.warnings]
        if drafts:
            days = follow_up_days(results[0].jurisdiction)
            out.append("Certification follow-up log: "
                       + (f"follow-ups fall due {days} days after a request is sent (certification.follow_up_days, an "
                          "office default, not law)." if days is not None else
                          "the data has no follow-up period (certification.follow_up_days), so no dates are computed."))
        elif case.law_enforcement_contacts and immigration_path(case) is None:
            out.append("Certification requests (T and U visa, Continued Presence) were not screened: the client's "
                       "citizenship or immigration status is not recorded.")
        elif not case.law_enforcement_contacts and immigration_path(case) and case.trafficking.types:
            out.append("No law-enforcement contact is recorded, so no certification request was drafted (T and U "
                       "visa certifications and Continued Presence go through the agency that investigated).")
        return out
