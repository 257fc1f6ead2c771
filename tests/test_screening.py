"""Eligibility screening: statuses, reasons and dates for fictional records, checked by hand against the data."""
from __future__ import annotations

import datetime as dt

import pytest

from docassemble.traffickingrelief import CaseFileError, screen
from docassemble.traffickingrelief.eligibility import ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE, NOT_YET_ELIGIBLE
from docassemble.traffickingrelief.eligibility import normalise_statute
from docassemble.traffickingrelief.families.record_relief.screening import add_period
from tests.conftest import TODAY, case_of, minimal_case


def only(data: dict, today: dt.date = TODAY):
    [result] = screen(case_of(data), today, ["record_relief"])
    return result


def texts(result) -> str:
    return "\n".join(f.text for f in result.findings)


def test_pennsylvania_listed_offence_with_consent_is_eligible():
    result = only(minimal_case())
    assert result.status == ELIGIBLE and result.draftable
    scope = next(f for f in result.findings if "lists" in f.text)
    assert "3019" in scope.fact.citation  # every reason carries its citation


def test_pennsylvania_without_consent_is_blocked_until_the_prosecutor_consents():
    result = only(minimal_case(prosecutor_consent="not_requested"))
    assert result.status == NOT_YET_ELIGIBLE
    assert result.earliest_date is None
    assert result.draftable  # drafts are what one shows the prosecutor to ask for consent
    assert "requires the prosecutor's consent" in texts(result)
    assert "the prosecutor's written consent" in result.missing_facts


def test_pennsylvania_consent_refused_is_not_eligible():
    assert only(minimal_case(prosecutor_consent="refused")).status == NOT_ELIGIBLE


def test_offence_outside_a_listed_statute_is_not_eligible():
    result = only(minimal_case(offence="Retail theft", statute="18 Pa.C.S. § 3929", offence_categories=["theft"]))
    assert result.status == NOT_ELIGIBLE and not result.draftable
    assert "outside the offenses the law lists" in texts(result)


def test_offence_with_no_statute_or_type_needs_review():
    result = only(minimal_case(statute=None, offence_categories=[]))
    assert result.status == NEEDS_REVIEW
    assert "statute or type of offense" in result.missing_facts


def test_missing_connection_to_trafficking_needs_review():
    result = only(minimal_case(trafficking_connection=None))
    assert result.status == NEEDS_REVIEW
    assert "how the offense connects to the trafficking" in result.missing_facts


def tennessee_case(last_sentence_done: str) -> dict:
    data = minimal_case(jurisdiction="TN", court="Criminal Court for Example County", statute="Tenn. Code Ann. § 39-13-513",
                        prosecutor_consent=None)
    later = dict(data["convictions"][0], id="c2", conviction_date="2025-01-10", sentence_completed_on=last_sentence_done,
                 court="General Sessions Court for Example County")
    data["convictions"].append(later)
    return data


def test_tennessee_waits_one_year_from_the_most_recent_sentence():
    results = screen(case_of(tennessee_case("2026-06-01")), TODAY, ["record_relief"])
    # Both records wait for the same clock: one year after the most recent sentence ended (hand-worked).
    assert [r.status for r in results] == [NOT_YET_ELIGIBLE, NOT_YET_ELIGIBLE]
    assert {r.earliest_date for r in results} == {dt.date(2027, 6, 1)}
    assert not any(r.draftable for r in results)


def test_tennessee_after_the_wait_is_not_barred_by_time():
    results = screen(case_of(tennessee_case("2025-06-01")), TODAY, ["record_relief"])
    assert all(r.status != NOT_YET_ELIGIBLE for r in results)
    assert "has passed" in texts(results[0])


def test_tennessee_one_time_remedy_already_used():
    data = tennessee_case("2025-06-01")
    data["prior_relief"] = [{"jurisdiction": "TN", "citation": "Tenn. Code Ann. § 40-32-105", "granted_on": "2021-05-05"}]
    assert {r.status for r in screen(case_of(data), TODAY, ["record_relief"])} == {NOT_ELIGIBLE}


def test_colorado_failed_affirmative_defence_bars_relief():
    result = only(minimal_case(jurisdiction="CO", statute="C.R.S. § 18-7-201", prosecutor_consent=None,
                               affirmative_defence_at_trial="raised_and_rejected"))
    assert result.status == NOT_ELIGIBLE
    assert "raised at trial and rejected" in texts(result)


def test_colorado_does_not_cover_arrests():
    data = minimal_case(jurisdiction="CO")
    arrest = {"id": "a1", "jurisdiction": "CO", "offence": "Prostitution", "offence_categories": ["prostitution"],
              "arrest_date": "2018-01-10", "disposition": "dismissed", "trafficking_connection": "Sent by the trafficker."}
    data["convictions"], data["arrests"] = [], [arrest]
    result = only(data)
    assert result.subject.kind == "arrest"
    assert result.status == NOT_ELIGIBLE and "does not cover arrests" in texts(result)


def test_kentucky_sixty_days_after_judgment():
    result = only(minimal_case(jurisdiction="KY", statute="KRS 529.020", conviction_date="2026-11-01",
                               sentence_completed_on=None, prosecutor_consent=None))
    assert result.status == NOT_YET_ELIGIBLE
    assert result.earliest_date == dt.date(2026, 12, 31)  # Nov 1 + 60 days, counted by hand


def test_state_with_no_statute_says_so():
    result = only(minimal_case(jurisdiction="MN", statute="Minn. Stat. § 609.324", prosecutor_consent=None))
    assert result.status == NOT_ELIGIBLE
    assert "No trafficking-specific record-relief law was found for Minnesota" in texts(result)


def test_arkansas_adult_non_prostitution_is_outside_but_a_minor_is_covered():
    adult = minimal_case(jurisdiction="AR", offence="Theft of property", statute="Ark. Code Ann. § 5-36-103",
                         offence_categories=["theft"], prosecutor_consent=None)
    assert only(adult).status == NOT_ELIGIBLE
    minor = minimal_case(jurisdiction="AR", offence="Theft of property", statute="Ark. Code Ann. § 5-36-103",
                         offence_categories=["theft"], prosecutor_consent=None, offence_date="2005-06-01")
    result = only(minor)  # born 1990-01-01, so 15 at the offence
    assert "under 18 at the offense" in texts(result)
    assert result.status in (ELIGIBLE, NEEDS_REVIEW)
    assert result.status != NOT_ELIGIBLE


def test_unknown_jurisdiction_code_is_a_case_file_error_naming_the_field():
    with pytest.raises(CaseFileError) as info:
        screen(case_of(minimal_case(jurisdiction="ZZ")), TODAY)
    assert info.value.problems == ["convictions[0].jurisdiction: no jurisdiction data for this code"]


@pytest.mark.parametrize("start, years, months, days, expected", [
    ("2024-02-29", 1, 0, 0, "2025-02-28"),
    ("2026-01-31", 0, 1, 0, "2026-02-28"),
    ("2026-11-01", 0, 0, 60, "2026-12-31"),
    ("2019-03-04", 3, 0, 0, "2022-03-04"),
])
def test_add_period_calendar_arithmetic(start, years, months, days, expected):
    assert add_period(dt.date.fromisoformat(start), years, months, days) == dt.date.fromisoformat(expected)


def test_statute_citations_compare_without_spacing_or_section_signs():
    assert normalise_statute("18 Pa.C.S. § 5902") == normalise_statute("18 pa.c.s.  5902")
    assert normalise_statute("18 Pa.C.S. § 5902") != normalise_statute("18 Pa.C.S. § 5903")


def test_type_match_without_a_statute_match_needs_review():
    result = only(minimal_case(statute="18 Pa.C.S. § 5902.1"))
    assert result.status == NEEDS_REVIEW
    assert "statute does not match" in texts(result)


def test_no_scope_in_the_data_uses_the_catch_all_category():
    from docassemble.traffickingrelief.jurisdictions import load_all

    for code, j in load_all().items():
        for key in ("record_relief.offences", "record_relief.offences_if_minor"):
            scope = j.value(key) or {}
            assert "other" not in scope.get("categories", []), f"{code} {key}: 'other' would match any offense"
