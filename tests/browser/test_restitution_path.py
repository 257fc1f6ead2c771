"""The money path on the real server: an advocate enters two work periods and two costs, sees the count,
makes the papers, downloads the restitution request (DOCX) and the worksheet (CSV), and checks the amounts
against figures worked by hand. Bad entries (169 hours a week, an end before the start) are refused on the
screen with a message naming the field. Every person and case here is fictional.

Hand-worked (federal minimum wage $7.25 all of 2015; workweeks Sunday to Saturday):
- Work 1, Sun 2015-01-04 .. Sat 2015-03-14: 10 weeks of 60 hours, paid $50 a week:
  40 x 7.25 + 20 x 10.875 = $507.50 due, $457.50 unpaid a week: $4,575.00.
- Work 2, Sun 2015-03-15 .. Sat 2015-03-28: 2 weeks of 40 hours, unpaid: 2 x $290.00 = $580.00.
- Unpaid $5,155.00; doubled (liquidated damages) $10,310.00. Costs $300.00 + $934.56 = $1,234.56.
- Asked for: $6,389.56 without liquidated damages, $11,544.56 with them.
"""
from __future__ import annotations

import csv
import io

import pytest

from helpers import CONTINUE, Interview, document_text, squash
from paths import DOWNLOAD_ID, NY_CASE, Case, walk
from test_accessibility import BLOCKING, axe_violations
from test_paths import assert_no_client_data_in_names, by_name

WORK = [
    {"restitution_work[i].work": "kitchen work", "restitution_work[i].start": "2015-01-04",
     "restitution_work[i].end": "2015-03-14", "restitution_work[i].hours_per_week": "60",
     "restitution_work[i].pay_received": "50", "restitution_work[i].pay_per": "week",
     "restitution_work[i].live_in_choice": "no"},
    {"restitution_work[i].work": "cleaning", "restitution_work[i].start": "2015-03-15",
     "restitution_work[i].end": "2015-03-28", "restitution_work[i].hours_per_week": "40",
     "restitution_work[i].pay_received": "0", "restitution_work[i].live_in_choice": "no"},
]
COSTS = [
    {"restitution_costs[i].category": "counseling", "restitution_costs[i].description": "Counseling sessions",
     "restitution_costs[i].amount": "300", "restitution_costs[i].date": "2016-02-01",
     "restitution_costs[i].receipt_choice": "yes", "restitution_costs[i].receipt": "bill from the clinic"},
    {"restitution_costs[i].category": "relocation", "restitution_costs[i].amount": "934.56",
     "restitution_costs[i].date": "2015-04-01", "restitution_costs[i].receipt_choice": "no"},
]


def _items(answers: list[dict], seen: dict, name: str, bad: list[tuple[dict, str]] = ()):
    """A plan step for a list item screen: first the refused entries (each must show its message on the
    screen), then the good answers for the next item."""
    def step(it: Interview) -> None:
        n = seen.setdefault(name, 0)
        if n == 0:
            for change, message in bad:
                it.answer({**answers[0], **change})
                it.click(CONTINUE)
                assert it.question_id() == f"{name}_item", "a bad entry was accepted"
                errors = " ".join(it.errors()) or squash(it.main_text())
                assert message in errors, (message, errors)
                seen.setdefault("refused", []).append(message)
        it.next(answers[n])
        seen[name] = n + 1
    return step


def _another(seen: dict, name: str, total: int):
    def step(it: Interview) -> None:
        it.click("True" if seen.get(name, 0) < total else "False")
    return step


# What the screens must say, in each language (the figures are the core's, the same in both).
TEXT = {
    "en": {
        "too_many": "Hours of work in a usual week: a week has only 168 hours. Write 168 or less.",
        "end_before": "Last day of this work: it cannot be before the first day.",
        "count": ["Money you were not paid: $5,155.00", "Work 1: 10 weeks.", "Not paid: $4,575.00", "Work 2: 2 weeks.",
                  "Not paid: $580.00", "it is $10,310.00", "$1,234.56 (2 costs)",
                  "$6,389.56, or $11,544.56 if the same amount is added again",
                  "We can make a draft letter that asks the prosecutor for this money."],
        "download": ["Letter asking for money from the trafficker", "fund for crime victims"],
    },
    "es": {
        "too_many": "Horas de trabajo en una semana normal: una semana tiene solo 168 horas. Escriba 168 o menos.",
        "end_before": "Último día de este trabajo: no puede ser antes del primer día.",
        "count": ["Dinero que no le pagaron: $5,155.00", "Trabajo 1: 10 semanas.", "No pagado: $4,575.00",
                  "Trabajo 2: 2 semanas.", "No pagado: $580.00", "es $10,310.00", "$1,234.56 (2 gastos)",
                  "$6,389.56, o $11,544.56 si se suma la misma cantidad otra vez",
                  "Podemos preparar un borrador de carta que le pide este dinero al fiscal."],
        "download": ["Carta que pide dinero al tratante", "Carta al fondo del estado para víctimas de delitos"],
    },
}
MONEY_SCREENS = ("restitution_gate", "restitution_work_choice", "restitution_work_item", "restitution_earnings_choice",
                 "restitution_costs_choice", "restitution_cost_item", "restitution_case_choice",
                 "restitution_case_details", "restitution_crime_state", "restitution_screening",
                 "compensation_screening")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_money_path_to_the_restitution_request(server_url, page, tmp_path, lang):
    text = TEXT[lang]
    seen: dict = {}
    screens: dict[str, str] = {}
    inaccessible: dict[str, list] = {}

    def check(it: Interview, qid: str) -> None:
        if qid in ("restitution_screening", "compensation_screening"):
            screens[qid] = squash(it.main_text())
        if qid in MONEY_SCREENS:  # axe-core, with the "for the lawyer" parts opened
            bad = [v for v in axe_violations(it.page) if v["impact"] in BLOCKING]
            if bad:
                inaccessible[qid] = bad

    case = Case(**{**NY_CASE.__dict__, "name": "Rowan Fictional", "extra": {
        "user_role": {"user_role": "advocate"},
        "restitution_gate": {"restitution_wanted": "yes"},
        "restitution_work_choice": {"restitution_work_choice": "yes"},
        "restitution_work_item": _items(WORK, seen, "restitution_work", bad=[
            ({"restitution_work[i].hours_per_week": "169"}, text["too_many"]),
            ({"restitution_work[i].end": "2014-12-31"}, text["end_before"]),
        ]),
        "restitution_work_another": _another(seen, "restitution_work", len(WORK)),
        "restitution_earnings_choice": {"restitution_earnings_choice": "no"},
        "restitution_costs_choice": {"restitution_costs_choice": "yes"},
        "restitution_cost_item": _items(COSTS, seen, "restitution_costs"),
        "restitution_cost_another": _another(seen, "restitution_costs", len(COSTS)),
        "restitution_case_choice": {"restitution_case_choice": "federal"},
        "restitution_case_details": {
            "restitution_case.court": "United States District Court for the Example District",
            "restitution_case.case_number": "1:26-cr-00042", "restitution_case.defendant": "Sam Invented",
            "restitution_case.prosecutor_office": "United States Attorney's Office for the Example District"},
        "restitution_crime_state": {"restitution_crime_state": "Colorado"},
        "restitution_screening": CONTINUE,
        "compensation_screening": CONTINUE,
        "records_intro": CONTINUE,
        "trafficking_intro": CONTINUE,
    }})
    it = Interview(page, server_url)
    it.start(lang="es" if lang == "es" else None)
    walk(it, case, on_screen=check)
    it.expect_question(DOWNLOAD_ID)
    assert len(seen.get("refused", [])) == 2, seen
    assert not inaccessible, inaccessible

    count = screens["restitution_screening"]
    for fragment in text["count"]:
        assert fragment in count, (fragment, count)
    assert "Colorado" in screens["compensation_screening"], screens["compensation_screening"]

    it.assert_text(*text["download"])  # (English shows a curly apostrophe in "state's")
    files = it.download_all(tmp_path)
    assert_no_client_data_in_names(files, case)
    letter = squash(document_text(by_name(files, "US-restitution-request-letter.docx").path))
    for fragment in ("The unpaid minimum wages and overtime come to $5,155.00.",
                     "With liquidated damages (an equal additional amount) they come to $10,310.00.",
                     "we ask for $6,389.56 without liquidated damages, or $11,544.56 with them",
                     "18 U.S.C. § 1593", "Sam Invented", "1:26-cr-00042", "Rowan Fictional",
                     "DRAFT — for review by a licensed attorney"):
        assert fragment in letter, (fragment, letter[:3000])
    worksheet = document_text(by_name(files, "US-restitution-worksheet.docx").path)
    assert worksheet.count("$457.50") == 10 and "bill from the clinic" in worksheet
    rows = list(csv.reader(io.StringIO(by_name(files, "restitution-worksheet.csv").data.decode("utf-8"))))
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    assert summary["Unpaid minimum wages and overtime (b)"] == "5155.00"
    assert summary["FLSA value with liquidated damages"] == "10310.00"
    assert summary["Other losses"] == "1234.56"
    header = rows[1]
    weeks = [dict(zip(header, r)) for r in rows[2:14]]
    assert [w["unpaid"] for w in weeks] == ["457.50"] * 10 + ["290.00"] * 2
    schedule = squash(document_text(by_name(files, "CO-compensation-expense-schedule.docx").path))
    assert "Total: $1,234.56" in schedule and "$934.56" in schedule
