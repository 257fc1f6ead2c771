"""Tier 2: interviews/traffickingrelief.yml through docassemble's own engine (see harness.py).

Scripted walks to the download screen: a New York prostitution conviction, Pennsylvania without the
prosecutor's consent, the Spanish path, a start from an uploaded case file (the bundled example),
and skipped sensitive questions. The drafts the interview stores (DAFile objects in draft_files)
are opened with python-docx. Every person here is fictional.
"""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tools"))

import harness  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from interview_plans import engine_defaults  # noqa: E402

INTERVIEW = "traffickingrelief.yml"
EXAMPLE = REPO / "docassemble" / "traffickingrelief" / "data" / "sources" / "examples" / "example_case.yml"


def as_date(text: str):
    from docassemble.base.util import as_datetime

    return as_datetime(text)


def checkbox_answers(checked: dict[str, list[str]]):
    """on_question for checkbox fields: a gathered DADict per field, True for the codes listed."""
    def on_question(variable, question, user_dict):
        from docassemble.base.util import DADict

        generic = re.sub(r"\[\d+\]", "[i]", variable)
        if generic.endswith(".gathered"):
            return True if generic[: -len(".gathered")] in checked else harness.NO_ANSWER
        item = re.match(r"^(.*)\['([a-z0-9_]+)'\]$", generic)
        if item and item.group(1) in checked:
            return item.group(2) in checked[item.group(1)]
        if generic in checked:
            return DADict(variable, elements={code: True for code in checked[generic]}, auto_gather=False, gathered=True)
        return harness.NO_ANSWER
    return on_question


def base_answers(state: str, **overrides) -> dict:
    """An attorney's fresh intake with one conviction in ``state``; keyword arguments override."""
    answers = {
        **engine_defaults(),  # the draft families' own questions, answered for a case that does not need them
        "interview_language": "en", "safety_answer": "safe", "user_role": "attorney", "start_mode": "new_intake",
        "client.legal_name": "Rowan Fictional", "client.date_of_birth": as_date("1990-01-01"),
        "client.pseudonym_choice": "no", "tr_first_state": state, "tr_more_states": "no", "tr_states_asked": True,
        "records[i].jurisdiction": state, "records[i].kind": "conviction",
        "records[i].court": "Example Criminal Court", "records[i].county": "Example County",
        "records[i].case_number": "CR-000123-19EX", "records[i].offence": "Prostitution",
        "records[i].offence_class": "misdemeanor", "records[i].violent_choice": "no",
        "records[i].offence_date": as_date("2019-01-10"), "records[i].arrest_date": as_date("2019-01-10"),
        "records[i].conviction_date": as_date("2019-03-01"), "records[i].disposition": "guilty plea",
        "records[i].sentence": "probation", "records[i].sentence_completed_on": as_date("2020-03-01"),
        "records[i].juvenile_choice": "no", "records[i].affirmative_defence_at_trial": "not_raised",
        "records[i].outcome_done": True, "records[i].connection_choice": "write_now",
        "records[i].trafficking_connection": "The trafficker sent me to the place of the arrest.",
        "records.there_is_another": False,
        "client.safe_to_contact_choice": "yes", "client.immigration_choice": "us_citizen",
        "trafficking.type_choice": "sex", "trafficking.when_done": True,
        "trafficking.period_start": as_date("2017-02-01"), "trafficking.period_end": as_date("2019-12-31"),
        "trafficking.place": "Example City", "trafficking.force_choice": "yes", "trafficking.fraud_choice": "yes",
        "trafficking.coercion_choice": "yes", "trafficking.narrative_choice": "write_now",
        "trafficking.narrative": "An invented account for tests.",
        "le_contact_choice": "no", "evidence_choice": "no",
        "preparer.name": "Casey Counsel", "preparer.bar_number": "000001", "preparer.bar_state": state,
        "record_relief_seal_choice": "no",
    }
    answers.update(overrides)
    return answers


STATUTES = {"NY": "Penal Law § 230.00", "PA": "18 Pa.C.S. § 5902"}


def walk(answers: dict, tmp_path: Path, *, checked: dict | None = None, **kwargs):
    checked = {"conviction_states": [answers["records[i].jurisdiction"]] if "records[i].jurisdiction" in answers else [],
               "records[i].offence_categories": ["prostitution"], "trafficking.documents": [], "tr_other_states": [],
               **(checked or {})}
    return harness.run_interview(INTERVIEW, answers, on_question=checkbox_answers(checked), out_dir=tmp_path, **kwargs)


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def drafts(run) -> dict[str, Path]:
    """The files the interview stored in draft_files, by their (fixed) file name: stored sealed with the
    session's tr_file_key (sealed_files.py), unsealed here beside the stored copy."""
    from docassemble.traffickingrelief.sealed_files import unseal

    key = run.value("tr_file_key")
    triples = run.value("[(info['filename'], stored.filename, stored.path()) "
                        "for info, stored in zip(tr_assembly['files'], draft_files)]")
    out = {}
    for name, stored_name, path in triples:
        assert stored_name == name + ".sealed"
        out[name] = Path(path).with_name(name)
        out[name].write_bytes(unseal(Path(path).read_bytes(), key))
    return out


def _code_of(file: str, block_id: str) -> str:
    import yaml

    for block in yaml.safe_load_all((REPO / "interviews" / file).read_text(encoding="utf-8")):
        if isinstance(block, dict) and block.get("id") == block_id:
            return block["code"]
    raise KeyError(block_id)


def case_data(run) -> dict:
    """The case file as the interview builds it (its case_data block is recomputed on each screen)."""
    return run.value(f"exec({_code_of('tr_download.yml', 'case_data')!r}) or case_data")


def screening(run) -> list[dict]:
    return run.value(
        f"exec({_code_of('tr_download.yml', 'case_data')!r}) or screening_rows(case_data)")


def assert_quick_exit(run):
    pre = run.status.extras.get("pre text", "")
    assert 'class="btn btn-danger tr-quick-exit"' in pre
    # a plain link to the erase action, so it works without JavaScript; the script goes to the neutral site
    assert 'data-tr-neutral="https://www.weather.gov"' in pre
    href = pre.split('class="btn btn-danger tr-quick-exit" id="tr-quick-exit" href="')[1].split('"')[0]
    assert href and "weather.gov" not in href, href  # the harness's url_action() stand-in drops the action


SCREENS_FRESH = ["language_choice", "safety_check", "confidentiality_note", "user_role", "start_mode",
                 "conviction_states", "jurisdiction_overview", "client_name", "client_pseudonym",
                 "record_attorney", "records_another", "affirmative_defense_gate",
                 # the certification module's gate needs the immigration answer before the screenings
                 "client_immigration", "restitution_gate", "record_relief_screening", "client_contact",
                 "trafficking_type", "trafficking_when", "trafficking_means", "trafficking_story",
                 "trafficking_documents", "le_contact_choice", "evidence_choice", "preparer_details",
                 "record_relief_seal", "review_answers", "download_drafts"]


def test_new_york_prostitution_conviction_reaches_the_drafts(tmp_path):
    answers = base_answers("NY", **{"records[i].statute": STATUTES["NY"]})
    run = walk(answers, tmp_path)
    assert run.finished and run.question_id == "download_drafts"
    assert run.visited == SCREENS_FRESH
    rows = screening(run)
    assert [r["status"] for r in rows] in (["eligible"], ["needs_review"])
    # New York's data does not require the prosecutor's consent: that question was not shown.
    assert run.value("asks(records[0].jurisdiction, 'prosecutor_consent')") is False
    assert run.value("defined('records[0].prosecutor_consent')") is False
    files = drafts(run)
    assert "NY-1-notice-of-motion.docx" in files and "assembly-report.md" in files and "assembly-report.json" in files
    assert all("Rowan" not in name and "Fictional" not in name for name in files)
    motion = docx_text(files["NY-1-notice-of-motion.docx"])
    assert "Motion to Vacate Judgment".upper() in motion.upper()
    assert "CPL 440.10(1)(i)" in motion
    assert "CR-000123-19EX" in motion
    assert "Rowan Fictional" in motion
    order = docx_text(files["NY-1-proposed-order.docx"])
    assert "CR-000123-19EX" in order
    if harness._libreoffice_binary() is not None:
        assert "NY-1-notice-of-motion.pdf" in files
    assert_quick_exit(run)


def test_pennsylvania_without_consent_shows_the_consent_reason(tmp_path):
    answers = base_answers("PA", **{"records[i].statute": STATUTES["PA"], "records[i].prosecutor_consent": "not_requested"})
    run = walk(answers, tmp_path / "screen", stop_at={"record_relief_screening"})
    assert run.question_id == "record_relief_screening"
    text = run.status.subquestion_text
    assert "The law requires the prosecutor&#39;s consent before filing" in text
    assert "Not yet. The prosecutor must agree first." in text
    assert run.value("esc('18 Pa.C.S. § 3019(d)-(g)')") in text
    # Pennsylvania's data requires consent, so the question was asked (and answered).
    assert run.value("records[0].prosecutor_consent") == "not_requested"

    run = walk(answers, tmp_path / "end")
    assert run.question_id == "download_drafts"
    [row] = screening(run)
    assert row["status"] == "not_yet_eligible" and row["consent_needed"] and row["draftable"]
    files = drafts(run)
    motion = docx_text(files["PA-1-motion.docx"])
    assert "CR-000123-19EX" in motion
    assert "18 Pa.C.S. § 3019" in motion
    assert "[MISSING: the prosecutor's written consent]" in motion
    report = json.loads(files["assembly-report.json"].read_text(encoding="utf-8"))
    assert any("prosecutor's consent" in w for w in report["warnings"])


def test_spanish_path(tmp_path):
    answers = base_answers("NY", interview_language="es", **{"records[i].statute": STATUTES["NY"]})
    run = walk(answers, tmp_path / "first", stop_at={"safety_check"})
    assert run.status.question_text.strip() == "¿Está a salvo ahora mismo?"
    assert "Salida rápida" in run.status.extras["pre text"]
    run = walk(answers, tmp_path / "end")
    assert run.question_id == "download_drafts"
    assert run.status.question_text.strip() == "Sus borradores"
    assert "Estos son **borradores**" in run.status.subquestion_text
    assert case_data(run)["client"]["preferred_language"] == "es"
    assert "NY-1-notice-of-motion.docx" in drafts(run)
    # docassemble's own interface words (table actions, validation) come out in Spanish too
    assert run.value("word('Edit', language='es')") == "Editar"
    assert run.value("word('This field is required.', language='es')") == "Este campo es obligatorio."


def _upload(path: Path, name: str):
    def on_question(variable, question, user_dict):
        if variable == "case_file_upload":
            from docassemble.base.util import DAFile, DAFileList

            item = DAFile("case_file_upload[0]")
            item.initialize(filename=name)
            item.copy_into(str(path))
            item.commit()
            return DAFileList("case_file_upload", elements=[item], auto_gather=False, gathered=True)
        return harness.NO_ANSWER
    return on_question


def test_start_from_the_bundled_example_case_file(tmp_path):
    from docassemble.traffickingrelief.facts import parse_case
    from docassemble.traffickingrelief.resources import read_yaml

    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "attorney",
               "start_mode": "upload_case_file"}
    run = harness.run_interview(INTERVIEW, answers, on_question=_upload(EXAMPLE, "example_case.yml"), out_dir=tmp_path)
    assert run.question_id == "download_drafts"
    assert run.visited == ["language_choice", "safety_check", "confidentiality_note", "user_role", "start_mode",
                           "case_file_upload", "jurisdiction_overview", "record_relief_screening", "review_answers",
                           "download_drafts"]
    example = read_yaml(EXAMPLE.read_text(encoding="utf-8"))
    # The answers go back out as the same case file (what the export button downloads).
    exported = case_data(run)
    assert parse_case(copy.deepcopy(exported)) == parse_case(copy.deepcopy(example))
    statuses = {r["record_id"]: r["status"] for r in screening(run)}
    # the interview shows what the core's screening says of the same case file (the data may change)
    from docassemble.traffickingrelief.screening import screen

    core = {r.subject.id: r.status for r in screen(parse_case(copy.deepcopy(example)), families=["record_relief"])}
    assert statuses == core and statuses["c1"] == "eligible" and statuses["c3"] == "not_eligible"
    files = drafts(run)
    pa = docx_text(files["PA-1-motion.docx"])
    assert "CP-51-CR-0000001-2019" in pa and "18 Pa.C.S. § 3019" in pa
    assert "CP-51-CR-0000002-2019" not in pa  # not eligible: no papers
    ny = docx_text(files["NY-1-notice-of-motion.docx"])
    assert "CR-000001-20QN" in ny and "CPL 440.10(1)(i)" in ny
    assert "PA-1-seal-motion.docx" in files  # the file asks for a confidential filing
    assert_quick_exit(run)


def test_an_invalid_case_file_is_refused_with_field_paths(tmp_path):
    from docassemble.traffickingrelief.resources import read_yaml

    broken = read_yaml(EXAMPLE.read_text(encoding="utf-8"))
    broken["convictions"][0]["conviction_date"] = "2019-13-45"
    broken["convictions"][1]["jurisdiction"] = "ny"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    answers = {"interview_language": "en", "safety_answer": "safe", "user_role": "advocate",
               "start_mode": "upload_case_file"}
    run = harness.run_interview(INTERVIEW, answers, on_question=_upload(path, "broken.json"),
                                stop_at={"upload_problems"}, out_dir=tmp_path / "out")
    assert run.question_id == "upload_problems"
    text = run.status.subquestion_text
    assert "convictions&#91;1&#93;.jurisdiction" in text
    assert "Ana" not in text  # problems never quote the file's own text


def test_skipping_sensitive_questions_still_reaches_the_drafts(tmp_path):
    answers = base_answers("NY", **{
        "records[i].statute": STATUTES["NY"], "records[i].connection_choice": "prefer_not_to_say",
        "client.immigration_choice": "prefer_not_to_say", "trafficking.type_choice": "prefer_not_to_say",
        "trafficking.force_choice": "prefer_not_to_say", "trafficking.fraud_choice": "prefer_not_to_say",
        "trafficking.coercion_choice": "prefer_not_to_say", "trafficking.narrative_choice": "prefer_not_to_say",
        "le_contact_choice": "prefer_not_to_say", "evidence_choice": "prefer_not_to_say",
    })
    for name in ("records[i].trafficking_connection", "trafficking.narrative", "trafficking.period_start",
                 "trafficking.period_end", "trafficking.place", "client.date_of_birth"):
        del answers[name]
    run = walk(answers, tmp_path)
    assert run.question_id == "download_drafts"
    data = case_data(run)
    assert "narrative" not in data.get("trafficking", {}) and "types" not in data.get("trafficking", {})
    assert "trafficking_connection" not in data["convictions"][0]
    assert "citizenship" not in data["client"] and "immigration_status" not in data["client"]
    files = drafts(run)
    declaration = docx_text(files["NY-1-declaration.docx"])
    # each skipped answer is a placeholder (the core words them; these name what was skipped)
    missing = re.findall(r"\[MISSING: [^\]]*\]", declaration)
    assert any("own words" in m and "account" in m for m in missing), missing
    assert any("connects to the trafficking" in m for m in missing), missing
    assert any("type of trafficking" in m for m in missing), missing
    report = json.loads(files["assembly-report.json"].read_text(encoding="utf-8"))
    assert report["missing_facts"]


def test_two_records_and_an_arrest(tmp_path):
    """A list of two: a PA conviction and a PA arrest; each screen set is asked per record."""
    answers = base_answers("PA", user_role="advocate", **{"records[i].statute": STATUTES["PA"], "records[i].prosecutor_consent": "obtained",
                                    "records[1].kind": "arrest", "records[1].case_number": "MC-51-CR-0000009-2018",
                                    "records[1].arrest_disposition": "dismissed", "records[1].agency": "Example Police"})
    del answers["records.there_is_another"]
    more = iter([True, False])
    cb = checkbox_answers({"tr_other_states": [], "records[i].offence_categories": ["prostitution"],
                           "trafficking.documents": ["t_visa_approval"]})

    def on_question(variable, question, user_dict):
        if variable == "records.there_is_another":
            return next(more)
        return cb(variable, question, user_dict)

    run = harness.run_interview(INTERVIEW, answers, on_question=on_question, out_dir=tmp_path)
    assert run.question_id == "download_drafts"
    assert run.visited.count("record_basics") == 2
    assert "record_arrest_outcome" in run.visited and "record_conviction_outcome" in run.visited
    data = case_data(run)
    assert [c["id"] for c in data["convictions"]] == ["c1"]
    assert data["arrests"][0]["id"] == "a1" and data["arrests"][0]["disposition"] == "dismissed"
    assert data["trafficking"]["official_documentation"] == ["Form I-797 approval notice for T nonimmigrant status"]


def test_every_phrase_docassemble_translates_is_in_the_translation_tool():
    """tools/make_translations.py extracts the phrases the way docassemble's parser collects them."""
    import docassemble.base.interview_source as interview_source
    from docassemble.base.parse import Interview
    from docassemble.base.thread_context import empty_globals, global_context

    import make_translations

    harness._refresh_mirror()
    with global_context(empty_globals()):
        source = interview_source.interview_source_from_string(harness.interview_ref(INTERVIEW))
        source.update()
        source.translating = True
        interview = Interview(source=source)
        collected = {text for q in interview.all_questions for text in getattr(q, "translations", [])}
    assert collected == {p.text for p in make_translations.extract()}


def test_the_review_screen_shows_every_answer(tmp_path):
    """A review item whose text needs a variable not yet defined is silently left out by docassemble."""
    run = walk(base_answers("NY", **{"records[i].statute": STATUTES["NY"]}), tmp_path, stop_at={"review_answers"})
    assert run.question_id == "review_answers"
    shown = run.status.extras["ok"]
    assert len(shown) == len(run.status.question.fields) == 17
    assert all(shown.values()), [f.extras.get("button") for f in run.status.question.fields
                                  if not shown.get(f.number)]

