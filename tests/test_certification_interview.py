"""The certification module's Python (families/certification/interview.py), without docassemble: the
gate, the contacts section it answers, its screening rows, and the interview glue it relies on
(trauma answers into the case file, an uploaded case file's details carried, the CSV on the download).
Every person and agency here is fictional."""
from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
from types import SimpleNamespace

from docassemble.traffickingrelief import interview_support as s
from docassemble.traffickingrelief.facts import parse_case
from docassemble.traffickingrelief.families.certification import interview as m
from tests.test_certification import FEDERAL, LOCAL_PD, base_case

TODAY = dt.date(2026, 11, 30)


class Obj(SimpleNamespace):
    """Stands in for a DAObject: the answers are its instance attributes."""


class Items:
    """Stands in for a DAList: its items are ``elements``; iterating it is never needed."""

    def __init__(self, *elements):
        self.elements = list(elements)


def contact(**answers) -> Obj:
    base = {"agency": "Example City Police Department", "officer": "Lt. Dana Example",
            "report_number": "EC-2021-0042", "contact_date": dt.date(2021, 7, 2),
            "cooperation": "gave a recorded statement", "complete": True}
    return Obj(**{**base, **answers})


def test_the_gate_needs_a_non_citizen_who_wants_the_help():
    assert m.wants_certification("not_us_citizen", "yes")
    assert not m.wants_certification("not_us_citizen", "no")
    assert not m.wants_certification("us_citizen", "yes")
    assert not m.wants_certification("prefer_not_to_say", "yes")
    assert not m.wants_certification(None, None)


def test_no_section_unless_the_path_is_taken_so_the_core_section_stays():
    contacts = Items(contact(title="Chief", certification_done=True))
    assert m.certification_sections("not_us_citizen", "no", contacts) == {}
    assert m.certification_sections("us_citizen", None, contacts) == {}
    core = s.build_case_file(le_contacts=contacts)
    assert s.with_family_sections(core, {"certification": {}}) == core


def test_the_contacts_section_adds_the_modules_answers_to_the_intakes():
    answers = contact(title=" Commander, Special Victims Unit ", address="100 Sample Street\nExample City, NY 10000",
                      agency_level="local", crimes_text="Trafficking\ninvoluntary servitude, trafficking;\n\n",
                      sent_choice="yes", sent_kinds={"u_supplement_b": True, "t_supplement_b": False,
                                                     "continued_presence": True},
                      sent_on=dt.date(2026, 10, 1), sent_response="pending", certification_done=True)
    second = contact(agency="Example Field Office, Homeland Security Investigations", agency_level="not_sure",
                     sent_choice="not_sure", crimes_text="", certification_done=True, cooperation=None)
    section = m.certification_sections("not_us_citizen", "yes", Items(answers, second, Obj(complete=False)))
    first, other = section["law_enforcement_contacts"]
    assert first == {
        "agency": "Example City Police Department", "officer": "Lt. Dana Example", "report_number": "EC-2021-0042",
        "contact_date": "2021-07-02", "cooperation": "gave a recorded statement",
        "title": "Commander, Special Victims Unit", "address": "100 Sample Street\nExample City, NY 10000",
        "agency_level": "local", "qualifying_crimes": ["Trafficking", "involuntary servitude"],
        "certification_requests": [{"kind": "u_supplement_b", "sent_on": "2026-10-01", "response": "pending"},
                                   {"kind": "continued_presence", "sent_on": "2026-10-01", "response": "pending"}],
    }
    # "not sure" is unknown: absent from the case file, never a guessed value
    assert other == {"agency": "Example Field Office, Homeland Security Investigations", "officer": "Lt. Dana Example",
                     "report_number": "EC-2021-0042", "contact_date": "2021-07-02"}
    data = s.with_family_sections(base_case(), {"certification": section})
    parsed = parse_case(data).law_enforcement_contacts[0]
    assert parsed.title == "Commander, Special Victims Unit" and parsed.agency_level == "local"
    assert [r.kind for r in parsed.certification_requests] == ["u_supplement_b", "continued_presence"]


def test_an_answer_not_sure_about_the_reply_keeps_the_request_without_a_response():
    answers = contact(sent_choice="yes", sent_kinds=["t_supplement_b"], sent_on=None, sent_response="not_sure",
                      certification_done=True)
    [row] = m.certification_contacts(Items(answers))
    assert row["certification_requests"] == [{"kind": "t_supplement_b"}]


def test_an_uploaded_case_files_details_are_carried_and_not_asked_again():
    data = base_case(LOCAL_PD, FEDERAL)
    data["law_enforcement_contacts"][0]["certification_requests"] = [
        {"kind": "u_supplement_b", "sent_on": "2026-10-01", "response": "signed", "response_on": "2026-10-20"}]
    data["law_enforcement_contacts"][1]["role"] = "investigator"
    prefill = s.prefill_from_case_file(data)
    items = Items(*[Obj(**values, complete=True) for values in prefill["le_contacts"]])
    assert all(m.carried_details(c) and not m.needs_contact_details(c) for c in items.elements)
    assert m.needs_contact_details(contact())
    assert not m.needs_contact_details(contact(certification_done=True))
    section = m.certification_sections("not_us_citizen", "yes", items)
    assert parse_case({**data, **section}) == parse_case(copy.deepcopy(data))


def test_trauma_answers_reach_the_case_file_and_come_back_from_it():
    t = Obj(type_choice="labor", trauma_choice="yes", trauma_explanation="It brought back panic.")
    assert s.build_case_file(trafficking=t)["trafficking"]["unable_to_cooperate_due_to_trauma"] is True
    assert s.build_case_file(trafficking=t)["trafficking"]["trauma_explanation"] == "It brought back panic."
    skipped = s.build_case_file(trafficking=Obj(type_choice="labor", trauma_choice="prefer_not_to_say",
                                                trauma_explanation="kept out"))["trafficking"]
    assert "unable_to_cooperate_due_to_trauma" not in skipped and "trauma_explanation" not in skipped
    data = base_case(LOCAL_PD)
    data["trafficking"].update(unable_to_cooperate_due_to_trauma=False)
    assert s.prefill_from_case_file(data)["trafficking"]["trauma_choice"] == "no"
    assert "trauma_choice" not in s.prefill_from_case_file(base_case(LOCAL_PD))["trafficking"]  # then asked


def test_the_trauma_question_is_for_an_adult_with_no_help_recorded():
    helped = base_case(LOCAL_PD)
    assert not m.trauma_question_needed(helped)
    silent = base_case({**LOCAL_PD, "cooperation": None})
    assert m.trauma_question_needed(silent)
    minor = copy.deepcopy(silent)
    minor["trafficking"]["age_at_start"] = 16
    assert not m.trauma_question_needed(minor)  # the minor exemption covers it
    assert not m.trauma_question_needed({"client": {}})  # not a case file yet: never asks because of it


def test_screening_rows_per_request_with_verdicts_missing_facts_and_sources():
    result = m.certification_screening(base_case(LOCAL_PD, {**FEDERAL, "cooperation": None}), TODAY)
    assert result["problems"] == [] and result["answered"] == [] and not result["path_unknown"]
    rows = {r["id"]: r for r in result["rows"]}
    assert list(rows) == ["le1-t_supplement_b", "le1-u_supplement_b", "le1-continued_presence",
                          "le2-t_supplement_b", "le2-u_supplement_b", "le2-continued_presence"]
    assert rows["le1-u_supplement_b"]["verdict"] == "ready" and rows["le1-u_supplement_b"]["missing"] == []
    assert rows["le2-t_supplement_b"]["verdict"] == "needs_answer"
    assert rows["le2-t_supplement_b"]["missing"] == ["cooperation"]
    assert rows["le2-u_supplement_b"]["missing"] == ["crimes", "cooperation"] or \
        rows["le2-u_supplement_b"]["missing"] == ["cooperation"]
    required = [r for r in rows["le1-u_supplement_b"]["reasons"] if r["text"].startswith("Supplement B is required")]
    assert required and required[0]["citation"] == "8 C.F.R. § 214.14(c)(2)(i)" and required[0]["url"].startswith("https://")
    assert all(r["draftable"] for r in rows.values())
    assert m.agency_numbers(result["rows"]) == [1, 2]
    # what the download screen reads for its list of cases with no papers
    assert rows["le2-continued_presence"]["jurisdiction_name"] == FEDERAL["agency"]
    assert s.cases_without_papers(result["rows"]) == []


def test_requests_the_agency_answered_are_listed_apart_and_get_no_draft():
    data = base_case({**LOCAL_PD, "certification_requests": [
        {"kind": "t_supplement_b", "sent_on": "2026-09-01", "response": "signed", "response_on": "2026-10-15"},
        {"kind": "u_supplement_b", "sent_on": "2026-09-01", "response": "declined"},
        {"kind": "continued_presence", "sent_on": "2026-11-01", "response": "pending"}]})
    result = m.certification_screening(data, TODAY)
    assert [(r["kind"], r["response"]) for r in result["answered"]] == [("t_supplement_b", "signed"),
                                                                        ("u_supplement_b", "declined")]
    assert [(r["kind"], r["sent_on"]) for r in result["rows"]] == [("continued_presence", "2026-11-01")]


def test_a_non_citizen_with_no_country_or_status_is_flagged_not_screened():
    data = base_case(LOCAL_PD)
    del data["client"]["citizenship"], data["client"]["a_number"]
    result = m.certification_screening(data, TODAY)
    assert result["rows"] == [] and result["path_unknown"]


def test_a_case_file_with_a_problem_reports_it_by_field():
    data = base_case({**LOCAL_PD, "contact_date": "2021-13-45"})
    result = m.certification_screening(data, TODAY)
    assert result["rows"] == [] and any("law_enforcement_contacts[0].contact_date" in p for p in result["problems"])
    assert all("Example City" not in p for p in result["problems"])


def test_crimes_typed_in_any_shape_become_a_clean_list():
    assert m.crime_list("  trafficking \n\nFalse imprisonment.; trafficking, extortion") == \
        ["trafficking", "False imprisonment", "extortion"]
    assert m.crime_list(None) == [] and m.crime_list(["a", "A "]) == ["a"]


def test_the_follow_up_logs_csv_sits_beside_its_docx_on_the_download():
    files = [{"filename": "follow-up-log.docx", "kind": "follow_up_log", "format": "docx", "title": "Certification follow-up log",
              "family": "certification", "group": "log", "placeholders": 0},
             {"filename": "follow-up-log.pdf", "kind": "follow_up_log", "format": "pdf", "title": "Certification follow-up log",
              "family": "certification", "group": "log", "placeholders": 0},
             {"filename": "follow-up-log.csv", "kind": "export", "format": "csv", "title": "follow-up-log.csv",
              "family": "certification", "group": "export", "placeholders": 0}]
    [row] = s.download_rows(files)["documents"]
    assert (row["title"], row["docx"], row["pdf"], row["csv"], row["xlsx"]) == ("Certification follow-up log", 0, 1, 2, None)


def test_the_module_does_not_import_docassemble():
    code = ("import sys, docassemble.traffickingrelief.families.certification.interview; "
            "sys.exit(any(m.startswith('docassemble.base') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
