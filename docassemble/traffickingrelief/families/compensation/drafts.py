"""The compensation cover letter and itemized expense schedule.

Letters, not court papers: addressed to the program (name, agency and address from the data, blanks to
fill in where unknown), in plain words for advocates and survivors. Every expense line names the case-file
entry it comes from and the proof listed for it.
"""
from __future__ import annotations

from decimal import Decimal

from ...drafting import Draft, format_date, human_list, official_documents
from ...eligibility import Eligibility
from ...facts import CaseFile
from ...rendering import DRAFT_NOTICE, Text
from ..restitution.drafts import expense_category, letter_signature, money
from .screening import police_reports


def build_drafts(family, case: CaseFile, results: list[Eligibility], final: bool) -> list[Draft]:
    drafts: list[Draft] = []
    for result in results:
        if result.draftable:
            builder = _Builder(family, case, result, final)
            drafts += [builder.letter(), builder.schedule()]
    return drafts


class _Builder:
    def __init__(self, family, case: CaseFile, result: Eligibility, final: bool):
        self.family, self.case, self.final = family, case, final
        self.j = result.jurisdiction
        self.group = f"{self.j.code}-compensation"
        self.total = sum((e.amount for e in case.losses.expenses), Decimal("0.00")).quantize(Decimal("0.01"))

    def _new(self, kind: str, title: str, template: str) -> Draft:
        d = self.family.draft(kind, title, template, f"{self.j.code}-compensation-{kind.replace('_', '-')}", self.group)
        d.context["draft_notice"] = "" if self.final else DRAFT_NOTICE
        return d

    def _law(self, d: Draft, key: str, label: str, clause: str) -> Text:
        return d.law(self.j.fact(f"compensation.{key}"), label, clause)

    def _trafficking(self, d: Draft) -> dict[str, Text]:
        """The kind and dates of the trafficking, as the case file has them (placeholders when it does not)."""
        t = self.case.trafficking
        periods = [p for p in t.periods if p.start or p.end]
        dates = human_list([Text(format_date(p.start) if p.start else "a date not recorded", " to ",
                                  format_date(p.end) if p.end else "a date not recorded") for p in periods])
        return {"trafficking_kind": d.fact(human_list(sorted(t.types)) if t.types else None,
                                           "type of trafficking (labor or sex)"),
                "trafficking_period": dates if periods else d.fact(None, "when the trafficking happened")}

    def letter(self) -> Draft:
        d = self._new("cover_letter", "Crime victim compensation cover letter", "cover_letter.docx")
        client = d.fact(self.case.client.legal_name, "client's name")
        program = self._law(d, "program", "name of the crime victim compensation program", "letter.intro")
        reports = police_reports(self.case)
        docs = official_documents(self.case)
        flags = {"has_report": bool(reports), "no_report": not reports,
                 "has_record": bool(self.case.convictions or self.case.pending_charges),
                 "missing_proof": any(not e.receipt for e in self.case.losses.expenses)}
        slots = self._trafficking(d)
        paragraphs = d.clauses(
            "letter", flags, client=client, program=program, state=self.j.name,
            trafficking_kind=slots["trafficking_kind"], trafficking_period=slots["trafficking_period"],
            total=money(self.total),
            deadline=lambda cid: self._law(d, "filing_deadline", "the program's time limit for applying", cid),
            agencies=human_list([Text(c.agency, " (report number ", c.report_number, ")") for c in reports]),
            documents=human_list(docs) if docs else d.fact(None, "other proof of the crime (e.g. a letter from a "
                                                                  "service provider or a T visa approval)"),
            count=str(sum(1 for e in self.case.losses.expenses if not e.receipt)))
        d.context.update(
            letter_date=Text("Date: ____________________"),
            addressee=[program, self._law(d, "agency", "agency that runs the program", "letter.addressee"),
                       self._law(d, "address", "the program's mailing address", "letter.addressee")],
            subject=Text("Re: Application for crime victim compensation for ", client),
            salutation=Text("Dear Claims Staff:"),
            paragraphs=paragraphs,
            enclosures=[Text("The program's application form, completed and signed"), Text("Itemized list of expenses")]
            + [Text("Proof of expense: ", e.receipt) for e in self.case.losses.expenses if e.receipt],
            signature=letter_signature(d, self.case.preparer),
        )
        return d

    def schedule(self) -> Draft:
        d = self._new("expense_schedule", "Itemized expense schedule", "expense_schedule.docx")
        client = d.fact(self.case.client.legal_name, "client's name")
        program = self._law(d, "program", "name of the crime victim compensation program", "schedule.intro")
        rows = [{"number": Text(str(i + 1)), "entry": Text(f"losses.expenses[{i}]"),
                 "date": Text(e.date.isoformat() if e.date else "not given"), "category": Text(expense_category(e.category)),
                 "description": Text(e.description), "receipt": Text(e.receipt) if e.receipt else Text("none listed"),
                 "amount": Text(money(e.amount))} for i, e in enumerate(self.case.losses.expenses)]
        notes = [Text("Time limit to apply: ", self._law(d, "filing_deadline", "the program's time limit for applying", "notes")),
                 Text("Police report: ", self._law(d, "police_report", "the program's rule on police reports", "notes")),
                 Text("The victim's own conduct or convictions: ",
                      self._law(d, "conduct_limit", "the program's rule on the victim's own conduct or convictions", "notes"))]
        d.context.update(
            title=Text("ITEMIZED EXPENSES").styled("bold"),
            intro=d.clauses("schedule", client=client, program=program),
            rows=rows, total=Text("Total: ", money(self.total)), notes=notes,
        )
        return d
