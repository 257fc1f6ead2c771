"""The § 1593 wage calculator: hand-worked figures, the sourced wage tables, exports and bad input.

Every expected figure below is worked by hand in the comment beside it; none is read back from the code.
Workweeks run Sunday to Saturday unless a test says otherwise.
"""
from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from docassemble.traffickingrelief import wages
from docassemble.traffickingrelief.errors import CaseFileError
from docassemble.traffickingrelief.facts import Expense, Losses, WorkPeriod, parse_case
from docassemble.traffickingrelief.resources import read_yaml

from .conftest import minimal_case

D = Decimal


def period(start: str, end: str, hours: str = "60", pay: str | None = "0", per: str | None = None,
           live_in: bool = False, work: str | None = "restaurant kitchen") -> WorkPeriod:
    return WorkPeriod(start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end), work=work,
                      hours_per_week=None if hours is None else D(hours),
                      pay_received=None if pay is None else D(pay), pay_received_per=per, live_in=live_in)


def calc(*periods: WorkPeriod, expenses=(), **options) -> wages.Calculation:
    return wages.calculate(Losses(work_periods=periods, expenses=tuple(expenses)), **options)


# ---------------------------------------------------------------------------------------------
# The issue's worked example


def test_worked_example_from_the_issue():
    # 2015-01-04 is a Sunday; 2015-03-14 the Saturday ten weeks later: 10 full workweeks at $7.25.
    result = calc(period("2015-01-04", "2015-03-14", hours="60", pay="50", per="week"))
    assert len(result.lines) == 10
    for line in result.lines:
        assert (line.days, line.regular_pay, line.overtime_pay) == (7, D("290.00"), D("217.50"))  # 40 x 7.25; 20 x 10.875
        assert (line.due, line.paid, line.unpaid) == (D("507.50"), D("50.00"), D("457.50"))
        assert line.segments[0].value == D("7.25")
        assert line.segments[0].facts[0].citation == "29 U.S.C. § 206(a)(1)(C)"
    assert result.unpaid_total == D("4575.00")
    assert result.unpaid_total * 2 == D("9150.00")
    without, with_ld = result.scenarios
    assert (without.liquidated_damages, without.total) == (False, D("4575.00"))
    assert (with_ld.liquidated_damages, with_ld.total) == (True, D("9150.00"))
    assert result.complete and not result.overpaid_weeks


# ---------------------------------------------------------------------------------------------
# Changes of rate: July 24, 2008 ($5.85 -> $6.55, a Thursday) and July 24, 2009 ($6.55 -> $7.25, a Friday)


def test_week_spanning_july_24_2008_uses_the_day_weighted_rate():
    # Week Sun Jul 20 - Sat Jul 26, 2008: 4 days at 5.85, 3 days at 6.55 -> rate (23.40 + 19.65) / 7 = 6.15.
    # 60 h: 40 x 6.15 = 246.00; 20 x 9.225 = 184.50; due 430.50.
    # Week Jul 27 - Aug 2: 40 x 6.55 = 262.00; 20 x 9.825 = 196.50; due 458.50. Nothing paid.
    result = calc(period("2008-07-20", "2008-08-02", hours="60"))
    first, second = result.lines
    assert [(s.value, s.days) for s in first.segments] == [(D("5.85"), 4), (D("6.55"), 3)]
    assert (first.regular_pay, first.overtime_pay, first.due) == (D("246.00"), D("184.50"), D("430.50"))
    assert any("rate changed this week" in flag for flag in first.flags)
    assert (second.regular_pay, second.overtime_pay, second.due) == (D("262.00"), D("196.50"), D("458.50"))
    assert result.unpaid_total == D("889.00")
    assert {f.citation for s in first.segments for f in s.facts} == {"29 U.S.C. § 206(a)(1)(A)", "29 U.S.C. § 206(a)(1)(B)"}


def test_week_spanning_july_24_2009():
    # Week Sun Jul 19 - Sat Jul 25, 2009: 5 days at 6.55, 2 at 7.25 -> (32.75 + 14.50) / 7 = 6.75.
    # 50 h: 40 x 6.75 = 270.00; 10 x 10.125 = 101.25; due 371.25.
    (line,) = calc(period("2009-07-19", "2009-07-25", hours="50")).lines
    assert line.regular_rate == D("6.75")
    assert (line.regular_pay, line.overtime_pay, line.due) == (D("270.00"), D("101.25"), D("371.25"))


def test_rounding_is_half_up_once_per_amount():
    # The 2008 week at 45 h: 40 x 6.15 = 246.00; 5 x 9.225 = 46.125 -> 46.13 (half up); due 292.13.
    (line,) = calc(period("2008-07-20", "2008-07-26", hours="45")).lines
    assert (line.regular_pay, line.overtime_pay, line.due) == (D("246.00"), D("46.13"), D("292.13"))


def test_work_across_both_changes_adds_up_week_by_week():
    # Sun 2008-07-20 to Sat 2009-07-25 at 40 h (no overtime), nothing paid:
    # 2008-07-20 week: 40 x 6.15 = 246.00; 51 weeks from 2008-07-27 to 2009-07-18 at 6.55: 51 x 262.00 = 13,362.00;
    # 2009-07-19 week: 40 x 6.75 = 270.00. Total 13,878.00.
    result = calc(period("2008-07-20", "2009-07-25", hours="40"))
    assert len(result.lines) == 53
    assert result.unpaid_total == D("13878.00")
    assert sum(1 for line in result.lines if len(line.segments) == 2) == 2


# ---------------------------------------------------------------------------------------------
# Partial weeks, zero pay, over-paid weeks, pay given as a total


def test_partial_weeks_at_both_ends_are_prorated_by_days():
    # Wed 2015-01-07 to Tue 2015-01-13 at 70 h and $140 a week.
    # Week Jan 4-10 holds 4 days: 40 h, no overtime: 290.00 due; paid 140 x 4/7 = 80.00; unpaid 210.00.
    # Week Jan 11-17 holds 3 days: 30 h: 217.50 due; paid 60.00; unpaid 157.50.
    first, second = calc(period("2015-01-07", "2015-01-13", hours="70", pay="140", per="week")).lines
    assert (first.first_day, first.last_day, first.days) == (dt.date(2015, 1, 7), dt.date(2015, 1, 10), 4)
    assert (first.week_start, first.week_end) == (dt.date(2015, 1, 4), dt.date(2015, 1, 10))
    assert (first.hours, first.due, first.paid, first.unpaid) == (40, D("290.00"), D("80.00"), D("210.00"))
    assert (second.days, second.hours, second.due, second.paid, second.unpaid) == (3, 30, D("217.50"), D("60.00"), D("157.50"))
    assert "partial week: 4 of 7 days" in first.flags


def test_a_one_day_week_rounds_each_amount_once():
    # One day at 60 h a week: 60/7 h x 7.25 = 62.142857... -> 62.14; paid 50/7 = 7.142857... -> 7.14; unpaid 55.00.
    (line,) = calc(period("2015-01-04", "2015-01-04", hours="60", pay="50", per="week")).lines
    assert (line.due, line.paid, line.unpaid) == (D("62.14"), D("7.14"), D("55.00"))


def test_the_workweek_start_can_be_set():
    # Monday workweeks: Mon 2015-01-05 to Sun 2015-01-11 is one full week.
    result = calc(period("2015-01-05", "2015-01-11", hours="60"), week_starts_on=0)
    assert [line.days for line in result.lines] == [7]
    assert "Monday" in result.method[0]


def test_zero_pay_needs_no_pay_period():
    (line,) = calc(period("2015-01-04", "2015-01-10", hours="40", pay="0", per=None)).lines
    assert (line.due, line.paid, line.unpaid) == (D("290.00"), D("0.00"), D("290.00"))


def test_an_over_paid_week_is_zero_listed_and_not_carried_over():
    # Period 0: 20 h at 7.25 = 145.00 due, paid 200.00: over-paid by 55.00, unpaid 0.
    # Period 1: the worked example's week, unpaid 457.50. The 55.00 does not reduce it.
    result = calc(period("2015-01-04", "2015-01-10", hours="20", pay="200", per="week"),
                  period("2015-01-11", "2015-01-17", hours="60", pay="50", per="week"))
    over, under = result.lines
    assert (over.due, over.unpaid, over.overpaid) == (D("145.00"), D("0.00"), D("55.00"))
    assert result.overpaid_weeks == (over,)
    assert any("over-paid by $55.00" in flag for flag in over.flags)
    assert under.unpaid == D("457.50")
    assert result.unpaid_total == D("457.50")
    assert under.case_entry == "losses.work_periods[1]"


def test_pay_given_as_a_total_is_spread_over_the_days_and_adds_up_exactly():
    # $100 over three full weeks: running totals 33.333 -> 33.33, 66.667 -> 66.67, 100.00:
    # weeks get 33.33, 33.34, 33.33.
    result = calc(period("2015-01-04", "2015-01-24", hours="40", pay="100", per="total"))
    assert [line.paid for line in result.lines] == [D("33.33"), D("33.34"), D("33.33")]
    assert result.paid_total == D("100.00")


# ---------------------------------------------------------------------------------------------
# Live-in domestic work, the gross-value measure, other losses


def test_live_in_work_is_flagged_and_computed_both_ways():
    # 10 weeks in 2015, 60 h, nothing paid: with overtime 10 x 507.50 = 5,075.00; without, 60 x 7.25 x 10 = 4,350.00.
    result = calc(period("2015-01-04", "2015-03-14", hours="60", live_in=True, work="housekeeping"))
    line = result.lines[0]
    assert (line.due, line.due_if_overtime_exempt) == (D("507.50"), D("435.00"))
    assert any("213(b)(21)" in flag for flag in line.flags)
    assert result.unpaid_total == D("5075.00")
    assert result.unpaid_total_if_overtime_exempt == D("4350.00")
    totals = {s.key: s.total for s in result.scenarios}
    assert totals == {"overtime": D("5075.00"), "overtime_liquidated": D("10150.00"),
                      "live_in_exempt": D("4350.00"), "live_in_exempt_liquidated": D("8700.00")}
    assert result.rules["live_in_domestic_overtime_exemption"].citation == "29 U.S.C. § 213(b)(21)"


def test_greater_of_gross_value_and_flsa_value_plus_other_losses():
    # FLSA value 4,575.00 (9,150.00 with liquidated damages); gross value to the defendant 6,000.00;
    # other losses 120.00 + 80.50 = 200.50. Without LD: 200.50 + 6,000.00; with LD: 200.50 + 9,150.00.
    expenses = [Expense("counseling sessions", D("120.00"), dt.date(2016, 2, 1)),
                Expense("bus ticket to shelter", D("80.50"), None)]
    result = calc(period("2015-01-04", "2015-03-14", hours="60", pay="50", per="week"), expenses=expenses,
                  gross_value_to_defendant=D("6000"))
    without, with_ld = result.scenarios
    assert (without.measure_used, without.total) == ("gross income or value to the defendant", D("6200.50"))
    assert (with_ld.measure_used, with_ld.total) == ("FLSA value", D("9350.50"))
    assert [(e.case_entry, e.date, e.amount) for e in result.expenses] == [
        ("losses.expenses[0]", dt.date(2016, 2, 1), D("120.00")), ("losses.expenses[1]", None, D("80.50"))]


def test_liquidated_damages_courts_come_from_sourced_data_and_others_stay_unknown():
    result = calc(period("2015-01-04", "2015-01-10"))
    by_court = {f.path.rsplit(".", 1)[1]: f for f in result.liquidated_damages_courts}
    assert by_court["fourth_circuit"].value is True
    assert by_court["fourth_circuit"].citation == "United States v. Edwards, No. 19-4903 (4th Cir. Apr. 21, 2021)"
    assert by_court["fourth_circuit"].source.publisher == "Justia"
    assert by_court["second_circuit"].value is None
    rows = wages.liquidated_damages_rows(result)
    assert rows[-1][:2] == ("every other court", "unknown (no data): the attorney chooses")


# ---------------------------------------------------------------------------------------------
# Unknown rates are never guessed


def test_weeks_past_the_checked_date_are_unknown_and_totals_say_incomplete():
    # The federal table is checked through 2026-02-06: the week of Jan 25 is known; the week of Feb 1 reaches past
    # that date, so it is unknown, like the week of Feb 8.
    result = calc(period("2026-01-25", "2026-02-14", hours="40"))
    assert [line.first_day for line in result.lines if line.known] == [dt.date(2026, 1, 25)]
    unknown = result.unknown_weeks
    assert len(unknown) == 2 and all(line.due is None and line.unpaid is None for line in unknown)
    assert "does not cover" in unknown[-1].unknown_reason
    assert not result.complete
    assert any("incomplete" in label for label, _ in wages.summary_rows(result))


def test_before_1978_the_coverage_schedule_must_be_chosen():
    assert not calc(period("1970-03-01", "1970-03-07", hours="40")).complete
    (line,) = calc(period("1970-03-01", "1970-03-07", hours="40"),
                   schedules={"US": "jobs_first_covered_by_1938_act"}).lines
    assert line.segments[0].value == D("1.60") and line.due == D("64.00")   # 40 x 1.60
    assert "choose a schedule" in calc(period("1970-03-01", "1970-03-07")).lines[0].unknown_reason


def test_state_rates_with_sources_and_unknown_where_the_rate_depends_on_the_employer():
    # 2015, 60 h, CA $9.00: 40 x 9 + 20 x 13.50 = 630.00; paid 50 -> 580.00.
    result = calc(period("2015-01-04", "2015-01-10", hours="60", pay="50", per="week"), states=("CA", "TX"))
    ca, tx = result.lines[0].states
    assert (ca.due, ca.unpaid) == (D("630.00"), D("580.00"))
    assert ca.segments[0].facts[0].citation == "Cal. Lab. Code § 1182.12"
    assert ca.segments[0].facts[0].tier == "secondary"
    assert [f.citation for f in tx.segments[0].facts] == ["Tex. Lab. Code § 62.051", "29 U.S.C. § 206(a)(1)(C)"]
    # 2018: the California rate depended on employer size.
    (line,) = calc(period("2018-01-07", "2018-01-13", hours="40"), states=("CA",)).lines
    assert line.states[0].due is None and "choose a schedule" in line.states[0].reason
    (line,) = calc(period("2018-01-07", "2018-01-13", hours="40"), states=("CA",),
                   schedules={"CA": "employers_26_or_more"}).lines
    assert line.states[0].due == D("440.00")   # 40 x 11.00
    assert wages.rate_on("ZZ", dt.date(2015, 1, 1)).reason == "no minimum wage table for ZZ"


def test_state_tables_record_agency_figures_and_leave_gaps_unknown():
    washington = wages.rate_on("WA", dt.date(2021, 6, 1))
    assert washington.value == D("13.69") and washington.facts[0].tier == "official"   # the agency's figure, not 13.96
    california = wages.rate_on("CA", dt.date(2025, 3, 1))
    assert california.value == D("16.50") and california.facts[0].tier == "official"
    assert wages.rate_on("CA", dt.date(2023, 6, 1)).value == D("15.50")
    assert wages.rate_on("CA", dt.date(2022, 6, 1)).value is None          # employer size decides: unknown until chosen
    assert wages.rate_on("WA", dt.date(2026, 12, 15)).value is None        # past the date last checked
    # New York after 2016-12-30 depends on the region: never silently the remainder-of-state rate.
    assert "choose a schedule" in wages.rate_on("NY", dt.date(2019, 6, 1)).reason
    assert wages.rate_on("NY", dt.date(2019, 6, 1), "remainder_of_state").value == D("11.10")
    assert wages.rate_on("NY", dt.date(2019, 6, 1), "new_york_city_employers_10_or_fewer").value == D("13.50")
    long_island = wages.rate_on("NY", dt.date(2024, 3, 1), "long_island_and_westchester")
    assert long_island.value == D("16.00") and long_island.facts[0].tier == "official"
    assert wages.rate_on("NY", dt.date(2026, 12, 15), "remainder_of_state").value is None


# ---------------------------------------------------------------------------------------------
# Exports


def test_csv_reads_back_with_every_line_traceable():
    result = calc(period("2015-01-04", "2015-01-17", hours="60", pay="50", per="week"),
                  expenses=[Expense("=HYPERLINK(\"http://example.invalid\")", D("12.00"), dt.date(2016, 1, 5))],
                  states=("NY",))
    rows = list(csv.reader(io.StringIO(wages.to_csv(result))))
    assert rows[0] == ["Workweeks"]
    header = rows[1]
    first = dict(zip(header, rows[2]))
    assert first["case_file_entry"] == "losses.work_periods[0]"
    assert (first["due"], first["paid"], first["unpaid"], first["liquidated_damages"]) == ("507.50", "50.00", "457.50", "457.50")
    assert first["rate_citation"] == "29 U.S.C. § 206(a)(1)(C)" and first["rate_tier"] == "copy"
    assert first["rate_fact"] == "US:wages.schedules.all_covered.rates[10]"
    assert first["NY_minimum_wage"] == "8.75" and first["NY_due"] == "612.50"   # 40 x 8.75 + 20 x 13.125
    expense = rows[rows.index(["case_file_entry", "description", "date", "amount"]) + 1]
    assert expense == ["losses.expenses[0]", "'=HYPERLINK(\"http://example.invalid\")", "2016-01-05", "12.00"]
    summary = {row[0]: row[1] for row in rows if len(row) == 2}
    assert summary["Unpaid minimum wages and overtime (b)"] == "915.00"
    assert summary["FLSA value with liquidated damages"] == "1830.00"
    assert ["Method"] in rows


def test_xlsx_reads_back_with_text_kept_as_text(tmp_path):
    result = calc(period("2015-01-04", "2015-01-10", hours="60", pay="50", per="week", work="=1+1"),
                  expenses=[Expense("medical visit", D("75.25"), dt.date(2016, 3, 1))])
    path = wages.to_xlsx(result, tmp_path / "worksheet.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Workweeks", "Other losses", "Summary", "Liquidated damages", "Method"]
    weeks = book["Workweeks"]
    header = [c.value for c in weeks[1]]
    row = dict(zip(header, [c.value for c in weeks[2]]))
    assert row["work"] == "=1+1" and weeks.cell(row=2, column=header.index("work") + 1).data_type == "s"
    assert D(str(row["unpaid"])) == D("457.50") and D(str(row["due"])) == D("507.50")
    other = [[c.value for c in r] for r in book["Other losses"].iter_rows()]
    assert other[1][:3] == ["losses.expenses[0]", "medical visit", "2016-03-01"] and D(str(other[1][3])) == D("75.25")
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows(min_row=2)}
    assert D(str(summary["Other losses"])) == D("75.25")
    assert not list(tmp_path.glob(".*partial"))


def test_render_text_states_method_and_sources():
    text = wages.render_text(calc(period("2008-07-20", "2008-07-26", hours="60", pay="0")))
    assert "due $430.50" in text and "5.85 x 4 day(s); 6.55 x 3 day(s)" in text
    assert "29 U.S.C. § 206(a)(1)(A)" in text and "rounded once to the cent" in text
    assert "Fourth Circuit: includes them" in text and "Eastern District of New York" in text
    assert "unknown (no data)" in text


# ---------------------------------------------------------------------------------------------
# Bad input: every problem named by field


@pytest.mark.parametrize("bad, message", [
    (dict(hours="-1"), "losses.work_periods[0].hours_per_week: must be at least 0"),
    (dict(hours="168.5"), "losses.work_periods[0].hours_per_week: must be at most 168"),
    (dict(end="2014-12-31"), "losses.work_periods[0].end: is before the start"),
    (dict(pay="50", per=None), "losses.work_periods[0].pay_received_per: required when pay was received (week or total)"),
    (dict(pay="50", per="month"), "losses.work_periods[0].pay_received_per: must be one of: week, total"),
    (dict(pay=None), "losses.work_periods[0].pay_received: required to compute unpaid wages (enter 0 if nothing was paid)"),
    (dict(hours=None), "losses.work_periods[0].hours_per_week: required to compute wages"),
    (dict(pay="-5", per="week"), "losses.work_periods[0].pay_received: must be at least 0"),
])
def test_bad_work_period_is_rejected_with_the_field_named(bad, message):
    args = {"start": "2015-01-04", "end": "2015-01-10", "hours": "40", "pay": "0", "per": None}
    args.update(bad)
    with pytest.raises(CaseFileError) as caught:
        calc(period(args["start"], args["end"], hours=args["hours"], pay=args["pay"], per=args["per"]))
    assert caught.value.problems == [message]


def test_bad_expense_and_gross_value_are_named_too():
    with pytest.raises(CaseFileError) as caught:
        calc(period("2015-01-04", "2015-01-10"), expenses=[Expense("rent", D("-1.00"))], gross_value_to_defendant=D("-2"))
    assert caught.value.problems == ["losses.expenses[0].amount: must be at least 0",
                                     "gross_value_to_defendant: must be at least 0"]


def test_unknown_schedule_and_workweek_are_named():
    with pytest.raises(CaseFileError) as caught:
        calc(period("2015-01-04", "2015-01-10"), schedules={"CA": "big_employers"}, week_starts_on=7)
    assert caught.value.problems == [
        "week_starts_on: must be 0 (Monday) to 6 (Sunday)",
        "schedules.CA: no wage schedule by that name (choose one of: all_employers, employers_26_or_more, "
        "employers_25_or_fewer, all_employers_from_2023)"]


def test_a_case_file_flows_into_the_calculator():
    data = minimal_case()
    data["losses"] = {"work_periods": [{"start": "2015-01-04", "end": "2015-03-14", "hours_per_week": "60",
                                        "pay_received": "50", "pay_received_per": "week"},
                                       {"start": "2015-04-01", "end": "2015-04-02", "hours_per_week": "200"}]}
    case = parse_case(data)
    with pytest.raises(CaseFileError) as caught:
        wages.calculate(case.losses)
    assert caught.value.problems == ["losses.work_periods[1].hours_per_week: must be at most 168",
                                     "losses.work_periods[1].pay_received: required to compute unpaid wages (enter 0 if nothing was paid)"]
    del data["losses"]["work_periods"][1]
    assert wages.calculate(parse_case(data).losses).unpaid_total == D("4575.00")


# ---------------------------------------------------------------------------------------------
# The wage tables


def test_every_wage_table_matches_its_schema_and_rules():
    for path in sorted(wages.WAGES_DIR.glob("*.yml")):
        data = read_yaml(path.read_text(encoding="utf-8"))
        assert wages.wage_table_problems(data, path.name) == [], path.name
    tables = wages.load_wage_tables()
    assert {"US", "CA", "NY", "TX", "FL", "WA", "IL"} <= set(tables)
    for table in tables.values():
        for schedule in table.schedules.values():
            for fact in schedule.rates:
                assert fact.effective is not None and fact.as_of == dt.date(2026, 11, 30)
                assert fact.tier == "none" or fact.source is not None
                if fact.citation:
                    assert "http" not in fact.citation and "per " not in fact.citation


def test_the_federal_history_is_complete_from_1978():
    federal = wages.load_wage_tables()["US"].schedules["all_covered"]
    assert [(str(f.effective), f.value) for f in federal.rates] == [
        ("1978-01-01", "2.65"), ("1979-01-01", "2.90"), ("1980-01-01", "3.10"), ("1981-01-01", "3.35"),
        ("1990-04-01", "3.80"), ("1991-04-01", "4.25"), ("1996-10-01", "4.75"), ("1997-09-01", "5.15"),
        ("2007-07-24", "5.85"), ("2008-07-24", "6.55"), ("2009-07-24", "7.25")]
    assert wages.rate_on("US", dt.date(2008, 7, 23)).value == D("5.85")
    assert wages.rate_on("US", dt.date(2008, 7, 24)).value == D("6.55")
    first = wages.load_wage_tables()["US"].schedules["jobs_first_covered_by_1938_act"].rates[0]
    assert (first.effective, first.value, first.tier) == (dt.date(1938, 10, 24), "0.25", "official")


def test_schema_catches_a_broken_table():
    data = read_yaml((wages.WAGES_DIR / "WA.yml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["schedules"]["statewide"]["rates"][0]["value"] = 7.25          # a float, not a decimal string
    broken["schedules"]["statewide"]["rates"][2]["source"] = None          # no source but tier secondary
    problems = wages.wage_table_problems(broken, "WA.yml")
    assert any("rates.0.value" in p for p in problems)
    assert any("rates.2" in p for p in problems)
    swapped = copy.deepcopy(data)
    rates = swapped["schedules"]["statewide"]["rates"]
    rates[0], rates[1] = rates[1], rates[0]
    assert wages.wage_table_problems(swapped, "WA.yml") == [
        "WA.yml: schedules.statewide.rates: effective dates must be increasing and distinct",
        "WA.yml: schedules.statewide.known_from: no rate is in force on that date"]
    assert wages.wage_table_problems(data, "CA.yml") == ["CA.yml: code WA belongs in WA.yml"]


def test_wage_facts_follow_the_jurisdiction_fact_model():
    # The wage schema carries its own copy of the Fact node definitions; they must not drift apart.
    from docassemble.traffickingrelief.jurisdictions import Fact
    from docassemble.traffickingrelief.resources import load_schema

    jurisdiction, wage = load_schema("jurisdiction.schema.json")["$defs"], load_schema(wages.SCHEMA_NAME)["$defs"]
    assert {k: wage[k] for k in ("fact_base", "source", "date")} == {k: jurisdiction[k] for k in ("fact_base", "source", "date")}
    rate = wages.rate_on("US", dt.date(2015, 1, 1)).facts[0]
    assert isinstance(rate, Fact) and rate.settled and rate.as_dict()["tier"] == "copy"
