"""Restitution: a request to the prosecutor that the restitution order cover all of the victim's losses.

Federal cases rest on 18 U.S.C. § 1593 (mandatory restitution: the victim's losses plus the greater of the
gross value of the labor to the defendant and its value under the FLSA); state cases on the state's statute
as the jurisdiction data's ``restitution:`` section holds it. The figures come from the wage calculator
(``wages.py``), week by week, with every line traceable to a case-file entry and a rate source.
"""
from __future__ import annotations

import datetime as dt

from ...drafting import Draft
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...family import DraftFamily, register
from ...jurisdictions import Jurisdiction
from ...wages import to_csv, xlsx_bytes
from .command import WorksheetCommand
from .drafts import build_drafts
from .screening import screen_restitution

CSV_NAME = "restitution-worksheet.csv"
XLSX_NAME = "restitution-worksheet.xlsx"


@register
class Restitution(DraftFamily):
    name = "restitution"
    title = "Restitution request to the prosecutor (with wage-loss worksheet)"
    data_section = "restitution"
    command = WorksheetCommand()  # `traffickingrelief restitution CASE`

    def screen(self, case: CaseFile, today: dt.date) -> list[Eligibility]:
        return screen_restitution(case, today)

    def build(self, case: CaseFile, results: list[Eligibility], *, final: bool) -> list[Draft]:
        return build_drafts(self, case, results, final)

    def coverage(self, j: Jurisdiction) -> dict:
        """As the default, naming the remedy where the data says restitution is available."""
        available = j.value("restitution.available")
        return {**super().coverage(j), "remedy": "restitution order" if available else None}

    def exports(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> dict[str, str]:
        """The worksheet as CSV beside the drafts. (The Excel workbook, ``workbook``, joins it once the core
        writes binary companions; until then `traffickingrelief restitution CASE --xlsx FILE` writes it.)"""
        calc = _worksheet(results, drafts)
        return {CSV_NAME: to_csv(calc)} if calc else {}

    def workbook(self, results: list[Eligibility], drafts: list[Draft]) -> dict[str, bytes]:
        """The worksheet as an Excel workbook, by file name, for a caller that writes binary files."""
        calc = _worksheet(results, drafts)
        return {XLSX_NAME: xlsx_bytes(calc)} if calc else {}

    def warnings(self, case: CaseFile, results: list[Eligibility], drafts: list[Draft]) -> list[str]:
        out: list[str] = []
        for r in results:
            where = r.jurisdiction.code if r.jurisdiction else "restitution"
            for f in r.findings:
                if f.kind in ("warn", "review"):
                    out.append(f"{where} restitution: {f.text}" + (f" [{f.fact.citation}]" if f.fact and f.fact.citation else ""))
        return out


def _worksheet(results: list[Eligibility], drafts: list[Draft]):
    """The calculation behind the drafted request, or None when nothing was drafted."""
    drafted = [r for r in results if r.draftable]
    return drafted[0].subject.item.calculation if drafted and drafts else None
