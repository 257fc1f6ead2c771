"""Affirmative defense: notice of a trafficking-victim defense to a pending charge.

Screens every pending charge against the jurisdiction's trafficking-victim defense or immunity
(federal charges: 18 U.S.C. § 28 per the data) and, where a defense exists, drafts a notice of
intent to raise it, an outline of the client's supporting declaration and a proposed jury
instruction, all captioned in the pending case.
"""
from __future__ import annotations

import datetime as dt

from ...drafting import Draft
from ...eligibility import WARN, Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from .drafts import build_charge_drafts
from .screening import SECTION, screen_charges


@register
class AffirmativeDefense(DraftFamily):
    name = "affirmative_defense"
    title = "Affirmative defense to pending charges (notice, declaration outline, jury instruction)"
    data_section = SECTION

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        return screen_charges(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        drafts: list[Draft] = []
        per_code: dict[str, int] = {}
        for result in results:
            if not result.draftable:
                continue
            code = result.jurisdiction.code
            per_code[code] = per_code.get(code, 0) + 1
            drafts += build_charge_drafts(self, case, result, f"{code}-{per_code[code]}", final)
        return drafts

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        out: list[str] = []
        for r in results:
            where = f"{r.jurisdiction.code} {r.subject.id}"
            if not r.draftable:
                reason = next((f.text for f in r.reasons if f.kind != "ok"), "see screening")
                out.append(f"{where}: no defense papers drafted ({reason})")
            for f in r.findings:
                if f.kind == WARN:
                    out.append(f"{where}: {f.text}" + (f" [{f.fact.citation}]" if f.fact and f.fact.citation else ""))
        if results and not drafts:
            out.append("No affirmative-defense papers were produced: no pending charge has a defense the data "
                       "confirms (see screening).")
        return out
