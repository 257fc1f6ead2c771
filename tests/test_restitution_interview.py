"""The restitution interview module's Python: answers -> the case file's losses, the field checks the
screens show, and the calculation screen's figures (the core's, formatted). Every person is fictional.

Hand-worked (federal $7.25 in 2015, workweeks Sunday to Saturday): 10 weeks of 60 hours paid $50 a week
leave $457.50 unpaid a week, $4,575.00 in all; 2 weeks of 40 hours unpaid add $580.00: $5,155.00, doubled
$10,310.00; with $1,234.56 of costs, $6,389.56 and $11,544.56.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as Obj

from docassemble.traffickingrelief.families.restitution.interview import (calculation_summary, case_has_losses,
                                                                          cost_problem, crime_state_choices,
                                                                          losses_section, restitution_screening,
                                                                          work_period_problem)
from docassemble.traffickingrelief.facts import parse_case


class Items:
    """A DAList stand-in: its items in ``elements``."""

    def __init__(self, *items):
        self.elements = list(items)


def period(n, start, end, hours, pay, per=None, **more):
    return Obj(instanceName=f"restitution_work[{n}]", start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end),
               hours_per_week=hours, pay_received=pay, pay_per=per, complete=True, **more)


WORK = Items(period(0, "2015-01-04", "2015-03-14", 60.0, 50.0, "week", work="kitchen work", live_in_choice="no"),
             period(1, "2015-03-15", "2015-03-28", 40.0, 0.0))
COSTS = Items(Obj(instanceName="restitution_costs[0]", category="counseling", description="Counseling sessions",
                  amount=300.0, date=dt.date(2016, 2, 1), receipt_choice="yes", receipt="", complete=True),
              Obj(instanceName="restitution_costs[1]", category="relocation", amount=934.56, receipt_choice="no",
                  complete=True))


def answers(**changes) -> dict:
    base = dict(wanted="yes", work_choice="yes", work=WORK, earnings_choice="no", costs_choice="yes", costs=COSTS,
                case_choice="federal", case=Obj(court="United States District Court for the Example District",
                                                case_number="1:26-cr-00042", defendant="Sam Invented"),
                crime_state="CO")
    base.update(changes)
    return base


def case_file(section: dict) -> dict:
    return {"case_file_version": 1, "client": {"legal_name": "Rowan Fictional"},
            "preparer": {"name": "Casey Advocate", "role": "advocate"}, **section}


def test_answers_become_the_losses_section_the_schema_reads():
    losses = losses_section(**answers())["losses"]
    assert losses["work_periods"] == [
        {"start": "2015-01-04", "end": "2015-03-14", "work": "kitchen work", "hours_per_week": "60",
         "pay_received": "50", "pay_received_per": "week", "live_in": False},
        {"start": "2015-03-15", "end": "2015-03-28", "hours_per_week": "40", "pay_received": "0", "live_in": False}]
    assert losses["expenses"] == [
        {"description": "Counseling sessions", "amount": "300", "date": "2016-02-01", "category": "counseling",
         "receipt": "receipt or bill kept by the client"},
        {"description": "Moving to a safe place", "amount": "934.56", "category": "relocation"}]
    assert losses["prosecution"] == {"jurisdiction": "US", "court": "United States District Court for the Example District",
                                     "case_number": "1:26-cr-00042", "defendant": "Sam Invented"}
    assert losses["crime_jurisdiction"] == "CO"
    parse_case(case_file({"losses": losses}))  # valid against the schema


def test_nothing_answered_or_no_money_wanted_gives_no_section():
    assert losses_section() == {}
    assert losses_section(**answers(wanted="no")) == {}
    unfinished = Items(Obj(instanceName="restitution_work[0]", start=dt.date(2015, 1, 4)))
    assert losses_section(**answers(work=unfinished, costs_choice="no", case_choice="no", crime_state=None)) == {}


def test_a_state_case_and_the_traffickers_earnings():
    losses = losses_section(**answers(case_choice="state", case=Obj(state="NY", case_number="IND-1"),
                                      earnings_choice="yes", earnings=Obj(amount=20000.0, basis="what customers paid")))["losses"]
    assert losses["prosecution"] == {"jurisdiction": "NY", "case_number": "IND-1"}
    assert losses["gross_value_to_defendant"] == {"amount": "20000", "basis": "what customers paid"}
    assert "prosecution" not in losses_section(**answers(case_choice="not_sure"))["losses"]


def test_each_bad_answer_is_named_by_its_field():
    assert work_period_problem(WORK) is None and cost_problem(COSTS) is None
    assert work_period_problem(Items(period(0, "2015-01-04", "2015-01-10", -1, 0))) == \
        ("restitution_work[0].hours_per_week", "hours_negative")
    assert work_period_problem(Items(period(0, "2015-01-04", "2015-01-10", 169, 0))) == \
        ("restitution_work[0].hours_per_week", "hours_too_many")
    assert work_period_problem(Items(period(0, "2015-01-04", "2015-01-10", 168, 0))) is None
    assert work_period_problem(Items(WORK.elements[0], period(1, "2015-03-10", "2015-03-01", 40, 0))) == \
        ("restitution_work[1].end", "end_before_start")
    assert work_period_problem(Items(period(0, "2015-01-04", "2015-01-10", 40, -5))) == \
        ("restitution_work[0].pay_received", "pay_negative")
    assert work_period_problem(Items(period(0, "2015-01-04", "2015-01-10", 40, 100))) == \
        ("restitution_work[0].pay_per", "pay_per_missing")
    assert cost_problem(Items(Obj(instanceName="restitution_costs[0]", amount=-3))) == \
        ("restitution_costs[0].amount", "amount_negative")


def test_the_calculation_screen_shows_the_cores_hand_worked_figures():
    summary = calculation_summary(case_file(losses_section(**answers())))
    assert summary["problems"] == [] and summary["weeks"] == "12"
    assert summary["periods"] == [
        {"number": "1", "weeks": "10", "due": "$5,075.00", "paid": "$500.00", "unpaid": "$4,575.00"},
        {"number": "2", "weeks": "2", "due": "$580.00", "paid": "$0.00", "unpaid": "$580.00"}]
    assert (summary["unpaid"], summary["unpaid_doubled"], summary["costs"]) == ("$5,155.00", "$10,310.00", "$1,234.56")
    assert (summary["total_plain"], summary["total_doubled"]) == ("$6,389.56", "$11,544.56")
    assert not summary["incomplete"] and not summary["live_in"] and not summary["uses_gross"]


def test_bad_losses_come_back_as_field_named_problems_not_figures():
    data = case_file(losses_section(**answers()))
    data["losses"]["work_periods"][0]["end"] = "2014-01-01"
    assert calculation_summary(data)["problems"] == ["losses.work_periods[0].end: is before the start"]


def test_the_screening_rows_say_whether_the_letter_can_be_drafted():
    [row] = restitution_screening(case_file(losses_section(**answers())))
    assert row["draftable"] and row["jurisdiction"] == "US" and row["verdict"] in ("ready", "lawyer_check")
    assert any(r["citation"] == "18 U.S.C. § 1593" for r in row["reasons"])
    [row] = restitution_screening(case_file(losses_section(**answers(case_choice="not_sure"))))
    assert not row["draftable"] and row["verdict"] == "needs_answer"
    assert restitution_screening(case_file({})) == []


def test_crime_states_are_states_not_federal_and_uploads_with_losses_are_recognised():
    codes = [code for choice in crime_state_choices() for code in choice]
    assert "US" not in codes and "CO" in codes and len(codes) == 51
    assert case_has_losses({"losses": {"expenses": [{"description": "x", "amount": "1"}]}})
    assert not case_has_losses({}) and not case_has_losses(None)
