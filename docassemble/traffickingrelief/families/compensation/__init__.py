"""Crime-victim compensation: a claim to the program of the state where the crime happened.

Drafts a cover letter and an itemized expense schedule for the advocate to send with the program's own
application form. Program details come from the jurisdiction data's ``compensation:`` section; the
report warns where the program bars or limits claims by victims without a police report or with related
convictions, which often affects trafficking survivors.
"""
from __future__ import annotations

import datetime as dt

from ...drafting import Draft
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from ...jurisdictions import Jurisdiction
from .drafts import build_drafts
from .screening import screen_compensation


@register
class Compensation(DraftFamily):
    name = "compensation"
    title = "Crime victim compensation claim (cover letter and expense schedule)"
    data_section = "compensation"

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        return screen_compensation(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        return build_drafts(self, case, results, final)

    def coverage(self, j: Jurisdiction) -> dict:
        """As the default, with the program's name as the remedy."""
        return {**super().coverage(j), "remedy": j.value("compensation.program")}

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        out: list[str] = []
        for r in results:
            where = r.jurisdiction.code if r.jurisdiction else "compensation"
            for f in r.findings:
                if f.kind in ("warn", "review", "bar"):
                    out.append(f"{where} compensation: {f.text}")
        return out
