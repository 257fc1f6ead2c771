"""Certification screening: one result per request type per law-enforcement contact.

Three requests can go to an agency that investigated the trafficking: Form I-914 Supplement B
(T visa; optional evidence), Form I-918 Supplement B (U visa; required) and Continued Presence
(requested by law enforcement only). Every rule reads the federal data (``certification.*`` in
US.yml); unknown law never passes or bars a request, it sends it to attorney review.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ...eligibility import (ELIGIBLE, NEEDS_REVIEW, OK, REVIEW, WARN, Eligibility, Finding, Subject,
                            decide)
from ...facts import CaseFile, LawEnforcementContact
from ...jurisdictions import Fact, Jurisdiction, load_jurisdiction

FAMILY = "certification"
T_SUPPLEMENT_B, U_SUPPLEMENT_B, CONTINUED_PRESENCE = "t_supplement_b", "u_supplement_b", "continued_presence"
REQUEST_KINDS = (T_SUPPLEMENT_B, U_SUPPLEMENT_B, CONTINUED_PRESENCE)
STALE_AFTER = dt.timedelta(days=365)  # the Fact model's "stale": checked more than a year ago
_US_CITIZEN = {"us", "usa", "unitedstates", "uscitizen", "unitedstatescitizen", "unitedstatesofamerica", "american"}


@dataclasses.dataclass(frozen=True)
class Request:
    """What a certification result is about: one kind of request to one agency."""

    kind: str
    contact: LawEnforcementContact
    number: int  # the contact's position in the case file, from 1

    @property
    def sent(self):
        """The latest request of this kind already sent to this agency, if the case file records one."""
        mine = [r for r in self.contact.certification_requests if r.kind == self.kind]
        return mine[-1] if mine else None


def screen_certifications(case: CaseFile, today: dt.date) -> list[Eligibility]:
    """Every request type for every law-enforcement contact, when the case has an immigration path."""
    if not case.law_enforcement_contacts or immigration_path(case) is not True:
        return []
    us = load_jurisdiction("US")
    return [screen_request(Request(kind, contact, i), case, us, today)
            for i, contact in enumerate(case.law_enforcement_contacts, 1) for kind in REQUEST_KINDS]


def screen_request(request: Request, case: CaseFile, us: Jurisdiction, today: dt.date) -> Eligibility:
    findings = _RULES[request.kind](request, case, us, today) + _answered(request) + _stale(request.kind, us, today)
    status, _ = decide(findings)
    answered = request.sent is not None and request.sent.response in ("signed", "declined")
    draftable = status in (ELIGIBLE, NEEDS_REVIEW) and not answered
    subject = Subject("certification", f"le{request.number}-{request.kind}", "US", request)
    return Eligibility(FAMILY, subject, us, status, tuple(findings), None, draftable)


def immigration_path(case: CaseFile) -> bool | None:
    """Whether these immigration requests can matter: True when the case file records a citizenship other
    than U.S., an immigration status or an A-Number; False for a U.S. citizen; None when nothing is recorded."""
    client = case.client
    citizenship = re.sub(r"[^a-z]", "", (client.citizenship or "").lower())
    if citizenship in _US_CITIZEN:
        return False
    if citizenship or client.a_number or (client.immigration_status or "").strip():
        return True
    return None


def age_at_trafficking(case: CaseFile) -> int | None:
    """The client's age when the trafficking began (the case file's own figure, else from the dates)."""
    t = case.trafficking
    if t.age_at_start is not None:
        return t.age_at_start
    starts = [p.start for p in t.periods if p.start]
    born = case.client.date_of_birth
    if not starts or not born:
        return None
    start = min(starts)
    return start.year - born.year - ((start.month, start.day) < (born.month, born.day))


def cooperation_of(request: Request, case: CaseFile) -> str | None:
    return request.contact.cooperation


def _trafficking_recorded(case: CaseFile, us: Jurisdiction, key: str) -> list[Finding]:
    if case.trafficking.types:
        return []
    return [Finding(REVIEW, "The type of trafficking (labor or sex) is not recorded.", us.fact(key),
                    missing="type of trafficking (labor or sex)")]


def _t_request(request: Request, case: CaseFile, us: Jurisdiction, today: dt.date) -> list[Finding]:
    required = us.fact("certification.t_supplement_b.required")
    out = _trafficking_recorded(case, us, "certification.t_supplement_b.cooperation_standard")
    if required.value is False:
        out.append(Finding(OK, "Supplement B is optional evidence for a T visa: helpful, but the application can go "
                               "ahead without it.", required))
    elif required.value is None:
        out.append(Finding(REVIEW, "Whether Supplement B is required for a T visa is not known.", required))
    out.append(Finding(OK, "A federal, state, tribal or local law-enforcement official may sign it; a formal "
                           "investigation is not required.", us.fact("certification.t_supplement_b.investigation_required")))
    standard = us.fact("certification.t_supplement_b.cooperation_standard")
    age = age_at_trafficking(case)
    if cooperation_of(request, case):
        out.append(Finding(OK, "What the client did to help this agency is recorded.", standard))
    if age is not None and age < 18:
        out.append(Finding(OK, "The client was under 18 when the trafficking began, so the minor exemption from "
                               "cooperation applies.", us.fact("certification.t_supplement_b.minor_exemption")))
    elif case.trafficking.unable_to_cooperate_due_to_trauma:
        out.append(Finding(OK, "The client could not cooperate because of trauma, so the trauma exemption applies.",
                           us.fact("certification.t_supplement_b.trauma_exemption")))
        if not case.trafficking.trauma_explanation:
            out.append(Finding(REVIEW, "Why trauma kept the client from helping is not recorded.",
                               us.fact("certification.t_supplement_b.trauma_exemption"),
                               missing="why trauma kept the client from helping"))
    elif not cooperation_of(request, case):
        text = "What the client did to help this agency is not recorded."
        if standard.value:
            text += f' The standard: the client "{standard.value}".'
        out.append(Finding(REVIEW, text, standard, missing="what the client did to help this agency"))
    return out + _edition(us, "t_supplement_b")


def normalise_crime(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", " ", text.lower())).strip()


def match_crimes(named: tuple[str, ...] | list[str], listed: list[str]) -> tuple[list[str], list[str]]:
    """(named crimes the statutory list holds, in the list's words; named crimes it does not hold)."""
    by_name = {normalise_crime(c): c for c in listed}
    on_list, off_list = [], []
    for crime in named:
        key = normalise_crime(crime)
        key = re.sub(r"^(attempted|attempt to commit|conspiracy to commit|solicitation to commit) ", "", key)
        (on_list if key in by_name else off_list).append(by_name.get(key, crime))
    return list(dict.fromkeys(on_list)), off_list


def qualifying_crimes(request: Request, case: CaseFile, us: Jurisdiction) -> tuple[list[str], list[str]]:
    """The qualifying criminal activity for a U request: what the contact names, else "trafficking" when the
    case file records trafficking and the statutory list names it."""
    listed = us.value("certification.u_supplement_b.qualifying_crimes") or []
    named = request.contact.qualifying_crimes or (("trafficking",) if case.trafficking.types else ())
    return match_crimes(named, listed)


def _u_request(request: Request, case: CaseFile, us: Jurisdiction, today: dt.date) -> list[Finding]:
    out = []
    required = us.fact("certification.u_supplement_b.required")
    if required.value is True:
        out.append(Finding(OK, "Supplement B is required for a U visa: without it the petition cannot succeed.", required))
    crimes = us.fact("certification.u_supplement_b.qualifying_crimes")
    if crimes.value is None:
        out.append(Finding(REVIEW, "The list of qualifying criminal activity is not in the data.", crimes))
    else:
        on_list, off_list = qualifying_crimes(request, case, us)
        if on_list:
            out.append(Finding(OK, f"The criminal activity is on the statutory list: {', '.join(on_list)}.", crimes))
        for crime in off_list:
            out.append(Finding(REVIEW, "A crime the agency investigated is not on the statutory list; an attorney "
                                       "should decide whether it is a similar activity.", crimes))
        if not on_list and not off_list:
            out.append(Finding(REVIEW, "The criminal activity the agency investigated is not recorded.", crimes,
                               missing="the criminal activity the agency investigated"))
    helpful = us.fact("certification.u_supplement_b.helpfulness_standard")
    if cooperation_of(request, case):
        out.append(Finding(OK, "What the client did to help this agency is recorded.", helpful))
    else:
        out.append(Finding(REVIEW, "What the client did to help this agency is not recorded; the certifying official "
                                   "must find that the client "
                           + (helpful.value if helpful.value else "helped") + ".", helpful,
                           missing="what the client did to help this agency"))
    discretion = us.fact("certification.u_supplement_b.discretionary")
    if discretion.value is True:
        out.append(Finding(WARN, "Whether to sign is the agency's decision; consider every agency that investigated "
                                 "the crime.", discretion))
    return out + _edition(us, "u_supplement_b")


def _cp_request(request: Request, case: CaseFile, us: Jurisdiction, today: dt.date) -> list[Finding]:
    who = us.fact("certification.continued_presence.requested_by")
    out = _trafficking_recorded(case, us, "certification.continued_presence.citation")
    out.append(Finding(OK, "Only law enforcement can request Continued Presence; the draft is a letter asking this "
                           "agency to request it (or to ask a federal partner to).", who))
    route = us.fact("certification.continued_presence.state_local_submission")
    if request.contact.agency_level != "federal" and route.value is None:
        out.append(Finding(WARN, "Official sources conflict on whether state and local agencies submit Continued "
                                 "Presence requests directly or through a federal partner; the letter asks for either "
                                 "and asserts neither.", route))
    if not cooperation_of(request, case) and not request.contact.report_number:
        out.append(Finding(REVIEW, "Neither the client's help nor a case or report number is recorded for this agency; "
                                   "Continued Presence is for potential witnesses in an investigation.",
                           us.fact("certification.continued_presence.citation"),
                           missing="what the client did to help this agency"))
    return out


def _edition(us: Jurisdiction, key: str) -> list[Finding]:
    fact = us.fact(f"certification.{key}.edition")
    if fact.value is None:
        return [Finding(WARN, "The current edition of the form is not in the data: the letter shows a placeholder. "
                              "Check the USCIS form page before sending.", fact)]
    return []


def _answered(request: Request) -> list[Finding]:
    sent = request.sent
    if sent is None or sent.response not in ("signed", "declined"):
        return []
    when = f" on {sent.response_on.isoformat()}" if sent.response_on else ""
    if sent.response == "signed":
        return [Finding(OK, f"The agency already signed{when}: no new request is drafted.")]
    return [Finding(REVIEW, f"The agency declined{when}: no new request is drafted; consider another agency that "
                            "investigated the crime.")]


def stale_facts(kind: str, us: Jurisdiction, today: dt.date) -> list[Fact]:
    """The request's facts last checked more than a year before ``today``."""
    prefix = "certification.continued_presence." if kind == CONTINUED_PRESENCE else f"certification.{kind}."
    return [f for key, f in us.facts.items() if key.startswith(prefix) and today - f.as_of > STALE_AFTER]


def _stale(kind: str, us: Jurisdiction, today: dt.date) -> list[Finding]:
    return [Finding(WARN, f"The data for {f.path.split(':', 1)[1]} was last checked on {f.as_of.isoformat()}, more than "
                          "a year ago: check it again before sending.", f) for f in stale_facts(kind, us, today)]


_RULES = {T_SUPPLEMENT_B: _t_request, U_SUPPLEMENT_B: _u_request, CONTINUED_PRESENCE: _cp_request}
