"""Tier 2: the certification module (interviews/tr_certification.yml) through docassemble's own engine.

A fictional client who is not a U.S. citizen, with one local police contact, asks for help with the
forms: the gate, the intake's contact screens, this module's details screen and its screening screen,
then the shared assembly. The request letters, the officer's worksheets and the follow-up log (DOCX and
CSV) are read back from the interview's stored files. Also: the Spanish path, the gate declined (no
certification papers; the core's contacts section stays), and an uploaded case file that carries the
details (its questions are skipped). Every person, agency and number here is fictional.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from test_traffickingrelief_interview import (STATUTES, _upload, as_date, base_answers, case_data, docx_text,  # noqa: E402
                                              drafts)
from test_traffickingrelief_interview import walk as intake_walk  # noqa: E402

INTERVIEW = "traffickingrelief.yml"
AGENCY = "Example City Police Department"
TITLE = "Commander, Special Victims Unit"
ADDRESS = "100 Sample Street, Example City, NY 10000"
COOPERATION = "I gave a recorded statement and named the recruiter in a photo lineup."


def certification_answers(**overrides) -> dict:
    """An attorney's intake: a NY conviction, a client from Honduras, one police contact."""
    return base_answers("NY", **{
        "records[i].statute": STATUTES["NY"],
        "client.immigration_choice": "not_us_citizen", "client.citizenship": "Honduras",
        "certification_choice": "yes",
        "trafficking.type_choice": "labor", "trafficking.age_at_start": "27",
        "le_contact_choice": "yes", "le_contacts[i].agency": AGENCY, "le_contacts[i].officer": "Lt. Dana Example",
        "le_contacts[i].report_number": "EC-2021-0042", "le_contacts[i].contact_date": as_date("2021-07-02"),
        "le_contacts[i].cooperation": COOPERATION, "le_contacts.there_is_another": False,
        "le_contacts[i].title": TITLE, "le_contacts[i].address": ADDRESS, "le_contacts[i].agency_level": "local",
        "le_contacts[i].crimes_text": "Trafficking\ninvoluntary servitude", "le_contacts[i].sent_choice": "no",
        "le_contacts[i].certification_done": True,
        **overrides,
    })


def walk(answers: dict, out: Path, sent_kinds: tuple = (), **kwargs):
    return intake_walk(answers, out, checked={"le_contacts[i].sent_kinds": list(sent_kinds)}, **kwargs)


CERTIFICATION_SCREENS = ["client_immigration", "certification_choice", "trafficking_type", "trafficking_when",
                         "le_contact_choice", "le_contact_item", "le_contacts_another",
                         "certification_contact_details", "certification_screening"]


def test_a_police_contact_gets_the_three_request_letters_worksheets_and_the_follow_up_log(tmp_path):
    run = walk(certification_answers(), tmp_path)
    assert run.finished and run.question_id == "download_drafts"
    # the gate and the certification questions come right after the records (the registry puts this family
    # before record relief), once each
    start = run.visited.index("affirmative_defense_gate") + 1  # the family before it in the registry
    assert run.visited.index("records_another") < start
    assert run.visited[start:start + len(CERTIFICATION_SCREENS)] == CERTIFICATION_SCREENS
    assert "certification_trauma" not in run.visited  # the client's help is recorded
    assert run.visited.count("le_contact_choice") == 1 and run.visited.count("trafficking_type") == 1

    contact = case_data(run)["law_enforcement_contacts"][0]
    assert contact == {"agency": AGENCY, "officer": "Lt. Dana Example", "report_number": "EC-2021-0042",
                       "contact_date": "2021-07-02", "cooperation": COOPERATION, "title": TITLE, "address": ADDRESS,
                       "agency_level": "local", "qualifying_crimes": ["Trafficking", "involuntary servitude"]}

    rows = run.value("certification_rows")
    assert [(r["id"], r["verdict"]) for r in rows] == [("le1-t_supplement_b", "ready"), ("le1-u_supplement_b", "ready"),
                                                      ("le1-continued_presence", "ready")]
    files = drafts(run)
    names = sorted(n for n in files if n.startswith("le1-") and n.endswith(".docx"))
    assert names == ["le1-continued_presence-officer-worksheet.docx", "le1-continued_presence-request-letter.docx",
                     "le1-t_supplement_b-officer-worksheet.docx", "le1-t_supplement_b-request-letter.docx",
                     "le1-u_supplement_b-officer-worksheet.docx", "le1-u_supplement_b-request-letter.docx"]
    assert "NY-1-notice-of-motion.docx" in files  # record relief still drafts from the same intake

    u_letter = docx_text(files["le1-u_supplement_b-request-letter.docx"])
    for text in ("Lt. Dana Example", TITLE, AGENCY, "100 Sample Street", "Rowan Fictional", "EC-2021-0042",
                 "recorded statement", "involuntary servitude", "8 C.F.R. § 214.14"):
        assert text in u_letter, text
    assert "Form I-918, Supplement B" in u_letter or "Form I-918 Supplement B" in u_letter
    t_letter = docx_text(files["le1-t_supplement_b-request-letter.docx"])
    assert TITLE in t_letter and "recorded statement" in t_letter and "Dear Lt. Dana Example:" in t_letter
    cp_letter = docx_text(files["le1-continued_presence-request-letter.docx"])
    assert AGENCY in cp_letter and "Continued Presence" in cp_letter
    worksheet = docx_text(files["le1-u_supplement_b-officer-worksheet.docx"])
    assert "Rowan Fictional" in worksheet and "EC-2021-0042" in worksheet and "worksheet" in worksheet.lower()

    log = docx_text(files["follow-up-log.docx"])
    assert AGENCY in log and "not sent yet" in log
    table = list(csv.DictReader(io.StringIO(files["follow-up-log.csv"].read_text(encoding="utf-8"))))
    assert len(table) == 3 and {row["Agency"] for row in table} == {AGENCY}

    # the download screen lists the family's files under its heading, the CSV beside the log's DOCX
    text = run.status.subquestion_text
    assert "Letters to ask the police for immigration forms" in text
    assert run.value("esc('Request letter for Form I-918 Supplement B')") in text
    assert "Spreadsheet (CSV)" in text
    layout = run.value("tr_download")
    [log_row] = [r for r in layout["documents"] if r["title"] == "Certification follow-up log"]
    assert log_row["csv"] is not None and log_row["docx"] is not None
    assert run.value(f"tr_assembly['files'][{log_row['csv']}]['filename']") == "follow-up-log.csv"
    assert run.value(f"tr_assembly['files'][{log_row['docx']}]['filename']") == "follow-up-log.docx"


def test_the_screening_screen_names_each_request_with_its_sources(tmp_path):
    run = walk(certification_answers(**{"le_contacts[i].cooperation": None}), tmp_path,
               stop_at={"certification_trauma", "certification_screening"})
    # no help recorded, an adult: the trauma question comes before the screening
    assert run.question_id == "certification_trauma"
    answers = certification_answers(**{"le_contacts[i].cooperation": None, "trafficking.trauma_choice": "yes",
                                       "trafficking.trauma_explanation": "Talking about it brought back panic."})
    run = walk(answers, tmp_path / "screen", stop_at={"certification_screening"})
    assert run.question_id == "certification_screening"
    text = run.status.subquestion_text
    assert AGENCY in text
    for words in ("T visa form (I-914 Supplement B)", "U visa form (I-918 Supplement B)", "Continued Presence",
                  "For the lawyer: the law and its sources", "How you helped this agency."):
        assert words in text, words
    assert run.value("esc('8 C.F.R. § 214.14(c)(2)(i)')") in text
    data = case_data(run)
    assert data["trafficking"]["unable_to_cooperate_due_to_trauma"] is True
    assert data["trafficking"]["trauma_explanation"] == "Talking about it brought back panic."

    run = walk(answers, tmp_path / "end")
    t_letter = docx_text(drafts(run)["le1-t_supplement_b-request-letter.docx"])
    assert "trauma" in t_letter.lower() and "Talking about it brought back panic." in t_letter


def test_declining_the_gate_keeps_the_core_contacts_and_drafts_no_request(tmp_path):
    answers = certification_answers(certification_choice="no")
    run = walk(answers, tmp_path)
    assert run.question_id == "download_drafts"
    assert "certification_contact_details" not in run.visited and "certification_screening" not in run.visited
    assert run.value("certification_case_data") == {}
    contact = case_data(run)["law_enforcement_contacts"][0]
    assert contact["agency"] == AGENCY and "title" not in contact  # the core's section, from the intake
    assert not [n for n in drafts(run) if n.startswith("le1-") or n.startswith("follow-up-log")]
    assert "Letters to ask the police" not in run.status.subquestion_text


def test_a_us_citizen_is_never_asked(tmp_path):
    answers = base_answers("NY", **{"records[i].statute": STATUTES["NY"]})
    answers.pop("certification_choice", None)
    run = walk(answers, tmp_path)
    assert run.question_id == "download_drafts" and "certification_choice" not in run.visited


def test_spanish_path(tmp_path):
    answers = certification_answers(interview_language="es")
    run = walk(answers, tmp_path / "gate", stop_at={"certification_choice"})
    assert run.status.question_text.strip() == \
        "¿Quiere ayuda para pedirle a la policía un formulario para su caso de inmigración?"
    run = walk(answers, tmp_path / "details", stop_at={"certification_contact_details"})
    assert run.status.question_text.strip() == f"Más sobre {AGENCY}"
    run = walk(answers, tmp_path / "screen", stop_at={"certification_screening"})
    assert run.status.question_text.strip() == "Lo que encontramos: formularios de la policía"
    assert "Listo" in run.status.subquestion_text
    run = walk(answers, tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert "Cartas para pedirle a la policía formularios de inmigración" in run.status.subquestion_text
    assert "le1-u_supplement_b-request-letter.docx" in drafts(run)


def test_an_uploaded_case_file_with_the_details_skips_the_questions(tmp_path):
    from docassemble.traffickingrelief.facts import parse_case
    from docassemble.traffickingrelief.resources import read_yaml

    example = read_yaml((HERE.parents[1] / "docassemble" / "traffickingrelief" / "data" / "sources" / "examples"
                         / "example_case.yml").read_text(encoding="utf-8"))
    example["client"]["citizenship"] = "Honduras"
    example["law_enforcement_contacts"] = [{
        "agency": AGENCY, "officer": "Lt. Dana Example", "title": TITLE, "address": ADDRESS, "agency_level": "local",
        "report_number": "EC-2021-0042", "cooperation": COOPERATION, "qualifying_crimes": ["trafficking"],
        "certification_requests": [{"kind": "u_supplement_b", "sent_on": "2026-10-01", "response": "pending"},
                                   {"kind": "t_supplement_b", "sent_on": "2026-09-01", "response": "signed",
                                    "response_on": "2026-10-15"}]}]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "attorney",
               "start_mode": "upload_case_file", "tvisa_help_choice": "no"}
    run = harness.run_interview(INTERVIEW, answers, on_question=_upload(path, "case.json"), out_dir=tmp_path / "out")
    assert run.question_id == "download_drafts"
    assert "certification_choice" not in run.visited and "certification_contact_details" not in run.visited
    assert "certification_screening" in run.visited
    exported = case_data(run)
    assert parse_case(copy.deepcopy(exported)).law_enforcement_contacts == \
        parse_case(copy.deepcopy(example)).law_enforcement_contacts
    assert run.value("[r['id'] for r in certification_screening_result['answered']]") == ["le1-t_supplement_b"]
    files = drafts(run)
    assert "le1-u_supplement_b-request-letter.docx" in files and "le1-t_supplement_b-request-letter.docx" not in files
    log = docx_text(files["follow-up-log.docx"])
    assert "October 1, 2026" in log or "2026-10-01" in log


def test_save_to_finish_later_keeps_the_certification_details(tmp_path):
    """The case file the "Save to finish later" button writes carries this module's section, so an upload of
    it goes through the interview whole."""
    from test_traffickingrelief_interview import _code_of

    run = walk(certification_answers(), tmp_path, stop_at={"certification_screening"})
    # the block hands the case file over through a one-time link (export_download); read what it hands over
    [line] = [line.strip() for line in _code_of("tr_download.yml", "tr_export_case_file").splitlines()
              if line.strip().startswith("response(url=export_download(")]
    saved = run.value(line[len("response(url=export_download("):-len("))")])
    [contact] = saved["law_enforcement_contacts"]
    assert contact["title"] == TITLE and contact["address"] == ADDRESS and contact["agency_level"] == "local"
    assert contact["qualifying_crimes"] == ["Trafficking", "involuntary servitude"]
    assert saved["client"]["citizenship"] == "Honduras"
