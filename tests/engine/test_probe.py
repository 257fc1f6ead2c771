"""Tier 2: run interviews/engine_probe.yml through docassemble's own engine (see harness.py).

Regenerate the probe template with: .venv-engine/bin/python tests/engine/test_probe.py --write-template
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TEMPLATE = REPO / "templates" / "engine_probe.docx"
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

ANSWERS = {"probe_name": "Ada Lovelace-Probe", "probe_choice": "keep_going"}
PATH = ["probe_name_question", "probe_choice_question", "probe_end_screen"]


def write_probe_template(path: Path = TEMPLATE) -> None:
    """The probe's DOCX template: one Jinja tag per answer (docxtpl syntax, as docassemble renders it)."""
    from docx import Document

    doc = Document()
    doc.add_heading("Engine probe", level=1)
    doc.add_paragraph("Name: {{ probe_name }}")
    doc.add_paragraph("Choice: {{ probe_choice }}")
    props = doc.core_properties
    props.author = props.last_modified_by = props.comments = ""
    props.title = "traffickingrelief engine probe"
    doc.save(str(path))


def docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def test_probe_template_has_the_tag():
    assert "{{ probe_name }}" in docx_text(TEMPLATE)


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory):
    """One full walk of the probe (its attachment is rendered to DOCX and converted to PDF, ~1 s)."""
    return harness.run_interview("engine_probe.yml", ANSWERS, out_dir=tmp_path_factory.mktemp("probe"))


def test_probe_runs_to_the_end_and_renders_the_docx(probe_run):
    run = probe_run
    assert run.finished
    assert run.visited == PATH
    assert run.question_id == "probe_end_screen"
    assert run.value("probe_choice") == "keep_going"
    docx = run.attachment(".docx")
    assert docx.parent == run.out_dir
    text = docx_text(docx)
    assert "Name: Ada Lovelace-Probe" in text
    assert "Choice: keep_going" in text
    assert "{{" not in text


def test_probe_pdf_attachment(probe_run):
    if harness._libreoffice_binary() is None:
        pytest.fail("LibreOffice is not installed: run bash tests/engine/setup-venv")
    from pypdf import PdfReader

    pdf = probe_run.attachment(".pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "Ada Lovelace-Probe" in text
    assert {a.format for a in probe_run.attachment_info} == {"docx", "pdf"}


def test_stop_at_a_question_before_the_end(tmp_path):
    run = harness.run_interview("engine_probe.yml", {"probe_name": "Grace"}, stop_at={"probe_choice_question"},
                                out_dir=tmp_path)
    assert not run.finished
    assert run.visited == PATH[:2]
    assert run.question_id == "probe_choice_question"
    assert run.attachments == []


def test_missing_answer_names_the_variable_and_the_question(tmp_path):
    with pytest.raises(harness.MissingAnswer) as caught:
        harness.run_interview("engine_probe.yml", {"probe_name": "Grace"}, out_dir=tmp_path)
    err = caught.value
    assert err.variable == "probe_choice"
    assert err.question_id == "probe_choice_question"
    assert err.visited == PATH[:2]
    assert "'probe_choice'" in str(err) and "probe_choice_question" in str(err)


def test_callback_answers_what_the_dict_does_not(tmp_path):
    asked = []

    def on_question(variable, question, user_dict):
        asked.append((variable, question.id))
        return "take_a_break" if variable == "probe_choice" else harness.NO_ANSWER

    run = harness.run_interview("engine_probe.yml", {"probe_name": "Grace"}, on_question=on_question,
                                out_dir=tmp_path)
    assert asked == [("probe_choice", "probe_choice_question")]
    assert run.finished and run.value("probe_choice") == "take_a_break"
    assert "Choice: take_a_break" in docx_text(run.attachment(".docx"))


# A scratch interview (written to tmp_path, never to interviews/) for the harness's own features:
# object attributes, a generic-object question (x.), list items with [i], a continue button field,
# an optional field, and an attachment kept in a variable (DAFile hooks).
SCRATCH = """\
objects:
  - client: DAObject
  - convictions: DAList.using(object_type=DAObject, ask_number=True, complete_attribute='court')
---
id: scratch_order
mandatory: True
code: |
  client.legal_name
  intro_seen
  if convictions.there_are_any:
    convictions.gather()
  probe_name = client.legal_name + ' / ' + ', '.join(c.court for c in convictions)
  probe_choice = 'keep_going' if client.wants_more else 'take_a_break'
---
id: scratch_intro
question: Welcome
continue button field: intro_seen
---
id: scratch_person
generic object: DAObject
question: About ${ x.object_name() }
fields:
  - Name: x.legal_name
  - Wants more: x.wants_more
    datatype: yesno
  - Nickname: x.nickname
    required: False
---
id: scratch_any
question: Any convictions?
fields:
  - no label: convictions.there_are_any
    datatype: yesnoradio
---
id: scratch_number
question: How many?
fields:
  - Number: convictions.target_number
    datatype: integer
---
id: scratch_court
question: Court for conviction ${ i + 1 }
fields:
  - Court: convictions[i].court
---
id: scratch_end
mandatory: True
question: Done
subquestion: ${ convictions.number() } convictions
attachment:
  variable name: scratch_doc
  name: Scratch
  filename: scratch
  docx template file: engine_probe.docx
  valid formats:
    - docx
"""


@pytest.mark.skipif(os.environ.get("TRAFFICKINGRELIEF_ENGINE_PACKAGE") == "installed",
                    reason="scratch interviews are linked into the source mirror only")
def test_nested_generic_and_indexed_names(tmp_path):
    yml = tmp_path / "engine_scratch_names.yml"
    yml.write_text(SCRATCH, encoding="utf-8")
    answers = {
        "client.legal_name": "Ada", "x.wants_more": True,  # concrete, and as the generic question writes it
        "convictions.there_are_any": True, "convictions.target_number": 2,
        "convictions[0].court": "First court", "convictions[1].court": "Second court",
    }
    run = harness.run_interview(yml, answers, out_dir=tmp_path / "out")
    assert run.visited == ["scratch_person", "scratch_intro", "scratch_any", "scratch_number",
                           "scratch_court", "scratch_court", "scratch_end"]
    assert run.skipped == ["client.nickname"]
    assert run.value("[c.court for c in convictions]") == ["First court", "Second court"]
    assert Path(run.value("scratch_doc.docx.path()")).is_file()
    assert "Name: Ada / First court, Second court" in docx_text(run.attachment(".docx"))

    del answers["convictions[1].court"]
    with pytest.raises(harness.MissingAnswer) as caught:
        harness.run_interview(yml, answers, out_dir=tmp_path / "out2")
    assert caught.value.variable == "convictions[1].court"
    assert caught.value.generic_name == "convictions[i].court"
    assert caught.value.question_id == "scratch_court"

    answers["convictions[i].court"] = "Same court"  # one answer for every index
    run = harness.run_interview(yml, answers, out_dir=tmp_path / "out3")
    assert run.value("[c.court for c in convictions]") == ["First court", "Same court"]


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-template"]:
        write_probe_template()
        print(f"wrote {TEMPLATE}")
    else:
        sys.exit("usage: python tests/engine/test_probe.py --write-template")
