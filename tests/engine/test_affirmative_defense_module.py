"""Tier 2: the affirmative-defense module (interviews/tr_affirmative_defense.yml) through docassemble's
engine, to the download screen, with the drafts it stores opened by python-docx.

Paths: an advocate's step-by-step path with a Washington charge (a state the person had not picked
for their records), an attorney's one screen per charge with a federal charge and a charge where the
data does not know the law, Spanish, a declined gate, an uploaded case file that carries a pending
charge, and a skipped link to the trafficking with user text that must stay data. Every person,
court and case number here is fictional.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from test_traffickingrelief_interview import EXAMPLE, INTERVIEW, STATUTES, _upload, as_date, base_answers, \
    case_data, checkbox_answers, docx_text, drafts  # noqa: E402

WA_CHARGE = {
    "pending_charges[i].jurisdiction": "WA", "pending_charges[i].court": "Spokane County District Court",
    "pending_charges[i].county": "Spokane", "pending_charges[i].case_number": "WA-CR-2026-0042",
    "pending_charges[i].offence": "Prostitution", "pending_charges[i].statute": "RCW 9A.88.030",
    "pending_charges[i].dates_done": True, "pending_charges[i].connection_choice": "write_now",
    "pending_charges[i].trafficking_connection": "The trafficker sent me to the hotel where I was arrested.",
}
CHARGE_SCREENS = ["affirmative_defense_charge_place", "affirmative_defense_charge_offence",
                  "affirmative_defense_charge_dates", "affirmative_defense_charge_link"]


def answers_with_charges(role: str = "advocate", **overrides) -> dict:
    """A New York conviction (the records) plus an open case, answered yes at the gate."""
    answers = base_answers("NY", user_role=role, **{"records[i].statute": STATUTES["NY"]})
    answers.update({"affirmative_defense_open_case": "yes", "pending_charges.there_is_another": False,
                    "pending_charges[i].next_court_date": as_date("2027-02-01"), **WA_CHARGE})
    answers.update(overrides)
    return answers


def walk(answers: dict, tmp_path: Path, categories: list[str] | None = None, **kwargs):
    checked = {"conviction_states": ["NY"], "records[i].offence_categories": ["prostitution"],
               "trafficking.documents": [], "tr_other_states": [],
               "pending_charges[i].offence_categories": categories or ["prostitution"]}
    return harness.run_interview(INTERVIEW, answers, on_question=checkbox_answers(checked), out_dir=tmp_path, **kwargs)


def test_an_open_washington_charge_reaches_the_notice_declaration_and_instruction(tmp_path):
    run = walk(answers_with_charges(), tmp_path / "screen", stop_at={"affirmative_defense_screening"})
    assert run.question_id == "affirmative_defense_screening"
    gate = run.visited.index("affirmative_defense_gate")
    assert run.visited[gate - 1] == "records_another"  # asked after the records
    assert run.visited[gate + 1:] == CHARGE_SCREENS + ["affirmative_defense_another", "affirmative_defense_screening"]
    assert run.value("[row[0] for row in charge_place_choices(states_picked(tr_first_state))][:2]") == ["NY", "AL"]  # any of the 52
    screen = run.status.subquestion_text
    assert "The law may give you a defense to this charge." in screen
    assert "Next: we will make draft papers for this case." in screen
    assert "RCW 9A.88.040" in screen and "For the lawyer" in screen

    run = walk(answers_with_charges(), tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert run.visited.index("affirmative_defense_screening") < run.visited.index("preparer_details")
    assert "Papers for an open criminal case" in run.status.subquestion_text
    data = case_data(run)
    assert data["pending_charges"] == [{
        "id": "p1", "jurisdiction": "WA", "court": "Spokane County District Court", "county": "Spokane",
        "case_number": "WA-CR-2026-0042", "offence": "Prostitution", "statute": "RCW 9A.88.030",
        "offence_categories": ["prostitution"], "next_court_date": "2027-02-01",
        "trafficking_connection": "The trafficker sent me to the hotel where I was arrested."}]
    files = drafts(run)
    assert {"WA-1-notice.docx", "WA-1-declaration.docx", "WA-1-jury-instruction.docx", "NY-1-notice-of-motion.docx"} <= set(files)
    notice = docx_text(files["WA-1-notice.docx"])
    assert "State of Washington" in notice and "Rowan Fictional" in notice
    assert "WA-CR-2026-0042" in notice and "Spokane County District Court" in notice
    assert "intends to raise the affirmative defense provided by RCW 9A.88.040 to the charge of Prostitution " \
           "(RCW 9A.88.030)" in notice
    assert "The trafficker sent me to the hotel where I was arrested." in notice
    assert "Casey Counsel" in notice  # the preparer asked for everyone signs it
    declaration = docx_text(files["WA-1-declaration.docx"])
    assert "I am the Defendant in this case." in declaration
    assert "under penalty of perjury under the laws of the State of Washington" in declaration
    instruction = docx_text(files["WA-1-jury-instruction.docx"])
    assert "FOR ATTORNEY REVIEW" in instruction and "WPIC 19.04.06" in instruction
    report = json.loads(files["assembly-report.json"].read_text(encoding="utf-8"))
    assert any(r["record_id"] == "p1" and r["drafts_produced"] for r in report["screening"])


def test_attorney_mode_one_screen_per_charge_federal_and_unknown_law(tmp_path):
    federal = {"pending_charges[0].jurisdiction": "US", "pending_charges[0].offence": "Possession of false identification",
               "pending_charges[0].statute": "18 U.S.C. § 1028",
               "pending_charges[0].court": "United States District Court for the District of Example",
               "pending_charges[0].case_number": "1:26-cr-00042",
               "pending_charges[1].jurisdiction": "NY", "pending_charges[1].court": "Criminal Court of the City of New York",
               "pending_charges[1].case_number": "CR-000777-26EX",
               "pending_charges[2].jurisdiction": "WY", "pending_charges[2].court": "Laramie County Circuit Court",
               "pending_charges[2].offence": "Theft", "pending_charges[2].case_number": "CT-2026-0311"}
    answers = answers_with_charges("attorney", **federal, **{"pending_charges[i].offence_class": "felony",
                                                              "pending_charges[i].violent_choice": "no"})
    del answers["pending_charges.there_is_another"]
    more = iter([True, True, False])
    boxes = checkbox_answers({"conviction_states": ["NY"], "records[i].offence_categories": ["prostitution"],
                              "trafficking.documents": [], "tr_other_states": [],
                              "pending_charges[i].offence_categories": ["false_identification"]})

    def on_question(variable, question, user_dict):
        return next(more) if variable == "pending_charges.there_is_another" else boxes(variable, question, user_dict)

    run = harness.run_interview(INTERVIEW, answers, on_question=on_question, out_dir=tmp_path)
    assert run.question_id == "download_drafts"
    assert run.visited.count("affirmative_defense_charge_attorney") == 3
    assert not set(CHARGE_SCREENS) & set(run.visited)
    rows = run.value("affirmative_defense_rows")
    assert [(r["jurisdiction"], r["verdict"], r["draftable"]) for r in rows] == [
        ("US", "defense", True), ("NY", "unknown", False), ("WY", "immunity", False)]
    files = drafts(run)
    notice = docx_text(files["US-1-notice.docx"])
    assert "United States of America" in notice and "Case No. 1:26-cr-00042" in notice
    assert "United States District Court for the District of Example" in notice
    assert "18 U.S.C. § 28" in notice
    assert "NY-1-notice.docx" not in files  # the law is not known: no notice
    report = json.loads(files["assembly-report.json"].read_text(encoding="utf-8"))
    assert any("NY p2: no defense papers drafted" in w for w in report["warnings"])
    # the download screen lists the open cases with no papers, each with its own reason
    assert [r["charge_id"] for r in run.value("tr_no_papers")] == ["p2", "p3"]
    download = run.status.subquestion_text
    assert "a lawyer must check the law for this case." in download
    assert "this law may protect you from the charge in another way. A lawyer must ask the court." in download
    assert "this law does not allow it for this case" not in download


def test_spanish_gate_and_screening(tmp_path):
    answers = answers_with_charges(interview_language="es")
    run = walk(answers, tmp_path / "gate", stop_at={"affirmative_defense_gate"})
    assert run.status.question_text.strip() == "¿Hay un caso penal contra usted que todavía está abierto en la corte?"
    run = walk(answers, tmp_path / "screen", stop_at={"affirmative_defense_screening"})
    assert run.status.question_text.strip() == "Lo que encontramos para cada caso abierto"
    assert "Puede ser que la ley le dé una defensa contra este cargo." in run.status.subquestion_text
    run = walk(answers, tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert "Documentos para un caso penal abierto" in run.status.subquestion_text
    assert "WA-1-notice.docx" in drafts(run)


def test_declining_the_gate_asks_nothing_more_and_drafts_nothing_for_it(tmp_path):
    for choice in ("no", "not_sure", "prefer_not_to_say"):
        run = walk(answers_with_charges(affirmative_defense_open_case=choice), tmp_path / choice)
        assert run.question_id == "download_drafts"
        assert "affirmative_defense_gate" in run.visited
        assert not {"affirmative_defense_screening", *CHARGE_SCREENS} & set(run.visited)
        assert "pending_charges" not in case_data(run)
        assert not any(name.startswith("WA-") for name in drafts(run))


def test_an_uploaded_case_file_with_a_pending_charge_skips_the_gate_and_keeps_it_whole(tmp_path):
    from docassemble.traffickingrelief.facts import parse_case
    from docassemble.traffickingrelief.resources import read_yaml

    example = read_yaml(EXAMPLE.read_text(encoding="utf-8"))
    example["pending_charges"] = [{"id": "pc1", "jurisdiction": "WA", "offence": "Prostitution",
                                   "court": "Spokane County District Court", "case_number": "WA-CR-2026-0099",
                                   "statute": "RCW 9A.88.030", "offence_categories": ["prostitution"],
                                   "arraignment_date": "2026-11-02",
                                   "trafficking_connection": "The trafficker sent her to the hotel."}]
    path = tmp_path / "with-charge.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "attorney",
               "start_mode": "upload_case_file"}
    run = harness.run_interview(INTERVIEW, answers, on_question=_upload(path, "with-charge.json"), out_dir=tmp_path / "out")
    assert run.question_id == "download_drafts"
    assert "affirmative_defense_gate" not in run.visited and "affirmative_defense_screening" in run.visited
    exported = case_data(run)
    assert exported["pending_charges"] == example["pending_charges"]
    assert parse_case(copy.deepcopy(exported)) == parse_case(copy.deepcopy(example))
    notice = docx_text(drafts(run)["WA-1-notice.docx"])
    assert "WA-CR-2026-0099" in notice and "RCW 9A.88.040" in notice


def test_a_skipped_link_is_a_placeholder_and_user_text_stays_text(tmp_path):
    answers = answers_with_charges(**{"pending_charges[i].connection_choice": "prefer_not_to_say",
                                      "pending_charges[i].offence": "Prostitution <b>{{ x }}</b> & [FILE y]"})
    del answers["pending_charges[i].trafficking_connection"]
    run = walk(answers, tmp_path / "screen", stop_at={"affirmative_defense_screening"})
    screen = run.status.subquestion_text
    assert "We need one more answer to check this charge." in screen
    assert "How this charge is linked to the trafficking." in screen and "tr-answer-now" in screen
    assert "<b>{{ x }}" not in screen and "[FILE y]" not in screen
    assert run.value("esc('Prostitution <b>{{ x }}</b> & [FILE y]')") in screen
    run = walk(answers, tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert "trafficking_connection" not in case_data(run)["pending_charges"][0]
    notice = docx_text(drafts(run)["WA-1-notice.docx"])
    assert "[MISSING: how the pending charge connects to the trafficking]" in notice
    assert "Prostitution <b>{{ x }}</b> & [FILE y]" in notice  # as typed, never rendered
