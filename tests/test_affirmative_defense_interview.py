"""The affirmative-defense interview module's logic (families/affirmative_defense/interview.py), without
docassemble: answers stored on plain objects become the case file's pending_charges, the data decides
which optional charge questions are asked, and the screening rows say what the screen shows.
Every person and case here is fictional."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from docassemble.traffickingrelief.families.affirmative_defense.interview import asks_for_charge, \
    carried_charges, charge_place_choices, charge_questions, charge_reask_variable, charge_rows, \
    charge_summaries, charges_gathered, pending_charges_section
from docassemble.traffickingrelief.facts import parse_case
from tests.conftest import TODAY, minimal_case

REPO = Path(__file__).resolve().parents[1]


def answered(**fields) -> SimpleNamespace:
    base = {"jurisdiction": "WA", "court": "Spokane County District Court", "county": "Spokane",
            "case_number": "WA-CR-2026-0042", "offence": "Prostitution", "statute": "RCW 9A.88.030",
            "offence_categories": {"prostitution": True, "theft": False},
            "next_court_date": dt.datetime(2027, 2, 1, 0, 0), "dates_done": True,
            "connection_choice": "write_now", "trafficking_connection": "The trafficker sent me there."}
    base.update(fields)
    return SimpleNamespace(**base)


def case_with(charges: list[dict]) -> dict:
    data = minimal_case()
    data["convictions"] = []
    data["pending_charges"] = charges
    return data


def test_answers_become_the_case_files_pending_charges():
    section = pending_charges_section([answered(), answered(jurisdiction="US", offence="Fake ID", statute=None,
                                                           offence_categories={}, court=" ", next_court_date=None,
                                                           offence_class="not_sure", violent_choice="no")])
    assert section == [
        {"id": "p1", "jurisdiction": "WA", "court": "Spokane County District Court", "county": "Spokane",
         "case_number": "WA-CR-2026-0042", "offence": "Prostitution", "statute": "RCW 9A.88.030",
         "offence_categories": ["prostitution"], "next_court_date": "2027-02-01",
         "trafficking_connection": "The trafficker sent me there."},
        {"id": "p2", "jurisdiction": "US", "county": "Spokane", "case_number": "WA-CR-2026-0042",
         "offence": "Fake ID", "violent": False, "trafficking_connection": "The trafficker sent me there."},
    ]
    parse_case(case_with(section))  # valid against the schema


def test_a_skipped_link_or_unsure_answer_stays_absent_never_guessed():
    [charge] = pending_charges_section([answered(connection_choice="prefer_not_to_say", violent_choice="not_sure",
                                                 offence_class="felony")])
    assert "trafficking_connection" not in charge and "violent" not in charge
    assert charge["offence_class"] == "felony"


def test_the_place_offers_the_picked_states_first_then_every_other_jurisdiction():
    choices = charge_place_choices(["NY", "PA"])
    assert [c[0] for c in choices[:2]] == ["NY", "PA"] and choices[0][2] is True
    assert not any(c[2] for c in choices[1:])
    assert len(choices) == 52 and len({c[0] for c in choices}) == 52
    assert choices[-1][0] == "US"  # federal last
    assert charge_place_choices([])[0][2] is True


def test_optional_questions_follow_the_jurisdictions_data():
    assert charge_questions("CA")["violent"] is True  # the defense excludes violent offenses
    assert charge_questions("CA")["offence_class"] is False
    assert charge_questions("WA")["violent"] is False
    assert charge_questions("TX")["offence_date"] is True  # the defense took effect on a recorded date
    assert charge_questions("WA")["offence_date"] is False
    assert not any(charge_questions("WY").values())  # immunity: nothing to screen for a notice
    assert all(charge_questions("NY").values())  # unknown law: ask everything
    assert asks_for_charge(None, "violent") is True


def test_screening_rows_for_a_defense_an_immunity_and_unknown_law():
    charges = [answered(), answered(jurisdiction="WY", court="Laramie County Circuit Court"),
               answered(jurisdiction="NY"), answered(jurisdiction="CO", statute="C.R.S. § 18-7-201")]
    rows = charge_rows(case_with(pending_charges_section(charges)), charges, TODAY)
    wa, wy, ny, co = rows
    assert (wa["verdict"], wa["draftable"], wa["citation"]) == ("defense", True, "RCW 9A.88.040")
    assert wy["verdict"] == "immunity" and not wy["draftable"]
    assert any(r["citation"] == "Wyo. Stat. § 6-2-708(a)" for r in wy["reasons"])
    assert ny["verdict"] == "unknown" and not ny["draftable"]
    assert co["bars_relief_later"] and not wa["bars_relief_later"]
    assert all("defence" not in r["text"] for row in rows for r in row["reasons"])  # US English on screens


def test_a_missing_fact_points_at_the_question_that_answers_it():
    charges = [answered(connection_choice="prefer_not_to_say"),
               answered(jurisdiction="CA", offence="Burglary", statute=None, offence_categories={"burglary": True})]
    wa, ca = charge_rows(case_with(pending_charges_section(charges)), charges, TODAY)
    assert wa["verdict"] == "needs_answer"
    assert {"code": "connection", "text": "how the pending charge connects to the trafficking",
            "variable": "pending_charges[0].connection_choice"} in wa["missing"]
    assert any(m["variable"] == "pending_charges[1].violent_choice" for m in ca["missing"])
    # charges carried from an uploaded case file have no question to re-ask
    [carried] = charge_rows(case_with(pending_charges_section(charges[:1])), None, TODAY)
    assert all(m["variable"] is None for m in carried["missing"])


def test_answer_it_now_only_reasks_a_charges_own_questions():
    assert charge_reask_variable("pending_charges[0].connection_choice") == "pending_charges[0].connection_choice"
    for bad in ("pending_charges[0].__class__", "records[0].statute", "client.legal_name", None, 3,
                "pending_charges[0].statute; import os"):
        assert charge_reask_variable(bad) is None


def test_carried_charges_are_copies():
    carry = {"pending_charges": [{"id": "x1", "jurisdiction": "WA", "offence": "Theft"}]}
    copied = carried_charges(carry)
    copied[0]["offence"] = "changed"
    assert carry["pending_charges"][0]["offence"] == "Theft"
    assert carried_charges(None) == [] and carried_charges({}) == []


def test_the_module_does_not_import_docassemble():
    code = ("import sys, docassemble.traffickingrelief.families.affirmative_defense.interview; "
            "sys.exit(any(m.startswith('docassemble.base') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=60).returncode == 0


def test_review_lines_and_whether_the_list_was_gathered():
    charges = SimpleNamespace(elements=[answered(), answered(case_number=None, offence="<b>Theft</b>")], gathered=True)
    assert charge_summaries(charges) == ["Prostitution, WA, WA-CR-2026-0042", "<b>Theft</b>, WA"]  # the YAML escapes
    assert charges_gathered(charges) is True
    assert charges_gathered(SimpleNamespace(elements=[])) is False and charge_summaries(None) == []
