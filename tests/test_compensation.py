"""The compensation family: the program data for all 52 jurisdictions, screening, the cover letter and
expense schedule, warnings on police reports and convictions, bad input. Every person here is fictional."""
from __future__ import annotations

import datetime as dt

import pytest

from docassemble.traffickingrelief.assembly import assemble
from docassemble.traffickingrelief.errors import CaseFileError
from docassemble.traffickingrelief.jurisdictions import load_all
from docassemble.traffickingrelief.screening import screen

from .conftest import case_of, docx_text

TODAY = dt.date(2026, 11, 30)
PROGRAM_KEYS = ("available", "citation", "program", "agency", "address", "filing_deadline")
RULE_KEYS = ("police_report", "conduct_limit")


def claim_case(**losses) -> dict:
    data = {
        "case_file_version": 2,
        "client": {"legal_name": "Rowan Fictional"},
        "trafficking": {"types": ["labor"], "periods": [{"start": "2024-01-01", "end": "2024-06-30"}],
                        "official_documentation": ["Letter from the Example Survivor Center"]},
        "law_enforcement_contacts": [{"agency": "Example City Police Department", "report_number": "2024-000123"}],
        "losses": {
            "crime_jurisdiction": "CO",
            "expenses": [
                {"description": "Counseling sessions", "amount": "300.00", "date": "2024-08-01", "category": "counseling",
                 "receipt": "counseling-invoice.pdf"},
                {"description": "Moving to a safe apartment", "amount": "934.56", "date": "2024-07-15",
                 "category": "relocation"},
            ],
        },
        "preparer": {"name": "Casey Advocate", "role": "advocate", "organisation": "Example Survivor Center",
                     "email": "advocate@example.org"},
    }
    data["losses"].update(losses)
    return data


def compensation_results(data: dict):
    return screen(case_of(data), TODAY, ["compensation"])


def test_every_jurisdiction_has_the_compensation_section_with_honest_tiers():
    data = load_all()
    assert len(data) == 52
    for code, j in data.items():
        keys = PROGRAM_KEYS + (RULE_KEYS if code != "US" else ())
        for key in keys:
            fact = j.fact(f"compensation.{key}")
            if fact.value is None:
                assert fact.tier == "none" and fact.note, (code, key)
            if fact.verified:
                assert fact.source and (fact.source.url or fact.source.publisher), (code, key)
        assert j.fact("restitution.formula") and j.fact("restitution.request_to")
    assert data["US"].value("compensation.available") is False
    assert data["CO"].fact("compensation.police_report").tier == "secondary"
    assert data["CA"].fact("compensation.police_report").tier == "official"
    assert data["NY"].fact("compensation.police_report").citation == "N.Y. Exec. Law § 631(1)"


def test_claim_for_colorado_is_drafted_with_data_and_blanks(tmp_path):
    [result] = compensation_results(claim_case())
    assert result.subject.kind == "loss_claim" and result.draftable and result.jurisdiction.code == "CO"
    assert result.status == "needs_review"  # the program's address is not in the data
    out = assemble(case_of(claim_case()), tmp_path / "out", ["compensation"], pdf=False, today=TODAY)
    assert sorted(p.name for p in out.documents) == ["CO-compensation-cover-letter.docx",
                                                     "CO-compensation-expense-schedule.docx"]
    letter = docx_text(tmp_path / "out/compensation/CO-compensation-cover-letter.docx")
    assert "Colorado Crime Victim Compensation" in letter and "[CONFIRM:" in letter  # secondary source: to confirm
    assert "[MISSING: the program's mailing address (not in the jurisdiction data)]" in letter
    assert "apply within one year" in letter
    assert "Example City Police Department (report number 2024-000123)" in letter
    assert "The expenses listed come to $1,234.56." in letter
    assert "has not made a police report" not in letter and "criminal record" not in letter
    assert "Proof is still being gathered for 1 of the listed expenses" in letter
    schedule = docx_text(tmp_path / "out/compensation/CO-compensation-expense-schedule.docx")
    assert "Total: $1,234.56" in schedule
    assert "losses.expenses[1]" in schedule and "Moving to a safe apartment" in schedule and "$934.56" in schedule
    assert "relocation" in schedule and "none listed" in schedule
    assert "reported to a law enforcement agency within 72 hours" in schedule
    assert "DRAFT" in schedule and "http" not in letter + schedule


def test_no_police_report_and_a_conviction_are_warned_and_addressed(tmp_path):
    data = claim_case()
    data["law_enforcement_contacts"] = []
    data["convictions"] = [{"id": "c1", "jurisdiction": "CO", "offence": "Trespass", "court": "Example County Court",
                            "case_number": "24M000001", "conviction_date": "2024-03-01"}]
    out = assemble(case_of(data), tmp_path / "out", ["compensation"], pdf=False, today=TODAY)
    warnings = "\n".join(out.report["warnings"])
    assert "No police report is recorded" in warnings and "within 72 hours" in warnings
    assert "conviction or a pending charge" in warnings and "wrongful act" in warnings
    letter = docx_text(tmp_path / "out/compensation/CO-compensation-cover-letter.docx")
    assert "Rowan Fictional has not made a police report" in letter
    assert "such as Letter from the Example Survivor Center" in letter
    assert "Rowan Fictional has a criminal record" in letter


def test_a_state_without_program_data_leaves_every_detail_blank(tmp_path, monkeypatch):
    """Every state's program is now in the data: Kentucky stands in with its program details taken out."""
    import dataclasses

    from docassemble.traffickingrelief.jurisdictions import load_jurisdiction

    ky = load_jurisdiction("KY")
    bare = dataclasses.replace(ky, facts={key: fact for key, fact in ky.facts.items()
                                          if not key.startswith("compensation.") or key == "compensation.available"})
    monkeypatch.setattr("docassemble.traffickingrelief.families.compensation.screening.load_jurisdiction",
                        lambda code: bare if code == "KY" else load_jurisdiction(code))
    data = claim_case(crime_jurisdiction="KY")
    [result] = compensation_results(data)
    assert result.status == "needs_review" and result.draftable
    assert any("time limit to apply is not in the data" in f.text for f in result.findings)
    assemble(case_of(data), tmp_path / "out", ["compensation"], pdf=False, today=TODAY)
    letter = docx_text(tmp_path / "out/compensation/KY-compensation-cover-letter.docx")
    assert "[MISSING: name of the crime victim compensation program (not in the jurisdiction data)]" in letter
    assert "[MISSING: the program's time limit for applying (not in the jurisdiction data)]" in letter


def test_without_the_crime_state_no_claim_is_drafted(tmp_path):
    data = claim_case()
    del data["losses"]["crime_jurisdiction"]
    [result] = compensation_results(data)
    assert not result.draftable and result.missing_facts == ("losses.crime_jurisdiction",)
    assert assemble(case_of(data), tmp_path / "out", ["compensation"], pdf=False, today=TODAY).documents == ()


def test_federal_is_not_a_compensation_program():
    [result] = compensation_results(claim_case(crime_jurisdiction="US"))
    assert not result.draftable and "state where the crime happened" in result.findings[0].text


def test_a_state_prosecution_names_the_crime_state_when_none_is_given():
    data = claim_case(prosecution={"jurisdiction": "CO"})
    del data["losses"]["crime_jurisdiction"]
    [result] = compensation_results(data)
    assert result.jurisdiction.code == "CO" and result.draftable


def test_a_case_without_losses_has_nothing_for_the_family():
    data = claim_case()
    data["losses"] = {}
    assert compensation_results(data) == []


@pytest.mark.parametrize("change, problem", [
    ({"hours_per_week": "169"}, "losses.work_periods[0].hours_per_week: must be at most 168"),
    ({"hours_per_week": "-1"}, "losses.work_periods[0].hours_per_week: not a number of hours"),
    ({"start": "2024-02-01", "end": "2024-01-01"}, "losses.work_periods[0].end: is before the start"),
])
def test_bad_input_is_rejected_by_field_with_no_output(tmp_path, change, problem):
    data = claim_case(work_periods=[{"start": "2024-01-01", "end": "2024-01-31", "hours_per_week": "40",
                                     "pay_received": "0"}])
    data["losses"]["work_periods"][0].update(change)
    with pytest.raises(CaseFileError) as raised:
        assemble(case_of(data), tmp_path / "out", ["compensation"], pdf=False, today=TODAY)
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems
    assert not (tmp_path / "out").exists()


def test_a_negative_expense_is_rejected_by_field():
    data = claim_case()
    data["losses"]["expenses"][0]["amount"] = "-300.00"
    with pytest.raises(CaseFileError) as raised:
        case_of(data)
    assert any(p.startswith("losses.expenses[0].amount: not an amount of money") for p in raised.value.problems)


def test_where_the_program_accepts_other_proof_the_warning_says_so():
    data = claim_case(crime_jurisdiction="CA")
    data["law_enforcement_contacts"] = []
    [result] = compensation_results(data)
    warning = next(f for f in result.findings if f.missing == "law_enforcement_contacts[].report_number")
    assert "cannot be denied only because the victim did not make a police report" in warning.text
    assert warning.fact.tier == "official" and result.jurisdiction.value("compensation.filing_deadline").startswith(
        "within seven years")


def test_a_program_that_bars_victims_with_felony_convictions_is_warned():
    data = claim_case(crime_jurisdiction="OH")
    data["convictions"] = [{"id": "c1", "jurisdiction": "OH", "offence": "Drug possession", "court": "Example Court",
                            "case_number": "CR-2023-0001", "conviction_date": "2023-05-01"}]
    [result] = compensation_results(data)
    warning = next(f for f in result.findings if f.fact and f.fact.path == "OH:compensation.conduct_limit")
    assert "felony conviction" in warning.text and "within 10 years" in warning.text and warning.fact.tier == "official"
    assert result.draftable  # a warning for the advocate, not a decision that the claim fails


def test_the_pdfs_carry_the_same_program_and_total(tmp_path, soffice):
    from pypdf import PdfReader

    assemble(case_of(claim_case(crime_jurisdiction="NJ")), tmp_path / "out", ["compensation"], pdf=True, today=TODAY)
    read = lambda name: " ".join(" ".join(p.extract_text() for p in PdfReader(  # noqa: E731
        tmp_path / "out/compensation" / name).pages).split())
    letter = read("NJ-compensation-cover-letter.pdf")
    assert "Victims of Crime Compensation Office" in letter and "within five years" in letter
    assert "Total: $1,234.56" in read("NJ-compensation-expense-schedule.pdf")
