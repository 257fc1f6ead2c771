"""Record-relief screening: one result per conviction or arrest.

Every rule reads the jurisdiction data; there are no per-state branches here. Each finding carries
the Fact it rests on, so a reason always shows its citation and whether that law was verified.
Unknown law never counts as a bar or a pass: it sends the record to attorney review.
"""
from __future__ import annotations

import calendar
import datetime as dt

from ...eligibility import (BAR, CONSENT, NOT_YET_ELIGIBLE, OK, REVIEW, WAIT, WARN, ELIGIBLE, NEEDS_REVIEW,
                            Eligibility, Finding, Subject, cites, decide)
from ...facts import CaseFile, Record
from ...jurisdictions import Jurisdiction, load_jurisdiction
from . import record_types

FAMILY = "record_relief"
_CLASS_RANK = {"violation": 0, "misdemeanor": 1, "felony": 2}


def screen_records(case: CaseFile, today: dt.date) -> list[Eligibility]:
    """Screen every conviction and arrest in the case file."""
    return [screen_record(record, case, today) for record in case.records]


def screen_record(record: Record, case: CaseFile, today: dt.date) -> Eligibility:
    j = load_jurisdiction(record.jurisdiction)
    available = j.fact("record_relief.available")
    if available.value is False:
        findings = [Finding(BAR, f"No trafficking-specific record-relief law was found for {j.name} "
                                 f"(data as of {j.data_as_of.isoformat()}). {available.note or ''}".strip(), available)]
    elif available.value is None:
        findings = [Finding(REVIEW, f"Whether {j.name} has trafficking-specific record relief is not known.", available)]
    else:
        findings = []
        for rule in _RULES:
            findings.extend(rule(record, case, j, today))
    status, earliest = decide(findings)
    # Drafts help when relief can be sought now, or once the prosecutor consents to it.
    draftable = status in (ELIGIBLE, NEEDS_REVIEW) or (
        status == NOT_YET_ELIGIBLE and not any(f.kind == WAIT for f in findings))
    return Eligibility(FAMILY, Subject(record.kind, record.id, record.jurisdiction, record), j, status,
                       tuple(findings), earliest, draftable)


# ---------------------------------------------------------------------------------------------
# Rules. Each takes (record, case, jurisdiction, today) and returns findings.


def _record_kind(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    """Whether the law reaches this type of record (a plea, an acquittal, a diversion...)."""
    kind = record_types.record_type(record)
    what = record_types.LABELS[kind]
    out = []
    if kind == record_types.ARREST and record.kind == "arrest":
        out.append(Finding(REVIEW, "How the arrest ended (never charged, dismissed, acquitted, diversion) is not "
                                   "recorded; the remedy's wording depends on it.", None,
                           missing="how the arrest ended"))
    if kind == record_types.CONVICTION:
        out.append(Finding(WARN, "Whether the conviction followed a plea or a verdict is not recorded; the order's "
                                 "wording depends on it, so trial wording (verdict, acquittal) is left out.", None,
                           missing="whether the conviction followed a plea or a verdict"))
    fact = record_types.coverage(j, kind)
    if fact is None:
        return out
    general = {"record_relief.covers_arrests": "arrests that did not end in a conviction",
               "record_relief.covers_juvenile_adjudications": "juvenile adjudications"}.get(fact.path.split(":", 1)[1])
    covered = f"{general} (this record: {what})" if general else f"this record type ({what})"
    if fact.value is True:
        out.append(Finding(OK, f"The law covers {covered}.", fact))
    elif fact.value is False:
        out.append(Finding(BAR, f"The law does not cover {covered}.{_others(j)}", fact))
    else:
        out.append(Finding(REVIEW, f"Whether the law covers {covered} is not known.", fact))
    return out


def _others(j: Jurisdiction) -> str:
    """Other record-clearing laws the data names, for a record this remedy does not reach."""
    others = j.fact("record_relief.other_remedies")
    if others.value:
        tier = "" if others.verified else f" (not verified: {others.tier})"
        return f" Other remedies to consider in {j.name}: {'; '.join(others.value)}{tier}."
    return " Check other record-clearing laws with an attorney."


def _age_at_offence(record: Record, case: CaseFile) -> int | None:
    born = case.client.date_of_birth
    when = record.offence_date or record.arrest_date
    if not born or not when:
        return None
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def _offence_scope(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact("record_relief.offences")
    minor_fact = j.fact("record_relief.offences_if_minor")
    out = []
    if minor_fact.known:
        age = _age_at_offence(record, case)
        if age is not None and age < 18:
            fact = minor_fact
            out.append(Finding(OK, "The person was under 18 at the offense, so the wider scope for minors applies.", fact))
        elif age is None:
            out.append(Finding(REVIEW, "A wider scope applies to offenses committed under 18, but the age at the "
                                       "offense cannot be worked out.", minor_fact,
                               missing="date of birth and offense date"))
    scope = fact.value
    if scope is None:
        return out + [Finding(REVIEW, "Which offenses the law covers is not known.", fact)]
    described = scope["description"]
    categories = set(record.offence_categories)
    if cites(record.statute, scope.get("excluded_statutes", [])) or categories & set(scope.get("excluded_categories", [])):
        return out + [Finding(BAR, f"The offense is excluded from relief ({described}).{_others(j)}", fact)]
    limit = scope.get("max_offence_class")
    if limit:
        if record.offence_class is None:
            out.append(Finding(REVIEW, f"The law is limited by offense class ({described}); the class is not recorded.",
                               fact, missing="offense class"))
        elif _CLASS_RANK[record.offence_class] > _CLASS_RANK[limit]:
            return out + [Finding(BAR, f"The offense class is above what the law covers ({described}).{_others(j)}", fact)]
    kind = scope["scope"]
    if kind == "all":
        out.append(Finding(OK, f"The law covers any offense ({described}).", fact))
    elif kind == "non_violent":
        if record.violent is False:
            out.append(Finding(OK, f"The offense is recorded as non-violent ({described}).", fact))
        elif record.violent is True:
            out.append(Finding(BAR, f"The law covers only non-violent offenses ({described}).{_others(j)}", fact))
        else:
            out.append(Finding(REVIEW, f"The law covers only non-violent offenses ({described}); whether this "
                                       "offense counts as violent is not recorded.", fact, missing="whether the offense is violent"))
    elif kind == "listed":
        if cites(record.statute, scope.get("statutes", [])):
            out.append(Finding(OK, f"The offense is one the law lists ({described}).", fact))
        elif categories & set(scope.get("categories", [])):
            out.append(Finding(REVIEW, f"The offense is of a type the law lists, but its statute does not match one "
                                       f"the data lists; confirm it is covered ({described}).", fact))
        elif not record.statute and not categories:
            out.append(Finding(REVIEW, f"The law lists the offenses it covers ({described}); this offense's statute "
                                       "and type are not recorded.", fact, missing="statute or type of offense"))
        else:
            out.append(Finding(BAR, f"The offense is outside the offenses the law lists ({described}).{_others(j)}",
                               fact))
    elif kind == "all_except":
        if not record.statute and not categories:
            out.append(Finding(REVIEW, f"The law excludes some offenses ({described}); this offense's statute and type "
                                       "are not recorded.", fact, missing="statute or type of offense"))
        else:
            out.append(Finding(OK, f"The law covers offenses other than those it excludes ({described}).", fact))
            out.append(Finding(WARN, f"Confirm the offense is not excluded: {described}", fact))
    return out


def _failed_defence(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    if record.affirmative_defence_at_trial != "raised_and_rejected":
        return []
    fact = j.fact("record_relief.failed_defence_bars_relief")
    if fact.value is True:
        return [Finding(BAR, "A trafficking defence was raised at trial and rejected, which bars relief.", fact)]
    if fact.value is None:
        return [Finding(REVIEW, "A trafficking defence was raised at trial and rejected; whether that bars relief "
                                "is not known.", fact)]
    return []


def _prosecutor_consent(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact("record_relief.prosecutor_consent_required")
    if fact.value is not True:
        return []
    consent = record.prosecutor_consent
    if consent == "obtained":
        return [Finding(OK, "The prosecutor's consent, which the law requires, is recorded as obtained.", fact)]
    if consent == "refused":
        return [Finding(BAR, "The law requires the prosecutor's consent, and it was refused.", fact)]
    return [Finding(CONSENT, "The law requires the prosecutor's consent before filing; it is not recorded as "
                             "obtained. The drafts can be shown to the prosecutor to ask for it.", fact,
                    missing="the prosecutor's written consent")]


def _one_time(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact("record_relief.one_time_only")
    if fact.value is True and any(p.jurisdiction == j.code and p.granted_on for p in case.prior_relief):
        return [Finding(BAR, "The law allows this relief once, and it was granted before.", fact)]
    return []


def add_period(start: dt.date, years: int = 0, months: int = 0, days: int = 0) -> dt.date:
    """Calendar arithmetic for waiting periods (Feb 29 + 1 year = Feb 28)."""
    month_index = start.month - 1 + months + 12 * years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) + dt.timedelta(days=days)


_WAIT_BASES = {
    "conviction": ("conviction_date", "date of conviction"),
    "judgment": ("conviction_date", "date of judgment"),
    "sentence_completion": ("sentence_completed_on", "date the sentence was completed"),
    "arrest": ("arrest_date", "date of arrest"),
}


def _waiting_period(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact("record_relief.waiting_period")
    period = fact.value
    if period is None:
        return [Finding(WARN, "Whether a waiting period applies is not known.", fact)]
    if period == "none":
        return []
    base_kind = period["from"]
    if base_kind == "most_recent_sentence_completion":
        ends = [c.sentence_completed_on for c in case.convictions if c.jurisdiction == j.code]
        base = max(ends) if ends and all(ends) else None
        what = "date the most recent sentence in this jurisdiction was completed"
    else:
        attr, what = _WAIT_BASES[base_kind]
        base = getattr(record, attr)
    span = _describe_span(period)
    if base is None:
        return [Finding(REVIEW, f"The law requires waiting {span} from the {what}, which is not recorded.", fact,
                        missing=what)]
    earliest = add_period(base, period.get("years", 0), period.get("months", 0), period.get("days", 0))
    if earliest > today:
        return [Finding(WAIT, f"The law requires waiting {span} from the {what}; the earliest filing date is "
                              f"{earliest.isoformat()}.", fact, until=earliest)]
    return [Finding(OK, f"The waiting period of {span} from the {what} has passed.", fact)]


def _describe_span(period: dict) -> str:
    parts = [f"{period[u]} {u if period[u] != 1 else u[:-1]}" for u in ("years", "months", "days") if period.get(u)]
    return ", ".join(parts) or "0 days"


def _sentence_complete(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact("record_relief.sentence_must_be_complete")
    if fact.value is not True or record.kind != "conviction":
        return []
    done = record.sentence_completed_on
    if done is None:
        return [Finding(REVIEW, "The sentence must be completed before filing; its completion date is not recorded.",
                        fact, missing="date the sentence was completed")]
    if done > today:
        return [Finding(WAIT, f"The sentence must be completed before filing; it ends on {done.isoformat()}.", fact,
                        until=done)]
    return [Finding(OK, "The sentence has been completed.", fact)]


def _later_conviction(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    """A later conviction that the law treats as a bar: within a window of years, or at any time."""
    fact = j.fact("record_relief.disqualifying_later_conviction_years")
    years = fact.value
    if not years:
        return _any_later_conviction(record, case, j)
    base = record.conviction_date if record.kind == "conviction" else record.arrest_date
    if base is None:
        what = "date of conviction" if record.kind == "conviction" else "date of arrest"
        return [Finding(REVIEW, f"A later conviction within {years} years disqualifies; the {what} is not "
                                "recorded.", fact, missing=what)]
    window_end = add_period(base, years=years)
    undated = [o for o in case.convictions if o is not record and o.conviction_date is None]
    for other in case.convictions:
        if other is not record and other.conviction_date and base < other.conviction_date <= window_end:
            return [Finding(BAR, f"Another conviction ({other.offence}, {other.conviction_date.isoformat()}) followed "
                                 f"within {years} years, which disqualifies.", fact)]
    if undated:
        return [Finding(REVIEW, f"A later conviction within {years} years disqualifies; another conviction's date is "
                                "not recorded.", fact, missing="date of every other conviction")]
    return [Finding(OK, f"No later conviction within {years} years is recorded.", fact)]


def _any_later_conviction(record: Record, case: CaseFile, j: Jurisdiction) -> list[Finding]:
    fact = j.fact("record_relief.later_conviction_bars")
    if fact.value is not True:
        return []
    others = [o for o in case.convictions if o is not record]
    base = record.conviction_date if record.kind == "conviction" else record.arrest_date
    if others and base is None:
        return [Finding(REVIEW, "A later conviction bars relief; this record's date is not recorded.", fact,
                        missing="date of conviction" if record.kind == "conviction" else "date of arrest")]
    later = [o for o in others if o.conviction_date and o.conviction_date > base]
    if later:
        return [Finding(BAR, f"A later conviction ({later[0].offence}, {later[0].conviction_date.isoformat()}) bars "
                             "relief.", fact)]
    if any(o.conviction_date is None for o in others):
        return [Finding(REVIEW, "A later conviction bars relief; another conviction's date is not recorded.", fact,
                        missing="date of every other conviction")]
    return [Finding(OK, "No later conviction is recorded.", fact)]


def _pending_charges(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    """A pending charge that the law treats as a bar; a question when the case file does not say."""
    fact = j.fact("record_relief.pending_charges_bar")
    if fact.value is not True:
        return []
    if "pending_charges" not in case.raw:
        return [Finding(REVIEW, "A pending criminal charge bars relief; the case file does not say whether any charge "
                                "is pending.", fact, missing="whether any criminal charge is pending")]
    pending = [p for p in case.pending_charges]
    if pending:
        return [Finding(BAR, f"A pending criminal charge bars relief until it is resolved ({len(pending)} pending: "
                             f"{', '.join(p.offence for p in pending)}).", fact)]
    return [Finding(OK, "No criminal charge is pending, as the law requires.", fact)]


def _law_enforcement_condition(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    """A condition of relief about help given to law enforcement when asked."""
    fact = j.fact("record_relief.law_enforcement_assistance_condition")
    if not fact.known:
        return []
    answer = case.trafficking.law_enforcement_requests
    if answer == "assisted":
        return [Finding(OK, "The client helped law enforcement when asked, which the law makes a condition.", fact)]
    if answer == "not_asked":
        return [Finding(OK, "Law enforcement did not ask the client for help, so the condition is met on the facts "
                            "recorded; confirm it.", fact)]
    if answer == "declined":
        return [Finding(REVIEW, f"The law makes help given to law enforcement when asked a condition ({fact.value}); "
                                "the client declined. Check whether an exception applies.", fact)]
    return [Finding(REVIEW, f"The law makes help given to law enforcement when asked a condition ({fact.value}); "
                            "the case file does not say whether the client was asked or helped.", fact,
                    missing="whether the client helped law enforcement when asked")]


def _connection(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    nexus = j.fact("record_relief.nexus")
    if record.trafficking_connection:
        return []
    test = f' ("{nexus.value}")' if nexus.value else ""
    return [Finding(REVIEW, f"How this offense connects to the trafficking is not recorded; the law requires a link{test}.", nexus,
                    missing="how the offense connects to the trafficking")]


def _filing_time(record: Record, case: CaseFile, j: Jurisdiction, today: dt.date) -> list[Finding]:
    fact = j.fact("record_relief.filing_time_limit")
    if fact.value:
        return [Finding(WARN, f"Time limit: {fact.value}.", fact)]
    return [Finding(WARN, "Whether a time limit applies is not known.", fact)]


_RULES = (_record_kind, _offence_scope, _failed_defence, _prosecutor_consent, _one_time, _waiting_period,
          _sentence_complete, _later_conviction, _pending_charges, _law_enforcement_condition, _connection, _filing_time)
