"""Screening a crime-victim compensation claim: the program of the state where the crime happened.

One subject per case ("loss_claim", id "compensation"). Program name, agency, address, deadline and its
rules on police reports and on the victim's own conduct or convictions come from the ``compensation:``
section of that state's data; unknown ones are findings for review, never guesses. Trafficking survivors
often have no police report and a record the trafficker caused, so both are flagged whenever they apply.
"""
from __future__ import annotations

import datetime as dt

from ...eligibility import BAR, OK, REVIEW, WARN, Eligibility, Finding, Subject, decide
from ...errors import UnknownJurisdictionError
from ...facts import CaseFile
from ...jurisdictions import Jurisdiction, load_jurisdiction
from ...wages import FEDERAL
from ..restitution.screening import claim_for

FAMILY = "compensation"


def crime_state(case: CaseFile) -> str | None:
    """Where the crime happened: the case file's crime_jurisdiction, else a state prosecution's jurisdiction."""
    losses = case.losses
    if losses.crime_jurisdiction:
        return losses.crime_jurisdiction
    p = losses.prosecution
    return p.jurisdiction if p and p.jurisdiction and p.jurisdiction != FEDERAL else None


def police_reports(case: CaseFile) -> list:
    return [c for c in case.law_enforcement_contacts if c.report_number]


def screen_compensation(case: CaseFile, today: dt.date) -> list[Eligibility]:
    code = crime_state(case)
    if code is None and not case.losses.expenses:
        return []
    if case.losses.work_periods:
        claim_for(case)  # the same checks as the restitution worksheet: bad hours or dates are named, nothing drafted
    subject = Subject("loss_claim", FAMILY, code, item=case.losses)
    if code is None:
        return [_result(subject, None, [Finding(REVIEW, "The case file does not say in which state the crime happened, so "
                                                "the compensation program is not known and no claim was drafted.",
                                                missing="losses.crime_jurisdiction")], draftable=False)]
    try:
        j = load_jurisdiction(code)
    except UnknownJurisdictionError:
        return [_result(subject, None, [Finding(REVIEW, "losses.crime_jurisdiction: no jurisdiction data for this code.",
                                                missing="losses.crime_jurisdiction")], draftable=False)]
    if code == FEDERAL:
        program = j.fact("compensation.program")
        return [_result(subject, j, [Finding(REVIEW, "Compensation is paid by the program of the state where the crime "
                                             "happened: losses.crime_jurisdiction must name that state.", program,
                                             missing="losses.crime_jurisdiction")], draftable=False)]
    findings = _program_findings(j) + _case_findings(case, j)
    status, _ = decide(findings)
    return [_result(subject, j, findings, draftable=not any(f.kind == BAR for f in findings))]


def _result(subject: Subject, j: Jurisdiction | None, findings: list[Finding], draftable: bool) -> Eligibility:
    status, earliest = decide(findings)
    return Eligibility(FAMILY, subject, j, status, tuple(findings), earliest, draftable=draftable)


def _program_findings(j: Jurisdiction) -> list[Finding]:
    out: list[Finding] = []
    available = j.fact("compensation.available")
    if available.value is False:
        out.append(Finding(BAR, f"The data says {j.name} has no crime victim compensation program.", available))
    elif available.value is None:
        out.append(Finding(REVIEW, f"Whether {j.name} has a compensation program open to this claim is not in the data.",
                           available))
    else:
        out.append(Finding(OK if available.verified else REVIEW,
                           f"{j.name} runs a crime victim compensation program"
                           + ("." if available.verified else f" (source tier: {available.tier}; its rules were not read)."),
                           available))
    for key, label in (("program", "the program's name"), ("agency", "the agency that runs it"),
                       ("address", "where to send the claim")):
        fact = j.fact(f"compensation.{key}")
        if not fact.known:
            out.append(Finding(REVIEW, f"The data does not hold {label}: the letter leaves a blank to fill in.", fact))
    deadline = j.fact("compensation.filing_deadline")
    if deadline.known:
        out.append(Finding(WARN, f"Time limit to apply: {deadline.value}.", deadline))
    else:
        out.append(Finding(REVIEW, "The program's time limit to apply is not in the data: check it with the program now, "
                           "as these limits can be short.", deadline))
    return out


def _case_findings(case: CaseFile, j: Jurisdiction) -> list[Finding]:
    out: list[Finding] = []
    report = j.fact("compensation.police_report")
    rule = report.value if report.known else "not in the data"
    if not police_reports(case):
        out.append(Finding(WARN, "No police report is recorded in the case file (law_enforcement_contacts[].report_number). "
                           "Many programs bar or limit claims without one. This program's rule: " + rule + ".", report,
                           missing="law_enforcement_contacts[].report_number"))
    if case.convictions or case.pending_charges:
        conduct = j.fact("compensation.conduct_limit")
        rule = conduct.value if conduct.known else "not in the data"
        out.append(Finding(WARN, "The client has a conviction or a pending charge. Many programs bar or reduce claims by "
                           "victims with related convictions or conduct. This program's rule: " + rule + ".", conduct))
    if not case.losses.expenses:
        out.append(Finding(WARN, "No expenses are listed yet: the expense schedule is empty."))
    missing = [e for e in case.losses.expenses if not e.receipt]
    if missing:
        out.append(Finding(WARN, f"{len(missing)} expense(s) have no receipt or other proof listed; most programs ask for one."))
    return out
