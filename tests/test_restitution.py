"""The restitution family: screening, the request letter and worksheet, CSV/XLSX, the CLI, bad input.

Figures are worked by hand. The issue's example: 60 hours a week for 10 full workweeks in 2015, paid $50 a
week, federal rate $7.25: 40 x 7.25 + 20 x 10.875 = $507.50 due a week, $457.50 unpaid, $4,575.00 in all,
$9,150.00 with liquidated damages. Every person and case here is fictional.
"""
from __future__ import annotations

import copy
import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from docassemble.traffickingrelief.assembly import assemble
from docassemble.traffickingrelief.cli import main
from docassemble.traffickingrelief.errors import CaseFileError
from docassemble.traffickingrelief.family import select
from docassemble.traffickingrelief.screening import screen

from .conftest import case_of, docx_text, write_case

TODAY = dt.date(2026, 11, 30)


def loss_case(**losses) -> dict:
    """A fictional federal forced-labor case: the issue's worked example plus one receipted expense."""
    data = {
        "case_file_version": 2,
        "client": {"legal_name": "Rowan Fictional"},
        "trafficking": {"types": ["labor"], "periods": [{"start": "2015-01-04", "end": "2015-03-14"}]},
        "law_enforcement_contacts": [
            {"agency": "United States Attorney's Office for the Example District", "officer": "Jordan Examplar",
             "role": "prosecutor"},
            {"agency": "United States Attorney's Office for the Example District", "officer": "Avery Helper",
             "role": "victim_witness_coordinator"},
        ],
        "losses": {
            "prosecution": {"jurisdiction": "US", "court": "United States District Court for the Example District",
                            "case_number": "1:26-cr-00042", "defendant": "Sam Invented"},
            "workweek_starts_on": "sunday",
            "work_periods": [{"start": "2015-01-04", "end": "2015-03-14", "work": "kitchen work", "hours_per_week": "60",
                              "pay_received": "50", "pay_received_per": "week", "days_per_week": 6}],
            "expenses": [{"description": "Counseling sessions", "amount": "300.00", "date": "2016-02-01",
                          "category": "counseling", "receipt": "counseling-invoice.pdf"}],
        },
        "preparer": {"name": "Casey Advocate", "role": "advocate", "organisation": "Example Survivor Center",
                     "phone": "555-0100"},
    }
    data["losses"].update(losses)
    return data


def restitution_results(data: dict):
    return [r for r in screen(case_of(data), TODAY, ["restitution"])]


def test_worked_example_through_the_family_screening():
    [result] = restitution_results(loss_case())
    calc = result.subject.item.calculation
    assert result.subject.kind == "loss_claim" and result.draftable and result.jurisdiction.code == "US"
    assert len(calc.lines) == 10 and {line.due for line in calc.lines} == {Decimal("507.50")}
    assert calc.unpaid_total == Decimal("4575.00")
    plain, doubled = [s for s in calc.scenarios if s.overtime]
    assert (plain.flsa_value, doubled.flsa_value) == (Decimal("4575.00"), Decimal("9150.00"))
    assert (plain.total, doubled.total) == (Decimal("4875.00"), Decimal("9450.00"))  # + $300.00 counseling
    cited = {f.fact.citation for f in result.findings if f.fact}
    assert "18 U.S.C. § 1593" in cited and "18 U.S.C. § 1593(b)(3)" in cited


def test_request_letter_and_worksheet_are_drafted_and_read_back(tmp_path):
    result = assemble(case_of(loss_case()), tmp_path / "out", ["restitution"], pdf=False, today=TODAY)
    names = sorted(p.name for p in result.documents)
    assert names == ["US-restitution-request-letter.docx", "US-restitution-worksheet.docx", "restitution-worksheet.csv"]
    letter = docx_text(tmp_path / "out/restitution/US-restitution-request-letter.docx")
    assert "Jordan Examplar" in letter and "Victim-witness coordinator: Avery Helper" in letter
    assert "Restitution is mandatory in this case under 18 U.S.C. § 1593." in letter
    assert "The unpaid minimum wages and overtime come to $4,575.00." in letter
    assert "With liquidated damages (an equal additional amount) they come to $9,150.00." in letter
    assert "we ask for $4,875.00 without liquidated damages, or $9,450.00 with them" in letter
    assert "[MISSING: attorney's choice: ask with or without liquidated damages]" in letter
    assert "United States v. Edwards, No. 19-4903 (4th Cir. Apr. 21, 2021)" in letter
    assert "Sam Invented" in letter and "1:26-cr-00042" in letter
    assert "DRAFT" in letter and "http" not in letter and "per " not in letter.lower().replace("per week", "")
    worksheet = docx_text(tmp_path / "out/restitution/US-restitution-worksheet.docx")
    assert worksheet.count("$457.50") == 10 and worksheet.count("losses.work_periods[0]") >= 11
    assert "$7.25 (29 U.S.C. § 206(a)(1)(C))" in worksheet
    assert "losses.expenses[0]" in worksheet and "counseling-invoice.pdf" in worksheet
    report = result.report
    assert {d["file"] for d in report["documents"]} == {"restitution/US-restitution-request-letter.docx",
                                                         "restitution/US-restitution-worksheet.docx",
                                                         "restitution/restitution-worksheet.csv"}
    written = (tmp_path / "out/restitution/restitution-worksheet.csv").read_text(encoding="utf-8")
    assert "Unpaid minimum wages and overtime (b),4575.00" in written
    law = {e["path"] for e in report["law_used"]}
    assert {"US:restitution.citation", "US:restitution.formula"} <= law
    assert any(p.startswith("US:wages.schedules.all_covered.rates[") for p in law)  # each rate's source is listed


def test_worksheet_exports_read_back_as_csv_and_xlsx(tmp_path):
    case = case_of(loss_case())
    [family] = select(["restitution"])
    results = family.screen(case, TODAY)
    drafts = family.build(case, results, final=False)
    files = {**family.exports(case, results, drafts), **family.workbook(results, drafts)}
    assert set(files) == {"restitution-worksheet.csv", "restitution-worksheet.xlsx"}
    rows = list(csv.reader(io.StringIO(files["restitution-worksheet.csv"])))
    header = rows[1]
    weeks = [dict(zip(header, r)) for r in rows[2:12]]
    assert [w["unpaid"] for w in weeks] == ["457.50"] * 10
    assert {w["case_file_entry"] for w in weeks} == {"losses.work_periods[0]"}
    assert {w["rate_citation"] for w in weeks} == {"29 U.S.C. § 206(a)(1)(C)"}
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    assert summary["Unpaid minimum wages and overtime (b)"] == "4575.00"
    assert summary["FLSA value with liquidated damages"] == "9150.00"
    (tmp_path / "w.xlsx").write_bytes(files["restitution-worksheet.xlsx"])
    book = load_workbook(tmp_path / "w.xlsx")
    sheet = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert Decimal(str(sheet["FLSA value with liquidated damages"])) == Decimal("9150.00")
    assert [r[0] for r in book["Other losses"].iter_rows(values_only=True)][1] == "losses.expenses[0]"


def test_cli_prints_the_worksheet_and_writes_new_files_only(tmp_path, capsys):
    case = write_case(tmp_path, loss_case())
    out_csv, out_xlsx = tmp_path / "w.csv", tmp_path / "w.xlsx"
    assert main(["restitution", str(case), "--csv", str(out_csv), "--xlsx", str(out_xlsx)]) == 0
    printed = capsys.readouterr().out
    assert "Unpaid minimum wages and overtime (b): $4,575.00" in printed
    assert "FLSA value with liquidated damages: $9,150.00" in printed
    assert "4575.00" in out_csv.read_text(encoding="utf-8") and load_workbook(out_xlsx)["Workweeks"].max_row == 11
    before = out_csv.read_bytes()
    assert main(["restitution", str(case), "--csv", str(out_csv)]) == 2
    assert "already exists" in capsys.readouterr().err and out_csv.read_bytes() == before


def test_rate_change_weeks_july_2008_and_2009_are_averaged_by_day():
    # Sun 2008-07-20 .. Sat 07-26: 4 days at $5.85, 3 days at $6.55 (from July 24, 2008): (23.40 + 19.65) / 7 = $6.15
    # Sun 2009-07-19 .. Sat 07-25: 5 days at $6.55, 2 days at $7.25 (from July 24, 2009): (32.75 + 14.50) / 7 = $6.75
    data = loss_case(work_periods=[
        {"start": "2008-07-20", "end": "2008-07-26", "hours_per_week": "40", "pay_received": "0"},
        {"start": "2009-07-19", "end": "2009-07-25", "hours_per_week": "40", "pay_received": "0"}], expenses=[])
    [result] = restitution_results(data)
    calc = result.subject.item.calculation
    assert [line.due for line in calc.lines] == [Decimal("246.00"), Decimal("270.00")]
    assert calc.unpaid_total == Decimal("516.00")


def test_partial_zero_pay_and_overpaid_weeks():
    # Wed 2015-01-07 .. Sat 01-10 is 4 of 7 days: 70 h/wk -> 40 h, no overtime: 40 x 7.25 = $290.00, unpaid.
    # Sun 01-11 .. Sat 01-17, 30 h paid $300 a week: due $217.50, over-paid by $82.50, counted as zero.
    data = loss_case(work_periods=[
        {"start": "2015-01-07", "end": "2015-01-10", "hours_per_week": "70", "pay_received": "0"},
        {"start": "2015-01-11", "end": "2015-01-17", "hours_per_week": "30", "pay_received": "300",
         "pay_received_per": "week"}], expenses=[])
    calc = restitution_results(data)[0].subject.item.calculation
    assert [(line.due, line.unpaid) for line in calc.lines] == [(Decimal("290.00"), Decimal("290.00")),
                                                                 (Decimal("217.50"), Decimal("0.00"))]
    assert calc.overpaid_weeks[0].overpaid == Decimal("82.50") and calc.unpaid_total == Decimal("290.00")


def test_state_prosecution_uses_the_state_data_and_leaves_unknown_law_blank(tmp_path):
    data = loss_case(prosecution={"jurisdiction": "NY", "defendant": "Sam Invented", "case_number": "IND-00042-26"})
    data["law_enforcement_contacts"] = []
    [result] = restitution_results(data)
    assert result.status == "needs_review" and result.draftable
    assert any("No New York restitution statute" in f.text for f in result.findings)
    assemble(case_of(data), tmp_path / "out", ["restitution"], pdf=False, today=TODAY)
    letter = docx_text(tmp_path / "out/restitution/NY-restitution-request-letter.docx")
    assert "[MISSING: citation for restitution statute (not in the jurisdiction data)]" in letter
    assert "[MISSING: name of the prosecutor handling the case]" in letter
    assert "presentence report" not in letter and "sentencing report" in letter
    worksheet = docx_text(tmp_path / "out/restitution/NY-restitution-worksheet.docx")
    assert "State minimum wage (information)" in worksheet and "NY" in worksheet


def test_without_a_prosecution_nothing_is_drafted_but_the_result_says_why(tmp_path):
    data = loss_case()
    del data["losses"]["prosecution"]
    [result] = restitution_results(data)
    assert not result.draftable and result.missing_facts == ("losses.prosecution.jurisdiction",)
    out = assemble(case_of(data), tmp_path / "out", ["restitution"], pdf=False, today=TODAY)
    assert out.documents == ()


def test_a_case_without_losses_has_nothing_for_the_family():
    data = loss_case()
    data["losses"] = {}
    assert restitution_results(data) == []


def test_live_in_work_is_flagged_not_silently_decided():
    data = loss_case(work_periods=[{"start": "2015-01-04", "end": "2015-01-10", "hours_per_week": "60",
                                    "pay_received": "0", "live_in": True}], expenses=[])
    [result] = restitution_results(data)
    assert any("live-in" in f.text for f in result.findings if f.kind == "warn")
    calc = result.subject.item.calculation
    assert calc.unpaid_total == Decimal("507.50") and calc.unpaid_total_if_overtime_exempt == Decimal("435.00")


@pytest.mark.parametrize("change, problem", [
    ({"hours_per_week": "200"}, "losses.work_periods[0].hours_per_week: must be at most 168"),
    ({"hours_per_week": "-5"}, "losses.work_periods[0].hours_per_week: not a number of hours"),
    ({"end": "2014-12-31"}, "losses.work_periods[0].end: is before the start"),
    ({"hours_per_week": "150"}, "losses.work_periods[0].hours_per_week: more than 24 hours a day"),
])
def test_bad_losses_are_rejected_by_field_with_no_output(tmp_path, change, problem):
    data = loss_case()
    data["losses"]["work_periods"][0].update(change)
    out = tmp_path / "out"
    with pytest.raises(CaseFileError) as raised:
        assemble(case_of(data), out, ["restitution"], pdf=False, today=TODAY)
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems
    assert not out.exists()
    assert main(["restitution", str(write_case(tmp_path, data)), "--csv", str(tmp_path / "w.csv")]) == 2
    assert not (tmp_path / "w.csv").exists()


@pytest.mark.parametrize("field, value, problem", [
    ("hours_per_week", Decimal("-1"), "losses.work_periods[0].hours_per_week: must be at least 0"),
    ("hours_per_week", Decimal("169"), "losses.work_periods[0].hours_per_week: must be at most 168"),
    ("end", dt.date(2014, 1, 1), "losses.work_periods[0].end: is before the start"),
])
def test_bad_losses_built_in_memory_are_rejected_too(tmp_path, field, value, problem):
    """A caller that builds the case in Python (the interview) gets the same field-named errors."""
    case = case_of(loss_case())
    period = dataclasses.replace(case.losses.work_periods[0], **{field: value})
    case = dataclasses.replace(case, losses=dataclasses.replace(case.losses, work_periods=(period,)))
    with pytest.raises(CaseFileError) as raised:
        assemble(case, tmp_path / "out", ["restitution"], pdf=False, today=TODAY)
    assert problem in raised.value.problems and not (tmp_path / "out").exists()


def test_user_text_comes_out_literally(tmp_path):
    data = loss_case()
    data["losses"]["expenses"][0]["description"] = "{{ x }} <b>& =cmd"
    assemble(case_of(data), tmp_path / "out", ["restitution"], pdf=False, today=TODAY)
    assert "{{ x }} <b>& =cmd" in docx_text(tmp_path / "out/restitution/US-restitution-worksheet.docx")
    case = case_of(copy.deepcopy(data))
    [family] = select(["restitution"])
    results = family.screen(case, TODAY)
    files = family.exports(case, results, family.build(case, results, final=False))
    assert "{{ x }} <b>& =cmd" in files["restitution-worksheet.csv"]


def test_a_state_that_takes_the_greatest_of_three_measures_says_so():
    data = loss_case(prosecution={"jurisdiction": "ND", "defendant": "Sam Invented"})
    [result] = restitution_results(data)
    formula = next(f for f in result.findings if f.fact and f.fact.path == "ND:restitution.formula" and f.kind == "ok")
    assert "plus the greatest of" in formula.text and formula.fact.citation == "N.D.C.C. § 12.1-41-09"
    assert any("promised to pay" in f.text for f in result.findings if f.kind == "warn")
    assert result.subject.item.calculation.states == ("ND",)


def test_the_pdfs_carry_the_same_figures(tmp_path, soffice):
    from pypdf import PdfReader

    assemble(case_of(loss_case()), tmp_path / "out", ["restitution"], pdf=True, today=TODAY)
    letter = " ".join(" ".join(p.extract_text() for p in PdfReader(
        tmp_path / "out/restitution/US-restitution-request-letter.pdf").pages).split())
    assert "18 U.S.C. § 1593" in letter and "$4,575.00" in letter and "$9,150.00" in letter
    sheet = " ".join(" ".join(p.extract_text() for p in PdfReader(
        tmp_path / "out/restitution/US-restitution-worksheet.pdf").pages).split())
    assert sheet.count("$457.50") == 10
