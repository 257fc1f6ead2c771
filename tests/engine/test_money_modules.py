"""Tier 2: the restitution and compensation modules through docassemble's engine, to the download.

An advocate's fictional case: a New York conviction (the base path) plus money the trafficker owes. Two
work periods and two costs, a federal case against the trafficker, the crime in Colorado. Figures worked
by hand (federal minimum wage $7.25 all of 2015; workweeks Sunday to Saturday):

- Work 1, Sun 2015-01-04 .. Sat 2015-03-14: 10 full weeks, 60 hours, paid $50 a week:
  40 x 7.25 + 20 x 10.875 = $507.50 due a week, $457.50 unpaid a week, $4,575.00 in all.
- Work 2, Sun 2015-03-15 .. Sat 2015-03-28: 2 weeks, 40 hours, paid nothing: 2 x $290.00 = $580.00.
- Unpaid $5,155.00; with liquidated damages (doubled) $10,310.00.
- Costs: counseling $300.00 (with a bill), moving $934.56 (no receipt): $1,234.56.
- Restitution asked: $6,389.56 without liquidated damages, $11,544.56 with them.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from test_traffickingrelief_interview import (STATUTES, base_answers, as_date, case_data, docx_text, drafts,  # noqa: E402
                                               walk)

MONEY = {
    "user_role": "advocate",
    "restitution_wanted": "yes", "restitution_work_choice": "yes",
    "restitution_work[0].work": "kitchen work", "restitution_work[0].start": "2015-01-04",
    "restitution_work[0].end": "2015-03-14", "restitution_work[0].hours_per_week": 60.0,
    "restitution_work[0].pay_received": 50.0, "restitution_work[0].pay_per": "week",
    "restitution_work[0].live_in_choice": "no",
    "restitution_work[1].work": "cleaning", "restitution_work[1].start": "2015-03-15",
    "restitution_work[1].end": "2015-03-28", "restitution_work[1].hours_per_week": 40.0,
    "restitution_work[1].pay_received": 0.0, "restitution_work[1].live_in_choice": "no",
    "restitution_earnings_choice": "no", "restitution_costs_choice": "yes",
    "restitution_costs[0].category": "counseling", "restitution_costs[0].description": "Counseling sessions",
    "restitution_costs[0].amount": 300.0, "restitution_costs[0].date": "2016-02-01",
    "restitution_costs[0].receipt_choice": "yes", "restitution_costs[0].receipt": "bill from the clinic",
    "restitution_costs[1].category": "relocation", "restitution_costs[1].amount": 934.56,
    "restitution_costs[1].date": "2015-04-01", "restitution_costs[1].receipt_choice": "no",
    "restitution_case_choice": "federal",
    "restitution_case.court": "United States District Court for the Example District",
    "restitution_case.case_number": "1:26-cr-00042", "restitution_case.defendant": "Sam Invented",
    "restitution_case.prosecutor_office": "United States Attorney's Office for the Example District",
    "restitution_crime_state": "CO",
    "restitution_case_details_done": True, "restitution_crime_state_done": True,  # their continue buttons
}
DATES = ("restitution_work[0].start", "restitution_work[0].end", "restitution_work[1].start",
         "restitution_work[1].end", "restitution_costs[0].date", "restitution_costs[1].date")


def money_answers(**overrides) -> dict:
    answers = base_answers("NY", **{"records[i].statute": STATUTES["NY"]}, **MONEY)
    for name in DATES:
        answers[name] = as_date(answers[name])
    answers.update(overrides)
    return answers


def walk_money(answers: dict, tmp_path: Path, **kwargs):
    more = {"restitution_work": iter([True, False]), "restitution_costs": iter([True, False])}
    from test_traffickingrelief_interview import checkbox_answers

    cb = checkbox_answers({"conviction_states": ["NY"], "records[i].offence_categories": ["prostitution"],
                           "trafficking.documents": [], "tr_other_states": []})

    def on_question(variable, question, user_dict):
        for name, answers_left in more.items():
            if variable == f"{name}.there_is_another":
                return next(answers_left)
        return cb(variable, question, user_dict)

    import harness

    return harness.run_interview("traffickingrelief.yml", answers, on_question=on_question, out_dir=tmp_path, **kwargs)


def test_the_money_screens_come_after_the_records_and_show_the_cores_figures(tmp_path):
    run = walk_money(money_answers(), tmp_path, stop_at={"compensation_screening"})
    seen = run.visited
    assert "record_relief_screening" not in seen
    # the families run in the registry's order (compensation, record relief, restitution), and the claim to
    # the fund needs the losses first: the money questions follow the records, before the records' screening
    assert seen.index("records_another") < seen.index("restitution_gate")
    assert seen[seen.index("restitution_gate"):] == [
        "restitution_gate", "restitution_work_choice", "restitution_work_item", "restitution_work_another",
        "restitution_work_item", "restitution_work_another", "restitution_earnings_choice", "restitution_costs_choice",
        "restitution_cost_item", "restitution_cost_another", "restitution_cost_item", "restitution_cost_another",
        "restitution_case_choice", "restitution_case_details", "restitution_crime_state", "restitution_screening",
        "compensation_screening"]
    from docassemble.traffickingrelief.families.restitution.interview import calculation_summary

    summary = calculation_summary(case_data(run))  # what the screen shows (its block is recomputed per screen)
    assert summary["problems"] == [] and summary["weeks"] == "12"
    assert [(p["weeks"], p["unpaid"]) for p in summary["periods"]] == [("10", "$4,575.00"), ("2", "$580.00")]
    assert (summary["unpaid"], summary["unpaid_doubled"]) == ("$5,155.00", "$10,310.00")
    assert (summary["costs"], summary["total_plain"], summary["total_doubled"]) == ("$1,234.56", "$6,389.56",
                                                                                  "$11,544.56")


def test_the_restitution_screen_words_the_figures(tmp_path):
    run = walk_money(money_answers(), tmp_path, stop_at={"restitution_screening"})
    text = run.status.subquestion_text
    assert "Money you were not paid: &#36;5,155.00" in text
    assert "Work 1: 10 weeks" in text and "Not paid: &#36;4,575.00" in text
    assert "&#36;6,389.56" in text and "&#36;11,544.56" in text
    assert "We can make a draft letter that asks the prosecutor for this money." in text
    assert run.value("esc('18 U.S.C. § 1593')") in text


def test_the_drafts_reach_the_download_with_the_hand_worked_figures(tmp_path):
    run = walk_money(money_answers(), tmp_path)
    assert run.question_id == "download_drafts"
    data = case_data(run)
    losses = data["losses"]
    assert [p["hours_per_week"] for p in losses["work_periods"]] == ["60", "40"]
    assert losses["work_periods"][0]["pay_received_per"] == "week" and "pay_received_per" not in losses["work_periods"][1]
    assert [e["amount"] for e in losses["expenses"]] == ["300", "934.56"]
    assert losses["expenses"][1]["description"] == "Moving to a safe place" and "receipt" not in losses["expenses"][1]
    assert losses["prosecution"]["jurisdiction"] == "US" and losses["crime_jurisdiction"] == "CO"
    files = drafts(run)
    letter = docx_text(files["US-restitution-request-letter.docx"])
    assert "The unpaid minimum wages and overtime come to $5,155.00." in letter
    assert "With liquidated damages (an equal additional amount) they come to $10,310.00." in letter
    assert "we ask for $6,389.56 without liquidated damages, or $11,544.56 with them" in letter
    assert "Sam Invented" in letter and "1:26-cr-00042" in letter and "18 U.S.C. § 1593" in letter
    worksheet = docx_text(files["US-restitution-worksheet.docx"])
    assert worksheet.count("$457.50") == 10 and worksheet.count("$290.00") >= 2
    assert "bill from the clinic" in worksheet
    rows = list(csv.reader(io.StringIO(files["restitution-worksheet.csv"].read_text(encoding="utf-8"))))
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    assert summary["Unpaid minimum wages and overtime (b)"] == "5155.00"
    assert summary["FLSA value with liquidated damages"] == "10310.00"
    cover = docx_text(files["CO-compensation-cover-letter.docx"])
    assert "Rowan Fictional" in cover and "$1,234.56" in cover
    schedule = docx_text(files["CO-compensation-expense-schedule.docx"])
    assert "$300.00" in schedule and "$934.56" in schedule and "Total: $1,234.56" in schedule
    assert "NY-1-notice-of-motion.docx" in files  # the record relief papers are still made
    screen = run.status.subquestion_text
    assert "Letter asking for money from the trafficker" in screen
    assert "Letter to the state&#39;s fund for crime victims" in screen or "Letter to the state's fund" in screen


def test_no_money_asked_means_no_money_papers(tmp_path):
    run = walk_money(money_answers(restitution_wanted="no"), tmp_path)
    assert run.question_id == "download_drafts"
    assert "restitution_work_choice" not in run.visited and "compensation_screening" not in run.visited
    assert "losses" not in case_data(run)
    assert not any("restitution" in name or "compensation" in name for name in drafts(run))


def test_without_a_criminal_case_the_count_is_shown_and_the_fund_letter_is_still_made(tmp_path):
    run = walk_money(money_answers(restitution_case_choice="not_sure"), tmp_path, stop_at={"restitution_screening"})
    assert "restitution_case_details" not in run.visited
    text = run.status.subquestion_text
    assert "We cannot make the letter yet. It needs a criminal case against the trafficker." in text
    assert "Money you were not paid: &#36;5,155.00" in text
    run = walk_money(money_answers(restitution_case_choice="not_sure"), tmp_path / "end")
    files = drafts(run)
    assert "CO-compensation-cover-letter.docx" in files
    assert not any(name.startswith("US-restitution") for name in files)
    # the download screen says why there is no letter, without record-relief words or an empty place name
    screen = run.status.subquestion_text
    assert "**Money from the trafficker**:" in screen
    assert "not yet: a fact is missing. The first check said which one." in screen
    assert "this law does not allow it" not in screen


def test_spanish_money_screens(tmp_path):
    run = walk_money(money_answers(interview_language="es"), tmp_path, stop_at={"restitution_gate"})
    assert run.status.question_text.strip() == (
        "¿Quiere pedir dinero por trabajo que no le pagaron o por gastos que le causó el delito?")
    run = walk_money(money_answers(interview_language="es"), tmp_path / "sum", stop_at={"restitution_screening"})
    assert "Dinero que no le pagaron: &#36;5,155.00" in run.status.subquestion_text
    run = walk_money(money_answers(interview_language="es"), tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert "US-restitution-request-letter.docx" in drafts(run)


def test_an_uploaded_case_file_with_losses_goes_through_whole(tmp_path):
    """The upload's losses are shown on the count screen, not asked again, and come back out unchanged."""
    import copy
    import json

    from test_traffickingrelief_interview import EXAMPLE, _upload

    from docassemble.traffickingrelief.resources import read_yaml

    data = read_yaml(EXAMPLE.read_text(encoding="utf-8"))
    data["losses"] = {
        "prosecution": {"jurisdiction": "US", "case_number": "1:26-cr-00042", "defendant": "Sam Invented"},
        "crime_jurisdiction": "CO",
        "work_periods": [{"start": "2015-01-04", "end": "2015-03-14", "hours_per_week": "60", "pay_received": "50",
                          "pay_received_per": "week"}],
        "expenses": [{"description": "Counseling sessions", "amount": "300.00", "category": "counseling"}],
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "attorney",
               "start_mode": "upload_case_file"}
    import harness

    run = harness.run_interview("traffickingrelief.yml", answers, on_question=_upload(path, "case.json"),
                                out_dir=tmp_path / "out")
    assert run.question_id == "download_drafts"
    assert "restitution_gate" not in run.visited and "restitution_work_item" not in run.visited
    assert "restitution_screening" in run.visited and "compensation_screening" in run.visited
    assert case_data(run)["losses"] == copy.deepcopy(data["losses"])
    letter = docx_text(drafts(run)["US-restitution-request-letter.docx"])
    assert "The unpaid minimum wages and overtime come to $4,575.00." in letter


def test_an_uploaded_case_file_without_losses_is_not_asked_about_money(tmp_path):
    from test_traffickingrelief_interview import EXAMPLE, _upload

    import harness

    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "attorney",
               "start_mode": "upload_case_file"}
    run = harness.run_interview("traffickingrelief.yml", answers, on_question=_upload(EXAMPLE, "example_case.yml"),
                                out_dir=tmp_path)
    assert run.question_id == "download_drafts"
    assert not {"restitution_gate", "restitution_screening", "compensation_screening"} & set(run.visited)
