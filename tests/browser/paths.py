"""Complete paths through the real interview (interviews/traffickingrelief.yml), shared by
test_paths.py and tools/latency.py. Every person, court and case number here is fictional.

Plans answer by variable name and choice code (never by label), so the same plan works in English
and in Spanish. Keys starting with "?" are answered only when the screen shows that field
(questions a jurisdiction's data may not call for).
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import CONTINUE, Interview, drive

DOWNLOAD_ID = "download_drafts"
SCREENING_ID = "record_relief_screening"
REVIEW_ID = "review_answers"


@dataclass
class Case:
    """A fictional client with one conviction."""
    name: str
    state: str                       # jurisdiction code, e.g. NY
    court: str
    county: str
    case_number: str
    offence: str
    statute: str
    categories: list[str]
    offence_class: str = "misdemeanor"
    consent: str = "not_requested"   # obtained / refused / not_requested / not_sure
    connection: str = "The trafficker sent me to the place where I was arrested."
    extra: dict[str, Any] = field(default_factory=dict)


NY_CASE = Case(
    name="Marisol Ejemplo", state="NY", court="Criminal Court of the City of New York, Kings County",
    county="Kings", case_number="2019KN000123", offence="Prostitution", statute="Penal Law § 230.00",
    categories=["prostitution"],
)
PA_CASE = Case(
    name="Dana Muestra", state="PA", court="Court of Common Pleas of Example County", county="Example",
    case_number="CP-00-CR-0000456-2018", offence="Prostitution", statute="18 Pa.C.S. § 5902",
    categories=["prostitution"], consent="not_requested",
)
ES_CASE = Case(
    name="Lucía Inventada", state="NY", court="Criminal Court of the City of New York, Queens County",
    county="Queens", case_number="2020QN000789", offence="Prostitución", statute="Penal Law § 230.00",
    categories=["prostitution"],
)


def _family_defaults() -> dict[str, Any]:
    """Answers to the draft families' own questions for a case that does not need them
    (tests/interview_plans/<family>.py)."""
    spec = importlib.util.spec_from_file_location(
        "interview_plans", Path(__file__).resolve().parents[1] / "interview_plans" / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.browser_defaults()


def plan_for(case: Case, make_pdf: bool | None = None) -> dict[str, Any]:
    """What to answer on each screen of the interview for `case` (question id -> step)."""
    plan = {**_family_defaults(), **_plan(case)}
    plan["record_attorney"] = {**plan["record_basics"], **plan["record_offence"],
                               **plan["record_conviction_outcome"], **plan["record_link"]}
    plan.update(case.extra)
    return plan


def _plan(case: Case) -> dict[str, Any]:
    return {
        "language_choice": "en",
        "safety_check": "safe",
        "confidentiality_note": CONTINUE,
        "user_role": {"user_role": "attorney"},
        "start_mode": {"start_mode": "new_intake"},
        "conviction_states": {"tr_first_state": case.state, "tr_more_states": "no"},
        "jurisdiction_overview": CONTINUE,
        "client_name": {"client.legal_name": case.name, "client.date_of_birth": "1994-05-17"},
        "client_pseudonym": {"client.pseudonym_choice": "no"},
        "records_intro": CONTINUE,
        "record_basics": {"records[i].kind": "conviction",
                          "records[i].court": case.court, "records[i].county": case.county,
                          "records[i].case_number": case.case_number},
        "record_offence": {"records[i].offence": case.offence, "records[i].statute": case.statute,
                           "records[i].offence_categories": case.categories,
                           "?records[i].offence_class": case.offence_class,
                           "?records[i].violent_choice": "no"},
        "record_conviction_outcome": {"records[i].offence_date": "2019-01-10", "records[i].arrest_date": "2019-01-10",
                                      "records[i].conviction_date": "2019-03-04",
                                      "records[i].disposition": "guilty plea", "records[i].sentence": "a fine",
                                      "records[i].sentence_completed_on": "2019-03-04",
                                      "records[i].juvenile_choice": "no",
                                      "?records[i].affirmative_defence_at_trial": "not_raised"},
        "record_link": {"records[i].connection_choice": "write_now",
                        "records[i].trafficking_connection": case.connection,
                        "?records[i].prosecutor_consent": case.consent},
        "record_attorney": None,  # filled below: the attorney's one screen per case
        "records_another": "False",
        SCREENING_ID: CONTINUE,
        "client_contact": {"client.safe_to_contact_choice": "no", "client.city": "Example City"},
        "client_immigration": {"client.immigration_choice": "prefer_not_to_say"},
        "trafficking_intro": CONTINUE,
        "trafficking_type": {"trafficking.type_choice": "sex"},
        "trafficking_when": {"trafficking.period_start": "2017-02-01", "trafficking.period_end": "2020-08-31",
                             "trafficking.place": "Example City, Example State"},
        "trafficking_means": {"trafficking.force_choice": "yes", "trafficking.fraud_choice": "yes",
                              "trafficking.coercion_choice": "yes"},
        "trafficking_story": {"trafficking.narrative_choice": "prefer_not_to_say"},
        "trafficking_documents": {"trafficking.documents": []},
        "le_contact_choice": {"le_contact_choice": "no"},
        "evidence_choice": {"evidence_choice": "no"},
        "preparer_details": {"preparer.name": "Sam Placeholder", "?preparer.bar_number": "000000",
                             "?preparer.bar_state": case.state},
        "record_relief_seal": {"record_relief_seal_choice": "no"},
        REVIEW_ID: _make_the_papers,
    }


WAITING_ID = "tr_waiting_screen"


def _make_the_papers(it: Interview) -> None:
    # The review screen's continue button ("Make the papers") starts the assembly: with the server's
    # Celery worker, a progress screen refreshes itself until the papers are ready.
    it.click(CONTINUE, timeout_ms=120_000)
    wait_for_papers(it)


def wait_for_papers(it: Interview, timeout_s: float = 120) -> list[int]:
    """Stay on the progress screen while it refreshes itself; returns the percents it showed."""
    import time

    shown: list[int] = []
    deadline = time.monotonic() + timeout_s
    while it.question_id() == WAITING_ID:
        bar = it.page.locator("#daquestion [role=progressbar]")
        if bar.count():
            shown.append(int(bar.first.get_attribute("aria-valuenow") or 0))
        if time.monotonic() > deadline:
            raise AssertionError(f"the papers were not ready within {timeout_s:.0f} s (progress {shown})")
        it._submit(lambda: None, "progress refresh", None, 30_000)
    return shown


def walk(it: Interview, case: Case, until: str = DOWNLOAD_ID, on_screen=None, **overrides: Any) -> list[str]:
    plan = plan_for(case)
    plan.update(overrides)
    return drive(it, plan, until, on_screen=on_screen)
