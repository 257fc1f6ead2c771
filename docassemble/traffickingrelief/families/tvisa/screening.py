"""T-visa screening: one result for the client, with a finding per eligibility element.

Every element's words and citation come from the ``tvisa:`` section of US.yml. The software never
decides that a person qualifies: an element with support in the case file is noted as supported,
one without support sends the application to attorney review, and nothing is ever a bar here
(only the attorney can weigh the evidence). Filing data (office, address, editions, fee) checked
more than ``STALE_AFTER_DAYS`` ago, or not read in an official or verbatim source, is a warning.
"""
from __future__ import annotations

import datetime as dt

from ...eligibility import NOT_ELIGIBLE, OK, REVIEW, WARN, Eligibility, Finding, Subject, decide
from ...facts import CaseFile
from ...jurisdictions import Jurisdiction, load_jurisdiction

FAMILY = "tvisa"
ELEMENTS = ("victim", "physical_presence", "compliance", "hardship")
FILING_FACTS = {"filing_office": "filing office", "filing_address": "filing address",
                "form_editions": "form editions", "filing_fee": "filing fee"}
STALE_AFTER_DAYS = 180
_CITIZEN = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "us citizen", "u.s. citizen"}


def screen_client(case: CaseFile, today: dt.date) -> list[Eligibility]:
    """The client's result; none when the case has no trafficking facts, the client is a U.S. citizen, or the
    citizenship is not recorded and the case file holds no T-visa facts (then only a known non-citizen is screened)."""
    t = case.trafficking
    if not (t.types or t.periods or t.narrative):
        return []
    citizenship = (case.client.citizenship or "").strip().lower()
    if citizenship in _CITIZEN or not (citizenship or _asks_for_tvisa(case)):
        return []
    j = load_jurisdiction("US")
    findings: list[Finding] = []
    if not citizenship:
        findings.append(Finding(REVIEW, "The client's citizenship is not recorded: T nonimmigrant status is only for "
                                        "people who are not U.S. citizens.", missing="the client's citizenship"))
    available = j.fact("tvisa.available")
    if available.value is not True:
        findings.append(Finding(REVIEW, "Whether T nonimmigrant status is available is not recorded in the data.", available))
    findings += [_victim(case, j), _presence(case, j), _compliance(case, j), _hardship(case, j)]
    findings += filing_data_warnings(j, today)
    status, earliest = decide(findings)
    return [Eligibility(FAMILY, Subject("client", "client", "US", case.client), j, status, tuple(findings), earliest,
                        draftable=status != NOT_ELIGIBLE)]


def _asks_for_tvisa(case: CaseFile) -> bool:
    """The case file holds T-visa facts (its ``tvisa`` section, or evidence tied to an element)."""
    t = case.tvisa
    return bool(t.safe_mailing_address or t.translator or t.exhibit_order or t.events
                or any(e.elements or e.kind == "uscis_form" for e in case.evidence))


def supporting(case: CaseFile, element: str) -> list:
    """Evidence the case file marks as supporting ``element``."""
    return [e for e in case.evidence if element in e.elements]


def _supported(case: CaseFile, element: str) -> str:
    items = supporting(case, element)
    return f" Evidence marked for it: {', '.join(e.id for e in items)}." if items else ""


def _victim(case: CaseFile, j: Jurisdiction) -> Finding:
    fact = j.fact("tvisa.elements.victim")
    t = case.trafficking
    means = [m for m, flag in (("force", t.force), ("fraud", t.fraud), ("coercion", t.coercion)) if flag]
    minor_sex = "sex" in t.types and t.age_at_start is not None and t.age_at_start < 18
    if t.types and (means or minor_sex):
        how = ", ".join(means) if means else "sex trafficking of a minor"
        return Finding(OK, f"The case file records {' and '.join(sorted(t.types))} trafficking ({how})."
                       + _supported(case, "victim"), fact)
    return Finding(REVIEW, "Victim of a severe form of trafficking: the case file does not yet record the type of "
                           "trafficking and the means (force, fraud or coercion).", fact,
                   missing="type of trafficking and how the trafficker controlled the client")


def _presence(case: CaseFile, j: Jurisdiction) -> Finding:
    fact = j.fact("tvisa.elements.physical_presence")
    if supporting(case, "physical_presence"):
        return Finding(OK, "Physical presence on account of the trafficking." + _supported(case, "physical_presence"), fact)
    return Finding(REVIEW, "Physical presence on account of the trafficking: no evidence in the case file is marked "
                           "for it (the declaration and entry records usually show it).", fact,
                   missing="evidence of physical presence on account of the trafficking")


def _compliance(case: CaseFile, j: Jurisdiction) -> Finding:
    fact = j.fact("tvisa.elements.compliance")
    age_limit = j.value("tvisa.minor_exemption_age")
    t = case.trafficking
    helped = [c for c in case.law_enforcement_contacts if c.cooperation]
    if age_limit is not None and t.age_at_start is not None and t.age_at_start < age_limit:
        return Finding(OK, f"The client was {t.age_at_start} when the trafficking began: the exemption for minors may "
                           "apply (the attorney confirms an act of trafficking before that age).", j.fact("tvisa.minor_exemption_age"))
    if helped:
        return Finding(OK, f"The case file records assistance to {len(helped)} law-enforcement agency contact(s)."
                       + _supported(case, "compliance"), fact)
    if getattr(t, "unable_to_cooperate_due_to_trauma", None) is True:
        return Finding(OK, "The case file records that trauma kept the client from helping law enforcement: the "
                           "trauma exception may apply (evidence of the trauma is needed).", fact)
    return Finding(REVIEW, "Compliance with reasonable requests for assistance: the case file records no assistance, "
                           "no age under the exemption and no trauma exception.", fact,
                   missing="the client's help to law enforcement, or the ground for the exemption or exception")


def _hardship(case: CaseFile, j: Jurisdiction) -> Finding:
    fact = j.fact("tvisa.elements.hardship")
    if supporting(case, "hardship"):
        return Finding(OK, "Extreme hardship involving unusual and severe harm." + _supported(case, "hardship"), fact)
    return Finding(REVIEW, "Extreme hardship involving unusual and severe harm upon removal: no evidence in the case "
                           "file is marked for it.", fact, missing="evidence of extreme hardship upon removal")


def filing_data_warnings(j: Jurisdiction, today: dt.date) -> list[Finding]:
    """A warning for each piece of filing data checked too long ago or not read in an official or verbatim source."""
    out = []
    for key, label in FILING_FACTS.items():
        fact = j.fact(f"tvisa.{key}")
        age = (today - fact.as_of).days
        if age > STALE_AFTER_DAYS:
            out.append(Finding(WARN, f"The {label} in the data was last checked on {fact.as_of.isoformat()} "
                                     f"({age} days ago): confirm it with USCIS before filing.", fact))
        elif not fact.settled:
            out.append(Finding(WARN, f"The {label} in the data was not read in an official or verbatim source: "
                                     "confirm it with USCIS before filing.", fact))
    return out
