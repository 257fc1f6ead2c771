"""The restitution request to the prosecutor and its worksheet (DOCX; CSV and XLSX through ``exports``).

The request is a letter, not a court paper: it goes to the prosecutor (federal: the U.S. Attorney's Office
and its victim-witness coordinator, named from the case file's law-enforcement contacts), with a loss
statement. The worksheet shows every workweek line with the case-file entry it comes from and the
minimum-wage law behind its rate. All figures come from ``wages.calculate``; all law from the data.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from ...drafting import Draft, format_date, human_list
from ...eligibility import Eligibility
from ...facts import CaseFile, Preparer
from ...jurisdictions import Fact
from ...rendering import DRAFT_NOTICE, Text
from ...wages import Calculation, liquidated_damages_rows, summary_rows
from .screening import LossClaim, contacts

MONEY_UNKNOWN = "unknown"
CATEGORY_WORDS = {"lost_property": "lost property", "lost_income": "lost income", "child_care": "child care"}


def money(value: Decimal | None) -> str:
    return MONEY_UNKNOWN if value is None else f"${value:,.2f}"


def letter_signature(draft: Draft, preparer: Preparer) -> list[Text]:
    """A letter's signature lines: the preparer, their role and organization, and how to reach them."""
    role = "Attorney" if preparer.role == "attorney" else "Advocate"
    lines = [draft.fact(preparer.name, "preparer's name"),
             Text(role + (f", {preparer.organisation}" if preparer.organisation else "")),
             Text(preparer.address) if preparer.address else None,
             Text(preparer.phone) if preparer.phone else None,
             Text(preparer.email) if preparer.email else None]
    if not (preparer.phone or preparer.email or preparer.address):
        lines.append(draft.fact(None, "preparer's phone, email or address"))
    return [line for line in lines if line is not None]


def _row_source(label: str) -> str:
    """Where a loss-statement figure comes from, in the worksheet and the case file."""
    lower = label.lower()
    if lower.startswith("restitution under"):
        return "sum of the lines above, as the restitution statute measures it"
    if lower.startswith("gross income"):
        return "case file: losses.gross_value_to_defendant"
    if lower.startswith("other losses"):
        return "worksheet, other losses (case file: losses.expenses)"
    if lower.startswith("unpaid at the"):
        return "worksheet, state minimum-wage lines (case file: losses.work_periods)"
    return "worksheet, workweek lines (case file: losses.work_periods)"


def expense_category(category: str | None) -> str:
    return CATEGORY_WORDS.get(category, category) if category else "not given"


def build_drafts(family, case: CaseFile, results: list[Eligibility], final: bool) -> list[Draft]:
    drafts: list[Draft] = []
    for result in results:
        if result.draftable:
            builder = _Builder(family, case, result, final)
            drafts += [builder.letter(), builder.worksheet()]
    return drafts


class _Builder:
    def __init__(self, family, case: CaseFile, result: Eligibility, final: bool):
        self.family, self.case, self.result, self.final = family, case, result, final
        self.claim: LossClaim = result.subject.item
        self.calc: Calculation = self.claim.calculation
        self.j = result.jurisdiction
        self.group = f"{self.j.code}-restitution"

    def _new(self, kind: str, title: str, template: str) -> Draft:
        d = self.family.draft(kind, title, template, f"{self.j.code}-restitution-{kind.replace('_', '-')}", self.group)
        d.context["draft_notice"] = "" if self.final else DRAFT_NOTICE
        return d

    def _client(self, d: Draft) -> Text:
        return d.fact(self.case.client.filing_name, "client's name")

    def _case_reference(self, d: Draft) -> Text:
        p = self.case.losses.prosecution
        defendant = d.fact(p.defendant if p else None, "name of the defendant (the trafficker)")
        caption = d.law(self.j.fact("prosecution_caption"), "name of the prosecution", "letter.subject")
        number = d.fact(p.case_number if p else None, "case number of the prosecution")
        court = d.fact(p.court if p else None, "court where the trafficker is prosecuted")
        return Text(caption, " v. ", defendant, ", case no. ", number, " (", court, ")")

    def _addressee(self, d: Draft) -> list[Text]:
        lines: list[Text] = []
        prosecutors = contacts(self.case, "prosecutor")
        coordinators = contacts(self.case, "victim_witness_coordinator")
        office = self.case.losses.prosecution.prosecutor_office if self.case.losses.prosecution else None
        for c in prosecutors:
            lines.append(d.fact(c.officer, "name of the prosecutor"))
            lines.append(Text(c.agency))
        if not prosecutors:
            lines.append(d.fact(None, "name of the prosecutor handling the case"))
            lines.append(d.fact(office, "prosecutor's office")
                         if office or not self.claim.federal else
                         d.law(self.j.fact("restitution.request_to"), "who takes a restitution request", "letter.addressee"))
        for c in coordinators:
            lines.append(Text("Victim-witness coordinator: ", d.fact(c.officer, "name of the victim-witness coordinator"),
                              ", ", c.agency))
        if self.claim.federal and not coordinators:
            lines.append(Text("Victim-witness coordinator: ", d.fact(None, "name of the victim-witness coordinator")))
        return lines

    def _formula_fact(self) -> Fact:
        fact = self.j.fact("restitution.formula")
        return dataclasses.replace(fact, value=fact.value["description"]) if fact.known else fact

    def _choice_slots(self, d: Draft) -> dict:
        included = [d.citation(fact, "court decision including liquidated damages in restitution", "courts.include")
                    for fact in self.calc.liquidated_damages_courts if fact.value is True]
        courts = d.clauses("courts", included=human_list(included))[0] if included else Text()
        return {"courts": courts,
                "choice": d.fact(None, "attorney's choice: ask with or without liquidated damages")}

    def _scenarios(self):
        with_ot = [s for s in self.calc.scenarios if s.overtime]
        return with_ot[0], with_ot[1]

    def letter(self) -> Draft:
        d = self._new("request_letter", "Restitution request to the prosecutor", "request_letter.docx")
        calc, claim = self.calc, self.claim
        client = self._client(d)
        plain, doubled = self._scenarios()
        gross = self.case.losses.gross_value_to_defendant
        periods = [p for p in self.case.losses.work_periods]
        work_span = human_list([Text("from ", format_date(p.start), " to ", format_date(p.end)) for p in periods])
        flags = {"federal": claim.federal, "state": not claim.federal, "has_work": bool(calc.lines),
                 "has_gross": gross is not None, "has_expenses": bool(calc.expenses),
                 "incomplete": not calc.complete, "live_in": calc.has_live_in}
        citation = d.citation(self.j.fact("restitution.citation"), "restitution statute", "letter.law")
        paragraphs = d.clauses(
            "letter", flags, client=client, case_reference=self._case_reference(d), citation=citation,
            formula=lambda cid: d.law(self._formula_fact(), "how restitution is measured", cid),
            measure=lambda cid: d.law(self.j.fact("restitution.measure"), "what the restitution statute provides", cid),
            work_span=work_span, unpaid=money(calc.unpaid_total), unpaid_doubled=money(calc.unpaid_total * 2),
            gross=money(gross.amount) if gross else "",
            gross_basis=d.fact(gross.basis if gross else None, "how the gross value to the defendant was worked out"),
            gross_evidence=d.fact(gross.evidence if gross else None, "what shows the gross value to the defendant"),
            other_total=money(calc.other_losses), total_plain=money(plain.total), total_doubled=money(doubled.total),
            **self._choice_slots(d))
        d.context.update(
            letter_date=Text("Date: ____________________"),
            addressee=self._addressee(d),
            subject=Text("Re: Restitution for ", client, " in ", self._case_reference(d)),
            salutation=Text("Dear Counsel:"),
            paragraphs=paragraphs,
            table_rows=self._loss_statement(calc),
            enclosures=[Text("Restitution worksheet")]
            + [Text("Proof of expense: ", e.receipt) for e in self.case.losses.expenses if e.receipt],
            signature=letter_signature(d, self.case.preparer),
        )
        return d

    def _loss_statement(self, calc: Calculation) -> list[dict]:
        rows = []
        for label, amount in summary_rows(calc):
            if isinstance(amount, Decimal):
                rows.append({"label": Text(label), "amount": Text(money(amount)), "source": Text(_row_source(label))})
        return rows

    def worksheet(self) -> Draft:
        d = self._new("worksheet", "Restitution worksheet", "worksheet.docx")
        calc = self.calc
        client = self._client(d)
        rate_facts: dict[str, Fact] = {}
        weeks = []
        for line in calc.lines:
            facts = list(dict.fromkeys(f for s in line.segments for f in s.facts))
            for f in facts:
                rate_facts.setdefault(f.path, f)
            rate = ("; ".join(f"{money(s.value)} x {s.days} day(s)" for s in line.segments) if len(line.segments) > 1
                    else money(line.segments[0].value)) if line.known else "unknown"
            weeks.append({"entry": Text(line.case_entry), "week": Text(f"{line.first_day:%Y-%m-%d} to {line.last_day:%Y-%m-%d}"),
                          "days": Text(str(line.days)), "hours": Text(f"{line.hours.numerator / line.hours.denominator:.2f}"),
                          "rate": Text(rate, " (", "; ".join(f.citation or "no citation" for f in facts) or "no law found", ")"),
                          "due": Text(money(line.due)), "paid": Text(money(line.paid)), "unpaid": Text(money(line.unpaid)),
                          "notes": Text("; ".join(line.flags))})
        states = []
        for line in calc.lines:
            for value in line.states:
                facts = list(dict.fromkeys(f for s in value.segments for f in s.facts))
                for f in facts:
                    rate_facts.setdefault(f.path, f)
                states.append({"entry": Text(line.case_entry), "week": Text(f"{line.first_day:%Y-%m-%d} to {line.last_day:%Y-%m-%d}"),
                               "state": Text(value.code),
                               "rate": Text(money(value.segments[0].value) if len(value.segments) == 1 and value.due is not None
                                            else "; ".join(money(s.value) for s in value.segments) or f"unknown: {value.reason}",
                                            " (" + "; ".join(f.citation or "no citation" for f in facts) + ")" if facts else ""),
                               "due": Text(money(value.due)), "unpaid": Text(money(value.unpaid))})
        expenses = [{"entry": Text(e.case_entry), "date": Text(e.date.isoformat() if e.date else "not given"),
                     "category": Text(expense_category(src.category)), "description": Text(e.description),
                     "receipt": Text(src.receipt) if src.receipt else Text("none listed"), "amount": Text(money(e.amount))}
                    for e, src in zip(calc.expenses, self.case.losses.expenses)]
        periods = [{"entry": Text(f"losses.work_periods[{i}]"), "dates": Text(f"{p.start:%Y-%m-%d} to {p.end:%Y-%m-%d}"),
                    "work": Text(p.work or "not given"), "state": Text(p.state or "not given"),
                    "hours": Text(str(p.hours_per_week)), "days": Text(str(p.days_per_week) if p.days_per_week else "not given"),
                    "pay": Text(money(p.pay_received) + (f" per {p.pay_received_per}" if p.pay_received_per else "")),
                    "live_in": Text("yes" if p.live_in else "no")}
                   for i, p in enumerate(self.case.losses.work_periods)]
        rate_law = [Text("$", d.law(f, f"minimum wage in force from {f.effective or 'the date shown'}", "worksheet.rates"),
                         f" an hour from {f.effective:%Y-%m-%d}" if f.effective else "", " (",
                         d.citation(f, "minimum-wage law", "worksheet.rates"), ")")
                    for f in rate_facts.values()]
        courts = [{"court": Text(court), "position": Text(position), "citation": Text(citation or "")}
                  for court, position, citation, _tier in liquidated_damages_rows(calc)]
        d.context.update(
            title=Text("RESTITUTION WORKSHEET").styled("bold"),
            intro=d.clauses("worksheet", client=client, case_reference=self._case_reference(d)),
            periods=periods, weeks=weeks, states=states, expenses=expenses,
            summary=[{"label": Text(label), "amount": Text(money(a) if isinstance(a, Decimal) else str(a))}
                     for label, a in summary_rows(calc)],
            courts=courts, rate_law=rate_law or [Text("No workweek lines.")],
            method=[Text(rule) for rule in calc.method],
        )
        return d
