"""Screening a restitution claim: which law the request rests on, and the § 1593 worksheet behind it.

One subject per case ("loss_claim"): the client's losses from the trafficking. The law comes from the
``restitution:`` section of the prosecuting jurisdiction's data (18 U.S.C. § 1593 in US.yml for a
federal case); the figures come from ``wages.calculate``. Bad losses (negative or impossible hours, a
period that ends before it starts) raise a CaseFileError naming the field, before anything is drafted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...eligibility import (OK, REVIEW, WARN, Eligibility, Finding, Subject, decide)
from ...errors import UnknownJurisdictionError
from ...facts import CaseFile, LawEnforcementContact
from ...jurisdictions import Jurisdiction, load_jurisdiction
from ...wages import FEDERAL, Calculation, calculate

FAMILY = "restitution"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SUNDAY = WEEKDAYS.index("sunday")


@dataclass(frozen=True)
class LossClaim:
    """The losses a restitution request (or a compensation claim) is about, with the worksheet."""

    calculation: Calculation
    prosecution_code: str | None
    week_starts_on: int

    @property
    def federal(self) -> bool:
        return self.prosecution_code == FEDERAL


def has_losses(case: CaseFile) -> bool:
    losses = case.losses
    return bool(losses.work_periods or losses.expenses or losses.gross_value_to_defendant)


def wage_states(case: CaseFile) -> tuple[str, ...]:
    """The states whose minimum wage the worksheet shows: where the work was done, and a state prosecution's."""
    codes = [p.state for p in case.losses.work_periods if p.state]
    prosecution = case.losses.prosecution
    if prosecution and prosecution.jurisdiction and prosecution.jurisdiction != FEDERAL:
        codes.append(prosecution.jurisdiction)
    return tuple(dict.fromkeys(c for c in codes if c != FEDERAL))


def claim_for(case: CaseFile) -> LossClaim:
    """The worksheet for the case's losses; raises CaseFileError (fields named) on bad input."""
    losses = case.losses
    start = WEEKDAYS.index(losses.workweek_starts_on) if losses.workweek_starts_on else SUNDAY
    gross = losses.gross_value_to_defendant.amount if losses.gross_value_to_defendant else None
    calc = calculate(losses, gross_value_to_defendant=gross, states=wage_states(case), week_starts_on=start)
    prosecution = losses.prosecution
    return LossClaim(calc, prosecution.jurisdiction if prosecution else None, start)


def contacts(case: CaseFile, role: str) -> list[LawEnforcementContact]:
    return [c for c in case.law_enforcement_contacts if c.role == role]


def screen_restitution(case: CaseFile, today: dt.date) -> list[Eligibility]:
    if not has_losses(case):
        return []
    claim = claim_for(case)
    subject = Subject("loss_claim", "restitution", claim.prosecution_code, item=claim)
    if claim.prosecution_code is None:
        findings = [Finding(REVIEW, "The case file does not say which court case against the trafficker the request is "
                            "for (federal or which state), so no request was drafted; the worksheet can still be "
                            "printed with `traffickingrelief restitution`.", missing="losses.prosecution.jurisdiction")]
        return [_result(subject, None, findings, draftable=False)]
    try:
        j = load_jurisdiction(claim.prosecution_code)
    except UnknownJurisdictionError:
        findings = [Finding(REVIEW, "losses.prosecution.jurisdiction: no jurisdiction data for this code.",
                            missing="losses.prosecution.jurisdiction")]
        return [_result(subject, None, findings, draftable=False)]
    return [_result(subject, j, _law_findings(j, claim) + _case_findings(case, claim), draftable=True)]


def _result(subject: Subject, j: Jurisdiction | None, findings: list[Finding], draftable: bool) -> Eligibility:
    status, earliest = decide(findings)
    return Eligibility(FAMILY, subject, j, status, tuple(findings), earliest, draftable=draftable)


def _law_findings(j: Jurisdiction, claim: LossClaim) -> list[Finding]:
    out: list[Finding] = []
    citation = j.fact("restitution.citation")
    if not citation.known:
        out.append(Finding(REVIEW, f"No {j.name} restitution statute for trafficking victims is in the data; the request "
                           "leaves the citation blank for the attorney.", citation))
    elif citation.verified:
        out.append(Finding(OK, f"Restitution to the victim is ordered under {citation.citation}.", citation))
    else:
        out.append(Finding(REVIEW, f"Restitution under {citation.citation or citation.value}: the statute's text was "
                           f"not read (source tier: {citation.tier}); confirm it before relying on it.", citation))
    formula = j.fact("restitution.formula")
    if formula.known:
        out.append(Finding(OK if formula.verified else REVIEW, "How the amount is measured: "
                           + formula.value["description"] + ".", formula))
        if "contracted_amount" in formula.value["measures"]:
            out.append(Finding(WARN, "The statute also counts the amount the defendant promised to pay: the case file "
                               "has no field for it, so compare it with the worksheet by hand.", formula))
        if "state_minimum_wage_value" in formula.value["measures"]:
            out.append(Finding(WARN, f"The statute also counts the value of the labor at the {j.name} minimum wage: the "
                               "worksheet shows it beside the federal value where the wage tables hold that state.",
                               formula))
    else:
        out.append(Finding(REVIEW, f"The data does not hold how {j.name} measures a trafficking victim's restitution; the "
                           "worksheet shows the federal FLSA measure and any state minimum wage as information only.",
                           formula))
    return out


def _case_findings(case: CaseFile, claim: LossClaim) -> list[Finding]:
    calc = claim.calculation
    out: list[Finding] = []
    if calc.unknown_weeks:
        out.append(Finding(REVIEW, f"{len(calc.unknown_weeks)} workweek(s) have no known minimum wage, so the totals are a "
                           "floor, not the full figure (see the worksheet's flags)."))
    if calc.has_live_in:
        out.append(Finding(WARN, "Some work was live-in domestic work, which may be exempt from overtime: the "
                           "worksheet shows the totals with and without overtime.",
                           calc.rules["live_in_domestic_overtime_exemption"]))
    if calc.lines:
        out.append(Finding(WARN, "Liquidated damages (an equal additional amount) are included in restitution by some "
                           "courts and not decided by others: the attorney chooses which figure to ask for."))
    if claim.federal and not contacts(case, "prosecutor") and not contacts(case, "victim_witness_coordinator"):
        out.append(Finding(WARN, "No prosecutor or victim-witness coordinator is named among the law-enforcement "
                           "contacts (role): the letter's addressee is left blank.",
                           missing="law_enforcement_contacts[].role"))
    missing_receipts = [e for e in case.losses.expenses if not e.receipt]
    if missing_receipts:
        out.append(Finding(WARN, f"{len(missing_receipts)} expense(s) have no receipt or other proof listed."))
    return out
