"""The certification family's interview module (interviews/tr_certification.yml): its gate, the extra
details it asks about each law-enforcement contact, the case-file section it answers, and its
screening for the screen.

The intake gathers each contact's basic details (``le_contacts``: agency, officer, report number, how the
client helped). When the client is not a U.S. citizen and wants help asking an agency for a form that
supports an immigration case, this module asks per contact the certifying official's title, the agency's
mailing address and level, the crimes it investigated and any request already sent, and answers the
whole ``law_enforcement_contacts`` section from those answers. Otherwise it answers nothing, so the core's
section (or an uploaded case file's) stays.

Pure Python: no docassemble import; interview objects are read by duck typing as in interview_support
(an object's answers are its ``__dict__``, a list's items its ``elements``), so reading never asks.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any, Iterable, Mapping

from ...eligibility import ELIGIBLE
from ...errors import CaseFileError, TraffickingReliefError
from ...facts import parse_case
from ...interview_support import _date, _get, _items, _text, SCREENING_PREPARER, build_case_file, selected_codes, us_english
from ...resources import load_schema
from ...screening import screen
from .screening import CONTINUED_PRESENCE, REQUEST_KINDS, T_SUPPLEMENT_B, U_SUPPLEMENT_B, age_at_trafficking

__all__ = [
    "AGENCY_LEVELS", "REQUEST_KINDS", "RESPONSES", "wants_certification", "crime_list", "carried_details",
    "needs_contact_details", "certification_contacts", "certification_sections", "trauma_question_needed",
    "certification_screening", "agency_numbers",
]

YES, NO = "yes", "no"
NOT_US_CITIZEN = "not_us_citizen"
_CONTACT = load_schema("case_file.schema.json")["$defs"]["law_enforcement_contact"]["properties"]
_REQUEST = load_schema("case_file.schema.json")["$defs"]["certification_request"]["properties"]
AGENCY_LEVELS = tuple(v for v in _CONTACT["agency_level"]["enum"] if v)
RESPONSES = tuple(v for v in _REQUEST["response"]["enum"] if v)
_ROLES = tuple(v for v in _CONTACT["role"]["enum"] if v)
# The extra details a case file can carry for a contact (then the module does not ask them again).
_CARRIED = ("title", "address", "agency_level", "qualifying_crimes", "certification_requests")

# A missing fact, as the family's screening words it -> the code the screen words it by.
MISSING_CODES = {
    "type of trafficking (labor or sex)": "trafficking_type",
    "why trauma kept the client from helping": "trauma_explanation",
    "what the client did to help this agency": "cooperation",
    "the criminal activity the agency investigated": "crimes",
}



def wants_certification(immigration_choice: Any, certification_choice: Any) -> bool:
    """The path is taken: the client is not a U.S. citizen and wants help asking for the forms."""
    return immigration_choice == NOT_US_CITIZEN and certification_choice == YES


def crime_list(text: Any) -> list[str]:
    """Crimes typed one on each line (or separated by commas or semicolons), each once, in order."""
    if text is None:
        return []
    if isinstance(text, (list, tuple)):
        parts = [str(t) for t in text]
    else:
        parts = re.split(r"[\n,;]+", str(text))
    out: list[str] = []
    for part in parts:
        crime = re.sub(r"\s+", " ", part).strip(" .-\t")
        if crime and crime.casefold() not in {c.casefold() for c in out}:
            out.append(crime)
    return out


def carried_details(contact: Any) -> bool:
    """Whether an uploaded case file carried this contact's certification details."""
    return any(_get(contact, key) not in (None, "", [], ()) for key in _CARRIED)


def needs_contact_details(contact: Any) -> bool:
    """Ask the details screen for this contact: not yet answered, and not carried by a case file."""
    return _get(contact, "certification_done") is not True and not carried_details(contact)


def _requests(contact: Any) -> list[dict]:
    """Requests already sent to this agency: the carried list, or the details screen's answers."""
    carried = _get(contact, "certification_requests")
    if isinstance(carried, (list, tuple)) and _get(contact, "certification_done") is not True:
        return [dict(r) for r in carried if isinstance(r, Mapping) and r.get("kind") in REQUEST_KINDS]
    if _get(contact, "sent_choice") != YES:
        return []
    response = _get(contact, "sent_response")
    out = []
    for kind in selected_codes(_get(contact, "sent_kinds"), REQUEST_KINDS):
        if kind in REQUEST_KINDS:
            out.append({k: v for k, v in {"kind": kind, "sent_on": _date(_get(contact, "sent_on")),
                                          "response": response if response in RESPONSES else None}.items()
                        if v is not None})
    return out


def certification_contacts(le_contacts: Any) -> list[dict]:
    """The full ``law_enforcement_contacts`` section: the intake's basic fields (as the core builds them)
    plus this module's answers, for each contact with an agency."""
    contacts = [c for c in _items(le_contacts) if _text(_get(c, "agency"))]
    base = build_case_file(le_contacts=contacts).get("law_enforcement_contacts", [])
    out = []
    for contact, row in zip(contacts, base):
        crimes = crime_list(_get(contact, "crimes_text")) or crime_list(_get(contact, "qualifying_crimes"))
        level = _get(contact, "agency_level")
        role = _get(contact, "role")
        extra = {
            "role": role if role in _ROLES else None,
            "title": _text(_get(contact, "title")), "address": _text(_get(contact, "address")),
            "agency_level": level if level in AGENCY_LEVELS else None,
            "qualifying_crimes": crimes, "certification_requests": _requests(contact),
        }
        out.append({**row, **{k: v for k, v in extra.items() if v not in (None, [])}})
    return out


def certification_sections(immigration_choice: Any, certification_choice: Any, le_contacts: Any) -> dict:
    """``certification_case_data``: the contacts section when the path is taken, else nothing."""
    if not wants_certification(immigration_choice, certification_choice):
        return {}
    return {"law_enforcement_contacts": certification_contacts(le_contacts)}


def _case(data: Mapping):
    data = copy.deepcopy(dict(data))
    if not (data.get("preparer") or {}).get("name"):
        data["preparer"] = dict(SCREENING_PREPARER)  # screening comes before the preparer's details
    return parse_case(data)


def trauma_question_needed(data: Mapping) -> bool:
    """Ask whether trauma kept the client from helping: some agency has no help recorded and the client
    was not known to be under 18 when the trafficking began (the minor exemption covers that)."""
    try:
        case = _case(data)
    except (CaseFileError, TraffickingReliefError):
        return False
    age = age_at_trafficking(case)
    return any(not c.cooperation for c in case.law_enforcement_contacts) and not (age is not None and age < 18)


def _source(fact: Any) -> dict:
    if fact is None:
        return {"citation": None, "url": None, "publisher": None, "verified": False}
    source = fact.source
    url = source.url if source and source.url and re.match(r"^https?://", source.url) else None
    return {"citation": fact.citation, "url": url, "publisher": source.publisher if source else None,
            "verified": fact.verified}


def _verdict(status_missing: bool, eligible: bool) -> str:
    if eligible:
        return "ready"
    return "needs_answer" if status_missing else "lawyer_check"


def certification_screening(data: Mapping, today: dt.date | None = None) -> dict:
    """The family's screening for the screen and the download.

    ``rows``: one per request not yet answered by the agency (every one gets a draft), with a verdict
    code, the missing facts by code, and the reasons with their sources. ``answered``: requests the
    agency already signed or declined (no new draft). ``problems``: the case file's problems by field,
    when it cannot be screened yet. ``path_unknown``: the case file records neither a citizenship other
    than U.S. nor an immigration status, so the family cannot screen.
    """
    from .screening import immigration_path

    try:
        case = _case(data)
        results = screen(case, today, ["certification"])
    except CaseFileError as exc:
        return {"rows": [], "answered": [], "problems": list(exc.problems), "path_unknown": False}
    except TraffickingReliefError as exc:
        return {"rows": [], "answered": [], "problems": [str(exc)], "path_unknown": False}
    rows, answered = [], []
    for result in results:
        request = result.subject.item
        missing = []
        for text in result.missing_facts:
            code = MISSING_CODES.get(text, "other")
            if code not in missing:
                missing.append(code)
        sent = request.sent
        row = {
            "id": result.subject.id, "contact": request.number, "agency": request.contact.agency,
            "kind": request.kind, "status": result.status, "draftable": result.draftable,
            "verdict": _verdict(bool(missing), result.status == ELIGIBLE), "missing": missing,
            "sent_on": sent.sent_on.isoformat() if sent and sent.sent_on else None,
            "response": sent.response if sent else None,
            "reasons": [{"kind": f.kind, "text": us_english(f.text), **_source(f.fact)} for f in result.findings],
            # read by the download screen's list of cases with no papers
            "offence": _KIND_TITLES[request.kind], "jurisdiction_name": request.contact.agency,
            "earliest_filing_date": None,
        }
        (answered if sent is not None and sent.response in ("signed", "declined") else rows).append(row)
    return {"rows": rows, "answered": answered, "problems": [],
            "path_unknown": bool(case.law_enforcement_contacts) and immigration_path(case) is None}


_KIND_TITLES = {T_SUPPLEMENT_B: "Form I-914 Supplement B (T visa)", U_SUPPLEMENT_B: "Form I-918 Supplement B (U visa)",
                CONTINUED_PRESENCE: "Continued Presence"}


def agency_numbers(rows: Iterable[Mapping]) -> list[int]:
    """The contact numbers in the rows, each once, in order (one card per agency on the screen)."""
    return list(dict.fromkeys(r["contact"] for r in rows))
