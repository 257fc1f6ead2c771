"""Affirmative-defense screening: one result per pending charge.

Every rule reads the jurisdiction's ``affirmative_defence`` section (and the record-relief fact on
whether a failed defense bars later relief); there are no per-state branches. Unknown law never
counts as a pass or a bar: it sends the charge to attorney review, and papers are drafted only
where the data says a defense (not an immunity) exists.
"""
from __future__ import annotations

import datetime as dt

from ...eligibility import BAR, ELIGIBLE, NEEDS_REVIEW, OK, REVIEW, WARN, Eligibility, Finding, Subject, cites, decide
from ...facts import CaseFile, PendingCharge
from ...jurisdictions import Jurisdiction, load_jurisdiction

FAMILY = "affirmative_defense"
SECTION = "affirmative_defence"
_CLASS_RANK = {"violation": 0, "misdemeanor": 1, "felony": 2}


def key(name: str) -> str:
    return f"{SECTION}.{name}"


def screen_charges(case: CaseFile, today: dt.date) -> list[Eligibility]:
    """Screen every pending charge in the case file (an empty list when there are none)."""
    return [screen_charge(charge, case, today) for charge in case.pending_charges]


def screen_charge(charge: PendingCharge, case: CaseFile, today: dt.date) -> Eligibility:
    j = load_jurisdiction(charge.jurisdiction)
    findings = _availability(j)
    is_defense = j.value(key("available")) is True and j.value(key("kind")) == "defense"
    if is_defense:
        for rule in _RULES:
            findings.extend(rule(charge, j, today))
    findings.extend(_failed_defence_warning(j))
    status, _ = decide(findings)
    draftable = is_defense and status in (ELIGIBLE, NEEDS_REVIEW)
    return Eligibility(FAMILY, Subject("pending_charge", charge.id, charge.jurisdiction, charge), j, status,
                       tuple(findings), None, draftable)


def _availability(j: Jurisdiction) -> list[Finding]:
    available, kind = j.fact(key("available")), j.fact(key("kind"))
    citation = j.fact(key("citation"))
    if available.value is False or kind.value == "none":
        fact = kind if kind.value == "none" else available
        return [Finding(BAR, f"{j.name} has no trafficking-victim defense or immunity (data as of "
                             f"{fact.as_of.isoformat()}).", fact)]
    if available.value is None:
        return [Finding(REVIEW, f"Whether {j.name} has a trafficking-victim defense or immunity is not known; no "
                                "defense papers are drafted until an attorney confirms one.", available)]
    if kind.value == "immunity":
        return [Finding(REVIEW, f"{j.name} gives trafficking victims immunity rather than a defense "
                                f"({(j.value(key('scope')) or 'scope not recorded').rstrip('.')}). Immunity is usually raised "
                                "by a motion to dismiss, which this family does not draft.", citation)]
    if kind.value is None:
        return [Finding(REVIEW, f"{j.name} has a trafficking-victim law, but whether it is a defense or an immunity "
                                "is not recorded.", kind)]
    return [Finding(OK, f"{j.name} has a trafficking-victim {j.value(key('remedy_name')) or 'defense'}.", citation)]


# ---------------------------------------------------------------------------------------------
# Rules for a jurisdiction with a defense. Each takes (charge, jurisdiction, today).


def _offence_scope(charge: PendingCharge, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact(key("offences"))
    scope = fact.value
    if scope is None:
        return [Finding(REVIEW, "Which charges the defense covers is not known.", fact)]
    described = scope["description"]
    categories = set(charge.offence_categories)
    if cites(charge.statute, scope.get("excluded_statutes", [])) or categories & set(scope.get("excluded_categories", [])):
        return [Finding(BAR, f"The charge is excluded from the defense ({described}).", fact)]
    limit = scope.get("max_offence_class")
    if limit and charge.offence_class and _CLASS_RANK[charge.offence_class] > _CLASS_RANK[limit]:
        return [Finding(BAR, f"The charge's class is above what the defense covers ({described}).", fact)]
    if limit and not charge.offence_class:
        return [Finding(REVIEW, f"The defense is limited by offense class ({described}); the class is not recorded.",
                        fact, missing="offense class of the pending charge")]
    kind = scope["scope"]
    if kind == "all":
        return [Finding(OK, f"The defense covers any offense ({described}).", fact)]
    if kind == "non_violent":
        if charge.violent is False:
            return [Finding(OK, f"The charge is recorded as non-violent ({described}).", fact)]
        if charge.violent is True:
            return [Finding(BAR, f"The defense does not cover violent offenses ({described}).", fact)]
        return [Finding(REVIEW, f"The defense excludes violent offenses ({described}); whether this charge counts as "
                                "violent is not recorded.", fact, missing="whether the pending charge is violent")]
    if kind == "listed":
        if cites(charge.statute, scope.get("statutes", [])):
            return [Finding(OK, f"The charge is one the defense lists ({described}).", fact)]
        if categories & set(scope.get("categories", [])):
            return [Finding(REVIEW, f"The charge is of a type the defense lists, but its statute does not match one "
                                    f"the data lists; confirm it is covered ({described}).", fact)]
        if not charge.statute and not categories:
            return [Finding(REVIEW, f"The defense covers only listed charges ({described}); this charge's statute and "
                                    "type are not recorded.", fact, missing="statute or type of the pending charge")]
        return [Finding(BAR, f"The charge is outside the charges the defense covers ({described}).", fact)]
    # all_except
    return [Finding(OK, f"The defense covers charges other than those it excludes ({described}).", fact),
            Finding(WARN, f"Confirm the charge is not excluded: {described}.", fact)]


def _effective_date(charge: PendingCharge, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact(key("citation"))
    if not fact.effective:
        return []
    when = fact.effective.isoformat()
    if charge.offence_date is None:
        return [Finding(WARN, f"The defense took effect on {when}; confirm it applies to the date of the offense, "
                              "which is not recorded.", fact)]
    if charge.offence_date < fact.effective:
        return [Finding(REVIEW, f"The offense date is before the defense took effect ({when}); whether it applies "
                                "to earlier offenses must be checked.", fact)]
    return []


def _burden(charge: PendingCharge, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact(key("burden"))
    if fact.value is None:
        return [Finding(WARN, "Who bears the burden on this defense, and to what standard, is not known.", fact)]
    return [Finding(OK, f"Burden: {fact.value['description']}", fact)]


def add_days(start: dt.date, days: int, relation: str) -> dt.date:
    return start + dt.timedelta(days=days if relation == "after" else -days)


_EVENTS = {"next_court_date": ("next_court_date", "next court date"),
           "trial": ("next_court_date", "trial date (taken from the next court date)"),
           "arraignment": ("arraignment_date", "arraignment date")}


def notice_deadline(charge: PendingCharge, j: Jurisdiction) -> dt.date | None:
    """The last day to give notice of the defense, when the data sets a rule and the case file has its date."""
    rule = j.value(key("notice_deadline"))
    if not isinstance(rule, dict):
        return None
    base = getattr(charge, _EVENTS[rule["event"]][0])
    return add_days(base, rule["days"], rule["relation"]) if base else None


def _notice(charge: PendingCharge, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact(key("notice_deadline"))
    rule = fact.value
    if rule is None:
        procedure = j.fact(key("notice_rule"))
        if procedure.value:  # a rule on notice without a fixed count of days (e.g. the court sets the date)
            return [Finding(WARN, f"No fixed deadline for notice of this defense is known. The rule on notice: "
                                  f"{procedure.value.rstrip('.')}. Check the court's order for the date.", procedure)]
        return [Finding(WARN, "No deadline for notice of this defense is known; check the court rules and any "
                              "scheduling order.", fact)]
    if rule == "none":
        return []
    what = _EVENTS[rule["event"]][1]
    due = notice_deadline(charge, j)
    if due is None:
        return [Finding(REVIEW, f"Notice is due {rule['days']} days {rule['relation']} the {what}, which is not "
                                "recorded.", fact, missing=what)]
    if due < today:
        return [Finding(WARN, f"The notice deadline ({rule['description']}) was {due.isoformat()}; it has passed. "
                              "Ask the court for leave to give late notice.", fact, until=due)]
    return [Finding(WARN, f"Notice is due on or before {due.isoformat()} ({rule['description']}).", fact, until=due)]


def _connection(charge: PendingCharge, j: Jurisdiction, today: dt.date) -> list[Finding]:
    if charge.trafficking_connection:
        return []
    return [Finding(REVIEW, "How this charge connects to the trafficking is not recorded; the defense turns on it.",
                    j.fact(key("elements")), missing="how the pending charge connects to the trafficking")]


def _pattern(charge: PendingCharge, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact(key("pattern_instruction"))
    if fact.value is None:
        return [Finding(WARN, "No pattern jury instruction is known; the proposed instruction is built from the "
                              "statute and marked for attorney review.", fact)]
    return []


def _failed_defence_warning(j: Jurisdiction) -> list[Finding]:
    if j.value(key("available")) is not True or j.value(key("kind")) != "defense":
        return []
    fact = j.fact("record_relief.failed_defence_bars_relief")
    if fact.value is True:
        return [Finding(WARN, f"Raising this defense at trial and losing bars record relief later under {j.name} "
                              "law: weigh that before giving notice.", fact)]
    if fact.value is None:
        return [Finding(WARN, "Whether raising this defense and losing at trial bars later record relief is not "
                              "known.", fact)]
    return []


_RULES = (_offence_scope, _effective_date, _burden, _notice, _connection, _pattern)
