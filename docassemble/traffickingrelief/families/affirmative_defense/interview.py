"""The affirmative-defense interview module's logic (interviews/tr_affirmative_defense.yml).

The YAML asks whether a criminal case is still open and, only then, gathers the pending charges;
this module turns those answers into the case file's ``pending_charges`` section, says which
optional charge questions a jurisdiction's data calls for, and prepares the family's screening for
its screen. Every legal rule stays in the family's ``screening.py`` and the jurisdiction data.

Pure Python (no docassemble import): answers are read by duck typing, as interview_support does.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any, Iterable, Mapping

from ...eligibility import ELIGIBLE, NEEDS_REVIEW, WARN
from ...facts import parse_case
from ...interview_support import OFFENCE_CATEGORIES, SCREENING_PREPARER, _date, _fact_source, _get, _items, _text, _schema_enum, \
    jurisdiction_choices, selected_codes, us_english
from ...jurisdictions import load_all, load_jurisdiction
from ...screening import screen
from .screening import FAMILY, key

__all__ = ["charge_place_choices", "charge_questions", "asks_for_charge", "pending_charges_section",
           "carried_charges", "charge_rows", "charge_reask_variable", "charge_summaries", "charges_gathered",
           "OPEN_CASE_CHOICES"]

YES, NO, NOT_SURE, PREFER_NOT = "yes", "no", "not_sure", "prefer_not_to_say"
OPEN_CASE_CHOICES = (YES, NO, NOT_SURE, PREFER_NOT)
WRITE_NOW = "write_now"
_OFFENCE_CLASSES = _schema_enum("pending_charge", "properties", "offence_class")



# ---------------------------------------------------------------------------------------------
# Which questions to ask


def charge_place_choices(chosen: Iterable[str]) -> list[list]:
    """``[[code, name, default], ...]`` for a charge's place: the states already picked first (the
    first preselected), then every other jurisdiction in the data, so an open case elsewhere fits."""
    known = load_all()
    first = [c for c in chosen if c in known]
    rest = [code for row in jurisdiction_choices() for code in row if code not in first]
    return [[c, known[c].name, i == 0] for i, c in enumerate(first + rest)]


def charge_questions(code: str | None) -> dict[str, bool]:
    """Which optional charge questions can change the screening in this jurisdiction, per its data.

    Asked where the defense's scope is limited by class or violence, where the law's effective date
    makes the offense date matter, and where notice counts from the arraignment; all of them where
    the data does not know whether there is a defense. Nothing extra where there is none to screen.
    """
    everything = {"offence_class": True, "violent": True, "offence_date": True, "arraignment_date": True}
    if not code or code not in load_all():
        return everything
    j = load_jurisdiction(code)
    available, kind = j.value(key("available")), j.value(key("kind"))
    if available is None or (available is True and kind is None):
        return everything
    if available is False or kind != "defense":
        return {name: False for name in everything}
    scope = j.value(key("offences"))
    rule = j.value(key("notice_deadline"))
    return {
        "offence_class": scope is None or bool(scope.get("max_offence_class")),
        "violent": scope is None or scope.get("scope") == "non_violent",
        "offence_date": j.fact(key("citation")).effective is not None,
        "arraignment_date": isinstance(rule, dict) and rule.get("event") == "arraignment",
    }


def asks_for_charge(code: str | None, question: str) -> bool:
    """``show if`` helper: does this jurisdiction's data call for ``question`` about a pending charge?"""
    return charge_questions(code).get(question, True)


# ---------------------------------------------------------------------------------------------
# Answers -> the case file's pending_charges


def carried_charges(carry_over: Mapping | None) -> list[dict]:
    """The pending charges an uploaded case file carried (kept as they are: the upload is the answer)."""
    return copy.deepcopy(list((carry_over or {}).get("pending_charges") or []))


def pending_charges_section(charges: Any) -> list[dict]:
    """The answered charges as the case file's ``pending_charges`` (ids p1, p2... in list order).

    Reads stored answers only; a skipped link to the trafficking or an "I am not sure" stays absent.
    """
    out = []
    for n, charge in enumerate(_items(charges), 1):
        violent = {YES: True, NO: False}.get(_get(charge, "violent_choice"))
        item = {
            "id": f"p{n}", "jurisdiction": _text(_get(charge, "jurisdiction")) or "",
            "court": _text(_get(charge, "court")), "county": _text(_get(charge, "county")),
            "case_number": _text(_get(charge, "case_number")), "offence": _text(_get(charge, "offence")) or "",
            "statute": _text(_get(charge, "statute")),
            "offence_categories": selected_codes(_get(charge, "offence_categories"), OFFENCE_CATEGORIES),
            "offence_class": _get(charge, "offence_class") if _get(charge, "offence_class") in _OFFENCE_CLASSES else None,
            "violent": violent,
            "offence_date": _date(_get(charge, "offence_date")),
            "arraignment_date": _date(_get(charge, "arraignment_date")),
            "next_court_date": _date(_get(charge, "next_court_date")),
            "trafficking_connection": (_text(_get(charge, "trafficking_connection"))
                                       if _get(charge, "connection_choice") == WRITE_NOW else None),
        }
        out.append({k: v for k, v in item.items() if v is not None and v != []}
                   | {"jurisdiction": item["jurisdiction"], "offence": item["offence"]})
    return out


def charge_summaries(charges: Any) -> list[str]:
    """One line per answered charge for the review screen (raw text; the YAML escapes it)."""
    return [", ".join(filter(None, [_text(_get(c, "offence")), _text(_get(c, "jurisdiction")),
                                    _text(_get(c, "case_number"))])) for c in _items(charges)]


def charges_gathered(charges: Any) -> bool:
    """Whether the charge list was gathered (its table can be shown without asking for a first charge)."""
    return _get(charges, "gathered") is True


# ---------------------------------------------------------------------------------------------
# Screening for the screen

# A missing fact, as the family's screening words it -> (code the YAML words it by, the charge's
# variable whose question answers it). "Answer it now" asks that question again.
MISSING_FACTS = {
    "offense class of the pending charge": ("offense_class", "offence_class"),
    "whether the pending charge is violent": ("violent", "violent_choice"),
    "statute or type of the pending charge": ("statute", "statute"),
    "how the pending charge connects to the trafficking": ("connection", "connection_choice"),
    "next court date": ("court_date", "next_court_date"),
    "trial date (taken from the next court date)": ("court_date", "next_court_date"),
    "arraignment date": ("arraignment_date", "arraignment_date"),
}
_REASK = re.compile(r"^pending_charges\[\d{1,3}\]\.(" + "|".join(sorted({v for _, v in MISSING_FACTS.values()})) + r")$")


def charge_reask_variable(name: Any) -> str | None:
    """``name`` if "answer it now" may ask it again (an action argument is user input: only these pass)."""
    return name if isinstance(name, str) and _REASK.match(name) else None


def _verdict(result, missing: list) -> str:
    """defense / needs_answer / lawyer_check / immunity / unknown / excluded / none."""
    j = result.jurisdiction
    available, kind = j.value(key("available")), j.value(key("kind"))
    if available is False or kind == "none":
        return "none"
    if available is None or kind is None:
        return "unknown"
    if kind == "immunity":
        return "immunity"
    if result.status == ELIGIBLE:
        return "defense"
    if result.status == NEEDS_REVIEW:
        return "needs_answer" if missing else "lawyer_check"
    return "excluded"


def charge_rows(data: Mapping, charges: Any = None, today: dt.date | None = None) -> list[dict]:
    """One row per pending charge for the screening screen: a verdict code, what is missing (with the
    question that answers it when the charge was answered in this interview), and the law with its
    sources. The preparer is asked later, so a stand-in fills it for this check only."""
    data = copy.deepcopy(dict(data))
    if not (data.get("preparer") or {}).get("name"):
        data["preparer"] = dict(SCREENING_PREPARER)
    case = parse_case(data)
    asked = len(_items(charges)) if charges is not None else 0
    rows = []
    for result in screen(case, today, [FAMILY]):
        charge = result.subject.item
        index = int(charge.id[1:]) - 1 if re.fullmatch(r"p\d+", charge.id) else None
        missing, codes = [], set()
        for text in result.missing_facts:
            code, variable = MISSING_FACTS.get(text, ("other", None))
            if code in codes:
                continue
            codes.add(code)
            where = f"pending_charges[{index}].{variable}" if variable and index is not None and index < asked else None
            missing.append({"code": code, "text": us_english(text), "variable": where})
        bars_relief = any(f.kind == WARN and f.fact is not None and f.fact.value is True
                          and f.fact.path.endswith("record_relief.failed_defence_bars_relief") for f in result.findings)
        remedy = result.jurisdiction.fact(key("remedy_name"))
        rows.append({
            "charge_id": charge.id, "jurisdiction": result.jurisdiction.code,
            "jurisdiction_name": result.jurisdiction.name, "court": charge.court, "case_number": charge.case_number,
            "offence": charge.offence, "status": result.status, "draftable": result.draftable,
            "verdict": _verdict(result, missing), "missing": missing,
            "remedy": remedy.value, "citation": result.jurisdiction.fact(key("citation")).citation,
            "bars_relief_later": bars_relief,
            "reasons": [{"kind": f.kind, "text": us_english(f.text), **_fact_source(f.fact)} for f in result.findings],
        })
    return rows
